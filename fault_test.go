package dynamodel_test

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
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
// told the version moved.
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

		// Create is safe the same way: the retry finds the item there.
		f.Add("PutItem", dynamotest.LoseResponse, 1)
		_, err = orders.Create(ctx, Order{Customer: "c", ID: "o2", Total: 5})
		require.ErrorIs(t, err, dynamodel.ErrAlreadyExists)
		stored, err := orders.Get(ctx, dynamodel.Key{Hash: "c", Range: "o2"})
		require.NoError(t, err)
		assert.Equal(t, 5, stored.Total)
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

// TestCancelledBatchLosesNothing cancels a big BatchPut while some of its
// requests hang: the call returns promptly, and every item is either stored
// or listed in the error as not done.
func TestCancelledBatchLosesNothing(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		f := &dynamotest.Faults{}
		docs := faulty[Doc](t, db, "Docs", f, fastBatch, func(o *dynamodel.Options) { o.Batch.Concurrency = 2 })
		items := make([]Doc, 500)
		for i := range items {
			items[i] = Doc{ID: fmt.Sprintf("d%03d", i), Count: i}
		}
		f.Add("BatchWriteItem", dynamotest.Throttle, 2)
		f.Add("BatchWriteItem", dynamotest.PassThrough, 6)
		f.Add("BatchWriteItem", dynamotest.Hang, 1000) // then everything hangs
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		f.OnInject = func(_ string, kind dynamotest.FaultKind) {
			if kind == dynamotest.Hang {
				cancel() // cancel as soon as a request hangs
			}
		}
		start := time.Now()
		_, err := docs.BatchPut(ctx, items)
		elapsed := time.Since(start)
		require.ErrorIs(t, err, dynamodel.ErrBatchIncomplete)
		require.ErrorIs(t, err, context.Canceled)
		assert.Less(t, elapsed, 3*time.Second)
		var be *dynamodel.BatchWriteError[Doc]
		require.ErrorAs(t, err, &be)

		notDone := map[string]bool{}
		for _, d := range be.Puts {
			require.False(t, notDone[d.ID], "%s reported twice", d.ID)
			notDone[d.ID] = true
		}
		check := ctxT(t)
		plain := repo[Doc](t, db, "Docs")
		stored, err := dynamodel.Collect(plain.Scan(check), 0)
		require.NoError(t, err)
		isStored := map[string]bool{}
		for _, d := range stored {
			isStored[d.ID] = true
		}
		for _, d := range items {
			assert.True(t, isStored[d.ID] || notDone[d.ID], "%s lost: neither stored nor reported", d.ID)
		}
		// A request cut off by the cancel may have been applied; its items
		// are reported (writing them again is harmless). The rest is exact.
		assert.GreaterOrEqual(t, len(stored), 5*25)
		assert.LessOrEqual(t, len(stored)+len(notDone), len(items)+25)

		// Writing what was reported finishes the job.
		_, err = plain.BatchPut(check, be.Puts)
		require.NoError(t, err)
		n, err := plain.ScanCount(check)
		require.NoError(t, err)
		assert.Equal(t, len(items), n)
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
