package dynamodel

import (
	"context"
	"fmt"
	"iter"
	"sync"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
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
	// page size.
	Limit int
	// PageSize is how many items each request reads (DynamoDB's Limit).
	PageSize int
	// Cursor resumes a sequential scan where a Page's Cursor left it. The
	// scan must be the one that made it (same index, filter and
	// projection), else the call fails with ErrInvalidCursor.
	Cursor string
	// Segments splits the scan into this many segments read in parallel
	// (DynamoDB's TotalSegments); items then arrive in no particular order.
	// 0 or 1 scans sequentially.
	Segments int
	// Concurrency bounds how many segments are read at once; 0 means the
	// repository's Batch.Concurrency.
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
		if opts.Segments <= 1 {
			readAll(ctx, r.scanFetch(in, opts.Capacity), in.ExclusiveStartKey, opts.Limit, opts.PageSize, yield)
			return
		}
		concurrency := opts.Concurrency
		if concurrency <= 0 {
			concurrency = r.opts.Batch.Concurrency
		}
		readSegments(ctx, opts.Segments, min(concurrency, opts.Segments), func(seg int) fetchFunc {
			segIn := *in
			segIn.Segment = aws.Int32(int32(seg))
			segIn.TotalSegments = aws.Int32(int32(opts.Segments))
			return r.scanFetch(&segIn, opts.Capacity)
		}, opts.Limit, opts.PageSize, yield)
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
	items, next, err := readPage[T](ctx, r.scanFetch(in, opts.Capacity), in.ExclusiveStartKey, opts.Limit)
	if err != nil {
		return Page[T]{}, err
	}
	c, err := r.cursors.seal(read, next)
	return Page[T]{Items: items, Cursor: c}, err
}

// ScanCount counts the items of the table (after Filter), reading none; with
// Segments, in parallel.
func (r *Repository[T]) ScanCount(ctx context.Context, optFns ...func(*ScanOptions)) (int, error) {
	opts := r.scanOptions(optFns)
	opts.Projection, opts.RawProjection = nil, Raw{} // a count reads no attributes, and a name left unused is an error
	in, err := r.scanInput(opts)
	if err != nil {
		return 0, err
	}
	in.Select = types.SelectCount
	segments := max(opts.Segments, 1)
	counts := make([]int, segments)
	errs := make([]error, segments)
	var wg sync.WaitGroup
	sem := make(chan struct{}, max(1, min(segments, r.opts.Batch.Concurrency)))
	for seg := range segments {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			segIn := *in
			if segments > 1 {
				segIn.Segment, segIn.TotalSegments = aws.Int32(int32(seg)), aws.Int32(int32(segments))
			}
			for {
				out, err := r.client.Scan(ctx, &segIn, r.opts.ClientOptions...)
				if err != nil {
					errs[seg] = r.opError("Scan", nil, classify(err))
					return
				}
				opts.Capacity.page(out.ConsumedCapacity, out.ScannedCount, out.Count)
				counts[seg] += int(out.Count)
				if len(out.LastEvaluatedKey) == 0 {
					return
				}
				segIn.ExclusiveStartKey = out.LastEvaluatedKey
			}
		}()
	}
	wg.Wait()
	total := 0
	for seg := range segments {
		if errs[seg] != nil {
			return 0, errs[seg]
		}
		total += counts[seg]
	}
	return total, nil
}

func (r *Repository[T]) scanOptions(optFns []func(*ScanOptions)) ScanOptions {
	return collectOptions(ScanOptions{ReadOptions: r.readDefaults()}, optFns)
}

func (r *Repository[T]) scanInput(opts ScanOptions) (*dynamodb.ScanInput, error) {
	fail := func(err error) (*dynamodb.ScanInput, error) { return nil, r.opError("Scan", nil, err) }
	switch {
	case opts.Limit < 0 || opts.PageSize < 0 || opts.Segments < 0:
		return fail(fmt.Errorf("%w: negative Limit, PageSize or Segments", ErrInvalidQuery))
	case opts.Segments > 1000000:
		return fail(fmt.Errorf("%w: at most 1000000 segments", ErrInvalidQuery))
	case opts.Segments > 1 && opts.Cursor != "":
		return fail(fmt.Errorf("%w: a cursor resumes a sequential scan, not a parallel one", ErrInvalidQuery))
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
	if err := r.readExpressions(&w, opts.Filter, &opts.ReadOptions, &in.FilterExpression, &in.ProjectionExpression); err != nil {
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
	return func(ctx context.Context, start map[string]types.AttributeValue, limit int32) ([]map[string]types.AttributeValue, map[string]types.AttributeValue, error) {
		page := *in
		page.ExclusiveStartKey = start
		page.Limit = int32Ptr(limit)
		out, err := r.client.Scan(ctx, &page, r.opts.ClientOptions...)
		if err != nil {
			return nil, nil, r.opError("Scan", nil, classify(err))
		}
		c.page(out.ConsumedCapacity, out.ScannedCount, out.Count)
		return out.Items, out.LastEvaluatedKey, nil
	}
}

// readSegments reads segments in parallel, at most concurrency at once, and
// yields their items as pages arrive. Items are decoded by the readers. It
// returns after every reader has stopped.
func readSegments[T any](parent context.Context, segments, concurrency int, fetchFor func(seg int) fetchFunc, limit, pageSize int, yield func(T, error) bool) {
	ctx, cancel := context.WithCancel(parent)
	type page struct {
		items []T
		err   error
	}
	pages := make(chan page, concurrency)
	sem := make(chan struct{}, concurrency)
	var (
		wg       sync.WaitGroup
		finished atomic.Int32 // segments read to their end
	)
	defer func() {
		cancel()
		wg.Wait()
	}()
	send := func(p page) bool {
		select {
		case pages <- p:
			return true
		case <-ctx.Done():
			return false
		}
	}
	for seg := range segments {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			defer func() { <-sem }()
			fetch := fetchFor(seg)
			var start map[string]types.AttributeValue
			for {
				raw, next, err := fetch(ctx, start, int32(pageSize))
				p := page{err: err}
				for _, m := range raw {
					item, derr := decodeItem[T](m)
					if derr != nil {
						p.err = derr
						break
					}
					p.items = append(p.items, item)
				}
				if !send(p) || p.err != nil {
					return
				}
				if len(next) == 0 {
					finished.Add(1)
					return
				}
				start = next
			}
		}()
	}
	go func() {
		wg.Wait()
		close(pages)
	}()
	seen := 0
	for p := range pages {
		for _, item := range p.items {
			if !yield(item, nil) {
				return
			}
			if seen++; limit > 0 && seen >= limit {
				return
			}
		}
		if p.err != nil {
			var zero T
			yield(zero, p.err)
			return
		}
	}
	// Readers stopped early without an error of their own: the caller's
	// context ended.
	if err := parent.Err(); err != nil && int(finished.Load()) < segments {
		var zero T
		yield(zero, err)
	}
}
