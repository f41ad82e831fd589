package dynamodel_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/dynamotest"
	"github.com/dynamodel/dynamodel/schema"
)

func TestQueryRequest(t *testing.T) {
	s := newStub(t)
	var got *dynamodb.QueryInput
	s.query = func(in *dynamodb.QueryInput) (*dynamodb.QueryOutput, error) {
		got = in
		return &dynamodb.QueryOutput{}, nil
	}
	orders, err := dynamodel.NewRepository[Order](s, "Orders")
	require.NoError(t, err)
	ctx := context.Background()
	for _, tc := range []struct {
		kc   dynamodel.KeyCondition
		want string
	}{
		{dynamodel.Partition("c1"), "#n0 = :v0"},
		{dynamodel.Partition("c1").SortEqual("o1"), "#n0 = :v0 AND #n1 = :v1"},
		{dynamodel.Partition("c1").SortLess("o1"), "#n0 = :v0 AND #n1 < :v1"},
		{dynamodel.Partition("c1").SortLessOrEqual("o1"), "#n0 = :v0 AND #n1 <= :v1"},
		{dynamodel.Partition("c1").SortGreater("o1"), "#n0 = :v0 AND #n1 > :v1"},
		{dynamodel.Partition("c1").SortGreaterOrEqual("o1"), "#n0 = :v0 AND #n1 >= :v1"},
		{dynamodel.Partition("c1").SortBetween("a", "b"), "#n0 = :v0 AND #n1 BETWEEN :v1 AND :v2"},
		{dynamodel.Partition("c1").SortBeginsWith("2026-"), "#n0 = :v0 AND begins_with(#n1, :v1)"},
	} {
		_, err := dynamodel.Collect(orders.Query(ctx, tc.kc), 0)
		require.NoError(t, err)
		assert.Equal(t, tc.want, aws.ToString(got.KeyConditionExpression))
		assert.Equal(t, "customer", got.ExpressionAttributeNames["#n0"])
	}

	_, err = dynamodel.Collect(orders.Query(ctx, dynamodel.Partition("c1"), func(o *dynamodel.QueryOptions) {
		o.Descending, o.ConsistentRead, o.PageSize = true, true, 5
		o.Filter = dynamodel.Greater("total", 10)
		o.Projection = []string{"id", "total"}
	}), 0)
	require.NoError(t, err)
	assert.False(t, aws.ToBool(got.ScanIndexForward))
	assert.True(t, aws.ToBool(got.ConsistentRead))
	assert.Equal(t, int32(5), aws.ToInt32(got.Limit))
	assert.Equal(t, "#n1 > :v1", aws.ToString(got.FilterExpression))
	assert.Equal(t, "#n2, #n1", aws.ToString(got.ProjectionExpression))
	assert.Equal(t, types.SelectSpecificAttributes, got.Select)
}

func TestQueryRejectsBadQueriesBeforeAnyCall(t *testing.T) {
	orders, err := dynamodel.NewRepository[Order](newStub(t), "Orders")
	require.NoError(t, err)
	users, err := dynamodel.NewUserRepository(newStub(t))
	require.NoError(t, err)
	readings, err := dynamodel.NewRepository[Reading](newStub(t), "Readings")
	require.NoError(t, err)
	ordersTable, err := schema.Load("testdata/tables/orders.json")
	require.NoError(t, err)
	withSchema, err := dynamodel.NewRepository[Order](newStub(t), "Orders", func(o *dynamodel.Options) { o.Schema = ordersTable })
	require.NoError(t, err)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		seq  func() error
		want error
		msg  string
	}{
		{"no partition", func() error {
			_, err := dynamodel.First(orders.Query(ctx, dynamodel.KeyCondition{}))
			return err
		}, dynamodel.ErrInvalidQuery, "no partition value"},
		{"wrong partition type", func() error {
			_, err := dynamodel.First(orders.Query(ctx, dynamodel.Partition(5)))
			return err
		}, dynamodel.ErrInvalidKey, "want string, got int"},
		{"empty partition", func() error {
			_, err := dynamodel.First(orders.Query(ctx, dynamodel.Partition("")))
			return err
		}, dynamodel.ErrInvalidKey, "empty string"},
		{"sort on a hash-only table", func() error {
			_, err := dynamodel.First(users.Query(ctx, dynamodel.Partition("a@b").SortGreater("x")))
			return err
		}, dynamodel.ErrInvalidQuery, "the sort key of table User is unknown"},
		{"index without schema", func() error {
			_, err := dynamodel.First(orders.Query(ctx, dynamodel.Partition("paid"), func(o *dynamodel.QueryOptions) { o.Index = "byStatus" }))
			return err
		}, dynamodel.ErrInvalidQuery, `the partition key of index "byStatus" is unknown`},
		{"negative limit", func() error {
			_, err := orders.QueryPage(ctx, dynamodel.Partition("c"), func(o *dynamodel.QueryOptions) { o.Limit = -1 })
			return err
		}, dynamodel.ErrInvalidQuery, "negative"},
		{"garbage cursor", func() error {
			_, err := orders.QueryPage(ctx, dynamodel.Partition("c"), func(o *dynamodel.QueryOptions) { o.Cursor = "not-a-cursor" })
			return err
		}, dynamodel.ErrInvalidCursor, "not a dynamodel cursor"},
		{"bad filter", func() error {
			_, err := dynamodel.First(orders.Query(ctx, dynamodel.Partition("c"), func(o *dynamodel.QueryOptions) { o.Filter = dynamodel.Equal("", 1) }))
			return err
		}, dynamodel.ErrInvalidCondition, "empty attribute name"},
		// DynamoDB refuses these key conditions (as dynalite does, with
		// its messages).
		{"between strings reversed", func() error {
			_, err := orders.QueryCount(ctx, dynamodel.Partition("c").SortBetween("o9", "o1"))
			return err
		}, dynamodel.ErrInvalidQuery, `sort key "id": BETWEEN's lower bound "o9" is above its upper bound "o1"`},
		{"between numbers reversed", func() error {
			_, err := orders.QueryCount(ctx, dynamodel.PartitionAttr("customer", "c").SortAttr("score").SortBetween(10, 9.5),
				func(o *dynamodel.QueryOptions) { o.Index = "byScore" })
			return err
		}, dynamodel.ErrInvalidQuery, `sort key "score": BETWEEN's lower bound 10 is above its upper bound 9.5`},
		{"between binaries reversed", func() error {
			_, err := readings.QueryCount(ctx, dynamodel.Partition(1).SortBetween([]byte{1, 0}, []byte{1}))
			return err
		}, dynamodel.ErrInvalidQuery, `sort key "at": BETWEEN's lower bound 0x0100 is above its upper bound 0x01`},
		{"between of two types", func() error {
			_, err := orders.QueryCount(ctx, dynamodel.PartitionAttr("status", "paid").SortAttr("score").SortBetween("a", 1),
				func(o *dynamodel.QueryOptions) { o.Index = "byScore" })
			return err
		}, dynamodel.ErrInvalidQuery, `sort key "score": BETWEEN takes bounds of one type, not S and N`},
		{"begins_with a number", func() error {
			_, err := orders.QueryCount(ctx, dynamodel.PartitionAttr("customer", "c").SortAttr("total").SortBeginsWith(1),
				func(o *dynamodel.QueryOptions) { o.Index = "byTotal" })
			return err
		}, dynamodel.ErrInvalidQuery, `sort key "total": begins_with takes a string or a binary, not a number`},
		// DynamoDB refuses a query's filter on a key attribute of what
		// it queries (dynalite too; moto takes it).
		{"filter on the sort key", func() error {
			_, err := dynamodel.First(orders.Query(ctx, dynamodel.Partition("c"), func(o *dynamodel.QueryOptions) { o.Filter = dynamodel.Equal("id", "o1") }))
			return err
		}, dynamodel.ErrInvalidQuery, `the filter names "id", a key attribute`},
		{"filter on a member of the partition key", func() error {
			_, err := orders.QueryCount(ctx, dynamodel.Partition("c"), func(o *dynamodel.QueryOptions) {
				o.Filter = dynamodel.Equal("total", 1).Or(dynamodel.Exists("customer.x"))
			})
			return err
		}, dynamodel.ErrInvalidQuery, `the filter names "customer", a key attribute`},
		{"raw filter on a key by its bare name", func() error {
			_, err := orders.QueryPage(ctx, dynamodel.Partition("c"), func(o *dynamodel.QueryOptions) {
				o.Filter = dynamodel.RawCondition(dynamodel.Raw{Expr: "size(tags) > :n AND id IN (:a, :b)", Values: map[string]any{":n": 1, ":a": "x", ":b": "y"}})
			})
			return err
		}, dynamodel.ErrInvalidQuery, `the filter names "id", a key attribute`},
		{"filter on an index's sort key", func() error {
			_, err := orders.QueryCount(ctx, dynamodel.PartitionAttr("status", "paid").SortAttr("placed"), func(o *dynamodel.QueryOptions) {
				o.Index, o.Filter = "byStatus", dynamodel.RawCondition(dynamodel.Raw{Expr: "attribute_exists(#p)", Names: map[string]string{"#p": "placed"}})
			})
			return err
		}, dynamodel.ErrInvalidQuery, `the filter names "placed", a key attribute`},
		{"projection into an index key", func() error {
			_, err := orders.QueryPage(ctx, dynamodel.PartitionAttr("status", "paid").SortAttr("placed"), func(o *dynamodel.QueryOptions) {
				o.Index, o.Projection = "byStatus", []string{"total", "placed.x"}
			})
			return err
		}, dynamodel.ErrInvalidQuery, `the projection has a path into key attribute "placed"`},
		{"scan filter into a key", func() error {
			_, err := orders.ScanPage(ctx, func(o *dynamodel.ScanOptions) { o.Filter = dynamodel.Exists("customer[0]") })
			return err
		}, dynamodel.ErrInvalidQuery, `the filter has a path into key attribute "customer"`},
		{"scan filter into a table key on an index", func() error {
			_, err := orders.ScanCount(ctx, func(o *dynamodel.ScanOptions) { o.Index, o.Filter = "byStatus", dynamodel.Exists("id.x.y") })
			return err
		}, dynamodel.ErrInvalidQuery, `the filter has a path into key attribute "id"`},
		// DynamoDB reads no global index consistently (moto and
		// dynalite refuse the query; dynalite took the scan).
		{"consistent query of a global index", func() error {
			_, err := orders.QueryPage(ctx, dynamodel.PartitionAttr("status", "paid"), dynamodel.ConsistentRead, func(o *dynamodel.QueryOptions) { o.Index = "byStatus" })
			return err
		}, dynamodel.ErrInvalidQuery, "ConsistentRead on index byStatus, a global secondary index"},
		{"consistent scan of a global index", func() error {
			_, err := withSchema.ScanPage(ctx, dynamodel.ConsistentRead, func(o *dynamodel.ScanOptions) { o.Index = "byStatus" })
			return err
		}, dynamodel.ErrInvalidQuery, "ConsistentRead on index byStatus, a global secondary index"},
		{"consistent count of a global index", func() error {
			_, err := withSchema.QueryCount(ctx, dynamodel.PartitionAttr("status", "paid"), dynamodel.ConsistentRead, func(o *dynamodel.QueryOptions) { o.Index = "byStatus" })
			return err
		}, dynamodel.ErrInvalidQuery, "ConsistentRead on index byStatus, a global secondary index"},
		// Key conditions naming attributes that are not the keys the
		// repository knows (both engines refuse them: "Query condition
		// missed key schema element").
		{"a table query by another partition key", func() error {
			_, err := orders.QueryPage(ctx, dynamodel.PartitionAttr("status", "paid"))
			return err
		}, dynamodel.ErrInvalidQuery, `the partition key of table Orders is "customer", not "status"`},
		{"a table query by another sort key", func() error {
			_, err := orders.QueryPage(ctx, dynamodel.Partition("c1").SortAttr("total").SortGreater(1))
			return err
		}, dynamodel.ErrInvalidQuery, `the sort key of table Orders is "id", not "total"`},
		{"a sort key on a hash-only table", func() error {
			_, err := users.QueryPage(ctx, dynamodel.Partition("a@b").SortAttr("x").SortGreater("y"))
			return err
		}, dynamodel.ErrInvalidQuery, `table User has no sort key, so none named "x"`},
		{"an index query by another sort key", func() error {
			_, err := withSchema.QueryPage(ctx, dynamodel.PartitionAttr("customer", "c1").SortAttr("placed").SortGreater("a"), func(o *dynamodel.QueryOptions) { o.Index = "byTotal" })
			return err
		}, dynamodel.ErrInvalidQuery, `the sort key of index byTotal is "total", not "placed"`},
		{"one attribute as both keys", func() error {
			_, err := orders.QueryCount(ctx, dynamodel.PartitionAttr("customer", "c").SortAttr("customer").SortEqual("c"),
				func(o *dynamodel.QueryOptions) { o.Index = "byTotal" })
			return err
		}, dynamodel.ErrInvalidQuery, `"customer" is named as both the partition and the sort key`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.seq()
			require.ErrorIs(t, err, tc.want)
			assert.Contains(t, err.Error(), tc.msg)
		})
	}
}

// putOrders stores n orders of customer c with ids o000.., totals 0..n-1
// and statuses alternating paid/open.
func putOrders(t *testing.T, ctx context.Context, orders *dynamodel.Repository[Order], c string, n int) {
	t.Helper()
	items := make([]Order, n)
	for i := range n {
		status := "open"
		if i%2 == 0 {
			status = "paid"
		}
		items[i] = Order{Customer: c, ID: fmt.Sprintf("o%03d", i), Total: i, Status: status, Placed: fmt.Sprintf("2026-11-%02d", 1+i%28)}
	}
	_, err := orders.BatchPut(ctx, items)
	require.NoError(t, err)
}

func ids(orders []Order) []string {
	out := make([]string, len(orders))
	for i, o := range orders {
		out[i] = o.ID
	}
	return out
}

func TestQueryIntegration(t *testing.T) {
	ordersTable, err := schema.Load("testdata/tables/orders.json")
	require.NoError(t, err)
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		batch := func(o *dynamodel.Options) { o.Batch.SkipVersionCheck = true; o.Schema = ordersTable }
		orders := repo[Order](t, db, "Orders", batch)
		putOrders(t, ctx, orders, "c1", 30)
		putOrders(t, ctx, orders, "c2", 3)

		all, err := dynamodel.Collect(orders.Query(ctx, dynamodel.Partition("c1")), 0)
		require.NoError(t, err)
		require.Len(t, all, 30)
		assert.Equal(t, "o000", all[0].ID)
		assert.Equal(t, "o029", all[29].ID)

		for _, tc := range []struct {
			kc   dynamodel.KeyCondition
			want []string
		}{
			{dynamodel.Partition("c2"), []string{"o000", "o001", "o002"}},
			{dynamodel.Partition("c2").SortEqual("o001"), []string{"o001"}},
			{dynamodel.Partition("c2").SortLess("o001"), []string{"o000"}},
			{dynamodel.Partition("c2").SortLessOrEqual("o001"), []string{"o000", "o001"}},
			{dynamodel.Partition("c2").SortGreater("o001"), []string{"o002"}},
			{dynamodel.Partition("c2").SortGreaterOrEqual("o001"), []string{"o001", "o002"}},
			{dynamodel.Partition("c1").SortBetween("o010", "o012"), []string{"o010", "o011", "o012"}},
			{dynamodel.Partition("c1").SortBeginsWith("o02"), []string{"o020", "o021", "o022", "o023", "o024", "o025", "o026", "o027", "o028", "o029"}},
			{dynamodel.Partition("c3"), nil},
		} {
			got, err := dynamodel.Collect(orders.Query(ctx, tc.kc), 0)
			require.NoError(t, err)
			assert.Equal(t, tc.want, nilIfEmpty(ids(got)))
		}

		// Descending, a limit, a page size, a filter and a projection.
		got, err := dynamodel.Collect(orders.Query(ctx, dynamodel.Partition("c1"), func(o *dynamodel.QueryOptions) {
			o.Descending, o.Limit, o.PageSize = true, 4, 3
			o.Filter = dynamodel.Equal("status", "paid")
			o.Projection = []string{"customer", "id", "total"}
		}), 0)
		require.NoError(t, err)
		assert.Equal(t, []string{"o028", "o026", "o024", "o022"}, ids(got))
		assert.Equal(t, Order{Customer: "c1", ID: "o028", Total: 28}, got[0])

		first, err := dynamodel.First(orders.Query(ctx, dynamodel.Partition("c1").SortGreater("o015")))
		require.NoError(t, err)
		assert.Equal(t, "o016", first.ID)
		_, err = dynamodel.First(orders.Query(ctx, dynamodel.Partition("nobody")))
		require.ErrorIs(t, err, dynamodel.ErrNotFound)

		_, err = dynamodel.Collect(orders.Query(ctx, dynamodel.Partition("c1")), 29)
		require.ErrorIs(t, err, dynamodel.ErrTooManyItems)

		n, err := orders.QueryCount(ctx, dynamodel.Partition("c1"), func(o *dynamodel.QueryOptions) {
			o.Filter = dynamodel.Less("total", 10)
		})
		require.NoError(t, err)
		assert.Equal(t, 10, n)

		// The GSI, with key names from the schema, and the LSI.
		paid, err := dynamodel.Collect(orders.Query(ctx, dynamodel.Partition("paid").SortBeginsWith("2026-11-0"),
			func(o *dynamodel.QueryOptions) { o.Index = "byStatus" }), 0)
		require.NoError(t, err)
		for _, o := range paid {
			assert.Equal(t, "paid", o.Status)
			assert.Contains(t, o.Placed, "2026-11-0")
		}
		assert.Len(t, paid, 8) // c1: totals 0,2,4,6,8 and 28 (days 1-9); c2: totals 0 and 2
		byTotal, err := dynamodel.Collect(orders.Query(ctx, dynamodel.Partition("c1").SortBetween(5, 7),
			func(o *dynamodel.QueryOptions) { o.Index = "byTotal" }), 0)
		require.NoError(t, err)
		assert.Equal(t, []string{"o005", "o006", "o007"}, ids(byTotal))

		// Without a schema, the index's key attributes are named.
		bare := repo[Order](t, db, "Orders")
		named, err := dynamodel.Collect(bare.Query(ctx, dynamodel.PartitionAttr("status", "paid").SortAttr("placed").SortBeginsWith("2026-11-0"),
			func(o *dynamodel.QueryOptions) { o.Index = "byStatus" }), 0)
		require.NoError(t, err)
		assert.ElementsMatch(t, paid, named)
	})
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

// TestQueryReadsLazily shows the iterator fetches a page only when the
// caller reaches it, and none after the caller stops.
func TestQueryReadsLazily(t *testing.T) {
	s := newStub(t)
	var calls atomic.Int32
	s.query = func(in *dynamodb.QueryInput) (*dynamodb.QueryOutput, error) {
		n := calls.Add(1)
		item := map[string]types.AttributeValue{
			"customer": &types.AttributeValueMemberS{Value: "c"},
			"id":       &types.AttributeValueMemberS{Value: fmt.Sprintf("o%d", n)},
		}
		return &dynamodb.QueryOutput{
			Items:            []map[string]types.AttributeValue{item, item},
			LastEvaluatedKey: item,
		}, nil
	}
	orders, err := dynamodel.NewRepository[Order](s, "Orders")
	require.NoError(t, err)
	seq := orders.Query(context.Background(), dynamodel.Partition("c"))
	assert.Equal(t, int32(0), calls.Load(), "nothing is read before ranging")
	n := 0
	for _, err := range seq {
		require.NoError(t, err)
		if n++; n == 3 {
			break
		}
	}
	assert.Equal(t, int32(2), calls.Load(), "3 items of 2-item pages: 2 requests, and none after the break")
}

// TestCountsStopAtLimit: QueryCount and ScanCount count at most Limit items
// (after the filter), reading no further, as Limit says; they counted every
// item whatever it was.
func TestCountsStopAtLimit(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		orders := repo[Order](t, db, "Orders", func(o *dynamodel.Options) { o.Batch.SkipVersionCheck = true })
		putOrders(t, ctx, orders, "c1", 20)
		paid := dynamodel.Equal("status", "paid")
		for _, tc := range []struct {
			limit, pageSize int
			filter          dynamodel.Condition
			want            int
		}{
			{0, 0, dynamodel.Condition{}, 20},
			{3, 0, dynamodel.Condition{}, 3},
			{7, 2, paid, 7},
			{25, 0, dynamodel.Condition{}, 20},
			{11, 0, paid, 10},
		} {
			opts := func(o *dynamodel.QueryOptions) { o.Limit, o.PageSize, o.Filter = tc.limit, tc.pageSize, tc.filter }
			var c dynamodel.Capacity
			n, err := orders.QueryCount(ctx, dynamodel.Partition("c1"), opts, func(o *dynamodel.QueryOptions) { o.Capacity = &c })
			require.NoError(t, err)
			assert.Equal(t, tc.want, n, "QueryCount %+v", tc)
			if tc.limit > 0 && tc.limit < 20 && tc.filter.IsZero() {
				assert.Equal(t, tc.limit, c.Usage().Evaluated, "QueryCount %+v reads no further", tc)
			}
			for _, segments := range []int{0, 3} {
				n, err = orders.ScanCount(ctx, func(o *dynamodel.ScanOptions) {
					o.Limit, o.PageSize, o.Filter, o.Segments = tc.limit, tc.pageSize, tc.filter, segments
				})
				require.NoError(t, err)
				assert.Equal(t, tc.want, n, "ScanCount %+v, %d segments", tc, segments)
			}
		}
	})
}

// TestConsistentReadOfIndexes: a consistent query or scan of a local index
// is sent and answered on every engine; one of a global index is
// ErrInvalidQuery before any call when the repository knows the index is
// global, as DynamoDB refuses it (dynalite took the scan, so a caller saw
// it work locally and fail on AWS).
func TestConsistentReadOfIndexes(t *testing.T) {
	ordersTable, err := schema.Load("testdata/tables/orders.json")
	require.NoError(t, err)
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		orders := repo[Order](t, db, "Orders", func(o *dynamodel.Options) { o.Batch.SkipVersionCheck = true; o.Schema = ordersTable })
		putOrders(t, ctx, orders, "c1", 4)
		n, err := orders.QueryCount(ctx, dynamodel.PartitionAttr("customer", "c1"), dynamodel.ConsistentRead, func(o *dynamodel.QueryOptions) { o.Index = "byTotal" })
		require.NoError(t, err)
		assert.Equal(t, 4, n)
		n, err = orders.ScanCount(ctx, dynamodel.ConsistentRead, func(o *dynamodel.ScanOptions) { o.Index = "byTotal" })
		require.NoError(t, err)
		assert.Equal(t, 4, n)
		_, err = orders.ScanCount(ctx, dynamodel.ConsistentRead, func(o *dynamodel.ScanOptions) { o.Index = "byStatus" })
		require.ErrorIs(t, err, dynamodel.ErrInvalidQuery)
		n, err = orders.ScanCount(ctx, func(o *dynamodel.ScanOptions) { o.Index = "byStatus" })
		require.NoError(t, err)
		assert.Equal(t, 4, n)
	})
}

// TestQueryOfAMissingIndex: a query or scan of an index the table lacks,
// which the repository cannot check (no schema), matches ErrInvalidQuery
// and not ErrTableNotFound on every engine: DynamoDB and dynalite answer a
// ValidationException, moto a ResourceNotFoundException ("Invalid index"),
// which matched ErrTableNotFound although the table exists.
func TestQueryOfAMissingIndex(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		orders := repo[Order](t, db, "Orders")
		_, err := orders.QueryPage(ctx, dynamodel.PartitionAttr("status", "paid"), func(o *dynamodel.QueryOptions) { o.Index = "nope" })
		require.ErrorIs(t, err, dynamodel.ErrInvalidQuery)
		assert.NotErrorIs(t, err, dynamodel.ErrTableNotFound)
		_, err = orders.ScanCount(ctx, func(o *dynamodel.ScanOptions) { o.Index = "nope" })
		require.ErrorIs(t, err, dynamodel.ErrInvalidQuery)
		assert.NotErrorIs(t, err, dynamodel.ErrTableNotFound)
		_, err = repo[Order](t, db, "NoSuchTable").QueryPage(ctx, dynamodel.Partition("c1"))
		require.ErrorIs(t, err, dynamodel.ErrTableNotFound)
	})
}
