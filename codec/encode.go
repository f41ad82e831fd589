package codec

import (
	"reflect"
	"strconv"
	"time"
	"unsafe"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// An encoder turns the value at p into an attribute value. ok false means
// the plan does not cover this value: the whole item goes to attributevalue.
// A nil value with ok true means "leave the attribute out".
type encoder func(p unsafe.Pointer) (av types.AttributeValue, ok bool)

type fieldEnc struct {
	name string
	at   access
	enc  encoder // when op is opGeneric
	op   scalarOp
	size uintptr // of an integer
	tag  Tag
}

// scalarOp names the encodings and decodings struct plans do inline, without
// a call through a function value.
type scalarOp uint8

const (
	opGeneric scalarOp = iota
	opString
	opBool
	opInt
	opUint
	opFloat32
	opFloat64
	opTime
)

// scalarOpOf returns the inline op for a field of type t, or opGeneric.
func scalarOpOf(t reflect.Type) scalarOp {
	if !plain(t) {
		return opGeneric
	}
	switch k := t.Kind(); {
	case t == timeType:
		return opTime
	case k == reflect.String:
		return opString
	case k == reflect.Bool:
		return opBool
	case isInt(k):
		return opInt
	case isUint(k):
		return opUint
	case k == reflect.Float32:
		return opFloat32
	case k == reflect.Float64:
		return opFloat64
	}
	return opGeneric
}

type structEnc struct {
	fields []fieldEnc
}

func newNull() types.AttributeValue { return &types.AttributeValueMemberNULL{Value: true} }

// compileStructEnc builds the plan of struct type t, or returns nil when a
// field is outside what plans cover.
func compileStructEnc(t reflect.Type) *structEnc {
	return compileStructEncSeen(t, map[reflect.Type]bool{}, nil)
}

// compileStructEncSeen builds the plan of struct type t, whose attributes
// named in sortable are time attributes stored with SortableTimeLayout.
func compileStructEncSeen(t reflect.Type, seen map[reflect.Type]bool, sortable map[string]bool) *structEnc {
	if seen[t] || !plain(t) {
		return nil // recursive types go to attributevalue
	}
	seen[t] = true
	defer delete(seen, t)
	s := &structEnc{}
	for _, f := range Fields(t) {
		if !fieldReachable(t, f.Index) {
			return nil
		}
		tag := f.Tag
		tag.sortable = sortable[f.Name] && f.Type == timeType
		enc := compileEnc(f.FieldType, tag, seen)
		if enc == nil {
			return nil
		}
		s.fields = append(s.fields, fieldEnc{name: f.Name, at: accessFor(t, f.Index), enc: enc,
			op: scalarOpOf(f.FieldType), size: f.FieldType.Size(), tag: tag})
	}
	return s
}

// fieldReachable reports whether attributevalue can read and set the field
// at index without reflection refusing: no unexported field on the way but
// embedded structs, and no unexported embedded pointer.
func fieldReachable(t reflect.Type, index []int) bool {
	cur := t
	for i, x := range index {
		sf := cur.Field(x)
		last := i == len(index)-1
		if !sf.IsExported() && (last || sf.Type.Kind() == reflect.Pointer) {
			return false
		}
		if last {
			return true
		}
		cur = sf.Type
		if cur.Kind() == reflect.Pointer {
			cur = cur.Elem()
		}
	}
	return true
}

func (s *structEnc) encode(p unsafe.Pointer, extra int) (map[string]types.AttributeValue, bool) {
	m := make(map[string]types.AttributeValue, len(s.fields)+max(extra, 0))
	for i := range s.fields {
		f := &s.fields[i]
		av, ok := f.value(p)
		if !ok {
			return nil, false
		}
		if av != nil {
			m[f.name] = av
		}
	}
	return m, true
}

// value encodes the field of the struct at p: nil for a field omitted (or
// behind a nil embedded pointer), ok false for a value outside the plan.
func (f *fieldEnc) value(p unsafe.Pointer) (av types.AttributeValue, ok bool) {
	var fp unsafe.Pointer
	if f.at.hops == nil {
		fp = unsafe.Add(p, f.at.offset)
	} else if fp = f.at.read(p); fp == nil {
		return nil, true
	}
	switch f.op {
	case opString:
		v := *(*string)(fp)
		if v == "" && (f.tag.OmitEmpty || f.tag.NullEmpty) {
			return zeroAV(f.tag), true
		}
		return &types.AttributeValueMemberS{Value: v}, true
	case opBool:
		v := *(*bool)(fp)
		if !v && (f.tag.OmitEmpty || f.tag.NullEmpty) {
			return zeroAV(f.tag), true
		}
		return &types.AttributeValueMemberBOOL{Value: v}, true
	case opInt:
		v := loadInt(fp, f.size)
		if v == 0 && (f.tag.OmitEmpty || f.tag.NullEmpty) {
			return zeroAV(f.tag), true
		}
		return number(strconv.FormatInt(v, 10), f.tag.AsString), true
	case opUint:
		v := loadUint(fp, f.size)
		if v == 0 && (f.tag.OmitEmpty || f.tag.NullEmpty) {
			return zeroAV(f.tag), true
		}
		return number(strconv.FormatUint(v, 10), f.tag.AsString), true
	case opFloat64:
		v := *(*float64)(fp)
		if v == 0 && (f.tag.OmitEmpty || f.tag.NullEmpty) {
			return zeroAV(f.tag), true
		}
		return number(strconv.FormatFloat(v, 'f', -1, 64), f.tag.AsString), true
	case opTime:
		return timeAV((*time.Time)(fp), f.tag)
	}
	return f.enc(fp)
}

// timeAV encodes a time under tag: epoch seconds for unixtime, else
// attributevalue's RFC3339Nano, or SortableTimeLayout for a sortable
// attribute. ok is false for a sortable time that has no sortable form:
// the item then goes to attributevalue, and fixSortable reports why.
func timeAV(t *time.Time, tag Tag) (av types.AttributeValue, ok bool) {
	switch {
	case tag.AsUnixTime:
		return &types.AttributeValueMemberN{Value: strconv.FormatInt(t.Unix(), 10)}, true
	case tag.sortable:
		s, err := FormatSortableTime(*t)
		if err != nil {
			return nil, false
		}
		return &types.AttributeValueMemberS{Value: s}, true
	}
	return &types.AttributeValueMemberS{Value: t.Format(time.RFC3339Nano)}, true
}

// zeroAV is what a zero scalar under an omitempty or nullempty tag becomes:
// nothing, or NULL.
func zeroAV(tag Tag) types.AttributeValue {
	if tag.OmitEmpty {
		return nil
	}
	return newNull()
}

// compileEnc builds the encoder of a value of type t stored under tag: the
// zero-value rules (omitempty, nullempty, NULL for nil) and then the value's
// own encoding. It returns nil when t is outside the plan.
func compileEnc(t reflect.Type, tag Tag, seen map[reflect.Type]bool) encoder {
	if !plain(t) {
		return nil
	}
	if tag.OmitEmpty && tag.NullEmpty {
		return nil // attributevalue reports an error for zero values
	}
	if t.Kind() == reflect.Pointer {
		elem := t.Elem()
		if elem.Kind() == reflect.Pointer || !plain(elem) {
			return nil
		}
		val := compileValue(elem, tag, seen)
		if val == nil {
			return nil
		}
		return func(p unsafe.Pointer) (types.AttributeValue, bool) {
			ep := *(*unsafe.Pointer)(p)
			if ep == nil {
				if tag.OmitEmpty {
					return nil, true
				}
				return newNull(), true
			}
			return val(ep)
		}
	}
	val := compileValue(t, tag, seen)
	if val == nil {
		return nil
	}
	zero := zeroTest(t)
	if zero == nil {
		return val // structs are never zero to attributevalue
	}
	nullable := t.Kind() == reflect.Slice || t.Kind() == reflect.Map
	return func(p unsafe.Pointer) (types.AttributeValue, bool) {
		if zero(p) {
			if tag.OmitEmpty {
				return nil, true
			}
			if nullable || tag.NullEmpty {
				return newNull(), true
			}
		}
		return val(p)
	}
}

// zeroTest returns attributevalue's idea of "zero" for values of t, or nil
// for types that are never zero.
func zeroTest(t reflect.Type) func(unsafe.Pointer) bool {
	switch k := t.Kind(); {
	case k == reflect.String:
		return func(p unsafe.Pointer) bool { return len(*(*string)(p)) == 0 }
	case k == reflect.Bool:
		return func(p unsafe.Pointer) bool { return !*(*bool)(p) }
	case isInt(k), isUint(k):
		size := t.Size()
		return func(p unsafe.Pointer) bool { return loadUint(p, size) == 0 }
	case k == reflect.Float32:
		return func(p unsafe.Pointer) bool { return *(*float32)(p) == 0 }
	case k == reflect.Float64:
		return func(p unsafe.Pointer) bool { return *(*float64)(p) == 0 }
	case k == reflect.Slice:
		return func(p unsafe.Pointer) bool { return (*sliceHeader)(p).data == nil }
	case k == reflect.Map:
		return func(p unsafe.Pointer) bool { return *(*unsafe.Pointer)(p) == nil }
	}
	return nil
}

type sliceHeader struct {
	data unsafe.Pointer
	len  int
	cap  int
}

func loadUint(p unsafe.Pointer, size uintptr) uint64 {
	switch size {
	case 1:
		return uint64(*(*uint8)(p))
	case 2:
		return uint64(*(*uint16)(p))
	case 4:
		return uint64(*(*uint32)(p))
	}
	return *(*uint64)(p)
}

func loadInt(p unsafe.Pointer, size uintptr) int64 {
	switch size {
	case 1:
		return int64(*(*int8)(p))
	case 2:
		return int64(*(*int16)(p))
	case 4:
		return int64(*(*int32)(p))
	}
	return *(*int64)(p)
}

// number builds the attribute value of a number's text: N, or S for a field
// tagged string.
func number(s string, asString bool) types.AttributeValue {
	if asString {
		return &types.AttributeValueMemberS{Value: s}
	}
	return &types.AttributeValueMemberN{Value: s}
}

// compileValue builds the encoder of a non-zero (or never-zero) value of a
// non-pointer type t.
func compileValue(t reflect.Type, tag Tag, seen map[reflect.Type]bool) encoder {
	k := t.Kind()
	switch {
	case k == reflect.String:
		return func(p unsafe.Pointer) (types.AttributeValue, bool) {
			return &types.AttributeValueMemberS{Value: *(*string)(p)}, true
		}
	case k == reflect.Bool:
		return func(p unsafe.Pointer) (types.AttributeValue, bool) {
			return &types.AttributeValueMemberBOOL{Value: *(*bool)(p)}, true
		}
	case isInt(k):
		size, asString := t.Size(), tag.AsString
		return func(p unsafe.Pointer) (types.AttributeValue, bool) {
			return number(strconv.FormatInt(loadInt(p, size), 10), asString), true
		}
	case isUint(k):
		size, asString := t.Size(), tag.AsString
		return func(p unsafe.Pointer) (types.AttributeValue, bool) {
			return number(strconv.FormatUint(loadUint(p, size), 10), asString), true
		}
	case k == reflect.Float32:
		asString := tag.AsString
		return func(p unsafe.Pointer) (types.AttributeValue, bool) {
			return number(strconv.FormatFloat(float64(*(*float32)(p)), 'f', -1, 32), asString), true
		}
	case k == reflect.Float64:
		asString := tag.AsString
		return func(p unsafe.Pointer) (types.AttributeValue, bool) {
			return number(strconv.FormatFloat(*(*float64)(p), 'f', -1, 64), asString), true
		}
	case t == timeType:
		return func(p unsafe.Pointer) (types.AttributeValue, bool) {
			return timeAV((*time.Time)(p), tag)
		}
	case k == reflect.Struct:
		if t.ConvertibleTo(timeType) {
			return nil // a named time type: attributevalue's rules for it are subtle
		}
		s := compileStructEncSeen(t, seen, nil)
		if s == nil {
			return nil
		}
		return func(p unsafe.Pointer) (types.AttributeValue, bool) {
			m, ok := s.encode(p, 0)
			if !ok {
				return nil, false
			}
			return &types.AttributeValueMemberM{Value: m}, true
		}
	case k == reflect.Slice:
		return compileSlice(t, tag, seen)
	case k == reflect.Map:
		return compileMap(t, tag, seen)
	}
	return nil
}

// elemTag is the tag attributevalue gives the elements of a list, set or
// map, derived from the container's tag.
func elemTag(tag Tag) Tag {
	return Tag{OmitEmpty: tag.OmitEmptyElem, OmitEmptyElem: tag.OmitEmptyElem, NullEmpty: tag.NullEmptyElem}
}

func compileSlice(t reflect.Type, tag Tag, seen map[reflect.Type]bool) encoder {
	elem := t.Elem()
	if elem.Kind() == reflect.Uint8 {
		if t != bytesType {
			return nil
		}
		return func(p unsafe.Pointer) (types.AttributeValue, bool) {
			return &types.AttributeValueMemberB{Value: append([]byte{}, *(*[]byte)(p)...)}, true
		}
	}
	if elem.Kind() == reflect.String && plain(elem) && !tag.AsBinarySet && !tag.AsNumberSet {
		return stringSliceEnc(tag)
	}
	et := elemTag(tag)
	enc := compileEnc(elem, et, seen)
	if enc == nil {
		return nil
	}
	size := elem.Size()
	each := func(p unsafe.Pointer, add func(types.AttributeValue) bool) bool {
		h := (*sliceHeader)(p)
		for i := range h.len {
			av, ok := enc(unsafe.Add(h.data, uintptr(i)*size))
			if !ok {
				return false
			}
			if av != nil && !add(av) {
				return false
			}
		}
		return true
	}
	switch {
	case tag.AsBinarySet || t == bytesSliceType:
		return func(p unsafe.Pointer) (types.AttributeValue, bool) {
			n := (*sliceHeader)(p).len
			if n == 0 {
				return newNull(), true
			}
			bs := &types.AttributeValueMemberBS{Value: make([][]byte, 0, n)}
			ok := each(p, func(av types.AttributeValue) bool {
				b, isB := av.(*types.AttributeValueMemberB)
				if !isB || b.Value == nil {
					return false
				}
				bs.Value = append(bs.Value, b.Value)
				return true
			})
			return bs, ok
		}
	case tag.AsNumberSet:
		return func(p unsafe.Pointer) (types.AttributeValue, bool) {
			n := (*sliceHeader)(p).len
			if n == 0 {
				return newNull(), true
			}
			ns := &types.AttributeValueMemberNS{Value: make([]string, 0, n)}
			ok := each(p, func(av types.AttributeValue) bool {
				v, isN := av.(*types.AttributeValueMemberN)
				if isN {
					ns.Value = append(ns.Value, v.Value)
				}
				return isN
			})
			return ns, ok
		}
	case tag.AsStringSet:
		return func(p unsafe.Pointer) (types.AttributeValue, bool) {
			n := (*sliceHeader)(p).len
			if n == 0 {
				return newNull(), true
			}
			ss := &types.AttributeValueMemberSS{Value: make([]string, 0, n)}
			ok := each(p, func(av types.AttributeValue) bool {
				v, isS := av.(*types.AttributeValueMemberS)
				if isS {
					ss.Value = append(ss.Value, v.Value)
				}
				return isS
			})
			return ss, ok
		}
	}
	return func(p unsafe.Pointer) (types.AttributeValue, bool) {
		l := &types.AttributeValueMemberL{Value: make([]types.AttributeValue, 0, (*sliceHeader)(p).len)}
		ok := each(p, func(av types.AttributeValue) bool {
			l.Value = append(l.Value, av)
			return true
		})
		return l, ok
	}
}

// stringElem encodes one string element of a list, set or map under the
// container's tag: nil to leave it out. ok is false for an empty string
// under both omitemptyelem and nullemptyelem, which attributevalue refuses.
func stringElem(s string, tag Tag) (av types.AttributeValue, ok bool) {
	if s == "" {
		switch {
		case tag.OmitEmptyElem && tag.NullEmptyElem:
			return nil, false
		case tag.OmitEmptyElem:
			return nil, true
		case tag.NullEmptyElem:
			return newNull(), true
		}
	}
	return &types.AttributeValueMemberS{Value: s}, true
}

// stringSliceEnc encodes a slice of a string kind as a list, or a string
// set, without reflection.
func stringSliceEnc(tag Tag) encoder {
	if tag.AsStringSet {
		return func(p unsafe.Pointer) (types.AttributeValue, bool) {
			src := *(*[]string)(p)
			if len(src) == 0 {
				return newNull(), true
			}
			ss := &types.AttributeValueMemberSS{Value: make([]string, 0, len(src))}
			for _, v := range src {
				av, ok := stringElem(v, tag)
				switch av := av.(type) {
				case *types.AttributeValueMemberS:
					ss.Value = append(ss.Value, av.Value)
				case nil:
					if !ok {
						return nil, false
					}
				default:
					return nil, false // a NULL in a set: attributevalue's error
				}
			}
			return ss, true
		}
	}
	return func(p unsafe.Pointer) (types.AttributeValue, bool) {
		src := *(*[]string)(p)
		l := &types.AttributeValueMemberL{Value: make([]types.AttributeValue, 0, len(src))}
		for _, v := range src {
			av, ok := stringElem(v, tag)
			if !ok {
				return nil, false
			}
			if av != nil {
				l.Value = append(l.Value, av)
			}
		}
		return l, true
	}
}

var stringType = reflect.TypeFor[string]()

func compileMap(t reflect.Type, tag Tag, seen map[reflect.Type]bool) encoder {
	kt := t.Key()
	if kt.Kind() != reflect.String || kt.NumMethod() != 0 || reflect.PointerTo(kt).NumMethod() != 0 {
		return nil
	}
	if kt == stringType && t.Elem() == stringType {
		return func(p unsafe.Pointer) (types.AttributeValue, bool) {
			src := *(*map[string]string)(p)
			m := make(map[string]types.AttributeValue, len(src))
			for k, v := range src {
				if k == "" {
					return nil, false // attributevalue: map key cannot be empty
				}
				av, ok := stringElem(v, tag)
				if !ok {
					return nil, false
				}
				if av != nil {
					m[k] = av
				}
			}
			return &types.AttributeValueMemberM{Value: m}, true
		}
	}
	vt := t.Elem()
	enc := compileEnc(vt, elemTag(tag), seen)
	if enc == nil {
		return nil
	}
	return func(p unsafe.Pointer) (types.AttributeValue, bool) {
		mv := reflect.NewAt(t, p).Elem()
		m := make(map[string]types.AttributeValue, mv.Len())
		it := mv.MapRange()
		ev := reflect.New(vt).Elem()
		ep := ev.Addr().UnsafePointer()
		for it.Next() {
			key := it.Key().String()
			if key == "" {
				return nil, false // attributevalue: map key cannot be empty
			}
			ev.SetIterValue(it)
			av, ok := enc(ep)
			if !ok {
				return nil, false
			}
			if av != nil {
				m[key] = av
			}
		}
		return &types.AttributeValueMemberM{Value: m}, true
	}
}
