package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
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

// BenchmarkBatchWriteLatency stores 10,000 users through a transport with a
// 2 ms round trip: the raw SDK's sequential 25-item loop against dynamodel's
// concurrent batches.
func BenchmarkBatchWriteLatency(b *testing.B) {
	ctx := context.Background()
	client := clientWith(latencyTransport{
		stubTransport: stubTransport{bodies: map[string][]byte{"BatchWriteItem": []byte(`{"UnprocessedItems":{}}`)}},
		delay:         2 * time.Millisecond,
	})
	items := make([]User, 10000)
	for i := range items {
		items[i] = User{Email: fmt.Sprintf("u%05d@example.com", i), FirstName: "Ada", LastName: "Lovelace"}
	}
	b.Run("impl=sdk-sequential", func(b *testing.B) {
		for b.Loop() {
			for s := 0; s < len(items); s += 25 {
				reqs := make([]types.WriteRequest, 0, 25)
				for i := s; i < s+25; i++ {
					reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: EncodeUserByHand(&items[i])}})
				}
				if _, err := client.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{
					RequestItems: map[string][]types.WriteRequest{"User": reqs},
				}); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	for _, c := range []int{4, 16} {
		b.Run(fmt.Sprintf("impl=dynamodel-concurrency-%d", c), func(b *testing.B) {
			users, err := dynamodel.NewRepository[User](client, "User", func(o *dynamodel.Options) { o.Batch.Concurrency = c })
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := users.BatchPut(ctx, items); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
