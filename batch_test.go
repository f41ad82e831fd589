package dynamodel_test

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/dynamotest"
)

func fastBatch(o *dynamodel.Options) {
	o.Batch.BaseDelay = 1e6 // 1ms
	o.Batch.MaxDelay = 5e6
}

func TestBatchRejectsBadInputBeforeAnyCall(t *testing.T) {
	docs, err := dynamodel.NewRepository[Doc](newStub(t), "Docs")
	require.NoError(t, err)
	orders, err := dynamodel.NewRepository[Order](newStub(t), "Orders")
	require.NoError(t, err)
	ctx := context.Background()

	_, err = docs.BatchPut(ctx, []Doc{{ID: "a"}, {ID: "b"}, {ID: "a"}})
	require.ErrorIs(t, err, dynamodel.ErrDuplicateKey)
	_, err = docs.BatchWrite(ctx, []Doc{{ID: "a"}}, []any{"a"})
	require.ErrorIs(t, err, dynamodel.ErrDuplicateKey)
	_, err = docs.BatchGet(ctx, []any{"a", "a"})
	require.ErrorIs(t, err, dynamodel.ErrDuplicateKey)
	_, err = docs.BatchPut(ctx, []Doc{{ID: "a"}, {}})
	require.ErrorIs(t, err, dynamodel.ErrInvalidKey)
	assert.Contains(t, err.Error(), "item 1")
	err = docs.BatchDelete(ctx, []any{"a", 3})
	require.ErrorIs(t, err, dynamodel.ErrInvalidKey)
	_, err = docs.BatchGet(ctx, []any{""})
	require.ErrorIs(t, err, dynamodel.ErrInvalidKey)
	_, err = orders.BatchPut(ctx, []Order{{Customer: "c", ID: "o"}})
	require.ErrorIs(t, err, dynamodel.ErrInvalidItem)
	assert.Contains(t, err.Error(), "a batch cannot check versions")
}

// unprocessedStub answers batch calls, leaving every other request's first
// item unprocessed, and records what it stored.
func unprocessedStub(t *testing.T) (*stub, map[string]int, *sync.Mutex) {
	s := newStub(t)
	stored := map[string]int{}
	var mu sync.Mutex
	n := 0
	s.batchPut = func(in *dynamodb.BatchWriteItemInput) (*dynamodb.BatchWriteItemOutput, error) {
		mu.Lock()
		defer mu.Unlock()
		out := &dynamodb.BatchWriteItemOutput{UnprocessedItems: map[string][]types.WriteRequest{}}
		for table, reqs := range in.RequestItems {
			for i, r := range reqs {
				if n++; i == 0 && n%2 == 0 {
					out.UnprocessedItems[table] = append(out.UnprocessedItems[table], r)
					continue
				}
				stored[r.PutRequest.Item["id"].(*types.AttributeValueMemberS).Value]++
			}
		}
		return out, nil
	}
	return s, stored, &mu
}

func TestBatchPutRetriesUnprocessed(t *testing.T) {
	s, stored, _ := unprocessedStub(t)
	docs, err := dynamodel.NewRepository[Doc](s, "Docs", fastBatch)
	require.NoError(t, err)
	items := make([]Doc, 260)
	for i := range items {
		items[i] = Doc{ID: fmt.Sprintf("d%03d", i)}
	}
	_, err = docs.BatchPut(context.Background(), items)
	require.NoError(t, err)
	assert.Len(t, stored, 260)
	for id, n := range stored {
		assert.Equal(t, 1, n, id)
	}
}

func TestBatchWriteReportsExactlyWhatWasNotDone(t *testing.T) {
	t.Run("Doc", func(t *testing.T) {
		reportsExactlyWhatWasNotDone(t, func(id string, n int) Doc { return Doc{ID: id, Count: n} })
	})
	t.Run("Note", func(t *testing.T) { // puts encoded as their requests are sent
		reportsExactlyWhatWasNotDone(t, func(id string, n int) Note { return Note{ID: id, Count: n} })
	})
}

// reportsExactlyWhatWasNotDone is TestBatchWriteReportsExactlyWhatWasNotDone
// for items of type T, made by item.
func reportsExactlyWhatWasNotDone[T any](t *testing.T, item func(id string, n int) T) {
	s := newStub(t)
	var mu sync.Mutex
	s.batchPut = func(in *dynamodb.BatchWriteItemInput) (*dynamodb.BatchWriteItemOutput, error) {
		mu.Lock()
		defer mu.Unlock()
		// Items whose id ends in 7 are never processed.
		out := &dynamodb.BatchWriteItemOutput{UnprocessedItems: map[string][]types.WriteRequest{}}
		for table, reqs := range in.RequestItems {
			for _, r := range reqs {
				var id string
				if r.PutRequest != nil {
					id = r.PutRequest.Item["id"].(*types.AttributeValueMemberS).Value
				} else {
					id = r.DeleteRequest.Key["id"].(*types.AttributeValueMemberS).Value
				}
				if id[len(id)-1] == '7' {
					out.UnprocessedItems[table] = append(out.UnprocessedItems[table], r)
				}
			}
		}
		return out, nil
	}
	repo, err := dynamodel.NewRepository[T](s, "Docs", fastBatch, func(o *dynamodel.Options) { o.Batch.MaxAttempts = 3 })
	require.NoError(t, err)
	var puts []T
	var dels []any
	for i := range 40 {
		puts = append(puts, item(fmt.Sprintf("p%02d", i), i))
		dels = append(dels, fmt.Sprintf("x%02d", i))
	}
	stored, err := repo.BatchWrite(context.Background(), puts, dels)
	assert.Equal(t, puts, stored, "as stored: these models change nothing")
	require.ErrorIs(t, err, dynamodel.ErrBatchIncomplete)
	var be *dynamodel.BatchWriteError[T]
	require.ErrorAs(t, err, &be)
	assert.Equal(t, []T{item("p07", 7), item("p17", 17), item("p27", 27), item("p37", 37)}, be.NotDone.Puts, "in the caller's order")
	assert.Equal(t, []any{"x07", "x17", "x27", "x37"}, be.NotDone.Deletes)
	assert.Zero(t, be.Unknown.Len(), "every request was answered")
	assert.Len(t, be.Done.Puts, 36)
	assert.Len(t, be.Done.Deletes, 36)
	assert.Equal(t, item("p08", 8), be.Done.Puts[7])
	assert.Contains(t, be.Error(), "still unprocessed after 3 attempts")
	assert.Contains(t, be.Error(), "4 put(s) and 4 delete(s) not done, 0 put(s) and 0 delete(s) unknown (sent, no answer), 72 done")
}

// TestBatchOptionsPerCall tunes single calls with BatchWriteOptions and
// BatchGetOptions: the attempts and concurrency of this call, and the
// version check, whatever the repository's Options.Batch says.
func TestBatchOptionsPerCall(t *testing.T) {
	s := newStub(t)
	var (
		inFlight, most atomic.Int32
		attempts       atomic.Int32
	)
	busy := func() func() {
		n := inFlight.Add(1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		time.Sleep(2 * time.Millisecond)
		return func() { inFlight.Add(-1) }
	}
	s.batchPut = func(in *dynamodb.BatchWriteItemInput) (*dynamodb.BatchWriteItemOutput, error) {
		defer busy()()
		attempts.Add(1)
		out := &dynamodb.BatchWriteItemOutput{UnprocessedItems: map[string][]types.WriteRequest{}}
		for table, reqs := range in.RequestItems {
			for _, r := range reqs {
				if id := r.PutRequest.Item["id"].(*types.AttributeValueMemberS).Value; id == "o007" {
					out.UnprocessedItems[table] = append(out.UnprocessedItems[table], r) // never processed
				}
			}
		}
		return out, nil
	}
	s.batchGet = func(in *dynamodb.BatchGetItemInput) (*dynamodb.BatchGetItemOutput, error) {
		defer busy()()
		attempts.Add(1)
		return &dynamodb.BatchGetItemOutput{UnprocessedKeys: in.RequestItems}, nil // never processed
	}
	orders, err := dynamodel.NewRepository[Order](s, "Orders", fastBatch, func(o *dynamodel.Options) {
		o.Batch.Concurrency, o.Batch.MaxAttempts = 4, 10
	})
	require.NoError(t, err)
	ctx := context.Background()
	items := make([]Order, 200)
	for i := range items {
		items[i] = Order{Customer: "c", ID: fmt.Sprintf("o%03d", i)}
	}

	// Without SkipVersionCheck, a versioned model cannot be batched.
	_, err = orders.BatchPut(ctx, items)
	require.ErrorIs(t, err, dynamodel.ErrInvalidItem)
	assert.Equal(t, int32(0), attempts.Load())

	stored, err := orders.BatchPut(ctx, items, func(o *dynamodel.BatchWriteOptions) {
		o.SkipVersionCheck, o.MaxAttempts, o.Concurrency = true, 2, 1
	})
	var be *dynamodel.BatchWriteError[Order]
	require.ErrorAs(t, err, &be)
	assert.Contains(t, be.Error(), "still unprocessed after 2 attempts")
	// One request at a time, so the first failure stops the rest: the item
	// never processed, and every item of the requests never sent, as the
	// caller passed them.
	assert.Equal(t, int32(1), most.Load())
	assert.Equal(t, int32(2), attempts.Load(), "one request, sent twice")
	require.Len(t, be.NotDone.Puts, 1+len(items)-25)
	assert.Equal(t, items[7], be.NotDone.Puts[0])
	assert.Equal(t, items[25:], be.NotDone.Puts[1:])
	assert.Equal(t, append(slices.Clone(items[:7]), items[8:25]...), be.Done.Puts)
	assert.Empty(t, be.Unknown.Puts)
	require.Len(t, stored, len(items), "every item as it was sent")
	assert.Equal(t, int64(1), stored[7].Version)
	assert.Equal(t, int64(0), items[7].Version)

	attempts.Store(0)
	keys := make([]any, 300)
	for i := range keys {
		keys[i] = dynamodel.Key{Hash: "c", Range: fmt.Sprint(i)}
	}
	_, err = orders.BatchGet(ctx, keys, func(o *dynamodel.BatchGetOptions) { o.MaxAttempts, o.Concurrency = 3, 2 })
	var ge *dynamodel.BatchGetError
	require.ErrorAs(t, err, &ge)
	assert.Equal(t, keys, ge.NotRead)
	assert.Empty(t, ge.Read)
	assert.Equal(t, int32(2*3), attempts.Load(), "two requests at once, 3 attempts each; the third never starts")
	assert.LessOrEqual(t, most.Load(), int32(2))
}

// TestBatchPutLeavesItemsAloneIntegration checks that BatchPut and
// BatchWrite, like Put, return the items as stored (versions, timestamps)
// and leave the caller's slice as it was.
func TestBatchPutLeavesItemsAloneIntegration(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		clock := newClock()
		orders := repo[Order](t, db, "Orders", func(o *dynamodel.Options) { o.Clock = clock.Now; o.Batch.SkipVersionCheck = true })
		items := []Order{{Customer: "c", ID: "a", Total: 1}, {Customer: "c", ID: "b", Total: 2, Version: 4}}
		before := slices.Clone(items)
		stored, err := orders.BatchPut(ctx, items)
		require.NoError(t, err)
		assert.Equal(t, before, items, "the caller's items are unchanged")
		require.Len(t, stored, 2)
		for i, o := range stored {
			assert.Equal(t, items[i].ID, o.ID, "in the order given")
			assert.Equal(t, items[i].Version+1, o.Version)
			assert.True(t, o.Created.Equal(clock.Now()))
			assert.True(t, o.Updated.Equal(clock.Now()))
			got, err := orders.Get(ctx, o)
			require.NoError(t, err)
			assert.Equal(t, o.Version, got.Version, "returned as stored")
			assert.True(t, got.Updated.Equal(o.Updated))
		}

		clock.Advance(time.Minute)
		puts := []Order{stored[0]}
		stored2, err := orders.BatchWrite(ctx, puts, []any{stored[1]})
		require.NoError(t, err)
		assert.Equal(t, int64(1), puts[0].Version)
		require.Len(t, stored2, 1)
		assert.Equal(t, int64(2), stored2[0].Version)
		assert.True(t, stored2[0].Updated.Equal(clock.Now()))
		assert.True(t, stored2[0].Created.Equal(stored[0].Created), "the creation time is kept")
		_, found, err := orders.Lookup(ctx, stored[1])
		require.NoError(t, err)
		assert.False(t, found)
	})
}

func TestBatchGetRetriesUnprocessedAndKeepsOrder(t *testing.T) {
	s := newStub(t)
	var mu sync.Mutex
	calls := 0
	s.batchGet = func(in *dynamodb.BatchGetItemInput) (*dynamodb.BatchGetItemOutput, error) {
		mu.Lock()
		defer mu.Unlock()
		calls++
		out := &dynamodb.BatchGetItemOutput{Responses: map[string][]map[string]types.AttributeValue{}, UnprocessedKeys: map[string]types.KeysAndAttributes{}}
		for table, ka := range in.RequestItems {
			assert.LessOrEqual(t, len(ka.Keys), 100)
			for i, k := range ka.Keys {
				id := k["id"].(*types.AttributeValueMemberS).Value
				switch {
				case i%3 == 0 && len(ka.Keys) > 1: // a third come back unprocessed
					u := out.UnprocessedKeys[table]
					u.Keys = append(u.Keys, k)
					out.UnprocessedKeys[table] = u
				case id[0] == 'm': // missing
				default:
					out.Responses[table] = append(out.Responses[table], map[string]types.AttributeValue{
						"id": k["id"], "name": &types.AttributeValueMemberS{Value: "n-" + id},
					})
				}
			}
		}
		return out, nil
	}
	docs, err := dynamodel.NewRepository[Doc](s, "Docs", fastBatch)
	require.NoError(t, err)
	var keys []any
	var want []string
	for i := range 250 {
		if i%10 == 5 {
			keys = append(keys, fmt.Sprintf("m%03d", i))
			continue
		}
		keys = append(keys, fmt.Sprintf("d%03d", i))
		want = append(want, fmt.Sprintf("d%03d", i))
	}
	got, err := docs.BatchGet(context.Background(), keys)
	require.NoError(t, err)
	var gotIDs []string
	for _, d := range got {
		gotIDs = append(gotIDs, d.ID)
		assert.Equal(t, "n-"+d.ID, d.Name)
	}
	assert.Equal(t, want, gotIDs, "found items, in the order asked")
	assert.Greater(t, calls, 3)
}

// dropQuarter is SDK middleware that, for every BatchWriteItem, sends only
// three quarters of the writes to the engine and returns the rest as
// unprocessed, as DynamoDB does under load. It counts how often the engine
// received each key.
type dropQuarter struct {
	mu       sync.Mutex
	received map[string]int
	requests int
}

func (d *dropQuarter) option(o *dynamodb.Options) {
	o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
		return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("dropQuarter", d.handle), middleware.After)
	})
}

func (d *dropQuarter) handle(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
	params, ok := in.Parameters.(*dynamodb.BatchWriteItemInput)
	if !ok {
		return next.HandleInitialize(ctx, in)
	}
	dropped := map[string][]types.WriteRequest{}
	sent := map[string][]types.WriteRequest{}
	for table, reqs := range params.RequestItems {
		for i, r := range reqs {
			if i%4 == 3 {
				dropped[table] = append(dropped[table], r)
			} else {
				sent[table] = append(sent[table], r)
			}
		}
	}
	in.Parameters = &dynamodb.BatchWriteItemInput{RequestItems: sent}
	out, md, err := next.HandleInitialize(ctx, in)
	if err != nil {
		return out, md, err
	}
	d.mu.Lock()
	d.requests++
	for _, reqs := range sent {
		for _, r := range reqs {
			if r.PutRequest != nil {
				d.received[r.PutRequest.Item["id"].(*types.AttributeValueMemberS).Value]++
			}
		}
	}
	d.mu.Unlock()
	res := out.Result.(*dynamodb.BatchWriteItemOutput)
	if res.UnprocessedItems == nil {
		res.UnprocessedItems = map[string][]types.WriteRequest{}
	}
	for table, reqs := range dropped {
		res.UnprocessedItems[table] = append(res.UnprocessedItems[table], reqs...)
	}
	return out, md, err
}

// TestBatchWrite10000WithAQuarterUnprocessed writes 10,000 items in one call
// while a quarter of every request comes back unprocessed: all are stored,
// and the engine receives each exactly once.
func TestBatchWrite10000WithAQuarterUnprocessed(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		drop := &dropQuarter{received: map[string]int{}}
		docs := repo[Doc](t, db, "Docs", fastBatch, func(o *dynamodel.Options) {
			o.ClientOptions = append(o.ClientOptions, drop.option)
			o.Batch.Concurrency = 8
		})
		items := make([]Doc, 10000)
		for i := range items {
			items[i] = Doc{ID: fmt.Sprintf("d%05d", i), Count: i}
		}
		_, err := docs.BatchPut(ctx, items)
		require.NoError(t, err)

		assert.Len(t, drop.received, 10000)
		for id, n := range drop.received {
			require.Equal(t, 1, n, "%s written %d times", id, n)
		}
		assert.Greater(t, drop.requests, 400, "the unprocessed quarter took extra requests")
		n, err := docs.ScanCount(ctx, func(o *dynamodel.ScanOptions) { o.Segments = 4 })
		require.NoError(t, err)
		assert.Equal(t, 10000, n)

		// And read back in one call, in order.
		keys := make([]any, 0, 1000)
		for i := 0; i < 10000; i += 10 {
			keys = append(keys, fmt.Sprintf("d%05d", i))
		}
		got, err := docs.BatchGet(ctx, keys)
		require.NoError(t, err)
		require.Len(t, got, 1000)
		for i, d := range got {
			assert.Equal(t, i*10, d.Count)
		}

		require.NoError(t, docs.BatchDelete(ctx, keys))
		n, err = docs.ScanCount(ctx)
		require.NoError(t, err)
		assert.Equal(t, 9000, n)
	})
}

func TestBatchGetProjectionIntegration(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		docs := repo[Doc](t, db, "Docs")
		_, err := docs.BatchPut(ctx, []Doc{{ID: "a", Name: "A", Count: 1}, {ID: "b", Name: "B", Count: 2}})
		require.NoError(t, err)
		got, err := docs.BatchGet(ctx, []any{"b", "missing", "a"}, func(o *dynamodel.BatchGetOptions) {
			o.Projection = []string{"name", "id"}
			o.ConsistentRead = true
		})
		require.NoError(t, err)
		assert.Equal(t, []Doc{{ID: "b", Name: "B"}, {ID: "a", Name: "A"}}, got)
	})
}

// TestBatchMaxElapsedBoundsResending throttles (BatchWrite) or leaves
// unprocessed (BatchGet) every request for ever: MaxElapsed, not
// MaxAttempts, ends the call, and everything is reported not done.
func TestBatchMaxElapsedBoundsResending(t *testing.T) {
	s := newStub(t)
	var writes, reads atomic.Int32
	s.batchPut = func(*dynamodb.BatchWriteItemInput) (*dynamodb.BatchWriteItemOutput, error) {
		writes.Add(1)
		return nil, &types.ProvisionedThroughputExceededException{Message: aws.String("throttled (stub)")}
	}
	s.batchGet = func(in *dynamodb.BatchGetItemInput) (*dynamodb.BatchGetItemOutput, error) {
		reads.Add(1)
		return &dynamodb.BatchGetItemOutput{UnprocessedKeys: in.RequestItems}, nil
	}
	docs, err := dynamodel.NewRepository[Doc](s, "Docs", func(o *dynamodel.Options) {
		// A pause averages about 1ms: MaxAttempts would take some 300ms.
		o.Batch.MaxAttempts, o.Batch.MaxElapsed = 300, 50*time.Millisecond
		o.Batch.BaseDelay, o.Batch.MaxDelay = time.Millisecond, 2*time.Millisecond
	})
	require.NoError(t, err)
	ctx := context.Background()

	items := []Doc{{ID: "a"}, {ID: "b"}}
	_, err = docs.BatchPut(ctx, items)
	var be *dynamodel.BatchWriteError[Doc]
	require.ErrorAs(t, err, &be)
	assert.Contains(t, err.Error(), "(MaxElapsed 50ms)")
	var pte *types.ProvisionedThroughputExceededException
	require.ErrorAs(t, err, &pte)
	assert.Equal(t, items, be.NotDone.Puts, "a throttled request applied nothing")
	assert.Zero(t, be.Unknown.Len())
	assert.Greater(t, writes.Load(), int32(1))
	assert.Less(t, writes.Load(), int32(300))

	keys := []any{"a", "b"}
	_, err = docs.BatchGet(ctx, keys)
	var ge *dynamodel.BatchGetError
	require.ErrorAs(t, err, &ge)
	assert.Contains(t, err.Error(), "2 key(s) still unprocessed after")
	assert.Contains(t, err.Error(), "(MaxElapsed 50ms)")
	assert.Equal(t, keys, ge.NotRead)
	assert.Greater(t, reads.Load(), int32(1))
	assert.Less(t, reads.Load(), int32(300))
}

// TestBatchWithoutAnswerIsUnknown: with an API that is not the SDK's client
// (no middleware to watch its attempts), a request that ends without an
// answer (here, the context's deadline) is reported unknown; one answered
// with an error the service blames on the request, not done.
func TestBatchWithoutAnswerIsUnknown(t *testing.T) {
	s := newStub(t)
	var fail error // the calls are sequential: one request, Concurrency irrelevant
	s.batchPut = func(*dynamodb.BatchWriteItemInput) (*dynamodb.BatchWriteItemOutput, error) {
		return nil, fail
	}
	docs, err := dynamodel.NewRepository[Doc](s, "Docs", fastBatch)
	require.NoError(t, err)
	items := []Doc{{ID: "a"}}

	fail = context.DeadlineExceeded
	_, err = docs.BatchPut(context.Background(), items)
	var be *dynamodel.BatchWriteError[Doc]
	require.ErrorAs(t, err, &be)
	assert.Equal(t, items, be.Unknown.Puts)
	require.ErrorIs(t, err, context.DeadlineExceeded)

	fail = &smithy.GenericAPIError{Code: "ValidationException", Fault: smithy.FaultClient}
	_, err = docs.BatchPut(context.Background(), items)
	require.ErrorAs(t, err, &be)
	assert.Equal(t, items, be.NotDone.Puts)
}

// TestBatchPutChecksEveryItemFirst: a batch large enough to be encoded on
// several cores reports the first bad item by its index, before any
// request (the API here would panic if called), as a small one does.
func TestBatchPutChecksEveryItemFirst(t *testing.T) {
	docs, err := dynamodel.NewRepository[Doc](struct{ dynamodel.API }{}, "Docs")
	require.NoError(t, err)
	for _, n := range []int{10, 3000} {
		items := make([]Doc, n)
		for i := range items {
			items[i] = Doc{ID: fmt.Sprint("d", i)}
		}
		items[n-3].ID = items[1].ID // a duplicate, later than the bad item
		items[n-5].ID = ""          // not a key
		items[n-1].ID = ""
		_, err := docs.BatchPut(context.Background(), items)
		require.ErrorIs(t, err, dynamodel.ErrInvalidKey, "n=%d", n)
		assert.ErrorContains(t, err, fmt.Sprintf("item %d:", n-5))

		items[n-5].ID, items[n-1].ID = "x", "y"
		_, err = docs.BatchPut(context.Background(), items)
		require.ErrorIs(t, err, dynamodel.ErrDuplicateKey, "n=%d", n)
		assert.ErrorContains(t, err, `id="d1" appears twice`)
	}
}

// TestBatchWriteNamesTheFirstBadWrite checks that of an item or key that
// fails and a key that appears twice, a batch reports whichever write
// comes first (puts, then deletes), for a model whose puts are encoded up
// front (Doc) and one whose puts are checked without encoding (Note).
func TestBatchWriteNamesTheFirstBadWrite(t *testing.T) {
	docs, err := dynamodel.NewRepository[Doc](newStub(t), "Docs")
	require.NoError(t, err)
	notes, err := dynamodel.NewRepository[Note](newStub(t), "Docs")
	require.NoError(t, err)
	for _, c := range []struct {
		ids  []string // of the puts
		dels []any
		want string
	}{
		{[]string{"a", "a", ""}, nil, `id="a" appears twice`},
		{[]string{"a", "", "a"}, nil, `item 1: dynamodel: invalid key "id": empty string`},
		{[]string{"a"}, []any{"", "a"}, `delete 0: dynamodel: invalid key "id": empty string`},
		{[]string{"a"}, []any{"a", ""}, `id="a" appears twice`},
		{nil, []any{"x", "", "x"}, `delete 1: dynamodel: invalid key "id": empty string`},
		{[]string{"a", "b"}, []any{"b"}, `id="b" appears twice`},
	} {
		var ds []Doc
		var ns []Note
		for _, id := range c.ids {
			ds = append(ds, Doc{ID: id})
			ns = append(ns, Note{ID: id})
		}
		_, err := docs.BatchWrite(context.Background(), ds, c.dels)
		assert.ErrorContains(t, err, c.want, "Doc %q %v", c.ids, c.dels)
		_, err = notes.BatchWrite(context.Background(), ns, c.dels)
		assert.ErrorContains(t, err, c.want, "Note %q %v", c.ids, c.dels)
	}
}

// Decimal is a number kept as its text, as a decimal library's type
// would be: its key values are written as the caller spelled them.
type Decimal string

func (d Decimal) MarshalDynamoDBAttributeValue() (types.AttributeValue, error) {
	return &types.AttributeValueMemberN{Value: string(d)}, nil
}

func (d *Decimal) UnmarshalDynamoDBAttributeValue(av types.AttributeValue) error {
	n, ok := av.(*types.AttributeValueMemberN)
	if !ok {
		return fmt.Errorf("want a number, got %T", av)
	}
	*d = Decimal(n.Value)
	return nil
}

// DecimalReading is a Reading whose sensor number is a Decimal.
type DecimalReading struct {
	Sensor Decimal `dynamodbav:"sensor" dynamodel:"hash"`
	At     []byte  `dynamodbav:"at" dynamodel:"range"`
	Value  float64 `dynamodbav:"value"`
}

// TestNumberKeysCompareByValue: "7", "7.0" and "70e-1" are one number
// key to DynamoDB, as are 0 and -0, so they are one key to the duplicate
// checks of batches and transactions, before any call.
func TestNumberKeysCompareByValue(t *testing.T) {
	s := newStub(t)
	readings, err := dynamodel.NewRepository[DecimalReading](s, "Readings")
	require.NoError(t, err)
	ctx := context.Background()
	at := []byte{0, 1}
	key := func(n Decimal) dynamodel.Key { return dynamodel.Key{Hash: n, Range: at} }

	_, err = readings.BatchGet(ctx, []any{key("7"), key("7.0")})
	require.ErrorIs(t, err, dynamodel.ErrDuplicateKey)
	_, err = readings.BatchWrite(ctx, []DecimalReading{{Sensor: "7", At: at}}, []any{key("70e-1")})
	require.ErrorIs(t, err, dynamodel.ErrDuplicateKey)
	err = readings.BatchDelete(ctx, []any{key("+7"), key("7.00")})
	require.ErrorIs(t, err, dynamodel.ErrDuplicateKey)
	err = dynamodel.TransactWrite(ctx, s, []dynamodel.TxAction{readings.TxDelete(key("7")), readings.TxDelete(key("0.7e1"))})
	require.ErrorIs(t, err, dynamodel.ErrDuplicateKey)
	err = dynamodel.TransactGet(ctx, s, []dynamodel.TxGetAction{readings.TxGet(key("7")), readings.TxGet(key("7."))})
	require.ErrorIs(t, err, dynamodel.ErrDuplicateKey)

	gauges, err := dynamodel.NewRepository[Gauge](s, "Gauges")
	require.NoError(t, err)
	_, err = gauges.BatchPut(ctx, []Gauge{{Level: 0}, {Level: math.Copysign(0, -1)}})
	require.ErrorIs(t, err, dynamodel.ErrDuplicateKey)
	assert.Empty(t, s.Calls())
}

// Gauge has a float hash key.
type Gauge struct {
	Level float64 `dynamodbav:"level" dynamodel:"hash"`
}

// TestBatchGetNumberKeyAsWrittenIntegration: a key asked for as "7.0"
// finds the item DynamoDB returns with the key 7, on either read path.
func TestBatchGetNumberKeyAsWrittenIntegration(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		at := []byte{0, 1}
		_, err := repo[Reading](t, db, "Readings").Put(ctx, Reading{Sensor: 7, At: at, Value: 1.5})
		require.NoError(t, err)
		for _, sdk := range []bool{false, true} {
			r := repo[DecimalReading](t, db, "Readings", func(o *dynamodel.Options) { o.DecodeWithSDK = sdk })
			got, err := r.BatchGet(ctx, []any{dynamodel.Key{Hash: Decimal("7.0"), Range: at}, dynamodel.Key{Hash: Decimal("8"), Range: at}})
			require.NoError(t, err)
			assert.Equal(t, []DecimalReading{{Sensor: "7", At: at, Value: 1.5}}, got, "DecodeWithSDK %v", sdk)
		}
	})
}
