package codec

import (
	"fmt"
	"reflect"
	"sync"
	"unsafe"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// structPlans caches the plans of the struct types EncodeFields has seen: a
// *structEnc, or nil for a type outside what plans cover.
var structPlans sync.Map // reflect.Type -> *structEnc

// EncodeFields encodes the fields of v, a struct value, as
// attributevalue.MarshalMap encodes them: the result holds the attribute
// value of each of Fields(v.Type()), in that order, nil for a field the item
// would not have (omitempty, or behind a nil embedded pointer). It uses the
// compiled plan of v's type (built once per type) when the type has one, and
// ignores Marshaler as attributevalue does.
func EncodeFields(v reflect.Value) ([]types.AttributeValue, error) {
	return AppendFields(nil, v)
}

// AppendFields is EncodeFields appending the values to dst, so that a
// caller with room for them (an array on its stack, say) allocates no
// slice. On an error, dst is returned as it was.
func AppendFields(dst []types.AttributeValue, v reflect.Value) ([]types.AttributeValue, error) {
	if v.Kind() != reflect.Struct {
		return dst, fmt.Errorf("codec: EncodeFields of %v, not a struct", v.Type())
	}
	if !v.CanAddr() {
		p := reflect.New(v.Type())
		p.Elem().Set(v)
		v = p.Elem()
	}
	if plan := structPlan(v.Type()); plan != nil {
		if out, ok := plan.appendFields(dst, unsafe.Pointer(v.UnsafeAddr())); ok {
			return out, nil
		}
	}
	m, err := attributevalue.MarshalMap(v.Addr().Interface())
	if err != nil {
		return dst, blameField(v, err)
	}
	for _, f := range Fields(v.Type()) {
		dst = append(dst, m[f.Name])
	}
	return dst, nil
}

// appendFields appends the values of the struct at p to dst field by field
// (see EncodeFields); false, with dst as it was, when a field needs
// attributevalue.
func (s *structEnc) appendFields(dst []types.AttributeValue, p unsafe.Pointer) ([]types.AttributeValue, bool) {
	n := len(dst)
	for i := range s.fields {
		av, ok := s.fields[i].value(p)
		if !ok {
			return dst[:n], false
		}
		dst = append(dst, av)
	}
	return dst, true
}

// structPlan returns the cached plan of struct type t, or nil.
func structPlan(t reflect.Type) *structEnc {
	if p, ok := structPlans.Load(t); ok {
		return p.(*structEnc)
	}
	p, _ := structPlans.LoadOrStore(t, compileStructEnc(t))
	return p.(*structEnc)
}
