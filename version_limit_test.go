package dynamodel_test

import (
	"context"
	"math"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel"
)

type smallVersion struct {
	ID      string `dynamodbav:"id" dynamodel:"hash"`
	Version int8   `dynamodbav:"version" dynamodel:"version"`
}

type wideVersion struct {
	ID      string `dynamodbav:"id" dynamodel:"hash"`
	Version uint64 `dynamodbav:"version" dynamodel:"version"`
}

type longVersion struct {
	ID      string `dynamodbav:"id" dynamodel:"hash"`
	Version int64  `dynamodbav:"version" dynamodel:"version"`
}

// TestVersionNeverWraps: a write from the largest version a field holds
// would store a smaller one (an int8's 127 became -128, an int64's
// math.MaxInt64 became math.MinInt64, a uint64 above math.MaxInt64 was sent
// as a negative number), a version going backwards that a stale reader's
// version can match again, so a lost update. Every write that increments a
// version it knows refuses it with ErrInvalidItem before any call; the
// version before the last still writes.
func TestVersionNeverWraps(t *testing.T) {
	ctx := context.Background()
	s := newStub(t)
	var stored []string
	s.put = func(in *dynamodb.PutItemInput) (*dynamodb.PutItemOutput, error) {
		stored = append(stored, in.Item["version"].(*types.AttributeValueMemberN).Value)
		return &dynamodb.PutItemOutput{}, nil
	}
	small, err := dynamodel.NewRepository[smallVersion](s, "Things")
	require.NoError(t, err)
	wide, err := dynamodel.NewRepository[wideVersion](s, "Things")
	require.NoError(t, err)
	long, err := dynamodel.NewRepository[longVersion](s, "Things")
	require.NoError(t, err)
	skip := func(o *dynamodel.BatchWriteOptions) { o.SkipVersionCheck = true }

	refused := map[string]error{}
	_, refused["Put int8 127"] = small.Put(ctx, smallVersion{ID: "a", Version: math.MaxInt8})
	_, refused["Put int64 max"] = long.Put(ctx, longVersion{ID: "a", Version: math.MaxInt64})
	_, refused["Put uint64 max int64"] = wide.Put(ctx, wideVersion{ID: "a", Version: math.MaxInt64})
	_, refused["Put uint64 above int64"] = wide.Put(ctx, wideVersion{ID: "a", Version: math.MaxUint64})
	_, refused["BatchPut int8 127"] = small.BatchPut(ctx, []smallVersion{{ID: "a", Version: math.MaxInt8}}, skip)
	_, refused["Update item int8 127"] = small.Update(ctx, smallVersion{ID: "a", Version: math.MaxInt8}, dynamodel.Set("x", 1))
	_, refused["Update Version 200 int8"] = small.Update(ctx, "a", dynamodel.Set("x", 1), func(o *dynamodel.UpdateOptions) { o.Version = 200 })
	refused["TxPut int8 127"] = dynamodel.TransactWrite(ctx, s, []dynamodel.TxAction{small.TxPut(smallVersion{ID: "a", Version: math.MaxInt8})})
	refused["TxUpdate int64 max"] = dynamodel.TransactWrite(ctx, s, []dynamodel.TxAction{long.TxUpdate(longVersion{ID: "a", Version: math.MaxInt64}, dynamodel.Set("x", 1))})
	for name, err := range refused {
		assert.ErrorIs(t, err, dynamodel.ErrInvalidItem, name)
	}
	assert.Empty(t, s.Calls(), "refused before any call")

	got, err := small.Put(ctx, smallVersion{ID: "a", Version: math.MaxInt8 - 1})
	require.NoError(t, err)
	assert.Equal(t, int8(math.MaxInt8), got.Version)
	_, err = wide.Put(ctx, wideVersion{ID: "a", Version: math.MaxInt64 - 1})
	require.NoError(t, err)
	_, err = small.Put(ctx, smallVersion{ID: "a", Version: -3}) // counting up from a negative one
	require.NoError(t, err)
	_, err = small.Create(ctx, smallVersion{ID: "a", Version: math.MaxInt8}) // Create starts at 1
	require.NoError(t, err)
	assert.Equal(t, []string{"127", "9223372036854775807", "-2", "1"}, stored)
}
