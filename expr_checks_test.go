package dynamodel_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel"
)

// TestUpdateMistakesFoundBeforeTheCall: updates DynamoDB refuses are
// ErrInvalidUpdate before any call: two paths that read one value as a
// map and as a list (both engines refuse "m.b" with "m[0]"), a value of
// the wrong type for ADD or DELETE given as an attribute value (both
// engines: "Incorrect operand type"), and a nil attribute value of one of
// the SDK's types, which used to panic.
func TestUpdateMistakesFoundBeforeTheCall(t *testing.T) {
	docs, err := dynamodel.NewRepository[Doc](newStub(t), "Docs")
	require.NoError(t, err)
	for name, upd := range map[string]dynamodel.Update{
		"set map and list":    dynamodel.Set("labels.b", "x").Set("labels[0]", "y"),
		"remove map and list": dynamodel.Remove("labels.b", "labels[0]"),
		"add a string":        dynamodel.Update{}.Add("count", &types.AttributeValueMemberS{Value: "1"}),
		"delete a string":     dynamodel.Update{}.Delete("tags", &types.AttributeValueMemberS{Value: "x"}),
		"delete a list":       dynamodel.Update{}.Delete("tags", &types.AttributeValueMemberL{}),
		"nil S":               dynamodel.Set("name", (*types.AttributeValueMemberS)(nil)),
		"nil N in a map":      dynamodel.Set("labels", &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{"a": (*types.AttributeValueMemberN)(nil)}}),
		"nil L":               dynamodel.Set("labels", (*types.AttributeValueMemberL)(nil)),
		"add a nil N":         dynamodel.Update{}.Add("count", (*types.AttributeValueMemberN)(nil)),
	} {
		_, err := docs.UpdateItemInput("d1", upd)
		require.ErrorIs(t, err, dynamodel.ErrInvalidUpdate, name)
	}
	err = docs.Delete(ctxT(t), "d1", func(o *dynamodel.DeleteOptions) {
		o.Condition = dynamodel.Equal("name", (*types.AttributeValueMemberS)(nil))
	})
	assert.ErrorIs(t, err, dynamodel.ErrInvalidCondition, "a condition on a nil attribute value")
}
