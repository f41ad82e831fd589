package dynamodel

import (
	"bytes"
	"math/bits"
	"reflect"

	"github.com/dynamodel/dynamodel/codec"
	"github.com/dynamodel/dynamodel/internal/wire"
)

// The direct read path (direct.go) for an entity's items. An entity's read
// recognises each item by its key attributes before decoding it, and fills
// the fields an item lacks (an index that projects only keys) from its
// keys. On the direct path a wireView looks at each item's top level (the
// attributes the codec's Items watched while it decoded a page's item into
// T, or the wire scanner's reading): the string values of the key attributes and the
// entity-type attribute, and which of the attributes of the key templates'
// fields the item has. From those it tells, as the SDK's path does
// (entityKeys.check, lacksFields, hydrate), whether the item is the
// entity's, another entity's (passed over and counted in Page.Skipped), or
// needs fields from its keys. Anything unusual (a key
// attribute that is not exactly {"S": string}, an attribute read twice,
// more attributes to look at than a wireView holds, an item of another
// entity in a Get's response, a field its key cannot give) leaves the body
// to the SDK, whose path gives the answer.

// maxWireSlots bounds the attributes the direct path looks at in an item
// (an entity that needs more reads through the SDK).
const maxWireSlots = 24

// entityWire is what the direct path looks at in an entity's items: its
// attributes by slot.
type entityWire struct {
	slots       map[string]int // attribute name -> slot
	names       []string       // by slot
	strict      []bool         // by slot: a key attribute or the entity-type attribute, whose value is read
	hash, rng   int            // the table's key attributes (rng -1 without a sort key)
	typ         int            // the entity-type attribute, -1 without one
	keyFields   uint32         // the attributes of the table key templates' fields, by slot
	indexes     []wireIndex    // as entityKeys.indexes
	strictSlots uint32         // the strict slots
}

// wireIndex is an index whose keys the entity renders: its partition key
// attribute, and the attributes of its templates' fields (by slot).
type wireIndex struct {
	hash   int
	fields uint32
}

// newEntityWire returns what the direct path looks at in e's items, or nil
// when that is more than a wireView holds.
func newEntityWire(e *entityKeys) *entityWire {
	w := &entityWire{slots: map[string]int{}, rng: -1, typ: -1}
	slot := func(name string, strict bool) int {
		i, ok := w.slots[name]
		if !ok {
			i = len(w.strict)
			w.slots[name] = i
			w.names = append(w.names, name)
			w.strict = append(w.strict, false)
		}
		w.strict[i] = w.strict[i] || strict
		return i
	}
	w.hash = slot(e.hash.attr, true)
	if e.rng != nil {
		w.rng = slot(e.rng.attr, true)
	}
	if e.typeAttr != "" {
		w.typ = slot(e.typeAttr, true)
	}
	for _, ix := range e.indexes {
		wi := wireIndex{hash: slot(ix.hash.attr, true)}
		if ix.rng != nil {
			slot(ix.rng.attr, true)
		}
		for _, tm := range []*template{ix.hash, ix.rng} {
			for _, f := range tmFields(tm) {
				wi.fields |= 1 << slot(f.attr.Name, false)
			}
		}
		w.indexes = append(w.indexes, wi)
	}
	for _, f := range e.keyFields {
		w.keyFields |= 1 << slot(f.attr.Name, false)
	}
	if len(w.strict) > maxWireSlots {
		return nil
	}
	for i, strict := range w.strict {
		if strict {
			w.strictSlots |= 1 << i
		}
	}
	return w
}

// slot returns the slot of the attribute named name (a few names: a loop
// is quicker than the map).
func (w *entityWire) slot(name []byte) (int, bool) {
	for i, n := range w.names {
		if len(n) == len(name) && n == string(name) {
			return i, true
		}
	}
	return 0, false
}

// A wireView is what the direct path read of one item's top level. It is a
// keyView (for hydrate).
type wireView struct {
	w       *entityWire
	present uint32               // by slot
	val     [maxWireSlots][]byte // the strict attributes' string values
	buf     []byte               // values that had escapes, unescaped
	scratch []byte
	length  int    // of the item passOver read
	matched []byte // a copy of a partition key text that matched the entity's template
}

// reset forgets the item read last.
func (v *wireView) reset() {
	v.present = 0
	v.buf = v.buf[:0]
}

// attr records an attribute of the item, given its name and its value's
// JSON text. It refuses an attribute it looks at twice, and a strict
// attribute whose value is not exactly {"S": string}.
func (v *wireView) attr(name, value []byte) bool {
	i, mine := v.w.slot(name)
	switch {
	case !mine:
		return true
	case v.hasSlot(i):
		return false
	}
	return v.record(i, value)
}

// record records the attribute in slot i, whose value's JSON text is
// value.
func (v *wireView) record(i int, value []byte) bool {
	if v.w.strict[i] {
		s := wire.New(value)
		if text, ok := s.PlainS(); ok && s.End() {
			v.val[i] = text
		} else if !v.readString(i, value) {
			return false
		}
	}
	v.present |= 1 << i
	return true
}

// readString reads the value of strict slot i, whose JSON text is value
// and must be exactly {"S": string}, with escapes and all.
func (v *wireView) readString(i int, value []byte) bool {
	s := wire.New(value)
	text, ok := v.stringValue(&s)
	if !ok || !s.End() {
		return false
	}
	v.val[i] = text
	return true
}

// loadWatched records in v the attributes items watched (the view's
// slots, by name) in the item it took last.
func loadWatched[T any](v *wireView, items *codec.Items[T]) bool {
	v.present = items.Watched()
	for strict := v.present & v.w.strictSlots; strict != 0; strict &= strict - 1 {
		i := bits.TrailingZeros32(strict)
		if text, ok := items.String(i); ok { // the codec read it with PlainS
			v.val[i] = text
		} else if !v.readString(i, items.Value(i)) {
			return false
		}
	}
	return true
}

// scan reads the item at the start of data (a JSON object) and returns
// its length. ok is false for what the direct path leaves to the SDK: JSON
// the scanner does not take, an attribute it looks at twice, a strict
// attribute whose value is not exactly {"S": string}.
func (v *wireView) scan(data []byte) (n int, ok bool) {
	v.reset()
	s := wire.New(data)
	if !s.Byte('{') {
		return 0, false
	}
	if s.Byte('}') {
		return s.Pos(), true
	}
	for {
		k, ok := s.Key(&v.scratch)
		if !ok {
			return 0, false
		}
		s.Peek()
		start := s.Pos()
		// k is in the body or in v.scratch, which Skip leaves alone.
		if !s.Skip() || !v.attr(k, s.Since(start)) {
			return 0, false
		}
		if s.Byte(',') {
			continue
		}
		if !s.Byte('}') {
			return 0, false
		}
		return s.Pos(), true
	}
}

// stringValue reads an attribute value that must be exactly {"S": string}
// and returns the string's text (in the body, or in v.buf when it had
// escapes).
func (v *wireView) stringValue(s *wire.Scanner) ([]byte, bool) {
	if k, ok := s.Tag(&v.scratch); !ok || string(k) != "S" {
		return nil, false
	}
	text, ok := s.String(&v.scratch)
	if !ok || !s.Byte('}') {
		return nil, false
	}
	if len(text) > 0 && cap(v.scratch) > 0 && &text[0] == &v.scratch[:1][0] {
		start := len(v.buf)
		v.buf = append(v.buf, text...)
		text = v.buf[start:]
	}
	return text, true
}

// wireKind is what an item is to an entity's read.
type wireKind uint8

const (
	wireOwn     wireKind = iota // the entity's, with every key field
	wireHydrate                 // the entity's, lacking fields its keys hold
	wireOther                   // of another entity (or none)
)

// classify tells what the scanned item is, as entityKeys.check and
// lacksFields tell it of the SDK's item.
func (v *wireView) classify(e *entityKeys) wireKind {
	w := v.w
	if !v.hasSlot(w.hash) {
		return wireOther
	}
	if hash := v.val[w.hash]; len(hash) == 0 || !bytes.Equal(hash, v.matched) { // a page's items most often share one
		if !e.hash.matchBytes(hash) {
			return wireOther
		}
		v.matched = append(v.matched[:0], hash...) // hash may be in v.buf
	}
	if w.rng >= 0 && (!v.hasSlot(w.rng) || !e.rng.matchBytes(v.val[w.rng])) {
		return wireOther
	}
	if w.typ >= 0 && v.hasSlot(w.typ) && string(v.val[w.typ]) != e.name {
		return wireOther
	}
	if v.present&w.keyFields != w.keyFields {
		return wireHydrate
	}
	for _, ix := range w.indexes {
		if v.hasSlot(ix.hash) && v.present&ix.fields != ix.fields {
			return wireHydrate
		}
	}
	return wireOwn
}

func (v *wireView) keyText(attr string) (string, bool) {
	i, ok := v.w.slots[attr]
	if !ok || !v.hasSlot(i) || !v.w.strict[i] {
		return "", false
	}
	return string(v.val[i]), true
}

func (v *wireView) has(name string) bool {
	i, ok := v.w.slots[name]
	return ok && v.hasSlot(i)
}

// hasSlot reports whether the item has the attribute in slot i.
func (v *wireView) hasSlot(i int) bool { return v.present&(1<<i) != 0 }

// appendEntityJSON is codec.AppendJSON for entity e's reads: it decodes the
// JSON array of items at the start of data, appending e's items to dst as
// values of T, passing over (and counting) items of other entities, and
// filling fields from keys as decodeEntity does. ok is false for anything
// it does not take; the SDK's path then gives the answer.
//
// Each item is read once: decoded into a T while Items records the
// attributes the view looks at (its slots, watched by name), then
// recognised; a T made of another entity's item is
// dropped. An item the codec does not take into T (another entity's, with
// attributes of other types, say) is read again by the view alone, and
// passed over when it is another entity's.
func appendEntityJSON[T any](e *entityKeys, dst []T, data []byte) (out []T, n, skipped int, ok bool) {
	fail := func() ([]T, int, int, bool) {
		clear(dst[len(dst):cap(dst)])
		return dst, 0, 0, false
	}
	if e.wire == nil {
		return fail()
	}
	items, ok := codec.For[T]().Items(data, e.wire.names...)
	if !ok {
		return fail()
	}
	v := &wireView{w: e.wire}
	out = dst
	for !items.Done() {
		v.reset()
		var took bool
		if out, took = items.Next(out); took && !loadWatched(v, items) {
			return fail()
		}
		if !took {
			if !v.passOver(e, data[items.Start():]) {
				return fail()
			}
			if !items.Skip(v.length) {
				return fail()
			}
			skipped++
			continue
		}
		switch v.classify(e) {
		case wireOther:
			clear(out[len(out)-1:])
			out = out[:len(out)-1]
			skipped++
		case wireHydrate:
			if err := e.hydrate(reflect.ValueOf(&out[len(out)-1]).Elem(), v); err != nil {
				return fail()
			}
		}
	}
	return out, items.Pos(), skipped, true
}

// passOver reads the item at the start of data with the view alone and
// reports whether it is another entity's item that the SDK reads (so that
// a read may pass over it), leaving its length in v.length.
func (v *wireView) passOver(e *entityKeys, data []byte) bool {
	m, ok := v.scan(data)
	if !ok || v.classify(e) != wireOther {
		return false
	}
	v.length = m
	// The SDK reads it (and rejects a body it cannot read) before it is
	// passed over: check it as the SDK would read it.
	_, ok = codec.For[struct{}]().DecodeJSON(data[:m])
	return ok
}

// decodeEntityJSON is codec.DecodeJSON for entity e's Get: the item must be
// e's (an item of another entity is left to the SDK's path, which reports
// it). ok is false for anything it does not take.
func decodeEntityJSON[T any](e *entityKeys, item []byte) (T, bool) {
	var zero T
	if e.wire == nil {
		return zero, false
	}
	v := wireView{w: e.wire}
	if _, ok := v.scan(item); !ok {
		return zero, false
	}
	kind := v.classify(e)
	if kind == wireOther {
		return zero, false
	}
	out, ok := codec.For[T]().DecodeJSON(item)
	if !ok {
		return zero, false
	}
	if kind == wireHydrate {
		hv := v // only this path moves the view to the heap
		if err := e.hydrate(reflect.ValueOf(&out).Elem(), &hv); err != nil {
			return zero, false
		}
	}
	return out, true
}

// recognizes reports whether sink recognises an entity's items (the sinks
// of direct.go given the entity's keys): an entity's reads by any other
// sink go through the SDK's path.
func recognizes(sink directSink) bool {
	r, ok := sink.(interface{ entityAware() bool })
	return ok && r.entityAware()
}

func (p *pageSink[T]) entityAware() bool { return p.keys != nil }

func (p *itemSink[T]) entityAware() bool { return p.keys != nil }
