package dynamodel

import (
	"slices"
)

// An Update is a prepared change to one item: what to set, to set only
// when missing, to increment or decrement, to remove, to add to (numbers
// and sets), to delete from (sets), to append or prepend to (lists). It is
// the Go form of the seed's prepare_user: it says what changes and leaves
// everything else alone.
//
// Updates are immutable values; each method returns a new Update. Every
// method takes a document path (see Name and Path): an attribute, a member
// of a map, an element of a list. Each name in a path and every value
// reaches DynamoDB through a placeholder.
//
//	upd := dynamodel.Set("first_name", "Ada").Remove("nickname").Increment("reactions.heart", 1)
//
// Two changes to one path, or to a path and a part of it (address and
// address.city, tags and tags[0]), are ErrInvalidUpdate before any call,
// as DynamoDB would reject them.
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
	opSet          opKind = iota // SET p = v
	opSetIfMissing               // SET p = if_not_exists(p, v)
	opAppend                     // SET p = list_append(if_not_exists(p, []), v)
	opPrepend                    // SET p = list_append(v, if_not_exists(p, []))
	opIncrement                  // SET p = if_not_exists(p, 0) + v
	opDecrement                  // SET p = if_not_exists(p, 0) - v
	opRemove                     // REMOVE p
	opAdd                        // ADD p v
	opDelete                     // DELETE p v
	opRawSet                     // a SET action of a Raw update
	opRawRemove                  // a REMOVE action of a Raw update
	opRawAdd                     // an ADD action of a Raw update
	opRawDelete                  // a DELETE action of a Raw update
	opInvalid                    // a change that cannot be made: value is the error
	numOpKinds
)

// clause is the clause of an update expression a change is written in.
type clause uint8

const (
	clauseSet clause = iota
	clauseRemove
	clauseAdd
	clauseDelete
	numClauses
)

var clauseKeywords = [numClauses]string{"SET", "REMOVE", "ADD", "DELETE"}

var opClauses = [numOpKinds]clause{
	opSet: clauseSet, opSetIfMissing: clauseSet, opAppend: clauseSet, opPrepend: clauseSet,
	opIncrement: clauseSet, opDecrement: clauseSet, opRemove: clauseRemove, opAdd: clauseAdd,
	opDelete: clauseDelete, opRawSet: clauseSet, opRawRemove: clauseRemove, opRawAdd: clauseAdd,
	opRawDelete: clauseDelete,
}

// String names the change, for messages.
func (k opKind) String() string {
	switch k {
	case opSet:
		return "a set"
	case opSetIfMissing:
		return "a set if missing"
	case opAppend:
		return "an append"
	case opPrepend:
		return "a prepend"
	case opIncrement:
		return "an increment"
	case opDecrement:
		return "a decrement"
	case opRemove:
		return "a removal"
	case opAdd:
		return "an ADD"
	case opDelete:
		return "a DELETE"
	case opInvalid:
		return "an invalid change"
	}
	return "a Raw action"
}

// isRaw reports whether the change is an action of a Raw update.
func (k opKind) isRaw() bool { return k >= opRawSet && k <= opRawDelete }

// hasValue reports whether the change carries a value of the caller's.
func (k opKind) hasValue() bool { return k != opRemove && !k.isRaw() && k != opInvalid }

type updateOp struct {
	kind  opKind
	path  string // a document path
	value any    // a Go value, a types.AttributeValue used as it is, a *rawAction, or an error
}

func (u Update) with(op updateOp) Update {
	u.add(op)
	return u
}

// add adds op to u in place (with, without copying u).
func (u *Update) add(op updateOp) {
	if u.n < inlineOps {
		u.head[u.n] = op
	} else {
		u.more = &updateNode{op: op, prev: u.more}
	}
	u.n++
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

// Set returns an update that sets path to value.
func Set(path string, value any) Update { return Update{}.Set(path, value) }

// Remove returns an update that removes what is at each of paths.
func Remove(paths ...string) Update { return Update{}.Remove(paths...) }

// Increment returns an update that adds n to the number at path (see
// Update.Increment).
func Increment(path string, n any) Update { return Update{}.Increment(path, n) }

// Set adds "set path to value". A value of type types.AttributeValue is
// used as it is; anything else is encoded like an item field. Setting a
// member of a map needs the map to exist (SetIfMissing can create it);
// setting a list element past the end appends it.
func (u Update) Set(path string, value any) Update {
	return u.with(updateOp{kind: opSet, path: path, value: value})
}

// SetIfMissing adds "set path to value unless it already has a value"
// (if_not_exists).
func (u Update) SetIfMissing(path string, value any) Update {
	return u.with(updateOp{kind: opSetIfMissing, path: path, value: value})
}

// Increment adds "add n to the number at path, starting from 0 when it is
// missing", atomically: SET path = if_not_exists(path, 0) + n. n is a
// number (any Go integer or float type, or a number attribute value). Add
// does the same with DynamoDB's ADD action; DynamoDB's guide recommends
// SET, and only SET can also subtract from an unsigned type (Decrement).
// Only the number may be missing: DynamoDB makes no parents, so the map
// reactions must be there for
//
//	dynamodel.Increment("reactions.heart", 1)
func (u Update) Increment(path string, n any) Update {
	return u.with(updateOp{kind: opIncrement, path: path, value: n})
}

// Decrement adds "subtract n from the number at path, starting from 0 when
// it is missing": SET path = if_not_exists(path, 0) - n.
func (u Update) Decrement(path string, n any) Update {
	return u.with(updateOp{kind: opDecrement, path: path, value: n})
}

// Append adds "append values to the list at path", creating the list when
// it is missing.
func (u Update) Append(path string, values ...any) Update {
	return u.with(updateOp{kind: opAppend, path: path, value: values})
}

// Prepend adds "put values, in order, before the first element of the list
// at path", creating the list when it is missing.
func (u Update) Prepend(path string, values ...any) Update {
	return u.with(updateOp{kind: opPrepend, path: path, value: values})
}

// Remove adds "remove what is at each of paths": attributes, map members,
// or list elements (Remove("tags[0]", "tags[3]") removes two elements; the
// later ones move down).
func (u Update) Remove(paths ...string) Update {
	for _, p := range paths {
		u = u.with(updateOp{kind: opRemove, path: p})
	}
	return u
}

// Add adds "add value to what is at path" (ADD): a number is added to a
// number (starting from 0 when missing), a set's elements join a set. A
// []string is a string set, a slice of numbers a number set, a [][]byte a
// binary set.
func (u Update) Add(path string, value any) Update {
	return u.with(updateOp{kind: opAdd, path: path, value: value})
}

// Delete adds "delete the elements of set value from the set at path"
// (DELETE). value is a []string, a slice of numbers or a [][]byte, as for
// Add.
func (u Update) Delete(path string, value any) Update {
	return u.with(updateOp{kind: opDelete, path: path, value: value})
}

// IsEmpty reports whether the update changes nothing.
func (u Update) IsEmpty() bool { return u.n == 0 }

// Names returns the paths the update changes, in the order given.
func (u Update) Names() []string {
	ops := u.ops()
	names := make([]string, len(ops))
	for i, op := range ops {
		names[i] = op.path
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
