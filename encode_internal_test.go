package dynamodel

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
	_, err = users.encodeForWrite(nil, writePut)
	require.ErrorIs(t, err, ErrInvalidItem)
	assert.Contains(t, err.Error(), "nil *dynamodel.User")
}
