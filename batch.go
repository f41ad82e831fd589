package dynamodel

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/dynamodel/dynamodel/internal/retry"
)

// BatchOptions tune how batch calls are sent: for every call of a
// repository in Options.Batch, and for one call in BatchGetOptions and
// BatchWriteOptions (which start as Options.Batch). Zero values mean the
// defaults.
//
// How the bounds compose with the SDK's retryer: each request dynamodel
// sends is one SDK call, and the client's retryer retries it first (the
// standard retryer: 3 attempts, for throttling, 5xx answers and network
// errors, with its own backoff and retry quota). When that call still ends
// throttled (ProvisionedThroughputExceededException, ThrottlingException,
// RequestLimitExceeded), or DynamoDB answers with unprocessed items,
// dynamodel pauses (exponential backoff from BaseDelay, capped at
// MaxDelay, full jitter) and sends what is left again: at most MaxAttempts
// sends of one request, none starting after MaxElapsed. One request can so
// reach DynamoDB up to MaxAttempts times the SDK's attempts. Any other
// error (validation, a missing table, a 5xx or network error the SDK gave
// up on) ends the request at once, and the context's deadline ends the
// call. Whatever is then left is reported in a *BatchWriteError or
// *BatchGetError.
type BatchOptions struct {
	// Concurrency is how many requests a batch call (or a parallel scan)
	// keeps in flight at once. Default 4. Above 10, make the client with
	// WithConnections (at least the concurrency of everything that shares
	// it): the SDK's default HTTP client keeps only 10 idle connections and
	// opens new ones for the rest.
	Concurrency int
	// MaxAttempts is how many times one request is sent, counting the
	// first, while DynamoDB throttles it or leaves some of its items
	// unprocessed. Default 10.
	MaxAttempts int
	// MaxElapsed bounds in time how long one request is resent: no resend
	// starts, and no pause is taken that would end, later than MaxElapsed
	// after the request was first sent. Unlike a context deadline it never
	// cuts off a request in flight, so it leaves no outcome unknown. Zero
	// means no bound but MaxAttempts and the context.
	MaxElapsed time.Duration
	// BaseDelay and MaxDelay bound the pause before resending: exponential
	// from BaseDelay, capped at MaxDelay, with full jitter. Defaults 25ms
	// and 2s.
	BaseDelay, MaxDelay time.Duration
	// SkipVersionCheck lets BatchPut and BatchWrite store items of a
	// versioned model. BatchWriteItem cannot check conditions, so the
	// version is then only incremented, not checked. Without it, such a
	// batch is rejected. It does not apply to BatchGet.
	SkipVersionCheck bool
}

func (o BatchOptions) withDefaults() BatchOptions {
	if o.Concurrency <= 0 {
		o.Concurrency = retry.Concurrency
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = retry.MaxAttempts
	}
	if o.BaseDelay <= 0 {
		o.BaseDelay = retry.BaseDelay
	}
	if o.MaxDelay <= 0 {
		o.MaxDelay = retry.MaxDelay
	}
	return o
}

// pause waits before sending a request again after its attempt (counted
// from 1) was throttled or left items unprocessed. It returns the context's
// error, or a *retryBoundError when MaxAttempts or MaxElapsed (counted from
// first, the request's first send) forbid another attempt.
func (o BatchOptions) pause(ctx context.Context, attempt int, first time.Time) error {
	if attempt >= o.MaxAttempts {
		return &retryBoundError{attempts: attempt}
	}
	d := retry.Delay(attempt, o.BaseDelay, o.MaxDelay)
	if elapsed := time.Since(first); o.MaxElapsed > 0 && elapsed+d > o.MaxElapsed {
		return &retryBoundError{attempts: attempt, elapsed: elapsed, maxElapsed: o.MaxElapsed}
	}
	return retry.Sleep(ctx, d)
}

// retryBoundError says which bound stopped a request's resending.
type retryBoundError struct {
	attempts   int
	elapsed    time.Duration // with maxElapsed: the time used
	maxElapsed time.Duration // 0 when MaxAttempts was the bound
}

func (e *retryBoundError) Error() string {
	if e.maxElapsed == 0 {
		return fmt.Sprintf("after %d attempts", e.attempts)
	}
	return fmt.Sprintf("after %d attempts in %v (MaxElapsed %v)", e.attempts, e.elapsed.Round(time.Millisecond), e.maxElapsed)
}

// runChunks calls do for chunks 0..n-1, at most concurrency at a time. After
// the first failure (or when ctx ends) no further chunk starts; the chunks
// never started are reported in skipped. The chunks run on a pool of
// concurrency goroutines, not one each: a goroutine's stack grows to what
// an SDK call needs once, not once a chunk.
func runChunks(ctx context.Context, n, concurrency int, do func(ctx context.Context, chunk int) error) (skipped []int, err error) {
	var (
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
	)
	concurrency = max(concurrency, 1)
	sem := make(chan struct{}, concurrency) // chunks started and not finished
	work := make(chan int)
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		if firstErr == nil {
			firstErr = err
		}
	}
	stopped := func() bool {
		mu.Lock()
		defer mu.Unlock()
		return firstErr != nil
	}
	for range min(concurrency, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				if err := do(ctx, i); err != nil {
					fail(err)
				}
				<-sem
			}
		}()
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
				fail(ctx.Err())
			}
			break
		}
		work <- i
	}
	close(work)
	wg.Wait()
	return skipped, firstErr
}
