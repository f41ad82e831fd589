package bulk

import (
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodel/dynamodel/internal/attr"
)

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
