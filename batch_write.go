package dynamodel

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodel/dynamodel/internal/attr"
	"github.com/dynamodel/dynamodel/internal/retry"
)

// DynamoDB's limits per batch request.
const (
	maxBatchWrite = 25
	maxBatchGet   = 100
)

// BatchWriteError reports a BatchPut, BatchDelete or BatchWrite that did
// not finish. It sorts every put and delete of the call into one of three
// sets, each as the caller passed them and in the caller's order:
//
//   - Done: written, as DynamoDB answered.
//   - NotDone: not written: never sent (the call stopped first), or
//     answered as unprocessed or throttled until the retry bounds ran out.
//     Send them again.
//   - Unknown: sent, but no answer came (the context ended or the
//     connection failed in flight, or the service failed with a 5xx): each
//     may or may not be written. Send them again, or read them to find out.
//
// Puts and deletes are idempotent, so a BatchWrite of NotDone and Unknown
// (their Puts appended, their Deletes appended) finishes the job, and an
// item written twice ends as if written once: for a versioned model the
// version is incremented from the value passed, as the first time.
// It matches ErrBatchIncomplete, and its cause (Err) with errors.Is and
// errors.As (context.Canceled, the service's error).
type BatchWriteError[T any] struct {
	Table   string
	Done    BatchWrites[T] // written
	NotDone BatchWrites[T] // not written
	Unknown BatchWrites[T] // sent without an answer: written or not
	Err     error          // why the call stopped: the context's error, a request's, or the retry bound's
}

// BatchWrites are puts and deletes of one BatchWrite call, as the caller
// passed them.
type BatchWrites[T any] struct {
	Puts    []T   // items to store
	Deletes []any // keys of items to delete
}

// Len returns the number of puts and deletes.
func (w BatchWrites[T]) Len() int { return len(w.Puts) + len(w.Deletes) }

// Error says how many writes were not done, how many are unknown, and why.
func (e *BatchWriteError[T]) Error() string {
	return fmt.Sprintf("dynamodel: BatchWriteItem %s: %d put(s) and %d delete(s) not done, %d put(s) and %d delete(s) unknown (sent, no answer), %d done: %v",
		e.Table, len(e.NotDone.Puts), len(e.NotDone.Deletes), len(e.Unknown.Puts), len(e.Unknown.Deletes), e.Done.Len(), e.Err)
}

// Unwrap returns ErrBatchIncomplete and the cause.
func (e *BatchWriteError[T]) Unwrap() []error { return []error{ErrBatchIncomplete, e.Err} }

// BatchWriteOptions are the options of BatchPut, BatchDelete and
// BatchWrite: how the batch is sent (BatchOptions, which start as the
// repository's Options.Batch).
type BatchWriteOptions struct {
	BatchOptions

	// Capacity, when set, adds up the capacity the batch consumes, every
	// request and resend included (see Capacity).
	Capacity *Capacity
}

// BatchPut stores items (replacing any with the same keys) in requests of 25,
// several at once, resending what DynamoDB throttles or leaves unprocessed
// with backoff (see BatchOptions). Keys and sizes are checked, and
// duplicate keys rejected (ErrDuplicateKey), before any call. Items of a
// flat model (attributes all strings, booleans, integers and times; no
// version, timestamps, TTL or key templates) are checked without being
// encoded, and each request encodes its own as it is sent. It returns
// the items as stored (with their versions and timestamps, for models that
// have them), in the order given, and leaves items itself unchanged, as Put
// does.
//
// On failure the error is a *BatchWriteError[T] sorting the items into
// done, not done and unknown, as the caller passed them, and the items
// returned are all of them as they were (or would have been) stored; an
// error found before any call returns none.
func (r *Repository[T]) BatchPut(ctx context.Context, items []T, optFns ...func(*BatchWriteOptions)) ([]T, error) {
	return r.BatchWrite(ctx, items, nil, optFns...)
}

// BatchDelete deletes the items with keys, as BatchPut stores them. On
// failure the error is a *BatchWriteError[T] sorting the keys into done,
// not done and unknown.
func (r *Repository[T]) BatchDelete(ctx context.Context, keys []any, optFns ...func(*BatchWriteOptions)) error {
	_, err := r.BatchWrite(ctx, nil, keys, optFns...)
	return err
}

// BatchWrite stores puts and deletes keys, in requests of 25, and returns
// the puts as stored (see BatchPut). No key may appear twice in one call.
// Batches cannot carry conditions, so a versioned model needs
// SkipVersionCheck.
func (r *Repository[T]) BatchWrite(ctx context.Context, puts []T, deletes []any, optFns ...func(*BatchWriteOptions)) ([]T, error) {
	opts := collectOptions(BatchWriteOptions{BatchOptions: r.opts.Batch}, optFns)
	batch := opts.BatchOptions.withDefaults()
	m := r.model
	if _, versioned := m.WithRole(RoleVersion); versioned && len(puts) > 0 && !batch.SkipVersionCheck {
		return nil, r.opError("BatchWriteItem", nil, fmt.Errorf("%w: %v is versioned and a batch cannot check versions: use Put, a transaction, or SkipVersionCheck (Options.Batch, or the call's BatchWriteOptions)", ErrInvalidItem, m.typ))
	}
	plan, err := r.planWrites(puts, deletes)
	if err != nil {
		return nil, r.opError("BatchWriteItem", nil, err)
	}
	n := plan.len()
	var (
		mu       sync.Mutex
		outcomes = make([]writeOutcome, n) // all done unless marked
	)
	mark := func(at []int, o writeOutcome) {
		mu.Lock()
		defer mu.Unlock()
		for _, i := range at {
			outcomes[i] = o
		}
	}
	bounds := func(c int) (from, to int) { return c * maxBatchWrite, min((c+1)*maxBatchWrite, n) } // of chunk c
	skipped, err := runChunks(ctx, (n+maxBatchWrite-1)/maxBatchWrite, batch.Concurrency, func(ctx context.Context, c int) error {
		from, to := bounds(c)
		reqs, err := r.requests(plan, from, to)
		if err != nil {
			mark(span(from, to), writeNotDone) // nothing of this chunk was sent
			return err
		}
		left, o, err := r.writeChunk(ctx, batch, opts.Capacity, reqs)
		if err != nil {
			mark(plan.find(from, reqs, left), o)
		}
		return err
	})
	stored := plan.storedItems()
	if err == nil {
		return stored, nil
	}
	for _, c := range skipped {
		mark(span(bounds(c)), writeNotDone)
	}
	be := &BatchWriteError[T]{Table: r.table, Err: err}
	for i, o := range outcomes {
		set := [...]*BatchWrites[T]{writeDone: &be.Done, writeNotDone: &be.NotDone, writeUnknown: &be.Unknown}[o]
		if i < len(puts) {
			set.Puts = append(set.Puts, puts[i])
		} else {
			set.Deletes = append(set.Deletes, deletes[i-len(puts)])
		}
	}
	return stored, be
}

// writeOutcome is what became of one write of a batch.
type writeOutcome uint8

const (
	writeDone    writeOutcome = iota // written
	writeNotDone                     // not written
	writeUnknown                     // sent without an answer
)

// writeChunk sends one request's worth of writes until all are processed,
// resending what DynamoDB throttles or leaves unprocessed within the
// bounds of opt. On failure it returns what is left and whether that is
// not done or unknown.
func (r *Repository[T]) writeChunk(ctx context.Context, opt BatchOptions, c *Capacity, reqs []types.WriteRequest) ([]types.WriteRequest, writeOutcome, error) {
	var (
		first        = time.Now()
		maybeApplied bool // a send of what is left may have been applied
		optFns       = slices.Clip(r.opts.ClientOptions)
	)
	left := func() writeOutcome {
		if maybeApplied {
			return writeUnknown
		}
		return writeNotDone
	}
	for attempt := 1; ; attempt++ {
		var sent retry.SendWatch
		out, err := r.client.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{
			RequestItems:           map[string][]types.WriteRequest{r.table: reqs},
			ReturnConsumedCapacity: c.mode(),
		}, append(optFns, sent.Option)...)
		if err != nil {
			maybeApplied = maybeApplied || sent.MayHaveApplied(err)
			if !retry.Throttled(err) {
				return reqs, left(), classify(err)
			}
			// Throttled: this answer applied nothing; send it all again.
			if stop := opt.pause(ctx, attempt, first); stop != nil {
				return reqs, left(), stopError(stop, fmt.Errorf("throttled %v: %w", stop, err))
			}
			continue
		}
		maybeApplied = maybeApplied || sent.Uncertain()
		c.writes(out.ConsumedCapacity)
		reqs = out.UnprocessedItems[r.table]
		if len(reqs) == 0 {
			return nil, writeDone, nil
		}
		if stop := opt.pause(ctx, attempt, first); stop != nil {
			return reqs, left(), stopError(stop, fmt.Errorf("%d write(s) still unprocessed %v", len(reqs), stop))
		}
	}
}

// stopError is the error of a request whose resending stopped: the
// context's error as it is, else bounded, which says what was left and
// which bound stopped it.
func stopError(stop, bounded error) error {
	var b *retryBoundError
	if errors.As(stop, &b) {
		return bounded
	}
	return stop
}

// parallelMin is the fewest items BatchWrite checks or encodes on more
// than one core: below it, starting goroutines costs more than it saves.
const parallelMin = 512

// encodeAll encodes items for a batch (encodeForWrite, in place), on up to
// GOMAXPROCS cores when there are many: every item is encoded before the
// first request is sent, so this is time no request is in flight. errs is
// nil when every item encoded.
func (r *Repository[T]) encodeAll(items []T) (encoded []map[string]types.AttributeValue, errs []error) {
	encoded = make([]map[string]types.AttributeValue, len(items))
	var failed atomic.Bool
	errs = make([]error, len(items))
	inParallel(len(items), func(from, to int) {
		for i := from; i < to; i++ {
			w, err := r.encodeForWrite(&items[i], writePut, false)
			encoded[i], errs[i] = w.item, err
			if err != nil {
				failed.Store(true)
			}
		}
	})
	if !failed.Load() {
		errs = nil
	}
	return encoded, errs
}

// inParallel calls do on ranges [from, to) that cover [0, n): one per core,
// up to GOMAXPROCS, when n is parallelMin or more, and then returns.
func inParallel(n int, do func(from, to int)) {
	workers := min(runtime.GOMAXPROCS(0), n/parallelMin)
	if workers <= 1 {
		do(0, n)
		return
	}
	var wg sync.WaitGroup
	per := (n + workers - 1) / workers
	for from := 0; from < n; from += per {
		wg.Add(1)
		go func() {
			defer wg.Done()
			do(from, min(from+per, n))
		}()
	}
	wg.Wait()
}

// keyID returns what identifies the key attributes names of k (an item or
// a key) among keys of one model. A key of one string or number attribute
// is its value (no allocation); others are built in *buf: each attribute's
// value prefixed with its length.
func keyID(k map[string]types.AttributeValue, names []string, buf *[]byte) string {
	if len(names) == 1 {
		switch v := k[names[0]].(type) {
		case *types.AttributeValueMemberS:
			return v.Value
		case *types.AttributeValueMemberN:
			return attr.CanonicalNumber(v.Value)
		}
	}
	b := (*buf)[:0]
	for _, n := range names {
		switch v := k[n].(type) {
		case *types.AttributeValueMemberS:
			b = appendKeyString(b, v.Value)
		case *types.AttributeValueMemberN:
			b = appendKeyString(b, attr.CanonicalNumber(v.Value))
		case *types.AttributeValueMemberB:
			b = binary.AppendUvarint(b, uint64(len(v.Value)))
			b = append(b, v.Value...)
		default:
			b = appendKeyString(b, avString(v))
		}
	}
	*buf = b
	return string(b)
}

// projectKey keeps the key attributes of an item.
func projectKey(item map[string]types.AttributeValue, names []string) itemKey {
	k := make(itemKey, len(names))
	for _, n := range names {
		k[n] = item[n]
	}
	return k
}

// chunk splits s into slices of at most n.
func chunk[E any](s []E, n int) [][]E {
	var out [][]E
	for len(s) > n {
		out = append(out, s[:n:n])
		s = s[n:]
	}
	if len(s) > 0 {
		out = append(out, s)
	}
	return out
}
