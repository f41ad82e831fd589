package dynamodel_test

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/dynamotest"
)

// faulty returns a repository on db's table whose requests pass through f.
func faulty[T any](t *testing.T, db *dynamotest.DB, table string, f *dynamotest.Faults, optFns ...func(*dynamodel.Options)) *dynamodel.Repository[T] {
	t.Helper()
	client := db.Engine.Client(f.Option(), func(o *dynamodb.Options) {
		// The SDK's own retryer, with short pauses so the tests are quick.
		o.Retryer = retry.AddWithMaxBackoffDelay(retry.NewStandard(), 20*time.Millisecond)
	})
	r, err := dynamodel.NewRepository[T](client, db.Table(table), optFns...)
	require.NoError(t, err)
	return r
}

func TestSDKRetriesThrottlingAnd5xx(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		f := &dynamotest.Faults{}
		docs := faulty[Doc](t, db, "Docs", f)

		f.Add("PutItem", dynamotest.Throttle, 2)
		_, err := docs.Put(ctx, Doc{ID: "d1", Count: 1})
		require.NoError(t, err)
		assert.Equal(t, 3, f.Attempts("PutItem"), "two throttled attempts, then the write")

		f.Add("GetItem", dynamotest.ServerError, 1)
		f.Add("GetItem", dynamotest.Unavailable, 1)
		d, err := docs.Get(ctx, "d1")
		require.NoError(t, err)
		assert.Equal(t, 1, d.Count)
		assert.Equal(t, 3, f.Attempts("GetItem"))

		f.Add("UpdateItem", dynamotest.ConnectionReset, 1)
		d, err = docs.Update(ctx, "d1", dynamodel.Update{}.Add("count", 1))
		require.NoError(t, err)
		assert.Equal(t, 2, d.Count, "the reset request never reached the engine; the retry applied once")

		// When the retries run out, the caller gets the service's error
		// and nothing was written.
		f.Add("PutItem", dynamotest.Throttle, 10)
		_, err = docs.Put(ctx, Doc{ID: "d2"})
		var pte *types.ProvisionedThroughputExceededException
		require.ErrorAs(t, err, &pte)
		_, found, err := docs.Lookup(ctx, "d2")
		require.NoError(t, err)
		assert.False(t, found)
	})
}

// TestLostResponseNeverWritesTwice loses the response of a versioned
// update after the engine applied it. The SDK retries; the retry's version
// check fails, so the update is applied exactly once, and the caller is
// told the version moved. An update by plain key, which checks no version,
// is applied twice.
func TestLostResponseNeverWritesTwice(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		f := &dynamotest.Faults{}
		orders := faulty[Order](t, db, "Orders", f)
		o, err := orders.Create(ctx, Order{Customer: "c", ID: "o", Total: 1})
		require.NoError(t, err)

		f.Add("UpdateItem", dynamotest.LoseResponse, 1)
		_, err = orders.Update(ctx, o, dynamodel.Update{}.Add("total", 10))
		require.ErrorIs(t, err, dynamodel.ErrVersionConflict)
		assert.Equal(t, 2, f.Attempts("UpdateItem"))
		now, err := orders.Get(ctx, o)
		require.NoError(t, err)
		assert.Equal(t, 11, now.Total, "applied once")
		assert.Equal(t, int64(2), now.Version)

		// An update by plain key checks no version, so the SDK's resend
		// applies it again (as the README says): Add counted twice.
		f.Add("UpdateItem", dynamotest.LoseResponse, 1)
		again, err := orders.Update(ctx, dynamodel.Key{Hash: "c", Range: "o"}, dynamodel.Update{}.Add("total", 10))
		require.NoError(t, err)
		assert.Equal(t, 31, again.Total, "applied twice")
		assert.Equal(t, int64(4), again.Version)

		// A Create whose answer is lost: the retry's condition fails on the
		// item the first attempt stored, which is exactly the item sent, so
		// the Create succeeded and says so.
		f.Add("PutItem", dynamotest.LoseResponse, 1)
		created, err := orders.Create(ctx, Order{Customer: "c", ID: "o2", Total: 5, Tags: []string{"b", "a", "c"}})
		require.NoError(t, err)
		assert.Equal(t, 3, f.Attempts("PutItem"), "the first Create, then two attempts of this one")
		stored, err := orders.Get(ctx, dynamodel.Key{Hash: "c", Range: "o2"})
		require.NoError(t, err)
		assert.Equal(t, created, stored)

		// Where the item found is not the one sent, it was there before:
		// ErrAlreadyExists, and nothing written.
		f.Add("PutItem", dynamotest.LoseResponse, 1)
		_, err = orders.Create(ctx, Order{Customer: "c", ID: "o2", Total: 6})
		require.ErrorIs(t, err, dynamodel.ErrAlreadyExists)
		stored, err = orders.Get(ctx, dynamodel.Key{Hash: "c", Range: "o2"})
		require.NoError(t, err)
		assert.Equal(t, created, stored)

		// A versioned Put whose answer is lost succeeds once, likewise.
		f.Add("PutItem", dynamotest.LoseResponse, 1)
		stored.Total = 7
		put, err := orders.Put(ctx, stored)
		require.NoError(t, err)
		assert.Equal(t, stored.Version+1, put.Version)
		now, err = orders.Get(ctx, stored)
		require.NoError(t, err)
		assert.Equal(t, put, now)
	})
}

// TestRefusedConnectionIsNotAWrite: an attempt whose connection is
// refused never left, so when the SDK's resend finds the very item the
// call sends already stored, it was there before: Create says
// ErrAlreadyExists (a lost answer would have made it the call's own).
func TestRefusedConnectionIsNotAWrite(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		f := &dynamotest.Faults{}
		docs := faulty[Doc](t, db, "Docs", f)
		d := Doc{ID: "refused", Name: "n"}
		_, err := docs.Create(ctx, d)
		require.NoError(t, err)

		f.Add("PutItem", dynamotest.ConnectionRefused, 1)
		_, err = docs.Create(ctx, d)
		require.ErrorIs(t, err, dynamodel.ErrAlreadyExists)
		assert.Equal(t, 1, f.Injected("PutItem"))
		assert.Equal(t, 3, f.Attempts("PutItem"), "the first Create, then two attempts of this one")
	})
}

func TestCancelStopsPromptly(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		f := &dynamotest.Faults{}
		docs := faulty[Doc](t, db, "Docs", f)

		f.Add("GetItem", dynamotest.Hang, 1)
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := docs.Get(ctx, "d1")
		require.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Less(t, time.Since(start), 2*time.Second)

		f.Add("Query", dynamotest.Hang, 1)
		ctx2, cancel2 := context.WithCancel(context.Background())
		time.AfterFunc(100*time.Millisecond, cancel2)
		start = time.Now()
		_, err = dynamodel.Collect(docs.Query(ctx2, dynamodel.Partition("d1")), 0)
		require.ErrorIs(t, err, context.Canceled)
		assert.Less(t, time.Since(start), 2*time.Second)
	})
}

// TestCancelledBatchSortsEveryWrite cancels a BatchPut of 20 requests,
// three at a time, at a chosen moment: 5 requests answered, 3 in flight
// (two of which the engine applied), 12 never sent. The error sorts every
// item exactly: the answered ones done, the in-flight ones unknown (though
// two of those requests were stored), the rest not done; and writing what
// is not done or unknown finishes the job.
func TestCancelledBatchSortsEveryWrite(t *testing.T) {
	t.Run("Doc", func(t *testing.T) {
		cancelledBatchSortsEveryWrite(t, func(i int) Doc { return Doc{ID: fmt.Sprintf("d%03d", i), Count: i} }, func(d Doc) string { return d.ID })
	})
	t.Run("Note", func(t *testing.T) { // puts encoded as they are sent
		cancelledBatchSortsEveryWrite(t, func(i int) Note { return Note{ID: fmt.Sprintf("d%03d", i), Count: i} }, func(n Note) string { return n.ID })
	})
}

// cancelledBatchSortsEveryWrite is TestCancelledBatchSortsEveryWrite for
// items of type T made by item, whose key id returns.
func cancelledBatchSortsEveryWrite[T any](t *testing.T, item func(int) T, id func(T) string) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		f := &dynamotest.Faults{}
		docs := faulty[T](t, db, "Docs", f, fastBatch, func(o *dynamodel.Options) { o.Batch.Concurrency = 3 })
		items := make([]T, 500)
		for i := range items {
			items[i] = item(i)
		}
		f.Add("BatchWriteItem", dynamotest.Throttle, 2) // the SDK retries these
		f.Add("BatchWriteItem", dynamotest.PassThrough, 5)
		f.Add("BatchWriteItem", dynamotest.ApplyThenHang, 2)
		f.Add("BatchWriteItem", dynamotest.Hang, 1)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var hanging atomic.Int32
		f.OnInject = func(_ string, kind dynamotest.FaultKind) {
			if (kind == dynamotest.Hang || kind == dynamotest.ApplyThenHang) && hanging.Add(1) == 3 {
				cancel() // every slot holds a request in flight
			}
		}
		_, err := docs.BatchPut(ctx, items)
		require.ErrorIs(t, err, dynamodel.ErrBatchIncomplete)
		require.ErrorIs(t, err, context.Canceled)
		var be *dynamodel.BatchWriteError[T]
		require.ErrorAs(t, err, &be)
		assert.Len(t, be.Done.Puts, 5*25)
		assert.Len(t, be.Unknown.Puts, 3*25)
		assert.Len(t, be.NotDone.Puts, 12*25)
		assert.Empty(t, be.Done.Deletes)
		assert.Contains(t, be.Error(), "300 put(s) and 0 delete(s) not done, 75 put(s) and 0 delete(s) unknown (sent, no answer), 125 done")

		check := ctxT(t)
		plain := repo[T](t, db, "Docs")
		stored, err := dynamodel.Collect(plain.Scan(check), 0)
		require.NoError(t, err)
		isStored := map[string]bool{}
		for _, d := range stored {
			isStored[id(d)] = true
		}
		reported := map[string]string{}
		for set, docs := range map[string][]T{"done": be.Done.Puts, "not done": be.NotDone.Puts, "unknown": be.Unknown.Puts} {
			for i, d := range docs {
				require.Empty(t, reported[id(d)], "%s reported twice", id(d))
				reported[id(d)] = set
				if i > 0 {
					require.Less(t, id(docs[i-1]), id(d), "in the caller's order")
				}
			}
		}
		require.Len(t, reported, len(items), "every item in one set")
		unknownStored := 0
		for _, d := range items {
			switch reported[id(d)] {
			case "done":
				assert.True(t, isStored[id(d)], "%s reported done, not stored", id(d))
			case "not done":
				assert.False(t, isStored[id(d)], "%s reported not done, but stored", id(d))
			case "unknown":
				if isStored[id(d)] {
					unknownStored++
				}
			}
		}
		assert.Equal(t, 2*25, unknownStored, "two of the requests in flight were applied")

		// Writing what is not done or unknown finishes the job.
		_, err = plain.BatchPut(check, append(be.NotDone.Puts, be.Unknown.Puts...))
		require.NoError(t, err)
		n, err := plain.ScanCount(check)
		require.NoError(t, err)
		assert.Equal(t, len(items), n)
	})
}

// TestCancelledBatchGetSortsEveryKey cancels a BatchGet of 10 requests, two
// at a time, when two requests answered and two are in flight: the keys of
// the answered requests are read (their items returned), all others not.
func TestCancelledBatchGetSortsEveryKey(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		f := &dynamotest.Faults{}
		docs := faulty[Doc](t, db, "Docs", f, fastBatch, func(o *dynamodel.Options) { o.Batch.Concurrency = 2 })
		keys := make([]any, 1000)
		var items []Doc
		for i := range keys {
			keys[i] = fmt.Sprintf("d%04d", i)
			if i%2 == 0 {
				items = append(items, Doc{ID: keys[i].(string)})
			}
		}
		_, err := docs.BatchPut(ctxT(t), items)
		require.NoError(t, err)

		f.Add("BatchGetItem", dynamotest.PassThrough, 2)
		f.Add("BatchGetItem", dynamotest.Hang, 2)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var hanging atomic.Int32
		f.OnInject = func(_ string, kind dynamotest.FaultKind) {
			if kind == dynamotest.Hang && hanging.Add(1) == 2 {
				cancel()
			}
		}
		got, err := docs.BatchGet(ctx, keys)
		require.ErrorIs(t, err, context.Canceled)
		var be *dynamodel.BatchGetError
		require.ErrorAs(t, err, &be)
		require.Len(t, be.Read, 200)
		require.Len(t, be.NotRead, 800)
		read := map[string]bool{}
		for _, k := range be.Read {
			read[k.(string)] = true
		}
		for _, k := range be.NotRead {
			require.False(t, read[k.(string)], "%s in both sets", k)
		}
		assert.Len(t, got, 100, "the items of the keys read")
		for _, d := range got {
			assert.True(t, read[d.ID], "%s returned but not read", d.ID)
		}
		rest, err := docs.BatchGet(ctxT(t), be.NotRead)
		require.NoError(t, err)
		assert.Len(t, rest, 400)
	})
}

func TestBatchSurvivesThrottledRequests(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		f := &dynamotest.Faults{}
		docs := faulty[Doc](t, db, "Docs", f, fastBatch)
		items := make([]Doc, 120)
		keys := make([]any, len(items))
		for i := range items {
			items[i] = Doc{ID: fmt.Sprintf("d%03d", i)}
			keys[i] = items[i].ID
		}
		f.Add("BatchWriteItem", dynamotest.Throttle, 2)
		f.Add("BatchWriteItem", dynamotest.ServerError, 1)
		_, err := docs.BatchPut(ctx, items)
		require.NoError(t, err)
		f.Add("BatchGetItem", dynamotest.Unavailable, 2)
		got, err := docs.BatchGet(ctx, keys)
		require.NoError(t, err)
		assert.Len(t, got, 120)
		assert.Equal(t, 3, f.Injected("BatchWriteItem"))
		assert.GreaterOrEqual(t, f.Attempts("BatchWriteItem"), 5+3)
	})
}

// TestBatchBacksOffUnderHeavyThrottling throttles batch requests with each
// error DynamoDB throttles with, far more often than the SDK's retryer
// (3 attempts a call) absorbs: dynamodel backs off and resends, so every
// item is written and read, each exactly once.
func TestBatchBacksOffUnderHeavyThrottling(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		f := &dynamotest.Faults{}
		docs := faulty[Doc](t, db, "Docs", f, fastBatch, func(o *dynamodel.Options) { o.Batch.Concurrency = 2 })
		items := make([]Doc, 120) // 5 requests
		keys := make([]any, len(items))
		for i := range items {
			items[i] = Doc{ID: fmt.Sprintf("d%03d", i), Count: i}
			keys[i] = items[i].ID
		}
		for _, op := range []string{"BatchWriteItem", "BatchGetItem"} {
			f.Add(op, dynamotest.Throttle, 12)
			f.Add(op, dynamotest.Throttling, 12)
			f.Add(op, dynamotest.RequestLimit, 6)
		}
		_, err := docs.BatchPut(ctx, items)
		require.NoError(t, err)
		assert.Equal(t, 30, f.Injected("BatchWriteItem"))
		assert.Equal(t, 30+5, f.Attempts("BatchWriteItem"), "each request written once, after its throttled attempts")

		got, err := docs.BatchGet(ctx, keys)
		require.NoError(t, err)
		assert.Equal(t, items, got)
		assert.Equal(t, 30, f.Injected("BatchGetItem"))

		n, err := docs.ScanCount(ctx)
		require.NoError(t, err)
		assert.Equal(t, len(items), n)
	})
}

// TestBatchThrottledBeyondItsBounds throttles every request: the call gives
// up after MaxAttempts sends of a request, each retried by the SDK first,
// and reports every write not done (a throttled request applies nothing),
// with the service's error reachable.
func TestBatchThrottledBeyondItsBounds(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		f := &dynamotest.Faults{}
		docs := faulty[Doc](t, db, "Docs", f, fastBatch, func(o *dynamodel.Options) {
			o.Batch.Concurrency, o.Batch.MaxAttempts = 1, 4
		})
		items := []Doc{{ID: "a"}, {ID: "b"}}
		f.Add("BatchWriteItem", dynamotest.Throttling, 1000)
		_, err := docs.BatchWrite(ctx, items, []any{"c"})
		var be *dynamodel.BatchWriteError[Doc]
		require.ErrorAs(t, err, &be)
		var ae smithy.APIError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, "ThrottlingException", ae.ErrorCode())
		assert.Contains(t, err.Error(), "throttled after 4 attempts")
		assert.Equal(t, items, be.NotDone.Puts)
		assert.Equal(t, []any{"c"}, be.NotDone.Deletes)
		assert.Zero(t, be.Unknown.Len()+be.Done.Len())
		assert.Equal(t, 4*3, f.Attempts("BatchWriteItem"), "4 sends, each attempted 3 times by the SDK")
	})
}

// TestBatchWithALostAnswerIsUnknown loses the answer of a request the
// engine applied; the SDK's retry of it is throttled, and so is every later
// send. The writes were stored, so they must not be reported as not done:
// they are unknown. A 5xx the SDK gives up on is unknown too.
func TestBatchWithALostAnswerIsUnknown(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		f := &dynamotest.Faults{}
		docs := faulty[Doc](t, db, "Docs", f, fastBatch, func(o *dynamodel.Options) { o.Batch.MaxAttempts = 2 })
		items := []Doc{{ID: "a"}, {ID: "b"}}
		f.Add("BatchWriteItem", dynamotest.LoseResponse, 1)
		f.Add("BatchWriteItem", dynamotest.Throttle, 1000)
		_, err := docs.BatchPut(ctx, items)
		var be *dynamodel.BatchWriteError[Doc]
		require.ErrorAs(t, err, &be)
		assert.Equal(t, items, be.Unknown.Puts)
		assert.Empty(t, be.NotDone.Puts)
		n, err := docs.ScanCount(ctx)
		require.NoError(t, err)
		assert.Equal(t, 2, n, "the lost request was applied")

		f2 := &dynamotest.Faults{}
		docs2 := faulty[Doc](t, db, "Docs", f2, fastBatch)
		f2.Add("BatchWriteItem", dynamotest.ServerError, 1000)
		_, err = docs2.BatchPut(ctx, []Doc{{ID: "c"}})
		require.ErrorAs(t, err, &be)
		assert.Equal(t, []Doc{{ID: "c"}}, be.Unknown.Puts)
	})
}

// TestEngineSurvivesAClientHangingUp sends half a request and hangs up, as
// a cancelled or timed-out call does, a few times: the engine must go on
// answering. dynalite alone would exit (architect/dynalite#183); the
// launchers (scripts/dynalite.js, dynamotest) keep it running.
func TestEngineSurvivesAClientHangingUp(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		users := repo[dynamodel.User](t, db, "User")
		u, err := url.Parse(db.Engine.Endpoint)
		require.NoError(t, err)
		for range 3 {
			conn, err := net.DialTimeout("tcp", u.Host, 5*time.Second)
			require.NoError(t, err)
			_, err = fmt.Fprintf(conn, "POST / HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-amz-json-1.0\r\n"+
				"X-Amz-Target: DynamoDB_20120810.ListTables\r\nContent-Length: 1000\r\n\r\n{\"Lim", u.Host)
			require.NoError(t, err)
			time.Sleep(50 * time.Millisecond) // the engine is reading the body
			if tc, ok := conn.(*net.TCPConn); ok {
				require.NoError(t, tc.SetLinger(0)) // a reset, not a polite close
			}
			require.NoError(t, conn.Close())
		}
		time.Sleep(100 * time.Millisecond)
		_, err = users.Put(ctx, dynamodel.User{Email: "still@example.com", FirstName: "Still", LastName: "Here"})
		require.NoError(t, err, "the engine stopped answering after a client hung up")
		got, err := users.Get(ctx, "still@example.com")
		require.NoError(t, err)
		assert.Equal(t, "Here", got.LastName)
	})
}

// TestQueryCountUnderFaults: a QueryCount whose second page the SDK gives
// up on returns 0 and the service's error, as ScanCount does, not the
// count of the first page.
func TestQueryCountUnderFaults(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		putOrders(t, ctx, repo[Order](t, db, "Orders", func(o *dynamodel.Options) { o.Batch.SkipVersionCheck = true }), "c1", 5)
		f := &dynamotest.Faults{}
		orders := faulty[Order](t, db, "Orders", f)
		f.Add("Query", dynamotest.PassThrough, 1)
		f.Add("Query", dynamotest.ServerError, 3)
		n, err := orders.QueryCount(ctx, dynamodel.Partition("c1"), func(o *dynamodel.QueryOptions) { o.PageSize = 2 })
		var op *dynamodel.OpError
		require.ErrorAs(t, err, &op)
		var apiErr smithy.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, "InternalServerError", apiErr.ErrorCode())
		assert.Zero(t, n)
		assert.Equal(t, 4, f.Attempts("Query"))

		n, err = orders.QueryCount(ctx, dynamodel.Partition("c1"), func(o *dynamodel.QueryOptions) { o.PageSize = 2 })
		require.NoError(t, err)
		assert.Equal(t, 5, n)
	})
}

// TestReadsUnderFaults fails reads part way, on both paths (direct and
// through the SDK). A parallel scan whose third segment the SDK gives up on
// yields the items of the segments read before it, then the service's
// error, and reads no further segment; a scan one of whose segments hangs
// past the deadline ends with the deadline's error, each item at most
// once, and leaves no reader running, as does a scan stopped early;
// ScanCount with a failed segment fails; a ScanPage that fails is read
// again with the same cursor, and the pages visit every item once. Every
// error is an *OpError.
func TestReadsUnderFaults(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		docs := make([]Doc, 40)
		for i := range docs {
			docs[i] = Doc{ID: fmt.Sprintf("d%02d", i), Count: i}
		}
		_, err := repo[Doc](t, db, "Docs").BatchPut(ctx, docs)
		require.NoError(t, err)
		var firstTwo []string // the items of segments 0 and 1 of 4
		for seg := range int32(2) {
			out, err := db.Client.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String(db.Table("Docs")), Segment: aws.Int32(seg), TotalSegments: aws.Int32(4)})
			require.NoError(t, err)
			require.Empty(t, out.LastEvaluatedKey)
			for _, item := range out.Items {
				firstTwo = append(firstTwo, item["id"].(*types.AttributeValueMemberS).Value)
			}
		}
		for _, sdk := range []bool{false, true} {
			f := &dynamotest.Faults{}
			r := faulty[Doc](t, db, "Docs", f, func(o *dynamodel.Options) { o.DecodeWithSDK = sdk })
			var op *dynamodel.OpError

			// One segment at a time, in order: 0 and 1 answer, the SDK's
			// three attempts at 2 fail, 3 is not read.
			f.Add("Scan", dynamotest.PassThrough, 2)
			f.Add("Scan", dynamotest.ServerError, 3)
			var got []string
			var last error
			for d, err := range r.Scan(ctx, func(o *dynamodel.ScanOptions) { o.Segments, o.Concurrency = 4, 1 }) {
				if err != nil {
					last = err
					continue
				}
				got = append(got, d.ID)
			}
			var apiErr smithy.APIError
			require.ErrorAs(t, last, &apiErr, "sdk %v", sdk)
			assert.Equal(t, "InternalServerError", apiErr.ErrorCode())
			require.ErrorAs(t, last, &op)
			assert.Equal(t, 5, f.Attempts("Scan"), "sdk %v: segment 3 is not read", sdk)
			assert.ElementsMatch(t, firstTwo, got, "sdk %v: the items of segments 0 and 1", sdk)

			// A segment hangs past the deadline.
			f.Add("Scan", dynamotest.Hang, 1)
			hctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
			seen := map[string]int{}
			last = nil
			for d, err := range r.Scan(hctx, func(o *dynamodel.ScanOptions) { o.Segments, o.PageSize = 4, 3 }) {
				if err != nil {
					last = err
					continue
				}
				seen[d.ID]++
			}
			cancel()
			require.ErrorIs(t, last, context.DeadlineExceeded, "sdk %v", sdk)
			require.ErrorAs(t, last, &op)
			assert.Less(t, len(seen), len(docs), "sdk %v: a segment was not read", sdk)
			for id, n := range seen {
				assert.Equal(t, 1, n, "sdk %v: %s yielded %d times", sdk, id, n)
			}
			assert.False(t, readersRunning(), "sdk %v: a segment's reader outlived the scan", sdk)
			_, err := dynamodel.First(r.Scan(ctx, func(o *dynamodel.ScanOptions) { o.Segments, o.PageSize = 4, 1 }))
			require.NoError(t, err)
			assert.False(t, readersRunning(), "sdk %v: a segment's reader outlived a loop stopped early", sdk)

			f.Add("Scan", dynamotest.PassThrough, 1)
			f.Add("Scan", dynamotest.Throttle, 3)
			n, err := r.ScanCount(ctx, func(o *dynamodel.ScanOptions) { o.Segments, o.Concurrency = 3, 1 })
			require.ErrorAs(t, err, &op, "sdk %v", sdk)
			var pte *types.ProvisionedThroughputExceededException
			require.ErrorAs(t, err, &pte)
			assert.Zero(t, n)

			// Pages of 7; the third fails once, and is read again with the
			// same cursor.
			visited := map[string]int{}
			cursor, pages := "", 0
			for {
				if pages == 2 {
					f.Add("Scan", dynamotest.Hang, 1)
					hctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
					page, err := r.ScanPage(hctx, func(o *dynamodel.ScanOptions) { o.Limit, o.Cursor = 7, cursor })
					cancel()
					require.ErrorIs(t, err, context.DeadlineExceeded, "sdk %v", sdk)
					require.ErrorAs(t, err, &op)
					assert.Equal(t, dynamodel.Page[Doc]{}, page, "sdk %v: no items and no cursor with the error", sdk)
				}
				page, err := r.ScanPage(ctx, func(o *dynamodel.ScanOptions) { o.Limit, o.Cursor = 7, cursor })
				require.NoError(t, err)
				pages++
				for _, d := range page.Items {
					visited[d.ID]++
				}
				if cursor = page.Cursor; cursor == "" {
					break
				}
			}
			require.Len(t, visited, len(docs), "sdk %v", sdk)
			for id, n := range visited {
				assert.Equal(t, 1, n, "sdk %v: %s visited %d times", sdk, id, n)
			}
		}
	})
}

// readersRunning reports whether a parallel scan's reader is still running
// in any goroutine, after a moment for stopped ones to return.
func readersRunning() bool {
	buf := make([]byte, 1<<20)
	for range 50 {
		stacks := string(buf[:runtime.Stack(buf, true)])
		if !strings.Contains(stacks, "internal/workers.Each") && !strings.Contains(stacks, "dynamodel.readSegments") {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
	return true
}
