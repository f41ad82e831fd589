package dynamodel_test

import (
	"context"
	"fmt"
	"testing"

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

func TestTransactWriteRejectsBadInputBeforeAnyCall(t *testing.T) {
	s := newStub(t)
	docs, err := dynamodel.NewRepository[Doc](s, "Docs")
	require.NoError(t, err)
	users, err := dynamodel.NewUserRepository(s)
	require.NoError(t, err)
	ctx := context.Background()

	err = dynamodel.TransactWrite(ctx, s, nil)
	require.ErrorIs(t, err, dynamodel.ErrInvalidUpdate)
	many := make([]dynamodel.TxAction, 101)
	for i := range many {
		many[i] = docs.TxPut(Doc{ID: fmt.Sprint(i)})
	}
	err = dynamodel.TransactWrite(ctx, s, many)
	require.ErrorIs(t, err, dynamodel.ErrInvalidUpdate)
	assert.Contains(t, err.Error(), "1 to 100 actions, got 101")

	err = dynamodel.TransactWrite(ctx, s, []dynamodel.TxAction{
		docs.TxPut(Doc{ID: "a"}),
		docs.TxUpdate("a", dynamodel.Set("name", "x")),
	})
	require.ErrorIs(t, err, dynamodel.ErrDuplicateKey)
	assert.Contains(t, err.Error(), `actions 0 and 1 both touch Docs id="a"`)

	// The same key in two tables is two items.
	s.txWrite = func(in *dynamodb.TransactWriteItemsInput) (*dynamodb.TransactWriteItemsOutput, error) {
		require.Len(t, in.TransactItems, 2)
		assert.Equal(t, "tok-1", aws.ToString(in.ClientRequestToken))
		return &dynamodb.TransactWriteItemsOutput{}, nil
	}
	require.NoError(t, dynamodel.TransactWrite(ctx, s, []dynamodel.TxAction{
		docs.TxPut(Doc{ID: "a@example.com"}),
		users.TxCheck("a@example.com", dynamodel.Exists("email")),
	}, func(o *dynamodel.TransactOptions) { o.ClientRequestToken = "tok-1" }))

	for _, bad := range []dynamodel.TxAction{
		users.TxPut(dynamodel.User{}),
		users.TxUpdate("", dynamodel.Set("first_name", "x")),
		users.TxUpdate("a@b", dynamodel.Update{}),
		users.TxDelete(3),
		users.TxCheck("a@b", dynamodel.Condition{}),
	} {
		err := dynamodel.TransactWrite(ctx, s, []dynamodel.TxAction{bad})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "action 0")
	}
	err = dynamodel.TransactWrite(ctx, s, []dynamodel.TxAction{users.TxUpdate("a@b", dynamodel.Set("first_name", "x"),
		func(o *dynamodel.UpdateOptions) { o.Return = dynamodel.ReturnAllOld })})
	require.ErrorIs(t, err, dynamodel.ErrInvalidUpdate)
	assert.Contains(t, err.Error(), "a transaction gives no item back, so UpdateOptions.Return (ALL_OLD) does not apply")
}

func TestTransactGetRejectsBadInputBeforeAnyCall(t *testing.T) {
	s := newStub(t)
	users, err := dynamodel.NewUserRepository(s)
	require.NoError(t, err)
	docs, err := dynamodel.NewRepository[Doc](s, "Docs")
	require.NoError(t, err)
	ctx := context.Background()

	err = dynamodel.TransactGet(ctx, s, []dynamodel.TxGetAction{users.TxGet("")})
	require.ErrorIs(t, err, dynamodel.ErrInvalidKey)
	assert.Contains(t, err.Error(), "read 0 (User)")
	err = dynamodel.TransactGet(ctx, s, nil)
	require.ErrorIs(t, err, dynamodel.ErrInvalidQuery)
	err = dynamodel.TransactGet(ctx, s, []dynamodel.TxGetAction{users.TxGet("a@b"), nil})
	require.ErrorIs(t, err, dynamodel.ErrInvalidQuery)
	assert.Contains(t, err.Error(), "read 1 is nil")
	var none *dynamodel.TxGetItem[Doc]
	err = dynamodel.TransactGet(ctx, s, []dynamodel.TxGetAction{none})
	require.ErrorIs(t, err, dynamodel.ErrInvalidQuery)
	err = dynamodel.TransactGet(ctx, s, []dynamodel.TxGetAction{users.TxGet("a@b"), docs.TxGet("a@b"), users.TxGet("a@b")})
	require.ErrorIs(t, err, dynamodel.ErrDuplicateKey)
	assert.Contains(t, err.Error(), `reads 0 and 2 both read User email="a@b"`)
}

// TestTransactGetResults checks the request a TransactGet sends and the
// results its handles give: the items found, decoded to their own types;
// none for a missing item; and none at all after a failed call, even for
// handles that had a result from an earlier one.
func TestTransactGetResults(t *testing.T) {
	s := newStub(t)
	users, err := dynamodel.NewUserRepository(s)
	require.NoError(t, err)
	docs, err := dynamodel.NewRepository[Doc](s, "Docs")
	require.NoError(t, err)
	var got *dynamodb.TransactGetItemsInput
	s.txGet = func(in *dynamodb.TransactGetItemsInput) (*dynamodb.TransactGetItemsOutput, error) {
		got = in
		return &dynamodb.TransactGetItemsOutput{Responses: []types.ItemResponse{
			{Item: map[string]types.AttributeValue{"email": &types.AttributeValueMemberS{Value: "a@b"}, "first_name": &types.AttributeValueMemberS{Value: "Ada"}}},
			{},
			{Item: map[string]types.AttributeValue{"id": &types.AttributeValueMemberS{Value: "d1"}, "count": &types.AttributeValueMemberN{Value: "3"}}},
		}}, nil
	}
	ctx := context.Background()
	ada := users.TxGet("a@b", dynamodel.ConsistentRead)
	missing := users.TxGet("nobody@b")
	d1 := docs.TxGet("d1", func(o *dynamodel.GetOptions) { o.Projection = []string{"id", "count"} })
	_, found := ada.Result()
	assert.False(t, found, "no result before the call")
	require.NoError(t, dynamodel.TransactGet(ctx, s, []dynamodel.TxGetAction{ada, missing, d1}))

	require.Len(t, got.TransactItems, 3)
	assert.Equal(t, "User", aws.ToString(got.TransactItems[0].Get.TableName))
	assert.Nil(t, got.TransactItems[0].Get.ProjectionExpression)
	assert.Equal(t, "#n0, #n1", aws.ToString(got.TransactItems[2].Get.ProjectionExpression))
	assert.Equal(t, map[string]string{"#n0": "id", "#n1": "count"}, got.TransactItems[2].Get.ExpressionAttributeNames)

	u, found := ada.Result()
	assert.True(t, found)
	assert.Equal(t, dynamodel.User{Email: "a@b", FirstName: "Ada"}, u)
	u, found = missing.Result()
	assert.False(t, found)
	assert.Equal(t, dynamodel.User{}, u)
	d, found := d1.Result()
	assert.True(t, found)
	assert.Equal(t, Doc{ID: "d1", Count: 3}, d)

	// A failed call leaves no result behind, not even an earlier one.
	s.txGet = func(*dynamodb.TransactGetItemsInput) (*dynamodb.TransactGetItemsOutput, error) {
		return nil, &types.ResourceNotFoundException{Message: aws.String("Requested resource not found")}
	}
	err = dynamodel.TransactGet(ctx, s, []dynamodel.TxGetAction{ada, d1})
	require.ErrorIs(t, err, dynamodel.ErrTableNotFound)
	_, found = ada.Result()
	assert.False(t, found)
	_, found = d1.Result()
	assert.False(t, found)

	// So does an item that does not decode.
	s.txGet = func(*dynamodb.TransactGetItemsInput) (*dynamodb.TransactGetItemsOutput, error) {
		return &dynamodb.TransactGetItemsOutput{Responses: []types.ItemResponse{
			{Item: map[string]types.AttributeValue{"email": &types.AttributeValueMemberS{Value: "a@b"}}},
			{Item: map[string]types.AttributeValue{"id": &types.AttributeValueMemberS{Value: "d1"}, "count": &types.AttributeValueMemberS{Value: "many"}}},
		}}, nil
	}
	err = dynamodel.TransactGet(ctx, s, []dynamodel.TxGetAction{ada, d1})
	require.ErrorIs(t, err, dynamodel.ErrInvalidItem)
	assert.Contains(t, err.Error(), `read 1 (Docs id="d1")`)
	_, found = ada.Result()
	assert.False(t, found)
}

func TestTransactionsIntegration(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		db.Require(dynamotest.Transactions)
		ctx := ctxT(t)
		users := repo[dynamodel.User](t, db, "User")
		orders := repo[Order](t, db, "Orders")
		docs := repo[Doc](t, db, "Docs")

		_, err := users.Create(ctx, dynamodel.User{Email: "ada@example.com", FirstName: "Ada"})
		require.NoError(t, err)
		_, err = docs.Create(ctx, Doc{ID: "stock", Count: 1})
		require.NoError(t, err)
		_, err = docs.Create(ctx, Doc{ID: "old"})
		require.NoError(t, err)

		// Puts, updates, deletes and checks across three tables, all at once.
		order := Order{Customer: "ada@example.com", ID: "o1", Total: 10}
		err = dynamodel.TransactWrite(ctx, db.Client, []dynamodel.TxAction{
			users.TxCheck("ada@example.com", dynamodel.Exists("email")),
			orders.TxCreate(order),
			docs.TxUpdate("stock", dynamodel.Update{}.Add("count", -1), func(o *dynamodel.UpdateOptions) {
				o.Condition = dynamodel.Greater("count", 0)
			}),
			docs.TxDelete("old"),
		})
		require.NoError(t, err)
		stored, err := orders.Get(ctx, order)
		require.NoError(t, err)
		assert.Equal(t, int64(1), stored.Version)
		stock, err := docs.Get(ctx, "stock")
		require.NoError(t, err)
		assert.Equal(t, 0, stock.Count)
		_, found, err := docs.Lookup(ctx, "old")
		require.NoError(t, err)
		assert.False(t, found)

		// Out of stock: the whole transaction is canceled, and the error
		// says which action failed and why.
		err = dynamodel.TransactWrite(ctx, db.Client, []dynamodel.TxAction{
			orders.TxCreate(Order{Customer: "ada@example.com", ID: "o2"}),
			docs.TxUpdate("stock", dynamodel.Update{}.Add("count", -1), func(o *dynamodel.UpdateOptions) {
				o.Condition = dynamodel.Greater("count", 0)
			}),
		})
		require.ErrorIs(t, err, dynamodel.ErrTransactionCanceled)
		require.ErrorIs(t, err, dynamodel.ErrConditionFailed)
		var tce *dynamodel.TransactionCanceledError
		require.ErrorAs(t, err, &tce)
		failed := tce.Failed()
		require.Len(t, failed, 1)
		assert.Equal(t, 1, failed[0].Index)
		assert.Equal(t, "ConditionalCheckFailed", failed[0].Code)
		assert.Equal(t, fmt.Sprintf(`Update %s id="stock"`, db.Table("Docs")), failed[0].Action)
		var sdkErr *types.TransactionCanceledException
		require.ErrorAs(t, err, &sdkErr)
		_, found, err = orders.Lookup(ctx, dynamodel.Key{Hash: "ada@example.com", Range: "o2"})
		require.NoError(t, err)
		assert.False(t, found, "nothing of a canceled transaction is written")

		// A create of an existing item, and a stale version.
		err = dynamodel.TransactWrite(ctx, db.Client, []dynamodel.TxAction{orders.TxCreate(order)})
		require.ErrorIs(t, err, dynamodel.ErrAlreadyExists)
		stale := stored
		_, err = orders.Update(ctx, stored, dynamodel.Set("status", "paid"))
		require.NoError(t, err)
		err = dynamodel.TransactWrite(ctx, db.Client, []dynamodel.TxAction{
			orders.TxUpdate(stale, dynamodel.Set("status", "refunded")),
			users.TxUpdate("ada@example.com", dynamodel.Set("last_name", "Lovelace")),
		})
		require.ErrorIs(t, err, dynamodel.ErrVersionConflict)
		u, err := users.Get(ctx, "ada@example.com")
		require.NoError(t, err)
		assert.Empty(t, u.LastName)
		err = dynamodel.TransactWrite(ctx, db.Client, []dynamodel.TxAction{users.TxUpdate("nobody@example.com", dynamodel.Set("last_name", "x"))})
		require.ErrorIs(t, err, dynamodel.ErrNotFound)

		// TransactGet reads a snapshot across tables, each read into its
		// own type.
		adaRead := users.TxGet("ada@example.com")
		orderRead := orders.TxGet(order)
		missingRead := orders.TxGet(dynamodel.Key{Hash: "x", Range: "y"})
		err = dynamodel.TransactGet(ctx, db.Client, []dynamodel.TxGetAction{adaRead, orderRead, missingRead})
		require.NoError(t, err)
		gotUser, found := adaRead.Result()
		assert.True(t, found)
		assert.Equal(t, "Ada", gotUser.FirstName)
		gotOrder, found := orderRead.Result()
		assert.True(t, found)
		assert.Equal(t, "paid", gotOrder.Status)
		assert.Equal(t, int64(2), gotOrder.Version)
		missing, found := missingRead.Result()
		assert.False(t, found)
		assert.Equal(t, Order{}, missing)

		// With a projection, only the attributes named are read.
		orderRead = orders.TxGet(order, func(o *dynamodel.GetOptions) { o.Projection = []string{"status", "total"} })
		require.NoError(t, dynamodel.TransactGet(ctx, db.Client, []dynamodel.TxGetAction{orderRead}))
		gotOrder, found = orderRead.Result()
		assert.True(t, found)
		if gotOrder.Customer != "" {
			t.Skipf("%s ignores a TransactGetItems projection: it returned %+v for %q", db.Engine.Name, gotOrder, "status, total")
		}
		assert.Equal(t, Order{Status: "paid", Total: 10}, gotOrder)
	})
}

func TestIdempotentTransactionIntegration(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		db.Require(dynamotest.Transactions)
		ctx := ctxT(t)
		docs := repo[Doc](t, db, "Docs")
		_, err := docs.Create(ctx, Doc{ID: "counter"})
		require.NoError(t, err)
		add := []dynamodel.TxAction{docs.TxUpdate("counter", dynamodel.Update{}.Add("count", 1))}
		token := func(o *dynamodel.TransactOptions) { o.ClientRequestToken = "add-once-" + db.Prefix }
		require.NoError(t, dynamodel.TransactWrite(ctx, db.Client, add, token))
		err = dynamodel.TransactWrite(ctx, db.Client, add, token)
		require.NoError(t, err)
		d, err := docs.Get(ctx, "counter")
		require.NoError(t, err)
		if d.Count == 2 {
			t.Skipf("%s applies a repeated ClientRequestToken again (DynamoDB does not)", db.Engine.Name)
		}
		assert.Equal(t, 1, d.Count, "the same token is applied once")
	})
}

// Photo and Reaction are items of the quick-photos app from AWS's tutorial
// "Design a database for a mobile app with Amazon DynamoDB", in its
// layout: a photo holds a map of its reactions' counts, created with all
// four at zero when it is uploaded.
type Photo struct {
	PK        string         `dynamodbav:"PK" dynamodel:"hash"`  // USER#<owner>
	SK        string         `dynamodbav:"SK" dynamodel:"range"` // PHOTO#<owner>#<timestamp>
	Username  string         `dynamodbav:"username"`
	Timestamp string         `dynamodbav:"timestamp"`
	Location  string         `dynamodbav:"location"`
	Reactions map[string]int `dynamodbav:"reactions"`
}

// Reaction is one user's reaction of one type to a photo.
type Reaction struct {
	PK           string `dynamodbav:"PK" dynamodel:"hash"`  // REACTION#<user>#<type>
	SK           string `dynamodbav:"SK" dynamodel:"range"` // PHOTO#<owner>#<timestamp>
	ReactingUser string `dynamodbav:"reactingUser"`
	ReactionType string `dynamodbav:"reactionType"`
	Photo        string `dynamodbav:"photo"`
	Timestamp    string `dynamodbav:"timestamp"`
}

// upload stores a new photo, its reaction counts at zero.
func upload(ctx context.Context, photos *dynamodel.Repository[Photo], owner, at string) (Photo, error) {
	return photos.Create(ctx, Photo{
		PK: "USER#" + owner, SK: "PHOTO#" + owner + "#" + at, Username: owner, Timestamp: at,
		Location:  "https://photos.example/" + owner + "/" + at,
		Reactions: map[string]int{"heart": 0, "smiley": 0, "sunglasses": 0, "thumbsup": 0},
	})
}

// react records user's reaction to photo and counts it, in one
// transaction: the reaction is created only if absent, and the photo's
// count for its type (reactions.<type>, a typed path) goes up by one.
func react(ctx context.Context, client dynamodel.API, reactions *dynamodel.Repository[Reaction], photos *dynamodel.Repository[Photo], user string, photo Photo, kind string) error {
	return dynamodel.TransactWrite(ctx, client, []dynamodel.TxAction{
		reactions.TxCreate(Reaction{
			PK: "REACTION#" + user + "#" + kind, SK: photo.SK,
			ReactingUser: user, ReactionType: kind, Photo: photo.SK, Timestamp: "2019-03-02T09:30:00",
		}),
		photos.TxUpdate(dynamodel.Key{Hash: photo.PK, Range: photo.SK}, dynamodel.Increment(dynamodel.Path("reactions", kind), 1)),
	})
}

// TestReactionCounterIntegration is the quick-photos reaction counter: a
// reaction is created only if absent, and reactions.<type> is incremented
// in the photo's map, inside one transaction; for a photo whose map has
// counts already and for one just uploaded. A repeated reaction changes
// nothing. (TestIncrementIsAtomicIntegration races increments.)
func TestReactionCounterIntegration(t *testing.T) {
	table, err := schema.Load("testdata/quick-photos.json")
	require.NoError(t, err)
	enginetest.Each(t, func(t *testing.T, db *dynamotest.DB) {
		db.Require(dynamotest.Transactions)
		ctx := ctxT(t)
		photos := repo[Photo](t, db, "quick-photos")
		reactions := repo[Reaction](t, db, "quick-photos")

		old, err := upload(ctx, photos, "ada", "2019-03-01T10:00:00")
		require.NoError(t, err)
		_, err = photos.Update(ctx, dynamodel.Key{Hash: old.PK, Range: old.SK},
			dynamodel.Set("reactions.heart", 41).Set("reactions.smiley", 2))
		require.NoError(t, err)
		fresh, err := upload(ctx, photos, "ada", "2019-03-02T09:11:30")
		require.NoError(t, err)

		require.NoError(t, react(ctx, db.Client, reactions, photos, "bob", old, "heart"))
		require.NoError(t, react(ctx, db.Client, reactions, photos, "bob", fresh, "heart"))
		require.NoError(t, react(ctx, db.Client, reactions, photos, "bob", fresh, "sunglasses"))

		for i := range 5 {
			require.NoError(t, react(ctx, db.Client, reactions, photos, fmt.Sprint("user", i), fresh, "thumbsup"))
		}

		// A reaction given twice is refused, and counted once.
		err = react(ctx, db.Client, reactions, photos, "bob", fresh, "heart")
		require.ErrorIs(t, err, dynamodel.ErrAlreadyExists)
		var tce *dynamodel.TransactionCanceledError
		require.ErrorAs(t, err, &tce)
		assert.Equal(t, 0, tce.Failed()[0].Index, "the reaction's create failed")

		got, err := photos.Get(ctx, dynamodel.Key{Hash: old.PK, Range: old.SK})
		require.NoError(t, err)
		assert.Equal(t, map[string]int{"heart": 42, "smiley": 2, "sunglasses": 0, "thumbsup": 0}, got.Reactions)
		got, err = photos.Get(ctx, dynamodel.Key{Hash: fresh.PK, Range: fresh.SK})
		require.NoError(t, err)
		assert.Equal(t, map[string]int{"heart": 1, "smiley": 0, "sunglasses": 1, "thumbsup": 5}, got.Reactions)
		r, err := reactions.Get(ctx, dynamodel.Key{Hash: "REACTION#bob#heart", Range: fresh.SK})
		require.NoError(t, err)
		assert.Equal(t, "bob", r.ReactingUser)

		// The photo's reactions, through the inverted index: the
		// reactions of the fresh photo, by type.
		var kinds []string
		for r, err := range reactions.Query(ctx, dynamodel.PartitionAttr("SK", fresh.SK).SortAttr("PK").SortBeginsWith("REACTION#"),
			func(o *dynamodel.QueryOptions) { o.Index = "InvertedIndex" }) {
			require.NoError(t, err)
			kinds = append(kinds, r.ReactionType)
		}
		assert.ElementsMatch(t, []string{"heart", "sunglasses", "thumbsup", "thumbsup", "thumbsup", "thumbsup", "thumbsup"}, kinds)
	}, dynamotest.WithSchemas(table))
}

// TestTransactionConditionFailedItemIntegration cancels transactions on
// failed conditions and finds each failed action's item as it was, typed
// by its own repository's model, with errors.As on the transaction's
// error or on the action's reason.
func TestTransactionConditionFailedItemIntegration(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		db.Require(dynamotest.Transactions)
		ctx := ctxT(t)
		orders := repo[Order](t, db, "Orders")
		docs := repo[Doc](t, db, "Docs")
		order, err := orders.Create(ctx, Order{Customer: "c", ID: "o", Status: "new"})
		require.NoError(t, err)
		_, err = docs.Create(ctx, Doc{ID: "stock", Count: 0})
		require.NoError(t, err)

		err = dynamodel.TransactWrite(ctx, db.Client, []dynamodel.TxAction{
			docs.TxUpdate("stock", dynamodel.Update{}.Add("count", -1), func(o *dynamodel.UpdateOptions) {
				o.Condition = dynamodel.Greater("count", 0)
			}),
			orders.TxCreate(Order{Customer: "c", ID: "o", Status: "again"}),
		})
		require.ErrorIs(t, err, dynamodel.ErrTransactionCanceled)
		var tce *dynamodel.TransactionCanceledError
		require.ErrorAs(t, err, &tce)
		failed := tce.Failed()
		if len(failed) == 1 {
			t.Skipf("%s reports only the first failed action of a transaction: %+v", db.Engine.Name, tce.Reasons)
		}
		require.Len(t, failed, 2)

		var stock *dynamodel.ConditionFailedError[Doc]
		require.ErrorAs(t, err, &stock)
		assert.Equal(t, Doc{ID: "stock"}, stock.Item)
		var taken *dynamodel.ConditionFailedError[Order]
		require.ErrorAs(t, err, &taken)
		assert.True(t, taken.Found)
		assert.Equal(t, "new", taken.Item.Status)
		assert.Equal(t, order.Version, taken.Item.Version)
		require.ErrorIs(t, failed[1].Err, dynamodel.ErrAlreadyExists)
		require.ErrorAs(t, failed[1].Err, &taken)
		assert.NotErrorIs(t, failed[0].Err, dynamodel.ErrAlreadyExists)
	})
}
