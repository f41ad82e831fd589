package dynamodel_test

import (
	"context"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/dynamotest"
	"github.com/dynamodel/dynamodel/internal/enginetest"
	"github.com/dynamodel/dynamodel/schema"
)

// Shop entities in one table with an overloaded GSI1 (customers by email,
// orders by status), a sparse GSI2 (flagged orders only, KEYS_ONLY) and an
// inverted index (KEYS_ONLY).
type (
	ShopCustomer struct {
		ID    string `dynamodbav:"id"`
		Email string `dynamodbav:"email"`
		Name  string `dynamodbav:"name"`
	}
	ShopOrder struct {
		Customer string    `dynamodbav:"customer"`
		Number   int       `dynamodbav:"number"`
		Status   string    `dynamodbav:"status"`
		Placed   time.Time `dynamodbav:"placed"`
		Total    float64   `dynamodbav:"total"`
		Flag     *string   `dynamodbav:"flag,omitempty"`
		Version  int64     `dynamodbav:"version" dynamodel:"version"`
		Updated  time.Time `dynamodbav:"updated" dynamodel:"updated"`
		Expires  time.Time `dynamodbav:"expires,omitempty" dynamodel:"ttl"`
	}
)

type shop struct {
	table     *dynamodel.Table
	customers *dynamodel.Entity[ShopCustomer]
	orders    *dynamodel.Entity[ShopOrder]
}

func newShop(t *testing.T, client dynamodel.API, table string, optFns ...func(*dynamodel.TableOptions)) shop {
	t.Helper()
	s, err := schema.Load("testdata/single-table.json")
	require.NoError(t, err)
	tbl, err := dynamodel.NewTable(client, table, append([]func(*dynamodel.TableOptions){func(o *dynamodel.TableOptions) {
		o.Schema = s
		o.Clock = newClock().Now
	}}, optFns...)...)
	require.NoError(t, err)
	sh := shop{table: tbl}
	sh.customers, err = dynamodel.NewEntity[ShopCustomer](tbl, "Customer",
		dynamodel.Keys("CUSTOMER#{id}", "#PROFILE"),
		dynamodel.IndexKeys("GSI1", "EMAIL#{email}", "#PROFILE"))
	require.NoError(t, err)
	sh.orders, err = dynamodel.NewEntity[ShopOrder](tbl, "Order",
		dynamodel.Keys("CUSTOMER#{customer}", "ORDER#{number:06}"),
		dynamodel.IndexKeys("GSI1", "STATUS#{status}", "{placed}#{customer}#{number:06}"),
		dynamodel.IndexKeys("GSI2", "FLAG#{flag}", "{total:ordered}"))
	require.NoError(t, err)
	return sh
}

func shopEngine(t *testing.T, fn func(t *testing.T, db *dynamotest.DB, sh shop), optFns ...func(*dynamodel.TableOptions)) {
	s, err := schema.Load("testdata/single-table.json")
	require.NoError(t, err)
	enginetest.Each(t, func(t *testing.T, db *dynamotest.DB) {
		fn(t, db, newShop(t, db.Client, db.Table("single-table"), optFns...))
	}, dynamotest.WithSchemas(s))
}

var day = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func order(customer string, n int, status string, total float64) ShopOrder {
	return ShopOrder{Customer: customer, Number: n, Status: status, Placed: day.Add(time.Duration(n) * time.Hour), Total: total}
}

func rawShopItem(t *testing.T, db *dynamotest.DB, pk, sk string) map[string]types.AttributeValue {
	t.Helper()
	out, err := db.Client.GetItem(context.Background(), &dynamodb.GetItemInput{
		TableName: aws.String(db.Table("single-table")), ConsistentRead: aws.Bool(true),
		Key: map[string]types.AttributeValue{"PK": s(pk), "SK": s(sk)},
	})
	require.NoError(t, err)
	return out.Item
}

// TestEntityIndexesIntegration covers index patterns: an overloaded GSI
// shared by two entities, a sparse index, negative numbers in an ordered
// sort key, and index keys rewritten by updates.
func TestEntityIndexesIntegration(t *testing.T) {
	shopEngine(t, func(t *testing.T, db *dynamotest.DB, sh shop) {
		ctx := ctxT(t)
		_, err := sh.customers.Create(ctx, ShopCustomer{ID: "c1", Email: "ada@example.com", Name: "Ada"})
		require.NoError(t, err)
		flag := "fraud"
		for _, o := range []ShopOrder{order("c1", 1, "open", 10), order("c1", 2, "open", -5.5), order("c1", 3, "shipped", 99), order("c2", 4, "open", 1)} {
			if o.Number == 2 || o.Number == 4 {
				o.Flag = &flag
			}
			_, err := sh.orders.Create(ctx, o)
			require.NoError(t, err)
		}
		item := rawShopItem(t, db, "CUSTOMER#c1", "ORDER#000001")
		assert.Equal(t, s("STATUS#open"), item["GSI1PK"])
		assert.Equal(t, s("2026-03-01T13:00:00.000000000Z#c1#000001"), item["GSI1SK"])
		assert.NotContains(t, item, "GSI2PK", "no flag: not in the sparse index")
		assert.Equal(t, n("1"), item["version"])

		// Overloaded GSI1: customers by email, orders by status.
		c, err := dynamodel.First(sh.customers.Query(ctx, sh.customers.IndexPartition("GSI1", "ada@example.com")))
		require.NoError(t, err)
		assert.Equal(t, "Ada", c.Name)
		open, err := dynamodel.Collect(sh.orders.Query(ctx, sh.orders.IndexPartition("GSI1", "open")), 0)
		require.NoError(t, err)
		assert.Equal(t, []int{1, 2, 4}, numbers(open), "by placed time")
		recent, err := dynamodel.Collect(sh.orders.Query(ctx, sh.orders.IndexPartition("GSI1", "open").SortGreaterOrEqual(day.Add(2*time.Hour))), 0)
		require.NoError(t, err)
		assert.Equal(t, []int{2, 4}, numbers(recent), "a time for the sort key's first field")

		// Sparse GSI2 (KEYS_ONLY): flagged orders, by total, negative first;
		// recognised by their keys alone.
		page, err := sh.orders.QueryPage(ctx, sh.orders.IndexPartition("GSI2", "fraud"))
		require.NoError(t, err)
		assert.Equal(t, []int{2, 4}, numbers(page.Items))
		assert.Equal(t, "", page.Items[0].Status, "KEYS_ONLY projects no status")
		keysOnly, err := dynamodel.Collect(sh.table.Query(ctx, dynamodel.PartitionAttr("SK", "ORDER#000001"), func(o *dynamodel.QueryOptions) { o.Index = "InvertedIndex" }), 0)
		require.NoError(t, err)
		require.Len(t, keysOnly, 1)
		assert.Equal(t, "Order", keysOnly[0].Entity(), "recognised without a projected attribute")

		// An update of status with the key's fields only lacks placed.
		_, err = sh.orders.Update(ctx, sh.orders.Key("c1", 1), dynamodel.Set("status", "shipped"))
		var ife *dynamodel.IndexFieldsError
		require.ErrorAs(t, err, &ife)
		assert.ErrorIs(t, err, dynamodel.ErrIndexKeyFields)
		assert.Equal(t, []string{"placed"}, ife.Missing)
		assert.Equal(t, "GSI1", ife.Index)
		assert.Equal(t, s("STATUS#open"), rawShopItem(t, db, "CUSTOMER#c1", "ORDER#000001")["GSI1PK"], "nothing written")

		// Allowed to read, it rewrites GSI1's keys in the same request.
		o1, err := sh.orders.Update(ctx, sh.orders.Key("c1", 1), dynamodel.Set("status", "shipped"),
			func(o *dynamodel.UpdateOptions) { o.ReadIndexFields = true })
		require.NoError(t, err)
		assert.Equal(t, "shipped", o1.Status)
		item = rawShopItem(t, db, "CUSTOMER#c1", "ORDER#000001")
		assert.Equal(t, s("STATUS#shipped"), item["GSI1PK"])
		assert.Equal(t, s("2026-03-01T13:00:00.000000000Z#c1#000001"), item["GSI1SK"])

		// Every field given: no read. A removed flag leaves the sparse index.
		placed := day.Add(30 * time.Hour)
		_, err = sh.orders.Update(ctx, sh.orders.Key("c1", 2), dynamodel.Set("status", "held").Set("placed", placed).Remove("flag"))
		require.NoError(t, err)
		item = rawShopItem(t, db, "CUSTOMER#c1", "ORDER#000002")
		assert.Equal(t, s("STATUS#held"), item["GSI1PK"])
		assert.Equal(t, s("2026-03-02T18:00:00.000000000Z#c1#000002"), item["GSI1SK"])
		assert.NotContains(t, item, "GSI2PK")
		assert.NotContains(t, item, "GSI2SK")
		_, err = sh.orders.Update(ctx, sh.orders.Key("c1", 3), dynamodel.Set("flag", "late"))
		require.ErrorIs(t, err, dynamodel.ErrIndexKeyFields, "total is missing for GSI2")
		_, err = sh.orders.Update(ctx, sh.orders.Key("c1", 3), dynamodel.Set("flag", "late").Set("total", -1))
		require.NoError(t, err)
		assert.Equal(t, s("FLAG#late"), rawShopItem(t, db, "CUSTOMER#c1", "ORDER#000003")["GSI2PK"])

		// Changes that give no value for a key, or touch a key, are refused.
		_, err = sh.orders.Update(ctx, sh.orders.Key("c1", 3), dynamodel.Increment("total", 1))
		require.ErrorIs(t, err, dynamodel.ErrIndexKeyFields)
		_, err = sh.orders.Update(ctx, sh.orders.Key("c1", 3), dynamodel.Set("number", 7))
		require.ErrorIs(t, err, dynamodel.ErrInvalidUpdate)
		_, err = sh.orders.Update(ctx, sh.orders.Key("c1", 3), dynamodel.Set("GSI1PK", "x"))
		require.ErrorIs(t, err, dynamodel.ErrInvalidUpdate)
		_, err = sh.orders.Update(ctx, sh.orders.Key("c1", 3), dynamodel.Set("status", "a#b").Set("placed", placed))
		require.ErrorIs(t, err, dynamodel.ErrInvalidKey)
	})
}

// raceClient changes an order's placed time right after the read an
// update makes for its index keys, as a concurrent writer would.
type raceClient struct {
	dynamodel.API
	table string
}

func (c raceClient) GetItem(ctx context.Context, in *dynamodb.GetItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	out, err := c.API.GetItem(ctx, in, optFns...)
	if err == nil && in.ProjectionExpression != nil {
		_, err = c.API.UpdateItem(ctx, &dynamodb.UpdateItemInput{
			TableName: aws.String(c.table), Key: in.Key,
			UpdateExpression:          aws.String("SET placed = :p"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":p": s("2030-01-01T00:00:00Z")},
		})
	}
	return out, err
}

// TestEntityIndexReadRaceIntegration: a field read for an index key and
// changed before the update lands fails the update, so no index key is
// made from a stale field.
func TestEntityIndexReadRaceIntegration(t *testing.T) {
	shopEngine(t, func(t *testing.T, db *dynamotest.DB, sh shop) {
		ctx := ctxT(t)
		_, err := sh.orders.Create(ctx, order("c1", 1, "open", 10))
		require.NoError(t, err)
		racy := newShop(t, raceClient{API: db.Client, table: db.Table("single-table")}, db.Table("single-table"))
		_, err = racy.orders.Update(ctx, racy.orders.Key("c1", 1), dynamodel.Set("status", "shipped"),
			func(o *dynamodel.UpdateOptions) { o.ReadIndexFields = true })
		require.ErrorIs(t, err, dynamodel.ErrConditionFailed)
		item := rawShopItem(t, db, "CUSTOMER#c1", "ORDER#000001")
		assert.Equal(t, s("STATUS#open"), item["GSI1PK"], "nothing written")
		assert.Equal(t, s("open"), item["status"])
	})
}

func numbers(os []ShopOrder) []int {
	var out []int
	for _, o := range os {
		out = append(out, o.Number)
	}
	return out
}

// TestEntityOperationsIntegration: versions, timestamps and TTL, cursors,
// parallel scans, batches and transactions across entities, collections.
func TestEntityOperationsIntegration(t *testing.T) {
	shopEngine(t, func(t *testing.T, db *dynamotest.DB, sh shop) {
		ctx := ctxT(t)
		o := order("c1", 1, "open", 10)
		o.Expires = day.Add(48 * time.Hour)
		stored, err := sh.orders.Put(ctx, o)
		require.NoError(t, err)
		assert.Equal(t, int64(1), stored.Version)
		assert.False(t, stored.Updated.IsZero())
		item := rawShopItem(t, db, "CUSTOMER#c1", "ORDER#000001")
		assert.Equal(t, n("1772539200"), item["expires"], "TTL as epoch seconds")
		_, err = sh.orders.Put(ctx, o) // version 0 again: must create
		require.ErrorIs(t, err, dynamodel.ErrVersionConflict)
		stored.Total = 11
		_, err = sh.orders.Put(ctx, stored)
		require.NoError(t, err)
		_, err = sh.orders.Put(ctx, stored)
		require.ErrorIs(t, err, dynamodel.ErrVersionConflict, "stale version")

		// Batches across entities of one table.
		var orders []ShopOrder
		for i := 2; i <= 9; i++ {
			orders = append(orders, order("c1", i, "open", float64(i)))
		}
		_, err = sh.orders.BatchPut(ctx, orders, func(o *dynamodel.BatchWriteOptions) { o.SkipVersionCheck = true })
		require.NoError(t, err)
		_, err = sh.customers.BatchPut(ctx, []ShopCustomer{{ID: "c1", Email: "a@x"}, {ID: "c2", Email: "b@x"}})
		require.NoError(t, err)
		got, err := sh.orders.BatchGet(ctx, []any{sh.orders.Key("c1", 2), sh.orders.Key("c1", 3), ShopOrder{Customer: "c1", Number: 4}}, dynamodel.ConsistentRead)
		require.NoError(t, err)
		assert.ElementsMatch(t, []int{2, 3, 4}, numbers(got))

		// Cursors: pages of one entity in a partition the customer shares.
		var all []int
		cursor := ""
		for {
			page, err := sh.orders.QueryPage(ctx, sh.orders.Partition("c1"), dynamodel.ConsistentRead, func(o *dynamodel.QueryOptions) {
				o.Limit, o.Cursor = 4, cursor
			})
			require.NoError(t, err)
			all = append(all, numbers(page.Items)...)
			if cursor = page.Cursor; cursor == "" {
				break
			}
		}
		assert.Equal(t, []int{1, 2, 3, 4, 5, 6, 7, 8, 9}, all)

		// A parallel scan of one entity.
		count := 0
		for o, err := range sh.orders.Scan(ctx, dynamodel.ConsistentRead, func(o *dynamodel.ScanOptions) { o.Segments = 3 }) {
			require.NoError(t, err)
			assert.Equal(t, "c1", o.Customer)
			count++
		}
		assert.Equal(t, 9, count)

		// A collection: the customer and its orders, with one query.
		var cust []ShopCustomer
		var mine []ShopOrder
		col := sh.table.Collection(dynamodel.AppendTo(sh.customers, &cust), dynamodel.AppendTo(sh.orders, &mine))
		res, err := col.Query(ctx, dynamodel.Partition(sh.customers.PartitionKey("c1")), dynamodel.ConsistentRead)
		require.NoError(t, err)
		assert.Equal(t, dynamodel.CollectionResult{Items: 10}, res)
		assert.Equal(t, "a@x", cust[0].Email)
		assert.Len(t, mine, 9)

		// Paged, descending, with unknown items counted.
		_, err = db.Client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(db.Table("single-table")),
			Item: map[string]types.AttributeValue{"PK": s("CUSTOMER#c1"), "SK": s("PAYMENT#1")}})
		require.NoError(t, err)
		cust, mine = nil, nil
		res, err = sh.table.Collection(dynamodel.AppendTo(sh.orders, &mine)).Query(ctx,
			dynamodel.Partition(sh.customers.PartitionKey("c1")), dynamodel.ConsistentRead,
			func(o *dynamodel.QueryOptions) { o.Descending, o.Limit = true, 3 })
		require.NoError(t, err)
		assert.Equal(t, []int{9, 8}, numbers(mine), "PAYMENT#1 sorts after ORDER#: read first, descending")
		assert.Equal(t, 1, res.Unknown)
		require.NotEmpty(t, res.Cursor)
		res, err = sh.table.Collection(dynamodel.AppendTo(sh.orders, &mine), dynamodel.AppendTo(sh.customers, &cust)).Query(ctx,
			dynamodel.Partition(sh.customers.PartitionKey("c1")), dynamodel.ConsistentRead,
			func(o *dynamodel.QueryOptions) { o.Descending, o.Cursor = true, res.Cursor })
		require.NoError(t, err)
		assert.Equal(t, []int{9, 8, 7, 6, 5, 4, 3, 2, 1}, numbers(mine))
		assert.Len(t, cust, 1, "#PROFILE sorts first, so comes last")
		assert.Equal(t, "", res.Cursor)

		// A handler's ErrStop stops with a cursor after its item.
		mine = nil
		res, err = sh.table.Collection(dynamodel.On(sh.orders, func(o ShopOrder) error {
			mine = append(mine, o)
			if o.Number == 3 {
				return dynamodel.ErrStop
			}
			return nil
		})).Query(ctx, dynamodel.Partition(sh.customers.PartitionKey("c1")), dynamodel.ConsistentRead)
		require.NoError(t, err)
		assert.Equal(t, []int{1, 2, 3}, numbers(mine))
		rest, err := dynamodel.Collect(sh.orders.Query(ctx, sh.orders.Partition("c1"), dynamodel.ConsistentRead), 0)
		require.NoError(t, err)
		assert.Len(t, rest, 9)
		mine = nil
		_, err = sh.table.Collection(dynamodel.AppendTo(sh.orders, &mine)).Query(ctx, dynamodel.Partition(sh.customers.PartitionKey("c1")),
			dynamodel.ConsistentRead, func(o *dynamodel.QueryOptions) { o.Cursor = res.Cursor })
		require.NoError(t, err)
		assert.Equal(t, []int{4, 5, 6, 7, 8, 9}, numbers(mine))

		// ErrStop, wrapped or not, on the read's last item (descending,
		// #PROFILE comes last) stops it without an error or a cursor.
		for _, stop := range []error{dynamodel.ErrStop, fmt.Errorf("done: %w", dynamodel.ErrStop)} {
			cust = nil
			res, err = sh.table.Collection(dynamodel.On(sh.customers, func(c ShopCustomer) error { cust = append(cust, c); return stop })).Query(ctx,
				dynamodel.Partition(sh.customers.PartitionKey("c1")), dynamodel.ConsistentRead, func(o *dynamodel.QueryOptions) { o.Descending = true })
			require.NoError(t, err)
			assert.Len(t, cust, 1)
			assert.Equal(t, "", res.Cursor)
			assert.Equal(t, 10, res.Unknown, "nine orders and PAYMENT#1, which no handler takes")
		}

		// MaxEvaluated stops it with a cursor and an *OpError, as it
		// stops any read.
		mine = nil
		res, err = sh.table.Collection(dynamodel.AppendTo(sh.orders, &mine)).Query(ctx, dynamodel.Partition(sh.customers.PartitionKey("c1")),
			dynamodel.ConsistentRead, func(o *dynamodel.QueryOptions) { o.MaxEvaluated, o.PageSize = 3, 3 })
		require.ErrorIs(t, err, dynamodel.ErrMaxEvaluated)
		assertOpError(t, err, "Query", db.Table("single-table"))
		assert.NotEmpty(t, res.Cursor)

		// Transactions across entities (moto; dynalite has none).
		if db.Require(dynamotest.Transactions); t.Skipped() {
			return
		}
		err = dynamodel.TransactWrite(ctx, db.Client, []dynamodel.TxAction{
			sh.customers.TxCreate(ShopCustomer{ID: "c3", Email: "c@x"}),
			sh.orders.TxCreate(order("c3", 1, "open", 5)),
			sh.orders.TxUpdate(sh.orders.Key("c1", 5), dynamodel.Set("status", "shipped").Set("placed", day)),
		})
		require.NoError(t, err)
		c3 := sh.customers.TxGet("c3")
		o3 := sh.orders.TxGet(sh.orders.Key("c3", 1))
		require.NoError(t, dynamodel.TransactGet(ctx, db.Client, []dynamodel.TxGetAction{c3, o3}))
		gotC, ok := c3.Result()
		assert.True(t, ok)
		assert.Equal(t, "c@x", gotC.Email)
		gotO, ok := o3.Result()
		assert.True(t, ok)
		assert.Equal(t, 5.0, gotO.Total)
		err = dynamodel.TransactWrite(ctx, db.Client, []dynamodel.TxAction{sh.orders.TxUpdate(sh.orders.Key("c1", 6), dynamodel.Set("status", "x"))})
		require.ErrorIs(t, err, dynamodel.ErrIndexKeyFields, "a transaction cannot read first")
	})
}

// TestEntityCheckSchema checks every entity's templates and indexes
// against a create-table JSON.
func TestEntityCheckSchema(t *testing.T) {
	data, err := os.ReadFile("testdata/single-table.json")
	require.NoError(t, err)
	good, err := schema.Parse("single-table.json", data)
	require.NoError(t, err)
	// Declared without the schema: key names given by hand.
	sh := newShop(t, newStub(t), "single-table", func(o *dynamodel.TableOptions) {
		o.Schema = nil
		o.Indexes = []dynamodel.Index{{Name: "GSI1", PartitionKey: "GSI1PK", SortKey: "GSI1SK"},
			{Name: "GSI2", PartitionKey: "GSI2PK", SortKey: "GSI2SK"}, {Name: "InvertedIndex", PartitionKey: "SK", SortKey: "PK"}}
	})
	require.NoError(t, sh.table.CheckSchema(good))
	require.NoError(t, sh.orders.CheckSchema(good))

	for _, c := range []struct{ old, new, want string }{
		{`"GSI1SK", "AttributeType": "S"`, `"GSI1SK", "AttributeType": "N"`, "key GSI1SK"},
		{`"IndexName": "GSI2"`, `"IndexName": "GSI3"`, "index GSI2 (templates for GSI2PK) is not an index"},
		{`"AttributeName": "SK", "AttributeType": "S"`, `"AttributeName": "SK", "AttributeType": "B"`, `key SK (template "ORDER#{number:06}") is a string, table single-table defines B`},
		{`{ "AttributeName": "SK", "KeyType": "RANGE" }`, `{ "AttributeName": "GSI2SK", "KeyType": "RANGE" }`, "the table's keys are PK/SK, table single-table has PK/GSI2SK"},
	} {
		bad, err := schema.Parse("bad.json", []byte(strings.Replace(string(data), c.old, c.new, 1)))
		require.NoError(t, err, c.new)
		err = sh.table.CheckSchema(bad)
		require.ErrorIs(t, err, schema.ErrMismatch, c.new)
		assert.Contains(t, err.Error(), c.want)
	}
	bad, err := schema.Parse("bad.json", []byte(strings.Replace(string(data), `"IndexName": "GSI1"`, `"IndexName": "ByStatus"`, 1)))
	require.NoError(t, err)
	err = sh.customers.CheckSchema(bad)
	require.ErrorIs(t, err, schema.ErrMismatch)
	assert.Contains(t, err.Error(), "entity Customer")
	assert.Contains(t, err.Error(), "index GSI1")
}

// ShopPost is listed by creation time in GSI1 ("recent posts").
type ShopPost struct {
	ID      string    `dynamodbav:"id"`
	Title   string    `dynamodbav:"title"`
	Topic   string    `dynamodbav:"topic,omitempty"`
	Created time.Time `dynamodbav:"created" dynamodel:"created"`
}

// TestEntityUpsertCreatedInIndexKey: an upsert sets the creation time only
// if missing, so an index key made from it is set only if missing too: a
// new item enters the index at its creation time and an existing one
// stays where it is. Beside a field the update sets anyway, the stored
// time must be read (ReadIndexFields).
func TestEntityUpsertCreatedInIndexKey(t *testing.T) {
	shopEngine(t, func(t *testing.T, db *dynamotest.DB, sh shop) {
		ctx := ctxT(t)
		posts, err := dynamodel.NewEntity[ShopPost](sh.table, "Post", dynamodel.Keys("POST#{id}", "#META"),
			dynamodel.IndexKeys("GSI1", "POSTS", "{created}#{id}"))
		require.NoError(t, err)
		upsert := func(o *dynamodel.UpdateOptions) { o.Upsert = true }
		first, err := posts.Update(ctx, "p1", dynamodel.Set("title", "hello"), upsert)
		require.NoError(t, err)
		require.False(t, first.Created.IsZero())
		sortKey := first.Created.UTC().Format("2006-01-02T15:04:05.000000000Z") + "#p1"
		assert.Equal(t, s(sortKey), rawShopItem(t, db, "POST#p1", "#META")["GSI1SK"])

		later := first.Created.Add(time.Hour)
		again, err := posts.Update(ctx, "p1", dynamodel.Set("title", "again").SetIfMissing("created", later), upsert)
		require.NoError(t, err)
		assert.True(t, first.Created.Equal(again.Created), "the stored creation time stays")
		assert.Equal(t, s(sortKey), rawShopItem(t, db, "POST#p1", "#META")["GSI1SK"], "and so does the index key")
		page, err := dynamodel.Collect(posts.Query(ctx, posts.IndexPartition("GSI1")), 0)
		require.NoError(t, err)
		require.Len(t, page, 1)
		assert.Equal(t, "again", page[0].Title)

		// Beside a topic set, the creation time is read; for an upsert of
		// an item that does not exist, as absent.
		topical, err := dynamodel.NewEntity[ShopPost](sh.table, "TopicPost", dynamodel.Keys("TPOST#{id}", "#META"),
			dynamodel.IndexKeys("GSI1", "TOPIC#{topic}", "{created}#{id}"))
		require.NoError(t, err)
		readFields := func(o *dynamodel.UpdateOptions) { o.Upsert, o.ReadIndexFields = true, true }
		made, err := topical.Update(ctx, "t1", dynamodel.Set("topic", "go"), readFields)
		require.NoError(t, err)
		item := rawShopItem(t, db, "TPOST#t1", "#META")
		assert.Equal(t, s("TOPIC#go"), item["GSI1PK"])
		assert.Equal(t, s(made.Created.UTC().Format("2006-01-02T15:04:05.000000000Z")+"#t1"), item["GSI1SK"])
		moved, err := topical.Update(ctx, "t1", dynamodel.Set("topic", "db"), readFields)
		require.NoError(t, err)
		assert.True(t, made.Created.Equal(moved.Created))
		item = rawShopItem(t, db, "TPOST#t1", "#META")
		assert.Equal(t, s("TOPIC#db"), item["GSI1PK"])
		assert.Equal(t, s(made.Created.UTC().Format("2006-01-02T15:04:05.000000000Z")+"#t1"), item["GSI1SK"])
	})
}

func TestEntityUpsertIfMissingBesideAChange(t *testing.T) {
	tbl, err := dynamodel.NewTable(newStub(t), "posts", func(o *dynamodel.TableOptions) {
		o.Indexes = []dynamodel.Index{{Name: "GSI1", PartitionKey: "GSI1PK", SortKey: "GSI1SK"}}
	})
	require.NoError(t, err)
	posts, err := dynamodel.NewEntity[ShopPost](tbl, "Post", dynamodel.Keys("POST#{id}", "#META"),
		dynamodel.IndexKeys("GSI1", "TOPIC#{topic}", "{created}#{id}"))
	require.NoError(t, err)
	_, err = posts.UpdateItemInput("p1", dynamodel.Set("topic", "go"), func(o *dynamodel.UpdateOptions) { o.Upsert = true })
	var ife *dynamodel.IndexFieldsError
	require.ErrorAs(t, err, &ife)
	assert.Equal(t, []string{"created"}, ife.Missing, "the stored creation time decides the key")
	_, err = posts.UpdateItemInput("p1", dynamodel.Set("topic", "go").Increment("created", 1))
	assert.ErrorContains(t, err, `changed by an increment`)

	// Two fields set only if missing: each keeps a stored value or not on
	// its own, so the stored ones decide the keys.
	_, err = posts.UpdateItemInput("p1", dynamodel.Update{}.SetIfMissing("topic", "general"), func(o *dynamodel.UpdateOptions) { o.Upsert = true })
	require.ErrorAs(t, err, &ife)
	assert.ElementsMatch(t, []string{"topic", "created"}, ife.Missing)
	// An empty value set if missing empties no stored field: alone, it
	// leaves the index keys as they are; beside a change, the stored value
	// is read.
	in, err := posts.UpdateItemInput("p1", dynamodel.Update{}.SetIfMissing("created", time.Time{}).Set("title", "t"))
	require.NoError(t, err)
	assert.NotContains(t, *in.UpdateExpression, "REMOVE")
	assert.NotContains(t, slices.Collect(maps.Values(in.ExpressionAttributeNames)), "GSI1SK")
	_, err = posts.UpdateItemInput("p1", dynamodel.Update{}.SetIfMissing("created", time.Time{}).Set("topic", "go"))
	require.ErrorAs(t, err, &ife)
	assert.Equal(t, []string{"created"}, ife.Missing)
}

// TestEntityKeyFieldsOnlyInKeyIntegration: an item whose key fields are
// in its key alone (written by another client in the same layout) keeps
// its index keys when an update read for them changes a field: the key
// fields are taken from the key, not left empty (which took the item out
// of the index). An upsert that creates an item with a read does the same.
func TestEntityKeyFieldsOnlyInKeyIntegration(t *testing.T) {
	shopEngine(t, func(t *testing.T, db *dynamotest.DB, sh shop) {
		ctx := ctxT(t)
		_, err := db.Client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(db.Table("single-table")), Item: map[string]types.AttributeValue{
			"PK": s("CUSTOMER#c1"), "SK": s("ORDER#000001"), "status": s("open"), "placed": s("2026-03-01T13:00:00Z"),
			"GSI1PK": s("STATUS#open"), "GSI1SK": s("2026-03-01T13:00:00.000000000Z#c1#000001"),
		}})
		require.NoError(t, err)
		readFields := func(o *dynamodel.UpdateOptions) { o.ReadIndexFields = true }
		raw := dynamodel.Key{Hash: "CUSTOMER#c1", Range: "ORDER#000001"}
		_, err = sh.orders.Update(ctx, raw, dynamodel.Set("status", "shipped"), readFields)
		require.NoError(t, err)
		item := rawShopItem(t, db, "CUSTOMER#c1", "ORDER#000001")
		assert.Equal(t, s("STATUS#shipped"), item["GSI1PK"])
		assert.Equal(t, s("2026-03-01T13:00:00.000000000Z#c1#000001"), item["GSI1SK"])

		upsertRead := func(o *dynamodel.UpdateOptions) { o.Upsert, o.ReadIndexFields = true, true }
		_, err = sh.orders.Update(ctx, dynamodel.Key{Hash: "CUSTOMER#c2", Range: "ORDER#000007"},
			dynamodel.Set("status", "open").Set("placed", day), upsertRead)
		require.NoError(t, err)
		item = rawShopItem(t, db, "CUSTOMER#c2", "ORDER#000007")
		assert.Equal(t, s("STATUS#open"), item["GSI1PK"])
		assert.Equal(t, s("2026-03-01T12:00:00.000000000Z#c2#000007"), item["GSI1SK"])
	})
}

// TestEntityUpsertStoresKeyFieldsIntegration: an item an upsert creates
// holds its key fields as attributes, as a Put's does, whether the key was
// given by its fields or as raw key values; a stored value stays.
func TestEntityUpsertStoresKeyFieldsIntegration(t *testing.T) {
	shopEngine(t, func(t *testing.T, db *dynamotest.DB, sh shop) {
		ctx := ctxT(t)
		upsert := func(o *dynamodel.UpdateOptions) { o.Upsert = true }
		_, err := sh.orders.Update(ctx, sh.orders.Key("c1", 1), dynamodel.Set("status", "open").Set("placed", day), upsert)
		require.NoError(t, err)
		item := rawShopItem(t, db, "CUSTOMER#c1", "ORDER#000001")
		assert.Equal(t, s("c1"), item["customer"])
		assert.Equal(t, n("1"), item["number"])

		_, err = sh.customers.Update(ctx, dynamodel.Key{Hash: "CUSTOMER#c9", Range: "#PROFILE"}, dynamodel.Set("name", "Nine"), upsert)
		require.NoError(t, err)
		assert.Equal(t, s("c9"), rawShopItem(t, db, "CUSTOMER#c9", "#PROFILE")["id"])
		got, err := dynamodel.Collect(sh.orders.Query(ctx, sh.orders.Partition("c1"), func(o *dynamodel.QueryOptions) {
			o.Filter = dynamodel.Equal(dynamodel.Name("customer"), "c1")
		}), 0)
		require.NoError(t, err)
		assert.Equal(t, []int{1}, numbers(got), "a filter on a key field finds the upserted item")
	})
}

// TestEntitySortConditionOnInnerField: a sort condition on a field that
// more of the template follows (GSI1's {placed}#{customer}#{number})
// selects by the field's value: the keys of a placed time are that time
// and more, so "=", ">", "<=" and BETWEEN's upper bound must reach past
// them.
func TestEntitySortConditionOnInnerFieldIntegration(t *testing.T) {
	shopEngine(t, func(t *testing.T, db *dynamotest.DB, sh shop) {
		ctx := ctxT(t)
		for _, o := range []ShopOrder{order("c1", 1, "open", 10), order("c1", 2, "open", -5.5), order("c2", 4, "open", 1)} {
			_, err := sh.orders.Create(ctx, o)
			require.NoError(t, err)
		}
		open := sh.orders.IndexPartition("GSI1", "open")
		at := day.Add(2 * time.Hour)
		for _, tc := range []struct {
			name string
			kc   dynamodel.KeyCondition
			want []int
		}{
			{"=", open.SortEqual(at), []int{2}},
			{">", open.SortGreater(at), []int{4}},
			{">=", open.SortGreaterOrEqual(at), []int{2, 4}},
			{"<", open.SortLess(at), []int{1}},
			{"<=", open.SortLessOrEqual(at), []int{1, 2}},
			{"between", open.SortBetween(day.Add(time.Hour), at), []int{1, 2}},
			{"begins_with", open.SortBeginsWith(at), []int{2}},
			{"= a string", open.SortEqual("2026-03-01T14:00:00.000000000Z"), []int{2}},
			{"begins_with a string", open.SortBeginsWith("2026-03-01T1"), []int{1, 2, 4}},
		} {
			got, err := dynamodel.Collect(sh.orders.Query(ctx, tc.kc), 0)
			require.NoError(t, err, tc.name)
			assert.Equal(t, tc.want, numbers(got), tc.name)
		}
	})
}

// TestCollectionDoesNotDecodeOthers: a collection counts the items of
// entities it has no handler for without decoding them, so one of them
// that its own type could not hold does not fail the read.
func TestCollectionDoesNotDecodeOthersIntegration(t *testing.T) {
	shopEngine(t, func(t *testing.T, db *dynamotest.DB, sh shop) {
		ctx := ctxT(t)
		_, err := sh.orders.Create(ctx, order("c1", 1, "open", 10))
		require.NoError(t, err)
		_, err = db.Client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(db.Table("single-table")),
			Item: map[string]types.AttributeValue{"PK": s("CUSTOMER#c1"), "SK": s("#PROFILE"), "id": s("c1"), "name": &types.AttributeValueMemberBOOL{Value: true}}})
		require.NoError(t, err)
		var mine []ShopOrder
		res, err := sh.table.Collection(dynamodel.AppendTo(sh.orders, &mine)).Query(ctx,
			dynamodel.Partition(sh.customers.PartitionKey("c1")), dynamodel.ConsistentRead)
		require.NoError(t, err)
		assert.Equal(t, dynamodel.CollectionResult{Items: 1, Unknown: 1}, res)
		assert.Equal(t, []int{1}, numbers(mine))

		var cust []ShopCustomer
		_, err = sh.table.Collection(dynamodel.AppendTo(sh.customers, &cust)).Query(ctx,
			dynamodel.Partition(sh.customers.PartitionKey("c1")), dynamodel.ConsistentRead)
		assert.ErrorIs(t, err, dynamodel.ErrInvalidItem, "an item of the collection's own entity that does not decode fails it")
	})
}

// TestCollectionEntityTypeMismatch: an item whose entity-type attribute
// names another entity than its key is not decoded: a collection counts
// it, and Table.Get reports it as of the wrong entity, even when the type
// its key says could not hold it.
func TestCollectionEntityTypeMismatchIntegration(t *testing.T) {
	shopEngine(t, func(t *testing.T, db *dynamotest.DB, sh shop) {
		ctx := ctxT(t)
		_, err := sh.orders.Create(ctx, order("c1", 1, "open", 10))
		require.NoError(t, err)
		_, err = db.Client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(db.Table("single-table")),
			Item: map[string]types.AttributeValue{"PK": s("CUSTOMER#c1"), "SK": s("ORDER#000002"), "_et": s("Refund"),
				"status": &types.AttributeValueMemberBOOL{Value: true}}})
		require.NoError(t, err)
		var mine []ShopOrder
		res, err := sh.table.Collection(dynamodel.AppendTo(sh.orders, &mine)).Query(ctx,
			dynamodel.Partition(sh.customers.PartitionKey("c1")), dynamodel.ConsistentRead)
		require.NoError(t, err)
		assert.Equal(t, dynamodel.CollectionResult{Items: 1, Unknown: 1}, res)
		_, err = sh.table.Get(ctx, sh.orders.Key("c1", 2), dynamodel.ConsistentRead)
		assert.ErrorIs(t, err, dynamodel.ErrWrongEntity)
		// The table's own reads pass over it and count it.
		var c dynamodel.Capacity
		items, err := dynamodel.Collect(sh.table.Query(ctx, dynamodel.Partition(sh.customers.PartitionKey("c1")),
			dynamodel.ConsistentRead, func(o *dynamodel.QueryOptions) { o.Capacity = &c }), 0)
		require.NoError(t, err)
		require.Len(t, items, 1)
		assert.Equal(t, "Order", items[0].Entity())
		assert.Equal(t, 1, c.Usage().Skipped, "the item whose _et contradicts its key")
		page, err := sh.table.QueryPage(ctx, dynamodel.Partition(sh.customers.PartitionKey("c1")), dynamodel.ConsistentRead)
		require.NoError(t, err)
		assert.Equal(t, 1, page.Skipped)

		// Table.Get and Table.Delete give its attributes with the error;
		// Delete has deleted it.
		for _, op := range []func() (dynamodel.Item, error){
			func() (dynamodel.Item, error) {
				return sh.table.Get(ctx, sh.orders.Key("c1", 2), dynamodel.ConsistentRead)
			},
			func() (dynamodel.Item, error) { return sh.table.Delete(ctx, sh.orders.Key("c1", 2)) },
		} {
			it, err := op()
			var we *dynamodel.WrongEntityError
			require.ErrorAs(t, err, &we)
			assert.Equal(t, "Refund", we.Found)
			assert.Equal(t, "", it.Entity())
			assert.Equal(t, s("Refund"), it.Raw()["_et"])
		}
		_, err = sh.table.Get(ctx, sh.orders.Key("c1", 2), dynamodel.ConsistentRead)
		assert.ErrorIs(t, err, dynamodel.ErrNotFound)
	}, func(o *dynamodel.TableOptions) { o.EntityType = "_et" })
}
