package dynamodel

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodel/dynamodel/codec"
)

// A Condition is a test DynamoDB applies to an item before a write (or to
// each item a query or scan reads, as a filter). The zero Condition is no
// condition. Conditions are immutable values; combine them with And, Or and
// Not.
//
//	dynamodel.Equal("status", "active").And(dynamodel.Size("tags").Less(10))
type Condition struct {
	// render renders the condition into w. With a non-nil key it renders
	// nothing: it appends the condition's form to *key (see formKey) and
	// adds its values to w, in the order rendering would.
	render func(w *exprWriter, key *[]byte) (string, error)
}

// IsZero reports whether c is the empty condition.
func (c Condition) IsZero() bool { return c.render == nil }

// And returns a condition that holds when c and every one of others hold.
func (c Condition) And(others ...Condition) Condition {
	return join(" AND ", c, others)
}

// Or returns a condition that holds when c or any one of others holds.
func (c Condition) Or(others ...Condition) Condition {
	return join(" OR ", c, others)
}

// String renders the condition with placeholders, for logs and tests.
func (c Condition) String() string {
	var w exprWriter
	s, err := c.build(&w)
	if err != nil {
		return "invalid condition: " + err.Error()
	}
	return s
}

func (c Condition) build(w *exprWriter) (string, error) {
	if c.render == nil {
		return "", nil
	}
	return c.render(w, nil)
}

// form appends c's form to key and adds its values to w, in the order
// rendering gives them placeholders: what, with the paths in the form,
// decides c's rendering. Two conditions of the same form render to the
// same expression and names. It fails for a condition of text written by
// hand (Raw) and for any error; rendering then says which.
func (c Condition) form(w *exprWriter, key *[]byte) error {
	if c.render == nil {
		*key = append(*key, 0)
		return nil
	}
	_, err := c.render(w, key)
	return err
}

// errNoForm is what a condition without a form (see Condition.form) gives.
var errNoForm = errors.New("a condition of text has no form")

// The tags of conditions' forms.
const (
	formJoin byte = iota + 1
	formNot
	formFunction
	formCompare
	formBetween
	formIn
	formValue
	formPath
	formSize
)

// appendKeyString appends s to a key, prefixed with its length.
func appendKeyString(key []byte, s string) []byte {
	key = binary.AppendUvarint(key, uint64(len(s)))
	return append(key, s...)
}

func errorCondition(err error) Condition {
	return Condition{render: func(*exprWriter, *[]byte) (string, error) { return "", err }}
}

// And returns a condition that holds when all of conds hold. Zero conditions
// are skipped; And of nothing is the zero Condition.
func And(conds ...Condition) Condition { return join(" AND ", Condition{}, conds) }

// Or returns a condition that holds when any of conds holds. Zero conditions
// are skipped.
func Or(conds ...Condition) Condition { return join(" OR ", Condition{}, conds) }

// join joins first and then rest with op, skipping zero conditions. It
// keeps a slice of its own: the caller may change rest afterwards.
func join(op string, first Condition, rest []Condition) Condition {
	var one Condition
	n := 0
	for i := -1; i < len(rest); i++ {
		c := first
		if i >= 0 {
			c = rest[i]
		}
		if !c.IsZero() {
			one = c
			n++
		}
	}
	if n <= 1 {
		return one
	}
	parts := make([]Condition, 0, n)
	if !first.IsZero() {
		parts = append(parts, first)
	}
	for _, c := range rest {
		if !c.IsZero() {
			parts = append(parts, c)
		}
	}
	return Condition{render: func(w *exprWriter, key *[]byte) (string, error) {
		if key != nil {
			*key = appendKeyString(append(*key, formJoin), op)
			*key = binary.AppendUvarint(*key, uint64(len(parts)))
			for _, p := range parts {
				if _, err := p.render(w, key); err != nil {
					return "", err
				}
			}
			return "", nil
		}
		var buf [4]string
		rendered := buf[:0]
		n := len(op) * (len(parts) - 1)
		for _, p := range parts {
			s, err := p.render(w, nil)
			if err != nil {
				return "", err
			}
			rendered = append(rendered, s)
			n += len(s) + 2
		}
		var b strings.Builder
		b.Grow(n)
		for i, s := range rendered {
			if i > 0 {
				b.WriteString(op)
			}
			b.WriteByte('(')
			b.WriteString(s)
			b.WriteByte(')')
		}
		return b.String(), nil
	}}
}

// Not returns a condition that holds when c does not.
func Not(c Condition) Condition {
	if c.IsZero() {
		return errorCondition(fmt.Errorf("%w: Not of an empty condition", ErrInvalidCondition))
	}
	return Condition{render: func(w *exprWriter, key *[]byte) (string, error) {
		if key != nil {
			*key = append(*key, formNot)
			return c.render(w, key)
		}
		s, err := c.render(w, nil)
		return "NOT (" + s + ")", err
	}}
}

// Exists holds when the item has something at path (attribute_exists). A
// path is an attribute name or a document path into one, such as
// "reactions.heart" or "tags[0]" (see Name and Path).
func Exists(path string) Condition { return function("attribute_exists", path) }

// NotExists holds when the item has nothing at path (attribute_not_exists).
// On a key attribute it means "no such item".
func NotExists(path string) Condition { return function("attribute_not_exists", path) }

// BeginsWith holds when the string at path starts with prefix.
func BeginsWith(path, prefix string) Condition { return function("begins_with", path, prefix) }

// Contains holds when the string at path contains v as a substring, or the
// set or list at path has v as an element.
func Contains(path string, v any) Condition { return function("contains", path, v) }

// HasType holds when what is at path is of DynamoDB type t: "S", "N", "B",
// "BOOL", "NULL", "L", "M", "SS", "NS" or "BS" (attribute_type).
func HasType(path, t string) Condition { return function("attribute_type", path, t) }

func function(fn, path string, args ...any) Condition {
	return Condition{render: func(w *exprWriter, key *[]byte) (string, error) {
		if key != nil {
			*key = appendKeyString(append(*key, formFunction), fn)
			*key = appendKeyString(*key, path)
			*key = binary.AppendUvarint(*key, uint64(len(args)))
			for _, a := range args {
				if _, err := operandOf(a).renderAgainst(w, Operand{}, key); err != nil {
					return "", err
				}
			}
			return "", nil
		}
		var b strings.Builder
		b.Grow(len(fn) + 8 + 6*len(args))
		b.WriteString(fn)
		b.WriteByte('(')
		if err := w.writePath(&b, path); err != nil {
			return "", fmt.Errorf("%w: %s: %w", ErrInvalidCondition, fn, err)
		}
		for _, a := range args {
			s, err := operandOf(a).renderAgainst(w, Operand{}, nil)
			if err != nil {
				return "", err
			}
			b.WriteString(", ")
			b.WriteString(s)
		}
		b.WriteByte(')')
		return b.String(), nil
	}}
}

// An Operand is one side of a comparison: an attribute (or a part of one,
// given by its document path), the size of one, or a value.
type Operand struct {
	path  string
	size  bool
	value any
	isVal bool
}

// Attr is the value at path (an attribute, a map member, a list element;
// see Name and Path), as an operand.
func Attr(path string) Operand { return Operand{path: path} }

// Size is the size of what is at path: a string's length in bytes, a
// binary's length, the number of elements of a set, list or map.
func Size(path string) Operand { return Operand{path: path, size: true} }

// Value is v, encoded as an attribute value, as an operand. A time compared
// with a time key or index key is encoded as the model stores that
// attribute (see RoleTagKey); any other value as attributevalue encodes it.
func Value(v any) Operand { return Operand{value: v, isVal: true} }

func operandOf(v any) Operand {
	if o, ok := v.(Operand); ok {
		return o
	}
	return Value(v)
}

// renderAgainst renders o compared with other (the zero Operand for
// none: it is no sortable attribute), or with a
// non-nil key appends o's form to *key and adds its value to w (see
// Condition.form).
func (o Operand) renderAgainst(w *exprWriter, other Operand, key *[]byte) (string, error) {
	if o.isVal {
		av, err := o.encode(w, other)
		if err != nil {
			return "", err
		}
		p := w.value(av)
		if key != nil {
			*key = append(*key, formValue)
			return "", nil
		}
		return p, nil
	}
	if key != nil {
		tag := formPath
		if o.size {
			tag = formSize
		}
		*key = appendKeyString(append(*key, tag), o.path)
		return "", nil
	}
	p, err := w.path(o.path)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrInvalidCondition, err)
	}
	if o.size {
		return "size(" + p + ")", nil
	}
	return p, nil
}

// encode returns the value o carries, as the request does: compared with a
// sortable time attribute (other), a time is encoded as that attribute
// stores it; any other value as attributevalue encodes it.
func (o Operand) encode(w *exprWriter, other Operand) (types.AttributeValue, error) {
	if w.model != nil && w.model.sortable != nil && !other.isVal && !other.size && isAnyAttribute(other.path, w.model.sortable) {
		var t time.Time
		ok := false
		switch v := o.value.(type) {
		case time.Time:
			t, ok = v, true
		case *time.Time:
			if v != nil {
				t, ok = *v, true
			}
		}
		if ok {
			s, err := codec.FormatSortableTime(t)
			if err != nil {
				return nil, fmt.Errorf("%w: value for %q: %v", ErrInvalidCondition, other.path, err)
			}
			return &types.AttributeValueMemberS{Value: s}, nil
		}
	}
	av, err := marshalValue(o.value)
	if err == nil {
		_, err = checkValue(av)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: value %.64v: %v", ErrInvalidCondition, o.value, err)
	}
	return av, nil
}

func (o Operand) compare(op string, v any) Condition {
	return Condition{render: func(w *exprWriter, key *[]byte) (string, error) {
		r := operandOf(v)
		if key != nil {
			*key = appendKeyString(append(*key, formCompare), op)
		}
		ls, err := o.renderAgainst(w, r, key)
		if err != nil {
			return "", err
		}
		rs, err := r.renderAgainst(w, o, key)
		if err != nil || key != nil {
			return "", err
		}
		return ls + " " + op + " " + rs, nil
	}}
}

// Equal holds when o equals v (an Operand or a value).
func (o Operand) Equal(v any) Condition { return o.compare("=", v) }

// NotEqual holds when o differs from v.
func (o Operand) NotEqual(v any) Condition { return o.compare("<>", v) }

// Less holds when o < v.
func (o Operand) Less(v any) Condition { return o.compare("<", v) }

// LessOrEqual holds when o <= v.
func (o Operand) LessOrEqual(v any) Condition { return o.compare("<=", v) }

// Greater holds when o > v.
func (o Operand) Greater(v any) Condition { return o.compare(">", v) }

// GreaterOrEqual holds when o >= v.
func (o Operand) GreaterOrEqual(v any) Condition { return o.compare(">=", v) }

// Between holds when lo <= o <= hi.
func (o Operand) Between(lo, hi any) Condition {
	return Condition{render: func(w *exprWriter, key *[]byte) (string, error) {
		if key != nil {
			*key = append(*key, formBetween)
		}
		var parts [3]string
		for i, x := range [3]any{o, lo, hi} {
			s, err := operandOf(x).renderAgainst(w, o, key)
			if err != nil {
				return "", err
			}
			parts[i] = s
		}
		if key != nil {
			return "", nil
		}
		return parts[0] + " BETWEEN " + parts[1] + " AND " + parts[2], nil
	}}
}

// In holds when o equals one of vs (at most 100).
func (o Operand) In(vs ...any) Condition {
	return Condition{render: func(w *exprWriter, key *[]byte) (string, error) {
		if len(vs) == 0 || len(vs) > 100 {
			return "", fmt.Errorf("%w: IN takes 1 to 100 values, got %d", ErrInvalidCondition, len(vs))
		}
		if key != nil {
			*key = binary.AppendUvarint(append(*key, formIn), uint64(len(vs)))
			if _, err := o.renderAgainst(w, Operand{}, key); err != nil {
				return "", err
			}
			for _, v := range vs {
				if _, err := operandOf(v).renderAgainst(w, o, key); err != nil {
					return "", err
				}
			}
			return "", nil
		}
		l, err := o.renderAgainst(w, Operand{}, nil)
		if err != nil {
			return "", err
		}
		var b strings.Builder
		b.WriteString(l)
		b.WriteString(" IN (")
		for i, v := range vs {
			s, err := operandOf(v).renderAgainst(w, o, nil)
			if err != nil {
				return "", err
			}
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(s)
		}
		b.WriteByte(')')
		return b.String(), nil
	}}
}

// Equal holds when the value at path equals v.
func Equal(path string, v any) Condition { return Attr(path).Equal(v) }

// NotEqual holds when the value at path differs from v (or is missing).
func NotEqual(path string, v any) Condition { return Attr(path).NotEqual(v) }

// Less holds when the value at path < v.
func Less(path string, v any) Condition { return Attr(path).Less(v) }

// LessOrEqual holds when the value at path <= v.
func LessOrEqual(path string, v any) Condition { return Attr(path).LessOrEqual(v) }

// Greater holds when the value at path > v.
func Greater(path string, v any) Condition { return Attr(path).Greater(v) }

// GreaterOrEqual holds when the value at path >= v.
func GreaterOrEqual(path string, v any) Condition { return Attr(path).GreaterOrEqual(v) }

// Between holds when lo <= the value at path <= hi.
func Between(path string, lo, hi any) Condition { return Attr(path).Between(lo, hi) }

// In holds when the value at path equals one of vs.
func In(path string, vs ...any) Condition { return Attr(path).In(vs...) }
