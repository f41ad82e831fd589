package dynamodel_test

import (
	"context"
	"fmt"
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
	err = dynamodel.TransactWrite(ctx, s, []dynamodel.TxAction{users.TxUpdate("a@b", dynamodel.Update{})})
	require.ErrorIs(t, err, dynamodel.ErrEmptyUpdate)
	assert.Contains(t, err.Error(), `action 0 (Update User email="a@b")`, "the label names the key")

	// Updates count toward the 4 MB of a transaction by the values they
	// write, as puts do by their items.
	big := strings.Repeat("x", 380*1024)
	updates := make([]dynamodel.TxAction, 12)
	for i := range updates {
		updates[i] = docs.TxUpdate(fmt.Sprint(i), dynamodel.Set("name", big))
	}
	err = dynamodel.TransactWrite(ctx, s, updates)
	require.ErrorIs(t, err, dynamodel.ErrItemTooLarge)
	assert.Contains(t, err.Error(), "over the 4 MB limit of a transaction")

	// A TxAction not made by a repository is no write at all.
	err = dynamodel.TransactWrite(ctx, s, []dynamodel.TxAction{docs.TxPut(Doc{ID: "z"}), {}})
	require.ErrorIs(t, err, dynamodel.ErrInvalidUpdate)
	assert.Contains(t, err.Error(), "action 1 is the zero TxAction")
	assert.Len(t, s.Calls(), 1, "only the good transaction above was sent")
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
	// A TxGetItem not made by TxGet reads nothing (and could decode
	// nothing it was given).
	err = dynamodel.TransactGet(ctx, s, []dynamodel.TxGetAction{users.TxGet("a@b"), &dynamodel.TxGetItem[Doc]{}})
	require.ErrorIs(t, err, dynamodel.ErrInvalidQuery)
	assert.Contains(t, err.Error(), "read 1 is a zero TxGetItem")
	assert.Empty(t, s.Calls())
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

// conflictBody is a cancellation with the given reasons, as DynamoDB sends
// it.
func conflictBody(codes ...string) string {
	var reasons []string
	for _, c := range codes {
		reasons = append(reasons, fmt.Sprintf(`{"Code":%q,"Message":"canned"}`, c))
	}
	return cannedError("TransactionCanceledException", "Transaction cancelled, please refer cancellation reasons for specific reasons",
		`"CancellationReasons":[`+strings.Join(reasons, ",")+`]`)
}

// tokens returns the ClientRequestToken of each TransactWriteItems request
// rt received.
func tokens(rt *canned) []string {
	var out []string
	for _, body := range rt.Requests("TransactWriteItems") {
		tok, _ := body["ClientRequestToken"].(string)
		out = append(out, tok)
	}
	return out
}

// TestTransactWriteTokenSurvivesALostResponse loses the response of a
// TransactWrite after the request reached the service: the SDK sends it
// again with the same ClientRequestToken, which TransactWrite generated
// (the caller gave none), so the service can apply it once.
func TestTransactWriteTokenSurvivesALostResponse(t *testing.T) {
	ctx := context.Background()
	rt := &canned{t: t, answer: func(op string, _ map[string]any, _ int) (int, string) {
		require.Equal(t, "TransactWriteItems", op)
		return 200, `{}`
	}}
	f := &dynamotest.Faults{Next: rt}
	client := cannedClient(f)
	docs, err := dynamodel.NewRepository[Doc](client, "Docs")
	require.NoError(t, err)
	add := []dynamodel.TxAction{docs.TxUpdate("counter", dynamodel.Update{}.Add("count", 1))}

	f.Add("TransactWriteItems", dynamotest.LoseResponse, 1)
	require.NoError(t, dynamodel.TransactWrite(ctx, client, add))
	got := tokens(rt)
	require.Len(t, got, 2, "the lost attempt reached the service, then the SDK's retry")
	assert.NotEmpty(t, got[0])
	assert.LessOrEqual(t, len(got[0]), 36, "DynamoDB takes tokens of up to 36 characters")
	assert.Equal(t, got[0], got[1])

	// Another call, another token; a caller's token is used as it is.
	f.Add("TransactWriteItems", dynamotest.LoseResponse, 1)
	require.NoError(t, dynamodel.TransactWrite(ctx, client, add, func(o *dynamodel.TransactOptions) { o.ClientRequestToken = "order-42" }))
	got = tokens(rt)
	require.Len(t, got, 4)
	assert.NotEqual(t, got[0], got[2])
	assert.Equal(t, []string{"order-42", "order-42"}, got[2:])

	// The token is TransactWrite's own, not the SDK's: a client that makes
	// none (no IdempotencyTokenProvider) still sends one, the same twice.
	f.Add("TransactWriteItems", dynamotest.LoseResponse, 1)
	require.NoError(t, dynamodel.TransactWrite(ctx, client, add, func(o *dynamodel.TransactOptions) {
		o.ClientOptions = append(o.ClientOptions, func(o *dynamodb.Options) { o.IdempotencyTokenProvider = nil })
	}))
	got = tokens(rt)
	require.Len(t, got, 6)
	assert.NotEmpty(t, got[4])
	assert.Equal(t, got[4], got[5])
}

// TestTransactWriteRetriesConflicts has the service cancel transactions
// for conflicts: TransactWrite sends them again, with the same token, as
// many times as ConflictRetries allows and no more, and never retries a
// cancellation with any other reason.
func TestTransactWriteRetriesConflicts(t *testing.T) {
	ctx := context.Background()
	var answers []string // the service's answer to each attempt in turn; then success
	rt := &canned{t: t, answer: func(op string, _ map[string]any, n int) (int, string) {
		switch {
		case op == "GetItem":
			return 200, `{}`
		case n < len(answers):
			return 400, answers[n]
		}
		return 200, `{}`
	}}
	client := cannedClient(rt)
	docs, err := dynamodel.NewRepository[Doc](client, "Docs")
	require.NoError(t, err)
	actions := []dynamodel.TxAction{
		docs.TxCheck("a", dynamodel.Exists("id")),
		docs.TxUpdate("b", dynamodel.Update{}.Add("count", 1)),
	}
	retries := func(n int) func(*dynamodel.TransactOptions) {
		return func(o *dynamodel.TransactOptions) {
			o.ConflictRetries, o.BaseDelay, o.MaxDelay = n, time.Millisecond, 5*time.Millisecond
		}
	}
	run := func(script []string, optFns ...func(*dynamodel.TransactOptions)) ([]string, error) {
		answers = script
		*rt = canned{t: t, answer: rt.answer}
		err := dynamodel.TransactWrite(ctx, client, actions, optFns...)
		return tokens(rt), err
	}
	conflict := conflictBody("None", "TransactionConflict")

	// Two conflicts, then success.
	toks, err := run([]string{conflict, conflict}, retries(3))
	require.NoError(t, err)
	require.Len(t, toks, 3)
	assert.Equal(t, toks[0], toks[1])
	assert.Equal(t, toks[0], toks[2])

	// Conflicts every time: 1 + ConflictRetries attempts, then the error.
	toks, err = run([]string{conflict, conflict, conflict, conflict, conflict}, retries(2))
	require.ErrorIs(t, err, dynamodel.ErrTransactionConflict)
	require.ErrorIs(t, err, dynamodel.ErrTransactionCanceled)
	assert.NotErrorIs(t, err, dynamodel.ErrConditionFailed)
	assert.Len(t, toks, 3)
	var tce *dynamodel.TransactionCanceledError
	require.ErrorAs(t, err, &tce)
	assert.Equal(t, "TransactionConflict", tce.Failed()[0].Code)
	assert.Equal(t, `Update Docs id="b"`, tce.Failed()[0].Action)

	// No retries unless asked.
	toks, err = run([]string{conflict})
	require.ErrorIs(t, err, dynamodel.ErrTransactionConflict)
	assert.Len(t, toks, 1)

	// A failed condition next to a conflict is not retried: sending it
	// again would fail the same way.
	toks, err = run([]string{conflictBody("ConditionalCheckFailed", "TransactionConflict")}, retries(3))
	require.ErrorIs(t, err, dynamodel.ErrConditionFailed)
	require.ErrorIs(t, err, dynamodel.ErrTransactionConflict)
	assert.Len(t, toks, 1)
	toks, err = run([]string{conflictBody("None", "ValidationError")}, retries(3))
	require.ErrorIs(t, err, dynamodel.ErrTransactionCanceled)
	assert.NotErrorIs(t, err, dynamodel.ErrTransactionConflict)
	assert.Len(t, toks, 1)

	// A context that ends while waiting to retry ends the call with both
	// reasons.
	cctx, cancel := context.WithCancel(ctx)
	answers = []string{conflict, conflict}
	*rt = canned{t: t, answer: rt.answer}
	go func() {
		for len(rt.Requests("TransactWriteItems")) == 0 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	err = dynamodel.TransactWrite(cctx, client, actions, func(o *dynamodel.TransactOptions) {
		o.ConflictRetries, o.BaseDelay, o.MaxDelay = 5, time.Hour, time.Hour
	})
	require.ErrorIs(t, err, context.Canceled)
	require.ErrorIs(t, err, dynamodel.ErrTransactionConflict)
}

// TestTransactGetRetriesConflicts checks the same retries for TransactGet.
func TestTransactGetRetriesConflicts(t *testing.T) {
	ctx := context.Background()
	rt := &canned{t: t, answer: func(op string, _ map[string]any, n int) (int, string) {
		if n < 2 {
			return 400, conflictBody("TransactionConflict")
		}
		return 200, `{"Responses":[{"Item":{"id":{"S":"d1"},"count":{"N":"7"}}}]}`
	}}
	client := cannedClient(rt)
	docs, err := dynamodel.NewRepository[Doc](client, "Docs")
	require.NoError(t, err)
	d1 := docs.TxGet("d1")
	err = dynamodel.TransactGet(ctx, client, []dynamodel.TxGetAction{d1}, func(o *dynamodel.TransactOptions) { o.ConflictRetries = 1 })
	require.ErrorIs(t, err, dynamodel.ErrTransactionConflict)
	var tce *dynamodel.TransactionCanceledError
	require.ErrorAs(t, err, &tce)
	assert.Equal(t, `Get Docs id="d1"`, tce.Failed()[0].Action)
	assert.Len(t, rt.Requests("TransactGetItems"), 2)

	require.NoError(t, dynamodel.TransactGet(ctx, client, []dynamodel.TxGetAction{d1}, func(o *dynamodel.TransactOptions) { o.ConflictRetries = 1 }))
	got, found := d1.Result()
	assert.True(t, found)
	assert.Equal(t, 7, got.Count)
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
