package bulk

import (
	"context"
	"math"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodel/dynamodel"
)

// clock tells the time and waits; tests replace it with a virtual one.
type clock interface {
	Now() time.Time
	// SleepUntil waits until t, or returns the context's error.
	SleepUntil(ctx context.Context, t time.Time) error
}

// realClock is the wall clock.
type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) SleepUntil(ctx context.Context, t time.Time) error {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// limiter holds consumption to a rate in capacity units per second, by
// virtual scheduling: each request is given a start time no earlier than
// the previous one's plus that one's cost divided by the rate. A request's
// cost is estimated before it is sent and corrected (adjust) when DynamoDB
// says what it consumed, so the debt or credit moves later requests. Over
// any window of W seconds consumption stays within rate*(W+burst) plus one
// request; with requests always waiting it does not fall below rate*W
// minus one request.
type limiter struct {
	clock clock

	mu     sync.Mutex
	rate   float64   // units per second, before the throttling factor; 0: no limit
	factor float64   // 1, or less after throttling
	next   time.Time // when the next request may start
}

// burst is how much unused time a limiter banks for later requests.
const burst = 100 * time.Millisecond

func newLimiter(c clock) *limiter { return &limiter{clock: c, factor: 1} }

// setRate changes the rate; 0 removes the limit.
func (l *limiter) setRate(rate float64) {
	l.mu.Lock()
	l.rate = rate
	l.mu.Unlock()
}

// take waits until a request costing cost units may start.
func (l *limiter) take(ctx context.Context, cost float64) error {
	l.mu.Lock()
	rate := l.rate * l.factor
	if rate <= 0 {
		l.mu.Unlock()
		return ctx.Err()
	}
	now := l.clock.Now()
	if floor := now.Add(-burst); l.next.Before(floor) {
		l.next = floor
	}
	start := l.next
	l.next = l.next.Add(seconds(cost / rate))
	l.mu.Unlock()
	if start.After(now) {
		return l.clock.SleepUntil(ctx, start)
	}
	return ctx.Err()
}

// adjust corrects the last estimate by delta units (actual minus
// estimated).
func (l *limiter) adjust(delta float64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if rate := l.rate * l.factor; rate > 0 && delta != 0 {
		l.next = l.next.Add(seconds(delta / rate))
	}
}

// throttled halves the rate (down to 1/32 of it) after DynamoDB throttled
// a request; ok restores it a little at a time.
func (l *limiter) throttled() {
	l.mu.Lock()
	l.factor = math.Max(l.factor/2, 1.0/32)
	l.mu.Unlock()
}

// ok records a request that was not throttled.
func (l *limiter) ok() {
	l.mu.Lock()
	if l.factor < 1 {
		l.factor = math.Min(1, l.factor*1.05)
	}
	l.mu.Unlock()
}

// seconds converts s seconds to a Duration, saturating: a budget so small
// that a request would wait longer than a Duration holds (a rate of 1e-12
// units per second) waits the longest one, until its context ends, where
// the conversion overflowed to a negative wait and the budget was no limit.
func seconds(s float64) time.Duration {
	ns := s * float64(time.Second)
	switch {
	case ns >= math.MaxInt64:
		return math.MaxInt64
	case ns <= math.MinInt64:
		return math.MinInt64
	}
	return time.Duration(ns)
}

// budget is a worker's share of a run's capacity budget: one limiter for
// reads, one for writes.
type budget struct {
	reads, writes *limiter
}

func newBudget(c clock) *budget { return &budget{reads: newLimiter(c), writes: newLimiter(c)} }

// share sets the worker's rates: the run's budget times the part of the
// live leases the worker holds. A worker holding none gets the share one
// lease would give it, never no limit.
func (b *budget) share(readUnits, writeUnits float64, mine, live int) {
	if mine == 0 {
		mine, live = 1, live+1
	}
	f := float64(mine) / float64(max(live, mine))
	b.reads.setRate(readUnits * f)
	b.writes.setRate(writeUnits * f)
}

// consumed returns the capacity DynamoDB reported, or est when it reported
// none.
func consumed(cc *types.ConsumedCapacity, est float64) float64 {
	if cc != nil && cc.CapacityUnits != nil {
		return *cc.CapacityUnits
	}
	return est
}

// readUnits is what reading items of total size bytes costs: one unit per
// 4 KB, rounded up, half for eventually consistent reads.
func readUnits(bytes int, consistent bool) float64 {
	u := math.Ceil(float64(max(bytes, 1)) / 4096)
	if !consistent {
		u /= 2
	}
	return u
}

// writeUnits is what writing an item of size bytes costs: one unit per KB,
// rounded up.
func writeUnits(bytes int) float64 {
	return math.Ceil(float64(max(bytes, 1)) / 1024)
}

// itemBytes is an item's size as DynamoDB counts it.
func itemBytes(item map[string]types.AttributeValue) int { return dynamodel.ItemSize(item) }
