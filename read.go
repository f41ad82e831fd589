package dynamodel

import (
	"context"
	"fmt"
	"iter"

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
	// offer it (DynamoDB rejects the request); TxGet reads are consistent
	// whatever it says.
	ConsistentRead bool

	// Projection lists the attributes to read, as document paths (see
	// Path: "address.city" reads one member of a map, "tags[0]" one element
	// of a list); empty reads them all (all of the index's projection, for
	// an index). Fields of attributes not read keep their zero values.
	// BatchGet also reads the key attributes, to match items to keys.
	// QueryCount and ScanCount ignore it. Overlapping paths ("address" and
	// "address.city") are ErrInvalidQuery, as DynamoDB would reject them.
	Projection []string

	// RawProjection is a projection expression of the caller's own, with
	// its own name placeholders (see Raw; it takes no Values). Its paths
	// are read as well as Projection's.
	RawProjection Raw

	// Capacity, when set, adds up the capacity the read consumes, and for
	// queries and scans the items evaluated and returned, page by page
	// (see Capacity). TxGet rejects it: a transaction's capacity is
	// TransactOptions.Capacity.
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
	// partition value, filter and projection.
	Cursor string
}

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

// fetchFunc reads one page: at most limit items (0: as many as DynamoDB
// returns) from start (nil: the beginning).
type fetchFunc func(ctx context.Context, start map[string]types.AttributeValue, limit int32) (items []map[string]types.AttributeValue, next map[string]types.AttributeValue, err error)

// readAll yields the items fetch reads, page by page, fetching the next page
// only when the caller has taken every item of the last one, and stopping
// after limit items (0: no limit) or when the caller stops.
func readAll[T any](ctx context.Context, fetch fetchFunc, start map[string]types.AttributeValue, limit, pageSize int, yield func(T, error) bool) {
	seen := 0
	for {
		want := pageSize
		if limit > 0 && (want == 0 || limit-seen < want) {
			want = limit - seen
		}
		items, next, err := fetch(ctx, start, int32(want))
		if err != nil {
			var zero T
			yield(zero, err)
			return
		}
		for _, raw := range items {
			item, err := decodeItem[T](raw)
			if !yield(item, err) || err != nil {
				return
			}
			seen++
		}
		if len(next) == 0 || (limit > 0 && seen >= limit) {
			return
		}
		start = next
	}
}

// readPage reads up to limit items (0: one DynamoDB page) and returns them
// with the key to resume from. It never reads past what it returns, so the
// key is exact.
func readPage[T any](ctx context.Context, fetch fetchFunc, start map[string]types.AttributeValue, limit int) ([]T, map[string]types.AttributeValue, error) {
	var out []T
	for {
		want := 0
		if limit > 0 {
			want = limit - len(out)
		}
		items, next, err := fetch(ctx, start, int32(want))
		if err != nil {
			return out, nil, err
		}
		for _, raw := range items {
			item, err := decodeItem[T](raw)
			if err != nil {
				return out, nil, err
			}
			out = append(out, item)
		}
		if len(next) == 0 || limit == 0 || len(out) >= limit {
			return out, next, nil
		}
		start = next
	}
}

// int32Ptr returns nil for 0, so "no limit" is left out of the request.
func int32Ptr(n int32) *int32 {
	if n <= 0 {
		return nil
	}
	return &n
}
