package dynamodel

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"
)

// BatchOptions tune how batch calls are sent: for every call of a
// repository in Options.Batch, and for one call in BatchGetOptions and
// BatchWriteOptions (which start as Options.Batch). Zero values mean the
// defaults.
type BatchOptions struct {
	// Concurrency is how many requests a batch call (or a parallel scan)
	// keeps in flight at once. Default 4.
	Concurrency int
	// MaxAttempts is how many times one request's unprocessed items are
	// sent before the call gives up. Default 10.
	MaxAttempts int
	// BaseDelay and MaxDelay bound the pause before resending unprocessed
	// items: exponential from BaseDelay, capped at MaxDelay, with full
	// jitter. Defaults 25ms and 2s.
	BaseDelay, MaxDelay time.Duration
	// SkipVersionCheck lets BatchPut and BatchWrite store items of a
	// versioned model. BatchWriteItem cannot check conditions, so the
	// version is then only incremented, not checked. Without it, such a
	// batch is rejected. It does not apply to BatchGet.
	SkipVersionCheck bool
}

func (o BatchOptions) withDefaults() BatchOptions {
	if o.Concurrency <= 0 {
		o.Concurrency = 4
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 10
	}
	if o.BaseDelay <= 0 {
		o.BaseDelay = 25 * time.Millisecond
	}
	if o.MaxDelay <= 0 {
		o.MaxDelay = 2 * time.Second
	}
	return o
}

// backoff sleeps before attempt (counted from 1 for the first retry), or
// returns the context's error.
func (o BatchOptions) backoff(ctx context.Context, attempt int) error {
	ceiling := o.BaseDelay << min(attempt-1, 20)
	if ceiling > o.MaxDelay || ceiling <= 0 {
		ceiling = o.MaxDelay
	}
	d := time.Duration(rand.Int64N(int64(ceiling) + 1))
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// runChunks calls do for chunks 0..n-1, at most concurrency at a time. After
// the first failure (or when ctx ends) no further chunk starts; the chunks
// never started are reported in skipped.
func runChunks(ctx context.Context, n, concurrency int, do func(ctx context.Context, chunk int) error) (skipped []int, err error) {
	var (
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
	)
	sem := make(chan struct{}, max(concurrency, 1))
	stopped := func() bool {
		mu.Lock()
		defer mu.Unlock()
		return firstErr != nil
	}
	for i := range n {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil || stopped() {
			for j := i; j < n; j++ {
				skipped = append(skipped, j)
			}
			if ctx.Err() != nil {
				mu.Lock()
				if firstErr == nil {
					firstErr = ctx.Err()
				}
				mu.Unlock()
			}
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := do(ctx, i); err != nil {
				mu.Lock()
				if firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return skipped, firstErr
}
