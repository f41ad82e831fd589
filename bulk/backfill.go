package bulk

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/dynamodel/dynamodel"
)

// An Action is what a backfill does with an item: what its function
// returns.
type Action uint8

const (
	// Keep leaves the item as it is; nothing is written.
	Keep Action = iota
	// Rewrite stores the item the function returned: the attributes of the
	// model it changed are set (or removed), the version is incremented,
	// the "updated" timestamp set, and the run's marker stored. Attributes
	// outside the model are left alone.
	Rewrite
	// Delete deletes the item.
	Delete
)

// String names the action.
func (a Action) String() string {
	switch a {
	case Keep:
		return "keep"
	case Rewrite:
		return "rewrite"
	case Delete:
		return "delete"
	}
	return fmt.Sprintf("Action(%d)", uint8(a))
}

// DefaultMarker is the attribute a rewrite stores its run's marker in,
// unless BackfillOptions.Marker names another.
const DefaultMarker = "dynamodel_backfill"

// BackfillOptions are the options of Backfill.
type BackfillOptions struct {
	// ControlTable is the control table's name. Default DefaultControlTable.
	ControlTable string
	// Segments is how many parallel-scan segments the run is split into:
	// the unit workers lease. It is fixed when the run starts; a later
	// worker may leave it 0, and one that gives another count fails with
	// ErrRunMismatch. Default 16.
	Segments int
	// Concurrency is how many segments this process works on at once.
	// Default 4. Above 10, make the client with dynamodel.WithConnections
	// (see ExportOptions.Concurrency).
	Concurrency int
	// PageSize is how many items each Scan request reads; the segment's
	// position is stored after each page. Default 100.
	PageSize int
	// Lease is how long a worker holds a segment without renewing it. A
	// worker renews its leases every third of it, so a worker that dies
	// loses its segments after at most Lease, and another takes them over
	// from their last stored position. Clocks of the machines running
	// workers must agree to well within it. Default 30 seconds; at least
	// 100 ms.
	Lease time.Duration
	// PollInterval is how often a worker reads the control table, to take
	// segments that became free and to follow the budget. Default a
	// quarter of Lease, between 200 ms and 5 s.
	PollInterval time.Duration
	// ReadUnits and WriteUnits are the run's capacity budget, in units per
	// second, shared by all its workers (0: no limit). A worker started
	// with a budget sets the run's; one started without follows it. Each
	// worker takes the part of the budget that its share of the run's live
	// leases gives it, and backs off further when DynamoDB throttles.
	ReadUnits, WriteUnits float64
	// MaxConflicts bounds how often one item may change between read and
	// write before it is reported as failed (ErrTooManyConflicts).
	// Default 10.
	MaxConflicts int
	// ConsistentRead scans with strongly consistent reads.
	ConsistentRead bool
	// Unversioned lets a model without a version role be backfilled. Each
	// write is then conditional on every attribute still having the value
	// it was read with, so a concurrent change or removal of an attribute
	// is detected, but an attribute added concurrently is not. An item
	// whose condition would be over DynamoDB's 4 KB expression limit is
	// reported (ErrConditionTooLong), not written. Engines that cannot
	// compare maps or lists in conditions (dynalite) fail such items.
	Unversioned bool
	// Marker is the attribute a rewrite stores the run's marker in
	// (DefaultMarker unless set). A worker that takes a segment over skips
	// items already carrying the marker, so no item is rewritten twice by
	// one run. Writes by other code that replace the whole item (Put)
	// remove the marker; updates keep it. It is fixed when the run starts:
	// a worker given another fails with ErrRunMismatch.
	Marker string
	// Owner names this worker in the control table. Default the host
	// name, process id and a random suffix. A worker takes the segments
	// leased under its own name at once, without waiting for their leases
	// to run out (a worker restarted under the same name goes on with
	// them): workers running at the same time, such as concurrent Lambda
	// invocations, must have different names, or they work on the same
	// segments twice.
	Owner string
	// Progress, when set, is called as the run goes, with the whole run's
	// numbers (see Progress).
	Progress func(Progress)
	// ClientOptions are passed to every SDK call.
	ClientOptions []func(*dynamodb.Options)

	clock clock       // tests: a virtual clock
	coord coordinator // tests: a coordinator without a control table
}

func (o BackfillOptions) withDefaults() BackfillOptions {
	if o.ControlTable == "" {
		o.ControlTable = DefaultControlTable
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 4
	}
	if o.PageSize <= 0 {
		o.PageSize = 100
	}
	if o.Lease <= 0 {
		o.Lease = 30 * time.Second
	}
	if o.PollInterval <= 0 {
		o.PollInterval = min(max(o.Lease/4, 200*time.Millisecond), 5*time.Second)
	}
	if o.MaxConflicts <= 0 {
		o.MaxConflicts = 10
	}
	if o.Marker == "" {
		o.Marker = DefaultMarker
	}
	if o.Owner == "" {
		host, _ := os.Hostname()
		o.Owner = fmt.Sprintf("%s/%d/%s", host, os.Getpid(), randomID(3))
	}
	if o.clock == nil {
		o.clock = realClock{}
	}
	return o
}

// minLease is the shortest lease a backfill takes: renewed every third of
// it, a shorter one would be lost between two renewals' round trips.
const minLease = 100 * time.Millisecond

// check reports options a backfill cannot run with.
func (o BackfillOptions) check() error {
	if err := checkScan(o.Segments, o.PageSize); err != nil {
		return err
	}
	switch {
	case o.Lease < minLease:
		return fmt.Errorf("%w: a lease of %v: at least %v", ErrInvalidOptions, o.Lease, minLease)
	case !(o.ReadUnits >= 0 && o.WriteUnits >= 0) || math.IsInf(o.ReadUnits+o.WriteUnits, 0):
		return fmt.Errorf("%w: a budget of %v read and %v write units per second: want numbers, 0 or more", ErrInvalidOptions, o.ReadUnits, o.WriteUnits)
	}
	return nil
}

// BackfillResult is what one call of Backfill did.
type BackfillResult struct {
	// Counts are this process's.
	Counts
	// Segments counts the segments this process finished.
	Segments int
	// Finished is set when the run is finished: by this call, or before.
	Finished bool
}

// ItemFailure is an item a backfill could not process, and why.
type ItemFailure struct {
	Key string // the item's key, e.g. id="a1"
	Err error
}

// String renders "KEY: why".
func (f ItemFailure) String() string { return f.Key + ": " + f.Err.Error() }

// BackfillError reports the items this process could not process. It
// matches ErrItemsFailed.
type BackfillError struct {
	Run   string
	Items []ItemFailure // at most maxFailures; Failed counts them all
	More  int64         // failures beyond those listed
}

// Error lists the items (the first hundred), one a line.
func (e *BackfillError) Error() string {
	head := fmt.Sprintf("bulk: backfill %s: %d item(s) failed:", e.Run, int64(len(e.Items))+e.More)
	return listErrors(head, e.Items, 100)
}

// Unwrap returns ErrItemsFailed.
func (e *BackfillError) Unwrap() error { return ErrItemsFailed }

// maxFailures bounds the failures a process keeps to report.
const maxFailures = 10000

// Backfill runs fn over every item of repo's table as part of the run
// called run, and keeps, rewrites or deletes each item as fn says. Call it
// in as many processes as you like: they share the run's segments through
// the control table (BackfillOptions.ControlTable, created with
// CreateControlTable). Backfill returns when every segment of the run is
// done, taking over segments whose workers died; a run already finished
// does nothing. When ctx ends, it stops after the item in hand, gives its
// segments up at their last stored position and returns ctx's error;
// starting it again continues the run.
//
// The model needs a version role (or Unversioned): every rewrite and
// delete is conditional on the version the item was read with (an item
// stored without a version must still have none), so a write by live
// traffic in between is never overwritten. Instead, the item is read
// again and fn runs again on the new item, up to MaxConflicts times. fn may
// therefore run more than once for an item, and must only look at the
// item; only one of its results is written. A rewrite also stores the run's
// marker (BackfillOptions.Marker) and is conditional on the item not
// having it, which makes the work of a worker that died before storing its
// position idempotent: the worker taking the segment over skips the items
// already rewritten.
//
// Items fn fails on, or that cannot be decoded or written, are counted as
// failed and reported in a *BackfillError (ErrItemsFailed) at the end; the
// run goes on without them. Other errors (the network, the control table)
// stop this process and are returned.
func Backfill[T any](ctx context.Context, repo *dynamodel.Repository[T], run string, fn func(T) (T, Action, error), optFns ...func(*BackfillOptions)) (BackfillResult, error) {
	opts := collect(BackfillOptions{}, optFns).withDefaults()
	if run == "" {
		return BackfillResult{}, errors.New("bulk: backfill: empty run name")
	}
	if err := opts.check(); err != nil {
		return BackfillResult{}, fmt.Errorf("bulk: backfill %s: %w", run, err)
	}
	if fn == nil {
		return BackfillResult{}, errors.New("bulk: backfill: nil function")
	}
	m := repo.Model()
	ver, versioned := m.WithRole(dynamodel.RoleVersion)
	if !versioned && !opts.Unversioned {
		return BackfillResult{}, fmt.Errorf("%w: %v has no `dynamodel:\"version\"` field, so a rewrite cannot tell whether the item changed since it was read; "+
			"add one, or set BackfillOptions.Unversioned", ErrNoVersion, m.Type())
	}
	b := &backfill[T]{repo: repo, client: repo.Client(), fn: fn, opts: opts, run: run, attrs: m.Attributes(),
		budget: newBudget(opts.clock)}
	if versioned {
		b.version = ver.Name
	}
	b.keys = append(b.keys, keyAttr{name: m.HashKey().Name, typ: m.HashKey().KeyType})
	if r, ok := m.RangeKey(); ok {
		b.keys = append(b.keys, keyAttr{name: r.Name, typ: r.KeyType})
	}
	b.coord = opts.coord
	if b.coord == nil {
		if err := dynamodel.CheckTableName(opts.ControlTable); err != nil {
			return BackfillResult{}, err
		}
		b.coord = &controlTable{client: b.client, table: opts.ControlTable, run: run, options: opts.ClientOptions}
	}
	return b.work(ctx)
}

// backfill is one process's part of a run.
type backfill[T any] struct {
	repo    *dynamodel.Repository[T]
	client  dynamodel.API
	fn      func(T) (T, Action, error)
	opts    BackfillOptions
	coord   coordinator
	budget  *budget
	run     string
	marker  string // the value rewrites store in opts.Marker
	version string // the version attribute; "" for an unversioned model
	nsegs   int    // the run's segment count
	keys    []keyAttr
	attrs   []dynamodel.Attribute

	mu       sync.Mutex // guards what follows
	result   BackfillResult
	failures []ItemFailure
	dropped  int64 // failures past maxFailures

	prog progressState
}

// progressState is what a backfill's progress reports are made of: the
// run's counts at the last poll of the control table, plus the items this
// process has read since.
type progressState struct {
	mu       sync.Mutex
	run      Counts    // the run's counts at the last poll
	resumed  int64     // items read before this process began
	total    int64     // the table's item count
	start    time.Time // when this process began
	last     time.Time // the last report
	readLive atomic.Int64
}

// segmentEnd is how a segment's work ended.
type segmentEnd struct {
	seg  int
	done bool // the segment is finished
	err  error
}

// work claims segments and works on them until the run is finished, ctx
// ends, or an error stops it.
func (b *backfill[T]) work(ctx context.Context) (BackfillResult, error) {
	o := b.opts
	segments := o.Segments
	if segments <= 0 {
		segments = 16
	}
	h, err := b.coord.start(ctx, runHeader{table: b.repo.Table(), segments: segments, id: randomID(8), marker: o.Marker,
		created: o.clock.Now(), readUnits: o.ReadUnits, writeUnits: o.WriteUnits})
	if err != nil {
		return BackfillResult{}, err
	}
	switch {
	case h.table != b.repo.Table():
		return BackfillResult{}, fmt.Errorf("%w: run %q is over table %s, not %s", ErrRunMismatch, b.run, h.table, b.repo.Table())
	case o.Segments > 0 && o.Segments != h.segments:
		return BackfillResult{}, fmt.Errorf("%w: run %q has %d segments, not %d", ErrRunMismatch, b.run, h.segments, o.Segments)
	case h.marker != "" && h.marker != o.Marker:
		// With another marker attribute, items a dead worker rewrote would
		// not be seen as done, and would be rewritten again.
		return BackfillResult{}, fmt.Errorf("%w: run %q stores its marker in attribute %q, not %q", ErrRunMismatch, b.run, h.marker, o.Marker)
	case h.finished:
		return BackfillResult{Finished: true}, nil
	}
	b.marker, b.nsegs = b.run+"/"+h.id, h.segments
	var total int64
	if d, ok := b.client.(describer); ok && o.Progress != nil {
		total, _ = itemCount(ctx, d, b.repo.Table(), o.ClientOptions)
	}

	b.prog.total, b.prog.start, b.prog.resumed = total, time.Now(), -1
	finished, err := b.schedule(ctx, h.segments)
	b.mu.Lock()
	res := b.result
	res.Finished = finished
	failures, dropped := b.failures, b.dropped
	b.mu.Unlock()
	if finished {
		b.report(true)
	}
	if err != nil {
		return res, fmt.Errorf("bulk: backfill %s: %w", b.run, err)
	}
	if len(failures) > 0 {
		return res, &BackfillError{Run: b.run, Items: failures, More: dropped}
	}
	return res, nil
}

// schedule claims segments and works on up to Concurrency of them at a
// time until the run's segments are all done (finished), ctx ends or an
// error stops it; then it gives up the segments it holds.
func (b *backfill[T]) schedule(ctx context.Context, segments int) (finished bool, err error) {
	o := b.opts
	o.Concurrency = min(o.Concurrency, segments) // no more than there are
	ended := make(chan segmentEnd, o.Concurrency)
	owned := map[int]context.CancelFunc{}
	var wg sync.WaitGroup
	poll := time.NewTicker(o.PollInterval)
	defer poll.Stop()
	var (
		v     view
		stale = true // v needs reading again
	)
	for err == nil && !finished {
		if stale {
			if v, err = b.look(ctx, segments, owned); err != nil {
				break
			}
			if v.done == segments {
				err = b.coord.finish(ctx, o.clock.Now())
				finished = err == nil
				break
			}
			stale = false
		}
		// Segments seen free are claimed without looking again: a claim
		// is conditional, so one another worker took meanwhile fails.
		for len(v.free) > 0 && len(owned) < o.Concurrency && err == nil {
			seg := v.free[0]
			v.free = v.free[1:]
			err = b.claim(ctx, seg, v, owned, ended, &wg)
		}
		b.budget.share(v.header.readUnits, v.header.writeUnits, len(owned), v.liveOther+len(owned))
		if err != nil {
			break
		}
		select {
		case e := <-ended:
			err = b.ended(e, owned)
			stale = len(v.free) == 0
		case <-poll.C:
			stale = true
		case <-ctx.Done():
			err = ctx.Err()
		}
	}
	for _, cancel := range owned {
		cancel()
	}
	go func() {
		wg.Wait()
		close(ended)
	}()
	for e := range ended {
		err = worse(err, b.ended(e, owned))
	}
	return finished, err
}

// worse returns the error to report of the one so far and the next: the
// first, unless it is a cancellation and the next is a real failure.
func worse(cur, next error) error {
	if cur == nil || next != nil && errors.Is(cur, context.Canceled) && !errors.Is(next, context.Canceled) {
		return next
	}
	return cur
}

// view is what a worker last read of its run in the control table.
type view struct {
	header    runHeader
	done      int   // segments done
	liveOther int   // segments other workers hold live leases on
	free      []int // segments no live lease holds, in random order
}

// look reads the run's state: which segments are done, held or free, and
// the run's counts for progress.
func (b *backfill[T]) look(ctx context.Context, segments int, owned map[int]context.CancelFunc) (view, error) {
	hdr, rows, err := b.coord.rows(ctx)
	if err != nil {
		return view{}, err
	}
	if hdr.segments != segments {
		// Workers scanning with other counts miss items, or do them twice.
		return view{}, fmt.Errorf("%w: run %q has %d segments now, not the %d it had when this worker started (was its header edited?)",
			ErrRunMismatch, b.run, hdr.segments, segments)
	}
	now := b.opts.clock.Now()
	v := view{header: hdr}
	var run Counts
	bySeg := make(map[int]segmentRow, len(rows))
	for _, r := range rows {
		bySeg[r.segment] = r
		run.Add(r.counts)
	}
	for seg := range segments {
		r, ok := bySeg[seg]
		switch {
		case ok && r.state == stateDone:
			v.done++
		case owned[seg] != nil:
		case ok && r.owner != "" && r.lease.After(now):
			v.liveOther++
		default:
			v.free = append(v.free, seg)
		}
	}
	rand.Shuffle(len(v.free), func(i, j int) { v.free[i], v.free[j] = v.free[j], v.free[i] })
	b.polled(run)
	return v, nil
}

// claim tries to lease segment seg and, when it gets it, takes its share of
// the budget and starts working on it; the work's end comes on ended.
func (b *backfill[T]) claim(ctx context.Context, seg int, v view, owned map[int]context.CancelFunc, ended chan<- segmentEnd, wg *sync.WaitGroup) error {
	now := b.opts.clock.Now()
	old, ok, err := b.coord.claim(ctx, seg, b.opts.Owner, now, now.Add(b.opts.Lease))
	if err != nil || !ok {
		return err
	}
	takeover := old.owner != "" && old.owner != b.opts.Owner
	segCtx, cancel := context.WithCancel(ctx)
	owned[seg] = cancel
	b.budget.share(v.header.readUnits, v.header.writeUnits, len(owned), v.liveOther+len(owned))
	wg.Add(1)
	go func() {
		defer wg.Done()
		done, err := b.segment(segCtx, seg, old.position, takeover)
		ended <- segmentEnd{seg: seg, done: done, err: err}
	}()
	return nil
}

// ended records the end of a segment's work and returns the error that
// should stop the worker, if any.
func (b *backfill[T]) ended(e segmentEnd, owned map[int]context.CancelFunc) error {
	if cancel := owned[e.seg]; cancel != nil {
		cancel()
		delete(owned, e.seg)
	}
	if e.done {
		b.mu.Lock()
		b.result.Segments++
		b.mu.Unlock()
	}
	return e.err
}

// polled records the run's counts read from the control table.
func (b *backfill[T]) polled(run Counts) {
	p := &b.prog
	p.mu.Lock()
	p.run = run
	if p.resumed < 0 {
		p.resumed = run.Read
	}
	p.readLive.Store(0)
	p.mu.Unlock()
	b.report(false)
}

// pageDone counts a page's items for progress.
func (b *backfill[T]) pageDone(n int) {
	b.prog.readLive.Add(int64(n))
	b.report(false)
}

// report passes the run's progress to the callback, at most every
// progressEvery unless done.
func (b *backfill[T]) report(done bool) {
	if b.opts.Progress == nil {
		return
	}
	p := &b.prog
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if !done && now.Sub(p.last) < progressEvery {
		return
	}
	p.last = now
	items := p.run.Read
	if !done {
		items += p.readLive.Load()
	}
	b.opts.Progress(Progress{Op: "backfill", Items: items, Bytes: p.run.Bytes, Failed: p.run.Failed,
		Resumed: max(p.resumed, 0), Total: p.total, Elapsed: now.Sub(p.start), Done: done})
}

// randomID returns n random bytes in hex.
func randomID(n int) string {
	b := make([]byte, n)
	_, _ = crand.Read(b)
	return hex.EncodeToString(b)
}

// fail records an item that could not be processed.
func (b *backfill[T]) fail(key string, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.failures) < maxFailures {
		b.failures = append(b.failures, ItemFailure{Key: key, Err: err})
	} else {
		b.dropped++
	}
}
