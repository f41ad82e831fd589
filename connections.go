package dynamodel

import (
	"net/http"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// WithConnections returns a client option that lets the client keep up to n
// idle connections to DynamoDB, instead of the SDK's 10, so that n requests
// in flight at once reuse their connections rather than open new ones:
//
//	cfg, err := config.LoadDefaultConfig(ctx)
//	client := dynamodb.NewFromConfig(cfg, dynamodel.WithConnections(64))
//
// With the SDK's default HTTP client, a connection that finishes a request
// while 10 others are idle is closed, so a batch call, a parallel scan or an
// export with more than 10 requests in flight (BatchOptions.Concurrency,
// ScanOptions.Concurrency) opens a new TCP connection, and against AWS a TLS
// session, for most of its requests. Give n the most requests the process
// keeps in flight to DynamoDB at once, counting every repository and
// goroutine that shares the client.
//
// It changes the SDK's own HTTP client (the one config.LoadDefaultConfig
// or dynamodb.New makes) and keeps its other settings; an HTTP client of
// your own (Options.HTTPClient) is left as it is. n below 1 changes nothing,
// and so does a client that already keeps n.
//
// Give it where the client is made, as above: the HTTP client it makes is
// what keeps the connections. Given per call instead (as an operation's
// option, or in Options.ClientOptions) to a client made without it, each
// call gets an HTTP client of its own, and so a new connection every time.
func WithConnections(n int) func(*dynamodb.Options) {
	return func(o *dynamodb.Options) {
		if n < 1 {
			return
		}
		var b *awshttp.BuildableClient
		switch c := o.HTTPClient.(type) {
		case nil:
			b = awshttp.NewBuildableClient()
		case *awshttp.BuildableClient:
			if t := c.GetTransport(); t.MaxIdleConnsPerHost >= n && (t.MaxIdleConns == 0 || t.MaxIdleConns >= n) {
				return // already keeps n: a new client would start with no connections
			}
			b = c
		default:
			return
		}
		o.HTTPClient = b.WithTransportOptions(func(t *http.Transport) {
			t.MaxIdleConnsPerHost = max(t.MaxIdleConnsPerHost, n)
			if t.MaxIdleConns != 0 { // 0 is no limit
				t.MaxIdleConns = max(t.MaxIdleConns, n)
			}
		})
	}
}
