package dynamodel

import (
	"context"
	"fmt"
	"iter"
	"math"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// ReadOptions are what every read can ask for, the same way in each: they
// are embedded in GetOptions (Get, Lookup, TxGet), QueryOptions (Query,
// QueryPage, QueryCount), ScanOptions (Scan, ScanPage, ScanCount) and
// BatchGetOptions (BatchGet), so o.ConsistentRead, o.Projection and
// o.Capacity mean one thing in all of them:
//
//	users.Get(ctx, email, dynamodel.ConsistentRead)
//	orders.Query(ctx, kc, dynamodel.ConsistentRead, func(o *dynamodel.QueryOptions) { o.Projection = []string{"id", "total"} })
type ReadOptions struct {
	// ConsistentRead asks for strongly consistent reads. It starts as the
	// repository's Options.ConsistentRead. Global secondary indexes do not
	// offer it: a query or scan of an index the repository knows to be
	// global (Options.Schema says so, or its partition key is not the
	// table's) is ErrInvalidQuery before any call, and DynamoDB rejects
	// the others. TxGet reads are consistent whatever it says.
	ConsistentRead bool

	// Projection lists the attributes to read, as document paths (see
	// Path: "address.city" reads one member of a map, "tags[0]" one element
	// of a list); empty reads them all (all of the index's projection, for
	// an index). Fields of attributes not read keep their zero values, so
	// a value read with a projection is not the whole item: putting it
	// back (Put, a batch's or a transaction's put) replaces the stored
	// item with what the value holds, dropping the attributes not read.
	// Change such an item with Update, which sets only the attributes it
	// names (and those the repository keeps: version, timestamps).
	// BatchGet also reads the key attributes, to match items to keys; the
	// Get, Query and Scan of an entity or a Table, and a Collection's
	// Query, read the table's key attributes and its EntityType attribute,
	// by which they recognise each item's entity.
	// QueryCount and ScanCount ignore it. Overlapping paths ("address" and
	// "address.city", in Projection or RawProjection) and paths into a key
	// attribute ("id.x", for a key the repository knows) are
	// ErrInvalidQuery, as DynamoDB would reject them; so are such paths in
	// a query's or scan's Filter.
	Projection []string

	// RawProjection is a projection expression of the caller's own, with
	// its own name placeholders (see Raw; it takes no Values). Its paths
	// are read as well as Projection's.
	RawProjection Raw

	// Capacity, when set, adds up the capacity the read consumes, and for
	// queries and scans the items evaluated, returned and skipped, page by
	// page (see Capacity and Usage.Skipped). TxGet rejects it: a
	// transaction's capacity is TransactOptions.Capacity.
	Capacity *Capacity
}

// readOptions returns o itself: through it, ConsistentRead reaches the
// ReadOptions embedded in any read's options.
func (o *ReadOptions) readOptions() *ReadOptions { return o }

// AnyReadOptions is the options type of any read: the type parameter of
// the option functions every read accepts, such as ConsistentRead. Go
// infers it from the call the function is passed to.
type AnyReadOptions interface {
	GetOptions | QueryOptions | ScanOptions | BatchGetOptions
}

// ConsistentRead is an option of every read (Get, Lookup, TxGet, Query,
// QueryPage, QueryCount, Scan, ScanPage, ScanCount, BatchGet) that asks for
// a strongly consistent read:
//
//	users.Get(ctx, email, dynamodel.ConsistentRead)
//	orders.QueryPage(ctx, dynamodel.Partition("c1"), dynamodel.ConsistentRead)
func ConsistentRead[O AnyReadOptions](o *O) {
	any(o).(interface{ readOptions() *ReadOptions }).readOptions().ConsistentRead = true
}

// readDefaults are the read options a call starts from.
func (r *Repository[T]) readDefaults() ReadOptions {
	return ReadOptions{ConsistentRead: r.opts.ConsistentRead}
}

// A Page is one page of a query or scan, for APIs that hand results out a
// page at a time.
type Page[T any] struct {
	// Items are the page's items, in the order DynamoDB returned them.
	Items []T
	// Cursor resumes the read after this page (QueryOptions.Cursor,
	// ScanOptions.Cursor); it is empty when nothing is left. A page that
	// ends exactly at the end of the results may still have a cursor, whose
	// page is empty. It is opaque and sealed (see Options.CursorSecret),
	// URL-safe, and opens only for the same read: kind, table, index,
	// partition value, sort condition, direction (Descending), filter and
	// projection.
	Cursor string
	// Skipped counts the items a read passed over: of other entities, for
	// an entity's read (see Entity); whose entity-type attribute
	// contradicts their key, for a Table's. Always 0 for a Repository.
	// Iterators count them in ReadOptions.Capacity (Usage.Skipped).
	Skipped int
}

// decodeFunc decodes an item read into a T.
type decodeFunc[T any] func(map[string]types.AttributeValue) (T, error)

// First returns the first item of seq, or an error wrapping ErrNotFound
// when seq is empty. It stops seq after one item.
func First[T any](seq iter.Seq2[T, error]) (T, error) {
	for item, err := range seq {
		return item, err
	}
	var zero T
	return zero, ErrNotFound
}

// Collect returns every item of seq, or an error wrapping ErrTooManyItems
// when there are more than max (max <= 0 means no bound). It stops reading
// as soon as it knows, so a bound also bounds memory and reads.
func Collect[T any](seq iter.Seq2[T, error], max int) ([]T, error) {
	var out []T
	for item, err := range seq {
		if err != nil {
			return out, err
		}
		if max > 0 && len(out) == max {
			return out, fmt.Errorf("%w of %d", ErrTooManyItems, max)
		}
		out = append(out, item)
	}
	return out, nil
}

// A fetched page: its items, the key to resume from (nil at the end), and
// how many items DynamoDB evaluated for it.
type fetched struct {
	items     []map[string]types.AttributeValue
	next      map[string]types.AttributeValue
	evaluated int
	decoded   any // the items as a []T, when the direct path decoded them (items is then empty)
	skipped   int // items of other entities the direct path passed over
}

// pageItems returns how many items a page has and, when the direct path
// decoded them, the items.
func pageItems[T any](p fetched) (direct []T, n int) {
	if d, ok := p.decoded.([]T); ok {
		return d, len(d)
	}
	return nil, len(p.items)
}

// pageItem returns item i of a page: direct[i], or the SDK's item decoded
// by decode.
func pageItem[T any](p fetched, direct []T, decode decodeFunc[T], i int) (T, error) {
	if direct != nil {
		return direct[i], nil
	}
	return decode(p.items[i])
}

// fetchFunc reads one page: at most limit items evaluated (0: as many as
// fit in DynamoDB's 1 MB) from start (nil: the beginning).
type fetchFunc func(ctx context.Context, start map[string]types.AttributeValue, limit int32) (fetched, error)

// bounds are what ends a read early: limit items returned, maxEvaluated
// items evaluated (0: no bound); pageSize caps each request.
type bounds struct {
	limit, pageSize, maxEvaluated int
}

// request returns the Limit of the next request (0: none), after returned
// items returned and evaluated evaluated: pageSize, lowered so that the read
// passes neither bound. DynamoDB's Limit counts items evaluated, so a
// request never evaluates more than it says.
func (b bounds) request(returned, evaluated int) int32 {
	want := b.pageSize
	lower := func(n int) {
		if want == 0 || n < want {
			want = n
		}
	}
	if b.limit > 0 {
		lower(b.limit - returned)
	}
	if b.maxEvaluated > 0 {
		lower(b.maxEvaluated - evaluated)
	}
	return int32(min(want, math.MaxInt32))
}

// spent reports whether evaluated items use up the maxEvaluated bound.
func (b bounds) spent(evaluated int) bool {
	return b.maxEvaluated > 0 && evaluated >= b.maxEvaluated
}

// readError is err, from a read of op, as an *OpError, so that every
// error a read gives is one: a fetch's errors are one already; a decode's
// (on the SDK's path: the direct path's come from the fetch), MaxEvaluated's
// and a parallel scan's context's are wrapped here.
func (r *Repository[T]) readError(op string, err error) error {
	if _, ok := err.(*OpError); ok || err == nil {
		return err
	}
	return r.opError(op, nil, err)
}

// opYield is yield given each error as readError makes it.
func (r *Repository[T]) opYield(op string, yield func(T, error) bool) func(T, error) bool {
	return func(item T, err error) bool { return yield(item, r.readError(op, err)) }
}

// maxEvaluatedError is the error of a read stopped by MaxEvaluated.
func maxEvaluatedError(evaluated int) error {
	return fmt.Errorf("%w: %d items evaluated, and more to read", ErrMaxEvaluated, evaluated)
}

// pageEvaluated is how many items DynamoDB evaluated for a page: its
// ScannedCount, but never fewer than it returned.
func pageEvaluated(scanned, count int32, items int) int {
	return max(int(scanned), int(count), items)
}

// readAll yields the items fetch reads, page by page, fetching the next page
// only when the caller has taken every item of the last one, and stopping
// when the caller stops, after b.limit items, or, with an error wrapping
// ErrMaxEvaluated, when b.maxEvaluated items were evaluated and more are
// left.
//
// An item decode reports as of another entity (*WrongEntityError) is
// skipped, and counted in c (Usage.Skipped), as are those the direct path
// passed over: an entity's reads pass over the items of other entities in
// a shared table.
func readAll[T any](ctx context.Context, fetch fetchFunc, decode decodeFunc[T], start map[string]types.AttributeValue, b bounds, c *Capacity, yield func(T, error) bool) {
	returned, evaluated := 0, 0
	for {
		page, err := fetch(ctx, start, b.request(returned, evaluated))
		if err != nil {
			var zero T
			yield(zero, err)
			return
		}
		evaluated += page.evaluated
		c.skip(page.skipped)
		direct, n := pageItems[T](page)
		for i := range n {
			item, err := pageItem(page, direct, decode, i)
			if isOtherEntity(err) {
				c.skip(1)
				continue
			}
			if !yield(item, err) || err != nil {
				return
			}
			returned++
		}
		if len(page.next) == 0 || (b.limit > 0 && returned >= b.limit) {
			return
		}
		if b.spent(evaluated) {
			var zero T
			yield(zero, maxEvaluatedError(evaluated))
			return
		}
		start = page.next
	}
}

// readPage reads up to limit items (0: one DynamoDB page), evaluating at
// most maxEvaluated (0: no bound), and returns them with the key to resume
// from, and how many items of other entities it skipped (see readAll). It
// never reads past what it returns, so the key is exact.
func readPage[T any](ctx context.Context, fetch fetchFunc, decode decodeFunc[T], start map[string]types.AttributeValue, limit, maxEvaluated int) (_ []T, _ map[string]types.AttributeValue, skipped int, _ error) {
	b := bounds{limit: limit, maxEvaluated: maxEvaluated}
	var out []T
	evaluated := 0
	for {
		page, err := fetch(ctx, start, b.request(len(out), evaluated))
		if err != nil {
			return out, nil, skipped, err
		}
		evaluated += page.evaluated
		skipped += page.skipped
		var n int
		out, n, err = appendPageItems(out, page, decode)
		skipped += n
		if err != nil {
			return out, nil, skipped, err
		}
		if len(page.next) == 0 || limit == 0 || len(out) >= limit || b.spent(evaluated) {
			return out, page.next, skipped, nil
		}
		start = page.next
	}
}

// appendPageItems appends the items of page p to out (p's own []T, when
// the direct path decoded it and out is empty), passing over, and counting,
// those decode reports as of another entity (see readAll). On an item that
// fails to decode it returns the items before it, and the error.
func appendPageItems[T any](out []T, p fetched, decode decodeFunc[T]) (_ []T, skipped int, _ error) {
	direct, n := pageItems[T](p)
	if direct != nil {
		if out == nil {
			return direct, 0, nil
		}
		return append(out, direct...), 0, nil
	}
	for i := range n {
		item, err := decode(p.items[i])
		if isOtherEntity(err) {
			skipped++
			continue
		}
		if err != nil {
			return out, skipped, err
		}
		out = append(out, item)
	}
	return out, skipped, nil
}

// int32Ptr returns nil for 0, so "no limit" is left out of the request.
func int32Ptr(n int32) *int32 {
	if n <= 0 {
		return nil
	}
	return &n
}
