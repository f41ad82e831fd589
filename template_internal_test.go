package dynamodel

import (
	"cmp"
	"math"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel/codec"
)

func codecField[T any]() codec.Field {
	return codec.Field{Type: reflect.TypeFor[T](), FieldType: reflect.TypeFor[T]()}
}

func TestParseTemplate(t *testing.T) {
	for _, ok := range []string{
		"USER#{username}", "#METADATA#{username}", "PHOTO#{username}#{timestamp}",
		"CONFIG", "{id}", "{a}#{b}", "A#{n:08}#B", "{photo:raw}", "X#{t:2006-01-02}",
	} {
		_, err := parseTemplate(ok, '#')
		assert.NoError(t, err, ok)
	}
	for bad, want := range map[string]string{
		"":             "empty",
		"USER#{":       "not closed",
		"USER#}":       "without '{'",
		"USER#{}":      "no name",
		"USER{name}":   "must follow the separator",
		"{a}{b}":       "not separated",
		"{a}x":         "followed by the separator",
		"{a:raw}#{b}":  "must end the template",
		"A#{a{b}}":     "not closed",
		"A#{a#b}":      "contains the separator",
		"A#{:08}":      "no name",
		"A#{x}#}":      "without '{'",
		"{a}#{b}x#{c}": "followed by the separator",
	} {
		_, err := parseTemplate(bad, '#')
		if assert.Error(t, err, bad) {
			assert.Contains(t, err.Error(), want, bad)
		}
	}
}

func TestTemplateOverlaps(t *testing.T) {
	cases := []struct {
		a, b string
		want bool
	}{
		{"USER#{u}", "USER#{v}", true},
		{"#METADATA#{u}", "#FRIEND#{u}", false},
		{"PHOTO#{u}#{t}", "PHOTO#{u}", false}, // a field holds no separator
		{"PHOTO#{u}#{t}", "PHOTO#{a}#{b}", true},
		{"USER#{u}", "REACTION#{u}#{t}", false},
		{"{photo:raw}", "PHOTO#{u}#{t}", true},
		{"A#{x}", "A#B", true},   // x = "B"
		{"A#{x}", "A#", false},   // a field is never empty
		{"A#{x}#", "A#B#", true}, // literal tail
		{"CONFIG", "CONFIG", true},
		{"CONFIG", "CONFIGS", false},
		{"{a}", "{b}#{c}", false},
		{"{a:raw}", "{b}#{c}", true},
	}
	for _, c := range cases {
		a, err := parseTemplate(c.a, '#')
		require.NoError(t, err)
		b, err := parseTemplate(c.b, '#')
		require.NoError(t, err)
		assert.Equal(t, c.want, a.overlaps(b), "%s vs %s", c.a, c.b)
		assert.Equal(t, c.want, b.overlaps(a), "%s vs %s", c.b, c.a)
	}
}

type templated struct {
	Name   string    `dynamodbav:"name"`
	Count  int       `dynamodbav:"count"`
	Signed int64     `dynamodbav:"signed"`
	Score  float64   `dynamodbav:"score"`
	At     time.Time `dynamodbav:"at"`
	Ptr    *string   `dynamodbav:"ptr"`
	Tags   []string  `dynamodbav:"tags"`
	Flag   bool      `dynamodbav:"flag"`
}

func bindTest(t *testing.T, text string, sortKey bool) *template {
	t.Helper()
	m, err := buildAttributes(reflect.TypeFor[templated]())
	require.NoError(t, err)
	tm, err := bindTemplate(m, "SK", text, '#', sortKey)
	require.NoError(t, err, text)
	return tm
}

func TestBindTemplateErrors(t *testing.T) {
	m, err := buildAttributes(reflect.TypeFor[templated]())
	require.NoError(t, err)
	for text, want := range map[string]string{
		"A#{nope}":            `has no attribute "nope"`,
		"A#{tags}":            "cannot be rendered",
		"A#{flag}":            "cannot be rendered",
		"A#{count}":           "needs a format", // a sort key
		"A#{score:08}":        "cannot be zero-padded",
		"A#{count:8}":         "unknown number format",
		"A#{name:08}":         "no format but raw",
		"A#{at:Monday}":       "no fixed width",
		"A#{at:2006-1-2}":     "no fixed width",
		"A#{at:15:04:05.999}": "no fixed width",
		"A#{at:nothing}":      "not a Go time layout",
	} {
		_, err := bindTemplate(m, "SK", text, '#', true)
		if assert.Error(t, err, text) {
			assert.Contains(t, err.Error(), want, text)
		}
	}
	// A sort key's time layout must sort as time does; a partition key's
	// need not.
	for _, layout := range []string{"02-01-2006", "01/02/2006", "Jan 2006", "2006 Jan", "Mon 2006-01-02", "2006-01-02 03:04PM", "06-01-02", "2006-01-02 05"} {
		_, err := bindTemplate(m, "SK", "A#{at:"+layout+"}", '#', true)
		assert.ErrorContains(t, err, "does not sort as time does", layout)
		_, err = bindTemplate(m, "PK", "A#{at:"+layout+"}", '#', false)
		assert.NoError(t, err, layout)
	}
	for _, layout := range []string{"2006-01-02", "20060102150405", "2006-002", "2006-01-02T15:04:05Z07:00", "2006-01-02 15:04:05.000 MST", "2006-01"} {
		_, err := bindTemplate(m, "SK", "A#{at:"+layout+"}", '#', true)
		assert.NoError(t, err, layout)
	}
	_, err = bindTemplate(m, "SK", "A#{at:15:04}", ':', true)
	assert.ErrorContains(t, err, "separator")
	// A separator that a field's format renders: the field's value would
	// be read back as several, and could make one entity's key another's.
	for _, tc := range []struct {
		sep     byte
		text    string
		sortKey bool
	}{
		{':', "A:{at}", true}, {'-', "A-{at}", true}, {'.', "A.{at}", true}, {'T', "ATT{at}", true}, {'Z', "AZ{at}", true}, {'2', "A2{at:2006}", true},
		{'-', "A-{count}", false}, {'.', "A.{score}", false}, {'7', "A7{count}", false},
		{'a', "Xa{signed:ordered}", true}, {'0', "A0{count:04}", true},
		{'7', "A7{at}", true}, {'8', "A8{at:060102}", true}, {'y', "Ay{at:Jan}", true}, {'P', "AP{at:PM}", true},
	} {
		_, err = bindTemplate(m, "SK", tc.text, tc.sep, tc.sortKey)
		assert.ErrorContains(t, err, "separator", "%c %s", tc.sep, tc.text)
	}
	for _, text := range []string{"A:{at:20060102}", "A:{count:04}", "A:{signed:ordered}"} {
		_, err = bindTemplate(m, "SK", text, ':', true)
		assert.NoError(t, err, text)
	}
	_, err = bindTemplate(m, "PK", "A.{count}", '.', false)
	assert.NoError(t, err, "an integer renders no point")
	_, err = bindTemplate(m, "PK", "A#{count}", '#', false)
	assert.NoError(t, err, "a partition key may hold a plain decimal")
}

func TestTemplateRender(t *testing.T) {
	s := "p"
	v := templated{Name: "ada", Count: 42, Signed: -5, Score: -1.5, At: time.Date(2019, 3, 2, 9, 11, 30, 0, time.FixedZone("X", 3600)), Ptr: &s}
	src := structSource(reflect.ValueOf(v))
	for text, want := range map[string]string{
		"USER#{name}":                        "USER#ada",
		"N#{count:06}":                       "N#000042",
		"T#{at}":                             "T#2019-03-02T08:11:30.000000000Z",
		"D#{at:2006-01-02}#{name}":           "D#2019-03-02#ada",
		"P#{ptr}":                            "P#p",
		"{name}#{count:03}#{signed:ordered}": "ada#042#7ffffffffffffffb",
	} {
		got, re := bindTest(t, text, true).render(src)
		require.Nil(t, re, text)
		assert.Equal(t, want, got, text)
	}
	for text, want := range map[string]string{
		"N#{signed:04}": "negative",
		"N#{count:01}":  "more than 1 digits",
	} {
		_, re := bindTest(t, text, true).render(src)
		require.NotNil(t, re, text)
		assert.False(t, re.empty)
		assert.Contains(t, re.reason, want)
	}
	v.Score = math.Copysign(0, -1)
	got, re := bindTest(t, "S#{score}", false).render(structSource(reflect.ValueOf(v)))
	require.Nil(t, re)
	assert.Equal(t, "S#0", got, "-0 is the key 0")
	v.Name = "a#b"
	_, re = bindTest(t, "U#{name}", true).render(structSource(reflect.ValueOf(v)))
	require.NotNil(t, re)
	assert.Contains(t, re.Error(), `field "name": the value "a#b" contains the separator`)
	for _, empty := range []templated{{}, {Name: "x"}} {
		_, re = bindTest(t, "U#{name}#{ptr}#{at}", true).render(structSource(reflect.ValueOf(empty)))
		require.NotNil(t, re)
		assert.True(t, re.empty, "an empty field is reported as empty")
	}
}

// TestOrderedNumbers checks that the ordered encoding sorts as the numbers
// do, negative numbers, zeros and infinities included.
func TestOrderedNumbers(t *testing.T) {
	floats := []float64{math.Inf(-1), -1e300, -2.5, -1, -math.SmallestNonzeroFloat64, math.Copysign(0, -1), 0, math.SmallestNonzeroFloat64, 0.5, 1, 3, 1e300, math.Inf(1)}
	var enc []string
	for _, f := range floats {
		s, re := orderedNumber(reflect.ValueOf(f))
		require.Nil(t, re)
		require.Len(t, s, 16)
		enc = append(enc, s)
	}
	assert.True(t, sort.StringsAreSorted(enc), "%v", enc)
	assert.Equal(t, enc[5], enc[6], "-0 encodes as 0")
	ints := []int64{math.MinInt64, -1 << 40, -2, -1, 0, 1, 2, 1 << 40, math.MaxInt64}
	enc = nil
	for _, n := range ints {
		s, _ := orderedNumber(reflect.ValueOf(n))
		enc = append(enc, s)
	}
	assert.True(t, sort.StringsAreSorted(enc), "%v", enc)
	assert.True(t, slices.IsSorted(enc))
	_, re := orderedNumber(reflect.ValueOf(math.NaN()))
	assert.NotNil(t, re)
}

func TestTemplateMatch(t *testing.T) {
	tm, err := parseTemplate("PHOTO#{u}#{t}", '#')
	require.NoError(t, err)
	assert.True(t, tm.match("PHOTO#ada#2019-03-02T09:11:30"))
	assert.False(t, tm.match("PHOTO#ada"))
	assert.False(t, tm.match("PHOTO##2019"))
	assert.False(t, tm.match("PHOTO#a#b#c"))
	assert.False(t, tm.match("USER#ada"))
	user, err := parseTemplate("USER#{u}", '#')
	require.NoError(t, err)
	assert.True(t, user.short)
	assert.True(t, user.match("USER#ada"))
	for _, key := range []string{"USER#", "USER#a#b", "USER#ada#", "USERS#ada", "USER", ""} {
		assert.False(t, user.match(key), key)
	}
	for _, text := range []string{"PHOTO#{u}#{t}", "{u}", "USER#{u:raw}", "USER#{u}#X", "USER"} {
		tm, err := parseTemplate(text, '#')
		require.NoError(t, err)
		assert.False(t, tm.short, text)
	}
	raw, err := parseTemplate("{p:raw}", '#')
	require.NoError(t, err)
	assert.True(t, raw.match("PHOTO#a#b"))
	assert.False(t, raw.match(""))
}

func TestPrefixEnd(t *testing.T) {
	assert.Equal(t, "PHOTO$", prefixEnd("PHOTO#"))
	assert.Equal(t, "b", prefixEnd("a\xff"))
	assert.Equal(t, "", prefixEnd("\xff\xff"))
	assert.True(t, strings.Compare("PHOTO#zzz#2099", prefixEnd("PHOTO#")) < 0)
}

// FuzzKeyTemplate parses random templates. One that parses renders the
// values it is given into a key that matches it (and overlaps itself), is
// refused when a value holds the separator, and is never confused with a
// template whose literal prefix differs in its first byte. A key matches
// alike as a string and as bytes (a key read from a response body).
func FuzzKeyTemplate(f *testing.F) {
	for _, s := range []string{"USER#{a}", "PHOTO#{a}#{b}", "#METADATA#{a}", "{a}#{b}", "{a:raw}", "A#{a}#B#{b:raw}", "X", "{a}#{b}#"} {
		f.Add(s, "ada", "2019-03-02")
	}
	f.Fuzz(func(t *testing.T, text, v1, v2 string) {
		tm, err := parseTemplate(text, '#')
		if err != nil {
			return
		}
		assert.True(t, tm.overlaps(tm), "a template overlaps itself")
		vals := []string{v1, v2}
		var b strings.Builder
		valid := true
		n := 0
		for _, p := range tm.parts {
			if !p.isField() {
				b.WriteString(p.lit)
				continue
			}
			v := vals[n%2]
			n++
			if v == "" || (p.format != "raw" && strings.Contains(v, "#")) {
				valid = false
			}
			b.WriteString(v)
		}
		if valid {
			assert.True(t, tm.match(b.String()), "%q renders %q", text, b.String())
		}
		for _, key := range []string{b.String(), v1, v2} {
			assert.Equal(t, matchByteByByte(tm, key), tm.match(key), "%q against %q", text, key)
		}
		other := keyTemplate{text: "\x01" + text, sep: '#', parts: append([]templatePart{{lit: "\x01"}}, tm.parts...)}
		if len(tm.parts) > 0 && !tm.parts[0].isField() && tm.parts[0].lit[0] != '\x01' {
			assert.False(t, tm.overlaps(other), "%q and %q differ in their first byte", text, other.text)
		}
	})
}

// TestFieldParse reads rendered fields back (for items from indexes that
// project only keys) as the values rendered.
func TestFieldParse(t *testing.T) {
	v := templated{Name: "ada", Count: 42, Signed: -5, Score: -1.5, At: time.Date(2019, 3, 2, 9, 11, 30, 5, time.UTC)}
	for _, text := range []string{"A#{name}", "A#{count:06}", "A#{signed:ordered}", "A#{score:ordered}", "A#{at}", "A#{count:ordered}"} {
		tm := bindTest(t, text, true)
		key, re := tm.render(structSource(reflect.ValueOf(v)))
		require.Nil(t, re)
		texts := tm.extract(key)
		require.NotNil(t, texts, key)
		f := tm.fields[1]
		got, err := f.parse(texts[1])
		require.NoError(t, err, text)
		want, _ := fieldValue(reflect.ValueOf(v), f.attr)
		assert.Equal(t, want.Interface(), got.Interface(), text)
	}
	for _, x := range []float64{0, math.Copysign(0, -1), 1e-300, -7, math.Inf(1), math.MaxFloat64} {
		s, _ := orderedNumber(reflect.ValueOf(x))
		got, err := (&boundField{attr: &Attribute{field: codecField[float64]()}, kind: renderOrdered}).parse(s)
		require.NoError(t, err)
		assert.Equal(t, x, got.Float())
	}
	assert.Nil(t, bindTest(t, "A#{name}", true).extract("B#x"))

	// What no key is rendered from is not read back either: NaN (both
	// encodings of it), an infinity in decimal, a float32 out of range.
	ordered := &boundField{attr: &Attribute{field: codecField[float64]()}, kind: renderOrdered}
	for _, text := range []string{"0000000000000000", "fff8000000000000", "0007ffffffffffff"} {
		_, err := ordered.parse(text)
		require.Error(t, err, text)
	}
	decimal := &boundField{attr: &Attribute{field: codecField[float64]()}, kind: renderDecimal}
	for _, text := range []string{"NaN", "Inf", "-Infinity"} {
		_, err := decimal.parse(text)
		require.Error(t, err, text)
	}
	big, _ := orderedNumber(reflect.ValueOf(1e300))
	_, err := (&boundField{attr: &Attribute{field: codecField[float32]()}, kind: renderOrdered}).parse(big)
	require.Error(t, err, "1e300 in a float32")
}

// FuzzOrderedKeys checks differentially that the text of ordered numbers,
// padded integers and default-layout times sorts as their values do, and
// reads back as them.
func FuzzOrderedKeys(f *testing.F) {
	f.Add(1.5, -2.0, int64(-3), int64(4), uint32(5), uint32(60), int64(0), int64(1))
	f.Add(math.Inf(-1), math.SmallestNonzeroFloat64, int64(math.MinInt64), int64(math.MaxInt64), uint32(0), uint32(math.MaxUint32), int64(-62135596800), int64(253402300799))
	f.Fuzz(func(t *testing.T, a, b float64, x, y int64, p, q uint32, s1, s2 int64) {
		type pair struct {
			field  string
			va, vb any
			cmp    int
		}
		ta, tb := time.Unix(s1%253402300800, int64(p%1e9)).UTC(), time.Unix(s2%253402300800, int64(q%1e9)).UTC()
		pairs := []pair{{"score:ordered", a, b, cmp.Compare(a, b)}, {"signed:ordered", x, y, cmp.Compare(x, y)},
			{"count:010", int(p), int(q), cmp.Compare(p, q)}}
		if !ta.IsZero() && !tb.IsZero() { // a zero time is no value
			pairs = append(pairs, pair{"at", ta, tb, ta.Compare(tb)})
		}
		for _, pr := range pairs {
			if fa, ok := pr.va.(float64); ok && (math.IsNaN(fa) || math.IsNaN(pr.vb.(float64))) {
				continue
			}
			tm := bindTest(t, "K#{"+pr.field+"}", true)
			f := tm.fields[1]
			ka, re := f.format(reflect.ValueOf(pr.va), '#')
			require.Nil(t, re, "%v", pr.va)
			kb, re := f.format(reflect.ValueOf(pr.vb), '#')
			require.Nil(t, re, "%v", pr.vb)
			assert.Equal(t, pr.cmp, strings.Compare(ka, kb), "%s: %v %q, %v %q", pr.field, pr.va, ka, pr.vb, kb)
			back, err := f.parse(ka)
			require.NoError(t, err)
			if fa, ok := pr.va.(float64); ok && fa == 0 {
				continue // -0 reads back as 0
			}
			if tv, ok := pr.va.(time.Time); ok {
				assert.True(t, tv.Equal(back.Interface().(time.Time)))
				continue
			}
			assert.Equal(t, pr.va, back.Interface())
		}
	})
}

// matchByteByByte is keyTemplate.match written plainly, one byte at a
// time: literal text, a field a non-empty run without the separator, a
// raw field any non-empty rest.
func matchByteByByte(tm keyTemplate, key string) bool {
	for _, p := range tm.parts {
		switch {
		case !p.isField():
			if !strings.HasPrefix(key, p.lit) {
				return false
			}
			key = key[len(p.lit):]
		case p.format == "raw":
			return key != ""
		default:
			n := 0
			for n < len(key) && key[n] != tm.sep {
				n++
			}
			if n == 0 {
				return false
			}
			key = key[n:]
		}
	}
	return key == ""
}
