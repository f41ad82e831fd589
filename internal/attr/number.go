package attr

import (
	"strconv"
	"strings"
)

// CanonicalNumber returns the number s (numeric text, as ValidNumber
// takes) in the one form every spelling of its value shares, so that key
// values compare as DynamoDB compares them: "1", "1.0", "+1" and "10e-1"
// are one key. The form is a plain decimal: no exponent, no leading zeros,
// no trailing zeros after the point, no point without digits after it,
// and no sign on zero. s itself is returned when it has that form, as
// numbers encoded from Go values do (except -0), with no allocation.
// Numbers far outside DynamoDB's range (beyond 10^±200, which ValidNumber
// refuses) are written with an exponent instead, and exponents past a
// million are not told apart (ParseNumber stops counting there); text that
// is not a number is returned as it is.
func CanonicalNumber(s string) string {
	n, ok := ParseNumber(s)
	if !ok || PlainDecimal(s) {
		return s
	}
	if n.Digits == 0 {
		return "0"
	}
	digits, point := significantDigits(s), n.Exp+1 // s is ±0.digits × 10^point
	var b strings.Builder
	if s[0] == '-' {
		b.WriteByte('-')
	}
	switch {
	case point > maxPoint || point < -maxPoint:
		b.WriteString(digits) // digits × 10^(point-len(digits))
		b.WriteByte('e')
		b.WriteString(strconv.Itoa(point - len(digits)))
	case point <= 0:
		b.WriteString("0.")
		b.WriteString(strings.Repeat("0", -point))
		b.WriteString(digits)
	case point >= len(digits):
		b.WriteString(digits)
		b.WriteString(strings.Repeat("0", point-len(digits)))
	default:
		b.WriteString(digits[:point])
		b.WriteByte('.')
		b.WriteString(digits[point:])
	}
	return b.String()
}

// maxPoint bounds where CanonicalNumber writes the point out in zeros
// (DynamoDB's numbers are within 10^-130 and 10^126).
const maxPoint = 200

// significantDigits returns the digits of the number s (ParseNumber)
// before its exponent, without the point and leading or trailing zeros.
func significantDigits(s string) string {
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		s = s[:i]
	}
	s = strings.Replace(strings.TrimLeft(s, "+-"), ".", "", 1)
	return strings.Trim(s, "0")
}

// PlainDecimal reports whether s is a number in CanonicalNumber's form, so
// that CanonicalNumber would return it as it is.
func PlainDecimal[S string | []byte](s S) bool {
	i := 0
	if len(s) > 0 && s[0] == '-' {
		i++
	}
	start := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if n := i - start; n == 0 || n > 1 && s[start] == '0' {
		return false
	}
	if i == len(s) {
		return !(len(s) == 2 && s[0] == '-' && s[1] == '0')
	}
	if s[i] != '.' || i+1 == len(s) || s[len(s)-1] == '0' {
		return false
	}
	for i++; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// A Number is what DynamoDB checks in a number: its text is d.ddd × 10^Exp
// with Digits significant digits (Exp is 0 when Digits is 0: zero).
type Number struct {
	Digits int
	Exp    int
}

// InRange reports whether n is 0 or within DynamoDB's range, 1E-130 to
// 9.9999999999999999999999999999999999999E+125 in magnitude.
func (n Number) InRange() bool {
	return n.Digits == 0 || -130 <= n.Exp && n.Exp <= 125
}

// ParseNumber reads a decimal number ([+-]digits[.digits][e[+-]digits])
// without allocating; ok is false when s is not one.
func ParseNumber(s string) (d Number, ok bool) {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	var (
		n, intDigits int // digits seen, digits before the dot
		first, last  = -1, -1
		dot          bool
	)
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			if c != '0' {
				if first < 0 {
					first = n
				}
				last = n
			}
			n++
			if !dot {
				intDigits++
			}
		case c == '.' && !dot:
			dot = true
		default:
			goto exponent
		}
	}
exponent:
	if n == 0 {
		return d, false
	}
	exp := 0
	if i < len(s) {
		if s[i] != 'e' && s[i] != 'E' {
			return d, false
		}
		i++
		neg := false
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			neg = s[i] == '-'
			i++
		}
		if i == len(s) {
			return d, false
		}
		for ; i < len(s); i++ {
			if s[i] < '0' || s[i] > '9' {
				return d, false
			}
			if exp < 1e6 { // far outside the range already
				exp = exp*10 + int(s[i]-'0')
			}
		}
		if neg {
			exp = -exp
		}
	}
	if first < 0 {
		return Number{}, true // zero
	}
	return Number{Digits: last - first + 1, Exp: intDigits - 1 - first + exp}, true
}
