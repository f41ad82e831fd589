package dynamodel

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fuzzCondition builds a condition tree from data, with values from
// values: every kind of condition, nested with And, Or and Not.
func fuzzCondition(data []byte, values func(byte) any) Condition {
	names := []string{"status", "total", "tags", "updated", "a.b", `"a.b"`, "tags[0]", "", "a..b"}
	var stack []Condition
	pop := func() Condition {
		if len(stack) == 0 {
			return Condition{}
		}
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		return c
	}
	for ; len(data) >= 2; data = data[2:] {
		name, v := names[int(data[1])%len(names)], values(data[1])
		var c Condition
		switch data[0] % 16 {
		case 0:
			c = Equal(name, v)
		case 1:
			c = Attr(name).NotEqual(Attr(names[int(data[0]/16)%len(names)]))
		case 2:
			c = Size(name).Less(v)
		case 3:
			c = Between(name, v, Size(name))
		case 4:
			c = In(name, v, data[0])
		case 5:
			c = In(name) // no values: an error
		case 6:
			c = Exists(name)
		case 7:
			c = NotExists(name)
		case 8:
			c = BeginsWith(name, fmt.Sprint(v))
		case 9:
			c = Contains(name, v)
		case 10:
			c = HasType(name, "N")
		case 11:
			c = Not(pop())
		case 12:
			a, b := pop(), pop()
			c = a.And(b)
		case 13:
			a, b := pop(), pop()
			c = Or(a, b, Greater(name, v))
		case 14:
			c = RawCondition(Raw{Expr: "#x = :y", Names: map[string]string{"#x": name}, Values: map[string]any{":y": v}})
		default:
			c = GreaterOrEqual(name, v)
		}
		stack = append(stack, c)
	}
	return And(stack...)
}

// FuzzConditionForm builds two conditions of one structure with different
// values and checks what caching relies on (see TestConditionForms): a
// form adds the values rendering gives placeholders, in order, fails only
// for text when rendering succeeds, and two conditions of one form render
// to the same expression and names.
func FuzzConditionForm(f *testing.F) {
	f.Add([]byte{0, 1, 6, 2, 12, 0})
	f.Add([]byte{3, 1, 4, 2, 11, 0, 9, 3, 13, 0})
	f.Add([]byte{1, 0, 2, 5, 8, 4, 10, 1, 14, 2, 12, 0, 12, 0})
	f.Add([]byte{5, 0, 7, 6, 13, 1, 11, 0})
	m := cacheRepo(f).model
	at := time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 64 {
			return
		}
		type rendering struct {
			key   string
			text  string
			names map[string]string
		}
		var got [2]rendering
		for i, values := range []func(byte) any{
			func(b byte) any { return []any{fmt.Sprint("s", b), int(b), at}[b%3] },
			func(b byte) any { return []any{"other", int(b) + 1000, at.Add(time.Hour)}[b%3] },
		} {
			c := fuzzCondition(data, values)
			var rw, fw exprWriter
			rw.model, fw.model = m, m
			text, rerr := c.build(&rw)
			key, ferr := c.form(&fw, nil)
			if rerr != nil {
				// A form need not check paths: an update whose rendering
				// fails is never cached, so its form is never found.
				return
			}
			require.Equal(t, text, c.String())
			if ferr != nil {
				require.ErrorIs(t, ferr, errNoForm, "the form failed, rendering did not")
				return
			}
			assert.Equal(t, rw.attributeValues(), fw.attributeValues(), "%s: the form's values are rendering's", text)
			got[i] = rendering{string(key), text, rw.attributeNames()}
		}
		if got[0].key == got[1].key {
			assert.Equal(t, got[0], got[1], "one form, one rendering")
		}
	})
}
