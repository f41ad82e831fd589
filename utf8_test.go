package dynamodel_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel"
)

// TestStringsNotUTF8AreRefusedBeforeAnyCall: DynamoDB's JSON carries only
// UTF-8, and the SDK would send U+FFFD for each other byte (a value
// changed, and three times the size counted), so a string value that is
// not valid UTF-8 is refused wherever a value is sent: items (put one by
// one, in batches encoded up front and in batches checked without
// encoding), string sets, update values and condition values. The API
// here panics if called.
func TestStringsNotUTF8AreRefusedBeforeAnyCall(t *testing.T) {
	ctx := context.Background()
	api := struct{ dynamodel.API }{}
	notes, err := dynamodel.NewRepository[Note](api, "Docs")
	require.NoError(t, err)
	docs, err := dynamodel.NewRepository[Doc](api, "Docs")
	require.NoError(t, err)
	orders, err := dynamodel.NewRepository[Order](api, "Orders")
	require.NoError(t, err)
	refused := func(err error, sentinel error, text string) {
		t.Helper()
		require.ErrorIs(t, err, sentinel)
		assert.ErrorContains(t, err, "not valid UTF-8")
		assert.ErrorContains(t, err, text)
	}

	_, err = notes.Put(ctx, Note{ID: "a", Text: "x\xffy"})
	refused(err, dynamodel.ErrInvalidItem, `attribute "text"`)
	_, err = docs.BatchPut(ctx, []Doc{{ID: "a"}, {ID: "b", Name: "\xc3"}})
	refused(err, dynamodel.ErrInvalidItem, `item 1: `)
	many := make([]Note, 40)
	for i := range many {
		many[i] = Note{ID: string(rune('a' + i))}
	}
	many[30].Text = "\xed\xa0\x80" // a surrogate, in UTF-8's form
	_, err = notes.BatchPut(ctx, many)
	refused(err, dynamodel.ErrInvalidItem, `item 30: `)
	_, err = orders.Put(ctx, Order{Customer: "c", ID: "o", Tags: []string{"ok", "\xff"}})
	refused(err, dynamodel.ErrInvalidItem, `attribute "tags"`)

	_, err = notes.Update(ctx, "a", dynamodel.Set("text", "\xff"))
	refused(err, dynamodel.ErrInvalidUpdate, "text")
	_, err = notes.Update(ctx, "a", dynamodel.Set("count", 1), func(o *dynamodel.UpdateOptions) {
		o.Condition = dynamodel.Equal("text", "\xff")
	})
	refused(err, dynamodel.ErrInvalidCondition, `value for "text"`)
}
