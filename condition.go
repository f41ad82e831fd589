package dynamodel

import (
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
	render func(w *exprWriter) (string, error)
}

// IsZero reports whether c is the empty condition.
func (c Condition) IsZero() bool { return c.render == nil }

// And returns a condition that holds when c and every one of others hold.
func (c Condition) And(others ...Condition) Condition {
	return And(append([]Condition{c}, others...)...)
}

// Or returns a condition that holds when c or any one of others holds.
func (c Condition) Or(others ...Condition) Condition {
	return Or(append([]Condition{c}, others...)...)
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
	return c.render(w)
}

func errorCondition(err error) Condition {
	return Condition{render: func(*exprWriter) (string, error) { return "", err }}
}

// And returns a condition that holds when all of conds hold. Zero conditions
// are skipped; And of nothing is the zero Condition.
func And(conds ...Condition) Condition { return join(" AND ", conds) }

// Or returns a condition that holds when any of conds holds. Zero conditions
// are skipped.
func Or(conds ...Condition) Condition { return join(" OR ", conds) }

func join(op string, conds []Condition) Condition {
	var parts []Condition
	for _, c := range conds {
		if !c.IsZero() {
			parts = append(parts, c)
		}
	}
	switch len(parts) {
	case 0:
		return Condition{}
	case 1:
		return parts[0]
	}
	return Condition{render: func(w *exprWriter) (string, error) {
		var b strings.Builder
		for i, p := range parts {
			s, err := p.render(w)
			if err != nil {
				return "", err
			}
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
	return Condition{render: func(w *exprWriter) (string, error) {
		s, err := c.render(w)
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
	return Condition{render: func(w *exprWriter) (string, error) {
		var b strings.Builder
		b.WriteString(fn)
		b.WriteByte('(')
		if err := w.writePath(&b, path); err != nil {
			return "", fmt.Errorf("%w: %s: %w", ErrInvalidCondition, fn, err)
		}
		for _, a := range args {
			s, err := operandOf(a).render(w)
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

func (o Operand) render(w *exprWriter) (string, error) {
	if o.isVal {
		av, err := marshalValue(o.value)
		if err == nil {
			_, err = checkValue(av)
		}
		if err != nil {
			return "", fmt.Errorf("%w: value %.64v: %v", ErrInvalidCondition, o.value, err)
		}
		return w.value(av), nil
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

// renderAgainst renders o compared with other: a time value compared with
// a sortable time attribute is encoded as that attribute stores it.
func (o Operand) renderAgainst(w *exprWriter, other Operand) (string, error) {
	if o.isVal && w.model != nil && w.model.sortable != nil && !other.isVal && !other.size && isAnyAttribute(other.path, w.model.sortable) {
		var t time.Time
		switch v := o.value.(type) {
		case time.Time:
			t = v
		case *time.Time:
			if v == nil {
				return o.render(w)
			}
			t = *v
		default:
			return o.render(w)
		}
		s, err := codec.FormatSortableTime(t)
		if err != nil {
			return "", fmt.Errorf("%w: value for %q: %v", ErrInvalidCondition, other.path, err)
		}
		return w.value(&types.AttributeValueMemberS{Value: s}), nil
	}
	return o.render(w)
}

func (o Operand) compare(op string, v any) Condition {
	return Condition{render: func(w *exprWriter) (string, error) {
		r := operandOf(v)
		ls, err := o.renderAgainst(w, r)
		if err != nil {
			return "", err
		}
		rs, err := r.renderAgainst(w, o)
		if err != nil {
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
	return Condition{render: func(w *exprWriter) (string, error) {
		parts := make([]string, 3)
		for i, x := range []any{o, lo, hi} {
			s, err := operandOf(x).renderAgainst(w, o)
			if err != nil {
				return "", err
			}
			parts[i] = s
		}
		return parts[0] + " BETWEEN " + parts[1] + " AND " + parts[2], nil
	}}
}

// In holds when o equals one of vs (at most 100).
func (o Operand) In(vs ...any) Condition {
	return Condition{render: func(w *exprWriter) (string, error) {
		if len(vs) == 0 || len(vs) > 100 {
			return "", fmt.Errorf("%w: IN takes 1 to 100 values, got %d", ErrInvalidCondition, len(vs))
		}
		l, err := o.render(w)
		if err != nil {
			return "", err
		}
		var b strings.Builder
		b.WriteString(l)
		b.WriteString(" IN (")
		for i, v := range vs {
			s, err := operandOf(v).renderAgainst(w, o)
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
