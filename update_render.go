package dynamodel

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodel/dynamodel/codec"
)

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
