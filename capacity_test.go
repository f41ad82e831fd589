package dynamodel_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/dynamotest"
)

// pagedTable answers Query and Scan with three pages of two items each,
// every page reporting 5 items evaluated and 1.5 capacity units: 1 on the
// table and 0.5 on index byStatus. A scan's segments each get their own
// three pages. Counts (Select COUNT) get the same pages without items.
func pagedTable(t *testing.T) *canned {
	return &canned{t: t, answer: func(op string, body map[string]any, _ int) (int, string) {
		switch op {
		case "Query", "Scan":
		default:
			t.Errorf("unexpected %s", op)
			return 400, cannedError("ValidationException", "unexpected", "")
		}
		page := 0
		if start, ok := body["ExclusiveStartKey"].(map[string]any); ok {
			fmt.Sscanf(start["id"].(map[string]any)["S"].(string), "p%d", &page)
		}
		seg := 0
		if s, ok := body["Segment"].(float64); ok {
			seg = int(s)
		}
		items := fmt.Sprintf(`{"customer":{"S":"c"},"id":{"S":"s%d-o%d-a"}},{"customer":{"S":"c"},"id":{"S":"s%d-o%d-b"}}`, seg, page, seg, page)
		if body["Select"] == "COUNT" {
			items = ""
		}
		next := ""
		if page < 2 {
			next = fmt.Sprintf(`,"LastEvaluatedKey":{"customer":{"S":"c"},"id":{"S":"p%d"}}`, page+1)
		}
		capacity := ""
		if body["ReturnConsumedCapacity"] == "INDEXES" {
			capacity = `,"ConsumedCapacity":{"TableName":"Orders","CapacityUnits":1.5,"ReadCapacityUnits":1.5,` +
				`"Table":{"CapacityUnits":1,"ReadCapacityUnits":1},"GlobalSecondaryIndexes":{"byStatus":{"CapacityUnits":0.5,"ReadCapacityUnits":0.5}}}`
		}
		return 200, fmt.Sprintf(`{"Items":[%s],"Count":2,"ScannedCount":5%s%s}`, items, next, capacity)
	}}
}

// pages is what n pages of pagedTable add up to.
func pages(n int) dynamodel.Usage {
	f := float64(n)
	return dynamodel.Usage{
		Requests: n,
		Units:    dynamodel.Units{Total: 1.5 * f, Read: 1.5 * f},
		Tables: map[string]dynamodel.TableUsage{"Orders": {
			Units:   dynamodel.Units{Total: 1.5 * f, Read: 1.5 * f},
			Table:   dynamodel.Units{Total: f, Read: f},
			Indexes: map[string]dynamodel.Units{"byStatus": {Total: 0.5 * f, Read: 0.5 * f}},
		}},
		Evaluated: 5 * n,
		Returned:  2 * n,
	}
}

// TestCapacityAddsUpQueriesAndScans checks the sums of every kind of query
// and scan against a transport whose pages report known figures: each page
// of an iterator, a page call and a count is added once, and parallel scan
// segments add to one Capacity without losing any.
func TestCapacityAddsUpQueriesAndScans(t *testing.T) {
	ctx := context.Background()
	rt := pagedTable(t)
	orders, err := dynamodel.NewRepository[Order](cannedClient(rt), "Orders")
	require.NoError(t, err)
	kc := dynamodel.Partition("c")

	var c dynamodel.Capacity
	got, err := dynamodel.Collect(orders.Query(ctx, kc, func(o *dynamodel.QueryOptions) { o.Capacity = &c }), 0)
	require.NoError(t, err)
	assert.Len(t, got, 6)
	assert.Equal(t, pages(3), c.Usage(), "three pages of a Query")

	_, err = orders.QueryPage(ctx, kc, func(o *dynamodel.QueryOptions) { o.Capacity = &c })
	require.NoError(t, err)
	n, err := orders.QueryCount(ctx, kc, func(o *dynamodel.QueryOptions) { o.Capacity = &c })
	require.NoError(t, err)
	assert.Equal(t, 6, n)
	assert.Equal(t, pages(3+1+3), c.Usage(), "and one page of QueryPage, three of QueryCount")

	// A Query stopped early adds only the pages it read.
	var early dynamodel.Capacity
	_, err = dynamodel.First(orders.Query(ctx, kc, func(o *dynamodel.QueryOptions) { o.Capacity = &early }))
	require.NoError(t, err)
	assert.Equal(t, pages(1), early.Usage())

	// Eight segments read in parallel, three pages each, into one Capacity.
	var scans dynamodel.Capacity
	withSegments := func(o *dynamodel.ScanOptions) { o.Segments, o.Concurrency, o.Capacity = 8, 8, &scans }
	all, err := dynamodel.Collect(orders.Scan(ctx, withSegments), 0)
	require.NoError(t, err)
	assert.Len(t, all, 8*6)
	n, err = orders.ScanCount(ctx, withSegments)
	require.NoError(t, err)
	assert.Equal(t, 8*6, n)
	_, err = orders.ScanPage(ctx, func(o *dynamodel.ScanOptions) { o.Capacity = &scans })
	require.NoError(t, err)
	assert.Equal(t, pages(8*3+8*3+1), scans.Usage())

	// Without a Capacity, no request asks for capacity.
	before := len(rt.Requests("Query"))
	_, err = dynamodel.Collect(orders.Query(ctx, kc), 0)
	require.NoError(t, err)
	for _, body := range rt.Requests("Query")[before:] {
		assert.NotContains(t, body, "ReturnConsumedCapacity")
	}
	for _, body := range rt.Requests("Query")[:before] {
		assert.Equal(t, "INDEXES", body["ReturnConsumedCapacity"])
	}
}

// TestCapacityAddsUpWrites checks single-item calls: reads count as read
// units and writes as write units when the response reports only a total,
// and the read dynamodel makes after a failed condition (this transport, like
// dynalite, returns no item with the failure) is added too.
func TestCapacityAddsUpWrites(t *testing.T) {
	ctx := context.Background()
	capacity := func(units string) string {
		return `"ConsumedCapacity":{"TableName":"Docs","CapacityUnits":` + units + `,"Table":{"CapacityUnits":` + units + `}}`
	}
	rt := &canned{t: t, answer: func(op string, body map[string]any, n int) (int, string) {
		switch op {
		case "GetItem":
			return 200, `{"Item":{"id":{"S":"d1"},"count":{"N":"3"}},` + capacity("0.5") + `}`
		case "PutItem", "DeleteItem":
			return 200, `{` + capacity("1") + `}`
		case "UpdateItem":
			if n == 1 {
				return 400, cannedError("ConditionalCheckFailedException", "The conditional request failed", "")
			}
			return 200, `{"Attributes":{"id":{"S":"d1"},"count":{"N":"4"}},` + capacity("2") + `}`
		}
		t.Errorf("unexpected %s", op)
		return 400, cannedError("ValidationException", "unexpected", "")
	}}
	docs, err := dynamodel.NewRepository[Doc](cannedClient(rt), "Docs")
	require.NoError(t, err)
	var c dynamodel.Capacity
	_, err = docs.Get(ctx, "d1", func(o *dynamodel.GetOptions) { o.Capacity = &c })
	require.NoError(t, err)
	_, err = docs.Put(ctx, Doc{ID: "d1"}, func(o *dynamodel.PutOptions) { o.Capacity = &c })
	require.NoError(t, err)
	_, err = docs.Update(ctx, "d1", dynamodel.Update{}.Add("count", 1), func(o *dynamodel.UpdateOptions) { o.Capacity = &c })
	require.NoError(t, err)
	_, err = docs.Update(ctx, "d1", dynamodel.Update{}.Add("count", 1), func(o *dynamodel.UpdateOptions) { o.Capacity = &c })
	require.ErrorIs(t, err, dynamodel.ErrConditionFailed)
	require.NoError(t, docs.Delete(ctx, "d1", func(o *dynamodel.DeleteOptions) { o.Capacity = &c }))

	assert.Equal(t, dynamodel.Usage{
		Requests: 5, // the failed update reports nothing; the read after it does
		Units:    dynamodel.Units{Total: 0.5 + 1 + 2 + 0.5 + 1, Read: 0.5 + 0.5, Write: 1 + 2 + 1},
		Tables: map[string]dynamodel.TableUsage{"Docs": {
			Units: dynamodel.Units{Total: 5, Read: 1, Write: 4},
			Table: dynamodel.Units{Total: 5, Read: 1, Write: 4},
		}},
	}, c.Usage())
	for _, op := range []string{"GetItem", "PutItem", "UpdateItem", "DeleteItem"} {
		for _, body := range rt.Requests(op) {
			assert.Equal(t, "INDEXES", body["ReturnConsumedCapacity"], op)
		}
	}
}

// TestCapacityAddsUpBatches checks BatchGet and BatchWrite: every request,
// resends of unprocessed work included, is added once, from requests sent
// several at once.
func TestCapacityAddsUpBatches(t *testing.T) {
	ctx := context.Background()
	rt := &canned{t: t, answer: func(op string, body map[string]any, n int) (int, string) {
		switch op {
		case "BatchGetItem":
			keys := body["RequestItems"].(map[string]any)["Docs"].(map[string]any)["Keys"].([]any)
			unprocessed := 0
			if n == 0 {
				unprocessed = 10 // the first request leaves ten keys for later
			}
			var items []string
			for _, k := range keys[unprocessed:] {
				items = append(items, fmt.Sprintf(`{"id":{"S":%q}}`, k.(map[string]any)["id"].(map[string]any)["S"]))
			}
			left := ""
			if unprocessed > 0 {
				var ks []string
				for _, k := range keys[:unprocessed] {
					ks = append(ks, fmt.Sprintf(`{"id":{"S":%q}}`, k.(map[string]any)["id"].(map[string]any)["S"]))
				}
				left = `"UnprocessedKeys":{"Docs":{"Keys":[` + strings.Join(ks, ",") + `]}},`
			}
			return 200, fmt.Sprintf(`{"Responses":{"Docs":[%s]},%s"ConsumedCapacity":[{"TableName":"Docs","CapacityUnits":%g}]}`,
				strings.Join(items, ","), left, 0.5*float64(len(items)))
		case "BatchWriteItem":
			reqs := body["RequestItems"].(map[string]any)["Docs"].([]any)
			unprocessed := 0
			if n == 0 {
				unprocessed = 5
			}
			left := ""
			if unprocessed > 0 {
				var rs []string
				for _, r := range reqs[:unprocessed] {
					item := r.(map[string]any)["PutRequest"].(map[string]any)["Item"].(map[string]any)
					rs = append(rs, fmt.Sprintf(`{"PutRequest":{"Item":{"id":{"S":%q},"count":{"N":"0"}}}}`, item["id"].(map[string]any)["S"]))
				}
				left = `"UnprocessedItems":{"Docs":[` + strings.Join(rs, ",") + `]},`
			}
			return 200, fmt.Sprintf(`{%s"ConsumedCapacity":[{"TableName":"Docs","CapacityUnits":%d}]}`, left, len(reqs)-unprocessed)
		}
		t.Errorf("unexpected %s", op)
		return 400, cannedError("ValidationException", "unexpected", "")
	}}
	docs, err := dynamodel.NewRepository[Doc](cannedClient(rt), "Docs", fastBatch)
	require.NoError(t, err)

	var c dynamodel.Capacity
	items := make([]Doc, 60)
	keys := make([]any, 150)
	for i := range keys {
		keys[i] = fmt.Sprintf("d%03d", i)
		if i < len(items) {
			items[i] = Doc{ID: keys[i].(string)}
		}
	}
	_, err = docs.BatchPut(ctx, items, func(o *dynamodel.BatchWriteOptions) { o.Capacity = &c })
	require.NoError(t, err)
	got, err := docs.BatchGet(ctx, keys, func(o *dynamodel.BatchGetOptions) { o.Capacity = &c })
	require.NoError(t, err)
	assert.Len(t, got, 150)
	assert.Equal(t, dynamodel.Usage{
		Requests: 3 + 1 + 2 + 1, // 60 writes in 3 requests and one resend; 150 keys in 2 and one resend
		Units:    dynamodel.Units{Total: 60 + 75, Read: 75, Write: 60},
		Tables:   map[string]dynamodel.TableUsage{"Docs": {Units: dynamodel.Units{Total: 135, Read: 75, Write: 60}}},
	}, c.Usage())
}

// TestCapacityAddsUpTransactions checks that a transaction's capacity is
// added table by table, and that its actions cannot count on their own.
func TestCapacityAddsUpTransactions(t *testing.T) {
	ctx := context.Background()
	rt := &canned{t: t, answer: func(op string, body map[string]any, n int) (int, string) {
		switch op {
		case "TransactWriteItems":
			return 200, `{"ConsumedCapacity":[{"TableName":"Docs","CapacityUnits":4,"WriteCapacityUnits":4,"Table":{"CapacityUnits":4,"WriteCapacityUnits":4}},` +
				`{"TableName":"Orders","CapacityUnits":6,"Table":{"CapacityUnits":2},"GlobalSecondaryIndexes":{"byStatus":{"CapacityUnits":4}}}]}`
		case "TransactGetItems":
			return 200, `{"Responses":[{"Item":{"id":{"S":"d1"}}}],"ConsumedCapacity":[{"TableName":"Docs","CapacityUnits":2,"ReadCapacityUnits":2}]}`
		}
		t.Errorf("unexpected %s", op)
		return 400, cannedError("ValidationException", "unexpected", "")
	}}
	client := cannedClient(rt)
	docs, err := dynamodel.NewRepository[Doc](client, "Docs")
	require.NoError(t, err)
	orders, err := dynamodel.NewRepository[Order](client, "Orders")
	require.NoError(t, err)

	var c dynamodel.Capacity
	require.NoError(t, dynamodel.TransactWrite(ctx, client, []dynamodel.TxAction{
		docs.TxPut(Doc{ID: "d1"}),
		orders.TxUpdate(dynamodel.Key{Hash: "c", Range: "o"}, dynamodel.Set("status", "paid")),
	}, func(o *dynamodel.TransactOptions) { o.Capacity = &c }))
	require.NoError(t, dynamodel.TransactGet(ctx, client, []dynamodel.TxGetAction{docs.TxGet("d1")},
		func(o *dynamodel.TransactOptions) { o.Capacity = &c }))
	assert.Equal(t, dynamodel.Usage{
		Requests: 2,
		Units:    dynamodel.Units{Total: 12, Read: 2, Write: 10},
		Tables: map[string]dynamodel.TableUsage{
			"Docs": {Units: dynamodel.Units{Total: 6, Read: 2, Write: 4}, Table: dynamodel.Units{Total: 4, Write: 4}},
			"Orders": {
				Units:   dynamodel.Units{Total: 6, Write: 6},
				Table:   dynamodel.Units{Total: 2, Write: 2},
				Indexes: map[string]dynamodel.Units{"byStatus": {Total: 4, Write: 4}},
			},
		},
	}, c.Usage())

	// The transaction counts; its actions cannot.
	mine := func(o *dynamodel.PutOptions) { o.Capacity = &c }
	for _, a := range []dynamodel.TxAction{
		docs.TxPut(Doc{ID: "d2"}, mine),
		docs.TxCreate(Doc{ID: "d2"}, mine),
		docs.TxUpdate("d2", dynamodel.Set("name", "x"), func(o *dynamodel.UpdateOptions) { o.Capacity = &c }),
		docs.TxDelete("d2", func(o *dynamodel.DeleteOptions) { o.Capacity = &c }),
	} {
		err := dynamodel.TransactWrite(ctx, client, []dynamodel.TxAction{a})
		require.ErrorIs(t, err, dynamodel.ErrInvalidUpdate)
		assert.Contains(t, err.Error(), "TransactOptions.Capacity")
	}
	err = dynamodel.TransactGet(ctx, client, []dynamodel.TxGetAction{docs.TxGet("d2", func(o *dynamodel.GetOptions) { o.Capacity = &c })})
	require.ErrorIs(t, err, dynamodel.ErrInvalidQuery)
	assert.Len(t, rt.Requests("TransactWriteItems"), 1, "no call for an action with its own Capacity")
}

// TestCapacityUsageIsACopy checks that a Usage taken earlier does not
// change as the Capacity goes on adding, and that many goroutines can add
// to one Capacity.
func TestCapacityUsageIsACopy(t *testing.T) {
	ctx := context.Background()
	orders, err := dynamodel.NewRepository[Order](cannedClient(pagedTable(t)), "Orders")
	require.NoError(t, err)
	var c dynamodel.Capacity
	withCapacity := func(o *dynamodel.QueryOptions) { o.Capacity = &c }
	_, err = orders.QueryPage(ctx, dynamodel.Partition("c"), withCapacity)
	require.NoError(t, err)
	first := c.Usage()
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := orders.QueryCount(ctx, dynamodel.Partition("c"), withCapacity)
			assert.NoError(t, err)
		}()
	}
	wg.Wait()
	assert.Equal(t, pages(1), first)
	assert.Equal(t, pages(1+10*3), c.Usage())
	assert.Equal(t, "46.5 capacity units (46.5 read, 0 write) in 31 requests; 155 items evaluated, 62 returned, 0 skipped", c.Usage().String())
}

// TestCapacityIntegration runs calls with a Capacity on each engine: the
// engines' figures are their own (dynalite and moto report fixed units per
// request, and no read/write split), so only the plumbing is checked: every
// request counted, queries' counts exact.
func TestCapacityIntegration(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		docs := repo[Doc](t, db, "Docs")
		var c dynamodel.Capacity
		items := make([]Doc, 30)
		keys := make([]any, len(items))
		for i := range items {
			items[i] = Doc{ID: fmt.Sprintf("d%02d", i), Count: i}
			keys[i] = items[i].ID
		}
		_, err := docs.BatchPut(ctx, items, func(o *dynamodel.BatchWriteOptions) { o.Capacity = &c })
		require.NoError(t, err)
		u := c.Usage()
		assert.Equal(t, 2, u.Requests, "30 puts in two requests")
		assert.GreaterOrEqual(t, u.Units.Write, 0.0)

		_, err = docs.Put(ctx, Doc{ID: "solo"}, func(o *dynamodel.PutOptions) { o.Capacity = &c })
		require.NoError(t, err)
		_, err = docs.Get(ctx, "solo", func(o *dynamodel.GetOptions) { o.Capacity = &c })
		require.NoError(t, err)
		_, err = docs.BatchGet(ctx, keys, func(o *dynamodel.BatchGetOptions) { o.Capacity = &c })
		require.NoError(t, err)
		assert.Equal(t, 2+1+1+1, c.Usage().Requests)

		var scan dynamodel.Capacity
		kept, err := dynamodel.Collect(docs.Scan(ctx, func(o *dynamodel.ScanOptions) {
			o.Capacity, o.PageSize, o.Filter = &scan, 7, dynamodel.Less("count", 10)
		}), 0)
		require.NoError(t, err)
		assert.Len(t, kept, 11, "d00 to d09, and solo")
		u = scan.Usage()
		assert.Equal(t, 31, u.Evaluated, "every item evaluated once")
		assert.Equal(t, 11, u.Returned)
		assert.Equal(t, 5, u.Requests, "31 items, 7 a request")
		if u.Units.Total == 0 {
			t.Logf("%s reports no capacity for Scan", db.Engine.Name)
		}
	})
}
