package dynamodel_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/dynamotest"
)

func TestGetRequest(t *testing.T) {
	s := newStub(t)
	var got *dynamodb.GetItemInput
	s.get = func(in *dynamodb.GetItemInput) (*dynamodb.GetItemOutput, error) {
		got = in
		return &dynamodb.GetItemOutput{Item: map[string]types.AttributeValue{
			"sensor": &types.AttributeValueMemberN{Value: "7"},
			"at":     &types.AttributeValueMemberB{Value: []byte{1, 2}},
			"value":  &types.AttributeValueMemberN{Value: "21.5"},
		}}, nil
	}
	readings, err := dynamodel.NewRepository[Reading](s, "Readings")
	require.NoError(t, err)

	// An int converts to the int64 key; projection names go through placeholders.
	r, err := readings.Get(context.Background(), dynamodel.Key{Hash: 7, Range: []byte{1, 2}},
		dynamodel.ConsistentRead,
		func(o *dynamodel.GetOptions) { o.Projection = []string{"value", "at"} })
	require.NoError(t, err)
	assert.Equal(t, Reading{Sensor: 7, At: []byte{1, 2}, Value: 21.5}, r)
	assert.Equal(t, "Readings", aws.ToString(got.TableName))
	assert.True(t, aws.ToBool(got.ConsistentRead))
	assert.Equal(t, map[string]types.AttributeValue{
		"sensor": &types.AttributeValueMemberN{Value: "7"},
		"at":     &types.AttributeValueMemberB{Value: []byte{1, 2}},
	}, got.Key)
	assert.Equal(t, "#n0, #n1", aws.ToString(got.ProjectionExpression))
	assert.Equal(t, map[string]string{"#n0": "value", "#n1": "at"}, got.ExpressionAttributeNames)
}

func TestGetClassifiesErrors(t *testing.T) {
	s := newStub(t)
	s.get = func(*dynamodb.GetItemInput) (*dynamodb.GetItemOutput, error) {
		return nil, &types.ResourceNotFoundException{Message: aws.String("Requested resource not found")}
	}
	users, err := dynamodel.NewUserRepository(s)
	require.NoError(t, err)
	_, err = users.Get(context.Background(), "a@example.com")
	require.ErrorIs(t, err, dynamodel.ErrTableNotFound)
	var rnf *types.ResourceNotFoundException
	require.ErrorAs(t, err, &rnf, "the SDK's error stays reachable")
	var op *dynamodel.OpError
	require.ErrorAs(t, err, &op)
	assert.Equal(t, "GetItem", op.Op)
	assert.Equal(t, "User", op.Table)
	assert.Equal(t, `email="a@example.com"`, op.Key)
}

func TestGetIntegration(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		users := repo[dynamodel.User](t, db, "User")
		orders := repo[Order](t, db, "Orders")
		readings := repo[Reading](t, db, "Readings")

		_, err := users.Get(ctx, "nobody@example.com")
		require.ErrorIs(t, err, dynamodel.ErrNotFound)
		_, found, err := users.Lookup(ctx, "nobody@example.com")
		require.NoError(t, err)
		assert.False(t, found)

		ada := dynamodel.User{Email: "ada@example.com", FirstName: "Ada", LastName: "Lovelace"}
		_, err = users.Create(ctx, ada)
		require.NoError(t, err)
		got, err := users.Get(ctx, "ada@example.com", dynamodel.ConsistentRead)
		require.NoError(t, err)
		assert.Equal(t, ada, got)

		// Composite keys: as a Key, or as an item.
		o, err := orders.Create(ctx, Order{Customer: "c1", ID: "o1", Total: 30})
		require.NoError(t, err)
		byKey, err := orders.Get(ctx, dynamodel.Key{Hash: "c1", Range: "o1"})
		require.NoError(t, err)
		byItem, err := orders.Get(ctx, Order{Customer: "c1", ID: "o1"})
		require.NoError(t, err)
		assert.Equal(t, byKey, byItem)
		assert.Equal(t, 30, byKey.Total)
		assert.True(t, o.Created.Equal(byKey.Created))

		// Number and binary keys.
		_, err = readings.Put(ctx, Reading{Sensor: 7, At: []byte{0, 1}, Value: 1.25})
		require.NoError(t, err)
		r, err := readings.Get(ctx, dynamodel.Key{Hash: int8(7), Range: []byte{0, 1}})
		require.NoError(t, err)
		assert.Equal(t, 1.25, r.Value)

		// Projection reads only the attributes asked for.
		p, err := users.Get(ctx, "ada@example.com", func(o *dynamodel.GetOptions) { o.Projection = []string{"email", "first_name"} })
		require.NoError(t, err)
		assert.Equal(t, dynamodel.User{Email: "ada@example.com", FirstName: "Ada"}, p)

		// A table that does not exist.
		missing, err := dynamodel.NewRepository[dynamodel.User](db.Client, db.Table("NoSuchTable"))
		require.NoError(t, err)
		_, err = missing.Get(ctx, "ada@example.com")
		require.ErrorIs(t, err, dynamodel.ErrTableNotFound)
		assert.False(t, errors.Is(err, dynamodel.ErrNotFound))
	})
}
