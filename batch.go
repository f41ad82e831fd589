package dynamodel

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go/middleware"

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

// sendTracker watches the attempts of one SDK call, through middleware, to
// tell whether a failed call may have been applied: whether any attempt
// reached the network and then ended without an answer saying it was not
// applied (a network error, a lost or unreadable answer, a 5xx).
type sendTracker struct {
	watched   bool // the middleware ran: the client is an SDK client that took the option
	attempted bool // the current attempt reached the network
	uncertain bool // some attempt may have been applied without an answer
}

// option adds the tracker to one call. Its attempts run one after another,
// so the fields need no lock.
func (s *sendTracker) option(o *dynamodb.Options) {
	o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
		attempt := middleware.FinalizeMiddlewareFunc("dynamodel.sendTracker.attempt", s.attempt)
		if err := stack.Finalize.Insert(attempt, "Retry", middleware.After); err != nil {
			if err := stack.Finalize.Add(attempt, middleware.After); err != nil {
				return err
			}
		}
		return stack.Deserialize.Add(middleware.DeserializeMiddlewareFunc("dynamodel.sendTracker.send", s.send), middleware.After)
	})
}

// attempt runs around each attempt, after the SDK's retry middleware.
func (s *sendTracker) attempt(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
	s.watched, s.attempted = true, false
	out, md, err := next.HandleFinalize(ctx, in)
	if err != nil && s.attempted && !retry.AnsweredUnapplied(err) {
		s.uncertain = true
	}
	return out, md, err
}

// send runs next to the transport: the request leaves here, unless the
// connection cannot even be made.
func (s *sendTracker) send(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
	out, md, err := next.HandleDeserialize(ctx, in)
	var op *net.OpError
	s.attempted = err == nil || !errors.As(err, &op) || op.Op != "dial"
	return out, md, err
}

// mayHaveApplied reports whether a call that failed with err may have been
// applied: what the tracker saw, or, when it saw nothing (an API that is
// not the SDK's client), what err says.
func (s *sendTracker) mayHaveApplied(err error) bool {
	if s.watched {
		return s.uncertain
	}
	return !retry.AnsweredUnapplied(err)
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
