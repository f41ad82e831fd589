package dynamodel

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
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
//
// A condition is a small tree of values, not of functions: a comparison or
// a function test is held in the Condition itself, so it costs no
// allocation, and rendering, or computing its form, walks the tree
// without calling through closures (the writer then stays on the stack).
type Condition struct {
	kind condKind
	// op is a comparison's operator, a function's name, And's or Or's
	// separator, or a Raw condition's expression.
	op string
	// a is the operand compared (a comparison, Between, In) or the path
	// a function tests (Attr(path)).
	a Operand
	// b is a comparison's other side or a function's argument (an
	// Operand or a value), Between's ends ([2]any), In's values ([]any),
	// a Raw condition's *rawSource, an adapted
	// expression.ConditionBuilder or an invalid condition's error.
	b any
	// kids are the conditions And or Or joins, or the one Not negates.
	kids []Condition
}

// condKind says what a Condition is.
type condKind uint8

const (
	condNone    condKind = iota // the zero Condition
	condInvalid                 // b is the error
	condJoin                    // kids joined with op
	condNot                     // NOT kids[0]
	condFunc                    // op(a.path)
	condFuncArg                 // op(a.path, b)
	condCompare                 // a op b
	condBetween                 // a BETWEEN b[0] AND b[1]
	condIn                      // a IN (b...)
	condRaw                     // Raw: op with b's placeholders
	condSDK                     // b, an expression.ConditionBuilder
)

// IsZero reports whether c is the empty condition.
func (c Condition) IsZero() bool { return c.kind == condNone }

// And returns a condition that holds when c and every one of others hold.
func (c Condition) And(others ...Condition) Condition {
	return join(" AND ", &c, others)
}

// Or returns a condition that holds when c or any one of others holds.
func (c Condition) Or(others ...Condition) Condition {
	return join(" OR ", &c, others)
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
	if c.kind == condNone {
		return "", nil
	}
	return c.render(w)
}

// form appends c's form to key and adds its values to w, in the order
// rendering gives them placeholders: what, with the paths in the form,
// decides c's rendering. Two conditions of the same form render to the
// same expression and names. It fails for a condition of text written by
// hand (Raw) and for any error; rendering then says which. (The key is
// passed and returned, not pointed to, so a buffer on the caller's stack
// stays there.)
func (c *Condition) form(w *exprWriter, key []byte) ([]byte, error) {
	var err error
	switch c.kind {
	case condNone:
		key = append(key, 0)
	case condInvalid:
		return key, c.b.(error)
	case condRaw, condSDK:
		return key, errNoForm
	case condJoin:
		key = appendKeyString(append(key, formJoin), c.op)
		key = binary.AppendUvarint(key, uint64(len(c.kids)))
		for i := range c.kids {
			if key, err = c.kids[i].form(w, key); err != nil {
				return key, err
			}
		}
	case condNot:
		return c.kids[0].form(w, append(key, formNot))
	case condFunc, condFuncArg:
		key = appendKeyString(append(key, formFunction), c.op)
		key = appendKeyString(key, c.a.path)
		if c.kind == condFunc {
			return append(key, 0), nil
		}
		return operandOf(c.b).formAgainst(w, c.a, append(key, 1))
	case condCompare:
		key = appendKeyString(append(key, formCompare), c.op)
		r := operandOf(c.b)
		if key, err = c.a.formAgainst(w, r, key); err != nil {
			return key, err
		}
		return r.formAgainst(w, c.a, key)
	case condBetween:
		key = append(key, formBetween)
		ends := c.b.([2]any)
		for _, x := range [3]any{c.a, ends[0], ends[1]} {
			if key, err = operandOf(x).formAgainst(w, c.a, key); err != nil {
				return key, err
			}
		}
		if err := checkBounds(w, c.a, ends); err != nil {
			return key, err
		}
	case condIn:
		vs := c.b.([]any)
		if err := checkIn(vs); err != nil {
			return key, err
		}
		key = binary.AppendUvarint(append(key, formIn), uint64(len(vs)))
		if key, err = c.a.formAgainst(w, Operand{}, key); err != nil {
			return key, err
		}
		for _, v := range vs {
			if key, err = operandOf(v).formAgainst(w, c.a, key); err != nil {
				return key, err
			}
		}
	}
	return key, nil
}

// render renders c (not the zero Condition) into w.
func (c *Condition) render(w *exprWriter) (string, error) {
	switch c.kind {
	case condInvalid:
		return "", c.b.(error)
	case condJoin:
		return c.renderJoin(w)
	case condNot:
		s, err := c.kids[0].render(w)
		return "NOT (" + s + ")", err
	case condFunc, condFuncArg:
		return c.renderFunction(w)
	case condCompare:
		r := operandOf(c.b)
		ls, err := c.a.renderAgainst(w, r)
		if err != nil {
			return "", err
		}
		rs, err := r.renderAgainst(w, c.a)
		if err != nil {
			return "", err
		}
		if ls == rs && !c.a.isVal && !c.a.size {
			return "", samePathError(c.op, c.a.path)
		}
		return ls + " " + c.op + " " + rs, nil
	case condBetween:
		var parts [3]string
		ends := c.b.([2]any)
		for i, x := range [3]any{c.a, ends[0], ends[1]} {
			s, err := operandOf(x).renderAgainst(w, c.a)
			if err != nil {
				return "", err
			}
			parts[i] = s
		}
		if err := checkBounds(w, c.a, ends); err != nil {
			return "", err
		}
		return parts[0] + " BETWEEN " + parts[1] + " AND " + parts[2], nil
	case condIn:
		return c.renderIn(w)
	case condRaw:
		s, err := c.b.(*rawSource).rename(w, c.op)
		if err != nil {
			return "", fmt.Errorf("%w: %v", ErrInvalidCondition, err)
		}
		return s, nil
	case condSDK:
		return renderSDK(w, c.b.(expression.ConditionBuilder))
	}
	return "", nil
}

func (c *Condition) renderJoin(w *exprWriter) (string, error) {
	var buf [4]string
	rendered := buf[:0]
	n := len(c.op) * (len(c.kids) - 1)
	for i := range c.kids {
		s, err := c.kids[i].render(w)
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
			b.WriteString(c.op)
		}
		b.WriteByte('(')
		b.WriteString(s)
		b.WriteByte(')')
	}
	return b.String(), nil
}

func (c *Condition) renderFunction(w *exprWriter) (string, error) {
	var b strings.Builder
	b.Grow(len(c.op) + 14)
	b.WriteString(c.op)
	b.WriteByte('(')
	if err := w.writePath(&b, c.a.path); err != nil {
		return "", fmt.Errorf("%w: %s: %w", ErrInvalidCondition, c.op, err)
	}
	if c.kind == condFuncArg {
		path := b.String()[len(c.op)+1:]
		s, err := operandOf(c.b).renderAgainst(w, c.a)
		if err != nil {
			return "", err
		}
		if s == path {
			return "", samePathError(c.op, c.a.path)
		}
		b.WriteString(", ")
		b.WriteString(s)
	}
	b.WriteByte(')')
	return b.String(), nil
}

func (c *Condition) renderIn(w *exprWriter) (string, error) {
	vs := c.b.([]any)
	if err := checkIn(vs); err != nil {
		return "", err
	}
	l, err := c.a.renderAgainst(w, Operand{})
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString(l)
	b.WriteString(" IN (")
	for i, v := range vs {
		s, err := operandOf(v).renderAgainst(w, c.a)
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
}

// checkBounds checks Between's bounds when both are values, the last two
// values w was given: DynamoDB refuses bounds of two types, or a lower
// bound above the upper one.
func checkBounds(w *exprWriter, a Operand, ends [2]any) error {
	if !operandOf(ends[0]).isVal || !operandOf(ends[1]).isVal {
		return nil
	}
	n := len(w.values)
	lo := w.values[placeholder(valuePlaceholders, ":v", n-2)]
	hi := w.values[placeholder(valuePlaceholders, ":v", n-1)]
	if reason := boundsProblem(lo, hi); reason != "" {
		return fmt.Errorf("%w: %s: %s", ErrInvalidCondition, a.describe(), reason)
	}
	return nil
}

// samePathError is what DynamoDB would answer to path compared with
// itself (a = a, contains(a, a)).
func samePathError(op, path string) error {
	return fmt.Errorf("%w: %s compares %q with itself, which DynamoDB refuses", ErrInvalidCondition, op, path)
}

// describe names an operand for an error: its path, size(path), or value.
func (o Operand) describe() string {
	switch {
	case o.isVal:
		return fmt.Sprintf("value %.64v", o.value)
	case o.size:
		return fmt.Sprintf("size(%q)", o.path)
	}
	return strconv.Quote(o.path)
}

// checkIn checks the number of In's values.
func checkIn(vs []any) error {
	if len(vs) == 0 || len(vs) > 100 {
		return fmt.Errorf("%w: IN takes 1 to 100 values, got %d", ErrInvalidCondition, len(vs))
	}
	return nil
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
	return Condition{kind: condInvalid, b: err}
}

// And returns a condition that holds when all of conds hold. Zero conditions
// are skipped; And of nothing is the zero Condition.
func And(conds ...Condition) Condition { return join(" AND ", nil, conds) }

// Or returns a condition that holds when any of conds holds. Zero conditions
// are skipped.
func Or(conds ...Condition) Condition { return join(" OR ", nil, conds) }

// join joins first (when not nil) and then rest with op, skipping zero
// conditions. It keeps a slice of its own: the caller may change rest
// afterwards.
func join(op string, first *Condition, rest []Condition) Condition {
	n := 0
	var one *Condition
	if first != nil && !first.IsZero() {
		one = first
		n++
	}
	for i := range rest {
		if !rest[i].IsZero() {
			one = &rest[i]
			n++
		}
	}
	switch n {
	case 0:
		return Condition{}
	case 1:
		return *one
	}
	parts := make([]Condition, 0, n)
	if first != nil && !first.IsZero() {
		parts = append(parts, *first)
	}
	for i := range rest {
		if !rest[i].IsZero() {
			parts = append(parts, rest[i])
		}
	}
	return Condition{kind: condJoin, op: op, kids: parts}
}

// Not returns a condition that holds when c does not.
func Not(c Condition) Condition {
	if c.IsZero() {
		return errorCondition(fmt.Errorf("%w: Not of an empty condition", ErrInvalidCondition))
	}
	return Condition{kind: condNot, kids: []Condition{c}}
}

// Exists holds when the item has something at path (attribute_exists). A
// path is an attribute name or a document path into one, such as
// "reactions.heart" or "tags[0]" (see Name and Path).
func Exists(path string) Condition { return function("attribute_exists", path) }

// NotExists holds when the item has nothing at path (attribute_not_exists).
// On a key attribute it means "no such item".
func NotExists(path string) Condition { return function("attribute_not_exists", path) }

// BeginsWith holds when the string at path starts with prefix.
func BeginsWith(path, prefix string) Condition { return functionOf("begins_with", path, prefix) }

// Contains holds when the string at path contains v as a substring, or the
// set or list at path has v as an element.
func Contains(path string, v any) Condition { return functionOf("contains", path, v) }

// HasType holds when what is at path is of DynamoDB type t: "S", "N", "B",
// "BOOL", "NULL", "L", "M", "SS", "NS" or "BS" (attribute_type).
func HasType(path, t string) Condition {
	switch t {
	case "S", "N", "B", "BOOL", "NULL", "L", "M", "SS", "NS", "BS":
		return functionOf("attribute_type", path, t)
	}
	return errorCondition(fmt.Errorf("%w: HasType(%q, %.64q): not one of DynamoDB's types S, N, B, BOOL, NULL, L, M, SS, NS, BS", ErrInvalidCondition, path, t))
}

// function is the test fn(path).
func function(fn, path string) Condition {
	return Condition{kind: condFunc, op: fn, a: Operand{path: path}}
}

// functionOf is the test fn(path, arg).
func functionOf(fn, path string, arg any) Condition {
	return Condition{kind: condFuncArg, op: fn, a: Operand{path: path}, b: arg}
}

// An Operand is one side of a comparison: an attribute (or a part of one,
// given by its document path), the size of one, or a value.
type Operand struct {
	path  string
	value any
	size  bool
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
// none: it is no sortable attribute).
func (o Operand) renderAgainst(w *exprWriter, other Operand) (string, error) {
	if o.isVal {
		av, err := o.encode(w, other)
		if err != nil {
			return "", err
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

// formAgainst appends o's form to key and adds its value to w (see
// Condition.form), as renderAgainst would render it.
func (o Operand) formAgainst(w *exprWriter, other Operand, key []byte) ([]byte, error) {
	if o.isVal {
		av, err := o.encode(w, other)
		if err != nil {
			return key, err
		}
		w.value(av)
		return append(key, formValue), nil
	}
	tag := formPath
	if o.size {
		tag = formSize
	}
	return appendKeyString(append(key, tag), o.path), nil
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
	av, err := w.scalars.marshal(o.value)
	if err == nil {
		_, err = checkValue(av)
	}
	if err != nil {
		if !other.isVal && !other.size && other.path != "" {
			return nil, fmt.Errorf("%w: value for %q: %v", ErrInvalidCondition, other.path, err)
		}
		return nil, fmt.Errorf("%w: value %.64v: %v", ErrInvalidCondition, o.value, err)
	}
	return av, nil
}

func (o Operand) compare(op string, v any) Condition {
	return Condition{kind: condCompare, op: op, a: o, b: v}
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
	return Condition{kind: condBetween, a: o, b: [2]any{lo, hi}}
}

// In holds when o equals one of vs (at most 100).
func (o Operand) In(vs ...any) Condition {
	return Condition{kind: condIn, a: o, b: vs}
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
