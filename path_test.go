package dynamodel_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel"
)

func TestName(t *testing.T) {
	for in, want := range map[string]string{
		"status":      "status",
		"first-name":  "first-name",
		`say"hi`:      `say"hi`, // a quote inside a name needs nothing
		"a.b":         `"a.b"`,
		"tags[0]":     `"tags[0]"`,
		"]":           `"]"`,
		`"quoted"`:    `"""quoted"""`,
		"":            `""`,
		"reactions.❤": `"reactions.❤"`,
	} {
		assert.Equal(t, want, dynamodel.Name(in), in)
	}
}

func TestPath(t *testing.T) {
	type myInt uint8
	for _, tc := range []struct {
		segs []any
		want string
	}{
		{[]any{"status"}, "status"},
		{[]any{"address", "lines", 2, "text"}, "address.lines[2].text"},
		{[]any{"reactions", "heart"}, "reactions.heart"},
		{[]any{"m", "x.y", int64(0), myInt(7)}, `m."x.y"[0][7]`},
		{[]any{"a.b"}, `"a.b"`},
		{[]any{"m", "2"}, "m.2"}, // a map key of digits is a name
		{[]any{"m", `"`}, `m.""""`},
	} {
		assert.Equal(t, tc.want, dynamodel.Path(tc.segs...), "%v", tc.segs)
	}
}

// TestPathErrors checks every way a string can fail to be a path: each is
// a *PathError matching ErrInvalidPath and the sentinel of where it was
// used, before any call (the stub fails the test on any call).
func TestPathErrors(t *testing.T) {
	docs, err := dynamodel.NewRepository[Doc](newStub(t), "Docs")
	require.NoError(t, err)
	long := strings.Repeat("n", 65536)
	deep := "a" + strings.Repeat(".a", 32)
	for _, tc := range []struct {
		path, reason string
	}{
		{"", "empty attribute name"},
		{"a..b", "empty attribute name"},
		{"a.", "empty attribute name"},
		{".a", "empty attribute name"},
		{"[0]", "a path starts with an attribute name, not a list index"},
		{"a[", "'[' without ']'"},
		{"a]", "']' without '['"},
		{"a[x]", `list index "x" is not a number`},
		{"a[-1]", `list index "-1" is not a number`},
		{"a[01]", `list index "01" is not a number`},
		{"a[+1]", `list index "+1" is not a number`},
		{"a[99999999999]", `list index "99999999999" is not a number`},
		{"a[0]b", "unexpected 'b' after a segment"},
		{`"a"b`, "unexpected 'b' after a segment"},
		{`"a`, "unterminated quoted name"},
		{`""`, "empty attribute name"},
		{"a.\xff", "attribute name is not valid UTF-8"},
		{long, "attribute name of 65536 bytes, over DynamoDB's limit of 65535"},
		{deep, "more than 32 levels"},
		{dynamodel.Path("a", 1.5), "a segment of dynamodel.Path is a string or an integer, not float64"},
		{dynamodel.Path("a", -2), `list index "-2" is not a number`},
		{dynamodel.Path(0), "a path starts with an attribute name"},
		{dynamodel.Path(), "empty attribute name"},
	} {
		check := func(what string, err error, sentinel error) {
			t.Helper()
			require.Error(t, err, "%s %.40q", what, tc.path)
			assert.ErrorIs(t, err, dynamodel.ErrInvalidPath, what)
			assert.ErrorIs(t, err, sentinel, what)
			var pe *dynamodel.PathError
			if assert.True(t, errors.As(err, &pe), what) {
				assert.Equal(t, tc.path, pe.Path)
				assert.Contains(t, pe.Reason, tc.reason, "%s %.40q", what, tc.path)
				assert.Less(t, len(pe.Error()), 200, "the message shortens a long path")
			}
		}
		_, err := docs.Update(ctxT(t), "d1", dynamodel.Set(tc.path, 1))
		check("Set", err, dynamodel.ErrInvalidUpdate)
		_, err = docs.Update(ctxT(t), "d1", dynamodel.Remove(tc.path))
		check("Remove", err, dynamodel.ErrInvalidUpdate)
		_, err = docs.Update(ctxT(t), "d1", dynamodel.Set("name", "x"), func(o *dynamodel.UpdateOptions) {
			o.Condition = dynamodel.Size(tc.path).Greater(1)
		})
		check("Size in a condition", err, dynamodel.ErrInvalidCondition)
		_, err = docs.Get(ctxT(t), "d1", func(o *dynamodel.GetOptions) { o.Projection = []string{tc.path} })
		check("Projection", err, dynamodel.ErrInvalidQuery)
		_, err = dynamodel.Collect(docs.Scan(ctxT(t), func(o *dynamodel.ScanOptions) { o.Filter = dynamodel.Exists(tc.path) }), 1)
		check("Filter", err, dynamodel.ErrInvalidCondition)
	}
}
