package dynamodel_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/dynamotest"
)

// TestPagingVisitsEveryItemOnce pages through 1,000 items 7 at a time, the
// way an API client would, and checks each item comes exactly once.
func TestPagingVisitsEveryItemOnce(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		orders := repo[Order](t, db, "Orders", func(o *dynamodel.Options) {
			o.Batch.SkipVersionCheck = true
			o.CursorSecret = []byte("test secret")
		})
		putOrders(t, ctx, orders, "c1", 1000)
		putOrders(t, ctx, orders, "c2", 100)

		for _, tc := range []struct {
			customer string
			n        int
			desc     bool
		}{{"c1", 1000, false}, {"c2", 100, true}} {
			seen := map[string]int{}
			cursor, pages, last := "", 0, ""
			for {
				page, err := orders.QueryPage(ctx, dynamodel.Partition(tc.customer), func(o *dynamodel.QueryOptions) {
					o.Limit, o.Cursor, o.Descending = 7, cursor, tc.desc
				})
				require.NoError(t, err)
				pages++
				require.LessOrEqual(t, len(page.Items), 7)
				for _, o := range page.Items {
					seen[o.ID]++
					if last != "" {
						require.Equal(t, tc.desc, o.ID < last, "order kept across pages")
					}
					last = o.ID
				}
				if page.Cursor == "" {
					break
				}
				assert.NotContains(t, page.Cursor, "customer", "the cursor is opaque")
				cursor = page.Cursor
			}
			require.Len(t, seen, tc.n)
			for id, n := range seen {
				require.Equal(t, 1, n, id)
			}
			assert.InDelta(t, (tc.n+6)/7, pages, 1)
		}

		// Scans page the same way.
		seen := map[string]int{}
		cursor := ""
		for {
			page, err := orders.ScanPage(ctx, func(o *dynamodel.ScanOptions) { o.Limit, o.Cursor = 50, cursor })
			require.NoError(t, err)
			for _, o := range page.Items {
				seen[o.Customer+"/"+o.ID]++
			}
			if cursor = page.Cursor; cursor == "" {
				break
			}
		}
		require.Len(t, seen, 1100)
		for id, n := range seen {
			require.Equal(t, 1, n, id)
		}
	})
}

func TestCursorIsCheckedBeforeAnyCall(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		secret := func(o *dynamodel.Options) { o.CursorSecret = []byte("s1"); o.Batch.SkipVersionCheck = true }
		orders := repo[Order](t, db, "Orders", secret)
		putOrders(t, ctx, orders, "c1", 5)
		page, err := orders.QueryPage(ctx, dynamodel.Partition("c1"), func(o *dynamodel.QueryOptions) { o.Limit = 2 })
		require.NoError(t, err)
		require.NotEmpty(t, page.Cursor)
		good := page.Cursor

		// The cursor works with the query it came from.
		next, err := orders.QueryPage(ctx, dynamodel.Partition("c1"), func(o *dynamodel.QueryOptions) { o.Limit, o.Cursor = 2, good })
		require.NoError(t, err)
		assert.Equal(t, []string{"o002", "o003"}, ids(next.Items))

		body, mac, _ := strings.Cut(good, ".")
		raw, err := base64.RawURLEncoding.DecodeString(body)
		require.NoError(t, err)
		forged := base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(raw), "o001", "o003", 1))) + "." + mac

		otherSecret := repo[Order](t, db, "Orders", func(o *dynamodel.Options) { o.CursorSecret = []byte("s2") })
		docs := repo[Doc](t, db, "Docs", func(o *dynamodel.Options) { o.CursorSecret = []byte("s1") })
		scanPage, err := orders.ScanPage(ctx, func(o *dynamodel.ScanOptions) { o.Limit = 1 })
		require.NoError(t, err)

		for _, tc := range []struct {
			name string
			try  func() error
			msg  string
		}{
			{"edited", func() error {
				_, err := orders.QueryPage(ctx, dynamodel.Partition("c1"), func(o *dynamodel.QueryOptions) { o.Cursor = forged })
				return err
			}, "it was altered"},
			{"truncated", func() error {
				_, err := orders.QueryPage(ctx, dynamodel.Partition("c1"), func(o *dynamodel.QueryOptions) { o.Cursor = good[:len(good)-3] })
				return err
			}, "it was altered"},
			{"another secret", func() error {
				_, err := otherSecret.QueryPage(ctx, dynamodel.Partition("c1"), func(o *dynamodel.QueryOptions) { o.Cursor = good })
				return err
			}, "made with another CursorSecret"},
			{"another table", func() error {
				_, err := docs.ScanPage(ctx, func(o *dynamodel.ScanOptions) { o.Cursor = good })
				return err
			}, fmt.Sprintf("it belongs to a query of table %s, not a scan of table %s", db.Table("Orders"), db.Table("Docs"))},
			{"another index", func() error {
				_, err := orders.QueryPage(ctx, dynamodel.PartitionAttr("customer", "c1"), func(o *dynamodel.QueryOptions) { o.Cursor, o.Index = good, "byTotal" })
				return err
			}, "not a query of index byTotal of table"},
			{"a scan's cursor for a query", func() error {
				_, err := orders.QueryPage(ctx, dynamodel.Partition("c1"), func(o *dynamodel.QueryOptions) { o.Cursor = scanPage.Cursor })
				return err
			}, "it belongs to a scan of table"},
			{"another partition", func() error {
				_, err := orders.QueryPage(ctx, dynamodel.Partition("c2"), func(o *dynamodel.QueryOptions) { o.Cursor = good })
				return err
			}, "it belongs to another partition"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				err := tc.try()
				require.ErrorIs(t, err, dynamodel.ErrInvalidCursor)
				assert.Contains(t, err.Error(), tc.msg)
			})
		}
	})
}

func TestCursorWithoutSecretStillDetectsEdits(t *testing.T) {
	s := newStub(t)
	orders, err := dynamodel.NewRepository[Order](s, "Orders")
	require.NoError(t, err)
	_, err = orders.QueryPage(context.Background(), dynamodel.Partition("c"), func(o *dynamodel.QueryOptions) {
		o.Cursor = base64.RawURLEncoding.EncodeToString([]byte(`{"o":"query","t":"Orders","k":{"customer":["S","c"],"id":["S","x"]}}`)) + ".AAAA"
	})
	require.ErrorIs(t, err, dynamodel.ErrInvalidCursor)
	assert.Empty(t, s.Calls())
}
