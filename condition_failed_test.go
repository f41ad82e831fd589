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

// returnsItemOnFailure asks the engine whether it returns the item with a
// failed condition (ReturnValuesOnConditionCheckFailure): DynamoDB and moto
// do, dynalite does not.
func returnsItemOnFailure(t *testing.T, db *dynamotest.DB) bool {
	ctx := ctxT(t)
	item := map[string]types.AttributeValue{"id": &types.AttributeValueMemberS{Value: "probe-on-failure"}}
	table := aws.String(db.Table("Docs"))
	_, err := db.Client.PutItem(ctx, &dynamodb.PutItemInput{TableName: table, Item: item})
	require.NoError(t, err)
	_, err = db.Client.PutItem(ctx, &dynamodb.PutItemInput{TableName: table, Item: item,
		ConditionExpression:                 aws.String("attribute_not_exists(id)"),
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld})
	var ccf *types.ConditionalCheckFailedException
	require.ErrorAs(t, err, &ccf)
	return ccf.Item != nil
}

// TestConditionFailedItemIntegration fails the condition of every kind of
// write and finds the item as it was, typed, in the error, on every engine:
// from the failure itself where the engine returns it, else from the one
// consistent read dynamodel makes to classify the failure.
func TestConditionFailedItemIntegration(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		f := &dynamotest.Faults{} // counts the requests
		orders := faulty[Order](t, db, "Orders", f)
		docs := faulty[Doc](t, db, "Docs", f)
		fromEngine := returnsItemOnFailure(t, db)

		stored, err := orders.Create(ctx, Order{Customer: "c", ID: "o", Status: "new", Total: 5})
		require.NoError(t, err)
		_, err = docs.Create(ctx, Doc{ID: "d", Name: "kept", Count: 2})
		require.NoError(t, err)
		reads := f.Attempts("GetItem")
		failures := 0

		// Create of a taken key: the item that holds it.
		_, err = orders.Create(ctx, Order{Customer: "c", ID: "o", Status: "other"})
		failures++
		require.ErrorIs(t, err, dynamodel.ErrAlreadyExists)
		var cf *dynamodel.ConditionFailedError[Order]
		require.ErrorAs(t, err, &cf)
		assert.True(t, cf.Found)
		assert.NoError(t, cf.ItemErr)
		assert.Equal(t, "new", cf.Item.Status)
		assert.Equal(t, int64(1), cf.Item.Version)
		var ccf *types.ConditionalCheckFailedException
		require.ErrorAs(t, err, &ccf, "the SDK's error stays reachable")

		// A stale version: the newer item.
		newer, err := orders.Update(ctx, stored, dynamodel.Set("status", "paid"))
		require.NoError(t, err)
		stored.Total = 99
		_, err = orders.Put(ctx, stored)
		failures++
		require.ErrorIs(t, err, dynamodel.ErrVersionConflict)
		require.ErrorAs(t, err, &cf)
		assert.Equal(t, newer.Version, cf.Item.Version)
		assert.Equal(t, "paid", cf.Item.Status)

		// An update's own condition, whatever Return says.
		_, err = orders.Update(ctx, newer, dynamodel.Set("status", "shipped"), func(o *dynamodel.UpdateOptions) {
			o.Condition, o.Return = dynamodel.Equal("status", "packed"), dynamodel.ReturnNone
		})
		failures++
		require.ErrorIs(t, err, dynamodel.ErrConditionFailed)
		require.ErrorAs(t, err, &cf)
		assert.Equal(t, 5, cf.Item.Total)
		assert.Equal(t, "paid", cf.Item.Status)

		// An update of a missing item: nothing to give.
		_, err = orders.Update(ctx, dynamodel.Key{Hash: "c", Range: "missing"}, dynamodel.Set("total", 1))
		failures++
		require.ErrorIs(t, err, dynamodel.ErrNotFound)
		require.ErrorAs(t, err, &cf)
		assert.False(t, cf.Found)
		assert.Equal(t, Order{}, cf.Item)

		// A delete's condition, and PutReturning's, with another model.
		err = docs.Delete(ctx, "d", func(o *dynamodel.DeleteOptions) { o.Condition = dynamodel.Equal("count", 3) })
		failures++
		var df *dynamodel.ConditionFailedError[Doc]
		require.ErrorAs(t, err, &df)
		assert.Equal(t, Doc{ID: "d", Name: "kept", Count: 2}, df.Item)
		assert.False(t, errors.As(err, &cf), "the error is typed by the repository's model")
		_, err = docs.PutReturning(ctx, Doc{ID: "d"}, func(o *dynamodel.PutOptions) { o.Condition = dynamodel.NotExists("id") })
		failures++
		require.ErrorAs(t, err, &df)
		assert.Equal(t, "kept", df.Item.Name)

		_, found, err := docs.Lookup(ctx, "d")
		require.NoError(t, err)
		assert.True(t, found, "nothing was deleted")
		if fromEngine {
			// A failure on a missing item comes without one, as from
			// DynamoDB: that one is read, to tell it from an engine that
			// never returns items.
			assert.Equal(t, reads+1+1, f.Attempts("GetItem"), "the other items came with the failures; the other read is Lookup's")
		} else {
			t.Logf("%s returns no item with a failed condition: dynamodel read each one", db.Engine.Name)
			assert.Equal(t, reads+1+failures, f.Attempts("GetItem"), "one read per failure, and Lookup's")
		}
	})
}

// TestConditionFailedItemErrors checks what the error says when the item
// cannot be had: the read after the failure fails, or the item does not
// decode as the model.
func TestConditionFailedItemErrors(t *testing.T) {
	ctx := context.Background()
	s := newStub(t)
	failed := &types.ConditionalCheckFailedException{Message: aws.String("The conditional request failed")}
	s.put = func(*dynamodb.PutItemInput) (*dynamodb.PutItemOutput, error) { return nil, failed }
	s.get = func(*dynamodb.GetItemInput) (*dynamodb.GetItemOutput, error) {
		return nil, &types.ProvisionedThroughputExceededException{Message: aws.String("slow down")}
	}
	docs, err := dynamodel.NewRepository[Doc](s, "Docs")
	require.NoError(t, err)
	_, err = docs.Create(ctx, Doc{ID: "d"})
	var cf *dynamodel.ConditionFailedError[Doc]
	require.ErrorAs(t, err, &cf)
	assert.False(t, cf.Found)
	require.Error(t, cf.ItemErr)
	assert.Contains(t, cf.ItemErr.Error(), "reading the item after its condition failed")
	assert.Contains(t, cf.ItemErr.Error(), "slow down")

	s.put = func(*dynamodb.PutItemInput) (*dynamodb.PutItemOutput, error) {
		return nil, &types.ConditionalCheckFailedException{Item: map[string]types.AttributeValue{
			"id": &types.AttributeValueMemberS{Value: "d"}, "count": &types.AttributeValueMemberS{Value: "many"},
		}}
	}
	_, err = docs.Create(ctx, Doc{ID: "d"})
	require.ErrorIs(t, err, dynamodel.ErrAlreadyExists)
	require.ErrorAs(t, err, &cf)
	assert.True(t, cf.Found)
	assert.Equal(t, Doc{}, cf.Item)
	require.ErrorIs(t, cf.ItemErr, dynamodel.ErrInvalidItem)
	assert.NotErrorIs(t, err, dynamodel.ErrInvalidItem, "the call's error is the failed condition")
	assert.Equal(t, []string{"PutItem", "GetItem", "PutItem"}, s.Calls(), "no read when the failure brings the item")
}
