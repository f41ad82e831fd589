package dynamodel_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/dynamotest"
)

// TestProjectionPaths reads parts of documents: paths and a raw projection
// render with a placeholder per name, in every read.
func TestProjectionPaths(t *testing.T) {
	s, got := recordingReads(t)
	docs, err := dynamodel.NewRepository[Doc](s, "Docs")
	require.NoError(t, err)
	ctx := context.Background()
	paths := []string{"labels.a", "name", dynamodel.Name("a.b"), "blob[0]"}
	raw := dynamodel.Raw{Expr: "#n0.#x[1], #p", Names: map[string]string{"#n0": "labels", "#x": "b", "#p": "count"}}
	_, _ = docs.Get(ctx, "d1", func(o *dynamodel.GetOptions) { o.Projection, o.RawProjection = paths, raw })
	_, _ = docs.BatchGet(ctx, []any{"d1"}, func(o *dynamodel.BatchGetOptions) { o.Projection = paths })
	_, _ = docs.QueryCount(ctx, dynamodel.Partition("d1"), func(o *dynamodel.QueryOptions) { o.RawProjection = raw })
	_, _ = dynamodel.First(docs.Scan(ctx, func(o *dynamodel.ScanOptions) { o.RawProjection = raw }))

	assert.Equal(t, []readRequest{
		{"GetItem", false, "#n0.#n1, #n2, #n3, #n4[0], #n0.#n5[1], #n6",
			map[string]string{"#n0": "labels", "#n1": "a", "#n2": "name", "#n3": "a.b", "#n4": "blob", "#n5": "b", "#n6": "count"}},
		{"BatchGetItem", false, "#n0, #n1.#n2, #n3, #n4, #n5[0]",
			map[string]string{"#n0": "id", "#n1": "labels", "#n2": "a", "#n3": "name", "#n4": "a.b", "#n5": "blob"}},
		{"Query", false, "", map[string]string{"#n0": "id"}}, // a count projects nothing
		{"Scan", false, "#n0.#n1[1], #n2", map[string]string{"#n0": "labels", "#n1": "b", "#n2": "count"}},
	}, *got)
}

// TestProjectionMistakes checks the projections DynamoDB would reject,
// before any call.
func TestProjectionMistakes(t *testing.T) {
	docs, err := dynamodel.NewRepository[Doc](newStub(t), "Docs")
	require.NoError(t, err)
	for _, tc := range []struct {
		paths []string
		raw   dynamodel.Raw
		want  string
	}{
		{[]string{"labels", "labels.a"}, dynamodel.Raw{}, `Projection: "labels" and "labels.a" overlap`},
		{[]string{"blob[1]", "blob"}, dynamodel.Raw{}, `Projection: "blob[1]" and "blob" overlap`},
		{[]string{"name", "name"}, dynamodel.Raw{}, `Projection: "name" and "name" overlap`},
		{nil, dynamodel.Raw{Expr: "#a", Names: map[string]string{"#a": "a"}, Values: map[string]any{":v": 1}}, "RawProjection: a projection takes no values"},
		{nil, dynamodel.Raw{Expr: "#a, #b", Names: map[string]string{"#a": "a"}}, "RawProjection: placeholder #b is used but not defined"},
		// Paths of RawProjection overlapping Projection's or each other
		// (dynalite refuses them as DynamoDB does, moto takes the
		// first).
		{[]string{"labels"}, dynamodel.Raw{Expr: "#l.#a", Names: map[string]string{"#l": "labels", "#a": "a"}}, `paths "labels" and "labels"."a" overlap`},
		{[]string{"blob[0]"}, dynamodel.Raw{Expr: "#b", Names: map[string]string{"#b": "blob"}}, `paths "blob"[0] and "blob" overlap`},
		{nil, dynamodel.Raw{Expr: "#c , #c", Names: map[string]string{"#c": "count"}}, `paths "count" and "count" overlap`},
		// One value read as a map and as a list (dynalite: "Two document
		// paths conflict with each other").
		{[]string{"labels.b", "labels[0]"}, dynamodel.Raw{}, `Projection: "labels.b" and "labels[0]" overlap`},
		{[]string{"labels[0].x", "labels.y"}, dynamodel.Raw{}, `Projection: "labels[0].x" and "labels.y" overlap`},
		{nil, dynamodel.Raw{Expr: "#l.#a, #l[0]", Names: map[string]string{"#l": "labels", "#a": "a"}}, `paths "labels"."a" and "labels"[0] overlap`},
		// A path into a key attribute (DynamoDB: "Key attributes must be
		// scalars"; moto takes it).
		{[]string{"id.x"}, dynamodel.Raw{}, `the projection has a path into key attribute "id"`},
		{nil, dynamodel.Raw{Expr: "#i [0]", Names: map[string]string{"#i": "id"}}, `the projection has a path into key attribute "id"`},
	} {
		_, err := docs.Get(ctxT(t), "d1", func(o *dynamodel.GetOptions) { o.Projection, o.RawProjection = tc.paths, tc.raw })
		require.ErrorIs(t, err, dynamodel.ErrInvalidQuery)
		assert.Contains(t, err.Error(), tc.want)
	}
}

// TestEntityProjectionKeepsKeys reads an entity's items with a projection
// that names none of the table's keys: the reads add the key attributes
// (and the EntityType attribute) by which they recognise the item's entity.
// Without them, Get failed with ErrWrongEntity and QueryPage and Scan
// skipped every item as of no entity, returning nothing.
func TestEntityProjectionKeepsKeys(t *testing.T) {
	for name, optFns := range entityTableOptions {
		t.Run(name, func(t *testing.T) {
			shopEngine(t, func(t *testing.T, db *dynamotest.DB, sh shop) {
				ctx := ctxT(t)
				_, err := sh.orders.Create(ctx, order("c1", 1, "open", 1))
				require.NoError(t, err)
				want := ShopOrder{Customer: "c1", Number: 1, Status: "open"} // the key's fields and the projected one
				status := []string{"status"}

				o, err := sh.orders.Get(ctx, sh.orders.Key("c1", 1), func(o *dynamodel.GetOptions) { o.Projection = status })
				require.NoError(t, err)
				assert.Equal(t, want, o)
				page, err := sh.orders.QueryPage(ctx, sh.orders.Partition("c1"), func(o *dynamodel.QueryOptions) { o.Projection = status })
				require.NoError(t, err)
				assert.Equal(t, []ShopOrder{want}, page.Items)
				assert.Zero(t, page.Skipped)
				scanned, err := dynamodel.Collect(sh.orders.Scan(ctx, func(o *dynamodel.ScanOptions) { o.Projection = status }), 0)
				require.NoError(t, err)
				assert.Equal(t, []ShopOrder{want}, scanned)
				var got []ShopOrder
				res, err := sh.table.Collection(dynamodel.AppendTo(sh.orders, &got)).Query(ctx, sh.orders.Partition("c1"), func(o *dynamodel.QueryOptions) { o.Projection = status })
				require.NoError(t, err)
				assert.Equal(t, []ShopOrder{want}, got)
				assert.Zero(t, res.Unknown)

				// On an index, a Collection stopped by a handler makes its
				// cursor of the index's keys, which the projection reads too.
				for n := 2; n <= 3; n++ {
					_, err := sh.orders.Create(ctx, order("c1", n, "open", 1))
					require.NoError(t, err)
				}
				var first, rest []ShopOrder
				stop := dynamodel.On(sh.orders, func(o ShopOrder) error { first = append(first, o); return dynamodel.ErrStop })
				onGSI1 := func(o *dynamodel.QueryOptions) { o.Index, o.Projection = "GSI1", status }
				res, err = sh.table.Collection(stop).Query(ctx, sh.orders.IndexPartition("GSI1", "open"), onGSI1)
				require.NoError(t, err)
				require.NotEmpty(t, res.Cursor)
				_, err = sh.table.Collection(dynamodel.AppendTo(sh.orders, &rest)).Query(ctx, sh.orders.IndexPartition("GSI1", "open"), onGSI1,
					func(o *dynamodel.QueryOptions) { o.Cursor = res.Cursor })
				require.NoError(t, err)
				assert.Len(t, append(first, rest...), 3)
			}, optFns...)
		})
	}
}
