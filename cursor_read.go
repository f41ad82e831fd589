package dynamodel

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"hash"
	"slices"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// queryCursor describes the query a cursor of kc and opts belongs to: the
// table, the index, the key condition (partition value and sort condition),
// the direction, the filter and the projection. A cursor resumes only the
// query that made it: DynamoDB refuses a start key outside the sort
// condition ("The provided starting key does not match the range key
// predicate"), where moto returns an empty page, and a start key read in the
// other direction would return again the items before it.
func (r *Repository[T]) queryCursor(kc KeyCondition, opts QueryOptions) (*cursorRead, error) {
	hashAttr, rangeAttr, err := r.keyAttributes(opts.Index, kc)
	if err != nil {
		return nil, err
	}
	hv, err := encodeIndexKey(hashAttr, kc.hash)
	if err != nil {
		return nil, err
	}
	c, err := r.cursorRead('q', opts.Index, opts.Filter, &opts.ReadOptions, hashAttr.Name, rangeAttr.Name)
	if err != nil {
		return nil, err
	}
	h := cursorHash{sha256.New()}
	h.string(hashAttr.Name)
	h.value(hv)
	// What follows the partition is left out when absent, so the
	// cursors of a plain ascending query are those made before it was
	// hashed.
	if kc.op != "" {
		h.string("sort")
		h.string(rangeAttr.Name)
		h.string(kc.op)
		h.count(len(kc.values))
		for _, v := range kc.values {
			av, err := encodeSortKey(rangeAttr, v)
			if err != nil {
				return nil, err
			}
			h.value(av)
		}
	}
	if opts.Descending {
		h.string("descending")
	}
	c.partition = h.sum()
	return c, nil
}

// scanCursor describes the scan a cursor of opts belongs to: the table, the
// index, the filter and the projection.
func (r *Repository[T]) scanCursor(opts ScanOptions) (*cursorRead, error) {
	return r.cursorRead('s', opts.Index, opts.Filter, &opts.ReadOptions)
}

// cursorRead describes a read for its cursors (its projection is
// Projection and RawProjection of proj); indexKeys are the index key
// attributes the caller named, if any.
func (r *Repository[T]) cursorRead(kind byte, index string, filter Condition, proj *ReadOptions, indexKeys ...string) (*cursorRead, error) {
	c := &cursorRead{kind: kind, table: r.table, index: index}
	var (
		w      = exprWriter{model: r.model} // as the request renders it
		f, p   *string
		h      = cursorHash{sha256.New()}
		values []string
	)
	if err := r.readExpressions(&w, index, filter, proj, &f, &p); err != nil {
		return nil, err
	}
	h.string(deref(f))
	h.string(deref(p))
	h.count(len(w.order))
	for _, n := range w.order {
		h.string(n)
	}
	for v := range w.values {
		values = append(values, v)
	}
	slices.Sort(values)
	h.count(len(values))
	for _, v := range values {
		h.string(v)
		h.value(w.values[v])
	}
	c.shape = h.sum()
	c.keyNames, c.unknown = r.cursorKeyNames(index, indexKeys)
	return c, nil
}

// cursorKeyNames returns the attributes a read's LastEvaluatedKey has: the
// table's key, plus an index's key attributes. Those the repository cannot
// name (an index missing from Options.Schema, and not named by the key
// condition) are counted in unknown.
func (r *Repository[T]) cursorKeyNames(index string, named []string) (names []string, unknown int) {
	names = r.model.keyNames()
	if index == "" {
		return names, 0
	}
	unknown = 2
	if t := r.opts.Schema; t != nil {
		if h, rg, ok := t.IndexKeys(index); ok {
			named, unknown = []string{h, rg}, 0
		}
	} else if r.shared != nil {
		if ix, ok := r.shared.indexKeys(index); ok {
			named, unknown = []string{ix.PartitionKey, ix.SortKey}, 0
		}
	}
	for _, n := range named {
		if n == "" {
			continue
		}
		unknown = max(unknown-1, 0)
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	return names, unknown
}

// sealCursor seals the cursor of a read (op) that stopped at lek, DynamoDB's
// LastEvaluatedKey ("" for none). A key that would not open again (an
// attribute of the read's keys missing, one more, or a value not of its key
// type) makes no cursor: it is an error matching ErrInvalidItem.
func (r *Repository[T]) sealCursor(op string, c *cursorRead, lek map[string]types.AttributeValue) (string, error) {
	if len(lek) == 0 {
		return "", nil
	}
	err := c.checkKeyNames(lek)
	if err == nil {
		_, err = r.model.keyOfItem(lek)
	}
	var s string
	if err == nil {
		s, err = r.cursors.seal(c, lek)
	}
	if err != nil {
		return "", r.opError(op, nil, fmt.Errorf("%w: the LastEvaluatedKey makes no cursor: %v", ErrInvalidItem, err))
	}
	return s, nil
}

// openCursor checks s for read c, and the table key it holds against the
// model, before any call.
func (r *Repository[T]) openCursor(s string, c *cursorRead) (map[string]types.AttributeValue, error) {
	key, err := r.cursors.open(s, c)
	if err != nil {
		return nil, err
	}
	if _, err := r.model.keyOfItem(key); err != nil {
		return nil, &withSentinel{ErrInvalidCursor, err}
	}
	return key, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// cursorHash hashes what a cursor is bound to, in an unambiguous encoding:
// every string and list is length-prefixed, map entries and set members
// are sorted.
type cursorHash struct{ h hash.Hash }

func (h cursorHash) count(n int) {
	var b [binary.MaxVarintLen64]byte
	h.h.Write(binary.AppendUvarint(b[:0], uint64(n)))
}

func (h cursorHash) string(s string) {
	h.count(len(s))
	h.h.Write([]byte(s))
}

func (h cursorHash) sum() (out [16]byte) {
	copy(out[:], h.h.Sum(nil))
	return out
}

// value hashes an attribute value.
func (h cursorHash) value(av types.AttributeValue) {
	sorted := func(tag string, members []string) {
		h.string(tag)
		members = slices.Clone(members)
		slices.Sort(members)
		h.count(len(members))
		for _, m := range members {
			h.string(m)
		}
	}
	switch v := av.(type) {
	case *types.AttributeValueMemberS:
		h.string("S")
		h.string(v.Value)
	case *types.AttributeValueMemberN:
		h.string("N")
		h.string(v.Value)
	case *types.AttributeValueMemberB:
		h.string("B")
		h.string(string(v.Value))
	case *types.AttributeValueMemberBOOL:
		h.string("BOOL")
		if v.Value {
			h.count(1)
		} else {
			h.count(0)
		}
	case *types.AttributeValueMemberNULL:
		h.string("NULL")
	case *types.AttributeValueMemberSS:
		sorted("SS", v.Value)
	case *types.AttributeValueMemberNS:
		sorted("NS", v.Value)
	case *types.AttributeValueMemberBS:
		members := make([]string, len(v.Value))
		for i, b := range v.Value {
			members[i] = string(b)
		}
		sorted("BS", members)
	case *types.AttributeValueMemberL:
		h.string("L")
		h.count(len(v.Value))
		for _, e := range v.Value {
			h.value(e)
		}
	case *types.AttributeValueMemberM:
		h.string("M")
		keys := make([]string, 0, len(v.Value))
		for k := range v.Value {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		h.count(len(keys))
		for _, k := range keys {
			h.string(k)
			h.value(v.Value[k])
		}
	default:
		h.string("?")
	}
}
