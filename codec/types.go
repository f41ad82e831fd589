package codec

import (
	"reflect"
	"time"
	"unsafe"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
)

var (
	timeType          = reflect.TypeFor[time.Time]()
	bytesType         = reflect.TypeFor[[]byte]()
	bytesSliceType    = reflect.TypeFor[[][]byte]()
	avMarshalerType   = reflect.TypeFor[attributevalue.Marshaler]()
	avUnmarshalerType = reflect.TypeFor[attributevalue.Unmarshaler]()
)

// plain reports whether values of t carry no behaviour attributevalue looks
// for by default: no Marshaler or Unmarshaler (on t or *t), and, for string
// kinds, no number methods (attributevalue stores those as numbers).
func plain(t reflect.Type) bool {
	if t.NumMethod() == 0 && reflect.PointerTo(t).NumMethod() == 0 {
		return true
	}
	for _, i := range []reflect.Type{avMarshalerType, avUnmarshalerType} {
		if t.Implements(i) || reflect.PointerTo(t).Implements(i) {
			return false
		}
	}
	if t.Kind() == reflect.String {
		_, f := t.MethodByName("Float64")
		_, i := t.MethodByName("Int64")
		_, s := t.MethodByName("String")
		if f && i && s {
			return false
		}
	}
	return true
}

func isInt(k reflect.Kind) bool {
	return k >= reflect.Int && k <= reflect.Int64
}

func isUint(k reflect.Kind) bool {
	return k >= reflect.Uint && k <= reflect.Uint64
}

func isFloat(k reflect.Kind) bool { return k == reflect.Float32 || k == reflect.Float64 }

// access is how a plan reaches a struct field from the struct's address.
type access struct {
	offset uintptr // when hops is nil: the field's offset from the struct
	hops   []hop   // through embedded pointers
	typ    reflect.Type
}

// hop is one step to a field through embedded pointer structs: the offset
// of the pointer, and the type it points to.
type hop struct {
	offset uintptr
	elem   reflect.Type
}

// accessFor works out how to reach field index of struct type t.
func accessFor(t reflect.Type, index []int) access {
	var a access
	var off uintptr
	cur := t
	for i, x := range index {
		sf := cur.Field(x)
		off += sf.Offset
		if i == len(index)-1 {
			a.typ = sf.Type
			break
		}
		if sf.Type.Kind() == reflect.Pointer {
			a.hops = append(a.hops, hop{offset: off, elem: sf.Type.Elem()})
			off = 0
			cur = sf.Type.Elem()
			continue
		}
		cur = sf.Type
	}
	a.offset = off
	return a
}

// read returns the field's address, or nil when a nil embedded pointer is
// in the way (attributevalue then leaves the field out).
func (a *access) read(p unsafe.Pointer) unsafe.Pointer {
	for _, h := range a.hops {
		p = *(*unsafe.Pointer)(unsafe.Add(p, h.offset))
		if p == nil {
			return nil
		}
	}
	return unsafe.Add(p, a.offset)
}

// write returns the field's address, allocating nil embedded pointers on
// the way, as attributevalue does when decoding.
func (a *access) write(p unsafe.Pointer) unsafe.Pointer {
	for _, h := range a.hops {
		pp := (*unsafe.Pointer)(unsafe.Add(p, h.offset))
		if *pp == nil {
			*pp = reflect.New(h.elem).UnsafePointer()
		}
		p = *pp
	}
	return unsafe.Add(p, a.offset)
}
