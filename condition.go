package dynamodel

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
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

// Exists holds when the item has attribute name (attribute_exists).
func Exists(name string) Condition { return function("attribute_exists", name) }

// NotExists holds when the item lacks attribute name (attribute_not_exists).
// On a key attribute it means "no such item".
func NotExists(name string) Condition { return function("attribute_not_exists", name) }

// BeginsWith holds when string attribute name starts with prefix.
func BeginsWith(name, prefix string) Condition { return function("begins_with", name, prefix) }

// Contains holds when string attribute name contains v as a substring, or
// set or list attribute name has v as an element.
func Contains(name string, v any) Condition { return function("contains", name, v) }

// HasType holds when attribute name is of DynamoDB type t: "S", "N", "B",
// "BOOL", "NULL", "L", "M", "SS", "NS" or "BS" (attribute_type).
func HasType(name, t string) Condition { return function("attribute_type", name, t) }

func function(fn, name string, args ...any) Condition {
	return Condition{render: func(w *exprWriter) (string, error) {
		if name == "" {
			return "", fmt.Errorf("%w: %s of an empty attribute name", ErrInvalidCondition, fn)
		}
		var b strings.Builder
		b.WriteString(fn)
		b.WriteByte('(')
		b.WriteString(w.name(name))
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

// An Operand is one side of a comparison: an attribute, the size of one, or a
// value.
type Operand struct {
	name  string
	size  bool
	value any
	isVal bool
}

// Attr is the value of attribute name, as an operand.
func Attr(name string) Operand { return Operand{name: name} }

// Size is the size of attribute name: a string's length in bytes, a binary's
// length, the number of elements of a set, list or map.
func Size(name string) Operand { return Operand{name: name, size: true} }

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
		if err != nil {
			return "", fmt.Errorf("%w: value %v: %v", ErrInvalidCondition, o.value, err)
		}
		return w.value(av), nil
	}
	if o.name == "" {
		return "", fmt.Errorf("%w: empty attribute name", ErrInvalidCondition)
	}
	if o.size {
		return "size(" + w.name(o.name) + ")", nil
	}
	return w.name(o.name), nil
}

// renderAgainst renders o compared with other: a time value compared with
// a sortable time attribute is encoded as that attribute stores it.
func (o Operand) renderAgainst(w *exprWriter, other Operand) (string, error) {
	if o.isVal && w.model != nil && w.model.sortable != nil && !other.isVal && !other.size && slices.Contains(w.model.sortable, other.name) {
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
			return "", fmt.Errorf("%w: value for %q: %v", ErrInvalidCondition, other.name, err)
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

// Equal holds when attribute name equals v.
func Equal(name string, v any) Condition { return Attr(name).Equal(v) }

// NotEqual holds when attribute name differs from v (or is missing).
func NotEqual(name string, v any) Condition { return Attr(name).NotEqual(v) }

// Less holds when attribute name < v.
func Less(name string, v any) Condition { return Attr(name).Less(v) }

// LessOrEqual holds when attribute name <= v.
func LessOrEqual(name string, v any) Condition { return Attr(name).LessOrEqual(v) }

// Greater holds when attribute name > v.
func Greater(name string, v any) Condition { return Attr(name).Greater(v) }

// GreaterOrEqual holds when attribute name >= v.
func GreaterOrEqual(name string, v any) Condition { return Attr(name).GreaterOrEqual(v) }

// Between holds when lo <= attribute name <= hi.
func Between(name string, lo, hi any) Condition { return Attr(name).Between(lo, hi) }

// In holds when attribute name equals one of vs.
func In(name string, vs ...any) Condition { return Attr(name).In(vs...) }

var builderPlaceholder = regexp.MustCompile(`[#:][0-9]+`)

// FromExpression adapts a condition made with the SDK's expression package,
// for code that already has one. Its placeholders are renamed into the
// request's own, so it mixes with every other dynamodel expression.
func FromExpression(cb expression.ConditionBuilder) Condition {
	return Condition{render: func(w *exprWriter) (string, error) {
		e, err := expression.NewBuilder().WithCondition(cb).Build()
		if err != nil {
			return "", fmt.Errorf("%w: %v", ErrInvalidCondition, err)
		}
		return renameBuilder(w, *e.Condition(), e.Names(), e.Values()), nil
	}}
}

// renameBuilder rewrites an expression package expression into w's
// placeholders.
func renameBuilder(w *exprWriter, s string, names map[string]string, values map[string]types.AttributeValue) string {
	return builderPlaceholder.ReplaceAllStringFunc(s, func(p string) string {
		if p[0] == '#' {
			if n, ok := names[p]; ok {
				return w.name(n)
			}
			return p
		}
		if v, ok := values[p]; ok {
			return w.value(v)
		}
		return p
	})
}
