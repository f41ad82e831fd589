package bulk

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/internal/attr"
	"github.com/dynamodel/dynamodel/internal/retry"
)

// ImportOptions are the options of Import.
type ImportOptions struct {
	// IfAbsent writes each item only when no item has its key (a
	// conditional PutItem per item, since batches cannot carry
	// conditions); existing items are left alone and reported in
	// ImportResult.Existing. Without it, an item replaces any with its key.
	// Of lines with the same key, the first written wins: the later ones
	// find its item and are in Existing.
	IfAbsent bool
	// Batch tunes the batch writes as it tunes dynamodel's batch calls:
	// requests in flight at once, attempts (MaxAttempts, MaxElapsed) and
	// backoff for unprocessed items and throttling. Zero values are the
	// same defaults (4 in flight, 10 attempts, 25 ms to 2 s).
	Batch dynamodel.BatchOptions
	// Progress, when set, is called as the import goes (see Progress).
	Progress func(Progress)
	// ClientOptions are passed to every SDK call.
	ClientOptions []func(*dynamodb.Options)
}

// ImportResult says what an import did with its lines. Every non-blank
// line is written, or in Existing, or in Failed, or was replaced before it
// was sent by a later line with the same key.
type ImportResult struct {
	// Lines counts the non-blank lines read.
	Lines int64
	// Written counts the items written.
	Written int64
	// Duplicates counts lines whose key an earlier line of the input had:
	// the later line wins (with IfAbsent, the earlier one).
	Duplicates int64
	// Existing lists, with IfAbsent, the lines whose item already existed
	// and so was not written; each error matches dynamodel.ErrAlreadyExists.
	Existing []*LineError
	// Failed lists the lines not written, and why, in input order.
	Failed []*LineError
}

// LineError is a line of an import's input that was not written, and why.
type LineError struct {
	File string // the file's name, as given
	Line int    // counted from 1
	Key  string // the item's key, when the line could be read
	Err  error
}

// Error renders "FILE:LINE: KEY: why".
func (e *LineError) Error() string {
	if e.Key == "" {
		return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("%s:%d: %s: %v", e.File, e.Line, e.Key, e.Err)
}

// String is Error, for lists.
func (e *LineError) String() string { return e.Error() }

// Unwrap returns the reason.
func (e *LineError) Unwrap() error { return e.Err }

// ImportError reports the lines an import did not write. It matches
// ErrNotWritten.
type ImportError struct {
	Table string
	Lines []*LineError
}

// Error lists the lines not written (the first hundred), one a line.
func (e *ImportError) Error() string {
	return listErrors(fmt.Sprintf("bulk: import %s: %d line(s) not written:", e.Table, len(e.Lines)), e.Lines, 100)
}

// Unwrap returns ErrNotWritten.
func (e *ImportError) Unwrap() error { return ErrNotWritten }

// Reasons a line was not written.
var (
	errLineTooLong = errors.New("line longer than 4 MiB")
	errNotSent     = errors.New("not sent: the import stopped first")
)

// maxLine bounds a line's length: an item is at most 400 KB, which JSON
// escaping and base64 can grow a few times.
const maxLine = 4 << 20

// Import writes the items in files (lines of DynamoDB JSON, as Export and
// DynamoDB's export to S3 write them; plain or gzip, told apart by their
// first bytes) to table, in batches of 25, several at once, resending what
// DynamoDB leaves unprocessed or throttles, with backoff, as dynamodel's
// BatchWrite does. Every line is parsed and checked (JSON, see ParseLine;
// the key attributes of the table and of its indexes: their types, no
// empty value, DynamoDB's length limits; the item size) before it is
// queued, so a malformed line is reported and never stops the lines around
// it, and no half item is ever written. When a batch is rejected as a
// whole, its items are written one by one so that only the bad ones fail.
//
// A gzip file's member (ExportFile writes one per checkpoint) is read to
// its end and its checksum checked before any of its lines is used, so a
// member damaged in the middle writes nothing: the import stops at its
// first line. (A pipe cannot be read twice: its members are used as they
// come.)
//
// When a key appears on several lines, the later line wins (its write is
// sent only after the earlier one's is answered) and each repetition is
// counted in Duplicates. With IfAbsent the earlier line wins, wherever the
// lines are: the later one is in Existing.
//
// A file that ExportFile has not finished (its checkpoint is beside it) is
// refused before anything is written (ErrUnfinishedExport): it holds part
// of the table only.
//
// Import takes dynamodel's batch options (ImportOptions.Batch) and
// follows BatchWrite's rules with them, with a loop of its own: it writes
// items of no Go type, splits rejected batches and orders repeated keys. A
// line whose batch failed after it may have reached DynamoDB (an answer
// lost, the context ended in flight) is "outcome unknown"; one whose batch
// never left (a refused connection) or was refused is "not written".
//
// The result lists every line not written and why. The error is the
// reason the import stopped, if it did (a missing table; a file that could
// not be read to its end, named with the line it stopped at and followed
// by the files not read), and otherwise an *ImportError (ErrNotWritten)
// when any line was not written.
func Import(ctx context.Context, client API, table string, files []string, optFns ...func(*ImportOptions)) (ImportResult, error) {
	opts := collect(ImportOptions{}, optFns)
	batch := opts.Batch
	if batch.Concurrency <= 0 {
		batch.Concurrency = retry.Concurrency
	}
	if batch.MaxAttempts <= 0 {
		batch.MaxAttempts = retry.MaxAttempts
	}
	if batch.BaseDelay <= 0 {
		batch.BaseDelay = retry.BaseDelay
	}
	if batch.MaxDelay <= 0 {
		batch.MaxDelay = retry.MaxDelay
	}
	out, err := client.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: &table}, opts.ClientOptions...)
	if err != nil {
		return ImportResult{}, opError("DescribeTable", table, err)
	}
	im := &importer{client: client, table: table, opts: opts, batch: batch,
		seen: map[[16]byte]struct{}{}, inFlight: map[string]int{}, sem: make(chan struct{}, batch.Concurrency)}
	im.keys, im.indexKeys = tableKeys(out.Table)
	im.cond = sync.NewCond(&im.mu)
	im.fileOrder = map[string]int{}
	for i, f := range files {
		if _, ok := im.fileOrder[f]; !ok {
			im.fileOrder[f] = i
		}
		info, err := os.Stat(f)
		if err != nil {
			return ImportResult{}, fmt.Errorf("bulk: import %s: %w", table, err)
		}
		if _, err := os.Stat(f + CheckpointSuffix); err == nil {
			return ImportResult{}, fmt.Errorf("bulk: import %s: %w: %s has a checkpoint (%s): the export is running, or was stopped and can be resumed; "+
				"import it once it is finished", table, ErrUnfinishedExport, f, f+CheckpointSuffix)
		}
		im.totalBytes += info.Size()
	}
	im.start = time.Now()
	for i, f := range files {
		if err = im.readFile(ctx, f); err != nil {
			if rest := files[i+1:]; len(rest) > 0 {
				err = fmt.Errorf("%w (not read: %s)", err, strings.Join(rest, ", "))
			}
			break
		}
	}
	im.flush(ctx)
	im.wg.Wait()
	res := im.result()
	im.lastProgress = time.Time{} // the last report is made whenever it comes
	im.report(err == nil)         // a stopped import ends without Done (see Progress)
	if err != nil {
		return res, fmt.Errorf("bulk: import %s: %w", table, err)
	}
	if len(res.Failed) > 0 {
		return res, &ImportError{Table: table, Lines: res.Failed}
	}
	return res, nil
}

// tableKeys returns the table's key attributes, hash first, and those of
// its indexes, each with the index's name.
func tableKeys(t *types.TableDescription) (keys, indexKeys []keyAttr) {
	attrTypes := map[string]types.ScalarAttributeType{}
	for _, d := range t.AttributeDefinitions {
		attrTypes[*d.AttributeName] = d.AttributeType
	}
	schemaKeys := func(index string, schema []types.KeySchemaElement) (keys []keyAttr) {
		for _, k := range schema {
			a := keyAttr{name: *k.AttributeName, typ: attrTypes[*k.AttributeName], index: index, max: attr.MaxHashKeyBytes}
			if k.KeyType == types.KeyTypeHash {
				keys = append([]keyAttr{a}, keys...)
			} else {
				a.max = attr.MaxRangeKeyBytes
				keys = append(keys, a)
			}
		}
		return keys
	}
	for _, ix := range t.GlobalSecondaryIndexes {
		indexKeys = append(indexKeys, schemaKeys(aws.ToString(ix.IndexName), ix.KeySchema)...)
	}
	for _, ix := range t.LocalSecondaryIndexes {
		indexKeys = append(indexKeys, schemaKeys(aws.ToString(ix.IndexName), ix.KeySchema)...)
	}
	return schemaKeys("", t.KeySchema), indexKeys
}

// entry is a line read and checked, waiting to be written.
type entry struct {
	file string
	line int
	key  string
	item map[string]types.AttributeValue
}

func (e *entry) fail(err error) *LineError {
	return &LineError{File: e.file, Line: e.line, Key: e.key, Err: err}
}

// importer runs one import.
type importer struct {
	client API
	table  string
	opts   ImportOptions
	batch  dynamodel.BatchOptions
	keys   []keyAttr
	// indexKeys are the key attributes of the table's indexes: an item
	// need not have them, but one it has must be a key value.
	indexKeys []keyAttr

	pending []*entry              // the batch being filled
	inBatch map[string]int        // key -> index in pending
	seen    map[[16]byte]struct{} // hashes of every key read
	sem     chan struct{}
	wg      sync.WaitGroup

	mu         sync.Mutex // guards what follows
	cond       *sync.Cond // signalled when a batch is answered
	inFlight   map[string]int
	lines      int64
	written    int64
	duplicates int64
	existing   []*LineError
	failed     []*LineError

	fileOrder    map[string]int // file name -> position in the arguments
	start        time.Time
	bytesRead    int64
	totalBytes   int64
	lastProgress time.Time
}

// readFile reads one file's lines and queues them.
func (im *importer) readFile(ctx context.Context, name string) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	base := im.bytesRead
	counted := &countingReader{r: f}
	br := bufio.NewReaderSize(counted, 256<<10)
	var r io.Reader = br
	read := func() int64 { return counted.n } // bytes of the file read so far
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		if info, err := f.Stat(); err == nil && info.Mode().IsRegular() {
			gz := &checkedGzip{f: f} // reads f itself, from its start
			defer gz.Close()
			r, read = gz, func() int64 { return gz.read }
		} else {
			// A pipe cannot be read twice: its members are used as they
			// come, a damaged one up to where its damage shows.
			gz, err := gzip.NewReader(br)
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			defer gz.Close()
			r = gz
		}
	}
	lines := bufio.NewReaderSize(r, 256<<10)
	for n := 1; ; n++ {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("%s:%d: %w", name, n, err) // where to go on from
		}
		line, tooLong, err := readLine(lines)
		if err != nil && err != io.EOF {
			return fmt.Errorf("%s:%d: %w", name, n, err)
		}
		if len(bytes.TrimSpace(line)) > 0 || tooLong {
			im.queue(ctx, name, n, line, tooLong)
		}
		im.bytesRead = base + read()
		im.report(false)
		if err == io.EOF {
			return nil
		}
	}
}

// readLine reads up to the next newline; a line over maxLine is skipped to
// its end and reported as too long.
func readLine(r *bufio.Reader) (line []byte, tooLong bool, err error) {
	var buf []byte
	for {
		chunk, err := r.ReadSlice('\n')
		if len(buf)+len(chunk) > maxLine {
			tooLong = true
			buf = buf[:0]
		} else {
			buf = append(buf, chunk...)
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if tooLong {
			return nil, true, err
		}
		return buf, false, err
	}
}

// queue checks one line and adds it to the batch being filled.
func (im *importer) queue(ctx context.Context, file string, n int, line []byte, tooLong bool) {
	im.mu.Lock()
	im.lines++
	im.mu.Unlock()
	e := &entry{file: file, line: n}
	if tooLong {
		im.addFailure(e.fail(errLineTooLong))
		return
	}
	item, err := ParseLine(line)
	if err == nil {
		e.key, err = im.checkItem(item)
	}
	if err != nil {
		im.addFailure(e.fail(err))
		return
	}
	e.item = item
	h := fnv.New128a()
	h.Write([]byte(e.key))
	var sum [16]byte
	h.Sum(sum[:0])
	if _, dup := im.seen[sum]; dup {
		im.mu.Lock()
		im.duplicates++
		im.mu.Unlock()
		if i, ok := im.inBatch[e.key]; ok {
			if !im.opts.IfAbsent {
				// The earlier line has not been sent: the later one
				// takes its place.
				im.pending[i] = e
				return
			}
			// With IfAbsent the earlier line is sent first, as from an
			// earlier batch: the later one finds its item.
			im.flush(ctx)
		}
		im.waitAnswered(e.key)
	}
	im.seen[sum] = struct{}{}
	if im.inBatch == nil {
		im.inBatch = map[string]int{}
	}
	im.inBatch[e.key] = len(im.pending)
	im.pending = append(im.pending, e)
	if len(im.pending) == 25 {
		im.flush(ctx)
	}
}

// waitAnswered waits until no batch in flight holds key, so that a later
// line's write cannot overtake an earlier one's.
func (im *importer) waitAnswered(key string) {
	im.mu.Lock()
	defer im.mu.Unlock()
	for im.inFlight[key] > 0 {
		im.cond.Wait()
	}
}

// checkItem checks an item's key attributes, those of the table's indexes
// it has, and its size, and returns its key for messages.
func (im *importer) checkItem(item map[string]types.AttributeValue) (string, error) {
	for _, k := range im.keys {
		av, ok := item[k.name]
		if !ok {
			return "", fmt.Errorf("%w: no key attribute %q", ErrMalformedItem, k.name)
		}
		if err := checkKey(k, av); err != nil {
			return "", err
		}
	}
	key := keyString(item, im.keys)
	for _, k := range im.indexKeys {
		if av, ok := item[k.name]; ok {
			if err := checkKey(k, av); err != nil {
				return key, err
			}
		}
	}
	if n := dynamodel.ItemSize(item); n > dynamodel.MaxItemSize {
		return key, fmt.Errorf("%w: %d bytes, over DynamoDB's %d-byte limit", dynamodel.ErrItemTooLarge, n, dynamodel.MaxItemSize)
	}
	return key, nil
}

// flush sends the batch being filled.
func (im *importer) flush(ctx context.Context) {
	if len(im.pending) == 0 {
		return
	}
	batch := im.pending
	im.pending, im.inBatch = nil, nil
	im.mu.Lock()
	for _, e := range batch {
		im.inFlight[e.key]++
	}
	im.mu.Unlock()
	select {
	case im.sem <- struct{}{}:
	case <-ctx.Done():
		errs := make([]error, len(batch))
		for i := range errs {
			errs[i] = errNotSent
		}
		im.settle(batch, errs)
		return
	}
	im.wg.Add(1)
	go func() {
		defer im.wg.Done()
		defer func() { <-im.sem }()
		if im.opts.IfAbsent {
			im.settle(batch, im.putEach(ctx, batch))
		} else {
			im.settle(batch, im.writeBatch(ctx, batch))
		}
	}()
}

// settle records what became of a batch's entries: errs[i] is nil when
// entry i was written, matches dynamodel.ErrAlreadyExists when IfAbsent
// found its item, and otherwise says why it was not written.
func (im *importer) settle(batch []*entry, errs []error) {
	im.mu.Lock()
	defer im.mu.Unlock()
	for i, e := range batch {
		switch err := errs[i]; {
		case err == nil:
			im.written++
		case im.opts.IfAbsent && errors.Is(err, dynamodel.ErrAlreadyExists):
			im.existing = append(im.existing, e.fail(err))
		default:
			im.failed = append(im.failed, e.fail(err))
		}
		if im.inFlight[e.key]--; im.inFlight[e.key] <= 0 {
			delete(im.inFlight, e.key)
		}
	}
	im.cond.Broadcast()
}

func (im *importer) addFailure(le *LineError) {
	im.mu.Lock()
	im.failed = append(im.failed, le)
	im.mu.Unlock()
}

// writeBatch writes entries with BatchWriteItem, resending unprocessed
// ones, and throttled requests, with backoff until done or out of
// attempts. It returns each entry's outcome.
func (im *importer) writeBatch(ctx context.Context, batch []*entry) []error {
	errs := make([]error, len(batch))
	index := make(map[string]int, len(batch))
	for i, e := range batch {
		index[e.key] = i
	}
	left := batch
	first := time.Now()
	maybeApplied := false // a send of what is left may have been applied
	optFns := slices.Clip(im.opts.ClientOptions)
	for attempt := 1; ; attempt++ {
		reqs := make([]types.WriteRequest, len(left))
		for i, e := range left {
			reqs[i] = types.WriteRequest{PutRequest: &types.PutRequest{Item: e.item}}
		}
		var sent retry.SendWatch
		out, err := im.client.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{
			RequestItems: map[string][]types.WriteRequest{im.table: reqs},
		}, append(optFns, sent.Option)...)
		maybeApplied = maybeApplied || sent.MayHaveApplied(err)
		var why error
		answered := true // why says the lines were not written
		switch {
		case err == nil:
			left = im.unprocessed(left, out.UnprocessedItems[im.table])
			why = fmt.Errorf("still unprocessed after %d attempts", attempt)
		case retry.Throttled(err):
			why = fmt.Errorf("throttled %d times: %w", attempt, err)
		case isRejected(err) && len(left) > 1 && ctx.Err() == nil:
			// One bad item fails the whole request: write them one by
			// one, so only the bad ones fail.
			for i, perr := range im.putEach(ctx, left) {
				errs[index[left[i].key]] = perr
			}
			return errs
		case isClientFault(err) && ctx.Err() == nil:
			why = err // answered as refused
		default: // no answer: the context ended, or the request failed
			why, answered = err, false
			if ctx.Err() != nil {
				why = ctx.Err()
			}
		}
		if len(left) == 0 {
			return errs
		}
		if im.mayResend(attempt, first) && (err == nil || retry.Throttled(err)) {
			if berr := backoff(ctx, attempt, im.batch.BaseDelay, im.batch.MaxDelay); berr == nil {
				continue
			}
			why = fmt.Errorf("not sent again: %w (%v)", ctx.Err(), why)
		}
		why = batchFailure(why, answered, maybeApplied)
		for _, e := range left {
			errs[index[e.key]] = why
		}
		return errs
	}
}

// batchFailure is what became of the lines of a batch that failed for
// why: their outcome is unknown when some send of them may have been
// applied (an answer lost, even one the SDK then resent), else they were
// not written.
func batchFailure(why error, answered, maybeApplied bool) error {
	switch {
	case maybeApplied:
		return fmt.Errorf("outcome unknown: %w", why)
	case answered:
		return why // it says so: unprocessed, throttled, refused
	default:
		return fmt.Errorf("not written: %w", why)
	}
}

// mayResend reports whether a request first sent at first may be sent
// again after attempt sends: within Batch.MaxAttempts and, when set,
// Batch.MaxElapsed (as dynamodel's batch calls count them).
func (im *importer) mayResend(attempt int, first time.Time) bool {
	if attempt >= im.batch.MaxAttempts {
		return false
	}
	return im.batch.MaxElapsed <= 0 || time.Since(first) < im.batch.MaxElapsed
}

// unprocessed returns the entries of left that DynamoDB left unprocessed.
func (im *importer) unprocessed(left []*entry, reqs []types.WriteRequest) []*entry {
	if len(reqs) == 0 {
		return nil
	}
	keys := make(map[string]bool, len(reqs))
	for _, r := range reqs {
		if r.PutRequest != nil {
			keys[keyString(r.PutRequest.Item, im.keys)] = true
		}
	}
	var out []*entry
	for _, e := range left {
		if keys[e.key] {
			out = append(out, e)
		}
	}
	return out
}

// putEach writes entries one PutItem at a time: conditional on the key
// being absent with IfAbsent, else to find the bad items of a rejected
// batch. It returns each entry's outcome.
func (im *importer) putEach(ctx context.Context, batch []*entry) []error {
	errs := make([]error, len(batch))
	for i, e := range batch {
		in := &dynamodb.PutItemInput{TableName: &im.table, Item: e.item}
		if im.opts.IfAbsent {
			in.ConditionExpression = strPtr("attribute_not_exists(#k)")
			in.ExpressionAttributeNames = map[string]string{"#k": im.keys[0].name}
			in.ReturnValuesOnConditionCheckFailure = types.ReturnValuesOnConditionCheckFailureAllOld
		}
		if ctx.Err() != nil {
			errs[i] = errNotSent
			continue
		}
		var watch retry.SendWatch
		optFns := append(slices.Clip(im.opts.ClientOptions), watch.Option)
		err := retryThrottled(ctx, func() error {
			_, err := im.client.PutItem(ctx, in, optFns...)
			return err
		})
		switch failed, found := isConditionFailed(err); {
		case err == nil:
		case failed && im.opts.IfAbsent && watch.Uncertain() && im.holds(ctx, e, found):
			// The SDK resent a put whose answer was lost, and the item
			// its condition found is the line's: this import wrote it.
		case failed && im.opts.IfAbsent:
			errs[i] = fmt.Errorf("%w: not written", dynamodel.ErrAlreadyExists)
		case ctx.Err() != nil && watch.MayHaveApplied(err):
			errs[i] = fmt.Errorf("outcome unknown (sent, no answer): %w", ctx.Err())
		default:
			errs[i] = err
		}
	}
	return errs
}

// getter is the optional part of a client that reads an item.
type getter interface {
	GetItem(ctx context.Context, params *dynamodb.GetItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
}

// holds reports whether the table holds e's item as its line has it:
// found, the item a failed condition returned, or else one consistent
// read when the client can read.
func (im *importer) holds(ctx context.Context, e *entry, found map[string]types.AttributeValue) bool {
	if found == nil {
		g, ok := im.client.(getter)
		if !ok {
			return false
		}
		key := make(map[string]types.AttributeValue, len(im.keys))
		for _, k := range im.keys {
			key[k.name] = e.item[k.name]
		}
		out, err := g.GetItem(ctx, &dynamodb.GetItemInput{TableName: &im.table, Key: key, ConsistentRead: aws.Bool(true)}, im.opts.ClientOptions...)
		if err != nil {
			return false
		}
		found = out.Item
	}
	return attr.SameItem(found, e.item)
}

// isRejected reports whether DynamoDB refused a request as invalid, so
// that nothing in it was written.
func isRejected(err error) bool {
	var apiErr interface{ ErrorCode() string }
	return errors.As(err, &apiErr) && apiErr.ErrorCode() == "ValidationException"
}

// isClientFault reports whether DynamoDB answered that the request was at
// fault (a missing table, no permission...): nothing in it was written.
func isClientFault(err error) bool {
	var apiErr smithy.APIError
	return errors.As(err, &apiErr) && apiErr.ErrorFault() == smithy.FaultClient
}

// report calls the progress callback, at most every progressEvery unless
// done.
func (im *importer) report(done bool) {
	if im.opts.Progress == nil {
		return
	}
	now := time.Now()
	if !done && now.Sub(im.lastProgress) < progressEvery {
		return
	}
	im.lastProgress = now
	im.mu.Lock()
	p := Progress{Op: "import", Items: im.lines, Bytes: im.bytesRead, Failed: int64(len(im.failed)),
		TotalBytes: im.totalBytes, Elapsed: now.Sub(im.start), Done: done}
	im.mu.Unlock()
	im.opts.Progress(p)
}

// result returns the outcome, lines in input order.
func (im *importer) result() ImportResult {
	im.mu.Lock()
	defer im.mu.Unlock()
	byPlace := func(list []*LineError) {
		sort.SliceStable(list, func(i, j int) bool {
			a, b := list[i], list[j]
			if a.File != b.File {
				return im.fileOrder[a.File] < im.fileOrder[b.File]
			}
			return a.Line < b.Line
		})
	}
	byPlace(im.failed)
	byPlace(im.existing)
	return ImportResult{Lines: im.lines, Written: im.written, Duplicates: im.duplicates, Existing: im.existing, Failed: im.failed}
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func strPtr(s string) *string { return &s }
