// Package attr answers questions about DynamoDB attribute values that the
// root package and package bulk both ask: what type a value is, whether a
// string is a number DynamoDB accepts, which text of a number's value keys
// compare by, and whether two items are the same item.
package attr

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// MaxDigits is how many significant digits a DynamoDB number may have.
const MaxDigits = 38

// DynamoDB's limits on keys, names and nesting, which the root package's
// writes and package bulk's import both check.
const (
	MaxHashKeyBytes  = 2048  // a partition key's string or binary value
	MaxRangeKeyBytes = 1024  // a sort key's string or binary value
	MaxNameBytes     = 65535 // an attribute name, at any depth
	MaxDepth         = 32    // the deepest nesting of a document: an attribute's value is level 1
)

// TypeName names av's DynamoDB type ("S", "N", "SS", "M", ...), "nothing"
// for nil, and the Go type of anything else.
func TypeName(av types.AttributeValue) string {
	switch av.(type) {
	case *types.AttributeValueMemberS:
		return "S"
	case *types.AttributeValueMemberN:
		return "N"
	case *types.AttributeValueMemberB:
		return "B"
	case *types.AttributeValueMemberBOOL:
		return "BOOL"
	case *types.AttributeValueMemberNULL:
		return "NULL"
	case *types.AttributeValueMemberL:
		return "L"
	case *types.AttributeValueMemberM:
		return "M"
	case *types.AttributeValueMemberSS:
		return "SS"
	case *types.AttributeValueMemberNS:
		return "NS"
	case *types.AttributeValueMemberBS:
		return "BS"
	case nil:
		return "nothing"
	}
	return fmt.Sprintf("%T", av)
}

// ValidNumber reports whether s is a decimal number DynamoDB accepts: an
// optional sign, digits with at most one point, an optional exponent, at
// most MaxDigits significant digits, and a magnitude of 0 or from 1E-130
// to under 1E+126.
func ValidNumber(s string) bool {
	n, ok := ParseNumber(s)
	return ok && n.Digits <= MaxDigits && n.InRange()
}
