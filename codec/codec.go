// Package codec converts Go values to DynamoDB items and back, with exactly
// the meaning the SDK's attributevalue package gives them (the `dynamodbav`
// tag and its options, embedded structs, pointers, maps, slices, []byte,
// time.Time, and attributevalue's Marshaler and Unmarshaler), but compiled
// once per type instead of walked with reflection on every call.
//
// For each Go type it builds a plan of the fields it can encode and decode
// directly: strings, numbers, booleans, []byte, time.Time, pointers to those,
// nested structs, slices (lists and sets) and maps with string keys. Values
// of types outside that plan, and the rare item the plan does not cover (an
// attribute of an unexpected type, a malformed number, a set of the wrong
// kind), are handed to attributevalue itself, so results and errors are
// attributevalue's in every case; a decoding error also says where in the
// item the value to blame is (see DecodeError). A differential fuzz test
// holds the two together.
//
// A codec made by New with SortableTimes departs from attributevalue in one
// way, for key attributes: the time attributes it names are stored in UTC
// with SortableTimeLayout, whose string order is time order. Decoding is
// unchanged and reads both forms.
//
// A type can also encode and decode itself as a whole item by implementing
// Marshaler and Unmarshaler, for hot paths where even a compiled plan is too
// slow; attributevalue knows nothing of these two interfaces.
package codec

import (
	"reflect"
	"sync"
	"unsafe"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Marshaler is implemented by types that encode themselves as a whole item.
// A Codec calls it instead of its plan.
type Marshaler interface {
	MarshalDynamoDBItem() (map[string]types.AttributeValue, error)
}

// Unmarshaler is implemented by pointer types that decode themselves from a
// whole item. A Codec calls it instead of its plan.
type Unmarshaler interface {
	UnmarshalDynamoDBItem(map[string]types.AttributeValue) error
}

// A Codec encodes values of T as items and decodes items into values of T.
// It is built once per type (see For) and safe for concurrent use.
type Codec[T any] struct {
	typ        reflect.Type
	enc        *structEnc // nil: encode with attributevalue
	dec        *structDec // nil: decode with attributevalue
	self       bool       // *T implements Marshaler
	selfDecode bool       // *T implements Unmarshaler
	sortable   []sortableField
}

// codecKey identifies a codec: its type, and the names of its sortable
// time attributes joined by NUL (see New).
type codecKey struct {
	typ      reflect.Type
	sortable string
}

var codecs sync.Map // codecKey -> any (*Codec[T])

// For returns the codec of T. T should be a struct type; for other types
// the codec delegates everything to attributevalue.
func For[T any]() *Codec[T] {
	t := reflect.TypeFor[T]()
	key := codecKey{typ: t}
	if c, ok := codecs.Load(key); ok {
		return c.(*Codec[T])
	}
	c := &Codec[T]{typ: t}
	_, c.self = any((*T)(nil)).(Marshaler)
	_, c.selfDecode = any((*T)(nil)).(Unmarshaler)
	if t.Kind() == reflect.Struct {
		c.enc = structPlan(t) // shared with EncodeFields
		c.dec = compileStructDec(t)
	}
	actual, _ := codecs.LoadOrStore(key, c)
	return actual.(*Codec[T])
}

// Encode returns v as an item, as attributevalue.MarshalMap(v) does; for a
// nil v that is an empty item. A codec made with SortableTimes stores those
// attributes with SortableTimeLayout, even when T marshals itself.
func (c *Codec[T]) Encode(v *T) (map[string]types.AttributeValue, error) {
	return c.EncodeSized(v, 0)
}

// EncodeSized is Encode for a caller that adds attributes of its own to
// the item (an entity's keys, say): the compiled plan makes the map with
// room for extra more, so that adding them does not grow it.
func (c *Codec[T]) EncodeSized(v *T, extra int) (map[string]types.AttributeValue, error) {
	if v == nil {
		return map[string]types.AttributeValue{}, nil
	}
	if c.enc != nil && !c.self {
		if m, ok := c.enc.encode(unsafe.Pointer(v), extra); ok {
			return m, nil
		}
	}
	var m map[string]types.AttributeValue
	var err error
	if c.self {
		m, err = any(v).(Marshaler).MarshalDynamoDBItem()
	} else {
		if m, err = attributevalue.MarshalMap(v); err != nil {
			err = blameField(reflect.ValueOf(v), err)
		}
	}
	if err == nil && c.sortable != nil {
		err = fixSortable(c.sortable, unsafe.Pointer(v), m)
	}
	if err != nil {
		return nil, err
	}
	return m, nil
}

// Decode returns the item as a new T, as attributevalue.UnmarshalMap does
// into a zero T. When that fails and one value of the item is to blame, the
// error is a *DecodeError naming it and wrapping attributevalue's error.
func (c *Codec[T]) Decode(item map[string]types.AttributeValue) (out T, err error) {
	if c.selfDecode {
		p := new(T)
		err = any(p).(Unmarshaler).UnmarshalDynamoDBItem(item)
		return *p, err
	}
	if c.dec != nil {
		// Straight into the result: for a struct of scalars nothing else is
		// allocated or copied.
		if c.dec.scalars {
			if c.dec.decodeScalars(item, unsafe.Pointer(&out)) {
				return out, nil
			}
			var zero T
			out = zero
		}
		p := new(T)
		if c.dec.decode(item, unsafe.Pointer(p)) {
			return *p, nil
		}
	}
	var fallback T
	if err = attributevalue.UnmarshalMap(item, &fallback); err != nil {
		err = locate[T](item, err)
	}
	return fallback, err
}

// Fast reports whether T is encoded and decoded by a compiled plan (true),
// or handed to attributevalue (false).
func (c *Codec[T]) Fast() bool { return c.enc != nil && c.dec != nil }

// Marshal encodes v (a struct or a pointer to one) as an item with the
// codec of its type.
func Marshal[T any](v T) (map[string]types.AttributeValue, error) {
	return For[T]().Encode(&v)
}

// Unmarshal decodes an item into a new T with the codec of T.
func Unmarshal[T any](item map[string]types.AttributeValue) (T, error) {
	return For[T]().Decode(item)
}
