package bulk_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/bulk"
	"github.com/dynamodel/dynamodel/dynamotest"
)

// Account is the backfill tests' model.
type Account struct {
	ID         string   `dynamodbav:"id" dynamodel:"hash"`
	Payload    string   `dynamodbav:"payload"`
	Backfilled int      `dynamodbav:"backfilled"`
	Log        []string `dynamodbav:"log,omitempty"`
	Version    int64    `dynamodbav:"version" dynamodel:"version"`
}

// legacyAccount is an account as stored before the model had a version
// (version 0), or with version v.
func legacyAccount(id string, v int) map[string]types.AttributeValue {
	item := map[string]types.AttributeValue{
		"id":      &types.AttributeValueMemberS{Value: id},
		"payload": &types.AttributeValueMemberS{Value: "p-" + id},
		"extra":   &types.AttributeValueMemberS{Value: "not in the model"},
	}
	if v > 0 {
		item["version"] = &types.AttributeValueMemberN{Value: fmt.Sprint(v)}
	}
	return item
}

// versionOneAccounts returns n accounts of version 1, their ids prefix
// followed by two digits.
func versionOneAccounts(prefix string, n int) []map[string]types.AttributeValue {
	items := make([]map[string]types.AttributeValue, n)
	for i := range items {
		items[i] = legacyAccount(fmt.Sprintf("%s%02d", prefix, i), 1)
	}
	return items
}

// addOne is the tests' backfill: it counts itself in Backfilled and Log.
func addOne(a Account) (Account, bulk.Action, error) {
	a.Backfilled++
	a.Log = append(a.Log, "bf")
	return a, bulk.Rewrite, nil
}

func backfillOptions(db *dynamotest.DB, more ...func(*bulk.BackfillOptions)) []func(*bulk.BackfillOptions) {
	return append([]func(*bulk.BackfillOptions){func(o *bulk.BackfillOptions) {
		o.ControlTable = db.Table(bulk.DefaultControlTable)
		o.Segments, o.Concurrency, o.PageSize, o.Lease = 4, 2, 7, 2*time.Second
	}}, more...)
}

func accounts(t testing.TB, db *dynamotest.DB) *dynamodel.Repository[Account] {
	t.Helper()
	repo, err := dynamodel.NewRepository[Account](db.Client, db.Table("Items"))
	require.NoError(t, err)
	return repo
}

// rawByID reads the Items table's items by id.
func rawByID(t testing.TB, db *dynamotest.DB) map[string]map[string]types.AttributeValue {
	return itemsByID(t, db, "Items")
}

// itemsByID reads the items of test table name by id.
func itemsByID(t testing.TB, db *dynamotest.DB, name string) map[string]map[string]types.AttributeValue {
	t.Helper()
	out := map[string]map[string]types.AttributeValue{}
	for _, item := range scanItems(t, db.Client, db.Table(name)) {
		out[item["id"].(*types.AttributeValueMemberS).Value] = item
	}
	return out
}

func numAttr(item map[string]types.AttributeValue, name string) string {
	if n, ok := item[name].(*types.AttributeValueMemberN); ok {
		return n.Value
	}
	return ""
}

func TestBackfill(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := testContext(t)
		var legacy []map[string]types.AttributeValue
		for i := range 60 {
			legacy = append(legacy, legacyAccount(fmt.Sprintf("a%02d", i), []int{0, 3}[i%2]))
		}
		putItems(t, db.Client, db.Table("Items"), legacy)
		repo := accounts(t, db)
		fn := func(a Account) (Account, bulk.Action, error) {
			switch {
			case strings.HasSuffix(a.ID, "5"):
				return a, bulk.Delete, nil
			case strings.HasSuffix(a.ID, "0"):
				return a, bulk.Keep, nil
			}
			return addOne(a)
		}
		var last bulk.Progress
		res, err := bulk.Backfill(ctx, repo, "first", fn, backfillOptions(db, func(o *bulk.BackfillOptions) {
			o.Progress = func(p bulk.Progress) { last = p }
		})...)
		require.NoError(t, err)
		assert.True(t, res.Finished)
		assert.Equal(t, 4, res.Segments)
		assert.Equal(t, int64(60), res.Read)
		assert.Equal(t, int64(6), res.Kept)
		assert.Equal(t, int64(6), res.Deleted)
		assert.Equal(t, int64(48), res.Rewritten)
		assert.Zero(t, res.Failed+res.Skipped+res.Conflicts+res.Takeovers)
		assert.Greater(t, res.ReadUnits, 0.0)
		assert.Greater(t, res.WriteUnits, 0.0)
		assert.True(t, last.Done)
		assert.Equal(t, int64(60), last.Items)

		items := rawByID(t, db)
		assert.Len(t, items, 54)
		for i := range 60 {
			id := fmt.Sprintf("a%02d", i)
			item, ok := items[id]
			switch {
			case i%10 == 5:
				assert.False(t, ok, "%s deleted", id)
			case i%10 == 0:
				assert.Equal(t, legacyAccount(id, []int{0, 3}[i%2]), item, "%s kept as it was", id)
			default:
				assert.Equal(t, "1", numAttr(item, "backfilled"), id)
				assert.Equal(t, []string{"1", "4"}[i%2], numAttr(item, "version"), "%s: the version is incremented (an item without one gets 1)", id)
				assert.Equal(t, "not in the model", item["extra"].(*types.AttributeValueMemberS).Value, "%s: attributes outside the model stay", id)
				assert.Contains(t, item, bulk.DefaultMarker)
			}
		}

		// Starting the run again does nothing.
		res, err = bulk.Backfill(ctx, repo, "first", fn, backfillOptions(db)...)
		require.NoError(t, err)
		assert.Equal(t, bulk.BackfillResult{Finished: true}, res)
		assert.Equal(t, items, rawByID(t, db))
		_, err = bulk.Backfill(ctx, repo, "first", fn, backfillOptions(db, func(o *bulk.BackfillOptions) { o.Segments = 5 })...)
		assert.ErrorIs(t, err, bulk.ErrRunMismatch)
		assert.ErrorContains(t, err, `run "first" has 4 segments, not 5`)

		status, err := bulk.Status(ctx, db.Client, "first", func(o *bulk.StatusOptions) { o.ControlTable = db.Table(bulk.DefaultControlTable) })
		require.NoError(t, err)
		_, err = bulk.Status(ctx, db.Client, "never", func(o *bulk.StatusOptions) { o.ControlTable = db.Table(bulk.DefaultControlTable) })
		assert.ErrorIs(t, err, bulk.ErrNoRun)
		assert.ErrorContains(t, err, `no backfill run "never" in control table `)
		assert.Equal(t, db.Table("Items"), status.Table)
		assert.Equal(t, 4, status.Done())
		assert.False(t, status.Finished.IsZero())
		assert.Equal(t, int64(60), status.Total.Read)
		assert.Equal(t, int64(48), status.Total.Rewritten)

		// Another run is another run: it rewrites the items again.
		res, err = bulk.Backfill(ctx, repo, "second", func(a Account) (Account, bulk.Action, error) { return addOne(a) }, backfillOptions(db)...)
		require.NoError(t, err)
		assert.Equal(t, int64(54), res.Rewritten)
		assert.Equal(t, "2", numAttr(rawByID(t, db)["a01"], "backfilled"))

		// The same run name on another table is an error.
		other, err := dynamodel.NewRepository[Account](db.Client, db.Table("Copy"))
		require.NoError(t, err)
		_, err = bulk.Backfill(ctx, other, "first", fn, backfillOptions(db)...)
		assert.ErrorIs(t, err, bulk.ErrRunMismatch)
	})
}

// TestBackfillConflict: an item changed between the backfill's read and
// its write is read again and the function run again; the change is kept.
func TestBackfillConflict(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := testContext(t)
		putItems(t, db.Client, db.Table("Items"), []map[string]types.AttributeValue{legacyAccount("x", 2), legacyAccount("y", 0)})
		repo := accounts(t, db)
		var (
			mu    sync.Mutex
			calls = map[string]int{}
		)
		fn := func(a Account) (Account, bulk.Action, error) {
			mu.Lock()
			calls[a.ID]++
			first := calls[a.ID] == 1
			mu.Unlock()
			if first {
				// Live traffic changes the item after the backfill read it.
				_, err := repo.Update(ctx, a.ID, dynamodel.Update{}.Append("log", "live"))
				require.NoError(t, err)
			}
			return addOne(a)
		}
		res, err := bulk.Backfill(ctx, repo, "run", fn, backfillOptions(db)...)
		require.NoError(t, err)
		assert.Equal(t, int64(2), res.Conflicts)
		assert.Equal(t, int64(2), res.Rewritten)
		assert.Equal(t, map[string]int{"x": 2, "y": 2}, calls)
		for id, want := range map[string]int64{"x": 4, "y": 2} {
			a, err := repo.Get(ctx, id)
			require.NoError(t, err)
			assert.Equal(t, []string{"live", "bf"}, a.Log, "%s: the live write is kept", id)
			assert.Equal(t, 1, a.Backfilled)
			assert.Equal(t, want, a.Version, "%s: the live write and the backfill", id)
		}
	})
}

// TestBackfillStopAndContinue: a worker stopped in the middle of a page
// gives its segments up; the run, started again, skips the items already
// rewritten (they carry the run's marker) and rewrites each item once.
func TestBackfillStopAndContinue(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := testContext(t)
		putItems(t, db.Client, db.Table("Items"), versionOneAccounts("s", 40))
		repo := accounts(t, db)
		stopCtx, stop := context.WithCancel(ctx)
		var n int
		var mu sync.Mutex
		_, err := bulk.Backfill(stopCtx, repo, "run", func(a Account) (Account, bulk.Action, error) {
			mu.Lock()
			defer mu.Unlock()
			if n++; n == 10 {
				stop() // this item's write fails: nine are rewritten
			}
			return addOne(a)
		}, backfillOptions(db, func(o *bulk.BackfillOptions) { o.Segments, o.Concurrency, o.PageSize = 1, 1, 25 })...)
		require.ErrorIs(t, err, context.Canceled)

		status, err := bulk.Status(ctx, db.Client, "run", func(o *bulk.StatusOptions) { o.ControlTable = db.Table(bulk.DefaultControlTable) })
		require.NoError(t, err)
		assert.Equal(t, bulk.StateExpired, status.Segments[0].State, "given up: any worker may take it")
		assert.Empty(t, status.Segments[0].Owner)

		// A worker that would look for the marker in another attribute
		// would rewrite the nine again.
		_, err = bulk.Backfill(ctx, repo, "run", addOne, backfillOptions(db, func(o *bulk.BackfillOptions) { o.Segments, o.Marker = 0, "other" })...)
		require.ErrorIs(t, err, bulk.ErrRunMismatch)
		assert.ErrorContains(t, err, `run "run" stores its marker in attribute "dynamodel_backfill", not "other"`)

		res, err := bulk.Backfill(ctx, repo, "run", addOne, backfillOptions(db, func(o *bulk.BackfillOptions) { o.Segments = 0 })...)
		require.NoError(t, err)
		assert.Equal(t, int64(9), res.Skipped, "the nine rewritten before the stop")
		assert.Equal(t, int64(31), res.Rewritten)
		for id, item := range rawByID(t, db) {
			assert.Equal(t, "1", numAttr(item, "backfilled"), id)
			assert.Equal(t, "2", numAttr(item, "version"), id)
		}
	})
}

// Plain has no version role.
type Plain struct {
	ID      string `dynamodbav:"id" dynamodel:"hash"`
	Payload string `dynamodbav:"payload"`
	Count   int    `dynamodbav:"count"`
}

// TestBackfillUnversioned: a model without a version needs the opt-in;
// with it each write is conditional on every attribute read, and an item
// whose condition would be over 4 KB is reported, not written.
func TestBackfillUnversioned(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := testContext(t)
		wide := map[string]types.AttributeValue{"id": &types.AttributeValueMemberS{Value: "wide"}}
		for i := range 250 {
			wide[fmt.Sprintf("attribute_with_a_long_name_%03d", i)] = &types.AttributeValueMemberN{Value: "1"}
		}
		putItems(t, db.Client, db.Table("Items"), []map[string]types.AttributeValue{
			{"id": &types.AttributeValueMemberS{Value: "p1"}, "payload": &types.AttributeValueMemberS{Value: "a"}, "count": &types.AttributeValueMemberN{Value: "1"}},
			{"id": &types.AttributeValueMemberS{Value: "p2"}, "payload": &types.AttributeValueMemberS{Value: "b"}},
			wide,
		})
		repo, err := dynamodel.NewRepository[Plain](db.Client, db.Table("Items"))
		require.NoError(t, err)
		var (
			mu    sync.Mutex
			calls = map[string]int{}
		)
		fn := func(p Plain) (Plain, bulk.Action, error) {
			mu.Lock()
			calls[p.ID]++
			first := calls[p.ID] == 1
			mu.Unlock()
			if first && p.ID == "p1" {
				_, err := repo.Update(ctx, p.ID, dynamodel.Set("payload", "changed"))
				require.NoError(t, err)
			}
			p.Count += 10
			return p, bulk.Rewrite, nil
		}
		_, err = bulk.Backfill(ctx, repo, "plain", fn, backfillOptions(db)...)
		assert.ErrorIs(t, err, bulk.ErrNoVersion)

		res, err := bulk.Backfill(ctx, repo, "plain", fn, backfillOptions(db, func(o *bulk.BackfillOptions) { o.Unversioned = true })...)
		var be *bulk.BackfillError
		require.ErrorAs(t, err, &be)
		require.Len(t, be.Items, 1)
		assert.Equal(t, `id="wide"`, be.Items[0].Key)
		assert.ErrorIs(t, be.Items[0].Err, bulk.ErrConditionTooLong)
		assert.Equal(t, int64(1), res.Failed)
		assert.Equal(t, int64(2), res.Rewritten)
		assert.Equal(t, int64(1), res.Conflicts, "the change to p1 was seen")
		p1, err := repo.Get(ctx, "p1")
		require.NoError(t, err)
		assert.Equal(t, Plain{ID: "p1", Payload: "changed", Count: 11}, p1)
		p2, err := repo.Get(ctx, "p2")
		require.NoError(t, err)
		assert.Equal(t, Plain{ID: "p2", Payload: "b", Count: 10}, p2)
		assert.NotContains(t, rawByID(t, db)["wide"], bulk.DefaultMarker, "not written")
	})
}

// TestBackfillFailures: items the function fails on are reported with
// their keys, and the run goes on and finishes.
func TestBackfillFailures(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := testContext(t)
		putItems(t, db.Client, db.Table("Items"), []map[string]types.AttributeValue{
			legacyAccount("ok", 1), legacyAccount("bad", 1), legacyAccount("key", 1),
			{"id": &types.AttributeValueMemberS{Value: "undecodable"}, "backfilled": &types.AttributeValueMemberS{Value: "not a number"}},
		})
		boom := errors.New("boom")
		res, err := bulk.Backfill(ctx, accounts(t, db), "run", func(a Account) (Account, bulk.Action, error) {
			switch a.ID {
			case "bad":
				return a, bulk.Rewrite, boom
			case "key":
				a.ID = "other"
			}
			return addOne(a)
		}, backfillOptions(db)...)
		var be *bulk.BackfillError
		require.ErrorAs(t, err, &be)
		assert.ErrorIs(t, err, bulk.ErrItemsFailed)
		assert.True(t, res.Finished)
		assert.Equal(t, int64(3), res.Failed)
		assert.Equal(t, int64(1), res.Rewritten)
		reasons := map[string]string{}
		for _, f := range be.Items {
			reasons[f.Key] = f.Err.Error()
		}
		assert.Equal(t, "the function failed: boom", reasons[`id="bad"`])
		assert.Equal(t, `the function changed key attribute "id": a backfill rewrites items in place`, reasons[`id="key"`])
		assert.Contains(t, reasons[`id="undecodable"`], "dynamodel: invalid item: decode")
		assert.ErrorIs(t, be.Items[0].Err, be.Items[0].Err)
	})
}

// Dotted has an attribute whose name holds a dot, which a path would
// read as a map member.
type Dotted struct {
	ID      string `dynamodbav:"id" dynamodel:"hash"`
	Dot     string `dynamodbav:"a.b"`
	Version int64  `dynamodbav:"version" dynamodel:"version"`
}

// TestBackfillLiteralNames: attribute names from the model and the marker
// are names, never paths.
func TestBackfillLiteralNames(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := testContext(t)
		putItems(t, db.Client, db.Table("Items"), []map[string]types.AttributeValue{{
			"id":  &types.AttributeValueMemberS{Value: "d"},
			"a.b": &types.AttributeValueMemberS{Value: "before"},
		}})
		repo, err := dynamodel.NewRepository[Dotted](db.Client, db.Table("Items"))
		require.NoError(t, err)
		_, err = bulk.Backfill(ctx, repo, "dots", func(d Dotted) (Dotted, bulk.Action, error) {
			d.Dot = "after"
			return d, bulk.Rewrite, nil
		}, backfillOptions(db, func(o *bulk.BackfillOptions) { o.Marker = "run.marker" })...)
		require.NoError(t, err)
		item := rawByID(t, db)["d"]
		assert.Equal(t, &types.AttributeValueMemberS{Value: "after"}, item["a.b"])
		assert.Contains(t, item, "run.marker")
		assert.NotContains(t, item, "a")
		assert.NotContains(t, item, "run")
	})
}

// loseSaves applies control-table saves and loses the answer of the first
// send of each.
type loseSaves struct {
	control string
	mu      sync.Mutex
	sent    map[string]bool
	lost    atomic.Int64
}

func (l *loseSaves) RoundTrip(req *http.Request) (*http.Response, error) {
	if strings.HasSuffix(req.Header.Get("X-Amz-Target"), "UpdateItem") && req.Body != nil {
		body, _ := io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
		if bytes.Contains(body, []byte(l.control)) && bytes.Contains(body, []byte("ADD")) {
			l.mu.Lock()
			first := !l.sent[string(body)]
			l.sent[string(body)] = true
			l.mu.Unlock()
			if first {
				resp, err := http.DefaultTransport.RoundTrip(req)
				if err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				l.lost.Add(1)
				return nil, &net.OpError{Op: "read", Net: "tcp", Err: os.ErrDeadlineExceeded}
			}
		}
	}
	return http.DefaultTransport.RoundTrip(req)
}

// TestBackfillLostAnswers: when the answer to a save of a segment's
// position is lost and the SDK sends the save again, the counts are added
// once and the worker goes on (a finished segment is counted as finished),
// where the resent save added the page's counts a second time, or, for the
// last page, failed its condition and read as a lost lease.
func TestBackfillLostAnswers(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := testContext(t)
		putItems(t, db.Client, db.Table("Items"), versionOneAccounts("a", 60))
		l := &loseSaves{control: db.Table(bulk.DefaultControlTable), sent: map[string]bool{}}
		client := db.Engine.Client(func(o *dynamodb.Options) { o.HTTPClient = &http.Client{Transport: l} })
		repo, err := dynamodel.NewRepository[Account](client, db.Table("Items"))
		require.NoError(t, err)
		res, err := bulk.Backfill(ctx, repo, "lost-answers", addOne, backfillOptions(db)...)
		require.NoError(t, err)
		require.Positive(t, l.lost.Load())
		status, err := bulk.Status(ctx, db.Client, "lost-answers", func(o *bulk.StatusOptions) { o.ControlTable = db.Table(bulk.DefaultControlTable) })
		require.NoError(t, err)
		assert.Equal(t, int64(60), status.Total.Read)
		assert.Equal(t, int64(60), status.Total.Rewritten)
		assert.Equal(t, int64(60), res.Rewritten)
		assert.Equal(t, 4, res.Segments)
	})
}

// countingTransport counts the requests sent through it.
type countingTransport struct{ n atomic.Int64 }

func (c *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return http.DefaultTransport.RoundTrip(req)
}

// TestBulkInvalidOptions: options a backfill or an export cannot run with
// are refused before any call, where they were written into the run's
// header (a budget of NaN units failed there; 2,000,000 segments made a
// run no worker could scan), cut to int32 (a page size of 2^32 asked for
// pages of 0 items), or panicked (a lease of 2 ns: a ticker of 0).
func TestBulkInvalidOptions(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := testContext(t)
		sent := &countingTransport{}
		client := db.Engine.Client(func(o *dynamodb.Options) { o.HTTPClient = &http.Client{Transport: sent} })
		repo, err := dynamodel.NewRepository[Account](client, db.Table("Items"))
		require.NoError(t, err)
		for name, c := range map[string]struct {
			set  func(*bulk.BackfillOptions)
			want string
		}{
			"segments": {func(o *bulk.BackfillOptions) { o.Segments = 2000000 }, "2000000 segments: DynamoDB scans in at most 1000000"},
			"page":     {func(o *bulk.BackfillOptions) { o.PageSize = 1 << 32 }, "a page size of 4294967296: at most 2147483647"},
			"lease":    {func(o *bulk.BackfillOptions) { o.Lease = 2 }, "a lease of 2ns: at least 100ms"},
			"nan":      {func(o *bulk.BackfillOptions) { o.WriteUnits = math.NaN() }, "a budget of 0 read and NaN write units"},
			"negative": {func(o *bulk.BackfillOptions) { o.ReadUnits = -5 }, "a budget of -5 read and 0 write units"},
			"infinite": {func(o *bulk.BackfillOptions) { o.ReadUnits = math.Inf(1) }, "a budget of +Inf read"},
		} {
			_, err := bulk.Backfill(ctx, repo, "bad-"+name, addOne, backfillOptions(db, c.set)...)
			assert.ErrorIs(t, err, bulk.ErrInvalidOptions, name)
			assert.ErrorContains(t, err, c.want, name)
		}
		for _, set := range []func(*bulk.ExportOptions){
			func(o *bulk.ExportOptions) { o.Segments = 1000001 },
			func(o *bulk.ExportOptions) { o.PageSize = math.MaxInt32 + 1 },
		} {
			_, err := bulk.Export(ctx, client, db.Table("Items"), io.Discard, set)
			assert.ErrorIs(t, err, bulk.ErrInvalidOptions)
			path := filepath.Join(t.TempDir(), "out.json")
			_, err = bulk.ExportFile(ctx, client, db.Table("Items"), path, set)
			assert.ErrorIs(t, err, bulk.ErrInvalidOptions)
			assert.NoFileExists(t, path)
		}
		assert.Zero(t, sent.n.Load(), "no call")
	})
}

// TestBackfillEditedHeader: a run whose header was edited to a segment
// count no run can have is an error matching ErrRunMismatch, as the other
// edited records are, for Status and Backfill, where a negative count
// panicked (a slice of negative length) and a huge one was looped over.
func TestBackfillEditedHeader(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := testContext(t)
		putItems(t, db.Client, db.Table("Items"), []map[string]types.AttributeValue{legacyAccount("x", 1)})
		repo := accounts(t, db)
		control := db.Table(bulk.DefaultControlTable)
		for _, n := range []string{"-5", "0", "5000000"} {
			run := "edited" + n
			_, err := bulk.Backfill(ctx, repo, run, addOne, backfillOptions(db)...)
			require.NoError(t, err)
			_, err = db.Client.UpdateItem(ctx, &dynamodb.UpdateItemInput{
				TableName: &control,
				Key: map[string]types.AttributeValue{
					"run": &types.AttributeValueMemberS{Value: run}, "segment": &types.AttributeValueMemberN{Value: "-1"},
				},
				UpdateExpression:          aws.String("SET #n = :n, #s = :r"),
				ExpressionAttributeNames:  map[string]string{"#n": "segments", "#s": "state"},
				ExpressionAttributeValues: map[string]types.AttributeValue{":n": &types.AttributeValueMemberN{Value: n}, ":r": &types.AttributeValueMemberS{Value: "running"}},
			})
			require.NoError(t, err)
			_, err = bulk.Status(ctx, db.Client, run, func(o *bulk.StatusOptions) { o.ControlTable = control })
			assert.ErrorContains(t, err, "its header says "+n+" segments", n)
			assert.ErrorIs(t, err, bulk.ErrRunMismatch, n)
			_, err = bulk.Backfill(ctx, repo, run, addOne, backfillOptions(db, func(o *bulk.BackfillOptions) { o.Segments = 0 })...)
			assert.ErrorContains(t, err, "its header says "+n+" segments", n)
			assert.ErrorIs(t, err, bulk.ErrRunMismatch, n)
		}
	})
}

// TestBackfillEditedRows: segment records of a run that no worker writes
// (a segment number that is not a whole number or past the header's
// count, a position that is not a map, records whose header was deleted)
// stop Backfill and Status with ErrRunMismatch before any item is
// touched, where they were taken for a segment (0.5 as 0: done, so its
// items were never processed), ignored, read as the segment's start (its
// items read again), or a new header was made (a new marker: items
// rewritten twice).
func TestBackfillEditedRows(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := testContext(t)
		putItems(t, db.Client, db.Table("Items"), versionOneAccounts("a", 6))
		repo := accounts(t, db)
		control := db.Table(bulk.DefaultControlTable)
		s := func(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
		n := func(v string) types.AttributeValue { return &types.AttributeValueMemberN{Value: v} }
		put := func(item map[string]types.AttributeValue) {
			_, err := db.Client.PutItem(ctx, &dynamodb.PutItemInput{TableName: &control, Item: item})
			require.NoError(t, err)
		}
		for _, tc := range []struct {
			name   string
			header bool
			row    map[string]types.AttributeValue
			why    string
		}{
			{"fraction", true, map[string]types.AttributeValue{"segment": n("0.5"), "state": s("done")}, "a record of segment 0.5, not a segment number"},
			{"past", true, map[string]types.AttributeValue{"segment": n("2"), "state": s("done")}, "a record of segment 2, past the header's 2 segments"},
			{"huge", true, map[string]types.AttributeValue{"segment": n("1e100"), "state": s("done")}, "not a segment number"},
			{"position", true, map[string]types.AttributeValue{"segment": n("0"), "state": s("active"), "position": s("x")}, "segment 0's position is a S, not a map"},
			{"no header", false, map[string]types.AttributeValue{"segment": n("0"), "state": s("done")}, "segment records but no header"},
		} {
			run := "edited-" + strings.ReplaceAll(tc.name, " ", "-")
			if tc.header {
				put(map[string]types.AttributeValue{"run": s(run), "segment": n("-1"), "table": s(db.Table("Items")), "segments": n("2"),
					"id": s("abc"), "marker": s(bulk.DefaultMarker), "created": s(time.Now().UTC().Format(time.RFC3339Nano)), "state": s("running")})
			}
			tc.row["run"] = s(run)
			put(tc.row)
			_, err := bulk.Backfill(ctx, repo, run, addOne, backfillOptions(db, func(o *bulk.BackfillOptions) { o.Segments = 0 })...)
			assert.ErrorIs(t, err, bulk.ErrRunMismatch, tc.name)
			assert.ErrorContains(t, err, tc.why, tc.name)
			_, err = bulk.Status(ctx, db.Client, run, func(o *bulk.StatusOptions) { o.ControlTable = control })
			assert.ErrorIs(t, err, bulk.ErrRunMismatch, tc.name)
		}
		for id, it := range rawByID(t, db) {
			assert.Equal(t, "1", numAttr(it, "version"), "%s untouched", id)
		}
	})
}

// TestBackfillConcurrencyBounded: a Concurrency above the run's segment
// count works on every segment at once, where it sized a channel by it
// and panicked (makechan: size out of range).
func TestBackfillConcurrencyBounded(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		putItems(t, db.Client, db.Table("Items"), versionOneAccounts("c", 5))
		res, err := bulk.Backfill(testContext(t), accounts(t, db), "wide", addOne, backfillOptions(db, func(o *bulk.BackfillOptions) {
			o.Segments, o.Concurrency = 2, math.MaxInt
		})...)
		require.NoError(t, err)
		assert.True(t, res.Finished)
		assert.Equal(t, int64(5), res.Rewritten)
	})
}

// TestBackfillHeaderEditedMidRun: a worker that finds its run's segment
// count changed under it stops with ErrRunMismatch, where it went on
// scanning with its own count while workers started later scanned with
// the new one (items missed, or done twice).
func TestBackfillHeaderEditedMidRun(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := testContext(t)
		putItems(t, db.Client, db.Table("Items"), versionOneAccounts("h", 20))
		control := db.Table(bulk.DefaultControlTable)
		var once sync.Once
		edit := func(a Account) (Account, bulk.Action, error) {
			once.Do(func() {
				_, err := db.Client.UpdateItem(ctx, &dynamodb.UpdateItemInput{
					TableName: &control,
					Key: map[string]types.AttributeValue{
						"run": &types.AttributeValueMemberS{Value: "edited-mid-run"}, "segment": &types.AttributeValueMemberN{Value: "-1"},
					},
					UpdateExpression:          aws.String("SET #n = :n"),
					ExpressionAttributeNames:  map[string]string{"#n": "segments"},
					ExpressionAttributeValues: map[string]types.AttributeValue{":n": &types.AttributeValueMemberN{Value: "8"}},
				})
				assert.NoError(t, err)
			})
			return addOne(a)
		}
		_, err := bulk.Backfill(ctx, accounts(t, db), "edited-mid-run", edit, backfillOptions(db)...)
		assert.ErrorIs(t, err, bulk.ErrRunMismatch)
		assert.ErrorContains(t, err, `run "edited-mid-run" has 8 segments now, not the 4 it had when this worker started`)
	})
}
