package dynamodel

import (
	"bytes"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodel/dynamodel/internal/attr"
)

// What DynamoDB checks in every value, checked here before any call: a
// number is a decimal (no NaN or infinity) of at most 38 significant digits
// within DynamoDB's range; a string (a set's too) is valid UTF-8, as a
// map's keys are, which are at most 65,535 bytes; one value is at most
// 400 KB. (DynamoDB's JSON cannot carry other bytes: the SDK would send
// U+FFFD for each, changing the value and its size.)

// checkValue returns the size DynamoDB counts for av, or what it would
// reject in it.
func checkValue(av types.AttributeValue) (int, error) {
	n, err := valueSizeChecked(av)
	if err == nil && n > MaxItemSize {
		err = fmt.Errorf("a value of %d bytes, over DynamoDB's %d-byte limit", n, MaxItemSize)
	}
	return n, err
}

// valueSizeChecked is valueSize, checking numbers, sets, map keys and the
// nesting on the way.
func valueSizeChecked(av types.AttributeValue) (int, error) { return valueSizeAt(av, 1) }

// isNilValue reports whether av is nil, or a nil pointer of one of the
// SDK's member types (a caller's (*types.AttributeValueMemberS)(nil)).
func isNilValue(av types.AttributeValue) bool {
	switch v := av.(type) {
	case nil:
		return true
	case *types.AttributeValueMemberS:
		return v == nil
	case *types.AttributeValueMemberN:
		return v == nil
	case *types.AttributeValueMemberB:
		return v == nil
	case *types.AttributeValueMemberBOOL:
		return v == nil
	case *types.AttributeValueMemberNULL:
		return v == nil
	case *types.AttributeValueMemberSS:
		return v == nil
	case *types.AttributeValueMemberNS:
		return v == nil
	case *types.AttributeValueMemberBS:
		return v == nil
	case *types.AttributeValueMemberL:
		return v == nil
	case *types.AttributeValueMemberM:
		return v == nil
	}
	return false
}

// valueSizeAt is valueSizeChecked of a value at nesting level level (an
// attribute's value is at level 1; a member or element of a value at
// level n, at n+1). DynamoDB refuses a value below level 32 (attr.MaxDepth,
// the deepest a path can reach), and an empty set.
func valueSizeAt(av types.AttributeValue, level int) (int, error) {
	if level > attr.MaxDepth {
		return 0, fmt.Errorf("a value nested more than %d levels deep, which DynamoDB refuses", attr.MaxDepth)
	}
	if isNilValue(av) {
		return 0, fmt.Errorf("a nil attribute value")
	}
	switch v := av.(type) {
	case *types.AttributeValueMemberS:
		if !utf8.ValidString(v.Value) {
			return 0, errNotUTF8(v.Value)
		}
		return len(v.Value), nil
	case *types.AttributeValueMemberN:
		return checkedNumberSize(v.Value)
	case *types.AttributeValueMemberB:
		return len(v.Value), nil
	case *types.AttributeValueMemberBOOL, *types.AttributeValueMemberNULL:
		return 1, nil
	case *types.AttributeValueMemberSS:
		if len(v.Value) == 0 {
			return 0, errEmptySet
		}
		n := 0
		for _, s := range v.Value {
			if !utf8.ValidString(s) {
				return 0, errNotUTF8(s)
			}
			n += len(s)
		}
		return n, repeatedIn("SS", v.Value, func(s string) string { return s })
	case *types.AttributeValueMemberNS:
		if len(v.Value) == 0 {
			return 0, errEmptySet
		}
		n := 0
		for _, s := range v.Value {
			size, err := checkedNumberSize(s)
			if err != nil {
				return 0, err
			}
			n += size
		}
		return n, repeatedIn("NS", v.Value, attr.CanonicalNumber) // "1" and "1.0" are one number
	case *types.AttributeValueMemberBS:
		if len(v.Value) == 0 {
			return 0, errEmptySet
		}
		n := 0
		for _, b := range v.Value {
			n += len(b)
		}
		return n, repeatedIn("BS", v.Value, func(b []byte) string { return string(b) })
	case *types.AttributeValueMemberL:
		n := 3
		for _, e := range v.Value {
			size, err := valueSizeAt(e, level+1)
			if err != nil {
				return 0, err
			}
			n += 1 + size
		}
		return n, nil
	case *types.AttributeValueMemberM:
		n := 3
		var bad mistake
		for k, e := range v.Value {
			if len(k) > attr.MaxNameBytes || !utf8.ValidString(k) {
				bad.add(k, fmt.Errorf("map key %.64q: %s", k, checkName(k)))
				continue
			}
			size, err := valueSizeAt(e, level+1)
			bad.add(k, err)
			n += 1 + len(k) + size
		}
		return n, bad.err
	}
	return 0, nil
}

// repeatedIn reports a set's element equal, as key tells, to an earlier
// one: DynamoDB refuses such a set. Small sets are compared pairwise,
// without allocating.
func repeatedIn[E any](typ string, set []E, key func(E) string) error {
	at := -1
	if len(set) <= 16 {
		for i := 1; i < len(set) && at < 0; i++ {
			for j := range i {
				if key(set[i]) == key(set[j]) {
					at = i
					break
				}
			}
		}
	} else {
		ids := make([]string, len(set))
		for i, e := range set {
			ids[i] = key(e)
		}
		at = firstDuplicate(ids)
	}
	if at < 0 {
		return nil
	}
	return fmt.Errorf("%s element %d repeats an earlier one, which DynamoDB refuses", typ, at)
}

// errEmptySet is what DynamoDB refuses in every set: no elements.
var errEmptySet = errors.New("an empty set, which DynamoDB refuses (it has none)")

// errNotUTF8 says that string s is not valid UTF-8.
func errNotUTF8(s string) error {
	return fmt.Errorf("string %.32q: not valid UTF-8", s)
}

// checkedNumberSize returns a number's size, or why DynamoDB would reject it.
func checkedNumberSize(s string) (int, error) {
	num, ok := attr.ParseNumber(s)
	if reason := numberProblem(s, num, ok); reason != "" {
		return 0, fmt.Errorf("number %.64q: %s", s, reason)
	}
	return (num.Digits+1)/2 + 1, nil
}

// numberProblem says why DynamoDB would reject the number s, parsed as d
// (ok false when s is not a number), or "" when it would not.
func numberProblem(s string, d attr.Number, ok bool) string {
	switch {
	case !ok && (strings.EqualFold(strings.TrimLeft(s, "+-"), "NaN") || strings.HasPrefix(strings.ToLower(strings.TrimLeft(s, "+-")), "inf")):
		return "NaN and infinities are not numbers DynamoDB stores"
	case !ok:
		return "not a decimal number"
	case d.Digits > attr.MaxDigits:
		return fmt.Sprintf("%d significant digits, over DynamoDB's %d", d.Digits, attr.MaxDigits)
	case !d.InRange():
		return "outside DynamoDB's range (1E-130 to 9.9999999999999999999999999999999999999E+125)"
	}
	return ""
}

// checkItem checks an encoded item as DynamoDB would before writing it:
// every attribute name, every number, every map key, and the size (an
// error wrapping ErrItemTooLarge when over the limit).
func checkItem(item map[string]types.AttributeValue) error {
	n := 0
	var bad mistake
	for name, av := range item {
		size, err := checkAttribute(name, av)
		bad.add(name, err)
		n += len(name) + size
	}
	if bad.err != nil {
		return bad.err
	}
	if n > MaxItemSize {
		return fmt.Errorf("%w: %d bytes, over the %d-byte limit", ErrItemTooLarge, n, MaxItemSize)
	}
	return nil
}

// checkAttribute checks one attribute of an item (see checkItem) and
// returns its value's size.
func checkAttribute(name string, av types.AttributeValue) (int, error) {
	if reason := checkName(name); reason != "" {
		return 0, fmt.Errorf("%w: attribute %.64q: %s", ErrInvalidItem, name, reason)
	}
	size, err := valueSizeChecked(av)
	if err != nil {
		return 0, fmt.Errorf("%w: attribute %.64q: %v", ErrInvalidItem, name, err)
	}
	return size, nil
}

// A mistake is, of the mistakes found in a map ranged over in its random
// order, the one at the least key: of several, the same one is reported
// every time. Each key is checked once, so checking nested maps stays
// linear.
type mistake struct {
	key string
	err error
}

// add records err, found at key, when it is the first or its key is less
// than the one recorded.
func (m *mistake) add(key string, err error) {
	if err != nil && (m.err == nil || key < m.key) {
		m.key, m.err = key, err
	}
}

// maxExpressionBytes is DynamoDB's limit on each expression string.
// maxExpressionParts is more actions or paths than fit in one: each takes
// at least 5 bytes ("#n0, "). Updates and projections with more are
// refused before their paths are compared with each other.
const (
	maxExpressionBytes = 4096
	maxExpressionParts = maxExpressionBytes / 4
)

// checkExpression reports an expression over DynamoDB's 4 KB limit, as
// sentinel, naming which expression (what) it is.
func checkExpression(sentinel error, what, expr string) error {
	if len(expr) > maxExpressionBytes {
		return fmt.Errorf("%w: %s of %d bytes, over DynamoDB's limit of %d", sentinel, what, len(expr), maxExpressionBytes)
	}
	// A condition or filter's operators are counted too. Every operator
	// takes a byte at least: a shorter expression has fewer than the
	// limit, and is not read again. (A key condition has three at most.)
	if sentinel == ErrInvalidCondition && len(expr) > maxOperators {
		if n := countOperators(expr); n > maxOperators {
			return fmt.Errorf("%w: %s with %d operators and functions, over DynamoDB's limit of %d", sentinel, what, n, maxOperators)
		}
	}
	return nil
}

// maxOperators is DynamoDB's limit on the operators and functions of an
// expression.
const maxOperators = 300

// countOperators counts the operators and functions of a condition
// expression as DynamoDB's limit counts them: comparisons, AND, OR, NOT,
// BETWEEN (its AND not counted again), IN, and every function. Names and
// values are placeholders or bare names, none of them a keyword, so
// they are told apart from these by their text.
func countOperators(expr string) int {
	n, betweens := 0, 0
	for i := 0; i < len(expr); i++ {
		c := expr[i]
		switch {
		case c == '#' || c == ':':
			for i+1 < len(expr) && isPlaceholderByte(expr[i+1]) {
				i++
			}
		case c == '=' || c == '<' || c == '>':
			n++
			if i+1 < len(expr) && (expr[i+1] == '=' || c == '<' && expr[i+1] == '>') {
				i++
			}
		case isPlaceholderByte(c):
			j := i
			for j < len(expr) && isPlaceholderByte(expr[j]) {
				j++
			}
			word := expr[i:j]
			i = j - 1
			for j < len(expr) && expr[j] == ' ' {
				j++
			}
			switch {
			case strings.EqualFold(word, "BETWEEN"):
				n++
				betweens++
			case strings.EqualFold(word, "AND") && betweens > 0:
				betweens--
			case strings.EqualFold(word, "AND"), strings.EqualFold(word, "OR"), strings.EqualFold(word, "NOT"), strings.EqualFold(word, "IN"):
				n++
			case j < len(expr) && expr[j] == '(':
				n++ // a function
			}
		}
	}
	return n
}

// checkKeyName reports a key or index key attribute name DynamoDB would
// reject: empty, not valid UTF-8, or over 255 bytes.
func checkKeyName(name string) error {
	reason := checkName(name)
	if reason == "" && len(name) > maxKeyNameBytes {
		reason = fmt.Sprintf("key attribute name of %d bytes, over DynamoDB's limit of %d", len(name), maxKeyNameBytes)
	}
	if reason != "" {
		return &PathError{Path: name, Reason: reason}
	}
	return nil
}

// boundsProblem says why DynamoDB would refuse lo and hi, two values, as
// the bounds of a BETWEEN, or "" when it would not: they must be of one
// type, and lo must not be above hi.
func boundsProblem(lo, hi types.AttributeValue) string {
	cmp, ok := compareScalars(lo, hi)
	switch {
	case !ok:
		return fmt.Sprintf("BETWEEN takes bounds of one type, not %s and %s", attr.TypeName(lo), attr.TypeName(hi))
	case cmp > 0:
		return fmt.Sprintf("BETWEEN's lower bound %.64s is above its upper bound %.64s", scalarText(lo), scalarText(hi))
	}
	return ""
}

// compareScalars orders two values of one scalar type as DynamoDB does:
// numbers by value, strings and binaries byte by byte. ok is false when
// they are not of one type, and for numbers DynamoDB would not take (the
// caller checks them first).
func compareScalars(a, b types.AttributeValue) (cmp int, ok bool) {
	switch x := a.(type) {
	case *types.AttributeValueMemberS:
		if y, same := b.(*types.AttributeValueMemberS); same {
			return strings.Compare(x.Value, y.Value), true
		}
	case *types.AttributeValueMemberB:
		if y, same := b.(*types.AttributeValueMemberB); same {
			return bytes.Compare(x.Value, y.Value), true
		}
	case *types.AttributeValueMemberN:
		y, same := b.(*types.AttributeValueMemberN)
		if !same || !attr.ValidNumber(x.Value) || !attr.ValidNumber(y.Value) {
			return 0, false
		}
		rx, okX := new(big.Rat).SetString(x.Value)
		ry, okY := new(big.Rat).SetString(y.Value)
		if okX && okY {
			return rx.Cmp(ry), true
		}
	default:
		// Of one type, an unordered one (BOOL, NULL, a set, list or map):
		// DynamoDB orders none of them, so there is nothing to check here.
		return 0, attr.TypeName(a) == attr.TypeName(b)
	}
	return 0, false
}

// scalarText is a scalar value as an error shows it.
func scalarText(av types.AttributeValue) string {
	switch v := av.(type) {
	case *types.AttributeValueMemberS:
		return strconv.Quote(v.Value)
	case *types.AttributeValueMemberN:
		return v.Value
	case *types.AttributeValueMemberB:
		return fmt.Sprintf("0x%x", v.Value)
	}
	return attr.TypeName(av)
}
