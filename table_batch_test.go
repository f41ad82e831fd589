package dynamodel_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/dynamotest"
)

// entities returns the entity names of items, in order.
func entities(items []dynamodel.Item) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.Entity()
	}
	return out
}

// TestTableBatchIntegration writes users and photos in one batch (more
// than one request's worth), reads them back with one BatchGet of keys of
// both entities and with a table query, and deletes some of each in one
// BatchWrite that also puts.
func TestTableBatchIntegration(t *testing.T) {
	quickPhotosEngine(t, func(t *testing.T, db *dynamotest.DB, q quickPhotos) {
		ctx := ctxT(t)
		// An item of no declared entity, written by another client.
		_, err := db.Client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(db.Table("quick-photos")),
			Item: map[string]types.AttributeValue{"PK": s("USER#ada"), "SK": s("NOTE#1"), "text": s("not an entity")}})
		require.NoError(t, err)

		var puts []dynamodel.Item
		for _, name := range []string{"ada", "bob", "cy"} {
			puts = append(puts, q.users.Item(AppUser{Username: name, Name: "Name of " + name}))
			for i := range 10 {
				puts = append(puts, q.photos.Item(AppPhoto{Username: name, Timestamp: fmt.Sprintf("2019-03-%02dT00:00:00", i+1),
					Location: "https://photos.example/" + name, Reactions: map[string]int{"heart": i}}))
			}
		}
		stored, err := q.table.BatchPut(ctx, puts)
		require.NoError(t, err)
		require.Len(t, stored, 33)
		assert.Equal(t, entities(puts), entities(stored))
		u, ok := dynamodel.As(q.users, stored[0])
		require.True(t, ok)
		assert.Equal(t, AppUser{Username: "ada", Name: "Name of ada"}, u)
		assert.Equal(t, s("PHOTO#ada#2019-03-01T00:00:00"), stored[1].Raw()["SK"], "Raw: the attributes written")
		assert.Nil(t, puts[1].Raw(), "the Items passed are left alone")
		assert.Equal(t, map[string]types.AttributeValue{
			"PK": s("USER#bob"), "SK": s("#METADATA#bob"),
			"username": s("bob"), "name": s("Name of bob"), "followers": n("0"), "following": n("0"),
		}, rawItem(t, db, "USER#bob", "#METADATA#bob"))

		// One BatchGet of keys of both entities, an entity's key and a raw
		// Key, a key with no item and the key of an item of no entity: in
		// the order of the keys, each as its entity.
		got, err := q.table.BatchGet(ctx, []any{
			q.photos.Key("bob", "2019-03-05T00:00:00"),
			q.users.Key("cy"),
			q.users.Key("nobody"),
			dynamodel.Key{Hash: "USER#ada", Range: "NOTE#1"},
			dynamodel.Key{Hash: q.users.PartitionKey("ada"), Range: q.users.SortKey("ada")},
		}, dynamodel.ConsistentRead)
		require.NoError(t, err)
		assert.Equal(t, []string{"Photo", "User", "", "User"}, entities(got))
		p, ok := dynamodel.As(q.photos, got[0])
		require.True(t, ok)
		assert.Equal(t, AppPhoto{Username: "bob", Timestamp: "2019-03-05T00:00:00", Location: "https://photos.example/bob",
			Reactions: map[string]int{"heart": 4}}, p)
		_, ok = dynamodel.As(q.users, got[0])
		assert.False(t, ok, "never the wrong type")
		assert.Equal(t, s("not an entity"), got[2].Raw()["text"])
		u, _ = dynamodel.As(q.users, got[3])
		assert.Equal(t, "ada", u.Username)

		// With a projection, each entity's key fields are read from its keys.
		proj, err := q.table.BatchGet(ctx, []any{q.users.Key("cy"), q.photos.Key("cy", "2019-03-02T00:00:00")}, func(o *dynamodel.BatchGetOptions) {
			o.ConsistentRead, o.Projection = true, []string{"name", "location"}
		})
		require.NoError(t, err)
		u, _ = dynamodel.As(q.users, proj[0])
		assert.Equal(t, AppUser{Username: "cy", Name: "Name of cy"}, u)
		p, _ = dynamodel.As(q.photos, proj[1])
		assert.Equal(t, AppPhoto{Username: "cy", Timestamp: "2019-03-02T00:00:00", Location: "https://photos.example/cy"}, p)

		// A table query of ada's partition sees what the batch wrote.
		kinds := map[string]int{}
		for it, err := range q.table.Query(ctx, dynamodel.Partition(q.users.PartitionKey("ada")), dynamodel.ConsistentRead) {
			require.NoError(t, err)
			kinds[it.Entity()]++
		}
		assert.Equal(t, map[string]int{"User": 1, "Photo": 10, "": 1}, kinds)

		// A mixed write: delete bob and two of his photos (an entity's key,
		// a T, a raw Key), put a friendship, and put back an Item read by
		// the table (cy's user), changed.
		cy, _ := dynamodel.As(q.users, got[1])
		cy.Followers = 7
		stored, err = q.table.BatchWrite(ctx,
			[]dynamodel.Item{q.follows.Item(AppFollow{Followed: "ada", Following: "cy", Timestamp: "2019-04-01"}), q.users.Item(cy)},
			[]any{
				q.users.Key("bob"),
				q.photos.Key("bob", "2019-03-01T00:00:00"),
				dynamodel.Key{Hash: "USER#bob", Range: q.photos.SortKey("bob", "2019-03-02T00:00:00")},
			})
		require.NoError(t, err)
		assert.Equal(t, []string{"Friendship", "User"}, entities(stored))
		assert.Nil(t, rawItem(t, db, "USER#bob", "#METADATA#bob"))
		assert.Nil(t, rawItem(t, db, "USER#bob", "PHOTO#bob#2019-03-01T00:00:00"))
		assert.Nil(t, rawItem(t, db, "USER#bob", "PHOTO#bob#2019-03-02T00:00:00"))
		assert.NotNil(t, rawItem(t, db, "USER#bob", "PHOTO#bob#2019-03-03T00:00:00"))
		assert.Equal(t, n("7"), rawItem(t, db, "USER#cy", "#METADATA#cy")["followers"])
		f, err := q.follows.Get(ctx, AppFollow{Followed: "ada", Following: "cy"}, dynamodel.ConsistentRead)
		require.NoError(t, err)
		assert.Equal(t, "2019-04-01", f.Timestamp)

		require.NoError(t, q.table.BatchDelete(ctx, []any{q.users.Key("cy"), q.follows.Key("ada", "cy")}))
		got, err = q.table.BatchGet(ctx, []any{q.users.Key("cy"), q.follows.Key("ada", "cy"), q.users.Key("ada")}, dynamodel.ConsistentRead)
		require.NoError(t, err)
		assert.Equal(t, []string{"User"}, entities(got))
	})
}

// TestTableBatchShopIntegration puts items of a versioned entity with
// timestamps and index keys, and of another, in one batch on a table with
// an entity-type attribute: each is stored as its entity's own Put stores
// it, and returned as stored.
func TestTableBatchShopIntegration(t *testing.T) {
	shopEngine(t, func(t *testing.T, db *dynamotest.DB, sh shop) {
		ctx := ctxT(t)
		flag := "fraud"
		o2 := order("c1", 2, "open", -5.5)
		o2.Flag = &flag
		puts := []dynamodel.Item{
			sh.customers.Item(ShopCustomer{ID: "c1", Email: "ada@example.com", Name: "Ada"}),
			sh.orders.Item(order("c1", 1, "open", 10)),
			sh.orders.Item(o2),
		}
		_, err := sh.table.BatchPut(ctx, puts)
		require.ErrorIs(t, err, dynamodel.ErrInvalidItem)
		assert.ErrorContains(t, err, "invalid item: entity Order is versioned and a batch cannot check versions")

		stored, err := sh.table.BatchPut(ctx, puts, func(o *dynamodel.BatchWriteOptions) { o.SkipVersionCheck = true })
		require.NoError(t, err)
		o, ok := dynamodel.As(sh.orders, stored[1])
		require.True(t, ok)
		assert.Equal(t, int64(1), o.Version, "stored with its version set")
		assert.Equal(t, newClock().Now(), o.Updated, "and its timestamp")
		passed, _ := dynamodel.As(sh.orders, puts[1])
		assert.Zero(t, passed.Version, "the Items passed are left alone")

		item := rawShopItem(t, db, "CUSTOMER#c1", "ORDER#000001")
		assert.Equal(t, s("Order"), item["_et"])
		assert.Equal(t, n("1"), item["version"])
		assert.Equal(t, s("STATUS#open"), item["GSI1PK"])
		assert.NotContains(t, item, "GSI2PK", "no flag: not in the sparse index")
		assert.Equal(t, stored[1].Raw(), item, "Raw is what was written")
		item = rawShopItem(t, db, "CUSTOMER#c1", "ORDER#000002")
		assert.Equal(t, s("FLAG#fraud"), item["GSI2PK"])
		item = rawShopItem(t, db, "CUSTOMER#c1", "#PROFILE")
		assert.Equal(t, s("Customer"), item["_et"])
		assert.Equal(t, s("EMAIL#ada@example.com"), item["GSI1PK"])

		got, err := sh.table.BatchGet(ctx, []any{sh.orders.Key("c1", 2), sh.customers.Key("c1"), sh.orders.Key("c1", 1)}, dynamodel.ConsistentRead)
		require.NoError(t, err)
		assert.Equal(t, []string{"Order", "Customer", "Order"}, entities(got))
		back, _ := dynamodel.As(sh.orders, got[2])
		assert.Equal(t, o, back)
	}, func(o *dynamodel.TableOptions) { o.EntityType = "_et" })
}

// TestTableBatchRejectsBeforeAnyCall: every mistake in a table's batch is
// a typed error before any call (the stub fails the test on any).
func TestTableBatchRejectsBeforeAnyCall(t *testing.T) {
	stub := newStub(t)
	q := newQuickPhotos(t, stub, "quick-photos")
	other := newQuickPhotos(t, newStub(t), "other-photos")
	again := newQuickPhotos(t, newStub(t), "quick-photos")
	ctx := context.Background()
	ada := AppUser{Username: "ada"}
	noEntity, err := q.table.Decode(map[string]types.AttributeValue{"PK": s("USER#ada"), "SK": s("NOTE#1")})
	require.NoError(t, err)
	require.Equal(t, "", noEntity.Entity())

	for name, c := range map[string]struct {
		puts    []dynamodel.Item
		deletes []any
		is      error
		msg     string
	}{
		"zero Item":           {puts: []dynamodel.Item{q.users.Item(ada), {}}, is: dynamodel.ErrInvalidItem, msg: "item 1: dynamodel: invalid item: the zero Item"},
		"Item of no entity":   {puts: []dynamodel.Item{noEntity}, is: dynamodel.ErrInvalidItem, msg: `item PK="USER#ada" SK="NOTE#1", of no entity table quick-photos declares`},
		"another table's":     {puts: []dynamodel.Item{other.users.Item(ada)}, is: dynamodel.ErrInvalidItem, msg: "an Item of entity User of table other-photos"},
		"another Table value": {puts: []dynamodel.Item{again.users.Item(ada)}, is: dynamodel.ErrInvalidItem, msg: "an Item of entity User of another Table of table quick-photos"},
		"separator in a key":  {puts: []dynamodel.Item{q.users.Item(ada), q.photos.Item(AppPhoto{Username: "a#b", Timestamp: "t"})}, is: dynamodel.ErrInvalidKey, msg: `item 1: `},
		"empty key field":     {puts: []dynamodel.Item{q.users.Item(AppUser{})}, is: dynamodel.ErrInvalidKey, msg: "a key field needs a value"},
		"put and delete":      {puts: []dynamodel.Item{q.users.Item(ada)}, deletes: []any{q.photos.Key("ada", "t"), dynamodel.Key{Hash: "USER#ada", Range: "#METADATA#ada"}}, is: dynamodel.ErrDuplicateKey, msg: `PK="USER#ada" SK="#METADATA#ada" appears twice`},
		"two puts":            {puts: []dynamodel.Item{q.users.Item(ada), q.photos.Item(AppPhoto{Username: "ada", Timestamp: "t"}), q.users.Item(AppUser{Username: "ada", Name: "again"})}, is: dynamodel.ErrDuplicateKey},
		"two deletes":         {deletes: []any{q.users.Key("ada"), dynamodel.Key{Hash: "USER#ada", Range: "#METADATA#ada"}}, is: dynamodel.ErrDuplicateKey},
		"zero EntityKey":      {deletes: []any{q.users.Key("ada"), dynamodel.EntityKey{}}, is: dynamodel.ErrInvalidKey, msg: "delete 1: dynamodel: invalid key: a zero EntityKey"},
		"another table's key": {deletes: []any{other.photos.Key("ada", "t")}, is: dynamodel.ErrInvalidKey, msg: "a key of entity Photo of table other-photos"},
		"bad key":             {deletes: []any{q.photos.Key("ada")}, is: dynamodel.ErrInvalidKey, msg: "delete 0: "},
		"a T is no key":       {deletes: []any{AppUser{Username: "ada"}}, is: dynamodel.ErrInvalidKey, msg: "delete 0: dynamodel: invalid key: a key of table quick-photos is an EntityKey (Entity.Key) or a Key of its key attributes' values, not a dynamodel_test.AppUser"},
	} {
		_, err := q.table.BatchWrite(ctx, c.puts, c.deletes)
		require.ErrorIs(t, err, c.is, name)
		var op *dynamodel.OpError
		assert.ErrorAs(t, err, &op, name)
		assert.ErrorContains(t, err, c.msg, name)
	}

	for name, c := range map[string]struct {
		keys []any
		is   error
		msg  string
	}{
		"twice, as two kinds of key": {keys: []any{q.users.Key("ada"), dynamodel.Key{Hash: "USER#ada", Range: "#METADATA#ada"}}, is: dynamodel.ErrDuplicateKey},
		"zero EntityKey":             {keys: []any{&dynamodel.EntityKey{}}, is: dynamodel.ErrInvalidKey, msg: "key 0: dynamodel: invalid key: a zero EntityKey"},
		"another Table's key":        {keys: []any{q.users.Key("ada"), again.users.Key("bob")}, is: dynamodel.ErrInvalidKey, msg: "key 1: dynamodel: invalid key: a key of entity User of another Table of table quick-photos"},
		"a key that cannot render":   {keys: []any{q.users.Key("a#b")}, is: dynamodel.ErrInvalidKey},
	} {
		_, err := q.table.BatchGet(ctx, c.keys)
		require.ErrorIs(t, err, c.is, name)
		assert.ErrorContains(t, err, c.msg, name)
	}

	// The table's Get and Delete check keys as its batches do.
	for _, key := range []any{other.photos.Key("ada", "t"), again.users.Key("ada"), AppUser{Username: "ada"}} {
		_, err := q.table.Get(ctx, key)
		assert.ErrorIs(t, err, dynamodel.ErrInvalidKey, "Get %T", key)
		_, err = q.table.Delete(ctx, key)
		assert.ErrorIs(t, err, dynamodel.ErrInvalidKey, "Delete %T", key)
	}

	sh := newShop(t, stub, "single-table")
	_, err = sh.table.BatchPut(ctx, []dynamodel.Item{sh.customers.Item(ShopCustomer{ID: "c1"}), sh.orders.Item(order("c1", 1, "open", 1))})
	assert.ErrorIs(t, err, dynamodel.ErrInvalidItem)
	assert.ErrorContains(t, err, "invalid item: entity Order is versioned")
	assert.Empty(t, stub.Calls())
}

// TestTableBatchWriteReportsWhatWasNotDone: DynamoDB leaves every photo
// unprocessed; the error sorts the writes, as passed, into done and not
// done, and the puts come back as stored all the same. The photos are in
// the last of the two requests, sent one after the other: a request that
// has not started when another fails is not sent (not done), so with the
// photos first the outcome would depend on timing.
func TestTableBatchWriteReportsWhatWasNotDone(t *testing.T) {
	stub := newStub(t)
	var mu sync.Mutex
	sends := 0
	stub.batchPut = func(in *dynamodb.BatchWriteItemInput) (*dynamodb.BatchWriteItemOutput, error) {
		mu.Lock()
		defer mu.Unlock()
		sends++
		out := &dynamodb.BatchWriteItemOutput{UnprocessedItems: map[string][]types.WriteRequest{}}
		for table, reqs := range in.RequestItems {
			for _, r := range reqs {
				if r.PutRequest != nil && r.PutRequest.Item["timestamp"] != nil {
					out.UnprocessedItems[table] = append(out.UnprocessedItems[table], r)
				}
			}
		}
		return out, nil
	}
	q := newQuickPhotos(t, stub, "quick-photos", func(o *dynamodel.TableOptions) {
		o.Batch.BaseDelay, o.Batch.MaxDelay, o.Batch.MaxAttempts, o.Batch.Concurrency = 1e6, 5e6, 2, 1
	})
	var puts []dynamodel.Item
	for i := range 30 {
		puts = append(puts, q.users.Item(AppUser{Username: fmt.Sprintf("u%02d", i)}))
	}
	for i := range 3 {
		puts = append(puts, q.photos.Item(AppPhoto{Username: fmt.Sprintf("u%02d", i*10), Timestamp: "2019"}))
	}
	deletes := []any{q.users.Key("gone"), q.photos.Key("gone", "2019")}
	stored, err := q.table.BatchWrite(context.Background(), puts, deletes)
	require.ErrorIs(t, err, dynamodel.ErrBatchIncomplete)
	var be *dynamodel.BatchWriteError[dynamodel.Item]
	require.ErrorAs(t, err, &be)
	assert.Equal(t, puts[30:], be.NotDone.Puts, "the photos, as passed, in order")
	assert.Len(t, be.Done.Puts, 30)
	assert.Equal(t, deletes, be.Done.Deletes)
	assert.Zero(t, be.Unknown.Len())
	assert.Contains(t, be.Error(), "dynamodel: BatchWriteItem quick-photos: 3 put(s) and 0 delete(s) not done")
	assert.Contains(t, be.Error(), "still unprocessed after 2 attempts")
	assert.Equal(t, entities(puts), entities(stored))
	assert.Equal(t, 3, sends, "two requests, the one with the photos sent twice")
}

// TestEntityZeroKeyIsInvalid: an EntityKey not made by Entity.Key is
// ErrInvalidKey before any call, for an entity (it panicked) and for the
// table's own reads (they sent an empty key); a *EntityKey is a key of the
// table's reads as an EntityKey is.
func TestEntityZeroKeyIsInvalid(t *testing.T) {
	stub := newStub(t)
	q := newQuickPhotos(t, stub, "quick-photos")
	ctx := context.Background()
	for _, key := range []any{dynamodel.EntityKey{}, &dynamodel.EntityKey{}} {
		_, err := q.users.Get(ctx, key)
		assert.ErrorIs(t, err, dynamodel.ErrInvalidKey)
		assert.ErrorContains(t, err, "a zero EntityKey: make keys with Entity.Key")
		_, err = q.table.Get(ctx, key)
		assert.ErrorIs(t, err, dynamodel.ErrInvalidKey)
		assert.ErrorContains(t, err, "a zero EntityKey: make keys with Entity.Key")
		_, err = q.table.BatchGet(ctx, []any{q.users.Key("ada"), key})
		assert.ErrorContains(t, err, "key 1: dynamodel: invalid key: a zero EntityKey")
		err = q.table.BatchDelete(ctx, []any{key})
		assert.ErrorContains(t, err, "delete 0: dynamodel: invalid key: a zero EntityKey")
	}
	_, err := q.table.Get(ctx, (*dynamodel.EntityKey)(nil))
	assert.ErrorContains(t, err, "nil *EntityKey")
	assert.Empty(t, stub.Calls())

	var sent map[string]types.AttributeValue
	stub.get = func(in *dynamodb.GetItemInput) (*dynamodb.GetItemOutput, error) {
		sent = in.Key
		return &dynamodb.GetItemOutput{}, nil
	}
	key := q.photos.Key("ada", "2019")
	_, err = q.table.Get(ctx, &key)
	assert.ErrorIs(t, err, dynamodel.ErrNotFound)
	assert.Equal(t, map[string]types.AttributeValue{"PK": s("USER#ada"), "SK": s("PHOTO#ada#2019")}, sent)
}

// TestTableBatchPutManyItems puts enough items of two entities that they
// are encoded on several cores (under -race, a check that the entities'
// encoders share nothing unguarded): each reaches the service once.
func TestTableBatchPutManyItems(t *testing.T) {
	stub := newStub(t)
	var mu sync.Mutex
	seen := map[string]int{}
	stub.batchPut = func(in *dynamodb.BatchWriteItemInput) (*dynamodb.BatchWriteItemOutput, error) {
		mu.Lock()
		defer mu.Unlock()
		for _, reqs := range in.RequestItems {
			for _, r := range reqs {
				it := r.PutRequest.Item
				seen[it["PK"].(*types.AttributeValueMemberS).Value+" "+it["SK"].(*types.AttributeValueMemberS).Value]++
			}
		}
		return &dynamodb.BatchWriteItemOutput{}, nil
	}
	q := newQuickPhotos(t, stub, "quick-photos")
	var puts []dynamodel.Item
	for i := range 1500 {
		name := fmt.Sprintf("u%04d", i)
		if i%3 == 0 {
			puts = append(puts, q.users.Item(AppUser{Username: name}))
		} else {
			puts = append(puts, q.photos.Item(AppPhoto{Username: name, Timestamp: "2019"}))
		}
	}
	stored, err := q.table.BatchPut(context.Background(), puts)
	require.NoError(t, err)
	assert.Len(t, seen, 1500)
	for k, n := range seen {
		require.Equal(t, 1, n, k)
	}
	for i, it := range stored {
		require.Equal(t, puts[i].Entity(), it.Entity())
		require.NotNil(t, it.Raw())
	}
}

// TestTableBatchWithALostAnswerIsUnknownIntegration loses the answer of a
// request the engine applied, and throttles every later send: the puts
// and deletes of both entities are reported unknown, as passed, and the
// engine has the puts.
func TestTableBatchWithALostAnswerIsUnknownIntegration(t *testing.T) {
	quickPhotosEngine(t, func(t *testing.T, db *dynamotest.DB, q quickPhotos) {
		ctx := ctxT(t)
		f := &dynamotest.Faults{}
		client := db.Engine.Client(f.Option(), func(o *dynamodb.Options) {
			o.Retryer = retry.AddWithMaxBackoffDelay(retry.NewStandard(), 20*time.Millisecond)
		})
		fq := newQuickPhotos(t, client, db.Table("quick-photos"), func(o *dynamodel.TableOptions) {
			o.Batch.BaseDelay, o.Batch.MaxDelay, o.Batch.MaxAttempts = 1e6, 5e6, 2
		})
		puts := []dynamodel.Item{fq.users.Item(AppUser{Username: "ada"}), fq.photos.Item(AppPhoto{Username: "ada", Timestamp: "2019"})}
		deletes := []any{fq.photos.Key("ada", "2018")}
		f.Add("BatchWriteItem", dynamotest.LoseResponse, 1)
		f.Add("BatchWriteItem", dynamotest.Throttle, 1000)
		_, err := fq.table.BatchWrite(ctx, puts, deletes)
		var be *dynamodel.BatchWriteError[dynamodel.Item]
		require.ErrorAs(t, err, &be)
		assert.Equal(t, puts, be.Unknown.Puts)
		assert.Equal(t, deletes, be.Unknown.Deletes)
		assert.Zero(t, be.NotDone.Len()+be.Done.Len())

		got, err := q.table.BatchGet(ctx, []any{q.users.Key("ada"), q.photos.Key("ada", "2019")}, dynamodel.ConsistentRead)
		require.NoError(t, err)
		assert.Equal(t, []string{"User", "Photo"}, entities(got), "the lost request was applied")
	})
}

// TestTableBatchGetProjectionChecksEntityTypeIntegration: a projected
// BatchGet reads the entity-type attribute too, so an item whose attribute
// names another entity than its key is reported as Get reports it, not
// decoded as the entity its key says.
func TestTableBatchGetProjectionChecksEntityTypeIntegration(t *testing.T) {
	shopEngine(t, func(t *testing.T, db *dynamotest.DB, sh shop) {
		ctx := ctxT(t)
		_, err := db.Client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(db.Table("single-table")),
			Item: map[string]types.AttributeValue{"PK": s("CUSTOMER#c1"), "SK": s("ORDER#000002"), "_et": s("Refund"), "status": s("open")}})
		require.NoError(t, err)
		status := func(o *dynamodel.BatchGetOptions) { o.ConsistentRead, o.Projection = true, []string{"status"} }
		_, err = sh.table.BatchGet(ctx, []any{sh.orders.Key("c1", 2)}, status)
		assert.ErrorIs(t, err, dynamodel.ErrWrongEntity)
		_, err = sh.orders.BatchGet(ctx, []any{sh.orders.Key("c1", 2)}, status)
		assert.ErrorIs(t, err, dynamodel.ErrWrongEntity)
	}, func(o *dynamodel.TableOptions) { o.EntityType = "_et" })
}

// TestTableWithoutSortKeyTakesAPartitionKeyValue: a table without a sort
// key takes its partition key's value as a key in Get and BatchGet (the
// key checks of the table's batches refused a string), and a struct that
// is no key is refused, naming its type, before any call.
func TestTableWithoutSortKeyTakesAPartitionKeyValue(t *testing.T) {
	ctx := context.Background()
	stub := newStub(t)
	var keys []map[string]types.AttributeValue
	stub.get = func(in *dynamodb.GetItemInput) (*dynamodb.GetItemOutput, error) {
		keys = append(keys, in.Key)
		return &dynamodb.GetItemOutput{}, nil
	}
	stub.batchGet = func(in *dynamodb.BatchGetItemInput) (*dynamodb.BatchGetItemOutput, error) {
		for _, ka := range in.RequestItems {
			keys = append(keys, ka.Keys...)
		}
		return &dynamodb.BatchGetItemOutput{}, nil
	}
	tbl, err := dynamodel.NewTable(stub, "hashonly", func(o *dynamodel.TableOptions) { o.PartitionKey = "PK" })
	require.NoError(t, err)
	_, err = tbl.Get(ctx, "USER#1")
	require.ErrorIs(t, err, dynamodel.ErrNotFound)
	_, err = tbl.BatchGet(ctx, []any{"USER#2", dynamodel.Key{Hash: "USER#3"}})
	require.NoError(t, err)
	assert.Equal(t, []map[string]types.AttributeValue{{"PK": s("USER#1")}, {"PK": s("USER#2")}, {"PK": s("USER#3")}}, keys)

	n := len(stub.Calls())
	_, err = tbl.Get(ctx, AppUser{Username: "ada"})
	require.ErrorIs(t, err, dynamodel.ErrInvalidKey)
	assert.ErrorContains(t, err, "not a dynamodel_test.AppUser")
	assert.Len(t, stub.Calls(), n, "refused before any call")
}

// TestBatchGetKeepsItemsBesideBadOnes: an item read that cannot be decoded
// (its _et names another entity, or a field does not fit) is left out and
// named in the error, and the other items are returned; when a request
// also failed, the error is still the *BatchGetError sorting the keys,
// with the item's error among its causes. Table's and the entity's own
// BatchGet alike.
func TestBatchGetKeepsItemsBesideBadOnes(t *testing.T) {
	ctx := ctxT(t)
	for _, tc := range []struct {
		bad  map[string]types.AttributeValue
		want error
	}{
		{map[string]types.AttributeValue{"PK": s("CUSTOMER#c0"), "SK": s("#PROFILE"), "id": s("c0"), "_et": s("Order")}, dynamodel.ErrWrongEntity},
		{map[string]types.AttributeValue{"PK": s("CUSTOMER#c0"), "SK": s("#PROFILE"), "id": s("c0"), "name": &types.AttributeValueMemberM{}}, dynamodel.ErrInvalidItem},
	} {
		st := newStub(t)
		sh := newShop(t, st, "shop", func(o *dynamodel.TableOptions) { o.EntityType = "_et" })
		good := map[string]types.AttributeValue{"PK": s("CUSTOMER#c1"), "SK": s("#PROFILE"), "id": s("c1"), "name": s("Good"), "_et": s("Customer")}
		st.batchGet = func(in *dynamodb.BatchGetItemInput) (*dynamodb.BatchGetItemOutput, error) {
			if len(in.RequestItems["shop"].Keys) == 1 { // the second request of 101 keys
				return nil, errors.New("connection reset")
			}
			return &dynamodb.BatchGetItemOutput{Responses: map[string][]map[string]types.AttributeValue{"shop": {tc.bad, good}}}, nil
		}
		keys := make([]any, 101)
		for i := range keys {
			keys[i] = sh.customers.Key(fmt.Sprintf("c%d", i))
		}
		for _, n := range []int{2, 101} {
			items, err := sh.table.BatchGet(ctx, keys[:n])
			require.ErrorIs(t, err, tc.want, n)
			assert.Contains(t, err.Error(), `CUSTOMER#c0`)
			require.Len(t, items, 1, n)
			c, ok := dynamodel.As(sh.customers, items[0])
			require.True(t, ok)
			assert.Equal(t, "Good", c.Name)
			cs, err := sh.customers.BatchGet(ctx, keys[:n])
			require.ErrorIs(t, err, tc.want, n)
			assert.Equal(t, []ShopCustomer{c}, cs, n)
			var be *dynamodel.BatchGetError
			assert.Equal(t, n == 101, errors.As(err, &be), "a *BatchGetError when a request failed (%d keys)", n)
			if n == 101 {
				assert.Equal(t, keys[100:], be.NotRead)
			}
		}
	}
}
