package dynamodel_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"math/rand/v2"
	"net/http"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/codec"
	"github.com/dynamodel/dynamodel/dynamotest"
)

// opResult is what one call gave, for comparing the direct path with the
// SDK's: the value, and the error's class.
type opResult struct {
	value    any
	err      string
	invalid  bool // errors.Is ErrInvalidItem
	notFound bool
	path     string // the *codec.DecodeError's path
}

func resultOf(value any, err error) opResult {
	r := opResult{value: value}
	if err != nil {
		// With an error, a value is whatever decoding filled in before it
		// (in map order): no result.
		r.value = nil
		r.err = err.Error()
		r.invalid = errors.Is(err, dynamodel.ErrInvalidItem)
		r.notFound = errors.Is(err, dynamodel.ErrNotFound)
		var de *codec.DecodeError
		if errors.As(err, &de) {
			r.path = de.Path
		}
	}
	return r
}

// sameResult reports how two results differ ("" when they do not).
func sameResult(d, s opResult) string {
	if (d.err == "") != (s.err == "") || d.invalid != s.invalid || d.notFound != s.notFound || d.path != s.path {
		return "errors differ:\ndirect " + d.err + "\nsdk    " + s.err
	}
	d.err, s.err = "", ""
	if !reflect.DeepEqual(d, s) {
		return "results differ"
	}
	return ""
}

// otherOps makes, with every response answered by rt, the calls whose
// items the direct path decodes besides Get, Query and Scan: BatchGet,
// TransactGet of two types, PutReturning, DeleteReturning and Update (of
// every return choice), on the direct path or through the SDK.
func otherOps(t testing.TB, rt http.RoundTripper, sdk bool, seen *itemsSeen) map[string]opResult {
	opts := func(o *dynamodel.Options) {
		o.DecodeWithSDK = sdk
		o.Batch.MaxAttempts, o.Batch.BaseDelay, o.Batch.MaxDelay = 2, time.Microsecond, time.Microsecond
		if seen != nil {
			o.ClientOptions = append(o.ClientOptions, seen.option)
		}
	}
	client := cannedClient(rt)
	orders, err := dynamodel.NewRepository[Order](client, "Orders", opts)
	require.NoError(t, err)
	users, err := dynamodel.NewRepository[dynamodel.User](client, "Users", opts)
	require.NoError(t, err)
	ctx := context.Background()
	out := map[string]opResult{}

	var c dynamodel.Capacity
	items, err := orders.BatchGet(ctx, []any{
		dynamodel.Key{Hash: "c1", Range: "o1"}, dynamodel.Key{Hash: "c1", Range: "oé\"1"}, dynamodel.Key{Hash: "c1", Range: "o2"},
	}, func(o *dynamodel.BatchGetOptions) { o.Capacity = &c })
	var be *dynamodel.BatchGetError
	if errors.As(err, &be) {
		// The keys read and not read.
		out["batch keys"] = resultOf([2]int{len(be.Read), len(be.NotRead)}, nil)
	}
	out["batch"] = resultOf(items, err)
	out["batch capacity"] = resultOf(c.Usage(), nil)

	o1, u1 := orders.TxGet(dynamodel.Key{Hash: "c1", Range: "o1"}), users.TxGet("ada@example.com")
	err = dynamodel.TransactGet(ctx, client, []dynamodel.TxGetAction{o1, u1}, func(o *dynamodel.TransactOptions) {
		if seen != nil {
			o.ClientOptions = append(o.ClientOptions, seen.option)
		}
	})
	o, of := o1.Result()
	u, uf := u1.Result()
	out["transact"] = resultOf([]any{o, of, u, uf}, err)

	put, err := orders.PutReturning(ctx, Order{Customer: "c1", ID: "o1", Total: 1})
	put.Item = Order{} // its timestamps are the clock's
	out["put"] = resultOf(put, err)

	del, err := orders.DeleteReturning(ctx, dynamodel.Key{Hash: "c1", Range: "o1"})
	out["delete"] = resultOf(del, err)

	for _, rv := range []dynamodel.ReturnValue{dynamodel.ReturnAllNew, dynamodel.ReturnAllOld, dynamodel.ReturnUpdatedOld, dynamodel.ReturnUpdatedNew, dynamodel.ReturnNone} {
		upd, err := orders.Update(ctx, dynamodel.Key{Hash: "c1", Range: "o1"}, dynamodel.Set("note", "n"), func(o *dynamodel.UpdateOptions) { o.Return = rv })
		out["update "+fmt.Sprint(rv)] = resultOf(upd, err)
	}
	return out
}

const directUser = `{"email":{"S":"ada@example.com"},"first_name":{"S":"Ada"}}`

var otherBodies = map[string]string{
	"batch": `{"Responses":{"Orders":[` + strings.ReplaceAll(directItem, `"o\u00e9\"1"`, `"o2"`) + `,` + directItem + `]},"UnprocessedKeys":{},` +
		`"ConsumedCapacity":[{"TableName":"Orders","CapacityUnits":1.5}]}`,
	"batch unasked":        `{"Responses":{"Orders":[` + strings.ReplaceAll(directItem, `"o\u00e9\"1"`, `"o9"`) + `,` + directItem + `]}}`,
	"batch twice":          `{"Responses":{"Orders":[` + directItem + `,` + strings.ReplaceAll(directItem, `"42"`, `"43"`) + `]}}`,
	"batch empty":          `{"Responses":{"Orders":[]},"UnprocessedKeys":{}}`,
	"batch none":           `{"Responses":{}}`,
	"batch no key":         `{"Responses":{"Orders":[{"customer":{"S":"c1"},"total":{"N":"1"}}]}}`,
	"batch number key":     `{"Responses":{"Orders":[{"customer":{"S":"c1"},"id":{"N":"1"}}]}}`,
	"batch binary key":     `{"Responses":{"Orders":[{"customer":{"S":"c1"},"id":{"B":"bzE="}}]}}`,
	"batch key twice":      `{"Responses":{"Orders":[{"customer":{"S":"c1"},"id":{"S":"o1"},"id":{"S":"o2"}}]}}`,
	"batch decode error":   `{"Responses":{"Orders":[{"customer":{"S":"c1"},"id":{"S":"o1"},"total":{"S":"x"}}]}}`,
	"batch other table":    `{"Responses":{"Users":[` + directUser + `]}}`,
	"batch two tables":     `{"Responses":{"Orders":[` + directItem + `],"Users":[` + directUser + `]}}`,
	"batch unprocessed":    `{"Responses":{"Orders":[` + directItem + `]},"UnprocessedKeys":{"Orders":{"Keys":[{"customer":{"S":"c1"},"id":{"S":"o1"}}]}}}`,
	"batch malformed":      `{"Responses":{"Orders":[` + directItem + `,{`,
	"transact":             `{"Responses":[{"Item":` + directItem + `},{"Item":` + directUser + `}],"ConsumedCapacity":[{"TableName":"Orders","CapacityUnits":4}]}`,
	"transact missing":     `{"Responses":[{},{"Item":` + directUser + `}]}`,
	"transact short":       `{"Responses":[{"Item":` + directItem + `}]}`,
	"transact long":        `{"Responses":[{},{},{}]}`,
	"transact empty":       `{"Responses":[]}`,
	"transact empty item":  `{"Responses":[{"Item":{}},{"Item":{}}]}`,
	"transact null item":   `{"Responses":[{"Item":null},{}]}`,
	"transact other":       `{"Responses":[{"Other":1},{}]}`,
	"transact wrong types": `{"Responses":[{"Item":` + directUser + `},{"Item":` + directItem + `}]}`,
	"transact bad user":    `{"Responses":[{"Item":` + directItem + `},{"Item":{"email":{"N":"1"}}}]}`,
	"attributes":           `{"Attributes":` + directItem + `,"ConsumedCapacity":{"TableName":"Orders","CapacityUnits":1}}`,
	"attributes partial":   `{"Attributes":{"note":{"S":"n"},"version":{"N":"4"}}}`,
	"attributes empty":     `{"Attributes":{}}`,
	"attributes null":      `{"Attributes":null}`,
	"attributes twice":     `{"Attributes":` + directItem + `,"Attributes":{}}`,
	"attributes error":     `{"Attributes":{"customer":{"S":"c1"},"id":{"S":"o1"},"tags":{"L":[]}}}`,
	"nothing":              `{}`,
	"not an object":        `[]`,
}

// TestDirectOthersMatchSDK reads each body on the direct path and the
// SDK's with every call of otherOps: the same values (items, their order,
// results of transaction reads, returned items), capacity and error
// classes; and on the direct path the SDK's outputs had no items when the
// direct path took the body.
func TestDirectOthersMatchSDK(t *testing.T) {
	for name, body := range otherBodies {
		t.Run(name, func(t *testing.T) {
			rt := &rawBody{body: []byte(body)}
			seen := &itemsSeen{}
			d, s := otherOps(t, rt, false, seen), otherOps(t, rt, true, nil)
			require.Equal(t, len(s), len(d))
			for op := range s {
				if msg := sameResult(d[op], s[op]); msg != "" {
					t.Fatalf("%s: %s\ndirect %#v\nsdk    %#v", op, msg, d[op], s[op])
				}
			}
			if !strings.Contains(name, " ") && name != "nothing" {
				// The usual bodies: taken, so the SDK's outputs had no items.
				// The last call is Update with ReturnNone: nothing to
				// decode, so no sink; the SDK reads what the body holds.
				require.Len(t, seen.counts, 9)
				for _, n := range seen.counts[:8] {
					require.Zero(t, n, "the SDK's output had items: the direct path was not taken")
				}
			}
		})
	}
	// The usual bodies give what they hold.
	rt := &rawBody{body: []byte(otherBodies["batch"])}
	got := otherOps(t, rt, false, nil)
	items := got["batch"].value.([]Order)
	require.Len(t, items, 2)
	require.Equal(t, []string{"oé\"1", "o2"}, ids(items)) // the order of the keys
	got = otherOps(t, &rawBody{body: []byte(otherBodies["transact"])}, false, nil)
	require.Equal(t, []any{true, dynamodel.User{Email: "ada@example.com", FirstName: "Ada"}, true}, got["transact"].value.([]any)[1:])
	got = otherOps(t, &rawBody{body: []byte(otherBodies["attributes"])}, false, nil)
	require.Equal(t, 42, got["delete"].value.(Order).Total)
	require.Equal(t, 42, got["put"].value.(dynamodel.PutResult[Order]).Old.Total)
	require.Equal(t, 42, got["update ALL_NEW"].value.(Order).Total)
}

// TestDirectOthersCRC32: a body changed in one byte fails with the CRC32
// error in every call of otherOps, on both paths; the intact body is read.
func TestDirectOthersCRC32(t *testing.T) {
	for _, name := range []string{"batch", "transact", "attributes"} {
		body := []byte(otherBodies[name])
		crc := crc32.ChecksumIEEE(body)
		corrupt := bytes.Clone(body)
		corrupt[bytes.Index(corrupt, []byte(`"42"`))+1] = '7'
		for _, sdk := range []bool{false, true} {
			intact, unchecked := otherOps(t, &rawBody{body: body, crc: &crc}, sdk, nil), otherOps(t, &rawBody{body: body, noCRC: true}, sdk, nil)
			for op, r := range intact {
				if msg := sameResult(r, unchecked[op]); msg != "" || strings.Contains(r.err, "checksum") {
					t.Fatalf("%s, DecodeWithSDK %v: intact body: %s: %s: %+v", name, sdk, op, msg, r)
				}
			}
			for op, r := range otherOps(t, &rawBody{body: corrupt, crc: &crc}, sdk, nil) {
				if !strings.HasPrefix(op, "update NONE") && !strings.Contains(op, "capacity") && !strings.Contains(op, "keys") &&
					!strings.Contains(r.err, "did not match expected checksum") {
					t.Fatalf("%s, DecodeWithSDK %v: corrupt body: %s: %+v", name, sdk, op, r)
				}
			}
		}
	}
}

// FuzzDirectOthers changes one of otherBodies in one place (truncates it,
// replaces a byte, inserts a snippet) and checks that every call of
// otherOps gives the same results on the direct path as through the SDK.
func FuzzDirectOthers(f *testing.F) {
	names := make([]string, 0, len(otherBodies))
	for name := range otherBodies {
		names = append(names, name)
	}
	sort.Strings(names)
	for i := range 32 {
		f.Add(uint8(i), uint8(i%4), uint16(i*97), uint8(i))
	}
	snippets := []string{`"`, `\`, `{`, `}`, `[`, `]`, `,`, `:`, "x", "\x00", "\x80", `null`, `{"S":1}`, `{}`,
		`"Responses":{},`, `"Responses":[],`, `"Attributes":{},`, `{"NULL":true}`, `"\u0041"`, ` `, `{"Item":{}},`, `"Orders":[],`}
	f.Fuzz(func(t *testing.T, which, mode uint8, at uint16, snip uint8) {
		body := mutate([]byte(otherBodies[names[int(which)%len(names)]]), mode, at, snippets[int(snip)%len(snippets)])
		rt := &rawBody{body: body}
		d, s := otherOps(t, rt, false, nil), otherOps(t, rt, true, nil)
		for op := range s {
			if msg := sameResult(d[op], s[op]); msg != "" {
				t.Fatalf("%s on %q: %s\ndirect %#v\nsdk    %#v", op, body, msg, d[op], s[op])
			}
		}
	})
}

// TestDirectOthersIntegration makes the calls of otherOps on every engine
// through a repository on the direct path and one decoding with the SDK:
// the same items in the same order (with a projection too), the same
// transaction reads, the same returned items; and the direct repository's
// SDK outputs carried no items.
func TestDirectOthersIntegration(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		seen := &itemsSeen{}
		mode := func(sdk bool) func(o *dynamodel.Options) {
			return func(o *dynamodel.Options) {
				o.Batch.SkipVersionCheck, o.DecodeWithSDK = true, sdk
				if !sdk {
					o.ClientOptions = append(o.ClientOptions, seen.option)
				}
			}
		}
		type repos struct {
			orders *dynamodel.Repository[Order]
			users  *dynamodel.Repository[dynamodel.User]
		}
		direct := repos{repo[Order](t, db, "Orders", mode(false)), repo[dynamodel.User](t, db, "User", mode(false))}
		viaSDK := repos{repo[Order](t, db, "Orders", mode(true)), repo[dynamodel.User](t, db, "User", mode(true))}
		note := "a note: \"quoted\", ünïcode, <tags> & \u2028"
		items := make([]Order, 150)
		var keys []any
		for i := range items {
			items[i] = Order{Customer: fmt.Sprintf("c%d", i%3), ID: fmt.Sprintf("o\u00e9%03d", i), Total: i * 7, Status: []string{"open", "paid"}[i%2]}
			if i%3 == 0 {
				items[i].Tags = []string{"x", fmt.Sprint(i)}
				items[i].Note = &note
			}
			keys = append(keys, dynamodel.Key{Hash: items[i].Customer, Range: items[i].ID})
			if i%10 == 0 {
				keys = append(keys, dynamodel.Key{Hash: "nobody", Range: fmt.Sprint(i)})
			}
		}
		_, err := direct.orders.BatchPut(ctx, items)
		require.NoError(t, err)
		rand.New(rand.NewPCG(1, 2)).Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
		_, err = direct.users.Put(ctx, dynamodel.User{Email: "ada@example.com", FirstName: "Ada"})
		require.NoError(t, err)

		type result struct {
			batch, projected []Order
			usage            dynamodel.Usage
			tx               []any
			put              dynamodel.PutResult[Order]
			updates          []Order
			deleted          Order
			errs             []error
			txErr            error
		}
		calls := func(r repos, id string, txOpts ...func(*dynamodb.Options)) (out result) {
			var c dynamodel.Capacity
			var err error
			out.batch, err = r.orders.BatchGet(ctx, keys, func(o *dynamodel.BatchGetOptions) { o.Capacity = &c })
			out.errs = append(out.errs, err)
			out.usage = c.Usage()
			out.projected, err = r.orders.BatchGet(ctx, keys[:40], func(o *dynamodel.BatchGetOptions) {
				o.Projection, o.ConsistentRead = []string{"total", "tags"}, true
			})
			out.errs = append(out.errs, err)

			o1, u1 := r.orders.TxGet(keys[3]), r.users.TxGet("ada@example.com")
			none := r.orders.TxGet(dynamodel.Key{Hash: "nobody", Range: "x"})
			err = dynamodel.TransactGet(ctx, db.Client, []dynamodel.TxGetAction{o1, none, u1}, func(o *dynamodel.TransactOptions) {
				o.ClientOptions = txOpts
			})
			out.txErr = err
			o, of := o1.Result()
			u, uf := u1.Result()
			n, nf := none.Result()
			out.tx = []any{o, of, u, uf, n, nf}

			item := Order{Customer: "w", ID: id, Total: 1, Note: &note}
			out.put, err = r.orders.PutReturning(ctx, item)
			out.errs = append(out.errs, err)
			item.Total, item.Version = 2, out.put.Item.Version
			replaced, err := r.orders.PutReturning(ctx, item)
			out.errs = append(out.errs, err)
			out.put.Old, out.put.Replaced = replaced.Old, replaced.Replaced
			for _, rv := range []dynamodel.ReturnValue{dynamodel.ReturnAllNew, dynamodel.ReturnAllOld, dynamodel.ReturnUpdatedOld, dynamodel.ReturnUpdatedNew, dynamodel.ReturnNone} {
				upd, err := r.orders.Update(ctx, dynamodel.Key{Hash: "w", Range: id}, dynamodel.Set("status", "s"+fmt.Sprint(rv)).Increment("total", 1),
					func(o *dynamodel.UpdateOptions) { o.Return = rv })
				out.errs = append(out.errs, err)
				out.updates = append(out.updates, upd)
			}
			out.deleted, err = r.orders.DeleteReturning(ctx, dynamodel.Key{Hash: "w", Range: id})
			out.errs = append(out.errs, err)
			_, err = r.orders.DeleteReturning(ctx, dynamodel.Key{Hash: "w", Range: id})
			out.errs = append(out.errs, err)
			return out
		}
		got, want := calls(direct, "direct", seen.option), calls(viaSDK, "direct")
		require.Len(t, got.batch, 150)
		assert.Equal(t, note, *got.batch[slices.IndexFunc(keys, func(k any) bool { return k.(dynamodel.Key).Range == "o\u00e9000" })].Note)
		require.True(t, got.put.Replaced)
		for i := range got.errs {
			if i == len(got.errs)-1 {
				require.ErrorIs(t, got.errs[i], dynamodel.ErrNotFound)
				require.ErrorIs(t, want.errs[i], dynamodel.ErrNotFound)
				continue
			}
			require.NoError(t, got.errs[i], i)
			require.NoError(t, want.errs[i], i)
		}
		var unknown *smithy.GenericAPIError
		txSkip := errors.As(got.txErr, &unknown) && unknown.Code == "UnknownOperationException"
		if !txSkip {
			require.NoError(t, got.txErr)
			require.NoError(t, want.txErr)
			require.True(t, got.tx[1].(bool) && got.tx[3].(bool) && !got.tx[5].(bool))
		}
		got.errs, want.errs, got.txErr, want.txErr = nil, nil, nil, nil
		// Timestamps are the clock's: equal when the calls' seconds are.
		for _, r := range []*result{&got, &want} {
			r.put.Item = Order{}
			for i := range r.updates {
				r.updates[i].Updated, r.updates[i].Created = time.Time{}, time.Time{}
			}
			r.deleted.Updated, r.deleted.Created = time.Time{}, time.Time{}
			r.put.Old.Updated, r.put.Old.Created = time.Time{}, time.Time{}
		}
		assert.Equal(t, want, got)
		require.NotEmpty(t, seen.counts)
		for _, n := range seen.counts {
			require.Zero(t, n, "the SDK's output of a direct read had items")
		}
		if txSkip {
			t.Skipf("the rest matched; %s has no TransactGetItems: %v", db.Engine.Name, unknown)
		}
	})
}

// TestDirectSDKPanic: a body the SDK's own deserializer panics on
// (service/dynamodb v1.74.0: a stray "}" in a BatchGetItem table's list of
// items) is a deserialization error on either path, not a panic of
// BatchGet's goroutines.
func TestDirectSDKPanic(t *testing.T) {
	body := []byte(`{"Responses":{"Orders":[{"customer":{"S":"c1"},"id":{"S":"o1"}}}]},"UnprocessedKeys":{}}`)
	rt := &rawBody{body: body}
	func() {
		defer func() {
			if recover() == nil {
				t.Log("the raw SDK no longer panics on this body")
			}
		}()
		c := cannedClient(rt)
		key := map[string]types.AttributeValue{"customer": &types.AttributeValueMemberS{Value: "c1"}}
		_, _ = c.BatchGetItem(context.Background(), &dynamodb.BatchGetItemInput{
			RequestItems: map[string]types.KeysAndAttributes{"Orders": {Keys: []map[string]types.AttributeValue{key}}}})
	}()
	for _, sdk := range []bool{false, true} {
		r := otherOps(t, rt, sdk, nil)["batch"]
		require.Contains(t, r.err, "deserializer panicked", "DecodeWithSDK %v", sdk)
	}
}
