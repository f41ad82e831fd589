package codec

import (
	"encoding/base64"
	"reflect"
	"unsafe"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodel/dynamodel/internal/wire"
)

// AppendJSON decodes the JSON array at the start of data, a list of items
// in DynamoDB's JSON as a Query or Scan response holds them ("Items"),
// straight into values of T appended to dst, without building attribute
// values for the attributes the plan reads inline. It returns the new
// slice and how many bytes of data the array took.
//
// ok is false, with dst as it was, for anything it does not take: a type
// without a compiled plan, JSON that is malformed or not in DynamoDB's
// form, or an attribute the plan does not cover. The caller then decodes
// the items as the SDK reads them, with Decode, which gives the answer
// (the values, or the error). When ok is true the values are those Decode
// gives for the SDK's items. They share no memory with data.
func (c *Codec[T]) AppendJSON(dst []T, data []byte) (out []T, n int, ok bool) {
	if c.dec == nil || c.selfDecode {
		return dst, 0, false
	}
	d := &wireDecoder{s: wire.New(data)}
	n0 := len(dst)
	fail := func() ([]T, int, bool) {
		clear(dst[n0:])
		return dst[:n0], 0, false
	}
	if !d.s.Byte('[') {
		return fail()
	}
	if d.s.Byte(']') {
		return dst, d.s.Pos(), true
	}
	var zero T
	for {
		dst = append(dst, zero)
		if !d.item(c.dec, unsafe.Pointer(&dst[len(dst)-1])) {
			return fail()
		}
		if d.s.Byte(',') {
			continue
		}
		if !d.s.Byte(']') {
			return fail()
		}
		return dst, d.s.Pos(), true
	}
}

// DecodeJSON decodes one item in DynamoDB's JSON (an object of attribute
// values, as GetItem's "Item" or a stream record's "NewImage" holds it)
// straight into a T, as AppendJSON does. ok is false for anything it does
// not take; Decode of the item as the SDK reads it then gives the answer.
func (c *Codec[T]) DecodeJSON(item []byte) (out T, ok bool) {
	if c.dec == nil || c.selfDecode {
		return out, false
	}
	d := wireDecoder{s: wire.New(item)}
	if !d.item(c.dec, unsafe.Pointer(&out)) || !d.s.End() {
		var zero T
		return zero, false
	}
	return out, true
}

// wireDecoder writes items in DynamoDB's JSON into values through their
// struct plans. Strings, numbers and booleans of the types storeScalar
// takes, and lists and sets of strings, are stored inline; any other
// attribute is read into the attribute value the SDK would make of it and
// handed to the field's own decoder, so the plan's meaning is kept whole.
// Every method reports false for input it does not take.
type wireDecoder struct {
	s       wire.Scanner
	scratch []byte
	// unknown holds a few short names of attributes no field has, met
	// before (a shared table's key attributes, in every item: unknown.go;
	// a decoder reads the items of one struct plan).
	unknown     [4]shortName
	nextUnknown uint8
	// short holds recent short strings, so that values repeated across a
	// page's items (a status, a tag) share one allocation.
	short [64]string
	// order holds, for each of an item's first attributes, what the item
	// before had there (order.go): 1 + its index in the plan's names
	// (structDec.quoted, or watching.quoted), -1 - its index in unknown,
	// or 0.
	order [24]int16
}

// text returns b as a new string, or as an equal short string made before.
func (d *wireDecoder) text(b []byte) string {
	if len(b) == 0 || len(b) > 24 {
		return string(b)
	}
	h := (uint(len(b))*31 + uint(b[0])*7 + uint(b[len(b)-1])*3 + uint(b[len(b)/2])) % uint(len(d.short))
	if d.short[h] == string(b) {
		return d.short[h]
	}
	s := string(b)
	d.short[h] = s
	return s
}

// maxWireDepth is how deep values may nest (DynamoDB allows 32 levels).
const maxWireDepth = 40

// item decodes an item into the zero struct at p.
func (d *wireDecoder) item(sd *structDec, p unsafe.Pointer) bool {
	if len(sd.fields) > 128 || !d.s.Byte('{') {
		return false
	}
	if d.s.Byte('}') {
		return true
	}
	var seen [2]uint64
	for k := 0; ; k++ {
		if !d.attr(sd, p, k, &seen) {
			return false
		}
		if d.s.Byte(',') {
			continue
		}
		return d.s.Byte('}')
	}
}

// attr decodes the value of the item's k-th attribute into its field of
// the struct at p, or reads it past when no field has it. seen holds the
// fields decoded so far.
func (d *wireDecoder) attr(sd *structDec, p unsafe.Pointer, k int, seen *[2]uint64) bool {
	i, ok := d.predicted(sd.quoted, k)
	if !ok {
		if d.predictedUnknown(k) {
			_, ok := d.value(false, 0)
			return ok
		}
		name, ok := d.s.Key(&d.scratch)
		if !ok {
			return false
		}
		if i, ok = sd.byName[string(name)]; !ok {
			return d.unknownAttr(sd, name, k)
		}
		d.remember(sd.quoted, k, i)
	}
	return once(seen, i) && d.field(&sd.fields[i], p)
}

// once marks field i decoded in seen, and reports false when it was: the
// same attribute twice.
func once(seen *[2]uint64, i int) bool {
	bit := uint64(1) << (i % 64)
	if seen[i/64]&bit != 0 {
		return false
	}
	seen[i/64] |= bit
	return true
}

// field decodes one attribute value into its field of the struct at p.
func (d *wireDecoder) field(f *fieldDec, p unsafe.Pointer) bool {
	start := d.s
	tag, ok := d.s.Tag(&d.scratch)
	if !ok {
		return false
	}
	fp := unsafe.Add(p, f.at.offset)
	if f.at.hops != nil {
		fp = f.at.write(p)
	}
	inline := true
	switch {
	case string(tag) == "S" && f.op == opString:
		text, ok := d.s.String(&d.scratch)
		if !ok {
			return false
		}
		*(*string)(fp) = d.text(text)
	case string(tag) == "S" && f.op == opTime && !f.tag.AsString:
		text, ok := d.s.String(&d.scratch)
		if !ok || !storeTime(string(text), fp) {
			return false
		}
	case string(tag) == "N" && (f.op == opInt || f.op == opUint || f.op == opFloat64):
		text, ok := d.s.String(&d.scratch)
		if !ok || !f.storeNumber(string(text), fp) {
			return false
		}
	case string(tag) == "BOOL" && f.op == opBool:
		v, ok := d.s.Bool()
		if !ok {
			return false
		}
		*(*bool)(fp) = v
	case (string(tag) == "L" || string(tag) == "SS") && f.strings:
		ss, ok := d.stringList(string(tag) == "L")
		if !ok {
			return false
		}
		*(*[]string)(fp) = ss
	default:
		inline = false
	}
	if inline {
		return d.s.Byte('}')
	}
	d.s = start
	av, ok := d.value(true, 0)
	return ok && f.decodeField(av, p)
}

// stringList reads a list of S (and NULL, read as "", as stringSliceDec
// reads it) or, when list is false, a string set, into a new slice.
func (d *wireDecoder) stringList(list bool) ([]string, bool) {
	if !d.s.Byte('[') {
		return nil, false
	}
	out := make([]string, 0, 4)
	if d.s.Byte(']') {
		return out, true
	}
	for {
		if list {
			tag, ok := d.s.Tag(&d.scratch)
			if !ok {
				return nil, false
			}
			switch string(tag) {
			case "S":
				text, ok := d.s.String(&d.scratch)
				if !ok {
					return nil, false
				}
				out = append(out, d.text(text))
			case "NULL":
				if _, ok := d.s.Bool(); !ok {
					return nil, false
				}
				out = append(out, "")
			default:
				return nil, false
			}
			if !d.s.Byte('}') {
				return nil, false
			}
		} else {
			text, ok := d.s.String(&d.scratch)
			if !ok {
				return nil, false
			}
			out = append(out, d.text(text))
		}
		if d.s.Byte(',') {
			continue
		}
		return out, d.s.Byte(']')
	}
}

// value reads an attribute value in DynamoDB's JSON, an object with one
// member named for its type, and, when build is set, returns the attribute
// value the SDK makes of it.
func (d *wireDecoder) value(build bool, depth int) (types.AttributeValue, bool) {
	if depth > maxWireDepth {
		return nil, false
	}
	tag, ok := d.s.Tag(&d.scratch)
	if !ok {
		return nil, false
	}
	var av types.AttributeValue
	switch string(tag) {
	case "S", "N":
		isS := string(tag) == "S"
		text, ok := d.s.String(&d.scratch)
		if !ok {
			return nil, false
		}
		if build && isS {
			av = &types.AttributeValueMemberS{Value: string(text)}
		} else if build {
			av = &types.AttributeValueMemberN{Value: string(text)}
		}
	case "B":
		b, ok := d.binary()
		if !ok {
			return nil, false
		}
		av = &types.AttributeValueMemberB{Value: b}
	case "BOOL", "NULL":
		isBool := string(tag) == "BOOL"
		v, ok := d.s.Bool()
		if !ok {
			return nil, false
		}
		if build && isBool {
			av = &types.AttributeValueMemberBOOL{Value: v}
		} else if build {
			av = &types.AttributeValueMemberNULL{Value: v}
		}
	case "SS", "NS":
		isSS := string(tag) == "SS"
		ss, ok := d.stringList(false)
		if !ok {
			return nil, false
		}
		if build && isSS {
			av = &types.AttributeValueMemberSS{Value: ss}
		} else if build {
			av = &types.AttributeValueMemberNS{Value: ss}
		}
	case "BS":
		bs, ok := d.binarySet()
		if !ok {
			return nil, false
		}
		av = &types.AttributeValueMemberBS{Value: bs}
	case "L":
		l, ok := d.list(build, depth)
		if !ok {
			return nil, false
		}
		if build {
			av = &types.AttributeValueMemberL{Value: l}
		}
	case "M":
		m, ok := d.members(build, depth)
		if !ok {
			return nil, false
		}
		if build {
			av = &types.AttributeValueMemberM{Value: m}
		}
	default:
		return nil, false
	}
	return av, d.s.Byte('}')
}

func (d *wireDecoder) list(build bool, depth int) ([]types.AttributeValue, bool) {
	if !d.s.Byte('[') {
		return nil, false
	}
	var out []types.AttributeValue
	if build {
		out = []types.AttributeValue{}
	}
	if d.s.Byte(']') {
		return out, true
	}
	for {
		av, ok := d.value(build, depth+1)
		if !ok {
			return nil, false
		}
		if build {
			out = append(out, av)
		}
		if d.s.Byte(',') {
			continue
		}
		return out, d.s.Byte(']')
	}
}

func (d *wireDecoder) members(build bool, depth int) (map[string]types.AttributeValue, bool) {
	if !d.s.Byte('{') {
		return nil, false
	}
	var out map[string]types.AttributeValue
	if build {
		out = map[string]types.AttributeValue{}
	}
	if d.s.Byte('}') {
		return out, true
	}
	for n := 1; ; n++ {
		k, ok := d.s.Key(&d.scratch)
		if !ok {
			return nil, false
		}
		var key string
		if build {
			key = string(k)
		}
		av, ok := d.value(build, depth+1)
		if !ok {
			return nil, false
		}
		if build {
			if out[key] = av; len(out) != n {
				return nil, false // a key twice
			}
		}
		if d.s.Byte(',') {
			continue
		}
		return out, d.s.Byte('}')
	}
}

// binary reads a base64 string as the SDK does (standard encoding).
func (d *wireDecoder) binary() ([]byte, bool) {
	text, ok := d.s.String(&d.scratch)
	if !ok {
		return nil, false
	}
	b := make([]byte, base64.StdEncoding.DecodedLen(len(text)))
	n, err := base64.StdEncoding.Decode(b, text)
	return b[:n], err == nil
}

func (d *wireDecoder) binarySet() ([][]byte, bool) {
	if !d.s.Byte('[') {
		return nil, false
	}
	out := [][]byte{}
	if d.s.Byte(']') {
		return out, true
	}
	for {
		b, ok := d.binary()
		if !ok {
			return nil, false
		}
		out = append(out, b)
		if d.s.Byte(',') {
			continue
		}
		return out, d.s.Byte(']')
	}
}

// stringSliceField reports whether the field is a slice of a plain string
// kind, which stringSliceDec decodes and the wire decoder fills inline.
func stringSliceField(t reflect.Type) bool {
	return t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.String && plain(t) && plain(t.Elem())
}
