package dynamodel

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"sync"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodel/dynamodel/internal/workers"
)

// ScanOptions are the options of Scan, ScanPage and ScanCount: those every
// read has (ReadOptions), and the scan's own.
type ScanOptions struct {
	ReadOptions
	// Index scans a secondary index instead of the table.
	Index string
	// Filter drops items after they are read.
	Filter Condition
	// Limit stops after this many items (0: all). For ScanPage it is the
	// page size; ScanCount counts at most this many.
	Limit int
	// PageSize is how many items each request evaluates at most
	// (DynamoDB's Limit; see QueryOptions.PageSize).
	PageSize int
	// MaxEvaluated bounds the items evaluated summed over every request of
	// the call, as QueryOptions.MaxEvaluated does for a query (Scan ends
	// with an error wrapping ErrMaxEvaluated, ScanCount returns the count
	// so far with it, ScanPage a shorter page with a Cursor). With
	// Segments, each segment may evaluate an equal share of it, so it must
	// be at least Segments.
	MaxEvaluated int
	// Cursor resumes a sequential scan where a Page's Cursor left it. The
	// scan must be the one that made it (same index, filter and
	// projection), else the call fails with ErrInvalidCursor.
	Cursor string
	// Segments splits the scan into this many segments read in parallel
	// (DynamoDB's TotalSegments); items then arrive in no particular order.
	// 0 or 1 scans sequentially.
	Segments int
	// Concurrency bounds how many segments are read at once; 0 means the
	// repository's Batch.Concurrency. Above 10, make the client with
	// WithConnections (see BatchOptions.Concurrency).
	Concurrency int
}

// Scan returns every item of the table (or index), lazily. With Segments,
// the segments are read in parallel, at most Concurrency at a time; stopping
// the loop, or an error in any segment, cancels the others, and Scan returns
// only when they have stopped.
func (r *Repository[T]) Scan(ctx context.Context, optFns ...func(*ScanOptions)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		opts := r.scanOptions(optFns)
		in, err := r.scanInput(opts)
		if err != nil {
			var zero T
			yield(zero, err)
			return
		}
		b := bounds{opts.Limit, opts.PageSize, opts.MaxEvaluated}
		yield = r.opYield("Scan", yield)
		if opts.Segments <= 1 {
			readAll(ctx, r.scanFetch(in, opts.Capacity), r.decode, in.ExclusiveStartKey, b, opts.Capacity, yield)
			return
		}
		readSegments(ctx, r.decode, opts.Segments, r.scanConcurrency(opts, opts.Segments), opts.Capacity, func(seg int) fetchFunc {
			segIn := *in
			segIn.Segment = aws.Int32(int32(seg))
			segIn.TotalSegments = aws.Int32(int32(opts.Segments))
			return r.scanFetch(&segIn, opts.Capacity)
		}, b, yield)
	}
}

// ScanPage returns one page of up to Limit items of a sequential scan and
// the cursor that resumes after it.
func (r *Repository[T]) ScanPage(ctx context.Context, optFns ...func(*ScanOptions)) (Page[T], error) {
	opts := r.scanOptions(optFns)
	if opts.Segments > 1 {
		return Page[T]{}, r.opError("Scan", nil, fmt.Errorf("%w: pages come from sequential scans (Segments must be 0 or 1)", ErrInvalidQuery))
	}
	in, err := r.scanInput(opts)
	if err != nil {
		return Page[T]{}, err
	}
	read, err := r.scanCursor(opts)
	if err != nil {
		return Page[T]{}, r.opError("Scan", nil, err)
	}
	items, next, skipped, err := readPage(ctx, r.scanFetch(in, opts.Capacity), r.decode, in.ExclusiveStartKey, opts.Limit, opts.MaxEvaluated)
	opts.Capacity.skip(skipped)
	if err != nil {
		return Page[T]{}, r.readError("Scan", err)
	}
	c, err := r.sealCursor("Scan", read, next)
	return Page[T]{Items: items, Cursor: c, Skipped: skipped}, err
}

// ScanCount counts the items of the table (after Filter), reading none; with
// Segments, in parallel; with Limit, it stops counting at Limit. With
// MaxEvaluated it may stop early, returning the count so far and an error
// wrapping ErrMaxEvaluated. On any other error the count is 0.
func (r *Repository[T]) ScanCount(ctx context.Context, optFns ...func(*ScanOptions)) (int, error) {
	opts := r.scanOptions(optFns)
	opts.Projection, opts.RawProjection = nil, Raw{} // a count reads no attributes, and a name left unused is an error
	in, err := r.scanInput(opts)
	if err != nil {
		return 0, err
	}
	in.Select = types.SelectCount
	segments := max(opts.Segments, 1)
	var (
		mu               sync.Mutex
		total, evaluated int
		spent            bool
		firstErr         error
		counted          atomic.Int64 // all segments together, as they go
	)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers.Each(segments, r.scanConcurrency(opts, segments), func(seg int) bool {
		count, ev, err := r.countSegment(ctx, in, opts, segments, seg, &counted)
		mu.Lock()
		defer mu.Unlock()
		total, evaluated = total+count, evaluated+ev
		switch {
		case err == errMaxEvaluated:
			spent = true
		case err != nil && firstErr == nil:
			firstErr = err
			cancel() // the others stop at their next request
		}
		return err == nil || err == errMaxEvaluated
	})
	switch {
	case firstErr != nil:
		return 0, firstErr
	case opts.Limit > 0 && total >= opts.Limit:
		return opts.Limit, nil // parallel segments may count past it
	case spent:
		return total, r.opError("Scan", nil, maxEvaluatedError(evaluated))
	}
	return total, nil
}

// countSegment counts segment seg of segments (the whole scan when
// segments is 1) for ScanCount, and returns the items evaluated; its error
// is errMaxEvaluated when it stopped at its share of MaxEvaluated. It adds
// its count to counted, and stops when counted reaches Limit.
func (r *Repository[T]) countSegment(ctx context.Context, in *dynamodb.ScanInput, opts ScanOptions, segments, seg int, counted *atomic.Int64) (count, evaluated int, err error) {
	segIn := *in
	if segments > 1 {
		segIn.Segment, segIn.TotalSegments = aws.Int32(int32(seg)), aws.Int32(int32(segments))
	}
	b := bounds{opts.Limit, opts.PageSize, share(opts.MaxEvaluated, segments, seg)}
	for {
		all := int(counted.Load())
		if b.limit > 0 && all >= b.limit {
			return count, evaluated, nil
		}
		segIn.Limit = int32Ptr(b.request(all, evaluated))
		out, err := r.client.Scan(ctx, &segIn, r.opts.ClientOptions...)
		if err != nil {
			return count, evaluated, r.opError("Scan", nil, classify(err))
		}
		opts.Capacity.page(out.ConsumedCapacity, out.ScannedCount, out.Count)
		count += int(out.Count)
		evaluated += pageEvaluated(out.ScannedCount, out.Count, 0)
		counted.Add(int64(out.Count))
		if len(out.LastEvaluatedKey) == 0 {
			return count, evaluated, nil
		}
		if b.spent(evaluated) {
			return count, evaluated, errMaxEvaluated
		}
		segIn.ExclusiveStartKey = out.LastEvaluatedKey
	}
}

// scanConcurrency is how many of a scan's segments are read at once:
// Concurrency, else the repository's Batch.Concurrency, at most segments.
func (r *Repository[T]) scanConcurrency(opts ScanOptions, segments int) int {
	c := opts.Concurrency
	if c <= 0 {
		c = r.opts.Batch.Concurrency
	}
	return max(1, min(c, segments))
}

// errMaxEvaluated marks a segment that stopped at its share of MaxEvaluated.
var errMaxEvaluated = errors.New("segment stopped at its share of MaxEvaluated")

// share is segment seg's part of a bound of n split over segments (0 for no
// bound): equal parts, the first ones a unit larger when n does not divide.
func share(n, segments, seg int) int {
	part := n / segments
	if seg < n%segments {
		part++
	}
	return part
}

func (r *Repository[T]) scanOptions(optFns []func(*ScanOptions)) ScanOptions {
	return collectOptions(ScanOptions{ReadOptions: r.readDefaults()}, optFns)
}

func (r *Repository[T]) scanInput(opts ScanOptions) (*dynamodb.ScanInput, error) {
	fail := func(err error) (*dynamodb.ScanInput, error) { return nil, r.opError("Scan", nil, err) }
	switch {
	case opts.Limit < 0 || opts.PageSize < 0 || opts.Segments < 0 || opts.MaxEvaluated < 0:
		return fail(fmt.Errorf("%w: negative Limit, PageSize, Segments or MaxEvaluated", ErrInvalidQuery))
	case opts.MaxEvaluated > 0 && opts.MaxEvaluated < opts.Segments:
		return fail(fmt.Errorf("%w: MaxEvaluated (%d) is shared among the Segments (%d), so it must be at least as large", ErrInvalidQuery, opts.MaxEvaluated, opts.Segments))
	case opts.Segments > 1000000:
		return fail(fmt.Errorf("%w: at most 1000000 segments", ErrInvalidQuery))
	case opts.Segments > 1 && opts.Cursor != "":
		return fail(fmt.Errorf("%w: a cursor resumes a sequential scan, not a parallel one", ErrInvalidQuery))
	}
	if err := r.checkConsistentIndex(opts.Index, "", opts.ConsistentRead); err != nil {
		return fail(err)
	}
	in := &dynamodb.ScanInput{
		TableName:      &r.table,
		ConsistentRead: aws.Bool(opts.ConsistentRead),

		ReturnConsumedCapacity: opts.Capacity.mode(),
	}
	if opts.Index != "" {
		in.IndexName = &opts.Index
	}
	w := exprWriter{model: r.model}
	if err := r.readExpressions(&w, opts.Index, opts.Filter, &opts.ReadOptions, &in.FilterExpression, &in.ProjectionExpression); err != nil {
		return fail(err)
	}
	if err := r.checkReadPaths(&w, in.FilterExpression, in.ProjectionExpression, opts.Index); err != nil {
		return fail(err)
	}
	in.ExpressionAttributeNames = w.attributeNames()
	in.ExpressionAttributeValues = w.attributeValues()
	if opts.Cursor != "" {
		read, err := r.scanCursor(opts)
		if err != nil {
			return fail(err)
		}
		if in.ExclusiveStartKey, err = r.openCursor(opts.Cursor, read); err != nil {
			return fail(err)
		}
	}
	return in, nil
}

// scanFetch returns the page reader of a scan whose capacity goes to c.
func (r *Repository[T]) scanFetch(in *dynamodb.ScanInput, c *Capacity) fetchFunc {
	return func(ctx context.Context, start map[string]types.AttributeValue, limit int32) (fetched, error) {
		page := *in
		page.ExclusiveStartKey = start
		page.Limit = int32Ptr(limit)
		sink := &pageSink[T]{keys: r.model.keys}
		callCtx, optFns := r.direct(ctx, sink)
		out, err := r.client.Scan(callCtx, &page, optFns...)
		if err != nil {
			return fetched{}, r.opError("Scan", nil, classify(err))
		}
		c.page(out.ConsumedCapacity, out.ScannedCount, out.Count)
		return sink.fetched(out.Items, out.LastEvaluatedKey, out.ScannedCount, out.Count), nil
	}
}

// readSegments reads segments in parallel, at most concurrency at once, and
// yields their items as pages arrive, up to b.limit items; each segment
// evaluates at most its share of b.maxEvaluated. Items are decoded by the
// readers. It returns after every reader has stopped.
func readSegments[T any](parent context.Context, decode decodeFunc[T], segments, concurrency int, c *Capacity, fetchFor func(seg int) fetchFunc, b bounds, yield func(T, error) bool) {
	ctx, cancel := context.WithCancel(parent)
	type page struct {
		items []T
		err   error
	}
	pages := make(chan page, concurrency)
	var (
		finished  atomic.Int32 // segments read to their end
		spent     atomic.Bool  // a segment stopped at its share of MaxEvaluated
		evaluated atomic.Int64 // items evaluated, all segments together
		done      = make(chan struct{})
	)
	defer func() {
		cancel()
		<-done
	}()
	send := func(p page) bool {
		select {
		case pages <- p:
			return true
		case <-ctx.Done():
			return false
		}
	}
	// readSegment reads one segment, page by page, until its end, its
	// share of MaxEvaluated, an error, or the end of the read (false).
	readSegment := func(seg int) bool {
		if ctx.Err() != nil {
			return false
		}
		fetch := fetchFor(seg)
		segBounds := bounds{pageSize: b.pageSize, maxEvaluated: share(b.maxEvaluated, segments, seg)}
		var start map[string]types.AttributeValue
		segEvaluated := 0
		for {
			got, err := fetch(ctx, start, segBounds.request(0, segEvaluated))
			p := page{err: err}
			var (
				derr    error
				skipped int
			)
			if p.items, skipped, derr = appendPageItems(nil, got, decode); derr != nil {
				p.err = derr
			}
			c.skip(got.skipped + skipped)
			segEvaluated += got.evaluated
			evaluated.Add(int64(got.evaluated))
			if !send(p) || p.err != nil {
				return false
			}
			if len(got.next) == 0 {
				finished.Add(1)
				return true
			}
			if segBounds.spent(segEvaluated) {
				spent.Store(true)
				return true
			}
			start = got.next
		}
	}
	go func() {
		defer close(done)
		workers.Each(segments, concurrency, readSegment)
		close(pages)
	}()
	seen := 0
	for p := range pages {
		for _, item := range p.items {
			if !yield(item, nil) {
				return
			}
			if seen++; b.limit > 0 && seen >= b.limit {
				return
			}
		}
		if p.err != nil {
			var zero T
			yield(zero, p.err)
			return
		}
	}
	var zero T
	switch {
	case parent.Err() != nil && int(finished.Load()) < segments:
		// Readers stopped early without an error of their own: the
		// caller's context ended.
		yield(zero, parent.Err())
	case spent.Load():
		yield(zero, maxEvaluatedError(int(evaluated.Load())))
	}
}
