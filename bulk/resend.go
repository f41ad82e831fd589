package bulk

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go/middleware"

	"github.com/dynamodel/dynamodel/internal/retry"
)

// resendWatch watches the attempts of one SDK call, to tell whether an
// attempt may have been applied without an answer saying so (a lost
// response, a 5xx, a cut connection): then a condition that fails on the
// SDK's resend may be failing on the call's own write. A client that is
// not the SDK's ignores the option, and nothing is seen.
type resendWatch struct {
	uncertain bool
}

// option adds the watch to one call. Its attempts run one after another,
// so the field needs no lock.
func (w *resendWatch) option(o *dynamodb.Options) {
	o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
		attempt := middleware.FinalizeMiddlewareFunc("bulk.resendWatch", w.attempt)
		if err := stack.Finalize.Insert(attempt, "Retry", middleware.After); err != nil {
			return stack.Finalize.Add(attempt, middleware.After) // no retries: one attempt
		}
		return nil
	})
}

// attempt runs around each attempt, after the SDK's retry middleware.
func (w *resendWatch) attempt(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
	out, md, err := next.HandleFinalize(ctx, in)
	if err != nil && !retry.AnsweredUnapplied(err) {
		w.uncertain = true
	}
	return out, md, err
}
