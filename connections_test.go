package dynamodel_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel"
)

// roundServer is an HTTP server over TCP with keep-alive that answers
// BatchWriteItem once `width` requests are in flight at once (or after a
// few seconds), so each batch call of `width` requests really holds `width`
// connections. It counts the connections clients open.
type roundServer struct {
	*httptest.Server
	width  int
	opened atomic.Int32

	mu      sync.Mutex
	waiting int
	release chan struct{}
}

func newRoundServer(t *testing.T, width int) *roundServer {
	s := &roundServer{width: width, release: make(chan struct{})}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.opened.Add(1)
		}
	}
	s.Start()
	t.Cleanup(s.Close)
	return s
}

func (s *roundServer) serve(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	s.mu.Lock()
	release := s.release
	if s.waiting++; s.waiting == s.width {
		close(s.release)
		s.waiting, s.release = 0, make(chan struct{})
	}
	s.mu.Unlock()
	select {
	case <-release:
	case <-time.After(5 * time.Second):
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	_, _ = io.WriteString(w, `{"UnprocessedItems":{}}`)
}

// TestWithConnectionsReusesConnections runs batch calls of 32 requests at
// concurrency 32 against a server over TCP and counts, with httptrace, the
// connections the client opens after the first call: none with
// WithConnections(32), some with the SDK's default client (which keeps 10
// idle connections and closes the rest).
func TestWithConnectionsReusesConnections(t *testing.T) {
	const concurrency = 32
	items := make([]dynamodel.User, concurrency*25) // one request of 25 items each
	for i := range items {
		items[i] = dynamodel.User{Email: fmt.Sprintf("u%03d@example.com", i), FirstName: "Ada"}
	}
	// newConns makes a client, warms it up with one call and returns what
	// counts the connections it opens in 3 more calls.
	newConns := func(t *testing.T, optFns ...func(*dynamodb.Options)) func() (traced, opened int32) {
		srv := newRoundServer(t, concurrency)
		client := dynamodb.New(dynamodb.Options{
			Region:       "us-east-1",
			BaseEndpoint: aws.String(srv.URL),
			Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
				return aws.Credentials{AccessKeyID: "a", SecretAccessKey: "b"}, nil
			}),
		}, optFns...)
		users, err := dynamodel.NewRepository[dynamodel.User](client, dynamodel.UserTable,
			func(o *dynamodel.Options) { o.Batch.Concurrency = concurrency })
		require.NoError(t, err)
		_, err = users.BatchPut(context.Background(), items) // warm-up
		require.NoError(t, err)
		return func() (traced, opened int32) {
			before := srv.opened.Load()
			var fresh atomic.Int32
			ctx := httptrace.WithClientTrace(context.Background(), &httptrace.ClientTrace{
				GotConn: func(info httptrace.GotConnInfo) {
					if !info.Reused {
						fresh.Add(1)
					}
				},
			})
			for range 3 {
				_, err := users.BatchPut(ctx, items)
				require.NoError(t, err)
			}
			return fresh.Load(), srv.opened.Load() - before
		}
	}

	t.Run("WithConnections", func(t *testing.T) {
		// net/http drops a connection whose request it has not seen
		// written within 50 ms of the answer, which a loaded machine can
		// cause now and then: three calls without a new connection, in
		// up to five tries, show that the client keeps all 32 (the SDK's
		// default opens 22 a call, every call).
		measure := newConns(t, dynamodel.WithConnections(concurrency))
		for try := 1; ; try++ {
			traced, opened := measure()
			if traced == 0 && opened == 0 {
				return
			}
			t.Logf("try %d: %d new connections (server: %d) in 3 calls", try, traced, opened)
			if try == 5 {
				t.Fatalf("WithConnections(%d) opened new connections after warm-up in every try", concurrency)
			}
		}
	})
	t.Run("SDK default", func(t *testing.T) {
		traced, opened := newConns(t)()
		t.Logf("the SDK's default client opened %d new connections (server: %d) in 3 calls", traced, opened)
		assert.Positive(t, traced, "the SDK's default keeps 10 idle connections: the test must see it open more")
		assert.Positive(t, opened, "the server saw them")
	})
}

// TestWithConnectionsKeepsOtherSettings checks that the option raises the
// idle-connection limits of the SDK's HTTP client, keeps the SDK's
// timeouts, and leaves a client of the caller's own alone.
func TestWithConnectionsKeepsOtherSettings(t *testing.T) {
	client := dynamodb.New(dynamodb.Options{Region: "us-east-1"}, dynamodel.WithConnections(64))
	b, ok := client.Options().HTTPClient.(interface{ GetTransport() *http.Transport })
	require.True(t, ok, "still the SDK's buildable client: %T", client.Options().HTTPClient)
	tr := b.GetTransport()
	assert.Equal(t, 64, tr.MaxIdleConnsPerHost)
	assert.Equal(t, 100, tr.MaxIdleConns, "the SDK's total limit is already above 64")
	assert.NotZero(t, tr.TLSHandshakeTimeout, "the SDK's settings are kept")

	client = dynamodb.New(dynamodb.Options{Region: "us-east-1"}, dynamodel.WithConnections(200))
	tr = client.Options().HTTPClient.(interface{ GetTransport() *http.Transport }).GetTransport()
	assert.Equal(t, 200, tr.MaxIdleConns)

	own := &http.Client{}
	client = dynamodb.New(dynamodb.Options{Region: "us-east-1", HTTPClient: own}, dynamodel.WithConnections(64))
	assert.Same(t, own, client.Options().HTTPClient)
}

// TestWithConnectionsTwiceKeepsTheClient: given again per call (in
// Options.ClientOptions) to a client made with it, the option keeps the
// client's HTTP client, and with it its connections, where it used to
// make a new one, and open a new connection, for every call.
func TestWithConnectionsTwiceKeepsTheClient(t *testing.T) {
	var opened atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		_, _ = io.WriteString(w, `{"Item":{"email":{"S":"ada@example.com"}}}`)
	}))
	srv.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			opened.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	client := dynamodb.New(dynamodb.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(srv.URL),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "a", SecretAccessKey: "b"}, nil
		}),
	}, dynamodel.WithConnections(32))
	built := client.Options().HTTPClient
	o := client.Options()
	dynamodel.WithConnections(16)(&o)
	assert.Same(t, built, o.HTTPClient, "a client that keeps 32 keeps 16")

	var used []any // each call's HTTP client, after the options
	users, err := dynamodel.NewRepository[dynamodel.User](client, dynamodel.UserTable,
		func(o *dynamodel.Options) {
			o.ClientOptions = append(o.ClientOptions, dynamodel.WithConnections(32), func(o *dynamodb.Options) { used = append(used, o.HTTPClient) })
		})
	require.NoError(t, err)
	const calls = 40
	for range calls {
		_, err := users.Get(context.Background(), "ada@example.com")
		require.NoError(t, err)
	}
	require.Len(t, used, calls)
	for i, c := range used {
		assert.Same(t, built, c, "call %d", i)
	}
	// A new HTTP client a call opened a connection for each of the 40; a
	// machine so loaded that net/http gives up waiting 50 ms for a request's
	// write to finish drops some connections all the same (21 seen).
	assert.Less(t, opened.Load(), int32(calls), "one call after another reuse their connection")
}
