package dynamodel_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"net/http"
	"reflect"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go/middleware"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/codec"
	"github.com/dynamodel/dynamodel/dynamotest"
	"github.com/dynamodel/dynamodel/schema"
)

// mutate spoils body for a fuzz test, by mode: 0 leaves it whole, 1 cuts
// it at at, 2 overwrites the byte at at with snippet's first, 3 inserts
// snippet at at (at is taken modulo the body's length plus one).
func mutate(body []byte, mode uint8, at uint16, snippet string) []byte {
	pos := int(at) % (len(body) + 1)
	switch mode % 4 {
	case 1:
		body = body[:pos]
	case 2:
		if pos < len(body) {
			body[pos] = snippet[0]
		}
	case 3:
		body = append(body[:pos:pos], append([]byte(snippet), body[pos:]...)...)
	}
	return body
}

// rawBody answers every request with one response body, with its CRC32
// (of the bytes sent, compressed or not) unless noCRC, gzip-compressed
// when gzip is set.
type rawBody struct {
	body  []byte
	crc   *uint32 // nil: the body's own
	gzip  bool
	noCRC bool
}

func (r *rawBody) RoundTrip(req *http.Request) (*http.Response, error) {
	sent := r.body
	h := http.Header{"Content-Type": {"application/x-amz-json-1.0"}}
	if r.gzip {
		var b bytes.Buffer
		w := gzip.NewWriter(&b)
		_, _ = w.Write(sent)
		_ = w.Close()
		sent = b.Bytes()
		h.Set("Content-Encoding", "gzip")
	}
	crc := crc32.ChecksumIEEE(sent)
	if r.crc != nil {
		crc = *r.crc
	}
	if !r.noCRC {
		h.Set("X-Amz-Crc32", strconv.FormatUint(uint64(crc), 10))
	}
	return &http.Response{StatusCode: 200, Header: h, Body: io.NopCloser(bytes.NewReader(sent)),
		ContentLength: int64(len(sent)), Request: req}, nil
}

// itemsSeen records how many Items the SDK's output of each call had, as
// middleware outside the SDK's deserializer sees it.
type itemsSeen struct {
	mu     sync.Mutex // a parallel scan's calls report at once
	counts []int
}

func (s *itemsSeen) add(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts = append(s.counts, n)
}

func (s *itemsSeen) option(o *dynamodb.Options) {
	o.APIOptions = append(o.APIOptions, func(st *middleware.Stack) error {
		return st.Deserialize.Insert(middleware.DeserializeMiddlewareFunc("itemsSeen", func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
			out, md, err := next.HandleDeserialize(ctx, in)
			switch r := out.Result.(type) {
			case *dynamodb.QueryOutput:
				s.add(len(r.Items))
			case *dynamodb.ScanOutput:
				s.add(len(r.Items))
			case *dynamodb.GetItemOutput:
				s.add(len(r.Item))
			case *dynamodb.BatchGetItemOutput:
				s.add(len(r.Responses))
			case *dynamodb.TransactGetItemsOutput:
				s.add(len(r.Responses))
			case *dynamodb.PutItemOutput:
				s.add(len(r.Attributes))
			case *dynamodb.DeleteItemOutput:
				s.add(len(r.Attributes))
			case *dynamodb.UpdateItemOutput:
				s.add(len(r.Attributes))
			}
			return out, md, err
		}), "OperationDeserializer", middleware.Before)
	})
}

// directResult is what a QueryPage and a ScanPage gave, for comparing the
// direct path with the SDK's.
type directResult struct {
	items   []Order
	cursor  bool
	usage   dynamodel.Usage
	err     string
	invalid bool   // errors.Is ErrInvalidItem
	path    string // the *codec.DecodeError's path
	op      string // the *dynamodel.OpError's operation
}

func readDirect(t *testing.T, rt http.RoundTripper, sdk bool, seen *itemsSeen) (q, s directResult) {
	t.Helper()
	opts := []func(*dynamodel.Options){func(o *dynamodel.Options) { o.DecodeWithSDK = sdk }}
	if seen != nil {
		opts = append(opts, func(o *dynamodel.Options) { o.ClientOptions = append(o.ClientOptions, seen.option) })
	}
	orders, err := dynamodel.NewRepository[Order](cannedClient(rt), "Orders", opts...)
	if err != nil {
		t.Fatal(err)
	}
	result := func(items []Order, cursor string, c *dynamodel.Capacity, err error) directResult {
		r := directResult{items: items, cursor: cursor != "", usage: c.Usage()}
		if err != nil {
			r.err = err.Error()
			r.invalid = errors.Is(err, dynamodel.ErrInvalidItem)
			var de *codec.DecodeError
			if errors.As(err, &de) {
				r.path = de.Path
			}
			var oe *dynamodel.OpError
			if errors.As(err, &oe) {
				r.op = oe.Op
			}
		}
		return r
	}
	var qc, sc dynamodel.Capacity
	qp, qerr := orders.QueryPage(context.Background(), dynamodel.Partition("c1"), func(o *dynamodel.QueryOptions) { o.Capacity = &qc })
	sp, serr := orders.ScanPage(context.Background(), func(o *dynamodel.ScanOptions) { o.Capacity = &sc })
	return result(qp.Items, qp.Cursor, &qc, qerr), result(sp.Items, sp.Cursor, &sc, serr)
}

const directItem = `{"customer":{"S":"c1"},"id":{"S":"o\u00e9\"1"},"total":{"N":"42"},"tags":{"SS":["a","b"]},"note":{"S":"n"},"version":{"N":"3"},"created":{"S":"2026-11-25T09:30:00Z"},"updated":{"S":"2026-11-25T09:30:00.5Z"}}`

var directBodies = map[string]string{
	"page": `{"Items":[` + directItem + `,` + strings.ReplaceAll(directItem, `"42"`, `"43"`) + `],"Count":2,"ScannedCount":5,` +
		`"LastEvaluatedKey":{"customer":{"S":"c1"},"id":{"S":"o2"}},"ConsumedCapacity":{"TableName":"Orders","CapacityUnits":2.5,"ReadCapacityUnits":2.5}}`,
	"empty":           `{"Items":[],"Count":0,"ScannedCount":0}`,
	"spaces":          " { \"Count\" : 1 , \"Items\" :\n [ " + directItem + " ] } ",
	"no items":        `{"Count":0,"ScannedCount":3}`,
	"decode error":    `{"Items":[` + directItem + `,{"customer":{"S":"c1"},"id":{"S":"o2"},"total":{"S":"many"}}],"Count":2}`,
	"unknown member":  `{"Items":[{"customer":{"S":"c1"},"id":{"S":"o3"},"extra":{"M":{"k":{"L":[{"N":"1"},{"NULL":true}]}}}}],"Count":1}`,
	"null attribute":  `{"Items":[{"customer":{"S":"c1"},"id":{"S":"o3"},"note":{"NULL":true},"total":{"NULL":true}}],"Count":1}`,
	"malformed":       `{"Items":[` + directItem + `,{"customer":{"S":"c1"`,
	"items twice":     `{"Items":[` + directItem + `],"Items":[],"Count":1}`,
	"trailing":        `{"Items":[` + directItem + `],"Count":1}x`,
	"two members":     `{"Items":[{"customer":{"S":"c1","N":"1"},"id":{"S":"o3"}}],"Count":1}`,
	"bad after items": `{"Items":[` + directItem + `],"Count":"x"}`,
	"number item":     `{"Items":[1],"Count":1}`,
}

// foreignAttributes are attribute values other clients may have written
// where Order expects another type, or in forms the SDK reads loosely: each
// is read as the only attribute besides the key, on both paths.
var foreignAttributes = map[string]string{
	"number for a string":         `"note":{"N":"5"}`,
	"binary for a string":         `"note":{"B":"aGk="}`,
	"bad base64":                  `"note":{"B":"a*k="}`,
	"map for a string":            `"note":{"M":{"a":{"S":"b"}}}`,
	"null string":                 `"note":{"S":null}`,
	"NULL false":                  `"note":{"NULL":false}`,
	"BOOL as a string":            `"note":{"BOOL":"true"}`,
	"lone surrogate":              `"note":{"S":"a\ud800b"}`,
	"surrogate pair":              `"note":{"S":"\ud83d\ude00"}`,
	"invalid UTF-8":               "\"note\":{\"S\":\"a\xffb\"}",
	"attribute twice":             `"note":{"S":"a"},"note":{"S":"b"}`,
	"name in another case":        `"Note":{"S":"x"}`,
	"list for a string set":       `"tags":{"L":[{"S":"a"}]}`,
	"number set for a string set": `"tags":{"NS":["1","2"]}`,
	"empty string set":            `"tags":{"SS":[]}`,
	"string set with a repeat":    `"tags":{"SS":["a","a"]}`,
	"null in a string set":        `"tags":{"SS":["a",null]}`,
	"string for a number":         `"total":{"S":"42"}`,
	"fraction for an int":         `"total":{"N":"1.5"}`,
	"exponent for an int":         `"total":{"N":"4.2e1"}`,
	"int overflow":                `"total":{"N":"99999999999999999999"}`,
	"huge exponent":               `"total":{"N":"1e400"}`,
	"negative zero":               `"total":{"N":"-0"}`,
	"plus sign":                   `"total":{"N":"+1"}`,
	"empty number":                `"total":{"N":""}`,
	"number as a JSON number":     `"total":{"N":42}`,
	"NULL version":                `"version":{"NULL":true}`,
	"number for a time":           `"created":{"N":"1764062000"}`,
	"time with an offset":         `"created":{"S":"2026-11-25T09:30:00+02:00"}`,
	"time not RFC 3339":           `"created":{"S":"yesterday"}`,
	"bool for a time":             `"created":{"BOOL":true}`,
}

func init() {
	for name, av := range foreignAttributes {
		directBodies[name] = `{"Items":[{"customer":{"S":"c1"},"id":{"S":"o1"},` + av + `}],"Count":1}`
	}
}

// TestDirectMatchesSDK reads each body on the direct path and the SDK's:
// the same items, cursor, capacity and error class (ErrInvalidItem, the
// DecodeError's path and the OpError's operation), and on the direct path the SDK's output had no
// items when the direct path took the body.
func TestDirectMatchesSDK(t *testing.T) {
	for name, body := range directBodies {
		t.Run(name, func(t *testing.T) {
			rt := &rawBody{body: []byte(body)}
			seen := &itemsSeen{}
			dq, ds := readDirect(t, rt, false, seen)
			sq, ss := readDirect(t, rt, true, nil)
			for _, pair := range [][2]directResult{{dq, sq}, {ds, ss}} {
				d, s := pair[0], pair[1]
				if (d.err == "") != (s.err == "") || d.invalid != s.invalid || d.path != s.path || d.op != s.op {
					t.Fatalf("errors differ:\ndirect %q (invalid item %v, path %q, op %q)\nsdk    %q (invalid item %v, path %q, op %q)",
						d.err, d.invalid, d.path, d.op, s.err, s.invalid, s.path, s.op)
				}
				if d.err != "" && d.op == "" {
					t.Fatalf("the error is no *OpError: %q", d.err)
				}
				d.err, s.err = "", ""
				if !reflect.DeepEqual(d, s) {
					t.Fatalf("results differ:\ndirect %+v\nsdk    %+v", d, s)
				}
			}
			if name == "page" {
				if len(dq.items) != 2 || !dq.cursor || reflect.ValueOf(dq.usage.Units).IsZero() {
					t.Fatalf("page read as %+v", dq)
				}
				if !reflect.DeepEqual(seen.counts, []int{0, 0}) {
					t.Fatalf("the SDK's outputs had %v items: the direct path was not taken", seen.counts)
				}
			}
		})
	}
}

// TestDirectCRC32: a body changed in one byte fails with the CRC32 error
// (the SDK alone only logs it), on both paths; an intact one is read.
func TestDirectCRC32(t *testing.T) {
	body := []byte(directBodies["page"])
	crc := crc32.ChecksumIEEE(body)
	corrupt := bytes.Clone(body)
	corrupt[bytes.Index(corrupt, []byte(`"42"`))+1] = '7'
	for _, sdk := range []bool{false, true} {
		q, s := readDirect(t, &rawBody{body: body, crc: &crc}, sdk, nil)
		if q.err != "" || s.err != "" || len(q.items) != 2 {
			t.Fatalf("DecodeWithSDK %v: intact body: %+v, %+v", sdk, q, s)
		}
		q, s = readDirect(t, &rawBody{body: corrupt, crc: &crc}, sdk, nil)
		for _, r := range []directResult{q, s} {
			if !strings.Contains(r.err, "did not match expected checksum") || r.items != nil {
				t.Fatalf("DecodeWithSDK %v: corrupt body: %+v", sdk, r)
			}
		}
	}
	// No checksum header (local engines may send none): nothing to check.
	q, _ := readDirect(t, &rawBody{body: body, noCRC: true}, false, nil)
	if q.err != "" || len(q.items) != 2 {
		t.Fatalf("no checksum: %+v", q)
	}
}

// corruptFirst answers with body, its first bad answers changed in one
// byte (with the CRC32 of the intact body), and counts the requests.
type corruptFirst struct {
	body     []byte
	bad      int
	attempts atomic.Int32
}

func (c *corruptFirst) RoundTrip(req *http.Request) (*http.Response, error) {
	crc := crc32.ChecksumIEEE(c.body)
	sent := c.body
	if int(c.attempts.Add(1)) <= c.bad {
		sent = bytes.Clone(c.body)
		sent[bytes.Index(sent, []byte(`"42"`))+1] = '7'
	}
	return (&rawBody{body: sent, crc: &crc}).RoundTrip(req)
}

// TestDirectCRC32Retried: a read whose body fails its CRC32 is sent again
// by the SDK's retryer, on both paths, and succeeds when the next body is
// intact; a write that returns values is not sent again (it was applied),
// and fails with the CRC32 error.
func TestDirectCRC32Retried(t *testing.T) {
	ctx := context.Background()
	for _, sdk := range []bool{false, true} {
		opts := func(o *dynamodel.Options) { o.DecodeWithSDK = sdk }
		rt := &corruptFirst{body: []byte(directBodies["page"]), bad: 1}
		orders, err := dynamodel.NewRepository[Order](cannedClient(rt), "Orders", opts)
		require.NoError(t, err)
		page, err := orders.QueryPage(ctx, dynamodel.Partition("c1"))
		require.NoError(t, err, "DecodeWithSDK %v", sdk)
		assert.Len(t, page.Items, 2)
		assert.EqualValues(t, 2, rt.attempts.Load(), "DecodeWithSDK %v: the read was sent again", sdk)

		rt = &corruptFirst{body: []byte(otherBodies["attributes"]), bad: 1}
		orders, err = dynamodel.NewRepository[Order](cannedClient(rt), "Orders", opts)
		require.NoError(t, err)
		_, err = orders.PutReturning(ctx, Order{Customer: "c1", ID: "o1", Total: 1})
		require.ErrorContains(t, err, "did not match expected checksum", "DecodeWithSDK %v", sdk)
		assert.EqualValues(t, 1, rt.attempts.Load(), "DecodeWithSDK %v: the write was not sent again", sdk)
	}
}

// declaredLength answers with a body whose response declares a length of
// 256 MiB, far more than the body has.
type declaredLength struct{ body []byte }

func (r *declaredLength) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/x-amz-json-1.0"}},
		Body: io.NopCloser(bytes.NewReader(r.body)), ContentLength: 1 << 28, Request: req}, nil
}

// TestDirectDeclaredLength: reading a response's body costs about the
// bytes that came, not the length the response declares (it made room for
// up to 1 GB before the first byte).
func TestDirectDeclaredLength(t *testing.T) {
	for _, sdk := range []bool{false, true} {
		orders, err := dynamodel.NewRepository[Order](cannedClient(&declaredLength{body: []byte(directBodies["page"])}), "Orders",
			func(o *dynamodel.Options) { o.DecodeWithSDK = sdk })
		require.NoError(t, err)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		page, err := orders.QueryPage(context.Background(), dynamodel.Partition("c1"))
		runtime.ReadMemStats(&after)
		require.NoError(t, err)
		require.Len(t, page.Items, 2)
		if n := after.TotalAlloc - before.TotalAlloc; n > 32<<20 {
			t.Errorf("DecodeWithSDK %v: a page of %d bytes declared as 256 MiB allocated %d MiB", sdk, len(directBodies["page"]), n>>20)
		}
	}
}

// TestDirectGzip: with gzip accepted, the direct path reads the
// decompressed body, and the CRC32 is of the compressed bytes.
func TestDirectGzip(t *testing.T) {
	rt := &rawBody{body: []byte(directBodies["page"]), gzip: true}
	orders, err := dynamodel.NewRepository[Order](cannedClient(rt), "Orders", func(o *dynamodel.Options) {
		o.ClientOptions = append(o.ClientOptions, func(o *dynamodb.Options) { o.EnableAcceptEncodingGzip = true })
	})
	if err != nil {
		t.Fatal(err)
	}
	page, err := orders.QueryPage(context.Background(), dynamodel.Partition("c1"))
	if err != nil || len(page.Items) != 2 || page.Items[1].Total != 43 || page.Cursor == "" {
		t.Fatalf("gzip: %+v, %v", page, err)
	}
}

// TestDirectIntegration reads the same orders through a repository on the
// direct path and one decoding with the SDK, on every engine: the same
// items, counts, capacity, cursors and MaxEvaluated stops; and the direct
// repository's SDK outputs carried no items.
func TestDirectIntegration(t *testing.T) {
	ordersTable, err := schema.Load("testdata/tables/orders.json")
	require.NoError(t, err)
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		seen := &itemsSeen{}
		mode := func(sdk bool) func(o *dynamodel.Options) {
			return func(o *dynamodel.Options) {
				o.Batch.SkipVersionCheck, o.Schema, o.DecodeWithSDK = true, ordersTable, sdk
				if !sdk {
					o.ClientOptions = append(o.ClientOptions, seen.option)
				}
			}
		}
		direct := repo[Order](t, db, "Orders", mode(false))
		viaSDK := repo[Order](t, db, "Orders", mode(true))
		note := "a note: \"quoted\", ünïcode, <tags> & \u2028"
		items := make([]Order, 40)
		for i := range items {
			items[i] = Order{Customer: "c1", ID: fmt.Sprintf("o%03d", i), Total: i * 7, Status: []string{"open", "paid"}[i%2]}
			if i%3 == 0 {
				items[i].Tags = []string{"x", fmt.Sprint(i)}
				items[i].Note = &note
			}
		}
		_, err := direct.BatchPut(ctx, items)
		require.NoError(t, err)

		type result struct {
			items     []Order
			err       error
			usage     dynamodel.Usage
			count     int
			resumed   []Order
			segmented []string
		}
		read := func(r *dynamodel.Repository[Order]) (out [3]result) {
			var c dynamodel.Capacity
			out[0].items, out[0].err = dynamodel.Collect(r.Query(ctx, dynamodel.Partition("c1"), func(o *dynamodel.QueryOptions) {
				o.PageSize, o.Capacity = 7, &c
			}), 0)
			out[0].usage = c.Usage()
			out[0].count, _ = r.QueryCount(ctx, dynamodel.Partition("c1"))

			page, err := r.QueryPage(ctx, dynamodel.Partition("c1"), func(o *dynamodel.QueryOptions) { o.Limit = 9 })
			require.NoError(t, err)
			out[1].items = page.Items
			next, err := r.QueryPage(ctx, dynamodel.Partition("c1"), func(o *dynamodel.QueryOptions) { o.Limit = 9; o.Cursor = page.Cursor })
			require.NoError(t, err)
			out[1].resumed = next.Items

			out[2].items, out[2].err = dynamodel.Collect(r.Query(ctx, dynamodel.Partition("c1"), func(o *dynamodel.QueryOptions) {
				o.PageSize, o.MaxEvaluated = 5, 12
			}), 0)
			scanned, err := dynamodel.Collect(r.Scan(ctx, func(o *dynamodel.ScanOptions) { o.Segments = 3 }), 0)
			require.NoError(t, err)
			out[2].segmented = ids(scanned)
			sort.Strings(out[2].segmented)
			return out
		}
		for _, id := range []string{"o003", "o004", "missing"} {
			key := dynamodel.Key{Hash: "c1", Range: id}
			d, derr := direct.Get(ctx, key)
			v, verr := viaSDK.Get(ctx, key)
			assert.Equal(t, v, d)
			assert.Equal(t, verr == nil, derr == nil)
			assert.Equal(t, errors.Is(verr, dynamodel.ErrNotFound), errors.Is(derr, dynamodel.ErrNotFound))
		}
		got, want := read(direct), read(viaSDK)
		require.NoError(t, got[0].err)
		require.Len(t, got[0].items, 40)
		assert.Equal(t, note, *got[0].items[3].Note)
		assert.ErrorIs(t, got[2].err, dynamodel.ErrMaxEvaluated)
		for i := range got {
			assert.Equal(t, want[i].err, got[i].err)
			got[i].err, want[i].err = nil, nil
		}
		assert.Equal(t, want, got)
		require.NotEmpty(t, seen.counts)
		for _, n := range seen.counts {
			require.Zero(t, n, "the SDK's output of a direct read had items")
		}
	})
}

// FuzzDirect changes a page body in one place (truncates it, replaces a
// byte, inserts a snippet) and checks that QueryPage and ScanPage give the
// same results on the direct path as through the SDK: items, cursor,
// capacity and error class.
func FuzzDirect(f *testing.F) {
	for i := range 32 {
		f.Add(uint8(i%4), uint16(i*97), uint8(i))
	}
	snippets := []string{`"`, `\`, `{`, `}`, `[`, `]`, `,`, `:`, "x", "\x00", "\x80", `null`, `{"S":1}`, `{}`,
		`"Items":[],`, `"Count":7,`, `"items":[],`, `{"NULL":true}`, `"\u0041"`, ` `}
	page := []byte(directBodies["page"])
	f.Fuzz(func(t *testing.T, mode uint8, at uint16, which uint8) {
		body := mutate(bytes.Clone(page), mode, at, snippets[int(which)%len(snippets)])
		rt := &rawBody{body: body}
		dq, ds := readDirect(t, rt, false, nil)
		sq, ss := readDirect(t, rt, true, nil)
		for _, pair := range [][2]directResult{{dq, sq}, {ds, ss}} {
			d, s := pair[0], pair[1]
			if (d.err == "") != (s.err == "") || d.invalid != s.invalid || d.path != s.path {
				t.Fatalf("errors differ on %q:\ndirect %q\nsdk    %q", body, d.err, s.err)
			}
			d.err, s.err = "", ""
			if !reflect.DeepEqual(d, s) {
				t.Fatalf("results differ on %q:\ndirect %+v\nsdk    %+v", body, d, s)
			}
		}
	})
}

// getResult is what a Get and a Lookup gave.
type getResult struct {
	item     Order
	found    bool
	err      string
	notFound bool
	invalid  bool
	path     string
}

func getDirect(t *testing.T, rt http.RoundTripper, sdk bool, seen *itemsSeen) getResult {
	t.Helper()
	orders, err := dynamodel.NewRepository[Order](cannedClient(rt), "Orders", func(o *dynamodel.Options) {
		o.DecodeWithSDK = sdk
		if seen != nil {
			o.ClientOptions = append(o.ClientOptions, seen.option)
		}
	})
	require.NoError(t, err)
	var r getResult
	r.item, err = orders.Get(context.Background(), dynamodel.Key{Hash: "c1", Range: "o1"})
	_, r.found, _ = orders.Lookup(context.Background(), dynamodel.Key{Hash: "c1", Range: "o1"})
	if err != nil {
		r.err = err.Error()
		r.notFound = errors.Is(err, dynamodel.ErrNotFound)
		r.invalid = errors.Is(err, dynamodel.ErrInvalidItem)
		var de *codec.DecodeError
		if errors.As(err, &de) {
			r.path = de.Path
		}
	}
	return r
}

// TestDirectGetMatchesSDK: Get and Lookup give the same item, or the same
// error class, on the direct path as through the SDK.
func TestDirectGetMatchesSDK(t *testing.T) {
	bodies := map[string]string{
		"found":        `{"Item":` + directItem + `,"ConsumedCapacity":{"TableName":"Orders","CapacityUnits":0.5}}`,
		"missing":      `{}`,
		"capacity":     `{"ConsumedCapacity":{"TableName":"Orders","CapacityUnits":0.5}}`,
		"empty item":   `{"Item":{}}`,
		"decode error": `{"Item":{"customer":{"S":"c1"},"id":{"S":"o1"},"total":{"BOOL":true}}}`,
		"malformed":    `{"Item":{"customer":{"S":"c1"}`,
		"null":         `{"Item":null}`,
		"item twice":   `{"Item":` + directItem + `,"Item":{}}`,
	}
	for name, av := range foreignAttributes {
		bodies[name] = `{"Item":{"customer":{"S":"c1"},"id":{"S":"o1"},` + av + `}}`
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			rt := &rawBody{body: []byte(body)}
			seen := &itemsSeen{}
			d, s := getDirect(t, rt, false, seen), getDirect(t, rt, true, nil)
			if (d.err == "") != (s.err == "") || d.notFound != s.notFound || d.invalid != s.invalid || d.path != s.path {
				t.Fatalf("errors differ:\ndirect %q\nsdk    %q", d.err, s.err)
			}
			if d.err != "" {
				// With an error, the item is whatever attributevalue filled
				// in before it (in map order): no result.
				d.item, s.item = Order{}, Order{}
			}
			d.err, s.err = "", ""
			if !reflect.DeepEqual(d, s) {
				t.Fatalf("results differ:\ndirect %+v\nsdk    %+v", d, s)
			}
			if name == "found" && (d.item.Total != 42 || !d.found || !reflect.DeepEqual(seen.counts, []int{0, 0})) {
				t.Fatalf("found: %+v, the SDK's outputs had %v attributes (the direct path leaves none)", d, seen.counts)
			}
		})
	}
}
