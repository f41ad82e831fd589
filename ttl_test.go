package dynamodel_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/dynamotest"
)

func TestEnableTTLIntegration(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		db.Require(dynamotest.TTL)
		ctx := ctxT(t)
		orders := repo[Order](t, db, "Orders")
		require.NoError(t, orders.EnableTTL(ctx))
		require.NoError(t, orders.EnableTTL(ctx), "a second time is a no-op")
		out, err := db.Client.DescribeTimeToLive(ctx, &dynamodb.DescribeTimeToLiveInput{TableName: aws.String(db.Table("Orders"))})
		require.NoError(t, err)
		assert.Equal(t, "expires", aws.ToString(out.TimeToLiveDescription.AttributeName))
		assert.Contains(t, []types.TimeToLiveStatus{types.TimeToLiveStatusEnabled, types.TimeToLiveStatusEnabling}, out.TimeToLiveDescription.TimeToLiveStatus)

		docs := repo[Doc](t, db, "Docs")
		require.ErrorIs(t, docs.EnableTTL(ctx), dynamodel.ErrInvalidModel)
	})
}
