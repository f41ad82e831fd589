package codec

import (
	"unicode/utf8"
	"unsafe"
)

// Largest sizes, as DynamoDB counts them, of what a scalar field encodes
// to: a number of up to 20 digits is 11 bytes (one per two significant
// digits, plus one); a time in RFC3339Nano is at most 58 characters (a
// signed year of up to 12 digits, nanoseconds, and a zone offset of up to
// 16 digits of hours, which time.FixedZone allows).
const (
	maxIntSize  = 11
	maxTimeSize = 64
)

// SizeBound returns at least the size DynamoDB counts for the item Encode(v)
// returns: each attribute's name plus its value (a string by length, a
// number by digits, a boolean or NULL as 1). ok reports whether Encode(v)
// is sure to succeed with every string valid UTF-8 (DynamoDB takes no
// other), which SizeBound knows only for a struct whose attributes are all
// strings, booleans, integers and times (none sortable, no Marshaler of
// its own, T no Marshaler either); for other types it returns 0, false,
// for every value. It allocates nothing.
func (c *Codec[T]) SizeBound(v *T) (size int, ok bool) {
	if c.enc == nil || c.self || c.sortable != nil || v == nil {
		return 0, false
	}
	p := unsafe.Pointer(v)
	for i := range c.enc.fields {
		f := &c.enc.fields[i]
		n, ok := f.sizeBound(p)
		if !ok {
			return 0, false
		}
		if n > 0 {
			size += len(f.name) + n
		}
	}
	return size, true
}

// sizeBound is the most the field's value can count (0 when it is left
// out), and false for a field whose encoding could fail or go to
// attributevalue.
func (f *fieldEnc) sizeBound(p unsafe.Pointer) (int, bool) {
	switch f.op {
	case opString, opBool, opInt, opUint:
	case opTime:
		if f.tag.sortable {
			return 0, false
		}
	default:
		return 0, false
	}
	fp := p
	if f.at.hops == nil {
		fp = unsafe.Add(p, f.at.offset)
	} else if fp = f.at.read(p); fp == nil {
		return 0, true // behind a nil embedded pointer: left out
	}
	omit := f.tag.OmitEmpty
	switch f.op {
	case opString:
		s := *(*string)(fp)
		if s == "" && omit {
			return 0, true
		}
		return max(len(s), 1), utf8.ValidString(s) // "" is NULL under nullempty
	case opBool:
		if !*(*bool)(fp) && omit {
			return 0, true
		}
		return 1, true
	case opInt, opUint:
		if loadUint(fp, f.size) == 0 && omit {
			return 0, true
		}
		if f.tag.AsString {
			return 20, true // the digits and a sign, as a string
		}
		return maxIntSize, true
	}
	return maxTimeSize, true
}
