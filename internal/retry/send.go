package retry

import (
	"context"
	"errors"
	"net"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go/middleware"
)

// A SendWatch watches the attempts of one SDK call, through middleware, to
// tell whether a failed call may have been applied: whether any attempt
// reached the network and then ended without an answer saying it was not
// applied (a network error, a lost or unreadable answer, a 5xx). A
// conditional write whose condition fails on the SDK's resend of such an
// attempt may be failing on the call's own write.
type SendWatch struct {
	watched   bool // the middleware ran: the client is an SDK client that took the option
	attempted bool // the current attempt reached the network
	uncertain bool // some attempt may have been applied without an answer
}

// Option adds the watch to one call. Its attempts run one after another,
// so the fields need no lock.
func (s *SendWatch) Option(o *dynamodb.Options) {
	o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
		attempt := middleware.FinalizeMiddlewareFunc("dynamodel.SendWatch.attempt", s.attempt)
		if err := stack.Finalize.Insert(attempt, "Retry", middleware.After); err != nil {
			if err := stack.Finalize.Add(attempt, middleware.After); err != nil {
				return err
			}
		}
		return stack.Deserialize.Add(middleware.DeserializeMiddlewareFunc("dynamodel.SendWatch.send", s.send), middleware.After)
	})
}

// Uncertain reports whether some attempt may have been applied without an
// answer saying so.
func (s *SendWatch) Uncertain() bool { return s.uncertain }

// MayHaveApplied reports whether a call that ended with err may have been
// applied without an answer saying so: what the watch saw, or, when it saw
// nothing (an API that is not the SDK's client), what err says. For an
// answered call (err nil) it is Uncertain: an earlier attempt's answer may
// have been lost.
func (s *SendWatch) MayHaveApplied(err error) bool {
	if s.watched || err == nil {
		return s.uncertain
	}
	return !AnsweredUnapplied(err)
}

// attempt runs around each attempt, after the SDK's retry middleware.
func (s *SendWatch) attempt(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
	s.watched, s.attempted = true, false
	out, md, err := next.HandleFinalize(ctx, in)
	if err != nil && s.attempted && !AnsweredUnapplied(err) {
		s.uncertain = true
	}
	return out, md, err
}

// send runs next to the transport: the request leaves here, unless the
// connection cannot even be made.
func (s *SendWatch) send(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
	out, md, err := next.HandleDeserialize(ctx, in)
	var op *net.OpError
	s.attempted = err == nil || !errors.As(err, &op) || op.Op != "dial"
	return out, md, err
}
