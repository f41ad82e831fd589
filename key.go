package dynamodel

import (
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodel/dynamodel/codec"
	"github.com/dynamodel/dynamodel/internal/attr"
)

// Key identifies one item by the value of its hash key and, for a table with
// a sort key, the value of its range key.
//
// Repository methods that take a key accept a Key, the hash key value alone
// (for a model without a range key), or an item of the model's type, whose
// key fields are used. A time.Time key may be given in any zone: it is
// encoded by its instant, in UTC (see RoleTagKey).
type Key struct {
	Hash  any
	Range any
}

// keyBytesLimit is the largest string or binary value DynamoDB accepts in
// a key attribute of role (RoleHash or RoleRange).
func keyBytesLimit(role Role) int {
	if role == RoleRange {
		return attr.MaxRangeKeyBytes
	}
	return attr.MaxHashKeyBytes
}

// itemKey is an encoded, checked key.
type itemKey map[string]types.AttributeValue

// keyFor turns what a caller passed as a key into an encoded key, checking it
// against the model. Nothing here touches the network.
func (m *Model) keyFor(k any) (itemKey, error) {
	return m.keyWith(k, nil)
}

// keyWith is keyFor, taking a string hash key's value from a.
func (m *Model) keyWith(k any, a *scalars) (itemKey, error) {
	if m.keys != nil {
		return m.keys.keyFor(m, k)
	}
	if p, ok := k.(*EntityKey); ok { // a table's own reads take any entity's key
		if p == nil {
			return nil, &InvalidKeyError{Reason: "nil *EntityKey"}
		}
		k = *p
	}
	if ek, ok := k.(EntityKey); ok {
		return ek.encoded()
	}
	if s, ok := k.(string); ok && m.stringHash {
		// The common case, without reflection: a string for a hash key of
		// type string.
		h := &m.attrs[m.roles[RoleHash]]
		av := a.str(s)
		if err := checkKeyValue(h, av); err != nil {
			return nil, err
		}
		return itemKey{h.Name: av}, nil
	}
	switch v := k.(type) {
	case Key:
		return m.keyFromValues(v.Hash, v.Range)
	case *Key:
		if v == nil {
			return nil, &InvalidKeyError{Reason: "nil *Key"}
		}
		return m.keyFromValues(v.Hash, v.Range)
	case nil:
		return nil, &InvalidKeyError{Attribute: m.HashKey().Name, Reason: "missing (nil)"}
	}
	rv := reflect.ValueOf(k)
	if rv.Type() == m.typ || (rv.Kind() == reflect.Pointer && rv.Type().Elem() == m.typ) {
		if rv.Kind() == reflect.Pointer {
			if rv.IsNil() {
				return nil, &InvalidKeyError{Reason: fmt.Sprintf("nil *%v", m.typ)}
			}
			rv = rv.Elem()
		}
		return m.keyFromStruct(rv, a)
	}
	if _, ok := m.RangeKey(); ok {
		return nil, &InvalidKeyError{Reason: fmt.Sprintf(
			"%v has a range key: pass dynamodel.Key{Hash: ..., Range: ...} or a %v", m.typ, m.typ)}
	}
	return m.keyFromValues(k, nil)
}

func (m *Model) keyFromValues(hash, rng any) (itemKey, error) {
	h := m.HashKey()
	hv, err := encodeKeyValue(&h, hash)
	if err != nil {
		return nil, err
	}
	out := itemKey{h.Name: hv}
	r, ok := m.RangeKey()
	switch {
	case ok:
		rv, err := encodeKeyValue(&r, rng)
		if err != nil {
			return nil, err
		}
		out[r.Name] = rv
	case rng != nil:
		return nil, &InvalidKeyError{Reason: fmt.Sprintf("%v has no range key, but one was given", m.typ)}
	}
	return out, nil
}

// keyFromStruct reads the key fields of an item, taking string values
// from a.
func (m *Model) keyFromStruct(v reflect.Value, sc *scalars) (itemKey, error) {
	out := make(itemKey, 2)
	for _, r := range [2]Role{RoleHash, RoleRange} {
		if m.roles[r] < 0 {
			continue
		}
		a := &m.attrs[m.roles[r]]
		f, ok := fieldAt(v, a.field.Index, false)
		var av types.AttributeValue
		var err error
		if ft := a.field.Type; ok && f.CanInterface() && ft.Kind() != reflect.Interface && ft.Kind() != reflect.Pointer && ft != keyValueType {
			// The field's own value: encodeKeyValue would take it as
			// it is (no pointer to follow, nothing to convert), without
			// boxing it first.
			if av, err = marshalKeyValue(f, a, sc); err != nil {
				return nil, &InvalidKeyError{Attribute: a.Name, Reason: err.Error()}
			}
			err = checkKeyValue(a, av)
		} else {
			var val any
			if ok && f.CanInterface() {
				val = f.Interface()
			}
			av, err = encodeKeyValue(a, val)
		}
		if err != nil {
			return nil, err
		}
		out[a.Name] = av
	}
	return out, nil
}

// keyValueType is the type of KeyValue, which encodeKeyValue unwraps.
var keyValueType = reflect.TypeFor[KeyValue]()

// keyOfItem extracts and checks the key attributes of an encoded item.
func (m *Model) keyOfItem(item map[string]types.AttributeValue) (itemKey, error) {
	if err := m.checkKeyOfItem(item); err != nil {
		return nil, err
	}
	out := make(itemKey, 2)
	for _, a := range m.keyAttrs() {
		if a != nil {
			out[a.Name] = item[a.Name]
		}
	}
	return out, nil
}

// checkKeyOfItem checks the key attributes of an encoded item.
func (m *Model) checkKeyOfItem(item map[string]types.AttributeValue) error {
	for _, a := range m.keyAttrs() {
		if a == nil {
			continue
		}
		av, ok := item[a.Name]
		if !ok {
			return &InvalidKeyError{Attribute: a.Name, Reason: "missing"}
		}
		if err := checkKeyValue(a, av); err != nil {
			return err
		}
	}
	return nil
}

// encodeKeyValue encodes a caller's key value for key attribute a. The value
// may be of the field's type or of a type that converts to it without loss
// (a string for a named string type, an int for an int64 field).
func encodeKeyValue(a *Attribute, val any) (types.AttributeValue, error) {
	if kv, ok := val.(KeyValue); ok {
		if kv.err != nil {
			return nil, kv.err
		}
		val = kv.s
	}
	ft := a.field.Type
	rv := reflect.ValueOf(val)
	for rv.IsValid() && rv.Kind() == reflect.Pointer && rv.Type() != ft {
		if rv.IsNil() {
			rv = reflect.Value{}
			break
		}
		rv = rv.Elem()
	}
	if !rv.IsValid() {
		return nil, &InvalidKeyError{Attribute: a.Name, Reason: "missing (nil)"}
	}
	if rv.Type() != ft {
		cv, ok := convertKey(rv, ft)
		if !ok {
			return nil, &InvalidKeyError{Attribute: a.Name, Reason: fmt.Sprintf("want %v, got %v", ft, rv.Type())}
		}
		rv = cv
	}
	av, err := marshalKeyValue(rv, a, nil)
	if err != nil {
		return nil, &InvalidKeyError{Attribute: a.Name, Reason: err.Error()}
	}
	if err := checkKeyValue(a, av); err != nil {
		return nil, err
	}
	return av, nil
}

// convertKey converts v to type t when both are strings, both numbers (and
// the value fits), or both byte sequences.
func convertKey(v reflect.Value, t reflect.Type) (reflect.Value, bool) {
	vk, tk := v.Kind(), t.Kind()
	switch {
	case vk == reflect.String && tk == reflect.String:
	case isBytes(v.Type()) && isBytes(t) && tk == reflect.Slice:
	case isInteger(vk) && isInteger(tk):
		if isSigned(vk) && v.Int() < 0 {
			if !isSigned(tk) || reflect.New(t).Elem().OverflowInt(v.Int()) {
				return v, false
			}
		} else {
			u := v.Convert(reflect.TypeFor[uint64]()).Uint()
			if u > math.MaxInt64 && isSigned(tk) {
				return v, false
			}
			if isSigned(tk) && reflect.New(t).Elem().OverflowInt(int64(u)) ||
				!isSigned(tk) && reflect.New(t).Elem().OverflowUint(u) {
				return v, false
			}
		}
	case isInteger(vk) && (tk == reflect.Float32 || tk == reflect.Float64):
	case (vk == reflect.Float32 || vk == reflect.Float64) && (tk == reflect.Float32 || tk == reflect.Float64):
	default:
		return v, false
	}
	if !v.Type().ConvertibleTo(t) {
		return v, false
	}
	return v.Convert(t), true
}

func isSigned(k reflect.Kind) bool {
	switch k {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return true
	}
	return false
}

func isBytes(t reflect.Type) bool {
	return (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) && t.Elem().Kind() == reflect.Uint8
}

// marshalKeyValue encodes a key field's value as the item encoder would,
// honouring the field's string and unixtime options, and storing a sortable
// time with codec.SortableTimeLayout. Strings and numbers come from sc.
func marshalKeyValue(v reflect.Value, a *Attribute, sc *scalars) (types.AttributeValue, error) {
	if a.encodesItself(v.Type()) {
		p := reflect.New(v.Type())
		p.Elem().Set(v)
		return p.Interface().(attributevalue.Marshaler).MarshalDynamoDBAttributeValue()
	}
	tag := a.field.Tag
	if v.Type() == timeType {
		t := v.Interface().(time.Time)
		switch {
		case tag.AsUnixTime:
			return sc.num(strconv.FormatInt(t.Unix(), 10)), nil
		case a.SortableTime:
			s, err := codec.FormatSortableTime(t)
			if err != nil {
				return nil, err
			}
			return sc.str(s), nil
		}
		return sc.str(t.Format(time.RFC3339Nano)), nil
	}
	var n string
	switch k := v.Kind(); {
	case k == reflect.String:
		if a.KeyType == types.ScalarAttributeTypeN {
			return sc.num(v.String()), nil
		}
		return sc.str(v.String()), nil
	case isBytes(v.Type()):
		b := make([]byte, v.Len())
		reflect.Copy(reflect.ValueOf(b), v)
		return &types.AttributeValueMemberB{Value: b}, nil
	case isSigned(k):
		n = strconv.FormatInt(v.Int(), 10)
	case isInteger(k):
		n = strconv.FormatUint(v.Uint(), 10)
	case k == reflect.Float32:
		n = strconv.FormatFloat(v.Float(), 'f', -1, 32)
	case k == reflect.Float64:
		n = strconv.FormatFloat(v.Float(), 'f', -1, 64)
	default:
		return nil, fmt.Errorf("cannot encode %v as a key", v.Type())
	}
	if tag.AsString {
		return sc.str(n), nil
	}
	return sc.num(n), nil
}

// checkKeyValue checks an encoded key value: the model's scalar type, not
// empty, within DynamoDB's length limits.
func checkKeyValue(a *Attribute, av types.AttributeValue) error {
	limit := keyBytesLimit(a.Role)
	var size int
	switch v := av.(type) {
	case *types.AttributeValueMemberS:
		if a.KeyType != types.ScalarAttributeTypeS {
			break
		}
		if v.Value == "" {
			return &InvalidKeyError{Attribute: a.Name, Reason: "empty string"}
		}
		if !utf8.ValidString(v.Value) {
			return &InvalidKeyError{Attribute: a.Name, Reason: "not valid UTF-8"}
		}
		size = len(v.Value)
	case *types.AttributeValueMemberN:
		if a.KeyType != types.ScalarAttributeTypeN {
			break
		}
		if !attr.ValidNumber(v.Value) {
			return &InvalidKeyError{Attribute: a.Name, Reason: fmt.Sprintf("%q is not a number DynamoDB accepts", v.Value)}
		}
		return nil
	case *types.AttributeValueMemberB:
		if a.KeyType != types.ScalarAttributeTypeB {
			break
		}
		if len(v.Value) == 0 {
			return &InvalidKeyError{Attribute: a.Name, Reason: "empty binary"}
		}
		size = len(v.Value)
	case *types.AttributeValueMemberNULL:
		return &InvalidKeyError{Attribute: a.Name, Reason: "missing (NULL)"}
	}
	if size == 0 {
		return &InvalidKeyError{Attribute: a.Name, Reason: fmt.Sprintf("want type %s, got %s", a.KeyType, attr.TypeName(av))}
	}
	if size > limit {
		return &InvalidKeyError{Attribute: a.Name, Reason: fmt.Sprintf("%d bytes, over the %d-byte limit", size, limit)}
	}
	return nil
}

// String renders the key for error messages, e.g. `email="ada@example.com"`.
func (k itemKey) String() string {
	var b strings.Builder
	for i, name := range slices.Sorted(maps.Keys(k)) {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(name)
		b.WriteByte('=')
		b.WriteString(avString(k[name]))
	}
	return b.String()
}

func avString(av types.AttributeValue) string {
	switch v := av.(type) {
	case *types.AttributeValueMemberS:
		return strconv.Quote(v.Value)
	case *types.AttributeValueMemberN:
		return attr.CanonicalNumber(v.Value) // as DynamoDB compares keys
	case *types.AttributeValueMemberB:
		return fmt.Sprintf("0x%x", v.Value)
	}
	return attr.TypeName(av)
}
