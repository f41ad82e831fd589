package codec

import (
	"slices"
	"unsafe"

	"github.com/dynamodel/dynamodel/internal/wire"
)

// MaxWatched is how many attributes Items may watch.
const MaxWatched = 32

// Items decodes the items of a JSON array in DynamoDB's JSON (a Query's or
// Scan's "Items") one at a time, as AppendJSON decodes them all, for a
// reader that looks at each item as it is decoded. It can watch a few
// attributes by name (a shared table's key attributes, say, which T may
// have no field for): Next records, for each item, which of them it has
// and their values' JSON text, so that the reader need not read the item
// twice. Strings repeated across items share one allocation, as with
// AppendJSON.
type Items[T any] struct {
	c     *Codec[T]
	data  []byte
	d     wireDecoder
	w     watching
	start int  // where the item Next read last starts
	done  bool // the array's end was read
}

// Items starts reading the JSON array at the start of data, watching the
// attributes named watch (at most MaxWatched, each named once). ok is false
// when T has no compiled plan, when data does not start with an array, or
// when a watched name that no field has matches a field ignoring case (an
// attribute the plan leaves to Decode).
func (c *Codec[T]) Items(data []byte, watch ...string) (_ *Items[T], ok bool) {
	if c.dec == nil || c.selfDecode || len(watch) > MaxWatched {
		return nil, false
	}
	it := &Items[T]{c: c, data: data, d: wireDecoder{s: wire.New(data)}}
	if !it.w.plan(c.dec, watch) {
		return nil, false
	}
	if !it.d.s.Byte('[') {
		return nil, false
	}
	it.done = it.d.s.Byte(']')
	return it, true
}

// Done reports whether the array's end was read: no item is left.
func (it *Items[T]) Done() bool { return it.done }

// Pos returns how many bytes of data were read: once Done, the array's
// length.
func (it *Items[T]) Pos() int { return it.d.s.Pos() }

// Start returns where the item Next read last starts in data.
func (it *Items[T]) Start() int { return it.start }

// Watched returns which watched attributes the item Next took last has:
// bit i for the attribute named watch[i].
func (it *Items[T]) Watched() uint32 { return it.w.seen }

// Value returns the JSON text of the watched attribute watch[i] in the
// item Next took last (part of data), or nil when the item lacks it.
func (it *Items[T]) Value(i int) []byte {
	if it.w.seen&(1<<i) == 0 {
		return nil
	}
	return it.data[it.w.at[i].start:it.w.at[i].end]
}

// String returns the text of the watched attribute watch[i] in the item
// Next took last when its value is exactly {"S":"text"}, with text in
// ASCII needing no unescaping (as key attributes usually are), and no
// field has the attribute; otherwise ok is false, and Value gives the
// JSON text to read.
func (it *Items[T]) String(i int) (text []byte, ok bool) {
	if it.w.plain&(1<<i) == 0 {
		return nil, false
	}
	return it.data[it.w.text[i].start:it.w.text[i].end], true
}

// Next decodes the next item into a T appended to dst, recording its
// watched attributes, and reads past the comma or the array's end after
// it. ok is false, with dst as it was, for an item it does not take (as
// AppendJSON's, or one that has a watched attribute twice), or for what
// follows the item; the caller may then pass over the item with Skip.
func (it *Items[T]) Next(dst []T) (_ []T, ok bool) {
	it.d.s.Peek()
	it.start = it.d.s.Pos()
	it.w.seen, it.w.plain = 0, 0
	var zero T
	dst = append(dst, zero)
	if !it.item(unsafe.Pointer(&dst[len(dst)-1])) || !it.after() {
		clear(dst[len(dst)-1:])
		it.w.seen, it.w.plain = 0, 0
		return dst[:len(dst)-1], false
	}
	return dst, true
}

// item decodes the next item into the zero T at p, recording its watched
// attributes.
func (it *Items[T]) item(p unsafe.Pointer) bool {
	if it.w.byField == nil {
		return it.d.item(it.c.dec, p)
	}
	return it.d.watchedItem(it.c.dec, p, &it.w)
}

// Skip passes over the item Next read last, whose length the caller found
// to be n, and reads past the comma or the array's end after it.
func (it *Items[T]) Skip(n int) bool {
	it.d.s = wire.New(it.data)
	it.d.s.Advance(it.start + n)
	return it.after()
}

// after reads the comma after an item, or the array's end.
func (it *Items[T]) after() bool {
	if it.d.s.Byte(',') {
		return true
	}
	it.done = it.d.s.Byte(']')
	return it.done
}

// watchedItem is wireDecoder.item recording the attributes w watches. It
// is item's loop kept apart, so that item (AppendJSON's) does not ask about
// watches at each attribute: one loop for both made a plain repository's
// 3,000-item page 3% slower in a paired run (p=0.038).
func (d *wireDecoder) watchedItem(sd *structDec, p unsafe.Pointer, w *watching) bool {
	if len(sd.fields) > 128 || !d.s.Byte('{') {
		return false
	}
	if d.s.Byte('}') {
		return true
	}
	var seen [2]uint64
	for k := 0; ; k++ {
		if !d.watchedAttr(sd, p, k, &seen, w) {
			return false
		}
		if d.s.Byte(',') {
			continue
		}
		return d.s.Byte('}')
	}
}

// watchedAttr is wireDecoder.attr recording the attributes w watches. How
// it reads a name is attr's, kept apart like the loops: one function for
// both (given a nil *watching for attr) made a plain repository's
// 3,000-order page 3.2% and an entity's 5.8% slower (10 interleaved
// rounds, p<=0.019).
func (d *wireDecoder) watchedAttr(sd *structDec, p unsafe.Pointer, k int, seen *[2]uint64, w *watching) bool {
	i, ok := d.predicted(w.quoted, k)
	if !ok {
		if d.predictedUnknown(k) {
			_, ok := d.value(false, 0)
			return ok
		}
		name, ok := d.s.Key(&d.scratch)
		if !ok {
			return false
		}
		if i, ok = w.index(sd, name); !ok {
			return d.unknownAttr(sd, name, k)
		}
		d.remember(w.quoted, k, i)
	}
	if i >= len(sd.fields) {
		return d.watched(w, w.otherAt[i-len(sd.fields)])
	}
	if !once(seen, i) {
		return false
	}
	j := w.byField[i]
	if j < 0 {
		return d.field(&sd.fields[i], p)
	}
	d.s.Peek()
	start := d.s.Pos()
	return d.field(&sd.fields[i], p) && w.record(j, start, d.s.Pos())
}

// watched reads past the value of watched attribute i, which no field
// has, and records it.
func (d *wireDecoder) watched(w *watching, i int8) bool {
	d.s.Peek()
	start := d.s.Pos()
	if text, ok := d.s.PlainS(); ok {
		return w.recordString(i, start, d.s.Pos(), text)
	}
	_, ok := d.value(false, 0)
	return ok && w.record(i, start, d.s.Pos())
}

// watching is what Items watches in a struct plan's items, and what it
// found in the item read last.
type watching struct {
	byField []int8   // by field: the watched attribute's index, or -1
	others  []string // watched names no field has
	otherAt []int8   // their indexes
	quoted  []string // the names of sd's fields, then of others, as structDec.quoted
	lens    uint64   // their lengths: bit min(len, 63)
	seen    uint32   // the watched attributes the item has
	plain   uint32   // those of them that recordString recorded
	at      [MaxWatched]span
	text    [MaxWatched]span // of those recordString recorded
}

// A span is where a text is in the data Items reads.
type span struct{ start, end int }

// plan resolves the watched names against sd's fields. It reports false
// for a name watched twice, or one no field has that matches a field
// ignoring case.
func (w *watching) plan(sd *structDec, watch []string) bool {
	if len(watch) == 0 {
		return true
	}
	w.byField = make([]int8, len(sd.fields))
	for i := range w.byField {
		w.byField[i] = -1
	}
	for i, name := range watch {
		if f, ok := sd.byName[name]; ok {
			if w.byField[f] >= 0 {
				return false
			}
			w.byField[f] = int8(i)
			continue
		}
		if sd.fold(name) != nil || slices.Contains(w.others, name) {
			return false
		}
		w.others = append(w.others, name)
		w.otherAt = append(w.otherAt, int8(i))
		w.lens |= 1 << min(len(name), 63)
	}
	w.quoted = slices.Clone(sd.quoted)
	for _, name := range w.others {
		w.quoted = append(w.quoted, quotedName(name))
	}
	return true
}

// index returns where name is in w.quoted: a field's index, or after the
// fields, a watched name no field has.
func (w *watching) index(sd *structDec, name []byte) (int, bool) {
	if j, ok := w.other(name); ok {
		return len(sd.fields) + j, true
	}
	i, ok := sd.byName[string(name)]
	return i, ok
}

// other returns where name is among the watched names no field has.
func (w *watching) other(name []byte) (int, bool) {
	if w.lens&(1<<min(len(name), 63)) == 0 {
		return 0, false
	}
	for j, o := range w.others {
		if len(o) == len(name) && o == string(name) {
			return j, true
		}
	}
	return 0, false
}

// record notes that the item has watched attribute i, whose value is
// data[start:end]. It reports false when the item had it already.
func (w *watching) record(i int8, start, end int) bool {
	bit := uint32(1) << i
	if w.seen&bit != 0 {
		return false
	}
	w.seen |= bit
	w.at[i] = span{start, end}
	return true
}

// recordString is record for a value that is the plain string text (a
// slice of the data).
func (w *watching) recordString(i int8, start, end int, text []byte) bool {
	if !w.record(i, start, end) {
		return false
	}
	w.plain |= 1 << i
	w.text[i] = span{end - 2 - len(text), end - 2}
	return true
}
