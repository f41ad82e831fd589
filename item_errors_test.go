package dynamodel_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/codec"
)

// An item that does not decode names the attribute to blame, and keeps both
// ErrInvalidItem and attributevalue's error reachable.
func TestDecodeErrorsNameTheAttribute(t *testing.T) {
	s := newStub(t)
	s.get = func(in *dynamodb.GetItemInput) (*dynamodb.GetItemOutput, error) {
		return &dynamodb.GetItemOutput{Item: map[string]types.AttributeValue{
			"id":     in.Key["id"],
			"labels": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{"ok": &types.AttributeValueMemberS{Value: "x"}, "bad": &types.AttributeValueMemberN{Value: "1"}}},
			"count":  &types.AttributeValueMemberS{Value: "three"},
		}}, nil
	}
	docs, err := dynamodel.NewRepository[Doc](s, "Docs")
	require.NoError(t, err)
	_, err = docs.Get(context.Background(), "d1")
	require.ErrorIs(t, err, dynamodel.ErrInvalidItem)
	var de *codec.DecodeError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, "count", de.Path)
	var ute *attributevalue.UnmarshalTypeError
	require.ErrorAs(t, err, &ute)
	assert.Contains(t, err.Error(), "decode dynamodel_test.Doc: count: unmarshal failed")
}
