package bench

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodel/dynamodel"
)

// PlainPhoto is a photo in a table of its own: keys are its fields.
type PlainPhoto struct {
	Username  string         `dynamodbav:"username" dynamodel:"hash"`
	Timestamp string         `dynamodbav:"timestamp" dynamodel:"range"`
	Location  string         `dynamodbav:"location"`
	Reactions map[string]int `dynamodbav:"reactions"`
}

// EntityPhoto is the same photo as an entity of a shared table: its keys
// PK=USER#<username> and SK=PHOTO#<username>#<timestamp> are rendered
// from its fields.
type EntityPhoto struct {
	Username  string         `dynamodbav:"username"`
	Timestamp string         `dynamodbav:"timestamp"`
	Location  string         `dynamodbav:"location"`
	Reactions map[string]int `dynamodbav:"reactions"`
}

var (
	samplePhoto = PlainPhoto{Username: "ada", Timestamp: "2019-03-02T09:11:30", Location: "https://photos.example/ada/1.jpg",
		Reactions: map[string]int{"heart": 3, "smiley": 0, "sunglasses": 1, "thumbsup": 7}}
	plainPhotoSink  PlainPhoto
	entityPhotoSink EntityPhoto
)

// itemAPI is a client that answers GetItem with a fixed item and PutItem
// with nothing, so a benchmark measures dynamodel's own work: encoding,
// keys and request building, decoding.
type itemAPI struct {
	dynamodel.API
	item map[string]types.AttributeValue
}

func (c itemAPI) GetItem(context.Context, *dynamodb.GetItemInput, ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	return &dynamodb.GetItemOutput{Item: c.item}, nil
}

func (c itemAPI) PutItem(context.Context, *dynamodb.PutItemInput, ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	return &dynamodb.PutItemOutput{}, nil
}

func plainPhotos(tb testing.TB) *dynamodel.Repository[PlainPhoto] {
	tb.Helper()
	item := sdkItem(map[string]types.AttributeValue{
		"username": &types.AttributeValueMemberS{Value: "ada"}, "timestamp": &types.AttributeValueMemberS{Value: samplePhoto.Timestamp},
		"location": &types.AttributeValueMemberS{Value: samplePhoto.Location}, "reactions": reactionsAV(),
	})
	r, err := dynamodel.NewRepository[PlainPhoto](itemAPI{item: item}, "photos")
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

func entityPhotos(tb testing.TB) *dynamodel.Entity[EntityPhoto] {
	tb.Helper()
	item := sdkItem(map[string]types.AttributeValue{
		"PK": &types.AttributeValueMemberS{Value: "USER#ada"}, "SK": &types.AttributeValueMemberS{Value: "PHOTO#ada#" + samplePhoto.Timestamp},
		"username": &types.AttributeValueMemberS{Value: "ada"}, "timestamp": &types.AttributeValueMemberS{Value: samplePhoto.Timestamp},
		"location": &types.AttributeValueMemberS{Value: samplePhoto.Location}, "reactions": reactionsAV(),
	})
	t, err := dynamodel.NewTable(itemAPI{item: item}, "quick-photos")
	if err != nil {
		tb.Fatal(err)
	}
	e, err := dynamodel.NewEntity[EntityPhoto](t, "Photo", dynamodel.Keys("USER#{username}", "PHOTO#{username}#{timestamp}"))
	if err != nil {
		tb.Fatal(err)
	}
	return e
}

func reactionsAV() types.AttributeValue {
	return &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
		"heart": &types.AttributeValueMemberN{Value: "3"}, "smiley": &types.AttributeValueMemberN{Value: "0"},
		"sunglasses": &types.AttributeValueMemberN{Value: "1"}, "thumbsup": &types.AttributeValueMemberN{Value: "7"}}}
}

// TestEntityBenchmarkAgrees: both implementations read the same photo.
func TestEntityBenchmarkAgrees(t *testing.T) {
	ctx := context.Background()
	p, err := plainPhotos(t).Get(ctx, dynamodel.Key{Hash: "ada", Range: samplePhoto.Timestamp})
	if err != nil || !reflect.DeepEqual(p, samplePhoto) {
		t.Fatalf("plain: %v %#v", err, p)
	}
	photos := entityPhotos(t)
	e, err := photos.Get(ctx, photos.Key("ada", samplePhoto.Timestamp))
	if err != nil || !reflect.DeepEqual(PlainPhoto(e), samplePhoto) {
		t.Fatalf("entity: %v %#v", err, e)
	}
	enc, err := photos.Encode(EntityPhoto(samplePhoto))
	if err != nil || len(enc) != 6 {
		t.Fatalf("entity encode: %v %v", err, enc)
	}
}

// BenchmarkEntityPut stores a photo: a plain Repository[T] against an
// entity whose keys are rendered from its fields (no SDK, no network).
func BenchmarkEntityPut(b *testing.B) {
	ctx := context.Background()
	b.Run("impl=repository", func(b *testing.B) {
		r := plainPhotos(b)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := r.Put(ctx, samplePhoto); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=entity", func(b *testing.B) {
		e := entityPhotos(b)
		p := EntityPhoto(samplePhoto)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := e.Put(ctx, p); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkEntityGet reads a photo: a plain Repository[T] against an
// entity that also recognises the item by its key.
func BenchmarkEntityGet(b *testing.B) {
	ctx := context.Background()
	b.Run("impl=repository", func(b *testing.B) {
		r := plainPhotos(b)
		key := dynamodel.Key{Hash: "ada", Range: samplePhoto.Timestamp}
		b.ReportAllocs()
		for b.Loop() {
			var err error
			if plainPhotoSink, err = r.Get(ctx, key); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=entity", func(b *testing.B) {
		e := entityPhotos(b)
		key := e.Key("ada", samplePhoto.Timestamp)
		b.ReportAllocs()
		for b.Loop() {
			var err error
			if entityPhotoSink, err = e.Get(ctx, key); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// EntityOrder is Order as an entity of a shared table: PK=CUSTOMER#<customer>,
// SK=ORDER#<id>, rendered from its fields.
type EntityOrder struct {
	Customer string   `dynamodbav:"customer"`
	ID       string   `dynamodbav:"id"`
	Status   string   `dynamodbav:"status"`
	Address  string   `dynamodbav:"address"`
	Total    float64  `dynamodbav:"total"`
	Quantity int      `dynamodbav:"quantity"`
	Tags     []string `dynamodbav:"tags"`
}

// KeyedOrder is an order of the shared table as Go code keeps it without
// entities: a plain Repository[KeyedOrder] whose PK and SK fields the
// caller fills by hand (CUSTOMER#<customer>, ORDER#<id>), decoded like any
// other field, with nothing recognised.
type KeyedOrder struct {
	PK       string   `dynamodbav:"PK" dynamodel:"hash"`
	SK       string   `dynamodbav:"SK" dynamodel:"range"`
	Customer string   `dynamodbav:"customer"`
	ID       string   `dynamodbav:"id"`
	Status   string   `dynamodbav:"status"`
	Address  string   `dynamodbav:"address"`
	Total    float64  `dynamodbav:"total"`
	Quantity int      `dynamodbav:"quantity"`
	Tags     []string `dynamodbav:"tags"`
}

var keyedOrdersSink []KeyedOrder

// EntityCustomer is another entity of the same table, whose items an
// order's read passes over.
type EntityCustomer struct {
	ID   string `dynamodbav:"id"`
	Name string `dynamodbav:"name"`
}

var entityOrdersSink []EntityOrder

// EntityOrderPage returns a Query response body of n orders with their
// keys PK and SK (about 450 bytes each); with otherEvery > 0, every
// otherEvery-th item is a customer instead.
func EntityOrderPage(n, otherEvery int) []byte {
	items := make([]string, n)
	for i := range items {
		if otherEvery > 0 && i%otherEvery == otherEvery-1 {
			items[i] = fmt.Sprintf(`{"PK":{"S":"CUSTOMER#customer-%06d"},"SK":{"S":"#PROFILE"},"id":{"S":"customer-%06d"},"name":{"S":"Customer %d"}}`, i%500, i%500, i)
			continue
		}
		order := OrderItemsJSON(i, 1)
		items[i] = fmt.Sprintf(`{"PK":{"S":"CUSTOMER#customer-%06d"},"SK":{"S":"ORDER#order-%010d-2026-11-25T09:30:00Z"},`, i%500, i) + order[2:len(order)-1]
	}
	return []byte(fmt.Sprintf(`{"Count":%d,"Items":[%s],"ScannedCount":%d,"LastEvaluatedKey":{"PK":{"S":"x"},"SK":{"S":"y"}}}`,
		n, strings.Join(items, ","), n))
}

// entityOrders declares the orders and customers of a table read through
// client.
func entityOrders(tb testing.TB, client dynamodel.API, sdk bool) *dynamodel.Entity[EntityOrder] {
	tb.Helper()
	t, err := dynamodel.NewTable(client, "shop", func(o *dynamodel.TableOptions) { o.DecodeWithSDK = sdk })
	if err != nil {
		tb.Fatal(err)
	}
	e, err := dynamodel.NewEntity[EntityOrder](t, "Order", dynamodel.Keys("CUSTOMER#{customer}", "ORDER#{id}"))
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := dynamodel.NewEntity[EntityCustomer](t, "Customer", dynamodel.Keys("CUSTOMER#{id}", "#PROFILE")); err != nil {
		tb.Fatal(err)
	}
	return e
}

// TestEntityOrderPage: the entity page is about 1.3 MB, and its orders
// read as an entity equal the plain page's orders.
func TestEntityOrderPage(t *testing.T) {
	body := EntityOrderPage(pageItems, 0)
	if n := len(body); n < 1_200_000 || n > 1_400_000 {
		t.Fatalf("the page is %d bytes, want about 1.3 MB", n)
	}
	ctx := context.Background()
	orders, err := dynamodel.NewRepository[Order](clientWith(stubTransport{bodies: map[string][]byte{"Query": OrderPage(0, pageItems, true)}}), "Orders")
	if err != nil {
		t.Fatal(err)
	}
	want, err := orders.QueryPage(ctx, dynamodel.Partition("c1"))
	if err != nil {
		t.Fatal(err)
	}
	keyed, err := dynamodel.NewRepository[KeyedOrder](clientWith(stubTransport{bodies: map[string][]byte{"Query": body}}), "shop")
	if err != nil {
		t.Fatal(err)
	}
	kp, err := keyed.QueryPage(ctx, dynamodel.Partition("CUSTOMER#c1"))
	if err != nil || len(kp.Items) != pageItems {
		t.Fatal(len(kp.Items), err)
	}
	for i, k := range kp.Items {
		o := want.Items[i]
		if k.PK != "CUSTOMER#"+o.Customer || k.SK != "ORDER#"+o.ID || !reflect.DeepEqual(Order{k.Customer, k.ID, k.Status, k.Address, k.Total, k.Quantity, k.Tags}, o) {
			t.Fatalf("hand-keyed order %d: %+v, want %+v", i, k, o)
		}
	}
	for _, sdk := range []bool{false, true} {
		e := entityOrders(t, clientWith(stubTransport{bodies: map[string][]byte{"Query": body}}), sdk)
		got, err := e.QueryPage(ctx, dynamodel.Partition(e.PartitionKey("c1")))
		if err != nil || len(got.Items) != pageItems {
			t.Fatal(len(got.Items), err)
		}
		for i := range got.Items {
			if !reflect.DeepEqual(Order(got.Items[i]), want.Items[i]) {
				t.Fatalf("order %d: %+v, want %+v", i, got.Items[i], want.Items[i])
			}
		}
		mixed := entityOrders(t, clientWith(stubTransport{bodies: map[string][]byte{"Query": EntityOrderPage(pageItems, 10)}}), sdk)
		got, err = mixed.QueryPage(ctx, dynamodel.Partition(e.PartitionKey("c1")))
		if err != nil || len(got.Items) != pageItems*9/10 || got.Skipped != pageItems/10 {
			t.Fatal(len(got.Items), got.Skipped, err)
		}
	}
}

// entityPageForRepository is EntityOrderPage(pageItems, 0) with the
// repository's own key attributes in its LastEvaluatedKey: the entity's
// items (PK and SK included) as a plain Repository[Order] reads them.
func entityPageForRepository() []byte {
	return bytes.Replace(EntityOrderPage(pageItems, 0), []byte(`"LastEvaluatedKey":{"PK":{"S":"x"},"SK":{"S":"y"}}`),
		[]byte(`"LastEvaluatedKey":{"customer":{"S":"x"},"id":{"S":"y"}}`), 1)
}

// BenchmarkEntityQueryPage1MB reads one Query page of 3,000 orders into a
// []T through a stub transport: a plain Repository[Order] on the direct
// path (repository, the page without PK and SK, about 1.0 MB), and an
// entity (the page with PK and SK, about 1.3 MB) on the direct path
// (entity), through the SDK's attribute values (entity-sdkdecode), and on
// the direct path with one item in ten a customer, passed over
// (entity-mixed). repository-same-page is the plain repository reading
// the entity's page (PK and SK attributes it has no field for), so that
// it and entity differ only in what an entity does with them.
func BenchmarkEntityQueryPage1MB(b *testing.B) {
	ctx := context.Background()
	samePage := entityPageForRepository()
	for _, impl := range []struct {
		name string
		body []byte
	}{{"repository", OrderPage(0, pageItems, true)}, {"repository-same-page", samePage}} {
		b.Run("impl="+impl.name, func(b *testing.B) {
			orders, err := dynamodel.NewRepository[Order](clientWith(stubTransport{bodies: map[string][]byte{"Query": impl.body}}), "Orders")
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
	for _, impl := range []struct {
		name       string
		sdk        bool
		otherEvery int
	}{{"entity", false, 0}, {"entity-sdkdecode", true, 0}, {"entity-mixed", false, 10}} {
		b.Run("impl="+impl.name, func(b *testing.B) {
			e := entityOrders(b, clientWith(stubTransport{bodies: map[string][]byte{"Query": EntityOrderPage(pageItems, impl.otherEvery)}}), impl.sdk)
			kc := dynamodel.Partition(e.PartitionKey("c1"))
			want := pageItems
			if impl.otherEvery > 0 {
				want -= pageItems / impl.otherEvery
			}
			b.ReportAllocs()
			for b.Loop() {
				page, err := e.QueryPage(ctx, kc)
				if err != nil || len(page.Items) != want {
					b.Fatal(len(page.Items), err)
				}
				entityOrdersSink = page.Items
			}
		})
	}
}

// BenchmarkEntityQueryPagePaired reads the page of
// BenchmarkEntityQueryPage1MB as a plain Repository[Order] (its own page,
// and the entity's page with PK and SK: same-page), as an entity, and as a
// plain Repository[KeyedOrder] (the entity's page, its keys in fields of
// their own: hand-keyed), one of each per iteration in turning order, and
// reports the entity's time over each repository's: the four share
// whatever else the host runs at the time, which a ratio of separate runs
// does not.
func BenchmarkEntityQueryPagePaired(b *testing.B) {
	ctx := context.Background()
	samePage := entityPageForRepository()
	var reads []func()
	for _, body := range [][]byte{OrderPage(0, pageItems, true), samePage} {
		orders, err := dynamodel.NewRepository[Order](clientWith(stubTransport{bodies: map[string][]byte{"Query": body}}), "Orders")
		if err != nil {
			b.Fatal(err)
		}
		reads = append(reads, pageRead(b, func() (dynamodel.Page[Order], error) {
			return orders.QueryPage(ctx, dynamodel.Partition("c1"))
		}, &ordersSink))
	}
	e := entityOrders(b, clientWith(stubTransport{bodies: map[string][]byte{"Query": EntityOrderPage(pageItems, 0)}}), false)
	kc := dynamodel.Partition(e.PartitionKey("c1"))
	reads = append(reads, pageRead(b, func() (dynamodel.Page[EntityOrder], error) { return e.QueryPage(ctx, kc) }, &entityOrdersSink))
	keyed, err := dynamodel.NewRepository[KeyedOrder](clientWith(stubTransport{bodies: map[string][]byte{"Query": EntityOrderPage(pageItems, 0)}}), "shop")
	if err != nil {
		b.Fatal(err)
	}
	reads = append(reads, pageRead(b, func() (dynamodel.Page[KeyedOrder], error) {
		return keyed.QueryPage(ctx, dynamodel.Partition("CUSTOMER#c1"))
	}, &keyedOrdersSink))
	b.ReportAllocs()
	took := paired(b, reads...)
	b.ReportMetric(took[2]/took[0], "entity/repository")
	b.ReportMetric(took[2]/took[1], "entity/repository-same-page")
	b.ReportMetric(took[2]/took[3], "entity/repository-hand-keyed")
	b.ReportMetric(took[0], "repository-ns/page")
}

// pageRead returns a read of one page of pageItems items by query, kept
// in sink, for paired.
func pageRead[T any](b *testing.B, query func() (dynamodel.Page[T], error), sink *[]T) func() {
	return func() {
		p, err := query()
		if err != nil || len(p.Items) != pageItems {
			b.Fatal(len(p.Items), err)
		}
		*sink = p.Items
	}
}

// paired calls each of fns once per iteration, in turning order, and
// returns the mean time of a call of each in nanoseconds: calls next to
// one another share whatever else the host runs at the time, so that
// ratios of the times hold where separate runs differ by more.
func paired(b *testing.B, fns ...func()) []float64 {
	took := make([]time.Duration, len(fns))
	n := 0
	for b.Loop() {
		for j := range fns {
			k := (n + j) % len(fns)
			start := time.Now()
			fns[k]()
			took[k] += time.Since(start)
		}
		n++
	}
	mean := make([]float64, len(fns))
	for i, d := range took {
		mean[i] = float64(d.Nanoseconds()) / float64(max(n, 1))
	}
	return mean
}

// BenchmarkEntityPaired writes and reads a photo as a plain
// Repository[PlainPhoto] and as an Entity[EntityPhoto] (the benchmarks
// above), one of each per iteration in turning order (paired), and
// reports the entity's time over the repository's; get-stub reads through
// a stub transport, as BenchmarkEntityGetStub.
func BenchmarkEntityPaired(b *testing.B) {
	ctx := context.Background()
	r, e := plainPhotos(b), entityPhotos(b)
	rs, es := stubPhotos(b)
	stubKey := es.Key("ada", samplePhoto.Timestamp)
	p := EntityPhoto(samplePhoto)
	key, entityKey := dynamodel.Key{Hash: "ada", Range: samplePhoto.Timestamp}, e.Key("ada", samplePhoto.Timestamp)
	check := func(err error) {
		if err != nil {
			b.Fatal(err)
		}
	}
	for _, op := range []struct {
		name       string
		repo, enty func()
	}{
		{"put", func() { _, err := r.Put(ctx, samplePhoto); check(err) }, func() { _, err := e.Put(ctx, p); check(err) }},
		{"get", func() {
			var err error
			plainPhotoSink, err = r.Get(ctx, key)
			check(err)
		}, func() {
			var err error
			entityPhotoSink, err = e.Get(ctx, entityKey)
			check(err)
		}},
		{"get-stub", func() {
			var err error
			plainPhotoSink, err = rs.Get(ctx, key)
			check(err)
		}, func() {
			var err error
			entityPhotoSink, err = es.Get(ctx, stubKey)
			check(err)
		}},
	} {
		b.Run("op="+op.name, func(b *testing.B) {
			took := paired(b, op.repo, op.enty)
			b.ReportMetric(took[1]/took[0], "entity/repository")
		})
	}
}

// BenchmarkEntityGetStub reads a photo through a stub transport (the
// SDK's middleware included): a plain Repository[T] and an entity, both
// on the direct path.
func BenchmarkEntityGetStub(b *testing.B) {
	ctx := context.Background()
	r, e := stubPhotos(b)
	b.Run("impl=repository", func(b *testing.B) {
		key := dynamodel.Key{Hash: "ada", Range: samplePhoto.Timestamp}
		b.ReportAllocs()
		for b.Loop() {
			var err error
			if plainPhotoSink, err = r.Get(ctx, key); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=entity", func(b *testing.B) {
		key := e.Key("ada", samplePhoto.Timestamp)
		b.ReportAllocs()
		for b.Loop() {
			var err error
			if entityPhotoSink, err = e.Get(ctx, key); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// stubPhotos returns a plain repository and an entity of photos whose Get
// is answered by a stub transport with the sample photo, as each stores it.
func stubPhotos(tb testing.TB) (*dynamodel.Repository[PlainPhoto], *dynamodel.Entity[EntityPhoto]) {
	tb.Helper()
	item := `"username":{"S":"ada"},"timestamp":{"S":"2019-03-02T09:11:30"},"location":{"S":"https://photos.example/ada/1.jpg"},` +
		`"reactions":{"M":{"heart":{"N":"3"},"smiley":{"N":"0"},"sunglasses":{"N":"1"},"thumbsup":{"N":"7"}}}`
	r, err := dynamodel.NewRepository[PlainPhoto](clientWith(stubTransport{bodies: map[string][]byte{"GetItem": []byte(`{"Item":{` + item + `}}`)}}), "photos")
	if err != nil {
		tb.Fatal(err)
	}
	body := []byte(`{"Item":{"PK":{"S":"USER#ada"},"SK":{"S":"PHOTO#ada#2019-03-02T09:11:30"},` + item + `}}`)
	t, err := dynamodel.NewTable(clientWith(stubTransport{bodies: map[string][]byte{"GetItem": body}}), "quick-photos")
	if err != nil {
		tb.Fatal(err)
	}
	e, err := dynamodel.NewEntity[EntityPhoto](t, "Photo", dynamodel.Keys("USER#{username}", "PHOTO#{username}#{timestamp}"))
	if err != nil {
		tb.Fatal(err)
	}
	return r, e
}
