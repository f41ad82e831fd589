package bulk

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodel/dynamodel/internal/attr"
)

// keyAttr is a key attribute of a table or of one of its indexes.
type keyAttr struct {
	name  string
	typ   types.ScalarAttributeType
	index string // the index it is a key of; "" for the table's
	max   int    // the longest string or binary it takes, in bytes
}

// checkKey checks a value of key attribute k as DynamoDB would before
// writing it: of k's type, not an empty string or binary, not over k's
// length limit.
func checkKey(k keyAttr, av types.AttributeValue) error {
	size := -1
	switch v := av.(type) {
	case *types.AttributeValueMemberS:
		size = len(v.Value)
	case *types.AttributeValueMemberB:
		size = len(v.Value)
	}
	var why string
	switch {
	case scalarType(av) != k.typ:
		why = fmt.Sprintf("want type %s, got %s", k.typ, attr.TypeName(av))
	case size == 0:
		why = "empty: DynamoDB takes no empty key value"
	case size > k.max:
		why = fmt.Sprintf("%d bytes, over DynamoDB's %d-byte limit", size, k.max)
	default:
		return nil
	}
	if k.index != "" {
		return fmt.Errorf("%w: attribute %q, a key of index %s: %s", ErrMalformedItem, k.name, k.index, why)
	}
	return fmt.Errorf("%w: key attribute %q: %s", ErrMalformedItem, k.name, why)
}

// keyString renders an item's key for messages and as a map key:
// id="a1" or customer="c1" seq=5; binaries in base64.
func keyString(item map[string]types.AttributeValue, keys []keyAttr) string {
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(k.name)
		b.WriteByte('=')
		switch v := item[k.name].(type) {
		case *types.AttributeValueMemberS:
			b.WriteString(strconv.Quote(v.Value))
		case *types.AttributeValueMemberN:
			b.WriteString(attr.CanonicalNumber(v.Value)) // "1" and "1.0" are one key
		case *types.AttributeValueMemberB:
			b.WriteString(base64.StdEncoding.EncodeToString(v.Value))
		default:
			b.WriteString("?")
		}
	}
	return b.String()
}

// scalarType returns the key type of a scalar value; "" for others.
func scalarType(av types.AttributeValue) types.ScalarAttributeType {
	switch av.(type) {
	case *types.AttributeValueMemberS:
		return types.ScalarAttributeTypeS
	case *types.AttributeValueMemberN:
		return types.ScalarAttributeTypeN
	case *types.AttributeValueMemberB:
		return types.ScalarAttributeTypeB
	}
	return ""
}
