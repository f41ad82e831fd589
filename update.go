package dynamodel

import (
	"slices"
)

// An Update is a prepared change to one item: attributes to set, to set only
// when missing, to remove, to add to (numbers and sets), to delete from
// (sets) and to append to (lists). It is the Go form of the seed's
// prepare_user: it says what changes and leaves everything else alone.
//
// Updates are immutable values; each method returns a new Update. Attribute
// names are taken literally (a name with a dot or a dash is one attribute)
// and always reach DynamoDB through placeholders, as do values.
//
//	upd := dynamodel.Set("first_name", "Ada").Set("last_name", "Lovelace").Remove("nickname")
type Update struct {
	head [inlineOps]updateOp // the first changes, held in the value itself
	n    int                 // how many changes in all
	more *updateNode         // changes after the first inlineOps, newest first
}

// inlineOps is how many changes an Update holds without allocating.
const inlineOps = 4

// updateNode is one change of an Update past the inline ones. Nodes are
// shared between updates made from one another, never modified.
type updateNode struct {
	op   updateOp
	prev *updateNode
}

type opKind uint8

const (
	opSet opKind = iota
	opSetIfMissing
	opAppend
	opRemove
	opAdd
	opDelete
)

type updateOp struct {
	kind  opKind
	name  string
	value any // a Go value, or a types.AttributeValue used as it is
}

func (u Update) with(op updateOp) Update {
	if u.n < inlineOps {
		u.head[u.n] = op
	} else {
		u.more = &updateNode{op: op, prev: u.more}
	}
	u.n++
	return u
}

// appendOps appends the changes, in the order they were added, to dst.
func (u *Update) appendOps(dst []updateOp) []updateOp {
	dst = append(dst, u.head[:min(u.n, inlineOps)]...)
	if u.n <= inlineOps {
		return dst
	}
	start := len(dst)
	for n := u.more; n != nil; n = n.prev {
		dst = append(dst, n.op)
	}
	slices.Reverse(dst[start:])
	return dst
}

// ops returns the changes in the order they were added, in a new slice.
func (u *Update) ops() []updateOp { return u.appendOps(make([]updateOp, 0, u.n)) }

// Set returns an update that sets attribute name to value.
func Set(name string, value any) Update { return Update{}.Set(name, value) }

// Remove returns an update that removes the named attributes.
func Remove(names ...string) Update { return Update{}.Remove(names...) }

// Set adds "set attribute name to value". A value of type
// types.AttributeValue is used as it is; anything else is encoded like an
// item field.
func (u Update) Set(name string, value any) Update {
	return u.with(updateOp{kind: opSet, name: name, value: value})
}

// SetIfMissing adds "set attribute name to value unless it already has a
// value" (if_not_exists).
func (u Update) SetIfMissing(name string, value any) Update {
	return u.with(updateOp{kind: opSetIfMissing, name: name, value: value})
}

// Append adds "append values to list attribute name", creating the list
// when it is missing.
func (u Update) Append(name string, values ...any) Update {
	return u.with(updateOp{kind: opAppend, name: name, value: values})
}

// Remove adds "remove the named attributes".
func (u Update) Remove(names ...string) Update {
	for _, n := range names {
		u = u.with(updateOp{kind: opRemove, name: n})
	}
	return u
}

// Add adds "add value to attribute name": a number is added to a number
// (starting from 0 when missing), a set's elements join a set. A []string
// is a string set, a slice of numbers a number set, a [][]byte a binary set.
func (u Update) Add(name string, value any) Update {
	return u.with(updateOp{kind: opAdd, name: name, value: value})
}

// Delete adds "delete the elements of set value from set attribute name".
func (u Update) Delete(name string, value any) Update {
	return u.with(updateOp{kind: opDelete, name: name, value: value})
}

// IsEmpty reports whether the update changes nothing.
func (u Update) IsEmpty() bool { return u.n == 0 }

// Names returns the attributes the update touches, in the order given.
func (u Update) Names() []string {
	ops := u.ops()
	names := make([]string, len(ops))
	for i, op := range ops {
		names[i] = op.name
	}
	return names
}

// Merge returns an update with the changes of u followed by those of other.
func (u Update) Merge(other Update) Update {
	for _, op := range other.ops() {
		u = u.with(op)
	}
	return u
}

// String renders the update expression with placeholders, for logs and tests.
func (u Update) String() string {
	var w exprWriter
	s, err := u.build(&w)
	if err != nil {
		return "invalid update: " + err.Error()
	}
	return s
}

// build renders the update expression.
func (u Update) build(w *exprWriter) (string, error) {
	return renderUpdate(w, u.ops())
}
