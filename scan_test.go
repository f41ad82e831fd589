package dynamodel_test

import (
	"context"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/dynamotest"
)

func TestScanIntegration(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		orders := repo[Order](t, db, "Orders", func(o *dynamodel.Options) { o.Batch.SkipVersionCheck = true })
		putOrders(t, ctx, orders, "c1", 60)
		putOrders(t, ctx, orders, "c2", 40)

		all, err := dynamodel.Collect(orders.Scan(ctx, func(o *dynamodel.ScanOptions) { o.PageSize = 9 }), 0)
		require.NoError(t, err)
		assert.Len(t, all, 100)

		paid, err := dynamodel.Collect(orders.Scan(ctx, func(o *dynamodel.ScanOptions) {
			o.Filter = dynamodel.Equal("status", "paid").And(dynamodel.Less("total", 10))
			o.Projection = []string{"customer", "id", "status"}
		}), 0)
		require.NoError(t, err)
		assert.Len(t, paid, 10)
		for _, o := range paid {
			assert.Zero(t, o.Total, "not projected")
		}

		limited, err := dynamodel.Collect(orders.Scan(ctx, func(o *dynamodel.ScanOptions) { o.Limit = 15; o.PageSize = 4 }), 0)
		require.NoError(t, err)
		assert.Len(t, limited, 15)

		// Parallel: every item once, whatever the segments and concurrency.
		for _, seg := range []int{2, 7} {
			seen := map[string]int{}
			for o, err := range orders.Scan(ctx, func(o *dynamodel.ScanOptions) { o.Segments, o.Concurrency, o.PageSize = seg, 3, 8 }) {
				require.NoError(t, err)
				seen[o.Customer+"/"+o.ID]++
			}
			assert.Len(t, seen, 100, "segments %d", seg)
			for k, n := range seen {
				assert.Equal(t, 1, n, k)
			}
		}

		n, err := orders.ScanCount(ctx)
		require.NoError(t, err)
		assert.Equal(t, 100, n)
		n, err = orders.ScanCount(ctx, func(o *dynamodel.ScanOptions) { o.Segments = 4; o.Filter = dynamodel.Equal("customer", "c2") })
		require.NoError(t, err)
		assert.Equal(t, 40, n)

		// Index scans.
		byStatus, err := dynamodel.Collect(orders.Scan(ctx, func(o *dynamodel.ScanOptions) { o.Index = "byStatus" }), 0)
		require.NoError(t, err)
		assert.Len(t, byStatus, 100)
	})
}

// slowScans is an API whose scans return one item per page, slowly, until
// their context ends.
type slowScans struct {
	dynamodel.API
	calls  atomic.Int32
	active atomic.Int32
	peak   atomic.Int32
}

func (s *slowScans) Scan(ctx context.Context, in *dynamodb.ScanInput, _ ...func(*dynamodb.Options)) (*dynamodb.ScanOutput, error) {
	s.calls.Add(1)
	n := s.active.Add(1)
	defer s.active.Add(-1)
	for {
		p := s.peak.Load()
		if n <= p || s.peak.CompareAndSwap(p, n) {
			break
		}
	}
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-time.After(5 * time.Millisecond):
	}
	seg := aws.ToInt32(in.Segment)
	item := map[string]types.AttributeValue{
		"customer": &types.AttributeValueMemberS{Value: "c"},
		"id":       &types.AttributeValueMemberS{Value: string(rune('a' + seg))},
	}
	return &dynamodb.ScanOutput{Items: []map[string]types.AttributeValue{item}, LastEvaluatedKey: item}, nil
}

func TestParallelScanIsBoundedAndStops(t *testing.T) {
	api := &slowScans{}
	orders, err := dynamodel.NewRepository[Order](api, "Orders")
	require.NoError(t, err)
	before := runtime.NumGoroutine()
	got := 0
	for _, err := range orders.Scan(context.Background(), func(o *dynamodel.ScanOptions) { o.Segments, o.Concurrency = 16, 3 }) {
		require.NoError(t, err)
		if got++; got == 40 {
			break // the scan never ends by itself: stopping must stop it
		}
	}
	assert.LessOrEqual(t, api.peak.Load(), int32(3), "at most Concurrency segments at once")
	calls := api.calls.Load()
	time.Sleep(50 * time.Millisecond)
	assert.Equal(t, calls, api.calls.Load(), "no request after the loop stopped")
	assert.Equal(t, int32(0), api.active.Load())
	assert.LessOrEqual(t, runtime.NumGoroutine(), before+1, "the readers are gone")

	// Cancelling the context ends it with the context's error.
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Millisecond)
	defer cancel()
	start := time.Now()
	var last error
	for _, err := range orders.Scan(ctx, func(o *dynamodel.ScanOptions) { o.Segments = 4 }) {
		last = err
	}
	require.ErrorIs(t, last, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), 2*time.Second)
}

// goroutineScans answers every segment at once with an empty page, noting
// the most goroutines the process had during a call and the most calls at
// once.
type goroutineScans struct {
	dynamodel.API
	calls, active, peak atomic.Int32
	goroutines          atomic.Int64
	delay               time.Duration // of each answer
}

func (s *goroutineScans) Scan(ctx context.Context, in *dynamodb.ScanInput, _ ...func(*dynamodb.Options)) (*dynamodb.ScanOutput, error) {
	s.calls.Add(1)
	n := s.active.Add(1)
	defer s.active.Add(-1)
	for p := s.peak.Load(); n > p && !s.peak.CompareAndSwap(p, n); p = s.peak.Load() {
	}
	for g, p := int64(runtime.NumGoroutine()), s.goroutines.Load(); g > p && !s.goroutines.CompareAndSwap(p, g); p = s.goroutines.Load() {
	}
	time.Sleep(s.delay)
	return &dynamodb.ScanOutput{}, ctx.Err()
}

// TestManySegmentsAreReadByFewGoroutines scans with 20,000 segments, 3 at
// once: Scan and ScanCount read every segment from as many goroutines as
// they read at once (they started a goroutine per segment: a million for
// DynamoDB's bound), and ScanCount honours ScanOptions.Concurrency.
func TestManySegmentsAreReadByFewGoroutines(t *testing.T) {
	const segments = 20000
	for _, count := range []bool{false, true} {
		api := &goroutineScans{}
		orders, err := dynamodel.NewRepository[Order](api, "Orders")
		require.NoError(t, err)
		before := runtime.NumGoroutine()
		opts := func(o *dynamodel.ScanOptions) { o.Segments, o.Concurrency = segments, 3 }
		if count {
			n, err := orders.ScanCount(context.Background(), opts)
			require.NoError(t, err)
			assert.Zero(t, n)
		} else {
			items, err := dynamodel.Collect(orders.Scan(context.Background(), opts), 0)
			require.NoError(t, err)
			assert.Empty(t, items)
		}
		assert.Equal(t, int32(segments), api.calls.Load(), "count %v: every segment read once", count)
		assert.LessOrEqual(t, api.peak.Load(), int32(3), "count %v: at most Concurrency at once", count)
		assert.Less(t, api.goroutines.Load(), int64(before+20), "count %v: goroutines during the scan", count)
	}

	// ScanCount reads one segment at a time when Concurrency says so (it
	// read Batch.Concurrency, 4, at once).
	api := &goroutineScans{delay: 3 * time.Millisecond}
	orders, err := dynamodel.NewRepository[Order](api, "Orders")
	require.NoError(t, err)
	_, err = orders.ScanCount(context.Background(), func(o *dynamodel.ScanOptions) { o.Segments, o.Concurrency = 8, 1 })
	require.NoError(t, err)
	assert.Equal(t, int32(1), api.peak.Load())
}
