package bulk

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel"
)

// virtualClock is a clock whose time moves only when someone sleeps: to
// the end of the sleep, or further if another sleeper got there first.
// Nothing waits in real time.
type virtualClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *virtualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *virtualClock) SleepUntil(ctx context.Context, t time.Time) error {
	c.mu.Lock()
	if t.After(c.now) {
		c.now = t
	}
	c.mu.Unlock()
	return ctx.Err()
}

// memoryCoordinator is a run's shared state in memory.
type memoryCoordinator struct {
	mu     sync.Mutex
	header runHeader
	rowMap map[int]*segmentRow
}

func (m *memoryCoordinator) start(_ context.Context, h runHeader) (runHeader, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.header.initialized {
		h.initialized = true
		m.header, m.rowMap = h, map[int]*segmentRow{}
	}
	return m.header, nil
}

func (m *memoryCoordinator) rows(context.Context) (runHeader, []segmentRow, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var rows []segmentRow
	for _, r := range m.rowMap {
		rows = append(rows, *r)
	}
	return m.header, rows, nil
}

func (m *memoryCoordinator) claim(_ context.Context, seg int, owner string, now, until time.Time) (segmentRow, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r := m.rowMap[seg]
	if r == nil {
		r = &segmentRow{segment: seg}
		m.rowMap[seg] = r
	}
	if r.state == stateDone || r.owner != "" && r.owner != owner && !r.lease.Before(now) {
		return segmentRow{}, false, nil
	}
	old := *r
	r.owner, r.lease, r.state = owner, until, stateActive
	return old, true, nil
}

func (m *memoryCoordinator) save(_ context.Context, seg int, owner string, pos map[string]types.AttributeValue, done bool, add Counts, _, until time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	r := m.rowMap[seg]
	if r.owner != owner {
		return errLeaseLost
	}
	r.counts.Add(add)
	r.position, r.lease = pos, until
	if done {
		r.state, r.owner = stateDone, ""
	}
	return nil
}

func (m *memoryCoordinator) renew(_ context.Context, seg int, owner string, until time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if r := m.rowMap[seg]; r.owner == owner {
		r.lease = until
		return nil
	}
	return errLeaseLost
}

func (m *memoryCoordinator) release(_ context.Context, seg int, owner string, _ time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if r := m.rowMap[seg]; r.owner == owner {
		r.owner = ""
		return nil
	}
	return errLeaseLost
}

func (m *memoryCoordinator) finish(context.Context, time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.header.finished = true
	return nil
}

// capacityStub is a table of generated items that answers Scan and
// UpdateItem at once, reporting the capacity each consumed (or, with
// silent, reporting none), and records when each was sent.
type capacityStub struct {
	dynamodel.API
	clock    *virtualClock
	items    int // per segment
	silent   bool
	throttle func(n int) bool // whether the nth write is throttled

	mu     sync.Mutex
	writes []usage
	reads  []usage
	sent   int
}

type usage struct {
	at    time.Time
	units float64
}

// size is item i's payload length: items cost 1 to 3 write units.
func size(i int) int { return []int{200, 900, 1500, 2500}[i%4] }

func (s *capacityStub) Scan(_ context.Context, in *dynamodb.ScanInput, _ ...func(*dynamodb.Options)) (*dynamodb.ScanOutput, error) {
	start := 0
	if in.ExclusiveStartKey != nil {
		start, _ = strconv.Atoi(in.ExclusiveStartKey["n"].(*types.AttributeValueMemberN).Value)
	}
	seg := int(aws.ToInt32(in.Segment))
	out := &dynamodb.ScanOutput{}
	bytes := 0
	for i := start; i < min(start+int(*in.Limit), s.items); i++ {
		item := map[string]types.AttributeValue{
			"id":      &types.AttributeValueMemberS{Value: fmt.Sprintf("%d-%d", seg, i)},
			"payload": &types.AttributeValueMemberS{Value: strings.Repeat("x", size(i))},
			"version": &types.AttributeValueMemberN{Value: "1"},
		}
		bytes += dynamodel.ItemSize(item)
		out.Items = append(out.Items, item)
	}
	if end := start + len(out.Items); end < s.items {
		out.LastEvaluatedKey = map[string]types.AttributeValue{"n": &types.AttributeValueMemberN{Value: strconv.Itoa(end)}}
	}
	units := readUnits(bytes, false)
	s.mu.Lock()
	s.reads = append(s.reads, usage{s.clock.Now(), units})
	s.mu.Unlock()
	if !s.silent {
		out.ConsumedCapacity = &types.ConsumedCapacity{CapacityUnits: &units}
	}
	return out, nil
}

func (s *capacityStub) UpdateItem(_ context.Context, in *dynamodb.UpdateItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent++
	if s.throttle != nil && s.throttle(s.sent) {
		return nil, &smithy.GenericAPIError{Code: "ProvisionedThroughputExceededException", Message: "slow down"}
	}
	id := in.Key["id"].(*types.AttributeValueMemberS).Value
	i, _ := strconv.Atoi(id[strings.Index(id, "-")+1:])
	// An update is charged on the larger of the item before and after.
	units := writeUnits(size(i) + 100)
	s.writes = append(s.writes, usage{s.clock.Now(), units})
	out := &dynamodb.UpdateItemOutput{}
	if !s.silent {
		out.ConsumedCapacity = &types.ConsumedCapacity{CapacityUnits: &units}
	}
	return out, nil
}

// Version is the budget test's model.
type Version struct {
	ID      string `dynamodbav:"id" dynamodel:"hash"`
	Payload string `dynamodbav:"payload"`
	Touched bool   `dynamodbav:"touched"`
	Version int64  `dynamodbav:"version" dynamodel:"version"`
}

// windows checks that consumption in every window of five seconds (from
// the first use, stepping by one second, up to the last full window)
// is within ±10% of rate*5.
func windows(t *testing.T, what string, uses []usage, rate float64) {
	t.Helper()
	require.NotEmpty(t, uses)
	sort.Slice(uses, func(i, j int) bool { return uses[i].at.Before(uses[j].at) })
	first, last := uses[0].at, uses[len(uses)-1].at
	checked := 0
	for start := first; !start.Add(5 * time.Second).After(last); start = start.Add(time.Second) {
		sum := 0.0
		for _, u := range uses {
			if !u.at.Before(start) && u.at.Before(start.Add(5*time.Second)) {
				sum += u.units
			}
		}
		want := rate * 5
		assert.InEpsilon(t, want, sum, 0.10, "%s: %.1f units in the 5 s from %v (want %.0f ±10%%)", what, sum, start.Sub(first), want)
		checked++
	}
	assert.Greater(t, checked, 10, "%s: enough windows", what)
}

// TestBudget: with a budget of N write units (and M read units) per
// second, the capacity a backfill consumes stays within ±10% of it over
// every 5-second window, whether the engine reports consumed capacity or
// the worker computes it from item sizes.
func TestBudget(t *testing.T) {
	for _, silent := range []bool{false, true} {
		t.Run(fmt.Sprintf("silent=%v", silent), func(t *testing.T) {
			clock := &virtualClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
			stub := &capacityStub{clock: clock, items: 600, silent: silent}
			repo, err := dynamodel.NewRepository[Version](stub, "Items")
			require.NoError(t, err)
			const writeRate = 100
			res, err := Backfill(context.Background(), repo, "budget", func(v Version) (Version, Action, error) {
				v.Touched = true
				return v, Rewrite, nil
			}, func(o *BackfillOptions) {
				// No read budget: a sleep for one would move the virtual
				// clock for every segment (TestBudgetReads checks reads).
				o.clock, o.coord = clock, &memoryCoordinator{}
				o.Segments, o.Concurrency, o.PageSize = 8, 8, 25
				o.WriteUnits = writeRate
				o.Lease = time.Hour
			})
			require.NoError(t, err)
			require.Equal(t, int64(8*600), res.Rewritten)
			windows(t, "writes", stub.writes, writeRate)
			total := 0.0
			for _, w := range stub.writes {
				total += w.units
			}
			assert.InDelta(t, total, res.WriteUnits, 0.001, "the units counted are the units consumed")
			elapsed := clock.Now().Sub(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
			assert.InEpsilon(t, total/writeRate, elapsed.Seconds(), 0.05, "the run takes as long as the budget says")
		})
	}
}

// TestBudgetReads: the read budget holds reads to within ±10% as well.
// One segment at a time: a page costs 4 units, 0.4 s of budget, and with
// several segments in flight the virtual clock would stamp a page with
// the time another segment slept to, up to a second late.
func TestBudgetReads(t *testing.T) {
	clock := &virtualClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	stub := &capacityStub{clock: clock, items: 2000}
	repo, err := dynamodel.NewRepository[Version](stub, "Items")
	require.NoError(t, err)
	const readRate = 10
	res, err := Backfill(context.Background(), repo, "reads", func(v Version) (Version, Action, error) {
		return v, Keep, nil
	}, func(o *BackfillOptions) {
		o.clock, o.coord = clock, &memoryCoordinator{}
		o.Segments, o.Concurrency, o.PageSize, o.ReadUnits = 4, 1, 20, readRate
		o.Lease = time.Hour
	})
	require.NoError(t, err)
	require.Equal(t, int64(4*2000), res.Kept)
	windows(t, "reads", stub.reads, readRate)
}

// TestBudgetThrottled: throttled writes are retried, and slow the worker
// down further than its budget.
func TestBudgetThrottled(t *testing.T) {
	clock := &virtualClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	stub := &capacityStub{clock: clock, items: 100, throttle: func(n int) bool { return n%5 == 0 }}
	repo, err := dynamodel.NewRepository[Version](stub, "Items")
	require.NoError(t, err)
	res, err := Backfill(context.Background(), repo, "throttled", func(v Version) (Version, Action, error) {
		v.Touched = true
		return v, Rewrite, nil
	}, func(o *BackfillOptions) {
		o.clock, o.coord = clock, &memoryCoordinator{}
		o.Segments, o.Concurrency, o.WriteUnits, o.Lease = 2, 2, 100, time.Hour
	})
	require.NoError(t, err)
	assert.Equal(t, int64(200), res.Rewritten, "every throttled write was sent again")
	total := 0.0
	for _, w := range stub.writes {
		total += w.units
	}
	elapsed := clock.Now().Sub(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)).Seconds()
	assert.Less(t, total/elapsed, 100*0.9, "throttling slows the worker below its budget")
}

// TestLimiterBurst: an idle limiter banks at most burst; a request's
// correction moves the next one.
func TestLimiterBurst(t *testing.T) {
	clock := &virtualClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	l := newLimiter(clock)
	l.setRate(10)
	ctx := context.Background()
	t0 := clock.Now()
	require.NoError(t, l.take(ctx, 1)) // the first request goes at once
	assert.Equal(t, t0, clock.Now())
	require.NoError(t, l.take(ctx, 1)) // the banked 100 ms: the second goes at once too
	assert.Equal(t, t0, clock.Now())
	require.NoError(t, l.take(ctx, 1))
	assert.Equal(t, t0.Add(100*time.Millisecond), clock.Now())
	l.adjust(4) // it cost 5, not 1
	require.NoError(t, l.take(ctx, 1))
	assert.Equal(t, t0.Add(600*time.Millisecond), clock.Now())
	l.throttled()
	require.NoError(t, l.take(ctx, 1)) // at 700 ms, reserved at the full rate
	require.NoError(t, l.take(ctx, 1))
	assert.Equal(t, t0.Add(900*time.Millisecond), clock.Now(), "200 ms later: half the rate")

	var b budget
	b.reads, b.writes = newLimiter(clock), newLimiter(clock)
	b.share(100, 30, 1, 4)
	assert.Equal(t, 25.0, b.reads.rate)
	assert.Equal(t, 7.5, b.writes.rate)
	b.share(100, 30, 2, 0)
	assert.Equal(t, 100.0, b.reads.rate, "no live lease known: all of it")
	b.share(100, 30, 0, 3)
	assert.Equal(t, 25.0, b.reads.rate, "holding none: the share of one more lease, not no limit")

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	assert.True(t, errors.Is(l.take(cancelled, 1), context.Canceled))
	assert.False(t, math.IsNaN(l.factor))
}

// TestLimiterTinyRate: a rate so small that a request waits longer than a
// Duration holds makes the second request wait (until its context ends),
// where the wait overflowed to a negative one and every request went at
// once.
func TestLimiterTinyRate(t *testing.T) {
	assert.Equal(t, time.Duration(math.MaxInt64), seconds(1e12))
	assert.Equal(t, time.Duration(math.MinInt64), seconds(-1e12))
	assert.Equal(t, 1500*time.Millisecond, seconds(1.5))

	clock := &virtualClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	l := newLimiter(clock)
	l.setRate(1e-12)
	ctx := context.Background()
	t0 := clock.Now()
	require.NoError(t, l.take(ctx, 1)) // the first request goes at once
	require.NoError(t, l.take(ctx, 1))
	assert.GreaterOrEqual(t, clock.Now().Sub(t0), 100*365*24*time.Hour, "the second request waits")
}
