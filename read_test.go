package dynamodel_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/dynamotest"
)

// TestCountsIgnoreTheProjectionIntegration counts with a projection set, as
// options shared with other reads may have: a count reads no attributes,
// and DynamoDB rejects a request whose attribute names go unused.
func TestCountsIgnoreTheProjectionIntegration(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		docs := repo[Doc](t, db, "Docs")
		for _, d := range []Doc{{ID: "a", Name: "A"}, {ID: "b", Name: "B"}} {
			_, err := docs.Put(ctx, d)
			require.NoError(t, err)
		}
		n, err := docs.QueryCount(ctx, dynamodel.Partition("a"), func(o *dynamodel.QueryOptions) { o.Projection = []string{"name"} })
		require.NoError(t, err)
		assert.Equal(t, 1, n)
		n, err = docs.ScanCount(ctx, func(o *dynamodel.ScanOptions) { o.Projection = []string{"name"} })
		require.NoError(t, err)
		assert.Equal(t, 2, n)
	})
}
