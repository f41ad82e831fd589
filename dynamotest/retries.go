package dynamotest

import (
	"context"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go/middleware"
)

// retryLog writes to a test's log every failed attempt of a call the SDK
// sent more than once, so a test that fails on an item written twice or a
// count one too high shows the resend behind it. go test prints the log of
// failing tests only (and of all with -v).
type retryLog struct {
	tb   testing.TB
	mu   sync.Mutex
	done bool // the test has ended: its log takes no more lines
}

// newRetryLog returns a retryLog for tb that stops when tb ends.
func newRetryLog(tb testing.TB) *retryLog {
	l := &retryLog{tb: tb}
	tb.Cleanup(func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.done = true
	})
	return l
}

// option adds the log to a client.
func (l *retryLog) option(o *dynamodb.Options) {
	o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
		mw := middleware.FinalizeMiddlewareFunc("dynamotest.retryLog", l.call)
		if err := stack.Finalize.Insert(mw, "Retry", middleware.Before); err != nil {
			return stack.Finalize.Add(mw, middleware.Before)
		}
		return nil
	})
}

// call runs around all the attempts of one call.
func (l *retryLog) call(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
	out, md, err := next.HandleFinalize(ctx, in)
	results, ok := retry.GetAttemptResults(md)
	if !ok || len(results.Results) < 2 {
		return out, md, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.done {
		return out, md, err
	}
	op := middleware.GetOperationName(ctx)
	for i, r := range results.Results {
		if r.Err != nil {
			l.tb.Logf("dynamotest: %s attempt %d of %d failed (the SDK resent it): %v", op, i+1, len(results.Results), r.Err)
		}
	}
	return out, md, err
}
