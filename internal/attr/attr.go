// Package attr answers questions about DynamoDB attribute values that the
// root package and package bulk both ask: what type a value is, and whether
// a string is a number DynamoDB accepts.
package attr

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// MaxDigits is how many significant digits a DynamoDB number may have.
const MaxDigits = 38

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
	return numberSyntax(s) && SignificantDigits(s) <= MaxDigits && inRange(s)
}

// inRange reports whether the number s (numberSyntax) is 0 or has its
// first significant digit from the place of 10^-130 to that of 10^125.
func inRange(s string) bool {
	_, digits, point := splitNumber(s)
	return digits == "" || -130 <= point-1 && point-1 <= 125
}

// numberSyntax reports whether s is an optional sign, digits with at most
// one point, and an optional exponent.
func numberSyntax(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits, dot := 0, false
	for ; i < len(s); i++ {
		if c := s[i]; c >= '0' && c <= '9' {
			digits++
		} else if c == '.' && !dot {
			dot = true
		} else {
			break
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		exp := 0
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			exp++
		}
		if exp == 0 {
			return false
		}
	}
	return i == len(s)
}

// SignificantDigits counts the digits of a decimal string without leading
// or trailing zeros.
func SignificantDigits(s string) int {
	mant, _, _ := strings.Cut(strings.ToLower(s), "e")
	mant = strings.TrimLeft(mant, "+-")
	digits := strings.Replace(mant, ".", "", 1)
	digits = strings.TrimLeft(digits, "0")
	digits = strings.TrimRight(digits, "0")
	return len(digits)
}
