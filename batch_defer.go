package dynamodel

import (
	"hash/maphash"
	"math/bits"
	"reflect"
	"strconv"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Encoding puts as they are sent. BatchWrite checks every put before the
// first request, and for most models that means encoding every item up
// front: time in which no request is in flight. For a model whose items
// are flat scalars and whose writes change nothing in them (no version,
// timestamps, TTL or key templates), a check that encodes nothing can tell
// that encoding will succeed, that the key is valid and that the item is
// within MaxItemSize, and give the key's identity for duplicate detection.
// When every put passes it, each request encodes its own items as it is
// sent; when one does not, the call checks by encoding, as for other
// models, and fails with the error that names the item.

// flatKey is a key attribute as sureToEncode reads it: a string field in a
// string key, or an integer field in a number key (or in a string key, when
// tagged string).
type flatKey struct {
	index []int // of the field
	omit  bool  // the codec leaves a zero value out or makes it NULL
	limit int   // the largest string DynamoDB accepts; 0 for a number
}

// flatKeysOf returns the key attributes of r's model, in the order of
// keyNames, when BatchWrite may check its puts without encoding them, and
// nil otherwise: for an entity (key templates), a model with a version,
// TTL or timestamp (encoding changes the item), one whose items the codec
// cannot bound (see codec.SizeBound), or a key of another kind.
func (r *Repository[T]) flatKeysOf() []flatKey {
	m := r.model
	if m.keys != nil || m.typ != reflect.TypeFor[T]() {
		return nil // an entity's, or a model of another type (a Table's own)
	}
	for _, role := range [...]Role{RoleVersion, RoleTTL, RoleCreated, RoleUpdated} {
		if _, ok := m.WithRole(role); ok {
			return nil
		}
	}
	if _, ok := r.items.SizeBound(new(T)); !ok {
		return nil
	}
	var keys []flatKey
	for _, name := range m.keyNames() {
		a, _ := m.Attribute(name)
		k, ok := flatKeyOf(a)
		if !ok {
			return nil
		}
		keys = append(keys, k)
	}
	return keys
}

// flatKeyOf describes key attribute a, or reports false when it is not a
// flat key.
func flatKeyOf(a Attribute) (flatKey, bool) {
	tag := a.field.Tag
	k := flatKey{index: a.field.Index, omit: tag.OmitEmpty || tag.NullEmpty}
	switch a.Type.Kind() {
	case reflect.String:
		k.limit = keyBytesLimit(a.Role)
		return k, a.KeyType == types.ScalarAttributeTypeS
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		want := types.ScalarAttributeTypeN
		if tag.AsString {
			want = types.ScalarAttributeTypeS
		}
		return k, a.KeyType == want
	}
	return k, false
}

// sureToEncode reports whether encodeForWrite(item, writePut, false) is
// sure to succeed (r.flatKeys must be set), and returns the identity keyID
// would give the item's key, built in *buf. False means only "not sure":
// the item is checked by encoding it.
func (r *Repository[T]) sureToEncode(item *T, buf *[]byte) (id string, ok bool) {
	size, ok := r.items.SizeBound(item)
	if !ok || size > MaxItemSize {
		return "", false
	}
	v := reflect.ValueOf(item).Elem()
	b := (*buf)[:0]
	for i := range r.flatKeys {
		text, ok := r.flatKeys[i].text(v)
		if !ok {
			return "", false
		}
		if len(r.flatKeys) == 1 {
			return text, true
		}
		b = appendKeyString(b, text)
	}
	*buf = b
	return string(b), true
}

// text returns the text the codec stores for the key in struct v, and
// false when checkKeyValue would not accept it: a zero value left out or
// made NULL, or a string empty or over the limit. (That the string is
// valid UTF-8 codec.SizeBound has checked, as for every string of the
// item: the key is one of its attributes.)
func (k *flatKey) text(v reflect.Value) (string, bool) {
	f, ok := fieldAt(v, k.index, false)
	if !ok || k.omit && f.IsZero() {
		return "", false
	}
	switch {
	case f.CanInt():
		return strconv.FormatInt(f.Int(), 10), true
	case f.CanUint():
		return strconv.FormatUint(f.Uint(), 10), true
	}
	s := f.String()
	return s, s != "" && len(s) <= k.limit
}

// sureOfAll runs sureToEncode on every item, on up to GOMAXPROCS cores
// when there are many, putting each key's identity in ids; it reports
// whether every item is sure to encode.
func (r *Repository[T]) sureOfAll(items []T, ids []string) bool {
	var unsure atomic.Bool
	check := func(from, to int) {
		var buf []byte
		for i := from; i < to && !unsure.Load(); i++ {
			id, ok := r.sureToEncode(&items[i], &buf)
			if !ok {
				unsure.Store(true)
			}
			ids[i] = id
		}
	}
	inParallel(len(items), check)
	return !unsure.Load()
}

// firstDuplicate returns the first position of ids whose id an earlier
// one has, or -1 when all differ: a set of positions in a table of at
// least twice as many slots, probed linearly from a hash with a random seed
// (so no input can choose its collisions).
func firstDuplicate(ids []string) int {
	seed := maphash.MakeSeed()
	slots := make([]int32, 1<<bits.Len(uint(2*len(ids)))) // position + 1; 0 is free
	mask := uint64(len(slots) - 1)
	for i, id := range ids {
		h := maphash.String(seed, id) & mask
		for ; slots[h] != 0; h = (h + 1) & mask {
			if ids[slots[h]-1] == id {
				return i
			}
		}
		slots[h] = int32(i + 1)
	}
	return -1
}
