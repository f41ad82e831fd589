package dynamodel

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodel/dynamodel/internal/attr"

	"github.com/dynamodel/dynamodel/codec"
)

// renderUpdate renders an update expression: SET, REMOVE, ADD and DELETE
// clauses, each listing its actions in the order given. Placeholders are
// handed out in the order of the changes, whatever clause they land in:
// each change's path and value, then the starting values (an empty list, a
// zero) of the SET clause's appends, prepends, increments and decrements,
// in the same order. templateValues relies on that order.
func renderUpdate(w *exprWriter, ops []updateOp) (string, error) {
	if len(ops) == 0 {
		return "", ErrEmptyUpdate
	}
	if err := checkUpdatePaths(ops); err != nil {
		return "", err
	}
	var pb, vb [8]string
	paths, values := pb[:0], vb[:0]
	if len(ops) > len(pb) {
		paths, values = make([]string, 0, len(ops)), make([]string, 0, len(ops))
	}
	var present [numClauses]bool
	for i := range ops {
		op := &ops[i]
		present[opClauses[op.kind]] = true
		if op.kind.isRaw() {
			action, err := op.value.(*rawAction).render(w)
			if err != nil {
				return "", err
			}
			paths, values = append(paths, action), append(values, "")
			continue
		}
		p, err := w.path(op.path)
		if err != nil {
			return "", fmt.Errorf("%w: %w", ErrInvalidUpdate, err)
		}
		paths = append(paths, p)
		if !op.kind.hasValue() {
			values = append(values, "")
			continue
		}
		av, err := op.encodeValue(w.scalars)
		if err != nil {
			return "", err
		}
		values = append(values, w.value(av))
	}
	var b strings.Builder
	b.Grow(24 * len(ops))
	for c := range numClauses {
		if !present[c] {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(clauseKeywords[c])
		sep := " "
		for i := range ops {
			if opClauses[ops[i].kind] != c {
				continue
			}
			b.WriteString(sep)
			sep = ", "
			writeAction(&b, w, ops[i].kind, paths[i], values[i])
		}
	}
	return b.String(), nil
}

// writeAction writes one action of an update expression: p is the rendered
// path (the whole action, for a raw one) and v the value's placeholder.
func writeAction(b *strings.Builder, w *exprWriter, kind opKind, p, v string) {
	switch kind {
	case opRemove, opRawSet, opRawRemove, opRawAdd, opRawDelete:
		b.WriteString(p)
	case opSet:
		b.WriteString(p + " = " + v)
	case opSetIfMissing:
		b.WriteString(p + " = if_not_exists(" + p + ", " + v + ")")
	case opAppend:
		b.WriteString(p + " = list_append(if_not_exists(" + p + ", " + w.value(emptyList()) + "), " + v + ")")
	case opPrepend:
		b.WriteString(p + " = list_append(" + v + ", if_not_exists(" + p + ", " + w.value(emptyList()) + "))")
	case opIncrement:
		b.WriteString(p + " = if_not_exists(" + p + ", " + w.value(w.scalars.zeroNumber()) + ") + " + v)
	case opDecrement:
		b.WriteString(p + " = if_not_exists(" + p + ", " + w.value(w.scalars.zeroNumber()) + ") - " + v)
	case opAdd, opDelete:
		b.WriteString(p + " " + v)
	}
}

// checkUpdatePaths checks every change's path, and that no two changes
// touch overlapping paths: the same path, or a path and a part of it
// (DynamoDB rejects both).
func checkUpdatePaths(ops []updateOp) error {
	if len(ops) > maxExpressionParts {
		return fmt.Errorf("%w: %d changes do not fit in DynamoDB's %d-byte update expression", ErrInvalidUpdate, len(ops), maxExpressionBytes)
	}
	for i := range ops {
		op := &ops[i]
		if op.kind == opInvalid {
			return op.value.(error)
		}
		if err := checkPath(op.path); err != nil {
			return fmt.Errorf("%w: %w", ErrInvalidUpdate, err)
		}
		for j := range i {
			if !pathsOverlap(ops[j].path, op.path) {
				continue
			}
			if ops[j].path == op.path {
				return fmt.Errorf("%w: %q is changed twice", ErrInvalidUpdate, op.path)
			}
			return fmt.Errorf("%w: %q and %q overlap (DynamoDB changes a path and the paths in it once per update)", ErrInvalidUpdate, ops[j].path, op.path)
		}
	}
	return nil
}

// emptyList is the list an append or prepend starts from when the list is
// missing.
func emptyList() types.AttributeValue {
	return &types.AttributeValueMemberL{Value: []types.AttributeValue{}}
}

// encodeValue is encode, with the value checked as DynamoDB would check it
// and an error that names the path.
func (op *updateOp) encodeValue(a *scalars) (types.AttributeValue, error) {
	av, err := op.encode(a)
	if err == nil {
		_, err = checkValue(av)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: value at %q: %v", ErrInvalidUpdate, op.path, err)
	}
	return av, nil
}

// encode turns the operation's value into an attribute value of the kind
// the action needs.
func (op updateOp) encode(a *scalars) (types.AttributeValue, error) {
	// An attribute value is used as it is (by marshalValue and
	// marshalSetOrNumber), except that DELETE still checks that it is a
	// set, and an increment that it is a number. A list's values are
	// always a []any.
	switch op.kind {
	case opAppend, opPrepend:
		vals := op.value.([]any)
		if len(vals) == 0 {
			return nil, fmt.Errorf("nothing to add to the list")
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
	case opIncrement, opDecrement:
		av, err := a.marshal(op.value)
		if err != nil {
			return nil, err
		}
		if _, ok := av.(*types.AttributeValueMemberN); !ok {
			return nil, fmt.Errorf("want a number to add or subtract, got %T", op.value)
		}
		return av, nil
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
	return a.marshal(op.value)
}

// marshalSetOrNumber encodes a value for ADD or DELETE: a number, or a slice
// encoded as the matching set type. Empty sets are an error: DynamoDB has
// none.
func marshalSetOrNumber(v any) (types.AttributeValue, error) {
	switch x := v.(type) {
	case types.AttributeValue:
		switch x.(type) {
		case *types.AttributeValueMemberN, *types.AttributeValueMemberSS, *types.AttributeValueMemberNS, *types.AttributeValueMemberBS:
			return x, nil
		}
		return nil, fmt.Errorf("want a number or a set, got %s", attr.TypeName(x))
	case []string: // the common sets, as attributevalue encodes them, without reflection
		if len(x) > 0 {
			return &types.AttributeValueMemberSS{Value: slices.Clone(x)}, nil
		}
	case []int:
		if len(x) > 0 {
			ns := make([]string, len(x))
			for i, n := range x {
				ns[i] = strconv.Itoa(n)
			}
			return &types.AttributeValueMemberNS{Value: ns}, nil
		}
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
