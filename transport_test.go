package dynamodel_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/dynamodel/dynamodel/dynamotest"
)

// canned is an http.RoundTripper that answers a real SDK client's requests
// itself, with no engine behind it: for what no engine shows (exact
// consumed capacity, transaction conflicts). answer gets the operation, the
// request's JSON body and how many requests of that operation came before,
// and returns the response's status and JSON body. Every request is
// recorded.
type canned struct {
	t      *testing.T
	answer func(op string, body map[string]any, n int) (int, string)

	mu       sync.Mutex
	requests []cannedRequest
	counts   map[string]int
}

type cannedRequest struct {
	op   string
	body map[string]any
}

func (c *canned) RoundTrip(req *http.Request) (*http.Response, error) {
	op := strings.TrimPrefix(req.Header.Get("X-Amz-Target"), "DynamoDB_20120810.")
	raw, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, err
	}
	_ = req.Body.Close()
	var body map[string]any
	if err := json.Unmarshal(raw, &body); err != nil {
		c.t.Errorf("canned: %s: body is not JSON: %v", op, err)
	}
	c.mu.Lock()
	if c.counts == nil {
		c.counts = map[string]int{}
	}
	n := c.counts[op]
	c.counts[op]++
	c.requests = append(c.requests, cannedRequest{op, body})
	c.mu.Unlock()

	status, resp := c.answer(op, body, n)
	return &http.Response{
		Status:        fmt.Sprintf("%d %s", status, http.StatusText(status)),
		StatusCode:    status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        http.Header{"Content-Type": {"application/x-amz-json-1.0"}, "X-Amzn-Requestid": {"canned"}},
		Body:          io.NopCloser(bytes.NewBufferString(resp)),
		ContentLength: int64(len(resp)),
		Request:       req,
	}, nil
}

// Requests returns the requests of operation op received so far.
func (c *canned) Requests(op string) []map[string]any {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []map[string]any
	for _, r := range c.requests {
		if r.op == op {
			out = append(out, r.body)
		}
	}
	return out
}

// cannedClient returns an SDK client whose requests go to rt, with the
// SDK's own retryer (quick pauses).
func cannedClient(rt http.RoundTripper) *dynamodb.Client {
	e := dynamotest.Engine{Name: "canned", Endpoint: "http://canned.invalid"}
	return e.Client(func(o *dynamodb.Options) {
		o.HTTPClient = &http.Client{Transport: rt}
		o.Retryer = retry.AddWithMaxBackoffDelay(retry.NewStandard(), time.Millisecond)
	})
}

// cannedError is the body of a service error.
func cannedError(code, message string, extra string) string {
	if extra != "" {
		extra = "," + extra
	}
	return fmt.Sprintf(`{"__type":"com.amazonaws.dynamodb.v20120810#%s","message":%q%s}`, code, message, extra)
}
