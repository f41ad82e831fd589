package dynamotest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// FaultKind is a failure Faults injects.
type FaultKind int

// The failures Faults can inject.
const (
	// Throttle answers 400 ProvisionedThroughputExceededException without
	// sending the request on.
	Throttle FaultKind = iota
	// ServerError answers 500 InternalServerError without sending the
	// request on.
	ServerError
	// Unavailable answers 503 ServiceUnavailable without sending the
	// request on.
	Unavailable
	// ConnectionReset fails the request as a reset connection would, before
	// it reaches the engine.
	ConnectionReset
	// LoseResponse sends the request to the engine, which applies it, and
	// then fails as a timed-out read would: the caller cannot know it
	// succeeded.
	LoseResponse
	// Hang holds the request until its context ends.
	Hang
	// PassThrough sends the request on untouched; it lets a test fail, say,
	// only the fourth request: Add(op, PassThrough, 3) then Add(op, Hang, 1).
	PassThrough
	// Throttling answers 400 ThrottlingException (the throttling of the
	// control plane and of on-demand tables' account limits) without
	// sending the request on.
	Throttling
	// RequestLimit answers 400 RequestLimitExceeded (the account's
	// throughput limit) without sending the request on.
	RequestLimit
	// ApplyThenHang sends the request to the engine, which applies it, and
	// then holds the answer until the request's context ends: a request cut
	// off in flight, whose caller cannot know it was applied.
	ApplyThenHang
	// ConnectionRefused fails the request as a refused connection would
	// (a dial error): it never left, so it cannot have been applied.
	ConnectionRefused
)

// Faults is an http.RoundTripper for a DynamoDB client that injects
// failures into chosen operations, for tests of what an engine cannot show:
// throttling, 5xx answers, lost connections, timeouts. Requests it does not
// fail go to Next. It is safe for concurrent use.
//
//	f := &dynamotest.Faults{}
//	f.Add("PutItem", dynamotest.Throttle, 2) // the next two PutItem calls are throttled
//	client := db.Engine.Client(f.Option())
type Faults struct {
	// Next sends the requests that are not failed; nil means
	// http.DefaultTransport.
	Next http.RoundTripper

	// OnInject, when set, is called as each fault is injected (before a
	// Hang starts waiting), so a test can act at that moment.
	OnInject func(op string, kind FaultKind)

	mu       sync.Mutex
	rules    []*faultRule
	attempts map[string]int
	injected map[string]int
}

type faultRule struct {
	op    string
	kind  FaultKind
	times int
}

// Add makes the next times requests of operation op (e.g. "PutItem"; "" for
// any) fail with kind. Rules apply in the order added.
func (f *Faults) Add(op string, kind FaultKind, times int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rules = append(f.rules, &faultRule{op: op, kind: kind, times: times})
}

// Attempts returns how many requests of operation op reached the transport,
// failed or not.
func (f *Faults) Attempts(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.attempts[op]
}

// Injected returns how many requests of operation op were failed.
func (f *Faults) Injected(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.injected[op]
}

// Option returns a client option that sends the client's requests through f.
func (f *Faults) Option() func(*dynamodb.Options) {
	return func(o *dynamodb.Options) { o.HTTPClient = &http.Client{Transport: f} }
}

// RoundTrip implements http.RoundTripper.
func (f *Faults) RoundTrip(req *http.Request) (*http.Response, error) {
	op := strings.TrimPrefix(req.Header.Get("X-Amz-Target"), "DynamoDB_20120810.")
	f.mu.Lock()
	if f.attempts == nil {
		f.attempts, f.injected = map[string]int{}, map[string]int{}
	}
	f.attempts[op]++
	var kind FaultKind = -1
	for _, r := range f.rules {
		if r.times > 0 && (r.op == "" || r.op == op) {
			r.times--
			kind = r.kind
			f.injected[op]++
			break
		}
	}
	onInject := f.OnInject
	f.mu.Unlock()
	if kind >= 0 && onInject != nil {
		onInject(op, kind)
	}

	next := f.Next
	if next == nil {
		next = http.DefaultTransport
	}
	switch kind {
	case Throttle:
		return errorResponse(req, 400, "ProvisionedThroughputExceededException", "The level of configured provisioned throughput for the table was exceeded (injected)"), nil
	case Throttling:
		return errorResponse(req, 400, "ThrottlingException", "Rate of requests exceeds the allowed throughput (injected)"), nil
	case RequestLimit:
		return errorResponse(req, 400, "RequestLimitExceeded", "Throughput exceeds the current throughput limit for your account (injected)"), nil
	case ServerError:
		return errorResponse(req, 500, "InternalServerError", "Internal server error (injected)"), nil
	case Unavailable:
		return errorResponse(req, 503, "ServiceUnavailable", "Service unavailable (injected)"), nil
	case ConnectionRefused:
		drain(req)
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: fmt.Errorf("connection refused (injected)")}
	case ConnectionReset:
		drain(req)
		return nil, &net.OpError{Op: "read", Net: "tcp", Err: fmt.Errorf("connection reset by peer (injected)")}
	case LoseResponse:
		resp, err := next.RoundTrip(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		return nil, &net.OpError{Op: "read", Net: "tcp", Err: timeoutError{}}
	case Hang:
		drain(req)
		<-req.Context().Done()
		return nil, req.Context().Err()
	case ApplyThenHang:
		// The engine answers; the answer is dropped when the caller gives up.
		resp, err := next.RoundTrip(req.WithContext(context.WithoutCancel(req.Context())))
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		<-req.Context().Done()
		return nil, req.Context().Err()
	case PassThrough:
		f.mu.Lock()
		f.injected[op]--
		f.mu.Unlock()
	}
	return next.RoundTrip(req)
}

func drain(req *http.Request) {
	if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
		req.Body.Close()
	}
}

func errorResponse(req *http.Request, status int, code, msg string) *http.Response {
	drain(req)
	body := fmt.Sprintf(`{"__type":"com.amazonaws.dynamodb.v20120810#%s","message":%q}`, code, msg)
	return &http.Response{
		Status:        fmt.Sprintf("%d %s", status, http.StatusText(status)),
		StatusCode:    status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        http.Header{"Content-Type": {"application/x-amz-json-1.0"}, "X-Amzn-Requestid": {"injected"}},
		Body:          io.NopCloser(bytes.NewBufferString(body)),
		ContentLength: int64(len(body)),
		Request:       req,
	}
}

// timeoutError is a network timeout, as the SDK sees a read that timed out.
type timeoutError struct{}

func (timeoutError) Error() string   { return "i/o timeout (injected)" }
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }
