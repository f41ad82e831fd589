package dynamodel_test

import (
	"context"
	"strconv"
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
)

func TestPutRejectsBadItemsBeforeAnyCall(t *testing.T) {
	users, err := dynamodel.NewUserRepository(newStub(t))
	require.NoError(t, err)
	docs, err := dynamodel.NewRepository[Doc](newStub(t), "Docs")
	require.NoError(t, err)
	ctx := context.Background()

	_, err = users.Put(ctx, dynamodel.User{FirstName: "No", LastName: "Email"})
	require.ErrorIs(t, err, dynamodel.ErrInvalidKey)
	assert.Contains(t, err.Error(), `invalid key "email"`)

	_, err = users.Create(ctx, dynamodel.User{})
	require.ErrorIs(t, err, dynamodel.ErrInvalidKey)

	// One byte over 400 KB, counting the attribute names.
	big := Doc{ID: "d", Name: strings.Repeat("x", dynamodel.MaxItemSize)}
	_, err = docs.Put(ctx, big)
	require.ErrorIs(t, err, dynamodel.ErrItemTooLarge)
	assert.Contains(t, err.Error(), "over the 409600-byte limit")

	// A value the SDK cannot encode is named by its field and attribute.
	_, err = docs.Put(ctx, Doc{ID: "d", Labels: map[string]string{"": "x"}})
	require.ErrorIs(t, err, dynamodel.ErrInvalidItem)
	assert.Contains(t, err.Error(), `field Labels (attribute "labels"): marshal failed, map key cannot be empty`)
}

func TestPutRequestKeepsNamesLiteral(t *testing.T) {
	s := newStub(t)
	var got *dynamodb.PutItemInput
	s.put = func(in *dynamodb.PutItemInput) (*dynamodb.PutItemOutput, error) {
		got = in
		return &dynamodb.PutItemOutput{}, nil
	}
	docs, err := dynamodel.NewRepository[Doc](s, "Docs")
	require.NoError(t, err)
	_, err = docs.Create(context.Background(), Doc{ID: "d1", Name: "n", Dashed: "x"})
	require.NoError(t, err)
	assert.Equal(t, "attribute_not_exists(#n0)", aws.ToString(got.ConditionExpression))
	assert.Equal(t, map[string]string{"#n0": "id"}, got.ExpressionAttributeNames)
	assert.Equal(t, types.ReturnValuesOnConditionCheckFailureAllOld, got.ReturnValuesOnConditionCheckFailure)
	assert.Equal(t, &types.AttributeValueMemberS{Value: "x"}, got.Item["first-name"])
}

func TestPutIntegration(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		docs := repo[Doc](t, db, "Docs")

		d := Doc{ID: "d1", Name: "name", Status: "status", Dashed: "dash", Dotted: "dot", Count: 3,
			Labels: map[string]string{"k": "v"}, Blob: []byte{0, 1, 2}}
		_, err := docs.Create(ctx, d)
		require.NoError(t, err)

		// Create never overwrites, and says why.
		_, err = docs.Create(ctx, Doc{ID: "d1", Name: "other"})
		require.ErrorIs(t, err, dynamodel.ErrAlreadyExists)
		require.ErrorIs(t, err, dynamodel.ErrConditionFailed)
		var ccf *types.ConditionalCheckFailedException
		require.ErrorAs(t, err, &ccf)
		got, err := docs.Get(ctx, "d1")
		require.NoError(t, err)
		assert.Equal(t, d, got, "the failed Create changed nothing")

		// Put replaces.
		d.Name, d.Count = "renamed", 4
		_, err = docs.Put(ctx, d)
		require.NoError(t, err)
		got, err = docs.Get(ctx, "d1")
		require.NoError(t, err)
		assert.Equal(t, d, got)

		// Put with a condition that does not hold writes nothing.
		_, err = docs.Put(ctx, Doc{ID: "d1", Name: "third"}, func(o *dynamodel.PutOptions) {
			o.Condition = dynamodel.Equal("count", 99)
		})
		require.ErrorIs(t, err, dynamodel.ErrConditionFailed)
		assert.NotErrorIs(t, err, dynamodel.ErrAlreadyExists)
		got, err = docs.Get(ctx, "d1")
		require.NoError(t, err)
		assert.Equal(t, "renamed", got.Name)

		// A condition that holds.
		_, err = docs.Put(ctx, Doc{ID: "d1", Name: "fourth"}, func(o *dynamodel.PutOptions) {
			o.Condition = dynamodel.Equal("count", 4).And(dynamodel.BeginsWith("name", "ren"))
		})
		require.NoError(t, err)
	})
}

func TestPutRolesIntegration(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		clock := newClock()
		orders := repo[Order](t, db, "Orders", func(o *dynamodel.Options) { o.Clock = clock.Now })

		o, err := orders.Create(ctx, Order{Customer: "c1", ID: "o1", Total: 10, Version: 7})
		require.NoError(t, err)
		assert.Equal(t, int64(1), o.Version, "Create starts at version 1")
		assert.True(t, o.Created.Equal(clock.Now()))
		assert.True(t, o.Updated.Equal(clock.Now()))

		stored, err := orders.Get(ctx, o)
		require.NoError(t, err)
		assert.Equal(t, int64(1), stored.Version)
		assert.True(t, stored.Created.Equal(o.Created))
		assert.True(t, stored.Expires.IsZero(), "a zero TTL is not stored")

		clock.Advance(time.Hour)
		stored.Total = 20
		stored.Expires = clock.Now().Add(24 * time.Hour)
		p, err := orders.Put(ctx, stored)
		require.NoError(t, err)
		assert.Equal(t, int64(2), p.Version)
		assert.True(t, p.Created.Equal(o.Created), "Put keeps the creation time")
		assert.True(t, p.Updated.Equal(clock.Now()))

		// The TTL is stored as epoch seconds, the only form DynamoDB's TTL reads.
		raw, err := db.Client.GetItem(ctx, &dynamodb.GetItemInput{
			TableName: aws.String(db.Table("Orders")),
			Key: map[string]types.AttributeValue{
				"customer": &types.AttributeValueMemberS{Value: "c1"},
				"id":       &types.AttributeValueMemberS{Value: "o1"},
			},
		})
		require.NoError(t, err)
		assert.Equal(t, &types.AttributeValueMemberN{Value: "1795689000"}, raw.Item["expires"])
		back, err := orders.Get(ctx, p)
		require.NoError(t, err)
		assert.Equal(t, p.Expires.Unix(), back.Expires.Unix())

		// A stale copy (version 1) loses.
		stored.Total = 99
		_, err = orders.Put(ctx, stored)
		require.ErrorIs(t, err, dynamodel.ErrVersionConflict)
		require.ErrorIs(t, err, dynamodel.ErrConditionFailed)
		now, err := orders.Get(ctx, p)
		require.NoError(t, err)
		assert.Equal(t, 20, now.Total, "the losing write wrote nothing")

		// Version 0 means new: it cannot overwrite a stored item.
		_, err = orders.Put(ctx, Order{Customer: "c1", ID: "o1", Total: 1})
		require.ErrorIs(t, err, dynamodel.ErrVersionConflict)
		fresh, err := orders.Put(ctx, Order{Customer: "c1", ID: "o2", Total: 1})
		require.NoError(t, err)
		assert.Equal(t, int64(1), fresh.Version)
	})
}

func TestPutReturningRequest(t *testing.T) {
	s := newStub(t)
	var got []*dynamodb.PutItemInput
	s.put = func(in *dynamodb.PutItemInput) (*dynamodb.PutItemOutput, error) {
		got = append(got, in)
		return &dynamodb.PutItemOutput{}, nil
	}
	docs, err := dynamodel.NewRepository[Doc](s, "Docs")
	require.NoError(t, err)
	ctx := context.Background()
	_, err = docs.Put(ctx, Doc{ID: "d1"})
	require.NoError(t, err)
	_, err = docs.PutReturning(ctx, Doc{ID: "d1"})
	require.NoError(t, err)
	_, err = docs.Create(ctx, Doc{ID: "d2"})
	require.NoError(t, err)
	require.Len(t, got, 3)
	assert.Equal(t, types.ReturnValue(""), got[0].ReturnValues, "Put asks for nothing back")
	assert.Equal(t, types.ReturnValueAllOld, got[1].ReturnValues)
	assert.Equal(t, types.ReturnValue(""), got[2].ReturnValues)
	for _, in := range got {
		assert.Equal(t, types.ReturnConsumedCapacity(""), in.ReturnConsumedCapacity, "no capacity unless asked")
	}
}

// TestPutReturningIntegration replaces items and gets back what each
// replaced, typed, and the item as stored.
func TestPutReturningIntegration(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		clock := newClock()
		orders := repo[Order](t, db, "Orders", func(o *dynamodel.Options) { o.Clock = clock.Now })

		res, err := orders.PutReturning(ctx, Order{Customer: "c", ID: "o", Status: "new", Total: 1})
		require.NoError(t, err)
		assert.False(t, res.Replaced, "the key was free")
		assert.Equal(t, Order{}, res.Old)
		assert.Equal(t, int64(1), res.Item.Version)
		assert.True(t, res.Item.Created.Equal(clock.Now()))

		clock.Advance(time.Minute)
		next := res.Item
		next.Status, next.Total = "paid", 2
		res2, err := orders.PutReturning(ctx, next)
		require.NoError(t, err)
		assert.True(t, res2.Replaced)
		assert.Equal(t, normalize(res.Item), normalize(res2.Old), "the item it replaced, as it was stored")
		assert.Equal(t, int64(2), res2.Item.Version)
		assert.True(t, res2.Item.Updated.Equal(clock.Now()))
		stored, err := orders.Get(ctx, res2.Item)
		require.NoError(t, err)
		assert.Equal(t, normalize(res2.Item), normalize(stored))

		// A stale copy replaces nothing and gets nothing back but the error.
		res3, err := orders.PutReturning(ctx, next)
		require.ErrorIs(t, err, dynamodel.ErrVersionConflict)
		assert.False(t, res3.Replaced)
	})
}

// TestSetsWithRepeatsBeforeAnyCall: DynamoDB refuses a set with an element
// twice (a number spelled two ways is one number), in an item or an
// update; so does dynamodel, before any call, and a batch holding one
// writes nothing.
func TestSetsWithRepeatsBeforeAnyCall(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		for _, set := range []types.AttributeValue{
			&types.AttributeValueMemberSS{Value: []string{"a", "b", "a"}},
			&types.AttributeValueMemberNS{Value: []string{"1", "1.0"}},
		} {
			_, err := db.Client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(db.Table("Docs")),
				Item: map[string]types.AttributeValue{"id": &types.AttributeValueMemberS{Value: "raw"}, "set": set}})
			if db.Engine.Name == "moto" {
				t.Logf("moto's answer to a set with a repeat: %v (DynamoDB and dynalite refuse it)", err)
				continue
			}
			require.Error(t, err, "the engine refuses %#v", set)
		}
		s := newStub(t)
		orders, err := dynamodel.NewRepository[Order](s, "Orders")
		require.NoError(t, err)
		_, err = orders.Put(ctx, Order{Customer: "c", ID: "o", Tags: []string{"x", "y", "x"}})
		require.ErrorIs(t, err, dynamodel.ErrInvalidItem)
		assert.Contains(t, err.Error(), `attribute "tags": SS element 2 repeats an earlier one`)
		large := make([]string, 20) // compared through a table, not pairwise
		for i := range large {
			large[i] = strconv.Itoa(i)
		}
		_, err = orders.Put(ctx, Order{Customer: "c", ID: "o", Tags: append(large, "7")})
		require.ErrorIs(t, err, dynamodel.ErrInvalidItem)
		assert.Contains(t, err.Error(), `attribute "tags": SS element 20 repeats an earlier one`)
		_, err = orders.Update(ctx, dynamodel.Key{Hash: "c", Range: "o"}, dynamodel.Update{}.Add("tags", []string{"x", "x"}))
		require.Error(t, err)
		type tagged struct {
			ID   string   `dynamodbav:"id" dynamodel:"hash"`
			Tags []string `dynamodbav:"tags,stringset,omitempty"`
		}
		docs, err := dynamodel.NewRepository[tagged](s, "Docs")
		require.NoError(t, err)
		many := make([]tagged, 30)
		for i := range many {
			many[i] = tagged{ID: strconv.Itoa(i), Tags: []string{"a", "b"}}
		}
		many[29].Tags = []string{"b", "b"} // in the second batch
		_, err = docs.BatchPut(ctx, many)
		require.ErrorIs(t, err, dynamodel.ErrInvalidItem)
		assert.Contains(t, err.Error(), "item 29")
		assert.Empty(t, s.Calls())
	})
}
