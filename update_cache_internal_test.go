package dynamodel

import (
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// cacheOrder has every role, so updates of it get version checks, stamps
// and TTL rewriting.
type cacheOrder struct {
	Customer string    `dynamodbav:"customer" dynamodel:"hash"`
	ID       string    `dynamodbav:"id" dynamodel:"range"`
	Status   string    `dynamodbav:"status,omitempty"`
	Total    int       `dynamodbav:"total"`
	Tags     []string  `dynamodbav:"tags,stringset,omitempty"`
	Version  int64     `dynamodbav:"version" dynamodel:"version"`
	Created  time.Time `dynamodbav:"created" dynamodel:"created"`
	Updated  time.Time `dynamodbav:"updated" dynamodel:"updated"`
	Expires  time.Time `dynamodbav:"expires,omitempty" dynamodel:"ttl"`
}

func cacheRepo(t testing.TB) *Repository[cacheOrder] {
	t.Helper()
	now := time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC)
	r, err := NewRepository[cacheOrder](struct{ API }{}, "Orders", func(o *Options) { o.Clock = func() time.Time { return now } })
	require.NoError(t, err)
	return r
}

// cachedShapes counts the templates of both kinds: updates without a
// caller's condition and updates with one.
func cachedShapes(r *Repository[cacheOrder]) int {
	n := 0
	if m := r.updates.m.Load(); m != nil {
		n += len(*m)
	}
	if m := r.updates.conds.Load(); m != nil {
		n += len(*m)
	}
	return n
}

// TestUpdateCacheMatchesRendering checks that an update of a cached shape
// gets exactly the request a repository that never saw the shape renders,
// for other values than those the shape was cached with.
func TestUpdateCacheMatchesRendering(t *testing.T) {
	key := Key{Hash: "c1", Range: "o1"}
	item := cacheOrder{Customer: "c1", ID: "o1", Version: 7}
	upsert := func(o *UpdateOptions) { o.Upsert = true }
	version := func(o *UpdateOptions) { o.Version = 4 }
	returnOld := func(o *UpdateOptions) { o.Return = ReturnUpdatedOld }
	var c Capacity
	capacity := func(o *UpdateOptions) { o.Capacity = &c }
	prepared, err := PrepareUpdate(struct {
		Status *string `dynamodbav:"status"`
		Total  *int    `dynamodbav:"total"`
	}{Status: new(string), Total: new(int)})
	require.NoError(t, err)
	cases := []struct {
		name string
		key  any
		upd  func(i int) Update
		opts []func(*UpdateOptions)
		cond func(i int) Condition // a caller's condition, with values that change
	}{
		{"set", key, func(i int) Update { return Set("status", fmt.Sprint("s", i)) }, nil, nil},
		{"set and remove", key, func(i int) Update { return Set("total", i).Remove("status") }, nil, nil},
		{"add number", key, func(i int) Update { return Update{}.Add("total", i+1) }, nil, nil},
		{"add and delete sets", key, func(i int) Update {
			return Update{}.Add("tags", []string{fmt.Sprint("t", i)}).Delete("labels", []string{"x", fmt.Sprint(i)})
		}, nil, nil},
		{"appends", key, func(i int) Update {
			return Set("status", "a").Append("log", i, i+1).Append("more", "x").SetIfMissing("first", i)
		}, nil, nil},
		{"ttl as time", key, func(i int) Update { return Set("expires", time.Unix(int64(1800000000+i), 0)) }, nil, nil},
		{"ttl cleared", key, func(i int) Update { return Set("expires", time.Time{}).Set("status", "gone") }, nil, nil},
		{"upsert", key, func(i int) Update { return Set("status", fmt.Sprint(i)) }, []func(*UpdateOptions){upsert}, nil},
		{"version from item", item, func(i int) Update { return Set("total", i) }, nil, nil},
		{"version option", key, func(i int) Update { return Set("total", i) }, []func(*UpdateOptions){version}, nil},
		{"version option upsert", item, func(i int) Update { return Set("total", i).Remove("tags") }, []func(*UpdateOptions){version, upsert}, nil},
		{"sets the updated stamp itself", key, func(i int) Update { return Set("updated", time.Unix(int64(i), 0)) }, nil, nil},
		{"prepared", key, func(int) Update { return prepared }, nil, nil},
		{"return values", item, func(i int) Update { return Set("total", i) }, []func(*UpdateOptions){returnOld, upsert}, nil},
		{"paths", key, func(i int) Update {
			return Set("address.lines[2].text", fmt.Sprint(i)).Remove("tags[1]").Set(Name("a.b"), i).Set(Path("m", "k.x", 1), i)
		}, nil, nil},
		{"counters", key, func(i int) Update {
			return Increment("reactions.heart", i).Decrement("stock", i+1).Add("stats.views", 1)
		}, nil, nil},
		{"lists", key, func(i int) Update {
			return Update{}.Prepend("log", i).Append("history.recent", i, i+1).SetIfMissing("first.seen", i)
		}, []func(*UpdateOptions){upsert}, nil},
		{"prepared with members", key, func(i int) Update {
			u, err := PrepareUpdate(struct {
				Reactions map[string]int `dynamodbav:"reactions" dynamodel:"members,increment"`
			}{Reactions: map[string]int{"heart": i, "smiley": 1}})
			require.NoError(t, err)
			return u
		}, nil, nil},

		{"more strings and numbers than a request holds", key, func(i int) Update {
			u := Update{}
			for j := range requestScalars {
				u = u.Set(fmt.Sprint("s", j), fmt.Sprint(i, j))
			}
			return u.Set("n0", i).Set("n1", i+1)
		}, nil, func(i int) Condition {
			return Less("total", i).And(Equal("status", fmt.Sprint(i)), Less("n0", i+2), Less("n1", i+3))
		}},
		{"capacity", item, func(i int) Update { return Set("total", i) }, []func(*UpdateOptions){capacity, returnOld}, nil},
		{"attribute values", key, func(i int) Update {
			return Set("status", &types.AttributeValueMemberS{Value: fmt.Sprint(i)}).Add("total", &types.AttributeValueMemberN{Value: "2"})
		}, nil, nil},

		{"condition", key, func(i int) Update { return Set("status", fmt.Sprint("s", i)) }, nil,
			func(i int) Condition { return Less("total", i) }},
		{"condition on the names the update changes", key, func(i int) Update {
			return Set("status", fmt.Sprint("s", i)).Add("tags", []string{"t"}).Increment("total", i)
		}, nil, func(i int) Condition {
			return Equal("status", fmt.Sprint("s", i-1)).And(Exists("tags"), Attr("total").Between(0, i))
		}},
		{"condition, version and upsert", item, func(i int) Update { return Set("total", i).Append("log", i) },
			[]func(*UpdateOptions){upsert, returnOld, capacity}, func(i int) Condition {
				return Or(NotExists("customer"), Attr("reactions.heart").Less(i), In("status", "a", fmt.Sprint(i)))
			}},
		{"condition with a time and the key", key, func(i int) Update { return Set("expires", time.Unix(int64(1800000000+i), 0)) }, nil,
			func(i int) Condition { return Less("updated", time.Unix(int64(i), 0)).And(Equal("id", "o1")) }},
		{"raw condition", key, func(i int) Update { return Set("status", fmt.Sprint(i)).Remove("tags[1]") }, nil,
			func(i int) Condition {
				return RawCondition(Raw{Expr: "#t > :min AND #s <> #t", Names: map[string]string{"#t": "total", "#s": "status"}, Values: map[string]any{":min": i}})
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			opts := func(i int) []func(*UpdateOptions) {
				if tc.cond == nil {
					return tc.opts
				}
				return append(slices.Clone(tc.opts), func(o *UpdateOptions) { o.Condition = tc.cond(i) })
			}
			cached := cacheRepo(t)
			_, err := cached.UpdateItemInput(tc.key, tc.upd(1), opts(1)...)
			require.NoError(t, err)
			require.Equal(t, 1, cachedShapes(cached), "the shape is cached")
			for i := 2; i < 5; i++ {
				got, err := cached.UpdateItemInput(tc.key, tc.upd(i), opts(i)...)
				require.NoError(t, err)
				want, err := cacheRepo(t).UpdateItemInput(tc.key, tc.upd(i), opts(i)...)
				require.NoError(t, err)
				assert.Equal(t, want, got)
			}
			assert.Equal(t, 1, cachedShapes(cached), "one shape, cached once")
		})
	}
}

// TestUpdateCacheReturnValues checks that the return choice is part of the
// request, not of the shape: updates that differ only in it share one
// cached shape, and each request asks for its own choice.
func TestUpdateCacheReturnValues(t *testing.T) {
	r := cacheRepo(t)
	key := Key{Hash: "c1", Range: "o1"}
	for _, tc := range []struct {
		choice ReturnValue
		want   types.ReturnValue
	}{
		{ReturnAllNew, types.ReturnValueAllNew},
		{ReturnNone, types.ReturnValueNone},
		{ReturnAllOld, types.ReturnValueAllOld},
		{ReturnUpdatedOld, types.ReturnValueUpdatedOld},
		{ReturnUpdatedNew, types.ReturnValueUpdatedNew},
		{ReturnAllNew, types.ReturnValueAllNew},
	} {
		in, err := r.UpdateItemInput(key, Set("status", "x"), func(o *UpdateOptions) { o.Return = tc.choice })
		require.NoError(t, err)
		assert.Equal(t, tc.want, in.ReturnValues)
		assert.Equal(t, string(tc.want), tc.choice.String())
	}
	assert.Equal(t, 1, cachedShapes(r))
	_, err := r.UpdateItemInput(key, Set("status", "x"), func(o *UpdateOptions) { o.Return = ReturnUpdatedNew + 1 })
	require.ErrorIs(t, err, ErrInvalidUpdate)
	assert.ErrorContains(t, err, "Return is ReturnValue(5)")
}

// TestUpdateCacheCapacity checks that asking for capacity is part of the
// request, not of the shape, like the return choice.
func TestUpdateCacheCapacity(t *testing.T) {
	r := cacheRepo(t)
	key := Key{Hash: "c1", Range: "o1"}
	var c Capacity
	for i := range 4 {
		var opts []func(*UpdateOptions)
		want := types.ReturnConsumedCapacity("")
		if i%2 == 1 {
			opts = append(opts, func(o *UpdateOptions) { o.Capacity = &c })
			want = types.ReturnConsumedCapacityIndexes
		}
		in, err := r.UpdateItemInput(key, Set("status", fmt.Sprint(i)), opts...)
		require.NoError(t, err)
		assert.Equal(t, want, in.ReturnConsumedCapacity, "update %d", i)
	}
	assert.Equal(t, 1, cachedShapes(r))
}

// TestUpdateCacheNoValues checks that an update of a cached shape without
// values has no value map, as a rendered one has none: the service rejects
// an empty map.
func TestUpdateCacheNoValues(t *testing.T) {
	type plain struct {
		ID   string `dynamodbav:"id" dynamodel:"hash"`
		Note string `dynamodbav:"note"`
	}
	r, err := NewRepository[plain](struct{ API }{}, "Plain")
	require.NoError(t, err)
	for range 2 {
		in, err := r.UpdateItemInput("p1", Remove("note"))
		require.NoError(t, err)
		assert.Equal(t, "REMOVE #n1", *in.UpdateExpression)
		assert.Nil(t, in.ExpressionAttributeValues)
		assert.Equal(t, map[string]string{"#n0": "id", "#n1": "note"}, in.ExpressionAttributeNames)
	}
	assert.Len(t, *r.updates.m.Load(), 1)
}

func TestUpdateCacheSkips(t *testing.T) {
	key := Key{Hash: "c1", Range: "o1"}
	r := cacheRepo(t)
	// A caller's condition is rendered every time, and what it renders to
	// is part of the key: a condition of another form is another shape.
	for i := range 4 {
		cond := func(o *UpdateOptions) { o.Condition = Less("total", i) }
		if i >= 2 {
			cond = func(o *UpdateOptions) { o.Condition = Less("status", "x") }
		}
		in, err := r.UpdateItemInput(key, Set("status", "x"), cond)
		require.NoError(t, err)
		assert.Equal(t, "(#n0 < :v0) AND (attribute_exists(#n1))", *in.ConditionExpression)
		assert.Equal(t, []string{"total", "status"}[i/2], in.ExpressionAttributeNames["#n0"])
		want, err := cacheRepo(t).UpdateItemInput(key, Set("status", "x"), cond)
		require.NoError(t, err)
		assert.Equal(t, want, in)
	}
	require.Equal(t, 2, cachedShapes(r))
	r = cacheRepo(t)
	// Nor are updates with more changes than a shape holds.
	var many Update
	for i := range maxShapeOps {
		many = many.Set(fmt.Sprint("a", i), i)
	}
	for range 2 {
		in, err := r.UpdateItemInput(key, many)
		require.NoError(t, err)
		assert.Len(t, in.ExpressionAttributeValues, maxShapeOps+2) // with the version and the stamp
	}
	assert.Equal(t, 0, cachedShapes(r))

	// A cached shape still checks its values.
	_, err := r.UpdateItemInput(key, Set("status", "ok").Delete("tags", []string{"a"}))
	require.NoError(t, err)
	_, err = r.UpdateItemInput(key, Set("status", make(chan int)).Delete("tags", []string{"a"}))
	require.ErrorIs(t, err, ErrInvalidUpdate)
	assert.ErrorContains(t, err, `value at "status"`)
	_, err = r.UpdateItemInput(key, Set("status", "ok").Delete("tags", 3))
	require.ErrorIs(t, err, ErrInvalidUpdate)
	assert.ErrorContains(t, err, "DELETE takes a set")

	// The cache is bounded: past maxShapes, updates are rendered every time.
	for i := range maxShapes + 20 {
		name := fmt.Sprint("attr", i)
		in, err := r.UpdateItemInput(key, Set(name, i))
		require.NoError(t, err)
		assert.Equal(t, name, in.ExpressionAttributeNames["#n1"])
	}
	assert.Equal(t, maxShapes, cachedShapes(r))
}

// TestUpdateCacheRequestsAreTheirOwn checks that changing one request's
// maps does not change the next request of the same shape.
func TestUpdateCacheRequestsAreTheirOwn(t *testing.T) {
	r := cacheRepo(t)
	key := Key{Hash: "c1", Range: "o1"}
	first, err := r.UpdateItemInput(key, Set("status", "a"))
	require.NoError(t, err)
	second, err := r.UpdateItemInput(key, Set("status", "b"))
	require.NoError(t, err)
	second.ExpressionAttributeNames["#n9"] = "changed"
	*second.UpdateExpression = "changed"
	third, err := r.UpdateItemInput(key, Set("status", "c"))
	require.NoError(t, err)
	assert.Equal(t, first.ExpressionAttributeNames, third.ExpressionAttributeNames)
	assert.Equal(t, *first.UpdateExpression, *third.UpdateExpression)
	assert.Equal(t, &types.AttributeValueMemberS{Value: "c"}, third.ExpressionAttributeValues[":v0"])
}

func TestUpdateCacheConcurrent(t *testing.T) {
	r := cacheRepo(t)
	key := Key{Hash: "c1", Range: "o1"}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				name := fmt.Sprint("attr", (g+i)%20)
				in, err := r.UpdateItemInput(key, Set(name, i))
				if !assert.NoError(t, err) {
					return
				}
				assert.Equal(t, name, in.ExpressionAttributeNames["#n1"])
				assert.Equal(t, &types.AttributeValueMemberN{Value: fmt.Sprint(i)}, in.ExpressionAttributeValues[":v0"])
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, 20, cachedShapes(r))
}

// FuzzUpdateCache builds updates from bytes (changes of every kind, on
// names and paths that include the key, the roles, paths inside them,
// overlapping paths, repeats and invalid paths) and checks that a
// repository that has cached many shapes gives exactly what a fresh one
// renders: the same request, or the same error.
func FuzzUpdateCache(f *testing.F) {
	f.Add([]byte{0, 0, 2, 1})
	f.Add([]byte{1, 0, 3, 1, 3, 4, 0, 5, 5, 9})
	f.Add([]byte{6, 2, 6, 2, 4, 7, 3, 1, 8, 0, 1, 9})
	f.Add([]byte{3, 1, 0, 1, 1, 0, 2})
	f.Add([]byte{0x18, 0, 0, 1, 3, 2, 0})                                    // ReturnUpdatedOld
	f.Add([]byte{2, 0, 0, 1, 0xE0, 1, 9, 0xE2, 0, 1, 4, 2, 5, 0xE3, 11, 0})  // conditions
	f.Add([]byte{7, 0xE1, 11, 0, 6, 11, 2, 0xE0, 0, 0, 0, 1, 3, 0xE2, 1, 1}) // conditions on the names changed
	f.Add([]byte{2, 0, 0, 1, 0xE4, 1, 9, 0xE5, 1, 1, 0xE6, 2, 3, 0xE7, 0, 0, 0xE8, 2, 2, 0xE9, 3, 0, 0xEA, 0, 0})
	f.Add([]byte{0, 0, 0, 1, 0xEB, 1, 1, 0xE0, 0, 0}) // a condition of text
	names := []string{"status", "total", "tags", "log", "expires", "updated", "created", "version", "customer", "", "note",
		"reactions.heart", "reactions", "tags[0]", "tags[1]", `"a.b"`, "a.b", "a", "version.x", "id[0]", "log[2].x", "a..b", `"x`}
	values := func(b byte) any {
		switch b % 8 {
		case 0:
			return fmt.Sprint("s", b)
		case 1:
			return int(b)
		case 2:
			return []string{"a", fmt.Sprint(b)}
		case 3:
			return time.Unix(1800000000+int64(b), 0)
		case 4:
			return time.Time{}
		case 5:
			return &types.AttributeValueMemberN{Value: fmt.Sprint(b)}
		case 6:
			return []int{int(b), int(b) + 1}
		default:
			return make(chan int) // cannot be encoded
		}
	}
	cached := cacheRepo(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 1 {
			return
		}
		var key any = Key{Hash: "c1", Range: "o1"}
		var opts []func(*UpdateOptions)
		if data[0]&1 != 0 {
			opts = append(opts, func(o *UpdateOptions) { o.Upsert = true })
		}
		if data[0]&2 != 0 {
			key = cacheOrder{Customer: "c1", ID: "o1", Version: int64(data[0])}
		}
		if data[0]&4 != 0 {
			opts = append(opts, func(o *UpdateOptions) { o.Version = 2 })
		}
		if choice := ReturnValue(data[0] >> 3 % 6); choice != 0 { // 5 is not a choice: an error
			opts = append(opts, func(o *UpdateOptions) { o.Return = choice })
		}
		var upd Update
		var cond Condition // from ops of 0xE0 and above: a caller's condition
		for ops := data[1:]; len(ops) >= 3; ops = ops[3:] {
			name, v := names[int(ops[1])%len(names)], values(ops[2])
			if ops[0] >= 0xE0 {
				switch (ops[0] - 0xE0) % 12 {
				case 0:
					cond = cond.And(Equal(name, v))
				case 1:
					cond = cond.And(Exists(name))
				case 2:
					cond = Or(cond, Attr(name).Less(v))
				case 3:
					cond = cond.And(In(name, v, ops[2]))
				case 4:
					cond = cond.And(Not(Equal(name, v)))
				case 5:
					cond = cond.Or(Between(name, v, ops[2]))
				case 6:
					cond = cond.And(Size(name).GreaterOrEqual(ops[2]))
				case 7:
					cond = cond.And(BeginsWith(name, fmt.Sprint(v)))
				case 8:
					cond = Or(Contains(name, v), cond)
				case 9:
					cond = cond.And(NotExists(name))
				case 10:
					cond = cond.And(HasType(name, "S"))
				case 11:
					cond = cond.And(RawCondition(Raw{Expr: "#a <> :b", Names: map[string]string{"#a": name}, Values: map[string]any{":b": v}}))
				}
				continue
			}
			switch ops[0] % 9 {
			case 0:
				upd = upd.Set(name, v)
			case 1:
				upd = upd.SetIfMissing(name, v)
			case 2:
				upd = upd.Append(name, v)
			case 3:
				upd = upd.Remove(name)
			case 4:
				upd = upd.Add(name, v)
			case 5:
				upd = upd.Delete(name, v)
			case 6:
				upd = upd.Increment(name, v)
			case 7:
				upd = upd.Decrement(name, v)
			case 8:
				upd = upd.Prepend(name, v)
			}
		}
		if !cond.IsZero() {
			opts = append(opts, func(o *UpdateOptions) { o.Condition = cond })
		}
		want, wantErr := cacheRepo(t).UpdateItemInput(key, upd, opts...)
		for range 2 { // the second call of a cacheable shape takes it from the cache
			got, err := cached.UpdateItemInput(key, upd, opts...)
			if wantErr != nil {
				require.EqualError(t, err, wantErr.Error())
				continue
			}
			require.NoError(t, err)
			require.Equal(t, want, got)
		}
	})
}

// TestUpdateCacheBoundedInBytes makes 400 updates, each naming an
// attribute of 60 KB: the cache keeps under 1 MiB of them (it kept 128
// shapes, over 7 MiB, when it counted shapes only), and updates it no
// longer caches are still rendered right.
func TestUpdateCacheBoundedInBytes(t *testing.T) {
	r := cacheRepo(t)
	key := Key{Hash: "c1", Range: "o1"}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := range 400 {
		name := strings.Repeat(string(rune('a'+i%26)), 60*1024) + strconv.Itoa(i)
		in, err := r.UpdateItemInput(key, Set(name, i))
		require.NoError(t, err)
		require.Equal(t, name, in.ExpressionAttributeNames["#n1"])
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	growth := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("%d shapes, %d bytes counted, heap grew %d bytes", cachedShapes(r), r.updates.bytes, growth)
	assert.LessOrEqual(t, r.updates.bytes, maxCacheBytes)
	assert.Less(t, growth, int64(maxCacheBytes+maxCacheBytes/4), "what the cache holds, and little else")
	assert.Greater(t, cachedShapes(r), 10, "it still caches what fits")
	runtime.KeepAlive(r)
}

// TestConditionForms checks what caching an update with a caller's
// condition relies on: a condition's form adds the values rendering
// gives placeholders, in the same order, and conditions of one form
// render to the same expression and names. A condition of text has no
// form.
func TestConditionForms(t *testing.T) {
	m := cacheRepo(t).model
	at := time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC)
	conds := []Condition{
		Equal("status", "a"), Equal("status", "b"), Equal("total", "a"), Attr("status").Equal(Attr("total")),
		Equal("status", Attr("total")), Attr("status").Equal("total"), Size("tags").Less(3), Attr("tags").Less(3),
		Not(Equal("status", "a")), Exists("status"), NotExists("status"), Exists("status.x"), BeginsWith("status", "x"),
		Contains("tags", "x"), Contains("tags", Attr("status")), HasType("status", "S"),
		Between("total", 1, 2), Between("total", Attr("status"), 2), In("status", "a"), In("status", "a", "b"),
		In("status", Attr("total")), Less("updated", at), Less("updated", at.Add(time.Hour)), Less("updated", "x"),
		And(Equal("status", "a"), Exists("total")), Or(Equal("status", "a"), Exists("total")),
		Equal("status", "a").And(Exists("total"), Less("total", 3)),
		And(Equal("status", "a").And(Exists("total")), Less("total", 3)),
		And(Equal("status", "a"), Exists("total").And(Less("total", 3))),
		Equal("status", "a").Or(Exists("total").And(Not(Less("total", 3)))),
	}
	type rendering struct {
		text  string
		names map[string]string
	}
	forms := map[string]rendering{}
	for _, c := range conds {
		var rw, fw exprWriter
		rw.model, fw.model = m, m
		rw.grow(4, 4)
		text, err := c.build(&rw)
		require.NoError(t, err, c.String())
		key, err := c.form(&fw, nil)
		require.NoError(t, err, c.String())
		assert.Equal(t, rw.attributeValues(), fw.attributeValues(), "%s: the form's values are rendering's", text)
		got := rendering{text, rw.names}
		if seen, ok := forms[string(key)]; ok {
			assert.Equal(t, seen, got, "one form, one rendering")
		}
		forms[string(key)] = got
	}
	// Five share a form with one before them: status = "b" and status =
	// "total" (values), status = total written two ways, and the updated
	// comparisons with a later time and with a string.
	assert.Len(t, forms, len(conds)-5, "conditions that differ only in values share a form")

	var w exprWriter
	raw := RawCondition(Raw{Expr: "#a = :b", Names: map[string]string{"#a": "a"}, Values: map[string]any{":b": 1}})
	withRaw := Equal("status", "a").And(raw)
	_, err := withRaw.form(&w, nil)
	assert.ErrorIs(t, err, errNoForm)
}
