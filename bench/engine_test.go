package bench

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/dynamotest"
	"github.com/dynamodel/dynamodel/schema"
)

const benchTable = `{
  "TableName": "Wide",
  "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
  "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
  "BillingMode": "PAY_PER_REQUEST"
}`

const userTable = `{
  "TableName": "User",
  "AttributeDefinitions": [{"AttributeName": "email", "AttributeType": "S"}],
  "KeySchema": [{"AttributeName": "email", "KeyType": "HASH"}],
  "BillingMode": "PAY_PER_REQUEST"
}`

const queryTable = `{
  "TableName": "Events",
  "AttributeDefinitions": [
    {"AttributeName": "stream", "AttributeType": "S"},
    {"AttributeName": "seq", "AttributeType": "N"}
  ],
  "KeySchema": [
    {"AttributeName": "stream", "KeyType": "HASH"},
    {"AttributeName": "seq", "KeyType": "RANGE"}
  ],
  "BillingMode": "PAY_PER_REQUEST"
}`

// Event is an item of a 100,000-item partition.
type Event struct {
	Stream  string `dynamodbav:"stream" dynamodel:"hash"`
	Seq     int    `dynamodbav:"seq" dynamodel:"range"`
	Kind    string `dynamodbav:"kind"`
	Payload string `dynamodbav:"payload"`
}

// engineDB returns a DB on the first engine, with the benchmark tables.
func engineDB(b *testing.B, tableJSON string) *dynamotest.DB {
	b.Helper()
	s, err := schema.Parse("bench.json", []byte(tableJSON))
	if err != nil {
		b.Fatal(err)
	}
	return dynamotest.New(b, dynamotest.WithSchemas(s))
}

func BenchmarkEngineGetPut(b *testing.B) {
	db := engineDB(b, benchTable)
	ctx := context.Background()
	table := db.Table("Wide")
	wides, err := dynamodel.NewRepository[Wide](db.Client, table)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := wides.Put(ctx, SampleWide); err != nil {
		b.Fatal(err)
	}
	key := map[string]types.AttributeValue{"id": &types.AttributeValueMemberS{Value: SampleWide.ID}}
	get := map[string]func() error{
		"sdk": func() error {
			out, err := db.Client.GetItem(ctx, &dynamodb.GetItemInput{TableName: &table, Key: key})
			if err == nil {
				_, err = DecodeWideByHand(out.Item)
			}
			return err
		},
		"dynamodel": func() error {
			_, err := wides.Get(ctx, SampleWide.ID)
			return err
		},
	}
	put := map[string]func() error{
		"sdk": func() error {
			_, err := db.Client.PutItem(ctx, &dynamodb.PutItemInput{TableName: &table, Item: EncodeWideByHand(&SampleWide)})
			return err
		},
		"dynamodel": func() error {
			_, err := wides.Put(ctx, SampleWide)
			return err
		},
	}
	for _, op := range []struct {
		name string
		fns  map[string]func() error
	}{{"Get", get}, {"Put", put}} {
		for _, impl := range []string{"sdk", "dynamodel"} {
			fn := op.fns[impl]
			b.Run(fmt.Sprintf("op=%s/mode=seq/impl=%s", op.name, impl), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if err := fn(); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run(fmt.Sprintf("op=%s/mode=par/impl=%s", op.name, impl), func(b *testing.B) {
				b.ReportAllocs()
				b.SetParallelism(4)
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						if err := fn(); err != nil {
							b.Error(err)
							return
						}
					}
				})
			})
		}
	}
}

// batchBySDK is the loop people write with the raw SDK: 25 items a
// request, one request at a time, resending what comes back unprocessed.
func batchBySDK[T any](ctx context.Context, client *dynamodb.Client, table string, items []T, encode func(*T) map[string]types.AttributeValue) error {
	for start := 0; start < len(items); start += 25 {
		end := min(start+25, len(items))
		reqs := make([]types.WriteRequest, 0, end-start)
		for i := start; i < end; i++ {
			reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: encode(&items[i])}})
		}
		for attempt := 0; len(reqs) > 0; attempt++ {
			if attempt > 0 {
				time.Sleep(time.Duration(attempt) * 10 * time.Millisecond)
			}
			out, err := client.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{
				RequestItems: map[string][]types.WriteRequest{table: reqs},
			})
			if err != nil {
				return err
			}
			reqs = out.UnprocessedItems[table]
		}
	}
	return nil
}

// BenchmarkBatchWrite10000 stores 10,000 items in one call: users (the
// seed's model, three short strings) and Wide items (15 fields, nested).
func BenchmarkBatchWrite10000(b *testing.B) {
	users := make([]User, 10000)
	for i := range users {
		users[i] = User{Email: fmt.Sprintf("u%05d@example.com", i), FirstName: "Ada", LastName: "Lovelace"}
	}
	wides := make([]Wide, 10000)
	for i := range wides {
		wides[i] = SampleWide
		wides[i].ID = fmt.Sprintf("w-%05d", i)
	}
	b.Run("item=User", func(b *testing.B) { benchBatchWrite(b, userTable, "User", users, EncodeUserByHand) })
	b.Run("item=Wide", func(b *testing.B) { benchBatchWrite(b, benchTable, "Wide", wides, EncodeWideByHand) })
}

func benchBatchWrite[T any](b *testing.B, tableJSON, name string, items []T, encode func(*T) map[string]types.AttributeValue) {
	db := engineDB(b, tableJSON)
	ctx := context.Background()
	table := db.Table(name)
	b.Run("impl=sdk-sequential", func(b *testing.B) {
		for b.Loop() {
			if err := batchBySDK(ctx, db.Client, table, items, encode); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, c := range []int{4, 8, 16, 32} {
		b.Run(fmt.Sprintf("impl=dynamodel-concurrency-%d", c), func(b *testing.B) {
			repo, err := dynamodel.NewRepository[T](db.Client, table, func(o *dynamodel.Options) { o.Batch.Concurrency = c })
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := repo.BatchPut(ctx, items); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	n, err := mustRepo[T](b, db.Client, table).ScanCount(ctx)
	if err != nil || n != len(items) {
		b.Fatalf("stored %d items, want %d (%v)", n, len(items), err)
	}
}

func mustRepo[T any](b *testing.B, client dynamodel.API, table string) *dynamodel.Repository[T] {
	r, err := dynamodel.NewRepository[T](client, table)
	if err != nil {
		b.Fatal(err)
	}
	return r
}

var (
	queryOnce sync.Once
	queryDB   *dynamotest.DB
)

const queryItems = 100000

// BenchmarkQuery100000 reads a 100,000-item partition, 1,000 items a page,
// and reports the largest live heap seen while iterating (after a GC, at
// every 10,000th item), against collecting every item first.
func BenchmarkQuery100000(b *testing.B) {
	if testing.Short() {
		b.Skip("loads 100,000 items")
	}
	ctx := context.Background()
	queryOnce.Do(func() {
		s, err := schema.Parse("events.json", []byte(queryTable))
		if err != nil {
			b.Fatal(err)
		}
		// Made once per process and kept for the process's life.
		queryDB = dynamotest.New(b, dynamotest.WithSchemas(s), func(o *dynamotest.Options) { o.Keep = true })
		events := mustRepo[Event](b, queryDB.Client, queryDB.Table("Events"))
		items := make([]Event, queryItems)
		for i := range items {
			items[i] = Event{Stream: "s", Seq: i, Kind: "click", Payload: fmt.Sprintf("payload %08d ............................................", i)}
		}
		if _, err := events.BatchPut(ctx, items); err != nil {
			b.Fatal(err)
		}
	})
	events := mustRepo[Event](b, queryDB.Client, queryDB.Table("Events"))
	page := func(o *dynamodel.QueryOptions) { o.PageSize = 1000 }
	liveHeap := func() uint64 {
		var m runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	b.Run("impl=iterate", func(b *testing.B) {
		var peak atomic.Uint64
		base := liveHeap()
		for b.Loop() {
			n := 0
			for _, err := range events.Query(ctx, dynamodel.Partition("s"), page) {
				if err != nil {
					b.Fatal(err)
				}
				if n++; n%10000 == 0 {
					if h := liveHeap(); h > base && h-base > peak.Load() {
						peak.Store(h - base)
					}
				}
			}
			if n != queryItems {
				b.Fatalf("read %d items", n)
			}
		}
		b.ReportMetric(float64(peak.Load())/(1<<20), "peak-MB")
	})
	b.Run("impl=collect", func(b *testing.B) {
		base := liveHeap()
		var peak uint64
		for b.Loop() {
			all, err := dynamodel.Collect(events.Query(ctx, dynamodel.Partition("s"), page), 0)
			if err != nil || len(all) != queryItems {
				b.Fatalf("read %d items: %v", len(all), err)
			}
			if h := liveHeap(); h > base && h-base > peak {
				peak = h - base
			}
			runtime.KeepAlive(all)
		}
		b.ReportMetric(float64(peak)/(1<<20), "peak-MB")
	})
}
