package codec

import (
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// A decoder stores an attribute value into the value at p. false means the
// plan does not cover this attribute value: the whole item goes to
// attributevalue, which decodes it or says why it cannot.
type decoder func(av types.AttributeValue, p unsafe.Pointer) bool

type fieldDec struct {
	name string
	at   access
	dec  decoder // when op is opGeneric, or the inline op cannot take the value
	op   scalarOp
	size uintptr
	tag  Tag
	// strings is set for a slice of a string kind (stringSliceDec), which
	// the wire decoder fills inline.
	strings bool
}

type structDec struct {
	fields []fieldDec
	byName map[string]int
	// quoted holds each field's name as an object member's name and colon
	// in JSON written plainly ("name":), or "" when the name has a byte
	// JSON may escape: the wire decoder compares it with the text.
	quoted []string
	// scalars is set when every field is a direct scalar (no embedded
	// pointers, no containers): decodeScalars then handles the struct
	// without calls through function values, so the value decoded into can
	// stay on the stack.
	scalars bool
}

func compileStructDec(t reflect.Type) *structDec {
	return compileStructDecSeen(t, map[reflect.Type]bool{})
}

func compileStructDecSeen(t reflect.Type, seen map[reflect.Type]bool) *structDec {
	if seen[t] || !plain(t) {
		return nil
	}
	seen[t] = true
	defer delete(seen, t)
	s := &structDec{byName: map[string]int{}, scalars: true}
	for _, f := range Fields(t) {
		if !fieldReachable(t, f.Index) {
			return nil
		}
		dec := compileDec(f.FieldType, f.Tag, seen)
		if dec == nil {
			return nil
		}
		s.byName[f.Name] = len(s.fields)
		s.quoted = append(s.quoted, quotedName(f.Name))
		fd := fieldDec{name: f.Name, at: accessFor(t, f.Index), dec: dec,
			op: scalarOpOf(f.FieldType), size: f.FieldType.Size(), tag: f.Tag,
			strings: stringSliceField(f.FieldType)}
		if fd.op == opGeneric || fd.at.hops != nil || f.Tag.AsString {
			s.scalars = false
		}
		s.fields = append(s.fields, fd)
	}
	return s
}

// lookup finds the field an attribute name belongs to: the exact name, else
// the first field whose name matches ignoring case, as attributevalue does.
func (s *structDec) lookup(name string) *fieldDec {
	if i, ok := s.byName[name]; ok {
		return &s.fields[i]
	}
	return s.fold(name)
}

// fold returns the field whose name matches name ignoring case, or nil.
func (s *structDec) fold(name string) *fieldDec {
	for i := range s.fields {
		if strings.EqualFold(s.fields[i].name, name) {
			return &s.fields[i]
		}
	}
	return nil
}

// decode stores the item's attributes into the struct at p. It looks each
// field's name up in the item, then, only when the item has attributes
// left over, matches those case-insensitively, as attributevalue does. (Two
// attributes for one field, differing in case, reach it in an order
// attributevalue leaves to map iteration; here the exact name goes first.)
func (s *structDec) decode(item map[string]types.AttributeValue, p unsafe.Pointer) bool {
	matched := 0
	for i := range s.fields {
		f := &s.fields[i]
		av, ok := item[f.name]
		if !ok {
			continue
		}
		matched++
		if !f.decodeField(av, p) {
			return false
		}
	}
	if matched == len(item) {
		return true
	}
	for name, av := range item {
		if _, exact := s.byName[name]; exact {
			continue
		}
		if f := s.lookup(name); f != nil && !f.decodeField(av, p) {
			return false
		}
	}
	return true
}

// decodeScalars is decode for structs of scalars only. It calls through no
// function value, so the value it decodes into can stay on the caller's
// stack. It reports false for anything storeScalar does not take (a NULL
// included), leaving the item to the general path.
func (s *structDec) decodeScalars(item map[string]types.AttributeValue, p unsafe.Pointer) bool {
	matched := 0
	for i := range s.fields {
		f := &s.fields[i]
		av, ok := item[f.name]
		if !ok {
			continue
		}
		matched++
		if handled, ok := f.storeScalar(av, unsafe.Add(p, f.at.offset)); !handled || !ok {
			return false
		}
	}
	return matched == len(item)
}

// decodeField stores one attribute into its field of the struct at p:
// inline for the common scalar cases, else with the field's decoder.
func (f *fieldDec) decodeField(av types.AttributeValue, p unsafe.Pointer) bool {
	var fp unsafe.Pointer
	if f.at.hops == nil {
		fp = unsafe.Add(p, f.at.offset)
	} else {
		fp = f.at.write(p)
	}
	if handled, ok := f.storeScalar(av, fp); handled {
		return ok
	}
	return f.dec(av, fp)
}

// storeScalar stores av into the scalar field at fp when av is of the type
// the field takes directly (S for strings and times, N for numbers, BOOL for
// bools). handled is false for anything else, which the field's decoder
// judges; ok is false for a value attributevalue would refuse (a malformed
// or overflowing number, an unparsable time).
func (f *fieldDec) storeScalar(av types.AttributeValue, fp unsafe.Pointer) (handled, ok bool) {
	switch f.op {
	case opString:
		if v, isS := av.(*types.AttributeValueMemberS); isS {
			*(*string)(fp) = v.Value
			return true, true
		}
	case opBool:
		if v, isBool := av.(*types.AttributeValueMemberBOOL); isBool {
			*(*bool)(fp) = v.Value
			return true, true
		}
	case opInt, opUint, opFloat64:
		if v, isN := av.(*types.AttributeValueMemberN); isN {
			return true, f.storeNumber(v.Value, fp)
		}
	case opTime:
		if v, isS := av.(*types.AttributeValueMemberS); isS && !f.tag.AsString {
			return true, storeTime(v.Value, fp)
		}
	}
	return false, false
}

// storeNumber stores the text of an N into the number field at fp (op
// opInt, opUint or opFloat64). It reports false for text attributevalue
// would refuse for the field: malformed, or out of its range.
func (f *fieldDec) storeNumber(text string, fp unsafe.Pointer) bool {
	bits := f.size * 8
	switch f.op {
	case opInt:
		n, err := strconv.ParseInt(text, 10, 64)
		if err != nil || n < -1<<(bits-1) || n > 1<<(bits-1)-1 {
			return false
		}
		storeInt(fp, f.size, n)
	case opUint:
		n, err := strconv.ParseUint(text, 10, 64)
		if err != nil || (bits < 64 && n > 1<<bits-1) {
			return false
		}
		storeInt(fp, f.size, int64(n))
	case opFloat64:
		x, err := strconv.ParseFloat(text, 64)
		if err != nil {
			return false
		}
		*(*float64)(fp) = x
	default:
		return false
	}
	return true
}

// storeTime stores the text of an S into the time field at fp, reporting
// false when it is not an RFC 3339 time.
func storeTime(text string, fp unsafe.Pointer) bool {
	t, err := time.Parse(time.RFC3339, text)
	if err != nil {
		return false
	}
	*(*time.Time)(fp) = t
	return true
}

func isNull(av types.AttributeValue) bool {
	if av == nil {
		return true
	}
	_, null := av.(*types.AttributeValueMemberNULL)
	return null
}

// compileDec builds the decoder of a value of type t stored under tag: NULL
// makes it zero; a pointer is allocated when needed; then the value's own
// decoding. It returns nil when t is outside the plan.
func compileDec(t reflect.Type, tag Tag, seen map[reflect.Type]bool) decoder {
	if !plain(t) {
		return nil
	}
	if t.Kind() == reflect.Pointer {
		elem := t.Elem()
		if elem.Kind() == reflect.Pointer || !plain(elem) {
			return nil
		}
		val := compileValueDec(elem, tag, seen)
		if val == nil {
			return nil
		}
		return func(av types.AttributeValue, p unsafe.Pointer) bool {
			pp := (*unsafe.Pointer)(p)
			if isNull(av) {
				*pp = nil
				return true
			}
			if *pp == nil {
				*pp = reflect.New(elem).UnsafePointer()
			}
			return val(av, *pp)
		}
	}
	val := compileValueDec(t, tag, seen)
	if val == nil {
		return nil
	}
	return func(av types.AttributeValue, p unsafe.Pointer) bool {
		if isNull(av) {
			reflect.NewAt(t, p).Elem().SetZero()
			return true
		}
		return val(av, p)
	}
}

// numberText returns the text of a number attribute: an N, or an S for a
// field tagged string.
func numberText(av types.AttributeValue, asString bool) (string, bool) {
	switch v := av.(type) {
	case *types.AttributeValueMemberN:
		return v.Value, true
	case *types.AttributeValueMemberS:
		return v.Value, asString
	}
	return "", false
}

// compileValueDec builds the decoder of a non-NULL attribute value into a
// non-pointer type t.
func compileValueDec(t reflect.Type, tag Tag, seen map[reflect.Type]bool) decoder {
	k := t.Kind()
	switch {
	case k == reflect.String:
		return func(av types.AttributeValue, p unsafe.Pointer) bool {
			s, ok := av.(*types.AttributeValueMemberS)
			if ok {
				*(*string)(p) = s.Value
			}
			return ok
		}
	case k == reflect.Bool:
		return func(av types.AttributeValue, p unsafe.Pointer) bool {
			b, ok := av.(*types.AttributeValueMemberBOOL)
			if ok {
				*(*bool)(p) = b.Value
			}
			return ok
		}
	case isInt(k):
		size, asString := t.Size(), tag.AsString
		bits := int(size * 8)
		return func(av types.AttributeValue, p unsafe.Pointer) bool {
			s, ok := numberText(av, asString)
			if !ok {
				return false
			}
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil || n < -1<<(bits-1) || n > 1<<(bits-1)-1 {
				return false
			}
			storeInt(p, size, n)
			return true
		}
	case isUint(k):
		size, asString := t.Size(), tag.AsString
		bits := int(size * 8)
		return func(av types.AttributeValue, p unsafe.Pointer) bool {
			s, ok := numberText(av, asString)
			if !ok {
				return false
			}
			n, err := strconv.ParseUint(s, 10, 64)
			if err != nil || (bits < 64 && n > 1<<bits-1) {
				return false
			}
			storeInt(p, size, int64(n))
			return true
		}
	case k == reflect.Float32:
		asString := tag.AsString
		return func(av types.AttributeValue, p unsafe.Pointer) bool {
			s, ok := numberText(av, asString)
			if !ok {
				return false
			}
			f, err := strconv.ParseFloat(s, 64)
			if err != nil || (!math.IsInf(f, 0) && math.Abs(f) > math.MaxFloat32) {
				return false
			}
			*(*float32)(p) = float32(f)
			return true
		}
	case k == reflect.Float64:
		asString := tag.AsString
		return func(av types.AttributeValue, p unsafe.Pointer) bool {
			s, ok := numberText(av, asString)
			if !ok {
				return false
			}
			f, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return false
			}
			*(*float64)(p) = f
			return true
		}
	case t == timeType:
		if tag.AsString {
			return nil
		}
		return func(av types.AttributeValue, p unsafe.Pointer) bool {
			switch v := av.(type) {
			case *types.AttributeValueMemberS:
				tm, err := time.Parse(time.RFC3339, v.Value)
				if err != nil {
					return false
				}
				*(*time.Time)(p) = tm
				return true
			case *types.AttributeValueMemberN:
				secs, err := strconv.ParseInt(v.Value, 10, 64)
				if err != nil {
					return false
				}
				*(*time.Time)(p) = time.Unix(secs, 0)
				return true
			}
			return false
		}
	case k == reflect.Struct:
		if t.ConvertibleTo(timeType) {
			return nil
		}
		s := compileStructDecSeen(t, seen)
		if s == nil {
			return nil
		}
		return func(av types.AttributeValue, p unsafe.Pointer) bool {
			m, ok := av.(*types.AttributeValueMemberM)
			return ok && s.decode(m.Value, p)
		}
	case k == reflect.Slice:
		return compileSliceDec(t, seen)
	case k == reflect.Map:
		return compileMapDec(t, seen)
	}
	return nil
}

func storeInt(p unsafe.Pointer, size uintptr, n int64) {
	switch size {
	case 1:
		*(*int8)(p) = int8(n)
	case 2:
		*(*int16)(p) = int16(n)
	case 4:
		*(*int32)(p) = int32(n)
	default:
		*(*int64)(p) = n
	}
}

// growSlice makes the slice at p ready for n elements as attributevalue
// does: a new slice when it is nil or too small, else the old one reused
// (and left as it is for no elements).
func growSlice(t reflect.Type, p unsafe.Pointer, n int) reflect.Value {
	v := reflect.NewAt(t, p).Elem()
	if v.IsNil() || v.Cap() < n {
		v.Set(reflect.MakeSlice(t, n, n))
	} else if n > 0 {
		v.SetLen(n)
	}
	return v
}

func compileSliceDec(t reflect.Type, seen map[reflect.Type]bool) decoder {
	elem := t.Elem()
	if elem.Kind() == reflect.Uint8 {
		if t != bytesType {
			return nil
		}
		return func(av types.AttributeValue, p unsafe.Pointer) bool {
			b, ok := av.(*types.AttributeValueMemberB)
			if !ok {
				return false
			}
			dst := (*[]byte)(p)
			if *dst == nil || cap(*dst) < len(b.Value) {
				*dst = make([]byte, len(b.Value))
			} else {
				*dst = (*dst)[:len(b.Value)]
			}
			copy(*dst, b.Value)
			return true
		}
	}
	if elem.Kind() == reflect.String && plain(elem) {
		return stringSliceDec(t)
	}
	elemDec := compileDec(elem, Tag{}, seen)
	if elemDec == nil {
		return nil
	}
	size := elem.Size()
	// Sets decode element by element, with the element's own decoding of S,
	// N or B; only element types whose decoding takes that type directly.
	var setOK func(av types.AttributeValue) bool
	switch ek := elem.Kind(); {
	case ek == reflect.String && plain(elem):
		setOK = func(av types.AttributeValue) bool { _, ok := av.(*types.AttributeValueMemberSS); return ok }
	case (isInt(ek) || isUint(ek) || isFloat(ek)) && plain(elem):
		setOK = func(av types.AttributeValue) bool { _, ok := av.(*types.AttributeValueMemberNS); return ok }
	case elem == bytesType:
		setOK = func(av types.AttributeValue) bool { _, ok := av.(*types.AttributeValueMemberBS); return ok }
	default:
		setOK = func(types.AttributeValue) bool { return false }
	}
	return func(av types.AttributeValue, p unsafe.Pointer) bool {
		var n int
		var at func(i int) types.AttributeValue
		switch v := av.(type) {
		case *types.AttributeValueMemberL:
			n, at = len(v.Value), func(i int) types.AttributeValue { return v.Value[i] }
		case *types.AttributeValueMemberSS:
			if !setOK(av) {
				return false
			}
			n, at = len(v.Value), func(i int) types.AttributeValue { return &types.AttributeValueMemberS{Value: v.Value[i]} }
		case *types.AttributeValueMemberNS:
			if !setOK(av) {
				return false
			}
			n, at = len(v.Value), func(i int) types.AttributeValue { return &types.AttributeValueMemberN{Value: v.Value[i]} }
		case *types.AttributeValueMemberBS:
			if !setOK(av) {
				return false
			}
			n, at = len(v.Value), func(i int) types.AttributeValue { return &types.AttributeValueMemberB{Value: v.Value[i]} }
		default:
			return false
		}
		s := growSlice(t, p, n)
		base := s.UnsafePointer()
		for i := range n {
			if !elemDec(at(i), unsafe.Add(base, uintptr(i)*size)) {
				return false
			}
		}
		return true
	}
}

// stringSliceDec decodes a list of strings, or a string set, into a slice
// of a string kind, without reflection (the layouts are the same).
func stringSliceDec(t reflect.Type) decoder {
	return func(av types.AttributeValue, p unsafe.Pointer) bool {
		var n int
		var l []types.AttributeValue
		var ss []string
		switch v := av.(type) {
		case *types.AttributeValueMemberL:
			l, n = v.Value, len(v.Value)
		case *types.AttributeValueMemberSS:
			ss, n = v.Value, len(v.Value)
		default:
			return false
		}
		dst := (*[]string)(p)
		switch {
		case *dst == nil || cap(*dst) < n:
			*dst = make([]string, n)
		case n > 0:
			*dst = (*dst)[:n]
		}
		if ss != nil {
			copy(*dst, ss)
			return true
		}
		for i, e := range l {
			switch ev := e.(type) {
			case *types.AttributeValueMemberS:
				(*dst)[i] = ev.Value
			case *types.AttributeValueMemberNULL:
				(*dst)[i] = ""
			default:
				if e != nil {
					return false
				}
				(*dst)[i] = ""
			}
		}
		return true
	}
}

func compileMapDec(t reflect.Type, seen map[reflect.Type]bool) decoder {
	kt, vt := t.Key(), t.Elem()
	if kt.Kind() != reflect.String || kt.NumMethod() != 0 || reflect.PointerTo(kt).NumMethod() != 0 {
		return nil
	}
	if kt == stringType && vt == stringType {
		return func(av types.AttributeValue, p unsafe.Pointer) bool {
			m, ok := av.(*types.AttributeValueMemberM)
			if !ok {
				return false
			}
			dst := (*map[string]string)(p)
			if *dst == nil {
				*dst = make(map[string]string, len(m.Value))
			}
			for k, e := range m.Value {
				switch ev := e.(type) {
				case *types.AttributeValueMemberS:
					(*dst)[k] = ev.Value
				case *types.AttributeValueMemberNULL:
					(*dst)[k] = ""
				default:
					if e != nil {
						return false
					}
					(*dst)[k] = ""
				}
			}
			return true
		}
	}
	elemDec := compileDec(vt, Tag{}, seen)
	if elemDec == nil {
		return nil
	}
	return func(av types.AttributeValue, p unsafe.Pointer) bool {
		m, ok := av.(*types.AttributeValueMemberM)
		if !ok {
			return false
		}
		mv := reflect.NewAt(t, p).Elem()
		if mv.IsNil() {
			mv.Set(reflect.MakeMapWithSize(t, len(m.Value)))
		}
		key := reflect.New(kt).Elem()
		elem := reflect.New(vt).Elem()
		ep := elem.Addr().UnsafePointer()
		for k, e := range m.Value {
			elem.SetZero()
			if !elemDec(e, ep) {
				return false
			}
			key.SetString(k)
			mv.SetMapIndex(key, elem)
		}
		return true
	}
}
