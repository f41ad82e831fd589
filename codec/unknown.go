package codec

import "unsafe"

// Attributes no field has (a shared table's key attributes, attributes a
// struct of a few fields leaves out) are read past. The wire decoder keeps
// a few of their names, met before: such a name is then passed over
// without being matched to the fields ignoring case, and where the item
// before had it, it is compared as written instead of being read
// (order.go).

// unknownAttr reads past the value of the item's k-th attribute, named
// name, which no field has exactly.
func (d *wireDecoder) unknownAttr(sd *structDec, name []byte, k int) bool {
	// An attribute matching a field only ignoring case is decoded in an
	// order of its own by decode: leave it to that.
	slot, ok := d.knownUnknown(name)
	if !ok {
		if sd.fold(string(name)) != nil {
			return false
		}
		slot, ok = d.rememberUnknown(name)
	}
	if ok {
		d.note(k, -1-slot)
	} else {
		d.note(k, 0)
	}
	_, ok = d.value(false, 0)
	return ok
}

// predictedUnknown reads the name of an item's k-th attribute and its
// colon when they are, as written, those of the attribute no field has
// that the item before had there.
func (d *wireDecoder) predictedUnknown(k int) bool {
	if k >= len(d.order) || d.order[k] >= 0 {
		return false
	}
	return d.s.Literal(d.unknown[-1-d.order[k]].quoted())
}

// A shortName is the name of an attribute no field has, of at most 21
// bytes of which none is one JSON may escape, as JSON writes it with its
// colon ("name":).
type shortName struct {
	n uint8
	b [24]byte
}

// is reports whether u is name.
func (u *shortName) is(name []byte) bool {
	return int(u.n) == len(name)+3 && string(u.b[1:u.n-2]) == string(name)
}

// quoted returns the name as JSON writes it with its colon.
func (u *shortName) quoted() string { return unsafe.String(&u.b[0], int(u.n)) }

// knownUnknown returns which of d.unknown name is.
func (d *wireDecoder) knownUnknown(name []byte) (int, bool) {
	for i := range d.unknown {
		if d.unknown[i].is(name) {
			return i, true
		}
	}
	return 0, false
}

// rememberUnknown adds name to d.unknown (replacing the oldest) when it
// fits a shortName, and returns where.
func (d *wireDecoder) rememberUnknown(name []byte) (int, bool) {
	if len(name) == 0 || len(name) > len(shortName{}.b)-3 || !plainName(name) {
		return 0, false
	}
	i := int(d.nextUnknown % uint8(len(d.unknown)))
	u := &d.unknown[i]
	u.b[0] = '"'
	copy(u.b[1:], name)
	copy(u.b[1+len(name):], `":`)
	u.n = uint8(len(name) + 3)
	d.nextUnknown++
	return i, true
}
