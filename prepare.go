package dynamodel

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodel/dynamodel/codec"
)

// An Update is a prepared change to one item: attributes to set, to set only
// when missing, to remove, to add to (numbers and sets), to delete from
// (sets) and to append to (lists). It is the Go form of the seed's
// prepare_user: it says what changes and leaves everything else alone.
//
// Updates are immutable values; each method returns a new Update. Attribute
// names are taken literally (a name with a dot or a dash is one attribute)
// and always reach DynamoDB through placeholders, as do values.
//
//	upd := dynamodel.Set("first_name", "Ada").Set("last_name", "Lovelace").Remove("nickname")
type Update struct {
	head [inlineOps]updateOp // the first changes, held in the value itself
	n    int                 // how many changes in all
	more *updateNode         // changes after the first inlineOps, newest first
}

// inlineOps is how many changes an Update holds without allocating.
const inlineOps = 4

// updateNode is one change of an Update past the inline ones. Nodes are
// shared between updates made from one another, never modified.
type updateNode struct {
	op   updateOp
	prev *updateNode
}

type opKind uint8

const (
	opSet opKind = iota
	opSetIfMissing
	opAppend
	opRemove
	opAdd
	opDelete
)

type updateOp struct {
	kind  opKind
	name  string
	value any // a Go value, or a types.AttributeValue used as it is
}

func (u Update) with(op updateOp) Update {
	if u.n < inlineOps {
		u.head[u.n] = op
	} else {
		u.more = &updateNode{op: op, prev: u.more}
	}
	u.n++
	return u
}

// appendOps appends the changes, in the order they were added, to dst.
func (u *Update) appendOps(dst []updateOp) []updateOp {
	dst = append(dst, u.head[:min(u.n, inlineOps)]...)
	if u.n <= inlineOps {
		return dst
	}
	start := len(dst)
	for n := u.more; n != nil; n = n.prev {
		dst = append(dst, n.op)
	}
	slices.Reverse(dst[start:])
	return dst
}

// ops returns the changes in the order they were added, in a new slice.
func (u *Update) ops() []updateOp { return u.appendOps(make([]updateOp, 0, u.n)) }

// Set returns an update that sets attribute name to value.
func Set(name string, value any) Update { return Update{}.Set(name, value) }

// Remove returns an update that removes the named attributes.
func Remove(names ...string) Update { return Update{}.Remove(names...) }

// Set adds "set attribute name to value". A value of type
// types.AttributeValue is used as it is; anything else is encoded like an
// item field.
func (u Update) Set(name string, value any) Update {
	return u.with(updateOp{kind: opSet, name: name, value: value})
}

// SetIfMissing adds "set attribute name to value unless it already has a
// value" (if_not_exists).
func (u Update) SetIfMissing(name string, value any) Update {
	return u.with(updateOp{kind: opSetIfMissing, name: name, value: value})
}

// Append adds "append values to list attribute name", creating the list
// when it is missing.
func (u Update) Append(name string, values ...any) Update {
	return u.with(updateOp{kind: opAppend, name: name, value: values})
}

// Remove adds "remove the named attributes".
func (u Update) Remove(names ...string) Update {
	for _, n := range names {
		u = u.with(updateOp{kind: opRemove, name: n})
	}
	return u
}

// Add adds "add value to attribute name": a number is added to a number
// (starting from 0 when missing), a set's elements join a set. A []string
// is a string set, a slice of numbers a number set, a [][]byte a binary set.
func (u Update) Add(name string, value any) Update {
	return u.with(updateOp{kind: opAdd, name: name, value: value})
}

// Delete adds "delete the elements of set value from set attribute name".
func (u Update) Delete(name string, value any) Update {
	return u.with(updateOp{kind: opDelete, name: name, value: value})
}

// IsEmpty reports whether the update changes nothing.
func (u Update) IsEmpty() bool { return u.n == 0 }

// Names returns the attributes the update touches, in the order given.
func (u Update) Names() []string {
	ops := u.ops()
	names := make([]string, len(ops))
	for i, op := range ops {
		names[i] = op.name
	}
	return names
}

// Merge returns an update with the changes of u followed by those of other.
func (u Update) Merge(other Update) Update {
	for _, op := range other.ops() {
		u = u.with(op)
	}
	return u
}

// String renders the update expression with placeholders, for logs and tests.
func (u Update) String() string {
	var w exprWriter
	s, err := u.build(&w)
	if err != nil {
		return "invalid update: " + err.Error()
	}
	return s
}

// build renders the update expression.
func (u Update) build(w *exprWriter) (string, error) {
	return renderUpdate(w, u.ops())
}

// renderUpdate renders an update expression: SET, REMOVE, ADD and DELETE
// clauses, each listing its actions in the order given. Placeholders are
// handed out in the order of the changes, whatever clause they land in.
func renderUpdate(w *exprWriter, ops []updateOp) (string, error) {
	if len(ops) == 0 {
		return "", ErrEmptyUpdate
	}
	var present [opDelete + 1]bool
	for i := range ops {
		op := &ops[i]
		if op.name == "" {
			return "", fmt.Errorf("%w: empty attribute name", ErrInvalidUpdate)
		}
		for j := range i {
			if ops[j].name == op.name {
				return "", fmt.Errorf("%w: attribute %q is changed twice", ErrInvalidUpdate, op.name)
			}
		}
		present[op.kind] = true
	}
	var nb, vb [8]string
	names, values := nb[:0], vb[:0]
	if len(ops) > len(nb) {
		names, values = make([]string, 0, len(ops)), make([]string, 0, len(ops))
	}
	for i := range ops {
		op := &ops[i]
		names = append(names, w.name(op.name))
		if op.kind == opRemove {
			values = append(values, "")
			continue
		}
		av, err := op.encodeValue()
		if err != nil {
			return "", err
		}
		values = append(values, w.value(av))
	}
	var b strings.Builder
	b.Grow(16 * len(ops))
	for _, c := range updateClauses {
		if !present[c.kinds[0]] && !present[c.kinds[1]] && !present[c.kinds[2]] {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(c.keyword)
		sep := " "
		for i := range ops {
			kind := ops[i].kind
			if kind != c.kinds[0] && kind != c.kinds[1] && kind != c.kinds[2] {
				continue
			}
			b.WriteString(sep)
			sep = ", "
			n, v := names[i], values[i]
			b.WriteString(n)
			switch kind {
			case opSet:
				b.WriteString(" = ")
				b.WriteString(v)
			case opSetIfMissing:
				b.WriteString(" = if_not_exists(" + n + ", " + v + ")")
			case opAppend:
				empty := w.value(emptyList())
				b.WriteString(" = list_append(if_not_exists(" + n + ", " + empty + "), " + v + ")")
			case opAdd, opDelete:
				b.WriteByte(' ')
				b.WriteString(v)
			}
		}
	}
	return b.String(), nil
}

// updateClauses are the clauses of an update expression, in the order they
// are written, with the kinds of change each lists.
var updateClauses = [...]struct {
	keyword string
	kinds   [3]opKind
}{
	{"SET", [3]opKind{opSet, opSetIfMissing, opAppend}},
	{"REMOVE", [3]opKind{opRemove, opRemove, opRemove}},
	{"ADD", [3]opKind{opAdd, opAdd, opAdd}},
	{"DELETE", [3]opKind{opDelete, opDelete, opDelete}},
}

// emptyList is the list an append starts from when the attribute is missing.
func emptyList() types.AttributeValue {
	return &types.AttributeValueMemberL{Value: []types.AttributeValue{}}
}

// encodeValue is encode, with an error that names the attribute.
func (op *updateOp) encodeValue() (types.AttributeValue, error) {
	av, err := op.encode()
	if err != nil {
		return nil, fmt.Errorf("%w: attribute %q: %v", ErrInvalidUpdate, op.name, err)
	}
	return av, nil
}

// encode turns the operation's value into an attribute value of the kind
// the action needs.
func (op updateOp) encode() (types.AttributeValue, error) {
	// An attribute value is used as it is, except that DELETE still checks
	// that it is a set.
	if av, ok := op.value.(types.AttributeValue); ok && op.kind != opDelete {
		return av, nil
	}
	switch op.kind {
	case opAppend:
		vals := op.value.([]any)
		if len(vals) == 0 {
			return nil, fmt.Errorf("nothing to append")
		}
		l := make([]types.AttributeValue, len(vals))
		for i, v := range vals {
			av, err := marshalValue(v)
			if err != nil {
				return nil, err
			}
			l[i] = av
		}
		return &types.AttributeValueMemberL{Value: l}, nil
	case opAdd, opDelete:
		av, err := marshalSetOrNumber(op.value)
		if err != nil {
			return nil, err
		}
		if op.kind == opDelete {
			if _, isNum := av.(*types.AttributeValueMemberN); isNum {
				return nil, fmt.Errorf("DELETE takes a set, not a number")
			}
		}
		return av, nil
	}
	return marshalValue(op.value)
}

// marshalSetOrNumber encodes a value for ADD or DELETE: a number, or a slice
// encoded as the matching set type. Empty sets are an error: DynamoDB has
// none.
func marshalSetOrNumber(v any) (types.AttributeValue, error) {
	if av, ok := v.(types.AttributeValue); ok {
		return av, nil
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Slice || rv.Kind() == reflect.Array {
		if rv.Len() == 0 {
			return nil, fmt.Errorf("empty set")
		}
		et := rv.Type().Elem()
		tag := codec.Tag{}
		switch {
		case isBytes(et):
			tag.AsBinarySet = true
		case et.Kind() == reflect.String:
			tag.AsStringSet = true
		case isInteger(et.Kind()) || et.Kind() == reflect.Float32 || et.Kind() == reflect.Float64:
			tag.AsNumberSet = true
		default:
			return nil, fmt.Errorf("want a number or a set, got %T", v)
		}
		return marshalTagged(v, tag)
	}
	av, err := marshalValue(v)
	if err != nil {
		return nil, err
	}
	switch av.(type) {
	case *types.AttributeValueMemberN, *types.AttributeValueMemberSS,
		*types.AttributeValueMemberNS, *types.AttributeValueMemberBS:
		return av, nil
	}
	return nil, fmt.Errorf("want a number or a set, got %T", v)
}

// Optional is a field of a change set (see PrepareUpdate) with three
// states: unset (the zero value: leave the attribute alone), set to a value,
// or cleared (remove the attribute). In JSON an absent field is unset, null
// clears, and any other value sets, so a PATCH body decodes straight into a
// struct of Optionals.
type Optional[T any] struct {
	value T
	state optionalState
}

type optionalState uint8

const (
	optUnset optionalState = iota
	optSet
	optClear
)

// Some returns an Optional set to v.
func Some[T any](v T) Optional[T] { return Optional[T]{value: v, state: optSet} }

// Clear returns an Optional that removes its attribute.
func Clear[T any]() Optional[T] { return Optional[T]{state: optClear} }

// Get returns the value and whether it is set.
func (o Optional[T]) Get() (T, bool) { return o.value, o.state == optSet }

// IsSet reports whether o holds a value.
func (o Optional[T]) IsSet() bool { return o.state == optSet }

// IsCleared reports whether o removes its attribute.
func (o Optional[T]) IsCleared() bool { return o.state == optClear }

// IsUnset reports whether o leaves its attribute alone.
func (o Optional[T]) IsUnset() bool { return o.state == optUnset }

// optional is how PrepareUpdate recognises an Optional of any type.
type optional interface {
	optionalState() (optionalState, any)
}

func (o Optional[T]) optionalState() (optionalState, any) { return o.state, o.value }

// PrepareUpdate turns a change set into an Update: a struct whose fields say
// what to change, named and encoded by their `dynamodbav` tags like item
// fields.
//
//   - a nil pointer, nil slice, nil map or unset Optional leaves its attribute
//     alone;
//   - a cleared Optional removes its attribute;
//   - any other value sets its attribute (a field tagged omitempty whose
//     value is zero is left alone);
//   - fields tagged `dynamodel:"hash"` or `dynamodel:"range"` are the key,
//     never set.
//
// remove names further attributes to remove. A change set that changes
// nothing gives an empty Update, which Repository.Update rejects with
// ErrEmptyUpdate.
func PrepareUpdate(changes any, remove ...string) (Update, error) {
	rv := reflect.ValueOf(changes)
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return Update{}, fmt.Errorf("%w: nil change set", ErrInvalidUpdate)
		}
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Struct {
		return Update{}, fmt.Errorf("%w: a change set must be a struct, not %T", ErrInvalidUpdate, changes)
	}
	encoded, err := marshalStruct(rv)
	if err != nil {
		return Update{}, fmt.Errorf("%w: %v", ErrInvalidUpdate, err)
	}
	var u Update
	for _, f := range codec.Fields(rv.Type()) {
		if role := f.StructTag.Get(RoleTagKey); role == "hash" || role == "range" {
			continue
		}
		fv, ok := fieldAt(rv, f.Index, false)
		if !ok || !fv.CanInterface() {
			continue
		}
		if o, isOpt := fv.Interface().(optional); isOpt {
			switch state, _ := o.optionalState(); state {
			case optClear:
				u = u.with(updateOp{kind: opRemove, name: f.Name})
				continue
			case optUnset:
				continue
			}
		} else if isNil(fv) {
			continue
		}
		av, present := encoded[f.Name]
		if !present {
			continue // omitempty
		}
		u = u.with(updateOp{kind: opSet, name: f.Name, value: av})
	}
	return u.Remove(remove...), nil
}

func isNil(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface, reflect.Map, reflect.Slice:
		return v.IsNil()
	}
	return false
}

// MarshalDynamoDBAttributeValue encodes a set Optional as its value and any
// other as NULL, so a change set encodes like an item.
func (o Optional[T]) MarshalDynamoDBAttributeValue() (types.AttributeValue, error) {
	if o.state != optSet {
		return &types.AttributeValueMemberNULL{Value: true}, nil
	}
	return marshalValue(o.value)
}

// MarshalJSON encodes a set Optional as its value and any other as null.
func (o Optional[T]) MarshalJSON() ([]byte, error) {
	if o.state != optSet {
		return []byte("null"), nil
	}
	return json.Marshal(o.value)
}

// UnmarshalJSON makes null clear the attribute and any other value set it.
// (An absent field never calls UnmarshalJSON and stays unset.)
func (o *Optional[T]) UnmarshalJSON(b []byte) error {
	if string(bytes.TrimSpace(b)) == "null" {
		*o = Clear[T]()
		return nil
	}
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*o = Some(v)
	return nil
}
