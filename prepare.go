package dynamodel

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodel/dynamodel/codec"
)

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
//   - a cleared Optional removes its attribute, and so does an Optional
//     tagged omitempty set to its zero value (such as ""): the item field
//     it changes does not store zero values, so an update does not either;
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
		if rt, err := parseRole(f.StructTag.Get(RoleTagKey)); err == nil && (rt.role == RoleHash || rt.role == RoleRange) {
			continue
		}
		fv, ok := fieldAt(rv, f.Index, false)
		if !ok || !fv.CanInterface() {
			continue
		}
		if o, isOpt := fv.Interface().(optional); isOpt {
			state, v := o.optionalState()
			if state == optSet && f.Tag.OmitEmpty && isZero(v) {
				state = optClear
			}
			switch state {
			case optClear:
				u = u.with(updateOp{kind: opRemove, path: Name(f.Name)})
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
		u = u.with(updateOp{kind: opSet, path: Name(f.Name), value: av})
	}
	return u.Remove(remove...), nil
}

// isZero reports whether an Optional's value is one omitempty leaves out
// of an item: its type's zero value.
func isZero(v any) bool { return v == nil || reflect.ValueOf(v).IsZero() }

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
