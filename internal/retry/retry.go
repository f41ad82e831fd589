// Package retry holds the pause between attempts that the root package's
// batches and transactions and package bulk share, and the batch defaults
// both apply.
package retry

import (
	"context"
	"math/rand/v2"
	"time"
)

// The defaults of dynamodel.BatchOptions, which bulk.Import applies too.
const (
	Concurrency = 4
	MaxAttempts = 10
	BaseDelay   = 25 * time.Millisecond
	MaxDelay    = 2 * time.Second
)

// Delay returns the pause before retry attempt (counted from 1):
// exponential from base, capped at ceiling, with full jitter.
func Delay(attempt int, base, ceiling time.Duration) time.Duration {
	d := base << min(attempt-1, 20)
	if d > ceiling || d <= 0 {
		d = ceiling
	}
	return time.Duration(rand.Int64N(int64(d) + 1))
}

// Sleep waits d, or returns the context's error if it ends first.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
