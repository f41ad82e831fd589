package dynamodel_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/codec"
)

// TestBatchPutOfFlatItemsChecksEveryItemFirst: puts of a flat model are
// checked without being encoded, and every item the check is not sure of
// is then checked by encoding, so the errors are those of any other model:
// the first bad item by its index, or a key seen twice, before any request
// (the API here would panic if called), in batches checked on one core and
// on several.
func TestBatchPutOfFlatItemsChecksEveryItemFirst(t *testing.T) {
	notes, err := dynamodel.NewRepository[Note](struct{ dynamodel.API }{}, "Docs")
	require.NoError(t, err)
	ctx := context.Background()
	for _, n := range []int{10, 3000} {
		items := make([]Note, n)
		for i := range items {
			items[i] = Note{ID: fmt.Sprint("n", i), Count: i}
		}
		bad := func(i int, note Note, want error, text string) {
			t.Helper()
			was := items[i]
			items[i] = note
			defer func() { items[i] = was }()
			_, err := notes.BatchPut(ctx, items)
			require.ErrorIs(t, err, want, "n=%d", n)
			assert.ErrorContains(t, err, fmt.Sprintf("item %d: ", i))
			assert.ErrorContains(t, err, text)
		}
		bad(n-2, Note{}, dynamodel.ErrInvalidKey, "empty string")
		bad(n-2, Note{ID: "a\xffb"}, dynamodel.ErrInvalidKey, "not valid UTF-8")
		bad(n-2, Note{ID: strings.Repeat("k", 2049)}, dynamodel.ErrInvalidKey, "over the 2048-byte limit")
		bad(n-2, Note{ID: "big", Text: strings.Repeat("t", dynamodel.MaxItemSize)}, dynamodel.ErrItemTooLarge, "over the 409600-byte limit")

		items[n-3].ID = items[1].ID
		_, err = notes.BatchPut(ctx, items)
		require.ErrorIs(t, err, dynamodel.ErrDuplicateKey, "n=%d", n)
		assert.ErrorContains(t, err, `id="n1" appears twice`)
		items[n-3].ID = fmt.Sprint("n", n-3)

		_, err = notes.BatchWrite(ctx, items, []any{"x", fmt.Sprint("n", n-1)})
		require.ErrorIs(t, err, dynamodel.ErrDuplicateKey, "a delete of a key put, n=%d", n)
		assert.ErrorContains(t, err, fmt.Sprintf(`id="n%d" appears twice`, n-1))
		_, err = notes.BatchWrite(ctx, items, []any{"x", 7})
		require.ErrorIs(t, err, dynamodel.ErrInvalidKey, "n=%d", n)
		assert.ErrorContains(t, err, "delete 1: ")
	}
}

// TestBatchPutOfFlatItemsAtTheSizeLimit: an item of exactly MaxItemSize is
// sent, one byte more is refused before any call.
func TestBatchPutOfFlatItemsAtTheSizeLimit(t *testing.T) {
	s := newStub(t)
	var sent []map[string]types.AttributeValue
	s.batchPut = func(in *dynamodb.BatchWriteItemInput) (*dynamodb.BatchWriteItemOutput, error) {
		for _, r := range in.RequestItems["Docs"] {
			sent = append(sent, r.PutRequest.Item)
		}
		return &dynamodb.BatchWriteItemOutput{}, nil
	}
	notes, err := dynamodel.NewRepository[Note](s, "Docs")
	require.NoError(t, err)
	big := Note{ID: "big", Count: 1, Text: "t"}
	item, err := codec.Marshal(big)
	require.NoError(t, err)
	big.Text = strings.Repeat("t", 1+dynamodel.MaxItemSize-dynamodel.ItemSize(item))
	item, err = codec.Marshal(big)
	require.NoError(t, err)
	require.Equal(t, dynamodel.MaxItemSize, dynamodel.ItemSize(item))

	_, err = notes.BatchPut(context.Background(), []Note{{ID: "a"}, big})
	require.NoError(t, err)
	require.Len(t, sent, 2)
	assert.Equal(t, item, sent[1])

	big.Text += "t"
	_, err = notes.BatchPut(context.Background(), []Note{{ID: "a"}, big})
	require.ErrorIs(t, err, dynamodel.ErrItemTooLarge)
	assert.ErrorContains(t, err, "item 1: ")
	assert.Len(t, sent, 2, "no request")
}
