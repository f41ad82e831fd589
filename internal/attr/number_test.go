package attr_test

import (
	"math/big"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/dynamodel/dynamodel/internal/attr"
)

func TestCanonicalNumber(t *testing.T) {
	for in, want := range map[string]string{
		"0": "0", "-0": "0", "+0": "0", "0.000": "0", "-0e5": "0", ".0": "0",
		"1": "1", "+1": "1", "1.0": "1", "1.": "1", "01": "1", "10e-1": "1", "0.1e1": "1", "1E0": "1",
		"10": "10", "1e1": "10", "1E+1": "10", "100.00": "100", "-1.50": "-1.5", "-0.5": "-0.5",
		".5": "0.5", "0.05": "0.05", "5e-2": "0.05", "1.25e1": "12.5", "00012.3400e-2": "0.1234",
		"1e125": "1" + strings.Repeat("0", 125), "1E-130": "0." + strings.Repeat("0", 129) + "1",
		"x": "x", "": "", "1e": "1e", // not numbers: as they are
	} {
		assert.Equal(t, want, attr.CanonicalNumber(in), in)
	}
	// Far outside DynamoDB's range: an exponent, not a billion zeros.
	assert.Regexp(t, `^1e\d{7,8}$`, attr.CanonicalNumber("1e999999999999"))
	assert.Regexp(t, `^-12e-\d{7,8}$`, attr.CanonicalNumber("-12e-999999999999"))
}

func TestCanonicalNumberKeepsItsForm(t *testing.T) {
	for _, s := range []string{"0", "7", "-7", "123456789", "-0.5", "3.25", "1000000000000000000000"} {
		allocs := testing.AllocsPerRun(10, func() { _ = attr.CanonicalNumber(s) })
		assert.Zero(t, allocs, s)
	}
}

// FuzzCanonicalNumber holds CanonicalNumber to math/big: two numbers have
// the same canonical text exactly when they are equal, and the canonical
// text is a number of the same value that is its own canonical text.
func FuzzCanonicalNumber(f *testing.F) {
	f.Add("1", "1.0")
	f.Add("-0", "0e7")
	f.Add("12.5e-3", "0.0125")
	f.Add(".5", "5e-1")
	f.Fuzz(func(t *testing.T, a, b string) {
		ra, ok := rat(a)
		if !ok {
			return
		}
		ca := attr.CanonicalNumber(a)
		rc, ok := rat(ca)
		if !ok || rc.Cmp(ra) != 0 || attr.CanonicalNumber(ca) != ca {
			t.Fatalf("%q: canonical %q", a, ca)
		}
		if attr.PlainDecimal(a) != (ca == a) || attr.PlainDecimal([]byte(a)) != (ca == a) {
			t.Fatalf("%q: PlainDecimal %v, canonical %q", a, attr.PlainDecimal(a), ca)
		}
		rb, ok := rat(b)
		if !ok {
			return
		}
		if same := attr.CanonicalNumber(b) == ca; same != (ra.Cmp(rb) == 0) {
			t.Fatalf("%q and %q: canonical %q and %q", a, b, ca, attr.CanonicalNumber(b))
		}
	})
}

// rat reads a number ValidNumber takes, within DynamoDB's range of
// exponents (math/big would build any exponent it is given).
func rat(s string) (*big.Rat, bool) {
	if !attr.ValidNumber(s) {
		return nil, false
	}
	if _, exp, ok := strings.Cut(strings.ToLower(s), "e"); ok && len(strings.TrimLeft(exp, "+-0")) > 4 {
		return nil, false
	}
	r, ok := new(big.Rat).SetString(s)
	return r, ok
}
