package dynamodel

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// What DynamoDB checks in every value, checked here before any call: a
// number is a decimal (no NaN or infinity) of at most 38 significant digits
// within DynamoDB's range; a map's keys are valid UTF-8 of at most 65,535
// bytes; one value is at most 400 KB.

// checkValue returns the size DynamoDB counts for av, or what it would
// reject in it.
func checkValue(av types.AttributeValue) (int, error) {
	n, err := valueSizeChecked(av)
	if err == nil && n > MaxItemSize {
		err = fmt.Errorf("a value of %d bytes, over DynamoDB's %d-byte limit", n, MaxItemSize)
	}
	return n, err
}

// valueSizeChecked is valueSize, checking numbers and map keys on the way.
func valueSizeChecked(av types.AttributeValue) (int, error) {
	switch v := av.(type) {
	case *types.AttributeValueMemberS:
		return len(v.Value), nil
	case *types.AttributeValueMemberN:
		return checkedNumberSize(v.Value)
	case *types.AttributeValueMemberB:
		return len(v.Value), nil
	case *types.AttributeValueMemberBOOL, *types.AttributeValueMemberNULL:
		return 1, nil
	case *types.AttributeValueMemberSS:
		n := 0
		for _, s := range v.Value {
			n += len(s)
		}
		return n, nil
	case *types.AttributeValueMemberNS:
		n := 0
		for _, s := range v.Value {
			size, err := checkedNumberSize(s)
			if err != nil {
				return 0, err
			}
			n += size
		}
		return n, nil
	case *types.AttributeValueMemberBS:
		n := 0
		for _, b := range v.Value {
			n += len(b)
		}
		return n, nil
	case *types.AttributeValueMemberL:
		n := 3
		for _, e := range v.Value {
			size, err := valueSizeChecked(e)
			if err != nil {
				return 0, err
			}
			n += 1 + size
		}
		return n, nil
	case *types.AttributeValueMemberM:
		n := 3
		for k, e := range v.Value {
			if len(k) > maxNameBytes || !utf8.ValidString(k) {
				return 0, fmt.Errorf("map key %.64q: %s", k, checkName(k))
			}
			size, err := valueSizeChecked(e)
			if err != nil {
				return 0, err
			}
			n += 1 + len(k) + size
		}
		return n, nil
	}
	return 0, nil
}

// checkedNumberSize returns a number's size, or why DynamoDB would reject it.
func checkedNumberSize(s string) (int, error) {
	if reason := checkNumber(s); reason != "" {
		return 0, fmt.Errorf("number %.64q: %s", s, reason)
	}
	return numberSize(s), nil
}

// checkNumber returns what DynamoDB would reject in number s, or "": not a
// decimal (NaN, Inf), more than 38 significant digits, or a magnitude
// outside 1E-130 to 9.99...E+125.
func checkNumber(s string) string {
	if !validNumber(s) {
		switch s {
		case "NaN", "+Inf", "-Inf", "Inf", "+Infinity", "-Infinity", "Infinity":
			return "NaN and infinities are not numbers DynamoDB stores"
		}
		return "not a decimal number of at most 38 significant digits"
	}
	if e, zero := decimalExponent(s); !zero && (e < -130 || e > 125) {
		return "outside DynamoDB's range (1E-130 to 9.9999999999999999999999999999999999999E+125)"
	}
	return ""
}

// decimalExponent returns E for a valid decimal s = d.ddd × 10^E (its
// first significant digit d is not 0), and zero when s is 0.
func decimalExponent(s string) (e int, zero bool) {
	s = strings.TrimLeft(s, "+-")
	mant, expPart, _ := strings.Cut(strings.ToLower(s), "e")
	intPart, fracPart, _ := strings.Cut(mant, ".")
	exp := 0
	if expPart != "" {
		neg := expPart[0] == '-'
		for _, c := range strings.TrimLeft(expPart, "+-") {
			if exp < 1e6 { // far outside the range already
				exp = exp*10 + int(c-'0')
			}
		}
		if neg {
			exp = -exp
		}
	}
	if k := strings.IndexFunc(intPart, nonZero); k >= 0 {
		return len(intPart) - k - 1 + exp, false
	}
	if k := strings.IndexFunc(fracPart, nonZero); k >= 0 {
		return -(k + 1) + exp, false
	}
	return 0, true
}

func nonZero(c rune) bool { return c != '0' }
