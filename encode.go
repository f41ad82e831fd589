package dynamodel

import (
	"fmt"
	"reflect"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodel/dynamodel/codec"
)

// marshalValue encodes one Go value as attributevalue.Marshal does (the
// common scalars directly, without reflection). A types.AttributeValue is
// passed through.
func marshalValue(v any) (types.AttributeValue, error) {
	return (*scalars)(nil).marshal(v)
}

// marshal is marshalValue, taking strings and numbers from a.
func (a *scalars) marshal(v any) (types.AttributeValue, error) {
	// Concrete types first: a case of an interface type costs a lookup of
	// its method table.
	switch x := v.(type) {
	case string:
		return a.str(x), nil
	case int:
		return a.num(strconv.Itoa(x)), nil
	case int64:
		return a.num(strconv.FormatInt(x, 10)), nil
	case int32:
		return a.num(strconv.FormatInt(int64(x), 10)), nil
	case uint64:
		return a.num(strconv.FormatUint(x, 10)), nil
	case float64:
		return a.num(strconv.FormatFloat(x, 'f', -1, 64)), nil
	case bool:
		return &types.AttributeValueMemberBOOL{Value: x}, nil
	case time.Time:
		return a.str(x.Format(time.RFC3339Nano)), nil
	case types.AttributeValue:
		return x, nil
	}
	av, err := attributevalue.Marshal(v)
	if err == nil && av == nil {
		err = fmt.Errorf("cannot encode a %T", v)
	}
	return av, err
}

// marshalTagged encodes v as a field with the given tag would be encoded.
func marshalTagged(v any, tag codec.Tag) (types.AttributeValue, error) {
	var opts string
	switch {
	case tag.AsBinarySet:
		opts = "binaryset"
	case tag.AsNumberSet:
		opts = "numberset"
	case tag.AsStringSet:
		opts = "stringset"
	}
	st := reflect.StructOf([]reflect.StructField{{
		Name: "V",
		Type: reflect.TypeOf(v),
		Tag:  reflect.StructTag(`dynamodbav:"v,` + opts + `"`),
	}})
	sv := reflect.New(st).Elem()
	sv.Field(0).Set(reflect.ValueOf(v))
	m, err := attributevalue.MarshalMap(sv.Interface())
	if err != nil {
		return nil, err
	}
	return m["v"], nil
}

// encodeItem encodes a model item with the repository's codec. A nil item
// is ErrInvalidItem (the codec, as attributevalue, would make it an empty
// item).
func encodeItem[T any](c *codec.Codec[T], item *T) (map[string]types.AttributeValue, error) {
	return encodeSized(c, item, 0)
}

// encodeSized is encodeItem with room in the map for extra attributes the
// caller adds (an entity's keys).
func encodeSized[T any](c *codec.Codec[T], item *T, extra int) (map[string]types.AttributeValue, error) {
	if item == nil {
		return nil, fmt.Errorf("%w: nil *%v", ErrInvalidItem, reflect.TypeFor[T]())
	}
	m, err := c.EncodeSized(item, extra)
	if err != nil {
		return nil, fmt.Errorf("%w: encode %T: %w", ErrInvalidItem, *item, err)
	}
	return m, nil
}

// decodeItem decodes an item into a new T with its type's compiled codec.
// The error wraps ErrInvalidItem and the codec's, a *codec.DecodeError
// naming the attribute path to blame.
func decodeItem[T any](m map[string]types.AttributeValue) (T, error) {
	out, err := codec.For[T]().Decode(m)
	if err != nil {
		return out, fmt.Errorf("%w: decode %T: %w", ErrInvalidItem, out, err)
	}
	return out, nil
}
