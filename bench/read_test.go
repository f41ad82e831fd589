package bench

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodel/dynamodel"
)

var ordersSink []Order

// pageItems is how many orders make a page of about 1.0 MB.
const pageItems = 3000

func TestOrderPageSize(t *testing.T) {
	if n := len(OrderPage(0, pageItems, true)); n < 1_000_000 || n > 1_200_000 {
		t.Fatalf("the page is %d bytes, want about 1.0 MB", n)
	}
}

// BenchmarkQueryPage1MB reads one Query page of about 1.0 MB (3,000
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
	benchOrders(b, client, func(b *testing.B, orders *dynamodel.Repository[Order]) {
		page, err := orders.QueryPage(ctx, dynamodel.Partition("c1"))
		if err != nil || len(page.Items) != pageItems {
			b.Fatal(len(page.Items), err)
		}
		ordersSink = page.Items
	})
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
	benchOrders(b, client, func(b *testing.B, orders *dynamodel.Repository[Order]) {
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
	})
}

// orderKeys returns the keys of orders first..first+n-1 as OrderItemsJSON
// makes them.
func orderKeys(first, n int) []dynamodel.Key {
	keys := make([]dynamodel.Key, n)
	for i := range keys {
		keys[i] = dynamodel.Key{Hash: fmt.Sprintf("customer-%06d", (first+i)%500), Range: fmt.Sprintf("order-%010d-2026-11-25T09:30:00Z", first+i)}
	}
	return keys
}

// rawKey is k as the SDK takes it.
func rawKey(k dynamodel.Key) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		"customer": &types.AttributeValueMemberS{Value: k.Hash.(string)},
		"id":       &types.AttributeValueMemberS{Value: k.Range.(string)},
	}
}

// BenchmarkBatchGet100 reads 100 orders (one BatchGetItem, about 37 KB)
// through a stub transport: the raw SDK plus
// attributevalue.UnmarshalListOfMaps (sdk; in the response's order), and
// dynamodel's BatchGet (in the order of the keys) on the SDK's items and on
// the direct read path.
func BenchmarkBatchGet100(b *testing.B) {
	const n = 100
	ctx := context.Background()
	body := []byte(`{"Responses":{"Orders":` + OrderItemsJSON(0, n) + `},"UnprocessedKeys":{}}`)
	client := clientWith(stubTransport{bodies: map[string][]byte{"BatchGetItem": body}})
	keys := orderKeys(0, n)
	b.Run("impl=sdk", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			raw := make([]map[string]types.AttributeValue, n)
			for i, k := range keys {
				raw[i] = rawKey(k)
			}
			out, err := client.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{
				RequestItems: map[string]types.KeysAndAttributes{"Orders": {Keys: raw}},
			})
			if err != nil {
				b.Fatal(err)
			}
			ordersSink = nil
			if err := attributevalue.UnmarshalListOfMaps(out.Responses["Orders"], &ordersSink); err != nil || len(ordersSink) != n {
				b.Fatal(len(ordersSink), err)
			}
		}
	})
	benchOrders(b, client, func(b *testing.B, orders *dynamodel.Repository[Order]) {
		anyKeys := make([]any, n)
		for i, k := range keys {
			anyKeys[i] = k
		}
		items, err := orders.BatchGet(ctx, anyKeys)
		if err != nil || len(items) != n {
			b.Fatal(len(items), err)
		}
		ordersSink = items
	})
}

// BenchmarkTransactGet10 reads 10 orders in one TransactGetItems through a
// stub transport: the raw SDK plus attributevalue.UnmarshalMap of each
// (sdk), and dynamodel's TransactGet of 10 TxGet reads, on the SDK's items
// and on the direct read path.
func BenchmarkTransactGet10(b *testing.B) {
	const n = 10
	ctx := context.Background()
	var body strings.Builder
	body.WriteString(`{"Responses":[`)
	for i := range n {
		if i > 0 {
			body.WriteByte(',')
		}
		item := OrderItemsJSON(i, 1)
		body.WriteString(`{"Item":` + item[1:len(item)-1] + `}`)
	}
	body.WriteString(`]}`)
	client := clientWith(stubTransport{bodies: map[string][]byte{"TransactGetItems": []byte(body.String())}})
	keys := orderKeys(0, n)
	b.Run("impl=sdk", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			gets := make([]types.TransactGetItem, n)
			for i, k := range keys {
				gets[i] = types.TransactGetItem{Get: &types.Get{TableName: aws.String("Orders"), Key: rawKey(k)}}
			}
			out, err := client.TransactGetItems(ctx, &dynamodb.TransactGetItemsInput{TransactItems: gets})
			if err != nil {
				b.Fatal(err)
			}
			items := make([]Order, n)
			for i, r := range out.Responses {
				if err := attributevalue.UnmarshalMap(r.Item, &items[i]); err != nil {
					b.Fatal(err)
				}
			}
			ordersSink = items
		}
	})
	benchOrders(b, client, func(b *testing.B, orders *dynamodel.Repository[Order]) {
		gets := make([]dynamodel.TxGetAction, n)
		reads := make([]*dynamodel.TxGetItem[Order], n)
		for i, k := range keys {
			reads[i] = orders.TxGet(k)
			gets[i] = reads[i]
		}
		if err := dynamodel.TransactGet(ctx, client, gets); err != nil {
			b.Fatal(err)
		}
		items := make([]Order, n)
		for i, r := range reads {
			var found bool
			if items[i], found = r.Result(); !found {
				b.Fatal(i)
			}
		}
		ordersSink = items
	})
}

// BenchmarkDeleteReturning deletes an order and reads it back as it was
// (ReturnValues ALL_OLD) through a stub transport: the raw SDK plus
// attributevalue.UnmarshalMap (sdk), and dynamodel's DeleteReturning on
// the SDK's attributes and on the direct read path.
func BenchmarkDeleteReturning(b *testing.B) {
	ctx := context.Background()
	item := OrderItemsJSON(7, 1)
	client := clientWith(stubTransport{bodies: map[string][]byte{"DeleteItem": []byte(`{"Attributes":` + item[1:len(item)-1] + `}`)}})
	key := orderKeys(7, 1)[0]
	b.Run("impl=sdk", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			out, err := client.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("Orders"), Key: rawKey(key), ReturnValues: types.ReturnValueAllOld})
			if err != nil {
				b.Fatal(err)
			}
			var o Order
			if err := attributevalue.UnmarshalMap(out.Attributes, &o); err != nil {
				b.Fatal(err)
			}
		}
	})
	benchOrders(b, client, func(b *testing.B, orders *dynamodel.Repository[Order]) {
		o, err := orders.DeleteReturning(ctx, key)
		if err != nil || o.Quantity == 0 {
			b.Fatal(o, err)
		}
	})
}

// benchOrders runs op in the sub-benchmarks impl=dynamodel-sdkdecode (a
// repository of orders on client that decodes the SDK's attribute values,
// Options.DecodeWithSDK) and impl=dynamodel (the direct read path), once
// per round of each.
func benchOrders(b *testing.B, client dynamodel.API, op func(b *testing.B, orders *dynamodel.Repository[Order])) {
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
				op(b, orders)
			}
		})
	}
}
