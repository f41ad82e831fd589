package codec

import (
	"unsafe"

	"github.com/dynamodel/dynamodel/internal/wire"
)

// A Watch is shown the attributes of each item Items.Next decodes, for a
// reader that needs attributes T has no field for (the key attributes of
// a shared table, say) without reading the item twice.
type Watch interface {
	// Attr is called for each attribute of the item, in its order, after
	// its value was read (and decoded, when T has a field for it), with
	// the attribute's name and its value's JSON text. name is valid only
	// during the call; value is part of the data given to Codec.Items.
	// Returning false stops the item: Next then reports it not taken.
	Attr(name, value []byte) bool
}

// Items decodes the items of a JSON array in DynamoDB's JSON (a Query's or
// Scan's "Items") one at a time, as AppendJSON decodes them all, for a
// reader that looks at each item as it is decoded. Strings repeated
// across items share one allocation, as with AppendJSON.
type Items[T any] struct {
	c     *Codec[T]
	data  []byte
	d     wireDecoder
	start int  // where the item Next read last starts
	done  bool // the array's end was read
}

// Items starts reading the JSON array at the start of data. ok is false
// when T has no compiled plan or data does not start with an array.
func (c *Codec[T]) Items(data []byte) (_ *Items[T], ok bool) {
	if c.dec == nil || c.selfDecode {
		return nil, false
	}
	it := &Items[T]{c: c, data: data, d: wireDecoder{s: wire.New(data)}}
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

// Next decodes the next item into a T appended to dst, showing w (when
// not nil) each of its attributes, and reads past the comma or the
// array's end after it. ok is false, with dst as it was, for an item it
// does not take (as AppendJSON's), for w's refusal, or for what follows
// the item; the caller may then pass over the item with Skip.
func (it *Items[T]) Next(dst []T, w Watch) (_ []T, ok bool) {
	it.d.s.Peek()
	it.start = it.d.s.Pos()
	var zero T
	dst = append(dst, zero)
	if !it.d.item(it.c.dec, unsafe.Pointer(&dst[len(dst)-1]), w) || !it.after() {
		clear(dst[len(dst)-1:])
		return dst[:len(dst)-1], false
	}
	return dst, true
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
