package dynamodel

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"slices"
	"sync"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodel/dynamodel/internal/attr"
)

// A cursor is an opaque string for API clients: where a query or scan
// stopped (DynamoDB's LastEvaluatedKey) and which read it belongs to, sealed
// with AES-256-GCM. It is the unpadded base64url form of
//
//	version (1 byte) | nonce (12 bytes) | ciphertext and tag
//
// The version byte is the additional authenticated data; the plaintext is
// the read (cursorRead: kind, table, index, hashes of the key condition
// and direction and of the filter and projection) and the key, in a binary form
// (appendCursorBody). Nothing in a cursor is readable without the key, and
// no cursor can be made without it.
const (
	cursorVersion  = 2
	cursorOverhead = 1 + 12 + 16 // version, nonce, tag
	// maxCursorKeyAttributes bounds the attributes of a cursor's key: a
	// LastEvaluatedKey has at most four (an index's and the table's keys),
	// and checkKeyNames says which are wrong for the read.
	maxCursorKeyAttributes = 8
	// maxCursorLen bounds the cursor strings decoded: an index's key (four
	// attributes of up to 2 KB and their names) fits several times over.
	maxCursorLen = 32 << 10
)

// cursorRead is the read a cursor belongs to: a cursor opens only for the
// read that made it.
type cursorRead struct {
	kind      byte     // 'q' for a query, 's' for a scan
	table     string   // the table
	index     string   // the index, if any
	partition [16]byte // a query's keys: hash of its partition attribute and value, sort condition and direction; zero for a scan
	shape     [16]byte // hash of the rendered filter and projection

	// What the key must hold: every one of keyNames, and at most unknown
	// other attributes (an index's key attributes the repository cannot
	// name, having no schema for the index).
	keyNames []string
	unknown  int
}

// describe names the read in errors.
func (c *cursorRead) describe() string {
	kind := "scan"
	if c.kind == 'q' {
		kind = "query"
	}
	if c.index == "" {
		return fmt.Sprintf("a %s of table %s", kind, c.table)
	}
	return fmt.Sprintf("a %s of index %s of table %s", kind, c.index, c.table)
}

// cursorKeys seal and open a repository's cursors.
type cursorKeys struct {
	aeads []cipher.AEAD // the first seals, all open; none: the process key
}

// newCursorKeys derives the keys of Options.CursorSecret and
// Options.OldCursorSecrets.
func newCursorKeys(secret []byte, old [][]byte) (cursorKeys, error) {
	if len(secret) == 0 {
		if len(old) > 0 {
			return cursorKeys{}, fmt.Errorf("OldCursorSecrets without a CursorSecret")
		}
		return cursorKeys{}, nil
	}
	k := cursorKeys{aeads: []cipher.AEAD{cursorAEAD(secret)}}
	for i, s := range old {
		if len(s) == 0 {
			return cursorKeys{}, fmt.Errorf("OldCursorSecrets[%d] is empty", i)
		}
		k.aeads = append(k.aeads, cursorAEAD(s))
	}
	return k, nil
}

// processCursorKey is the key of repositories without a CursorSecret: 32
// random bytes read once, when the process first needs them. It is the only
// package-level state of dynamodel; it is never exposed, and it dies with
// the process, so such cursors do not survive a restart or cross instances.
var processCursorKey = sync.OnceValue(func() cipher.AEAD {
	var secret [32]byte
	_, _ = rand.Read(secret[:]) // never fails (crypto/rand, Go 1.24)
	return cursorAEAD(secret[:])
})

// cursorAEAD derives an AES-256-GCM key from a secret with HKDF-SHA256.
func cursorAEAD(secret []byte) cipher.AEAD {
	key, err := hkdf.Key(sha256.New, secret, nil, "dynamodel cursor v2", 32)
	if err != nil {
		panic(err) // only for lengths over 255 hashes
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		panic(err) // only for bad key lengths
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		panic(err) // only for bad block sizes
	}
	return gcm
}

func (k cursorKeys) list() []cipher.AEAD {
	if len(k.aeads) == 0 {
		return []cipher.AEAD{processCursorKey()}
	}
	return k.aeads
}

// seal turns LastEvaluatedKey into a cursor string ("" for none).
func (k cursorKeys) seal(c *cursorRead, lek map[string]types.AttributeValue) (string, error) {
	if len(lek) == 0 {
		return "", nil
	}
	body, err := appendCursorBody(nil, c, lek)
	if err != nil {
		return "", err
	}
	aead := k.list()[0]
	out := make([]byte, 1+aead.NonceSize(), cursorOverhead+len(body))
	out[0] = cursorVersion
	_, _ = rand.Read(out[1:])
	out = aead.Seal(out, out[1:], body, out[:1])
	return base64.RawURLEncoding.EncodeToString(out), nil
}

// open checks a cursor and returns its ExclusiveStartKey. The cursor must
// be in canonical form, sealed with one of the keys, made by the same read,
// and its key must have exactly the attributes the read's keys have. It
// makes no call.
func (k cursorKeys) open(s string, c *cursorRead) (map[string]types.AttributeValue, error) {
	fail := func(format string, args ...any) (map[string]types.AttributeValue, error) {
		return nil, fmt.Errorf("%w: %s", ErrInvalidCursor, fmt.Sprintf(format, args...))
	}
	if len(s) > maxCursorLen {
		return fail("longer than any dynamodel cursor (%d bytes)", len(s))
	}
	enc := base64.RawURLEncoding
	raw, err := enc.DecodeString(s)
	if err != nil || enc.EncodeToString(raw) != s {
		return fail("not a dynamodel cursor (not canonical unpadded base64url)")
	}
	if len(raw) < cursorOverhead || raw[0] != cursorVersion {
		return fail("not a dynamodel cursor, or one from an older version")
	}
	var body []byte
	for _, aead := range k.list() {
		if body, err = aead.Open(nil, raw[1:1+aead.NonceSize()], raw[1+aead.NonceSize():], raw[:1]); err == nil {
			break
		}
	}
	if err != nil {
		return fail("it was altered, or sealed with a key this repository does not hold (another CursorSecret; without one, another process)")
	}
	got, key, ok := parseCursorBody(body)
	if !ok {
		return fail("malformed body")
	}
	switch {
	case got.kind != c.kind || got.table != c.table || got.index != c.index:
		return fail("it belongs to %s, not %s", got.describe(), c.describe())
	case got.partition != c.partition:
		return fail("it belongs to another partition, sort key condition or direction (Descending)")
	case got.shape != c.shape:
		return fail("it belongs to a read with another filter or projection")
	}
	if err := c.checkKeyNames(key); err != nil {
		return fail("%v", err)
	}
	return key, nil
}

// checkKeyNames checks that key has every attribute the read's keys have,
// and no other.
func (c *cursorRead) checkKeyNames(key map[string]types.AttributeValue) error {
	for _, n := range c.keyNames {
		if _, ok := key[n]; !ok {
			return fmt.Errorf("its key lacks attribute %q", n)
		}
	}
	if extra := len(key) - len(c.keyNames); extra > c.unknown {
		var names []string
		for n := range key {
			if !slices.Contains(c.keyNames, n) {
				names = append(names, n)
			}
		}
		slices.Sort(names)
		return fmt.Errorf("its key has attribute(s) %q beyond the keys of %s", names, c.describe())
	}
	return nil
}

// appendCursorBody appends the binary form of a cursor's plaintext:
//
//	kind | len table | len index | partition | shape | count | (len name, type, len value)...
//
// with lengths and the count as uvarints, type one of 'S', 'N', 'B', and the
// attributes in name order.
func appendCursorBody(b []byte, c *cursorRead, key map[string]types.AttributeValue) ([]byte, error) {
	b = append(b, c.kind)
	b = appendString(b, c.table)
	b = appendString(b, c.index)
	b = append(b, c.partition[:]...)
	b = append(b, c.shape[:]...)
	if len(key) > maxCursorKeyAttributes {
		return nil, fmt.Errorf("%d key attributes", len(key))
	}
	b = binary.AppendUvarint(b, uint64(len(key)))
	names := make([]string, 0, len(key))
	for n := range key {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		b = appendString(b, n)
		switch v := key[n].(type) {
		case *types.AttributeValueMemberS:
			b = appendString(append(b, 'S'), v.Value)
		case *types.AttributeValueMemberN:
			b = appendString(append(b, 'N'), v.Value)
		case *types.AttributeValueMemberB:
			b = appendString(append(b, 'B'), string(v.Value))
		default:
			return nil, fmt.Errorf("key attribute %q is %s, not a key type", n, attr.TypeName(key[n]))
		}
	}
	return b, nil
}

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// parseCursorBody reads what appendCursorBody wrote, strictly: nothing
// missing, nothing left over, names and strings valid UTF-8, numbers valid,
// no name twice.
func parseCursorBody(b []byte) (c cursorRead, key map[string]types.AttributeValue, ok bool) {
	r := bytes.NewReader(b)
	str := func() (string, bool) {
		n, err := binary.ReadUvarint(r)
		if err != nil || n > uint64(r.Len()) {
			return "", false
		}
		s := make([]byte, n)
		_, _ = r.Read(s)
		return string(s), true
	}
	kind, err := r.ReadByte()
	if err != nil || (kind != 'q' && kind != 's') {
		return c, nil, false
	}
	c.kind = kind
	var ok1, ok2 bool
	c.table, ok1 = str()
	c.index, ok2 = str()
	if !ok1 || !ok2 || r.Len() < 32 {
		return c, nil, false
	}
	_, _ = r.Read(c.partition[:])
	_, _ = r.Read(c.shape[:])
	count, err := binary.ReadUvarint(r)
	if err != nil || count == 0 || count > maxCursorKeyAttributes {
		return c, nil, false
	}
	key = make(map[string]types.AttributeValue, count)
	for range count {
		name, ok := str()
		typ, err := r.ReadByte()
		if !ok || err != nil || name == "" || !utf8.ValidString(name) || key[name] != nil {
			return c, nil, false
		}
		v, ok := str()
		if !ok {
			return c, nil, false
		}
		switch {
		case typ == 'S' && utf8.ValidString(v):
			key[name] = &types.AttributeValueMemberS{Value: v}
		case typ == 'N' && attr.ValidNumber(v):
			key[name] = &types.AttributeValueMemberN{Value: v}
		case typ == 'B':
			key[name] = &types.AttributeValueMemberB{Value: []byte(v)}
		default:
			return c, nil, false
		}
	}
	return c, key, r.Len() == 0
}
