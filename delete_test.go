package dynamodel_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/dynamotest"
)

func TestDeleteRejectsBadKeysBeforeAnyCall(t *testing.T) {
	users, err := dynamodel.NewUserRepository(newStub(t))
	require.NoError(t, err)
	err = users.Delete(context.Background(), "")
	require.ErrorIs(t, err, dynamodel.ErrInvalidKey)
	_, err = users.DeleteReturning(context.Background(), 3)
	require.ErrorIs(t, err, dynamodel.ErrInvalidKey)
}

func TestDeleteIntegration(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		docs := repo[Doc](t, db, "Docs")
		_, err := docs.Create(ctx, Doc{ID: "d1", Name: "one", Count: 1})
		require.NoError(t, err)
		_, err = docs.Create(ctx, Doc{ID: "d2", Name: "two", Count: 2})
		require.NoError(t, err)

		// Deleting a missing item is not an error, unless asked.
		require.NoError(t, docs.Delete(ctx, "missing"))
		err = docs.Delete(ctx, "missing", func(o *dynamodel.DeleteOptions) { o.MustExist = true })
		require.ErrorIs(t, err, dynamodel.ErrNotFound)

		// A condition that fails keeps the item.
		err = docs.Delete(ctx, "d1", func(o *dynamodel.DeleteOptions) { o.Condition = dynamodel.Equal("count", 5) })
		require.ErrorIs(t, err, dynamodel.ErrConditionFailed)
		_, found, err := docs.Lookup(ctx, "d1")
		require.NoError(t, err)
		assert.True(t, found)

		require.NoError(t, docs.Delete(ctx, "d1", func(o *dynamodel.DeleteOptions) { o.Condition = dynamodel.Equal("count", 1) }))
		_, found, err = docs.Lookup(ctx, "d1")
		require.NoError(t, err)
		assert.False(t, found)

		// DeleteReturning gives the item as it was.
		old, err := docs.DeleteReturning(ctx, "d2")
		require.NoError(t, err)
		assert.Equal(t, Doc{ID: "d2", Name: "two", Count: 2}, old)
		_, err = docs.DeleteReturning(ctx, "d2")
		require.ErrorIs(t, err, dynamodel.ErrNotFound)
	})
}

func TestDeleteVersionedIntegration(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		orders := repo[Order](t, db, "Orders")
		o, err := orders.Create(ctx, Order{Customer: "c", ID: "o"})
		require.NoError(t, err)
		newer, err := orders.Update(ctx, o, dynamodel.Set("total", 3))
		require.NoError(t, err)

		// The stale copy cannot delete the newer item.
		err = orders.Delete(ctx, o)
		require.ErrorIs(t, err, dynamodel.ErrVersionConflict)
		var ccf *types.ConditionalCheckFailedException
		require.ErrorAs(t, err, &ccf)
		require.NoError(t, orders.Delete(ctx, newer))
		_, err = orders.Get(ctx, newer)
		require.ErrorIs(t, err, dynamodel.ErrNotFound)
	})
}
