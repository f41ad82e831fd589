package dynamodel

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel/codec"
)

// TestMarshalValueMatchesAttributeValue checks the shortcuts of marshalValue
// against attributevalue.Marshal.
func TestMarshalValueMatchesAttributeValue(t *testing.T) {
	for _, v := range []any{
		"", "x", 0, -7, int64(1) << 62, int32(-5), uint64(1) << 63, 0.0, -1.5, 1e300, 3.14159, true, false,
		time.Date(2026, 11, 25, 9, 30, 0, 120000000, time.UTC), time.Time{},
		time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("X", 5400)),
	} {
		got, err := marshalValue(v)
		require.NoError(t, err)
		want, err := attributevalue.Marshal(v)
		require.NoError(t, err)
		assert.Equal(t, want, got, "%T %v", v, v)
	}
}

// TestNilItemIsInvalid: the codec, as attributevalue, encodes a nil *T as
// an empty item; a repository refuses it before any call.
func TestNilItemIsInvalid(t *testing.T) {
	users, err := NewRepository[User](struct{ API }{}, "Users") // any call would panic
	require.NoError(t, err)
	_, err = encodeItem(users.items, nil)
	require.ErrorIs(t, err, ErrInvalidItem)
	_, err = users.encodeForWrite(nil, writePut, true)
	require.ErrorIs(t, err, ErrInvalidItem)
	assert.Contains(t, err.Error(), "nil *dynamodel.User")
}

// TestMarshalSetShortcuts checks the shortcuts of marshalSetOrNumber for
// []string and []int against attributevalue's encoding of a field tagged
// as a set, and that the set does not share the caller's slice.
func TestMarshalSetShortcuts(t *testing.T) {
	for _, v := range []any{
		[]string{"a"}, []string{"b", "", "b", "ü"}, []int{0}, []int{-3, 1 << 40, 7},
	} {
		got, err := marshalSetOrNumber(v)
		require.NoError(t, err)
		tag := codec.Tag{AsStringSet: true}
		if _, ok := v.([]int); ok {
			tag = codec.Tag{AsNumberSet: true}
		}
		want, err := marshalTagged(v, tag)
		require.NoError(t, err)
		assert.Equal(t, want, got, "%T %v", v, v)
	}
	for _, v := range []any{[]string{}, []int{}, []string(nil)} {
		_, err := marshalSetOrNumber(v)
		assert.EqualError(t, err, "empty set", "%T %v", v, v)
	}
	s := []string{"a", "b"}
	av, err := marshalSetOrNumber(s)
	require.NoError(t, err)
	s[0] = "changed"
	assert.Equal(t, []string{"a", "b"}, av.(*types.AttributeValueMemberSS).Value)
}
