package dynamodel

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodel/dynamodel/codec"
	"github.com/dynamodel/dynamodel/internal/attr"
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
// A field's `dynamodel` tag can ask for another action than SET (see
// Update's methods of the same names): "increment" and "decrement" (a
// number), "add" and "delete" (a number, or a slice as a set), "append" and
// "prepend" (a slice, as list elements), "ifmissing" (set unless the
// attribute has a value). With "members", a struct or map field is not set
// whole: each of its fields (by their tags, following these same rules) or
// map entries (keys taken literally, in sorted order) is its own change of
// a path inside the attribute (which must be there: DynamoDB makes no
// parents), with the field's action:
//
//	type PhotoChanges struct {
//		Views     *int           `dynamodbav:"views" dynamodel:"increment"`      // SET views = if_not_exists(views, 0) + :v
//		Tags      []string       `dynamodbav:"tags" dynamodel:"add"`             // ADD tags :v (a string set)
//		Reactions map[string]int `dynamodbav:"reactions" dynamodel:"members,increment"` // SET reactions.heart = ... + :v, per key
//	}
//
// Names from tags and map keys are never parsed as paths: a field tagged
// `dynamodbav:"a.b"` changes attribute "a.b". remove names further paths
// to remove. A change set that changes nothing gives an empty Update,
// which Repository.Update rejects with ErrEmptyUpdate.
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
	var u Update
	if err := structChanges(&u, rv, ""); err != nil {
		return Update{}, err
	}
	return u.Remove(remove...), nil
}

// changeOptions are what a change-set field's `dynamodel` tag asks for.
type changeOptions struct {
	kind    opKind // the action: opSet unless the tag says otherwise
	members bool   // change the members of a struct or map, not the whole
	key     bool   // a key field: never changed
}

var changeKinds = map[string]opKind{
	"increment": opIncrement, "decrement": opDecrement, "add": opAdd, "delete": opDelete,
	"append": opAppend, "prepend": opPrepend, "ifmissing": opSetIfMissing,
}

func parseChangeOptions(f codec.Field) (changeOptions, error) {
	o := changeOptions{kind: opSet}
	tag, ok := f.StructTag.Lookup(RoleTagKey)
	if !ok {
		return o, nil
	}
	action := ""
	for _, opt := range strings.Split(tag, ",") {
		switch opt = strings.TrimSpace(opt); opt {
		case "hash", "range":
			o.key = true
		case "members":
			o.members = true
		case "", "version", "ttl", "created", "updated", "indexkey", "legacytime":
			// A model's roles and options: a model's struct can be a
			// change set, whose other fields are set.
		default:
			k, known := changeKinds[opt]
			if !known {
				return o, fmt.Errorf("%w: field %s: unknown option %q in `dynamodel` tag of a change set (want hash, range, members, increment, decrement, add, delete, append, prepend or ifmissing)", ErrInvalidUpdate, f.GoName, opt)
			}
			if action != "" {
				return o, fmt.Errorf("%w: field %s: `dynamodel` tag has two actions, %s and %s", ErrInvalidUpdate, f.GoName, action, opt)
			}
			action, o.kind = opt, k
		}
	}
	return o, nil
}

// changeField is a field of a change set's type with what its tags ask for.
type changeField struct {
	codec.Field
	at            int // the field's place in codec.Fields of its struct
	opts          changeOptions
	maybeOptional bool // the field's type is an Optional, or an interface that can hold one
}

// changePlans caches each change set type's fields (or the error of its
// tags): a type's tags are read once.
var changePlans sync.Map // reflect.Type -> changePlan

type changePlan struct {
	fields []changeField
	err    error
}

var optionalType = reflect.TypeFor[optional]()

// changeFields returns the fields of change set type t that can change
// something (not the key), with their options.
func changeFields(t reflect.Type) ([]changeField, error) {
	if p, ok := changePlans.Load(t); ok {
		return p.(changePlan).fields, p.(changePlan).err
	}
	var plan changePlan
	for i, f := range codec.Fields(t) {
		opts, err := parseChangeOptions(f)
		if err != nil {
			plan = changePlan{err: err}
			break
		}
		if !opts.key {
			maybe := f.FieldType.Implements(optionalType) || f.FieldType.Kind() == reflect.Interface
			plan.fields = append(plan.fields, changeField{Field: f, at: i, opts: opts, maybeOptional: maybe})
		}
	}
	p, _ := changePlans.LoadOrStore(t, plan)
	return p.(changePlan).fields, p.(changePlan).err
}

// structChanges adds the changes the fields of struct rv ask for, under
// path prefix ("" for the change set itself).
func structChanges(u *Update, rv reflect.Value, prefix string) error {
	fields, err := changeFields(rv.Type())
	if err != nil {
		return err
	}
	var buf [16]types.AttributeValue // room for most change sets' fields
	encoded, err := codec.AppendFields(buf[:0], rv)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidUpdate, err)
	}
	for i := range fields {
		if err := fieldChange(u, rv, &fields[i], encoded[fields[i].at], prefix); err != nil {
			return err
		}
	}
	return nil
}

// fieldChange adds the change field f of struct rv asks for; av is the
// field encoded as an item attribute (nil: the item would not have it).
func fieldChange(u *Update, rv reflect.Value, f *changeField, av types.AttributeValue, prefix string) error {
	fv, ok := fieldAt(rv, f.Index, false)
	if !ok || !fv.CanInterface() {
		return nil
	}
	path := joinPath(prefix, f.Name)
	var o optional
	if f.maybeOptional {
		o, _ = fv.Interface().(optional)
	}
	if o != nil {
		state, v := o.optionalState()
		if state == optSet && f.Tag.OmitEmpty && isZero(v) {
			state = optClear
		}
		switch state {
		case optClear:
			u.add(updateOp{kind: opRemove, path: path})
			return nil
		case optUnset:
			return nil
		}
		if f.opts.members {
			fv = reflect.ValueOf(v)
		}
	} else if isNil(fv) {
		return nil
	}
	if f.opts.members {
		return memberChanges(u, fv, path, f.opts.kind, f.Field)
	}
	if av == nil {
		return nil // omitempty
	}
	op, err := changeOp(f.opts.kind, path, av, fv)
	if err != nil {
		return err
	}
	u.add(op)
	return nil
}

// memberChanges adds a change for each member of struct or map v, the
// value of the field f at path.
func memberChanges(u *Update, v reflect.Value, path string, kind opKind, f codec.Field) error {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	switch {
	case v.Kind() == reflect.Struct:
		if kind != opSet {
			return fmt.Errorf("%w: field %s: members of a struct take their actions from their own tags, not %q", ErrInvalidUpdate, f.GoName, kindOption(kind))
		}
		return structChanges(u, v, path)
	case v.Kind() == reflect.Map && v.Type().Key().Kind() == reflect.String:
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
		for _, k := range keys {
			ev := v.MapIndex(k)
			member := joinPath(path, k.String())
			if o, isOpt := ev.Interface().(optional); isOpt {
				state, val := o.optionalState()
				switch state {
				case optClear:
					u.add(updateOp{kind: opRemove, path: member})
					continue
				case optUnset:
					continue
				}
				ev = reflect.ValueOf(val)
			} else if isNil(ev) {
				continue
			}
			av, err := marshalValue(ev.Interface())
			if err != nil {
				return fmt.Errorf("%w: %q: %v", ErrInvalidUpdate, member, err)
			}
			op, err := changeOp(kind, member, av, ev)
			if err != nil {
				return err
			}
			u.add(op)
		}
		return nil
	}
	return fmt.Errorf("%w: field %s: \"members\" needs a struct or a map with string keys, not %v", ErrInvalidUpdate, f.GoName, v.Type())
}

// changeOp is the change of kind at path to a value, encoded as av (as the
// field's tag says) and as the Go value v.
func changeOp(kind opKind, path string, av types.AttributeValue, v reflect.Value) (updateOp, error) {
	op := updateOp{kind: kind, path: path, value: av}
	switch kind {
	case opAdd, opDelete:
		switch av.(type) {
		case *types.AttributeValueMemberN, *types.AttributeValueMemberSS, *types.AttributeValueMemberNS, *types.AttributeValueMemberBS:
		default:
			// A slice without a set option encodes as a list: a set is
			// meant.
			for v.Kind() == reflect.Pointer && !v.IsNil() {
				v = v.Elem()
			}
			op.value = v.Interface()
		}
	case opAppend, opPrepend:
		l, ok := av.(*types.AttributeValueMemberL)
		if !ok {
			return op, fmt.Errorf("%w: %q: %s takes a slice, got %s", ErrInvalidUpdate, path, kindOption(kind), attr.TypeName(av))
		}
		op.value = anyList(l.Value)
	}
	return op, nil
}

func anyList(l []types.AttributeValue) []any {
	out := make([]any, len(l))
	for i, av := range l {
		out[i] = av
	}
	return out
}

// kindOption names an action as a change set's tag does.
func kindOption(kind opKind) string {
	for name, k := range changeKinds {
		if k == kind {
			return name
		}
	}
	return "set"
}

// joinPath is the path of member name (taken literally) of prefix.
func joinPath(prefix, name string) string {
	if prefix == "" {
		return Name(name)
	}
	return prefix + "." + Name(name)
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
