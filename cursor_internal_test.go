package dynamodel

import (
	"context"
	"crypto/cipher"
	"crypto/rand"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel/schema"
)

type cursorOrder struct {
	Customer string `dynamodbav:"customer" dynamodel:"hash"`
	ID       string `dynamodbav:"id" dynamodel:"range"`
	Status   string `dynamodbav:"status"`
	Placed   string `dynamodbav:"placed"`
	Total    int    `dynamodbav:"total"`
}

// noCalls is an API that fails the test on any call.
type noCalls struct {
	API
	t *testing.T
}

func (n noCalls) Query(context.Context, *dynamodb.QueryInput, ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	n.t.Error("unexpected Query call")
	return &dynamodb.QueryOutput{}, nil
}

func (n noCalls) Scan(context.Context, *dynamodb.ScanInput, ...func(*dynamodb.Options)) (*dynamodb.ScanOutput, error) {
	n.t.Error("unexpected Scan call")
	return &dynamodb.ScanOutput{}, nil
}

// TestCursorKeyMustHaveTheReadsKeyAttributes seals cursors (as only
// dynamodel can) whose keys have attributes missing, extra or of the wrong
// type for the read: each is ErrInvalidCursor, before any call. A table's
// key is its key attributes; an index's, the table's key plus the index's;
// index key attributes the repository cannot name (no schema for the
// index) are only counted.
func TestCursorKeyMustHaveTheReadsKeyAttributes(t *testing.T) {
	ordersTable, err := schema.Load("testdata/tables/orders.json")
	require.NoError(t, err)
	plain, err := NewRepository[cursorOrder](noCalls{t: t}, "Orders", func(o *Options) { o.CursorSecret = []byte("s") })
	require.NoError(t, err)
	withSchema, err := NewRepository[cursorOrder](noCalls{t: t}, "Orders", func(o *Options) {
		o.CursorSecret, o.Schema = []byte("s"), ordersTable
	})
	require.NoError(t, err)

	key := func(names ...string) map[string]types.AttributeValue {
		k := map[string]types.AttributeValue{}
		for _, n := range names {
			k[n] = &types.AttributeValueMemberS{Value: "v-" + n}
		}
		return k
	}
	c1 := Partition("v-customer")
	paid := PartitionAttr("status", "v-status")
	type read struct {
		r     *Repository[cursorOrder]
		kc    *KeyCondition // nil: a scan
		index string
	}
	for _, tc := range []struct {
		name string
		read read
		key  map[string]types.AttributeValue
		msg  string // "" when the cursor opens
	}{
		{"table", read{plain, &c1, ""}, key("customer", "id"), ""},
		{"table, range key missing", read{plain, &c1, ""}, key("customer"), `lacks attribute "id"`},
		{"table, an extra attribute", read{plain, &c1, ""}, key("customer", "id", "status"), `attribute(s) ["status"] beyond the keys of a query of table Orders`},
		{"table, a number for a string", read{plain, &c1, ""}, map[string]types.AttributeValue{
			"customer": &types.AttributeValueMemberS{Value: "v-customer"}, "id": &types.AttributeValueMemberN{Value: "1"},
		}, `invalid key "id": want type S, got N`},
		{"table scan, an extra attribute", read{plain, nil, ""}, key("customer", "id", "x"), `["x"] beyond the keys of a scan of table Orders`},
		{"GSI", read{withSchema, &paid, "byStatus"}, key("customer", "id", "status", "placed"), ""},
		{"GSI, index range key missing", read{withSchema, &paid, "byStatus"}, key("customer", "id", "status"), `lacks attribute "placed"`},
		{"GSI, table range key missing", read{withSchema, &paid, "byStatus"}, key("customer", "status", "placed"), `lacks attribute "id"`},
		{"GSI, an extra attribute", read{withSchema, &paid, "byStatus"}, key("customer", "id", "status", "placed", "total"), `["total"] beyond the keys of a query of index byStatus`},
		{"GSI scan, an extra attribute", read{withSchema, nil, "byStatus"}, key("customer", "id", "status", "placed", "x"), `["x"] beyond`},
		{"LSI", read{withSchema, &c1, "byTotal"}, key("customer", "id", "total"), ""},
		{"LSI, an extra attribute", read{withSchema, &c1, "byTotal"}, key("customer", "id", "total", "status"), `["status"] beyond`},
		{"GSI without schema", read{plain, &paid, "byStatus"}, key("customer", "id", "status", "placed"), ""},
		{"GSI without schema, partition missing", read{plain, &paid, "byStatus"}, key("customer", "id", "placed"), `lacks attribute "status"`},
		{"GSI without schema, two unknown", read{plain, &paid, "byStatus"}, key("customer", "id", "status", "placed", "x"), `["placed" "x"] beyond`},
		{"index scan without schema", read{plain, nil, "byStatus"}, key("customer", "id", "status", "placed"), ""},
		{"index scan without schema, three unknown", read{plain, nil, "byStatus"}, key("customer", "id", "status", "placed", "x"), `beyond the keys of a scan of index byStatus`},
		{"index scan without schema, table key missing", read{plain, nil, "byStatus"}, key("customer", "status", "placed"), `lacks attribute "id"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.read.r
			var (
				c   *cursorRead
				err error
			)
			if tc.read.kc != nil {
				c, err = r.queryCursor(*tc.read.kc, QueryOptions{Index: tc.read.index})
			} else {
				c, err = r.scanCursor(ScanOptions{Index: tc.read.index})
			}
			require.NoError(t, err)
			s, err := r.cursors.seal(c, tc.key)
			require.NoError(t, err)
			if tc.read.kc != nil {
				_, err = r.queryInput(*tc.read.kc, QueryOptions{Index: tc.read.index, Cursor: s})
			} else {
				_, err = r.scanInput(ScanOptions{Index: tc.read.index, Cursor: s})
			}
			if tc.msg == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, ErrInvalidCursor)
			assert.Contains(t, err.Error(), tc.msg)
			if tc.read.kc != nil {
				_, err = r.QueryPage(context.Background(), *tc.read.kc, func(o *QueryOptions) { o.Index, o.Cursor = tc.read.index, s })
			} else {
				_, err = r.ScanPage(context.Background(), func(o *ScanOptions) { o.Index, o.Cursor = tc.read.index, s })
			}
			require.ErrorIs(t, err, ErrInvalidCursor, "and no call is made")
		})
	}
}

// TestCursorBodyRoundTrip checks the strict reading of cursor bodies: what
// appendCursorBody writes reads back, and any truncation or trailing byte
// is refused.
func TestCursorBodyRoundTrip(t *testing.T) {
	c := &cursorRead{kind: 'q', table: "Orders", index: "byStatus", partition: [16]byte{1}, shape: [16]byte{2}}
	key := map[string]types.AttributeValue{
		"customer": &types.AttributeValueMemberS{Value: "c1"},
		"total":    &types.AttributeValueMemberN{Value: "-1.5e3"},
		"at":       &types.AttributeValueMemberB{Value: []byte{0, 1, 2}},
	}
	b, err := appendCursorBody(nil, c, key)
	require.NoError(t, err)
	got, gotKey, ok := parseCursorBody(b)
	require.True(t, ok)
	assert.Equal(t, key, gotKey)
	assert.Equal(t, c.kind, got.kind)
	assert.Equal(t, c.table, got.table)
	assert.Equal(t, c.index, got.index)
	assert.Equal(t, c.partition, got.partition)
	assert.Equal(t, c.shape, got.shape)
	for i := range b {
		_, _, ok := parseCursorBody(b[:i])
		assert.False(t, ok, "truncated to %d bytes", i)
	}
	_, _, ok = parseCursorBody(append(b, 0))
	assert.False(t, ok, "a trailing byte")

	_, err = appendCursorBody(nil, c, map[string]types.AttributeValue{"x": &types.AttributeValueMemberBOOL{Value: true}})
	require.Error(t, err)
}

// TestProcessCursorKeyIsRandom: the key of repositories without a secret
// is drawn from crypto/rand, so another process (another draw) cannot open
// this one's cursors.
func TestProcessCursorKeyIsRandom(t *testing.T) {
	r, err := NewRepository[cursorOrder](noCalls{t: t}, "Orders")
	require.NoError(t, err)
	c, err := r.queryCursor(Partition("c1"), QueryOptions{})
	require.NoError(t, err)
	s, err := r.cursors.seal(c, map[string]types.AttributeValue{
		"customer": &types.AttributeValueMemberS{Value: "c1"}, "id": &types.AttributeValueMemberS{Value: "o1"},
	})
	require.NoError(t, err)
	_, err = r.cursors.open(s, c)
	require.NoError(t, err)

	_, err = cursorKeys{}.open(s, c)
	require.NoError(t, err, "the same process")
	var other [32]byte
	_, _ = rand.Read(other[:]) // another process: another draw
	for _, secret := range [][]byte{other[:], make([]byte, 32), []byte("dynamodel cursor v1"), nil} {
		_, err = cursorKeys{aeads: []cipher.AEAD{cursorAEAD(secret)}}.open(s, c)
		require.ErrorIs(t, err, ErrInvalidCursor)
	}
}
