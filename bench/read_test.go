package bench

import (
	"context"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodel/dynamodel"
)

var ordersSink []Order

// pageItems is how many orders make a page of about 1.1 MB.
const pageItems = 3000

func TestOrderPageSize(t *testing.T) {
	if n := len(OrderPage(0, pageItems, true)); n < 1_000_000 || n > 1_200_000 {
		t.Fatalf("the page is %d bytes, want about 1.1 MB", n)
	}
}

// BenchmarkQueryPage1MB reads one Query page of about 1.1 MB (3,000
// orders) into []Order through a stub transport: the raw SDK plus
// attributevalue.UnmarshalListOfMaps (sdk), dynamodel decoding the SDK's
// items (dynamodel-sdkdecode, Options.DecodeWithSDK) and dynamodel's
// direct read path (dynamodel).
func BenchmarkQueryPage1MB(b *testing.B) {
	ctx := context.Background()
	client := clientWith(stubTransport{bodies: map[string][]byte{"Query": OrderPage(0, pageItems, true)}})
	b.Run("impl=sdk", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			out, err := client.Query(ctx, &dynamodb.QueryInput{
				TableName:              aws.String("Orders"),
				KeyConditionExpression: aws.String("customer = :c"),
				ExpressionAttributeValues: map[string]types.AttributeValue{
					":c": &types.AttributeValueMemberS{Value: "c1"},
				},
			})
			if err != nil {
				b.Fatal(err)
			}
			ordersSink = nil
			if err := attributevalue.UnmarshalListOfMaps(out.Items, &ordersSink); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, impl := range []struct {
		name string
		sdk  bool
	}{{"dynamodel-sdkdecode", true}, {"dynamodel", false}} {
		b.Run("impl="+impl.name, func(b *testing.B) {
			orders, err := dynamodel.NewRepository[Order](client, "Orders", func(o *dynamodel.Options) { o.DecodeWithSDK = impl.sdk })
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				page, err := orders.QueryPage(ctx, dynamodel.Partition("c1"))
				if err != nil || len(page.Items) != pageItems {
					b.Fatal(len(page.Items), err)
				}
				ordersSink = page.Items
			}
		})
	}
}

// BenchmarkParallelScan10k scans 10,000 orders in 4 segments read at once
// (pages of 2,500 orders, about 0.9 MB) through a stub transport: the raw
// SDK in 4 goroutines plus attributevalue.UnmarshalListOfMaps (sdk), and
// dynamodel's Scan with Segments 4, on the SDK's items and on the direct
// read path.
func BenchmarkParallelScan10k(b *testing.B) {
	const segments, per = 4, 2500
	ctx := context.Background()
	client := clientWith(stubTransport{bodies: map[string][]byte{"Scan": OrderPage(0, per, false)}})
	b.Run("impl=sdk", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var wg sync.WaitGroup
			results := make([][]Order, segments)
			for s := range segments {
				wg.Go(func() {
					out, err := client.Scan(ctx, &dynamodb.ScanInput{
						TableName: aws.String("Orders"), Segment: aws.Int32(int32(s)), TotalSegments: aws.Int32(segments),
					})
					if err != nil {
						b.Error(err)
						return
					}
					if err := attributevalue.UnmarshalListOfMaps(out.Items, &results[s]); err != nil {
						b.Error(err)
					}
				})
			}
			wg.Wait()
			n := 0
			for _, r := range results {
				n += len(r)
			}
			if n != segments*per {
				b.Fatal(n)
			}
		}
	})
	for _, impl := range []struct {
		name string
		sdk  bool
	}{{"dynamodel-sdkdecode", true}, {"dynamodel", false}} {
		b.Run("impl="+impl.name, func(b *testing.B) {
			orders, err := dynamodel.NewRepository[Order](client, "Orders", func(o *dynamodel.Options) { o.DecodeWithSDK = impl.sdk })
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				all := make([]Order, 0, segments*per)
				for o, err := range orders.Scan(ctx, func(o *dynamodel.ScanOptions) { o.Segments, o.Concurrency = segments, segments }) {
					if err != nil {
						b.Fatal(err)
					}
					all = append(all, o)
				}
				if len(all) != segments*per {
					b.Fatal(len(all))
				}
				ordersSink = all
			}
		})
	}
}
