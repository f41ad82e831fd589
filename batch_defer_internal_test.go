package dynamodel

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// flatPair is a flat model with a composite key: BatchWrite defers its puts.
type flatPair struct {
	PK   string    `dynamodbav:"pk" dynamodel:"hash"`
	SK   int64     `dynamodbav:"sk" dynamodel:"range"`
	Text string    `dynamodbav:"text,omitempty"`
	N    uint16    `dynamodbav:"n,omitempty"`
	OK   bool      `dynamodbav:"ok"`
	At   time.Time `dynamodbav:"at"`
	Nil  string    `dynamodbav:"nil,nullempty"`
}

// stampedPair is flatPair with a timestamp: encoding changes its items, so
// BatchWrite encodes them up front.
type stampedPair struct {
	PK      string    `dynamodbav:"pk" dynamodel:"hash"`
	SK      int64     `dynamodbav:"sk" dynamodel:"range"`
	Updated time.Time `dynamodbav:"updated" dynamodel:"updated"`
}

// TestBatchWriteDefersPutsOfFlatModels: the plan of a flat model's puts
// leaves them to be encoded as they are sent; a model whose encoding
// stamps, an entity's, or one the codec cannot bound, encodes up front.
func TestBatchWriteDefersPutsOfFlatModels(t *testing.T) {
	client := stubDynamoDB(nil)
	flat, err := NewRepository[flatPair](client, "pairs")
	require.NoError(t, err)
	p, err := flat.planWrites([]flatPair{{PK: "a", SK: 1}, {PK: "a", SK: 2}}, []any{Key{Hash: "b", Range: 1}})
	require.NoError(t, err)
	require.Nil(t, p.items, "puts left to encode as they are sent")
	require.Len(t, p.keys, 1)

	stamped, err := NewRepository[stampedPair](client, "pairs")
	require.NoError(t, err)
	sp, err := stamped.planWrites([]stampedPair{{PK: "a", SK: 1}}, nil)
	require.NoError(t, err)
	require.Len(t, sp.items, 1, "encoded up front")
	require.False(t, sp.storedItems()[0].Updated.IsZero(), "stamped")

	type withFloat struct {
		ID string  `dynamodbav:"id" dynamodel:"hash"`
		F  float64 `dynamodbav:"f"`
	}
	floats, err := NewRepository[withFloat](client, "floats")
	require.NoError(t, err)
	require.Nil(t, floats.flatKeys, "a float may be NaN: encoded up front")
}

// FuzzBatchPlan holds a flat model's deferred plan to the plan made by
// encoding every put up front: the same error, or the same requests and
// stored items; and every put sureToEncode is sure of encodes, within
// codec.SizeBound, with the key identity keyID gives it.
func FuzzBatchPlan(f *testing.F) {
	f.Add("a", "b", int64(1), int64(2), "text", uint32(0), "c", int64(0))
	f.Add("a", "a", int64(1), int64(1), "", uint32(10), "a", int64(1))
	f.Add("", "b", int64(-5), int64(0), "x", uint32(0), "", int64(-62135596800))
	f.Add("a\xff", "b", int64(0), int64(0), "", uint32(0), "d", int64(253402300800))
	f.Add("a", "b", int64(1), int64(2), "", uint32(MaxItemSize-40), "c", int64(1<<62))
	f.Add("a", "b", int64(1), int64(2), "x\xff", uint32(0), "", int64(0))
	f.Add(strings.Repeat("k", 2049), "b", int64(1), int64(2), "", uint32(0), "c", int64(-1<<62))
	f.Fuzz(func(t *testing.T, pk1, pk2 string, sk1, sk2 int64, text string, pad uint32, del string, at int64) {
		client := stubDynamoDB(nil)
		deferred, err := NewRepository[flatPair](client, "pairs")
		require.NoError(t, err)
		require.NotNil(t, deferred.flatKeys)
		upFront, err := NewRepository[flatPair](client, "pairs")
		require.NoError(t, err)
		upFront.flatKeys = nil

		when := time.Unix(at, at%1e9).In(time.FixedZone("z", int(sk2%86400)))
		items := []flatPair{
			{PK: pk1, SK: sk1, Text: text, At: when},
			{PK: pk2, SK: sk2, Text: text + strings.Repeat("p", int(pad%(MaxItemSize+64))), N: uint16(sk1), OK: true},
			{PK: pk1 + pk2, SK: sk1 ^ sk2, Nil: text, At: when},
		}
		var deletes []any
		if del != "" {
			deletes = []any{Key{Hash: del, Range: sk1}}
		}
		var buf []byte
		for i := range items {
			id, sure := deferred.sureToEncode(&items[i], &buf)
			if !sure {
				continue
			}
			w, err := deferred.encodeForWrite(&items[i], writePut, false)
			require.NoError(t, err, "sure of item %d", i)
			bound, _ := deferred.items.SizeBound(&items[i])
			require.LessOrEqual(t, ItemSize(w.item), bound)
			require.Equal(t, keyID(w.item, deferred.model.keyNames(), new([]byte)), id)
		}

		p1, err1 := deferred.planWrites(items, deletes)
		p2, err2 := upFront.planWrites(items, deletes)
		if err1 != nil || err2 != nil {
			require.Error(t, err1)
			require.Error(t, err2)
			require.Equal(t, err2.Error(), err1.Error())
			for _, sentinel := range []error{ErrDuplicateKey, ErrInvalidKey, ErrInvalidItem, ErrItemTooLarge} {
				require.Equal(t, errors.Is(err2, sentinel), errors.Is(err1, sentinel))
			}
			return
		}
		r1, err := deferred.requests(p1, 0, p1.len())
		require.NoError(t, err)
		r2, err := upFront.requests(p2, 0, p2.len())
		require.NoError(t, err)
		require.True(t, reflect.DeepEqual(r2, r1), "requests")
		require.Equal(t, p2.storedItems(), p1.storedItems())
	})
}
