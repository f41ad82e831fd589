package dynamodel_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel"
)

func TestItemSize(t *testing.T) {
	item, err := attributevalue.MarshalMap(map[string]any{
		"s":    "abc",      // 1 + 3
		"n":    123.45,     // 1 + 3 (5 digits: 3 bytes) + 1
		"b":    []byte{1},  // 1 + 1
		"ok":   true,       // 2 + 1
		"l":    []any{"x"}, // 1 + 3 + 1 + 1
		"m":    map[string]any{"k": "v"},
		"null": nil, // 4 + 1
	})
	require.NoError(t, err)
	// m: 1 + 3 + (1 + 1 + 1) = 7
	assert.Equal(t, 4+5+2+3+6+7+5, dynamodel.ItemSize(item))
}
