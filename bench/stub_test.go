package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodel/dynamodel"
)

// stubTransport answers DynamoDB requests with canned bodies, so a call
// runs the SDK's whole path (serialize, sign, retry, deserialize) with no
// network.
type stubTransport struct{ bodies map[string][]byte }

func (s stubTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
		req.Body.Close()
	}
	op := strings.TrimPrefix(req.Header.Get("X-Amz-Target"), "DynamoDB_20120810.")
	body := s.bodies[op]
	return &http.Response{
		StatusCode:    200,
		Status:        "200 OK",
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        http.Header{"Content-Type": {"application/x-amz-json-1.0"}, "X-Amzn-Requestid": {"stub"}},
		Body:          io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)),
		Request:       req,
	}, nil
}

// clientWith returns a client whose requests go to rt.
func clientWith(rt http.RoundTripper) *dynamodb.Client {
	return dynamodb.New(dynamodb.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String("http://stub.invalid"),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "a", SecretAccessKey: "b"}, nil
		}),
		HTTPClient: &http.Client{Transport: rt},
	})
}

func stubClient() *dynamodb.Client {
	return clientWith(stubTransport{bodies: map[string][]byte{
		"GetItem": []byte(`{"Item":{"email":{"S":"ada@example.com"},"first_name":{"S":"Ada"},"last_name":{"S":"Lovelace"}}}`),
		"PutItem": []byte(`{}`),
	}})
}

// BenchmarkStubGet reads a user through the SDK's whole path: the raw
// client with hand-written decoding, against dynamodel's Get.
func BenchmarkStubGet(b *testing.B) {
	ctx := context.Background()
	client := stubClient()
	b.Run("impl=sdk", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			out, err := client.GetItem(ctx, &dynamodb.GetItemInput{
				TableName: aws.String("User"),
				Key:       map[string]types.AttributeValue{"email": &types.AttributeValueMemberS{Value: "ada@example.com"}},
			})
			if err != nil {
				b.Fatal(err)
			}
			if userSink, err = DecodeUserByHand(out.Item); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=dynamodel", func(b *testing.B) {
		users, err := dynamodel.NewRepository[User](client, "User")
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if userSink, err = users.Get(ctx, "ada@example.com"); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkStubPut stores a user through the SDK's whole path.
func BenchmarkStubPut(b *testing.B) {
	ctx := context.Background()
	client := stubClient()
	u := SampleUser
	b.Run("impl=sdk", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := client.PutItem(ctx, &dynamodb.PutItemInput{
				TableName: aws.String("User"),
				Item:      EncodeUserByHand(&u),
			}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=dynamodel", func(b *testing.B) {
		users, err := dynamodel.NewRepository[User](client, "User")
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := users.Put(ctx, u); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// latencyTransport answers BatchWriteItem after a fixed delay, as a distant
// service that serves requests in parallel does: a stand-in for DynamoDB
// itself, which, unlike a single-threaded local engine, does not queue
// concurrent requests.
type latencyTransport struct {
	stubTransport
	delay time.Duration
}

func (l latencyTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	time.Sleep(l.delay)
	return l.stubTransport.RoundTrip(req)
}

// batchUsers returns n users with distinct emails.
func batchUsers(n int) []User {
	items := make([]User, n)
	for i := range items {
		items[i] = User{Email: fmt.Sprintf("u%05d@example.com", i), FirstName: "Ada", LastName: "Lovelace"}
	}
	return items
}

// sdkSequential stores items with the raw SDK, 25 a request, one request
// at a time, sending unprocessed items again.
func sdkSequential(ctx context.Context, client *dynamodb.Client, items []User) error {
	for s := 0; s < len(items); s += 25 {
		if err := sdkBatch(ctx, client, items[s:min(s+25, len(items))]); err != nil {
			return err
		}
	}
	return nil
}

// sdkSemaphore stores items with the raw SDK, 25 a request, concurrency
// requests at a time: what code without dynamodel writes for speed.
func sdkSemaphore(ctx context.Context, client *dynamodb.Client, items []User, concurrency int) error {
	sem := make(chan struct{}, concurrency)
	errs := make(chan error, 1)
	var wg sync.WaitGroup
	for s := 0; s < len(items); s += 25 {
		sem <- struct{}{}
		wg.Add(1)
		go func(chunk []User) {
			defer wg.Done()
			defer func() { <-sem }()
			if err := sdkBatch(ctx, client, chunk); err != nil {
				select {
				case errs <- err:
				default:
				}
			}
		}(items[s:min(s+25, len(items))])
	}
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
		return nil
	}
}

// sdkBatch sends one BatchWriteItem request of chunk, and what it leaves
// unprocessed again.
func sdkBatch(ctx context.Context, client *dynamodb.Client, chunk []User) error {
	reqs := make([]types.WriteRequest, 0, len(chunk))
	for i := range chunk {
		reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: EncodeUserByHand(&chunk[i])}})
	}
	pending := map[string][]types.WriteRequest{"User": reqs}
	for len(pending) > 0 {
		out, err := client.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: pending})
		if err != nil {
			return err
		}
		pending = out.UnprocessedItems
	}
	return nil
}

// batchClient returns a client whose BatchWriteItem requests take delay
// and leave nothing unprocessed.
func batchClient(delay time.Duration) *dynamodb.Client {
	return clientWith(latencyTransport{
		stubTransport: stubTransport{bodies: map[string][]byte{"BatchWriteItem": []byte(`{"UnprocessedItems":{}}`)}},
		delay:         delay,
	})
}

// BenchmarkBatchWriteLatency stores 10,000 users through a transport with a
// 5 ms round trip: the raw SDK's sequential 25-item loop, the raw SDK in a
// loop that keeps 16 requests in flight (a semaphore), and dynamodel's
// BatchPut at concurrency 16.
func BenchmarkBatchWriteLatency(b *testing.B) {
	ctx := context.Background()
	client := batchClient(5 * time.Millisecond)
	items := batchUsers(10000)
	b.Run("impl=sdk-sequential", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := sdkSequential(ctx, client, items); err != nil {
				b.Fatal(err)
			}
		}
	})
	benchConcurrentBatches(b, client, items)
}

// BenchmarkBatchWriteNoLatency stores 10,000 users through a transport
// that answers at once, so what is measured is the client's CPU: the raw
// SDK's semaphore loop at 16 and dynamodel's BatchPut at concurrency 16.
func BenchmarkBatchWriteNoLatency(b *testing.B) {
	benchConcurrentBatches(b, batchClient(0), batchUsers(10000))
}

// benchConcurrentBatches runs the two concurrent ways of storing items
// through client: the raw SDK's semaphore loop at 16 and dynamodel's
// BatchPut at concurrency 16.
func benchConcurrentBatches(b *testing.B, client *dynamodb.Client, items []User) {
	ctx := context.Background()
	b.Run("impl=sdk-semaphore-16", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := sdkSemaphore(ctx, client, items, 16); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=dynamodel-concurrency-16", func(b *testing.B) {
		users, err := dynamodel.NewRepository[User](client, "User", func(o *dynamodel.Options) { o.Batch.Concurrency = 16 })
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := users.BatchPut(ctx, items); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestBatchWriteAllocations checks that BatchPut allocates at most 2 more
// per item than the raw SDK's semaphore loop, through a transport without
// latency (what the SDK itself allocates per request is in both).
func TestBatchWriteAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	ctx := context.Background()
	client := batchClient(0)
	items := batchUsers(2000)
	users, err := dynamodel.NewRepository[User](client, "User", func(o *dynamodel.Options) { o.Batch.Concurrency = 16 })
	if err != nil {
		t.Fatal(err)
	}
	sdk := testing.AllocsPerRun(5, func() {
		if err := sdkSemaphore(ctx, client, items, 16); err != nil {
			t.Fatal(err)
		}
	}) / float64(len(items))
	ours := testing.AllocsPerRun(5, func() {
		if _, err := users.BatchPut(ctx, items); err != nil {
			t.Fatal(err)
		}
	}) / float64(len(items))
	t.Logf("allocations per item: raw SDK semaphore loop %.2f, dynamodel %.2f", sdk, ours)
	if ours > sdk+2 {
		t.Errorf("BatchPut allocates %.2f per item, more than the raw SDK's %.2f + 2", ours, sdk)
	}
}
