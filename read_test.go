package dynamodel_test

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/dynamotest"
)

// readRequest is what a read sent: its consistency and projection.
type readRequest struct {
	op         string
	consistent bool
	projection string
	names      map[string]string
}

// recordingReads is a stub that answers every read with nothing and
// records what each asked for.
func recordingReads(t *testing.T) (*stub, *[]readRequest) {
	s := newStub(t)
	var got []readRequest
	s.get = func(in *dynamodb.GetItemInput) (*dynamodb.GetItemOutput, error) {
		got = append(got, readRequest{"GetItem", aws.ToBool(in.ConsistentRead), aws.ToString(in.ProjectionExpression), in.ExpressionAttributeNames})
		return &dynamodb.GetItemOutput{}, nil
	}
	s.query = func(in *dynamodb.QueryInput) (*dynamodb.QueryOutput, error) {
		got = append(got, readRequest{"Query", aws.ToBool(in.ConsistentRead), aws.ToString(in.ProjectionExpression), in.ExpressionAttributeNames})
		return &dynamodb.QueryOutput{}, nil
	}
	s.scan = func(in *dynamodb.ScanInput) (*dynamodb.ScanOutput, error) {
		got = append(got, readRequest{"Scan", aws.ToBool(in.ConsistentRead), aws.ToString(in.ProjectionExpression), in.ExpressionAttributeNames})
		return &dynamodb.ScanOutput{}, nil
	}
	s.batchGet = func(in *dynamodb.BatchGetItemInput) (*dynamodb.BatchGetItemOutput, error) {
		for _, ka := range in.RequestItems {
			got = append(got, readRequest{"BatchGetItem", aws.ToBool(ka.ConsistentRead), aws.ToString(ka.ProjectionExpression), ka.ExpressionAttributeNames})
		}
		return &dynamodb.BatchGetItemOutput{}, nil
	}
	s.txGet = func(in *dynamodb.TransactGetItemsInput) (*dynamodb.TransactGetItemsOutput, error) {
		for _, it := range in.TransactItems {
			got = append(got, readRequest{"TransactGetItems", true, aws.ToString(it.Get.ProjectionExpression), it.Get.ExpressionAttributeNames})
		}
		return &dynamodb.TransactGetItemsOutput{}, nil
	}
	return s, &got
}

// TestEveryReadTakesTheSameReadOptions asks every read for a consistent
// read and a projection the same way: dynamodel.ConsistentRead, and the
// Projection field every read's options have. QueryCount and ScanCount read
// no attributes, so they send no projection.
func TestEveryReadTakesTheSameReadOptions(t *testing.T) {
	s, got := recordingReads(t)
	docs, err := dynamodel.NewRepository[Doc](s, "Docs")
	require.NoError(t, err)
	ctx := context.Background()
	want := []string{"name", "count"}
	get := func(o *dynamodel.GetOptions) { o.Projection = want }
	query := func(o *dynamodel.QueryOptions) { o.Projection = want }
	scan := func(o *dynamodel.ScanOptions) { o.Projection = want }
	batch := func(o *dynamodel.BatchGetOptions) { o.Projection = want }

	_, _ = docs.Get(ctx, "d1", dynamodel.ConsistentRead, get)
	_, _, _ = docs.Lookup(ctx, "d1", dynamodel.ConsistentRead, get)
	_, _ = dynamodel.First(docs.Query(ctx, dynamodel.Partition("d1"), dynamodel.ConsistentRead, query))
	_, _ = docs.QueryPage(ctx, dynamodel.Partition("d1"), dynamodel.ConsistentRead, query)
	_, _ = docs.QueryCount(ctx, dynamodel.Partition("d1"), dynamodel.ConsistentRead, query)
	_, _ = dynamodel.First(docs.Scan(ctx, dynamodel.ConsistentRead, scan))
	_, _ = docs.ScanPage(ctx, dynamodel.ConsistentRead, scan)
	_, _ = docs.ScanCount(ctx, dynamodel.ConsistentRead, scan)
	_, _ = docs.BatchGet(ctx, []any{"d1"}, dynamodel.ConsistentRead, batch)
	require.NoError(t, dynamodel.TransactGet(ctx, s, []dynamodel.TxGetAction{docs.TxGet("d1", dynamodel.ConsistentRead, get)}))

	names := map[string]string{"#n0": "name", "#n1": "count"}
	pk := map[string]string{"#n0": "id"} // a query's key condition names the partition key first
	assert.Equal(t, []readRequest{
		{"GetItem", true, "#n0, #n1", names},
		{"GetItem", true, "#n0, #n1", names},
		{"Query", true, "#n1, #n2", map[string]string{"#n0": "id", "#n1": "name", "#n2": "count"}},
		{"Query", true, "#n1, #n2", map[string]string{"#n0": "id", "#n1": "name", "#n2": "count"}},
		{"Query", true, "", pk},
		{"Scan", true, "#n0, #n1", names},
		{"Scan", true, "#n0, #n1", names},
		{"Scan", true, "", nil},
		{"BatchGetItem", true, "#n0, #n1, #n2", map[string]string{"#n0": "id", "#n1": "name", "#n2": "count"}}, // and the key
		{"TransactGetItems", true, "#n0, #n1", names},
	}, *got)
}

// TestReadsStartFromTheRepositoryConsistency checks that every read starts
// from Options.ConsistentRead, and that a call's options can turn it off.
func TestReadsStartFromTheRepositoryConsistency(t *testing.T) {
	s, got := recordingReads(t)
	docs, err := dynamodel.NewRepository[Doc](s, "Docs", func(o *dynamodel.Options) { o.ConsistentRead = true })
	require.NoError(t, err)
	ctx := context.Background()
	_, _ = docs.Get(ctx, "d1")
	_, _ = dynamodel.First(docs.Query(ctx, dynamodel.Partition("d1")))
	_, _ = docs.ScanCount(ctx)
	_, _ = docs.BatchGet(ctx, []any{"d1"})
	_, _ = docs.Get(ctx, "d1", func(o *dynamodel.GetOptions) { o.ConsistentRead = false })
	_, _ = docs.BatchGet(ctx, []any{"d1"}, func(o *dynamodel.BatchGetOptions) { o.ConsistentRead = false })
	var consistent []bool
	for _, r := range *got {
		consistent = append(consistent, r.consistent)
	}
	assert.Equal(t, []bool{true, true, true, true, false, false}, consistent)
}

// ConsistentRead is one generic function: Go infers its options type from
// the read it is passed to.
var (
	_ func(*dynamodel.GetOptions)      = dynamodel.ConsistentRead
	_ func(*dynamodel.QueryOptions)    = dynamodel.ConsistentRead
	_ func(*dynamodel.ScanOptions)     = dynamodel.ConsistentRead
	_ func(*dynamodel.BatchGetOptions) = dynamodel.ConsistentRead
)

// TestCountsIgnoreTheProjectionIntegration counts with a projection set, as
// options shared with other reads may have: a count reads no attributes,
// and DynamoDB rejects a request whose attribute names go unused.
func TestCountsIgnoreTheProjectionIntegration(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		docs := repo[Doc](t, db, "Docs")
		for _, d := range []Doc{{ID: "a", Name: "A"}, {ID: "b", Name: "B"}} {
			_, err := docs.Put(ctx, d)
			require.NoError(t, err)
		}
		n, err := docs.QueryCount(ctx, dynamodel.Partition("a"), func(o *dynamodel.QueryOptions) { o.Projection = []string{"name"} })
		require.NoError(t, err)
		assert.Equal(t, 1, n)
		n, err = docs.ScanCount(ctx, func(o *dynamodel.ScanOptions) { o.Projection = []string{"name"} })
		require.NoError(t, err)
		assert.Equal(t, 2, n)
	})
}

// boundedPartition is a stub partition of 20 orders, "00" to "19", read as
// DynamoDB reads: a request evaluates items from where the last stopped, at
// most its Limit and at most 4 (the stub's 1 MB), and returns those a
// filter keeps (every third: 00, 03, 06...), with ScannedCount and Count.
// A scan's segments each hold such a partition. It records each request's
// Limit (0 for none), by segment.
func boundedPartition(t *testing.T) (*stub, func() map[int][]int32) {
	s := newStub(t)
	var mu sync.Mutex
	limits := map[int][]int32{}
	page := func(start map[string]types.AttributeValue, limit *int32, seg int, count bool) ([]map[string]types.AttributeValue, map[string]types.AttributeValue, int32, int32) {
		mu.Lock()
		limits[seg] = append(limits[seg], aws.ToInt32(limit))
		mu.Unlock()
		from := 0
		if start != nil {
			from, _ = strconv.Atoi(start["id"].(*types.AttributeValueMemberS).Value)
			from++
		}
		n := min(4, 20-from)
		if limit != nil {
			n = min(n, int(*limit))
		}
		var items []map[string]types.AttributeValue
		matched := int32(0)
		for i := from; i < from+n; i++ {
			if i%3 == 0 {
				matched++
				if !count {
					items = append(items, map[string]types.AttributeValue{
						"customer": &types.AttributeValueMemberS{Value: "c"},
						"id":       &types.AttributeValueMemberS{Value: fmt.Sprintf("%02d", i)},
					})
				}
			}
		}
		var next map[string]types.AttributeValue
		if from+n < 20 {
			next = map[string]types.AttributeValue{
				"customer": &types.AttributeValueMemberS{Value: "c"},
				"id":       &types.AttributeValueMemberS{Value: fmt.Sprintf("%02d", from+n-1)},
			}
		}
		return items, next, int32(n), matched
	}
	s.query = func(in *dynamodb.QueryInput) (*dynamodb.QueryOutput, error) {
		items, next, scanned, count := page(in.ExclusiveStartKey, in.Limit, 0, in.Select == types.SelectCount)
		return &dynamodb.QueryOutput{Items: items, LastEvaluatedKey: next, ScannedCount: scanned, Count: count}, nil
	}
	s.scan = func(in *dynamodb.ScanInput) (*dynamodb.ScanOutput, error) {
		items, next, scanned, count := page(in.ExclusiveStartKey, in.Limit, int(aws.ToInt32(in.Segment)), in.Select == types.SelectCount)
		return &dynamodb.ScanOutput{Items: items, LastEvaluatedKey: next, ScannedCount: scanned, Count: count}, nil
	}
	return s, func() map[int][]int32 {
		mu.Lock()
		defer mu.Unlock()
		out := limits
		limits = map[int][]int32{}
		return out
	}
}

// TestMaxEvaluated checks, request by request, that MaxEvaluated bounds
// the items evaluated summed over pages: every request asks for at most
// what is left of it (with PageSize and Limit), pages cut short by the 1 MB
// rule are read on, and a read that stops at the bound with items left
// says so (iterators and counts with ErrMaxEvaluated; pages with a cursor).
func TestMaxEvaluated(t *testing.T) {
	ctx := context.Background()
	s, limits := boundedPartition(t)
	orders, err := dynamodel.NewRepository[Order](s, "Orders")
	require.NoError(t, err)
	kc := dynamodel.Partition("c")
	bound := func(maxEvaluated, pageSize, limit int) func(*dynamodel.QueryOptions) {
		return func(o *dynamodel.QueryOptions) { o.MaxEvaluated, o.PageSize, o.Limit = maxEvaluated, pageSize, limit }
	}

	got, err := dynamodel.Collect(orders.Query(ctx, kc, bound(10, 0, 0)), 0)
	require.ErrorIs(t, err, dynamodel.ErrMaxEvaluated)
	assert.Contains(t, err.Error(), "10 items evaluated")
	assertOpError(t, err, "Query", "Orders")
	assert.Equal(t, []string{"00", "03", "06", "09"}, ids(got), "the items kept among the first 10")
	assert.Equal(t, []int32{10, 6, 2}, limits()[0], "1 MB pages of 4, then what is left")

	got, err = dynamodel.Collect(orders.Query(ctx, kc, bound(10, 3, 0)), 0)
	require.ErrorIs(t, err, dynamodel.ErrMaxEvaluated)
	assert.Len(t, got, 4)
	assert.Equal(t, []int32{3, 3, 3, 1}, limits()[0])

	got, err = dynamodel.Collect(orders.Query(ctx, kc, bound(20, 0, 0)), 0)
	require.NoError(t, err, "the bound is met exactly at the end: nothing is left")
	assert.Len(t, got, 7)
	assert.Equal(t, []int32{20, 16, 12, 8, 4}, limits()[0])

	got, err = dynamodel.Collect(orders.Query(ctx, kc, bound(10, 0, 2)), 0)
	require.NoError(t, err, "Limit ends the read first")
	assert.Equal(t, []string{"00", "03"}, ids(got))
	assert.Equal(t, []int32{2, 1, 1}, limits()[0])

	n, err := orders.QueryCount(ctx, kc, bound(10, 0, 0))
	require.ErrorIs(t, err, dynamodel.ErrMaxEvaluated)
	assert.Equal(t, 4, n, "the count so far")
	assert.Equal(t, []int32{10, 6, 2}, limits()[0])
	n, err = orders.QueryCount(ctx, kc)
	require.NoError(t, err)
	assert.Equal(t, 7, n)
	limits()

	// A page stops at the bound with a cursor, and the cursor resumes.
	p, err := orders.QueryPage(ctx, kc, bound(10, 0, 5))
	require.NoError(t, err)
	assert.Equal(t, []string{"00", "03", "06", "09"}, ids(p.Items), "fewer than Limit: the bound came first")
	assert.Equal(t, []int32{5, 3, 2, 1}, limits()[0])
	require.NotEmpty(t, p.Cursor)
	p, err = orders.QueryPage(ctx, kc, bound(10, 0, 5), func(o *dynamodel.QueryOptions) { o.Cursor = p.Cursor })
	require.NoError(t, err)
	assert.Equal(t, []string{"12", "15", "18"}, ids(p.Items))
	assert.Empty(t, p.Cursor)
	limits()

	// A parallel scan shares the bound among its segments.
	scanBound := func(o *dynamodel.ScanOptions) { o.Segments, o.MaxEvaluated = 2, 11 }
	all, err := dynamodel.Collect(orders.Scan(ctx, scanBound), 0)
	require.ErrorIs(t, err, dynamodel.ErrMaxEvaluated)
	assert.Contains(t, err.Error(), "11 items evaluated")
	assertOpError(t, err, "Scan", "Orders")
	assert.Len(t, all, 2+2, "00 03 (of 6) and 00 03 (of 5)")
	l := limits()
	assert.Equal(t, []int32{6, 2}, l[0])
	assert.Equal(t, []int32{5, 1}, l[1])
	n, err = orders.ScanCount(ctx, scanBound)
	require.ErrorIs(t, err, dynamodel.ErrMaxEvaluated)
	assert.Equal(t, 4, n)
	limits()
	sp, err := orders.ScanPage(ctx, func(o *dynamodel.ScanOptions) { o.MaxEvaluated = 7 })
	require.NoError(t, err)
	assert.Equal(t, []string{"00", "03"}, ids(sp.Items), "one DynamoDB page, of at most 7: the stub's 4")
	assert.NotEmpty(t, sp.Cursor)
	assert.Equal(t, []int32{7}, limits()[0])

	// Bad bounds fail before any call.
	bad := newStub(t)
	strict, err := dynamodel.NewRepository[Order](bad, "Orders")
	require.NoError(t, err)
	_, err = strict.QueryCount(ctx, kc, bound(-1, 0, 0))
	require.ErrorIs(t, err, dynamodel.ErrInvalidQuery)
	_, err = strict.ScanCount(ctx, func(o *dynamodel.ScanOptions) { o.Segments, o.MaxEvaluated = 4, 3 })
	require.ErrorIs(t, err, dynamodel.ErrInvalidQuery)
	assert.Contains(t, err.Error(), "MaxEvaluated (3) is shared among the Segments (4)")
}

// assertOpError checks that err is an *OpError of op on table, as every
// error a read gives is.
func assertOpError(t *testing.T, err error, op, table string) {
	t.Helper()
	var oe *dynamodel.OpError
	if assert.ErrorAs(t, err, &oe) {
		assert.Equal(t, op, oe.Op)
		assert.Equal(t, table, oe.Table)
	}
}

// TestMaxEvaluatedIntegration bounds reads on each engine: the items
// evaluated, as the engine counts them, never pass the bound.
func TestMaxEvaluatedIntegration(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		orders := repo[Order](t, db, "Orders")
		items := make([]Order, 20)
		for i := range items {
			items[i] = Order{Customer: "m", ID: fmt.Sprintf("%02d", i), Total: i}
			if i%3 == 0 {
				items[i].Status = "hit"
			}
		}
		_, err := orders.BatchPut(ctx, items, func(o *dynamodel.BatchWriteOptions) { o.SkipVersionCheck = true })
		require.NoError(t, err)
		kc := dynamodel.Partition("m")
		var c dynamodel.Capacity
		hits := func(max, pageSize int) func(*dynamodel.QueryOptions) {
			return func(o *dynamodel.QueryOptions) {
				o.Filter, o.MaxEvaluated, o.PageSize, o.Capacity = dynamodel.Equal("status", "hit"), max, pageSize, &c
			}
		}

		got, err := dynamodel.Collect(orders.Query(ctx, kc, hits(10, 4)), 0)
		require.ErrorIs(t, err, dynamodel.ErrMaxEvaluated)
		assert.Equal(t, []string{"00", "03", "06", "09"}, ids(got))
		assert.Equal(t, 10, c.Usage().Evaluated)
		assert.Equal(t, 3, c.Usage().Requests, "4, 4, then 2")

		n, err := orders.QueryCount(ctx, kc, hits(13, 0))
		require.ErrorIs(t, err, dynamodel.ErrMaxEvaluated)
		assert.Equal(t, 5, n, "00 to 12")
		assert.Equal(t, 10+13, c.Usage().Evaluated)

		p, err := orders.QueryPage(ctx, kc, hits(8, 0), func(o *dynamodel.QueryOptions) { o.Limit = 10 })
		require.NoError(t, err)
		assert.Equal(t, []string{"00", "03", "06"}, ids(p.Items))
		p, err = orders.QueryPage(ctx, kc, hits(100, 0), func(o *dynamodel.QueryOptions) { o.Limit = 10; o.Cursor = p.Cursor })
		require.NoError(t, err)
		assert.Equal(t, []string{"09", "12", "15", "18"}, ids(p.Items), "the cursor resumes after the 8 evaluated")

		var scan dynamodel.Capacity
		all, err := dynamodel.Collect(orders.Scan(ctx, func(o *dynamodel.ScanOptions) {
			o.Segments, o.MaxEvaluated, o.Capacity = 3, 12, &scan
		}), 0)
		if err == nil {
			assert.Len(t, all, 20, "the segments held at most their share: 4 each")
		} else {
			require.ErrorIs(t, err, dynamodel.ErrMaxEvaluated)
		}
		assert.LessOrEqual(t, scan.Usage().Evaluated, 12)
	})
}
