package dynamodel_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/dynamotest"
	"github.com/dynamodel/dynamodel/schema"
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

// TestCursorIsCheckedBeforeAnyCall: a cursor opens only for the read that
// made it (table, index, partition, filter, projection, kind of read) and
// under the keys that sealed it; anything else is ErrInvalidCursor.
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

		// So do one of a filtered, projected query, and one of a scan.
		shaped := func(o *dynamodel.QueryOptions) {
			o.Limit, o.Filter, o.Projection = 1, dynamodel.Equal("status", "paid"), []string{"customer", "id"}
		}
		filtered, err := orders.QueryPage(ctx, dynamodel.Partition("c1"), shaped)
		require.NoError(t, err)
		_, err = orders.QueryPage(ctx, dynamodel.Partition("c1"), shaped, func(o *dynamodel.QueryOptions) { o.Cursor = filtered.Cursor })
		require.NoError(t, err)
		// And one of a query with a sort condition, in either direction.
		sorted, err := orders.QueryPage(ctx, dynamodel.Partition("c1").SortGreaterOrEqual("o000"), func(o *dynamodel.QueryOptions) { o.Limit = 1 })
		require.NoError(t, err)
		next, err = orders.QueryPage(ctx, dynamodel.Partition("c1").SortGreaterOrEqual("o000"), func(o *dynamodel.QueryOptions) { o.Limit, o.Cursor = 1, sorted.Cursor })
		require.NoError(t, err)
		assert.Equal(t, []string{"o001"}, ids(next.Items))
		between, err := orders.QueryPage(ctx, dynamodel.Partition("c1").SortBetween("o000", "o004"), func(o *dynamodel.QueryOptions) { o.Limit, o.Descending = 1, true })
		require.NoError(t, err)
		next, err = orders.QueryPage(ctx, dynamodel.Partition("c1").SortBetween("o000", "o004"), func(o *dynamodel.QueryOptions) { o.Limit, o.Descending, o.Cursor = 1, true, between.Cursor })
		require.NoError(t, err)
		assert.Equal(t, []string{"o003"}, ids(next.Items))
		scanPage, err := orders.ScanPage(ctx, func(o *dynamodel.ScanOptions) { o.Limit = 1 })
		require.NoError(t, err)
		_, err = orders.ScanPage(ctx, func(o *dynamodel.ScanOptions) { o.Limit, o.Cursor = 1, scanPage.Cursor })
		require.NoError(t, err)

		raw, err := base64.RawURLEncoding.DecodeString(good)
		require.NoError(t, err)
		raw[len(raw)/2] ^= 1
		edited := base64.RawURLEncoding.EncodeToString(raw)

		otherSecret := repo[Order](t, db, "Orders", func(o *dynamodel.Options) { o.CursorSecret = []byte("s2") })
		noSecret := repo[Order](t, db, "Orders")
		docs := repo[Doc](t, db, "Docs", func(o *dynamodel.Options) { o.CursorSecret = []byte("s1") })
		query := func(r *dynamodel.Repository[Order], kc dynamodel.KeyCondition, cursor string, optFns ...func(*dynamodel.QueryOptions)) func() error {
			return func() error {
				_, err := r.QueryPage(ctx, kc, append(optFns, func(o *dynamodel.QueryOptions) { o.Cursor = cursor })...)
				return err
			}
		}
		c1 := dynamodel.Partition("c1")
		for _, tc := range []struct {
			name string
			try  func() error
			msg  string
		}{
			{"edited", query(orders, c1, edited), "it was altered"},
			{"truncated", query(orders, c1, good[:len(good)-4]), "it was altered"},
			{"another secret", query(otherSecret, c1, good), "sealed with a key this repository does not hold"},
			{"no secret", query(noSecret, c1, good), "sealed with a key this repository does not hold"},
			{"another table", func() error {
				_, err := docs.ScanPage(ctx, func(o *dynamodel.ScanOptions) { o.Cursor = good })
				return err
			}, fmt.Sprintf("it belongs to a query of table %s, not a scan of table %s", db.Table("Orders"), db.Table("Docs"))},
			{"another index", query(orders, dynamodel.PartitionAttr("customer", "c1"), good, func(o *dynamodel.QueryOptions) { o.Index = "byTotal" }),
				"not a query of index byTotal of table"},
			{"a scan's cursor for a query", query(orders, c1, scanPage.Cursor), "it belongs to a scan of table"},
			{"a query's cursor for a scan", func() error {
				_, err := orders.ScanPage(ctx, func(o *dynamodel.ScanOptions) { o.Cursor = good })
				return err
			}, "it belongs to a query of table"},
			{"another partition", query(orders, dynamodel.Partition("c2"), good), "it belongs to another partition"},
			// DynamoDB (and dynalite) refuse a start key outside the sort
			// condition, moto answers an empty page; in the other
			// direction, both return the items already read.
			{"a sort condition added", query(orders, c1.SortLess("o001"), good), "sort key condition or direction"},
			{"another sort condition", query(orders, c1.SortGreater("o000"), sorted.Cursor, func(o *dynamodel.QueryOptions) { o.Limit = 1 }),
				"sort key condition or direction"},
			{"another sort value", query(orders, c1.SortBetween("o000", "o003"), between.Cursor), "sort key condition or direction"},
			{"the sort condition dropped", query(orders, c1, sorted.Cursor), "sort key condition or direction"},
			{"the other direction", query(orders, c1, good, func(o *dynamodel.QueryOptions) { o.Descending = true }), "sort key condition or direction"},
			{"a filter added", query(orders, c1, good, func(o *dynamodel.QueryOptions) { o.Filter = dynamodel.Equal("status", "paid") }),
				"it belongs to a read with another filter or projection"},
			{"another filter value", query(orders, c1, filtered.Cursor, shaped, func(o *dynamodel.QueryOptions) { o.Filter = dynamodel.Equal("status", "open") }),
				"it belongs to a read with another filter or projection"},
			{"the filter dropped", query(orders, c1, filtered.Cursor, shaped, func(o *dynamodel.QueryOptions) { o.Filter = dynamodel.Condition{} }),
				"it belongs to a read with another filter or projection"},
			{"another projection", query(orders, c1, filtered.Cursor, shaped, func(o *dynamodel.QueryOptions) { o.Projection = []string{"customer", "id", "total"} }),
				"it belongs to a read with another filter or projection"},
			{"a scan's filter", func() error {
				_, err := orders.ScanPage(ctx, func(o *dynamodel.ScanOptions) {
					o.Cursor, o.Filter = scanPage.Cursor, dynamodel.Equal("status", "paid")
				})
				return err
			}, "it belongs to a read with another filter or projection"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				err := tc.try()
				require.ErrorIs(t, err, dynamodel.ErrInvalidCursor)
				assert.Contains(t, err.Error(), tc.msg)
			})
		}
	})
}

// TestCursorPagesThroughIndexes pages through a global and a local
// secondary index, whose cursors hold the table's key and the index's, with
// and without the table's schema (without it, the index key attributes the
// key condition does not name cannot be checked by name, only counted).
func TestCursorPagesThroughIndexes(t *testing.T) {
	ordersTable, err := schema.Load("testdata/tables/orders.json")
	require.NoError(t, err)
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		orders := repo[Order](t, db, "Orders", func(o *dynamodel.Options) { o.Batch.SkipVersionCheck = true })
		putOrders(t, ctx, orders, "c1", 30)
		withSchema := repo[Order](t, db, "Orders", func(o *dynamodel.Options) { o.Schema = ordersTable })
		for name, r := range map[string]*dynamodel.Repository[Order]{"with schema": withSchema, "without": orders} {
			for _, tc := range []struct {
				index string
				kc    dynamodel.KeyCondition
				want  int
			}{
				{"byStatus", dynamodel.PartitionAttr("status", "paid"), 15},
				{"byTotal", dynamodel.PartitionAttr("customer", "c1"), 30},
			} {
				seen, cursor := map[string]bool{}, ""
				for {
					page, err := r.QueryPage(ctx, tc.kc, func(o *dynamodel.QueryOptions) { o.Index, o.Limit, o.Cursor = tc.index, 4, cursor })
					require.NoError(t, err, "%s, %s", name, tc.index)
					for _, o := range page.Items {
						seen[o.ID] = true
					}
					if cursor = page.Cursor; cursor == "" {
						break
					}
				}
				assert.Len(t, seen, tc.want, "%s, %s", name, tc.index)

				seen = map[string]bool{}
				for {
					page, err := r.ScanPage(ctx, func(o *dynamodel.ScanOptions) { o.Index, o.Limit, o.Cursor = tc.index, 7, cursor })
					require.NoError(t, err, "%s, scan %s", name, tc.index)
					for _, o := range page.Items {
						seen[o.ID] = true
					}
					if cursor = page.Cursor; cursor == "" {
						break
					}
				}
				assert.Len(t, seen, 30, "%s, scan %s", name, tc.index)
			}
		}
	})
}

// pagingStub answers every Query and Scan with one item and a
// LastEvaluatedKey holding the key values customer "c1", id "o001".
func pagingStub(t *testing.T) *stub {
	s := newStub(t)
	item := map[string]types.AttributeValue{
		"customer": &types.AttributeValueMemberS{Value: "c1"},
		"id":       &types.AttributeValueMemberS{Value: "o001"},
		"total":    &types.AttributeValueMemberN{Value: "1"},
	}
	lek := map[string]types.AttributeValue{"customer": item["customer"], "id": item["id"]}
	s.query = func(*dynamodb.QueryInput) (*dynamodb.QueryOutput, error) {
		return &dynamodb.QueryOutput{Items: []map[string]types.AttributeValue{item}, LastEvaluatedKey: lek}, nil
	}
	s.scan = func(*dynamodb.ScanInput) (*dynamodb.ScanOutput, error) {
		return &dynamodb.ScanOutput{Items: []map[string]types.AttributeValue{item}, LastEvaluatedKey: lek}, nil
	}
	return s
}

func stubOrders(t *testing.T, s *stub, optFns ...func(*dynamodel.Options)) *dynamodel.Repository[Order] {
	t.Helper()
	r, err := dynamodel.NewRepository[Order](s, "Orders", optFns...)
	require.NoError(t, err)
	return r
}

// queryCursor returns the cursor of a one-item page of partition c1.
func queryCursor(t *testing.T, r *dynamodel.Repository[Order]) string {
	t.Helper()
	page, err := r.QueryPage(context.Background(), dynamodel.Partition("c1"), func(o *dynamodel.QueryOptions) { o.Limit = 1 })
	require.NoError(t, err)
	require.NotEmpty(t, page.Cursor)
	return page.Cursor
}

// resume tries cursor on r's query of partition c1 and returns the error
// and the number of calls made.
func resume(r *dynamodel.Repository[Order], s *stub, cursor string) (calls int, err error) {
	before := len(s.Calls())
	_, err = r.QueryPage(context.Background(), dynamodel.Partition("c1"), func(o *dynamodel.QueryOptions) { o.Limit, o.Cursor = 1, cursor })
	return len(s.Calls()) - before, err
}

// TestCursorMadeWithTheOldConstantKeyIsRejected forges a cursor the way
// anyone could before cursors were sealed with a secret or a per-process
// key: a readable body MACed with the key that was written in the source.
func TestCursorMadeWithTheOldConstantKeyIsRejected(t *testing.T) {
	s := pagingStub(t)
	orders := stubOrders(t, s)
	body := []byte(`{"o":"query","t":"Orders","k":{"customer":["S","c1"],"id":["S","o003"]}}`)
	m := hmac.New(sha256.New, []byte("dynamodel cursor v1"))
	m.Write(body)
	forged := base64.RawURLEncoding.EncodeToString(body) + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
	calls, err := resume(orders, s, forged)
	require.ErrorIs(t, err, dynamodel.ErrInvalidCursor)
	assert.Equal(t, 0, calls)

	// Nor does the same forgery with a secret.
	withSecret := stubOrders(t, s, func(o *dynamodel.Options) { o.CursorSecret = []byte("dynamodel cursor v1") })
	calls, err = resume(withSecret, s, forged)
	require.ErrorIs(t, err, dynamodel.ErrInvalidCursor)
	assert.Equal(t, 0, calls)
}

// TestCursorIsOpaque checks that nothing in a cursor is readable: neither
// the table, nor the index, nor the key's names and values, in the cursor
// or in its decoded bytes; and that two cursors for the same position
// differ (each has a fresh nonce).
func TestCursorIsOpaque(t *testing.T) {
	s := pagingStub(t)
	for name, opt := range map[string]func(*dynamodel.Options){
		"secret":    func(o *dynamodel.Options) { o.CursorSecret = []byte("a secret of at least 32 random bytes") },
		"no secret": func(*dynamodel.Options) {},
	} {
		orders := stubOrders(t, s, opt)
		c := queryCursor(t, orders)
		raw, err := base64.RawURLEncoding.DecodeString(c)
		require.NoError(t, err)
		// Strings of four bytes or more: random text has a two-byte one
		// such as c1 by chance (a few percent of runs), so the customer's
		// value is looked for as JSON would spell it.
		for _, plain := range []string{"Orders", "customer", `"c1"`, "o001", "query"} {
			assert.NotContains(t, c, plain, name)
			assert.False(t, bytes.Contains(raw, []byte(plain)), "%s: %q readable in the cursor", name, plain)
		}
		assert.NotEqual(t, c, queryCursor(t, orders), name)
		_, err = resume(orders, s, c)
		require.NoError(t, err, name)
	}
}

// TestCursorSecretRotation: new cursors are sealed with CursorSecret;
// cursors sealed with any of OldCursorSecrets still open; a repository
// that dropped a secret rejects its cursors.
func TestCursorSecretRotation(t *testing.T) {
	s := pagingStub(t)
	v1 := stubOrders(t, s, func(o *dynamodel.Options) { o.CursorSecret = []byte("secret one") })
	v2 := stubOrders(t, s, func(o *dynamodel.Options) {
		o.CursorSecret, o.OldCursorSecrets = []byte("secret two"), [][]byte{[]byte("secret one")}
	})
	v2only := stubOrders(t, s, func(o *dynamodel.Options) { o.CursorSecret = []byte("secret two") })

	old := queryCursor(t, v1)
	_, err := resume(v2, s, old)
	require.NoError(t, err, "a cursor of the old secret opens during rotation")
	calls, err := resume(v2only, s, old)
	require.ErrorIs(t, err, dynamodel.ErrInvalidCursor, "and not once the old secret is dropped")
	assert.Equal(t, 0, calls)

	fresh := queryCursor(t, v2)
	_, err = resume(v2only, s, fresh)
	require.NoError(t, err, "new cursors are sealed with CursorSecret")
	calls, err = resume(v1, s, fresh)
	require.ErrorIs(t, err, dynamodel.ErrInvalidCursor, "not with an old secret")
	assert.Equal(t, 0, calls)

	_, err = dynamodel.NewRepository[Order](s, "Orders", func(o *dynamodel.Options) { o.OldCursorSecrets = [][]byte{[]byte("x")} })
	require.ErrorContains(t, err, "OldCursorSecrets without a CursorSecret")
	_, err = dynamodel.NewRepository[Order](s, "Orders", func(o *dynamodel.Options) {
		o.CursorSecret, o.OldCursorSecrets = []byte("x"), [][]byte{nil}
	})
	require.ErrorContains(t, err, "OldCursorSecrets[0] is empty")
}

// TestCursorWithoutSecretIsPerProcess: repositories without a secret share
// the process's key, so their cursors open in each other; a repository
// with a secret does not take them.
func TestCursorWithoutSecretIsPerProcess(t *testing.T) {
	s := pagingStub(t)
	a, b := stubOrders(t, s), stubOrders(t, s)
	_, err := resume(b, s, queryCursor(t, a))
	require.NoError(t, err)
	_, err = resume(stubOrders(t, s, func(o *dynamodel.Options) { o.CursorSecret = []byte("s") }), s, queryCursor(t, a))
	require.ErrorIs(t, err, dynamodel.ErrInvalidCursor)
}

// TestCursorWithoutSecretDoesNotCrossProcesses runs this test binary again
// as another process: its cursors, sealed with that process's random key,
// do not open here, nor do this process's there.
func TestCursorWithoutSecretDoesNotCrossProcesses(t *testing.T) {
	s := pagingStub(t)
	orders := stubOrders(t, s)
	if os.Getenv("DYNAMODEL_CURSOR_CHILD") != "" {
		_, err := resume(orders, s, os.Getenv("DYNAMODEL_CURSOR_CHILD"))
		fmt.Printf("cursor=%s\nopened=%v\n", queryCursor(t, orders), err == nil)
		return
	}
	mine := queryCursor(t, orders)
	cmd := exec.Command(os.Args[0], "-test.run=^TestCursorWithoutSecretDoesNotCrossProcesses$", "-test.count=1")
	cmd.Env = append(os.Environ(), "DYNAMODEL_CURSOR_CHILD="+mine)
	out, err := cmd.Output()
	require.NoError(t, err, "%s", out)
	theirs := regexp.MustCompile(`cursor=(\S+)`).FindStringSubmatch(string(out))
	require.Len(t, theirs, 2, "%s", out)
	assert.Contains(t, string(out), "opened=false", "this process's cursor opened in another")
	calls, err := resume(orders, s, theirs[1])
	require.ErrorIs(t, err, dynamodel.ErrInvalidCursor, "another process's cursor opened here")
	assert.Equal(t, 0, calls)
}

// TestCursorMustBeCanonical: a cursor's base64 has exactly one form.
// Variants the lenient decoder would read as the same bytes (padding,
// the standard alphabet, line breaks, stray low bits) are rejected.
func TestCursorMustBeCanonical(t *testing.T) {
	s := pagingStub(t)
	query := s.query
	s.query = func(in *dynamodb.QueryInput) (*dynamodb.QueryOutput, error) {
		out, err := query(in)
		out.LastEvaluatedKey = map[string]types.AttributeValue{ // a length whose base64 has padding bits
			"customer": &types.AttributeValueMemberS{Value: "c1"},
			"id":       &types.AttributeValueMemberS{Value: "o0010"},
		}
		return out, err
	}
	orders := stubOrders(t, s)
	var c string
	for range 1000 {
		if c = queryCursor(t, orders); strings.ContainsAny(c, "-_") {
			break // one with a character of the URL alphabet only
		}
	}
	require.NotZero(t, len(c)%4, "the last character has padding bits")
	raw, err := base64.RawURLEncoding.DecodeString(c)
	require.NoError(t, err)

	alphabet := "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	last := strings.IndexByte(alphabet, c[len(c)-1])
	strayBits := c[:len(c)-1] + string(alphabet[last^1]) // the lowest bit of the last character only pads
	for name, variant := range map[string]string{
		"padded":          c + strings.Repeat("=", 4-len(c)%4),
		"standard":        strings.NewReplacer("-", "+", "_", "/").Replace(c),
		"a line break":    c[:10] + "\n" + c[10:],
		"a carriage ret.": c[:10] + "\r" + c[10:],
		"stray bits":      strayBits,
	} {
		if name != "standard" {
			// The lenient decoder reads these as the cursor's own bytes.
			lenient, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(variant, "="))
			if err == nil {
				require.Equal(t, raw, lenient, name)
			}
		}
		calls, err := resume(orders, s, variant)
		require.ErrorIs(t, err, dynamodel.ErrInvalidCursor, name)
		assert.Contains(t, err.Error(), "not canonical", name)
		assert.Equal(t, 0, calls, name)
	}
	_, err = resume(orders, s, strings.Repeat("A", 40<<10))
	require.ErrorIs(t, err, dynamodel.ErrInvalidCursor)
	assert.Contains(t, err.Error(), "longer than any dynamodel cursor")
}

// TestCursorShapeIsTheRequests: a cursor is bound to the filter as it is
// sent, so a filter that renders the same request (a time compared with a
// sortable time attribute, given in another zone: both are sent as the same
// UTC text) takes the cursor, and one that renders another request does not.
func TestCursorShapeIsTheRequests(t *testing.T) {
	s := newStub(t)
	key := map[string]types.AttributeValue{
		"stream": &types.AttributeValueMemberS{Value: "s"},
		"at":     &types.AttributeValueMemberS{Value: eveningText},
	}
	var filters []map[string]types.AttributeValue
	s.query = func(in *dynamodb.QueryInput) (*dynamodb.QueryOutput, error) {
		filters = append(filters, in.ExpressionAttributeValues)
		return &dynamodb.QueryOutput{Items: []map[string]types.AttributeValue{key}, LastEvaluatedKey: key}, nil
	}
	events, err := dynamodel.NewRepository[Event](s, "Events")
	require.NoError(t, err)
	page := func(due time.Time, cursor string) (dynamodel.Page[Event], error) {
		return events.QueryPage(context.Background(), dynamodel.Partition("s"), func(o *dynamodel.QueryOptions) {
			o.Limit, o.Cursor, o.Filter = 1, cursor, dynamodel.LessOrEqual("due", due)
		})
	}
	first, err := page(evening, "")
	require.NoError(t, err)
	require.NotEmpty(t, first.Cursor)
	_, err = page(evening.UTC(), first.Cursor)
	require.NoError(t, err, "the same instant in UTC is the same request")
	require.Len(t, filters, 2)
	assert.Equal(t, filters[0], filters[1], "both requests send the same values")
	_, err = page(evening.Add(time.Nanosecond), first.Cursor)
	require.ErrorIs(t, err, dynamodel.ErrInvalidCursor)
	assert.Len(t, filters, 2, "no call with a cursor of another filter")
}

// TestCollectionCursorOnAnIndex: a collection query of an index that a
// handler stops (ErrStop) gives a cursor holding the index's key as well as
// the table's, which resumes it; and it takes an entity's key condition of
// the index, as Collection.Query says (and Table.Query one of the table).
func TestCollectionCursorOnAnIndex(t *testing.T) {
	shopEngine(t, func(t *testing.T, db *dynamotest.DB, sh shop) {
		ctx := ctxT(t)
		for n := 1; n <= 5; n++ {
			_, err := sh.orders.Create(ctx, order("c1", n, "open", float64(n)))
			require.NoError(t, err)
		}
		// Table.Query takes an entity's key condition too, as it says.
		items, err := dynamodel.Collect(sh.table.Query(ctx, sh.orders.Partition("c1")), 0)
		require.NoError(t, err)
		assert.Len(t, items, 5)

		for _, kc := range []dynamodel.KeyCondition{
			dynamodel.PartitionAttr("GSI1PK", "STATUS#open"),
			sh.orders.IndexPartition("GSI1", "open"),
		} {
			var got []int
			stop := dynamodel.On(sh.orders, func(o ShopOrder) error {
				if got = append(got, o.Number); len(got) == 2 {
					return dynamodel.ErrStop
				}
				return nil
			})
			onGSI1 := func(o *dynamodel.QueryOptions) { o.Index = "GSI1" }
			res, err := sh.table.Collection(stop).Query(ctx, kc, onGSI1)
			require.NoError(t, err)
			require.NotEmpty(t, res.Cursor)
			var rest []ShopOrder
			_, err = sh.table.Collection(dynamodel.AppendTo(sh.orders, &rest)).Query(ctx, kc, onGSI1, func(o *dynamodel.QueryOptions) { o.Cursor = res.Cursor })
			require.NoError(t, err)
			assert.Equal(t, []int{1, 2}, got)
			assert.Equal(t, []int{3, 4, 5}, numbers(rest))
		}
	})
}

// TestCursorOfABadLastEvaluatedKey answers pages whose LastEvaluatedKey
// could not resume the read (a key attribute missing, one too many, a value
// of no key type or of the wrong one): QueryPage and ScanPage return an
// error matching ErrInvalidItem that names the attribute, not a cursor that
// fails when it comes back.
func TestCursorOfABadLastEvaluatedKey(t *testing.T) {
	s := func(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
	for _, tc := range []struct {
		name string
		lek  map[string]types.AttributeValue
		msg  string
	}{
		{"range key missing", map[string]types.AttributeValue{"customer": s("c1")}, `lacks attribute "id"`},
		{"an extra attribute", map[string]types.AttributeValue{"customer": s("c1"), "id": s("o1"), "x": s("x")}, `["x"] beyond the keys`},
		{"a number for a string", map[string]types.AttributeValue{"customer": s("c1"), "id": &types.AttributeValueMemberN{Value: "1"}}, `"id": want type S, got N`},
		{"a boolean", map[string]types.AttributeValue{"customer": s("c1"), "id": &types.AttributeValueMemberBOOL{Value: true}}, `"id"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := pagingStub(t)
			q, sc := st.query, st.scan
			st.query = func(in *dynamodb.QueryInput) (*dynamodb.QueryOutput, error) {
				out, err := q(in)
				out.LastEvaluatedKey = tc.lek
				return out, err
			}
			st.scan = func(in *dynamodb.ScanInput) (*dynamodb.ScanOutput, error) {
				out, err := sc(in)
				out.LastEvaluatedKey = tc.lek
				return out, err
			}
			orders := stubOrders(t, st)
			page, err := orders.QueryPage(context.Background(), dynamodel.Partition("c1"), func(o *dynamodel.QueryOptions) { o.Limit = 1 })
			require.ErrorIs(t, err, dynamodel.ErrInvalidItem)
			assert.Contains(t, err.Error(), tc.msg)
			assert.Empty(t, page.Cursor)
			_, err = orders.ScanPage(context.Background(), func(o *dynamodel.ScanOptions) { o.Limit = 1 })
			require.ErrorIs(t, err, dynamodel.ErrInvalidItem)
			assert.Contains(t, err.Error(), tc.msg)
		})
	}

	// On an index, a value of no key type in the index's key.
	st := pagingStub(t)
	st.query = func(*dynamodb.QueryInput) (*dynamodb.QueryOutput, error) {
		return &dynamodb.QueryOutput{LastEvaluatedKey: map[string]types.AttributeValue{
			"customer": s("c1"), "id": s("o1"), "status": &types.AttributeValueMemberNULL{Value: true}, "placed": s("p"),
		}}, nil
	}
	_, err := stubOrders(t, st).QueryPage(context.Background(), dynamodel.PartitionAttr("status", "paid").SortAttr("placed"),
		func(o *dynamodel.QueryOptions) { o.Index = "byStatus" })
	require.ErrorIs(t, err, dynamodel.ErrInvalidItem)
	assert.Contains(t, err.Error(), `key attribute "status" is NULL, not a key type`)
}
