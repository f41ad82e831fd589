package dynamodel_test

import (
	"context"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/dynamotest"
	"github.com/dynamodel/dynamodel/internal/enginetest"
	"github.com/dynamodel/dynamodel/schema"
)

// Event has a time range key and a time index key (testdata/keytime): both
// are stored sortably. Seen is a plain time, stored as attributevalue does.
type Event struct {
	Stream  string    `dynamodbav:"stream" dynamodel:"hash"`
	At      time.Time `dynamodbav:"at" dynamodel:"range"`
	Kind    string    `dynamodbav:"kind,omitempty"`
	Due     time.Time `dynamodbav:"due" dynamodel:",indexkey"`
	Touched time.Time `dynamodbav:"touched" dynamodel:"updated,indexkey"`
	Seen    time.Time `dynamodbav:"seen"`
}

// LegacyEvent is Event for a table whose time keys attributevalue wrote.
type LegacyEvent struct {
	Stream string    `dynamodbav:"stream" dynamodel:"hash"`
	At     time.Time `dynamodbav:"at" dynamodel:"range,legacytime"`
	Kind   string    `dynamodbav:"kind,omitempty"`
	Due    time.Time `dynamodbav:"due" dynamodel:",indexkey,legacytime"`
}

// The counterexamples, and the text each time key is stored as.
var (
	est = time.FixedZone("EST", -5*3600)
	// A whole second, whose RFC3339Nano text sorts after the next half second.
	whole = time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC)
	half  = whole.Add(500 * time.Millisecond)
	// A -05:00 evening, whose RFC3339Nano text begins with the day before its
	// UTC date.
	evening = time.Date(2026, 1, 2, 22, 0, 0, 250_000_000, est)
)

const eveningText = "2026-01-03T03:00:00.250000000Z"

func sval(t *testing.T, av types.AttributeValue) string {
	t.Helper()
	s, ok := av.(*types.AttributeValueMemberS)
	require.True(t, ok, "want S, got %T", av)
	return s.Value
}

// wireStub answers every call and records the requests.
func wireStub(t *testing.T) (*stub, *wire) {
	s := newStub(t)
	w := &wire{}
	s.put = func(in *dynamodb.PutItemInput) (*dynamodb.PutItemOutput, error) {
		w.add("put", in.Item)
		return &dynamodb.PutItemOutput{}, nil
	}
	s.get = func(in *dynamodb.GetItemInput) (*dynamodb.GetItemOutput, error) {
		w.add("get", in.Key)
		return &dynamodb.GetItemOutput{Item: in.Key}, nil
	}
	s.del = func(in *dynamodb.DeleteItemInput) (*dynamodb.DeleteItemOutput, error) {
		w.add("delete", in.Key)
		return &dynamodb.DeleteItemOutput{}, nil
	}
	s.update = func(in *dynamodb.UpdateItemInput) (*dynamodb.UpdateItemOutput, error) {
		w.add("update", in.Key)
		w.add("update values", in.ExpressionAttributeValues)
		return &dynamodb.UpdateItemOutput{Attributes: in.Key}, nil
	}
	s.query = func(in *dynamodb.QueryInput) (*dynamodb.QueryOutput, error) {
		w.add("query", in.ExpressionAttributeValues)
		return &dynamodb.QueryOutput{}, nil
	}
	s.scan = func(in *dynamodb.ScanInput) (*dynamodb.ScanOutput, error) {
		w.add("scan", in.ExpressionAttributeValues)
		return &dynamodb.ScanOutput{}, nil
	}
	s.batchPut = func(in *dynamodb.BatchWriteItemInput) (*dynamodb.BatchWriteItemOutput, error) {
		for _, reqs := range in.RequestItems {
			for _, r := range reqs {
				if r.PutRequest != nil {
					w.add("batch put", r.PutRequest.Item)
				} else {
					w.add("batch delete", r.DeleteRequest.Key)
				}
			}
		}
		return &dynamodb.BatchWriteItemOutput{}, nil
	}
	s.batchGet = func(in *dynamodb.BatchGetItemInput) (*dynamodb.BatchGetItemOutput, error) {
		for _, ka := range in.RequestItems {
			for _, k := range ka.Keys {
				w.add("batch get", k)
			}
		}
		return &dynamodb.BatchGetItemOutput{}, nil
	}
	s.txWrite = func(in *dynamodb.TransactWriteItemsInput) (*dynamodb.TransactWriteItemsOutput, error) {
		for _, it := range in.TransactItems {
			switch {
			case it.Put != nil:
				w.add("tx put", it.Put.Item)
			case it.Delete != nil:
				w.add("tx delete", it.Delete.Key)
			case it.Update != nil:
				w.add("tx update", it.Update.Key)
			case it.ConditionCheck != nil:
				w.add("tx check", it.ConditionCheck.Key)
			}
		}
		return &dynamodb.TransactWriteItemsOutput{}, nil
	}
	s.txGet = func(in *dynamodb.TransactGetItemsInput) (*dynamodb.TransactGetItemsOutput, error) {
		for _, it := range in.TransactItems {
			w.add("tx get", it.Get.Key)
		}
		return &dynamodb.TransactGetItemsOutput{}, nil
	}
	return s, w
}

// wire collects the attribute values of requests, by kind.
type wire struct {
	mu   sync.Mutex
	seen map[string][]map[string]types.AttributeValue
}

func (w *wire) add(kind string, m map[string]types.AttributeValue) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.seen == nil {
		w.seen = map[string][]map[string]types.AttributeValue{}
	}
	w.seen[kind] = append(w.seen[kind], m)
}

// last returns the last request of a kind.
func (w *wire) last(t *testing.T, kind string) map[string]types.AttributeValue {
	t.Helper()
	w.mu.Lock()
	defer w.mu.Unlock()
	require.NotEmpty(t, w.seen[kind], kind)
	return w.seen[kind][len(w.seen[kind])-1]
}

// values returns the S values of an expression's attribute values, sorted.
func values(t *testing.T, m map[string]types.AttributeValue) []string {
	var out []string
	for _, av := range m {
		if s, ok := av.(*types.AttributeValueMemberS); ok {
			out = append(out, s.Value)
		}
	}
	sort.Strings(out)
	return out
}

func TestTimeKeysOnTheWire(t *testing.T) {
	ctx := context.Background()
	s, w := wireStub(t)
	events, err := dynamodel.NewRepository[Event](s, "Events", func(o *dynamodel.Options) {
		o.Clock = func() time.Time { return evening }
	})
	require.NoError(t, err)
	key := dynamodel.Key{Hash: "s", Range: evening}

	// The item: keys and index keys sortable; a plain time as attributevalue
	// writes it.
	_, err = events.Put(ctx, Event{Stream: "s", At: evening, Due: whole.In(est), Seen: evening})
	require.NoError(t, err)
	item := w.last(t, "put")
	assert.Equal(t, eveningText, sval(t, item["at"]))
	assert.Equal(t, "2026-01-02T10:00:00.000000000Z", sval(t, item["due"]))
	assert.Equal(t, eveningText, sval(t, item["touched"]))
	assert.Equal(t, "2026-01-02T22:00:00.25-05:00", sval(t, item["seen"]))

	// Every key the repository sends, however it is given.
	_, err = events.Get(ctx, key)
	require.NoError(t, err)
	_, err = events.Get(ctx, Event{Stream: "s", At: evening.UTC()})
	require.NoError(t, err)
	require.NoError(t, events.Delete(ctx, &dynamodel.Key{Hash: "s", Range: &evening}))
	_, err = events.Update(ctx, key, dynamodel.Update{}.Set("due", half).Set("kind", "k"))
	require.NoError(t, err)
	_, err = events.BatchWrite(ctx, []Event{{Stream: "s", At: half}}, []any{key})
	require.NoError(t, err)
	_, err = events.BatchGet(ctx, []any{key})
	require.NoError(t, err)
	require.NoError(t, dynamodel.TransactWrite(ctx, s, []dynamodel.TxAction{
		events.TxPut(Event{Stream: "s", At: evening}),
		events.TxDelete(dynamodel.Key{Hash: "s", Range: half}),
		events.TxUpdate(dynamodel.Key{Hash: "s", Range: whole}, dynamodel.Update{}.Set("kind", "k")),
		events.TxCheck(dynamodel.Key{Hash: "s", Range: whole.Add(time.Second)}, dynamodel.Exists("kind")),
	}))
	require.NoError(t, dynamodel.TransactGet(ctx, s, []dynamodel.TxGetAction{events.TxGet(key)}))
	for _, kind := range []string{"get", "delete", "update", "batch delete", "batch get", "tx put", "tx get"} {
		assert.Equal(t, eveningText, sval(t, w.last(t, kind)["at"]), kind)
	}
	assert.Equal(t, "2026-01-02T10:00:00.500000000Z", sval(t, w.last(t, "batch put")["at"]))
	assert.Equal(t, "2026-01-02T10:00:00.500000000Z", sval(t, w.last(t, "tx delete")["at"]))
	assert.Equal(t, "2026-01-02T10:00:00.000000000Z", sval(t, w.last(t, "tx update")["at"]))
	assert.Equal(t, "2026-01-02T10:00:01.000000000Z", sval(t, w.last(t, "tx check")["at"]))
	assert.Equal(t, []string{"2026-01-02T10:00:00.500000000Z", eveningText, "k"}, values(t, w.last(t, "update values")),
		"the index key set, the updated stamp, the kind")

	// A change set's time for an index key is stored sortably too.
	type change struct {
		Due *time.Time `dynamodbav:"due"`
	}
	upd, err := dynamodel.PrepareUpdate(change{Due: &evening})
	require.NoError(t, err)
	_, err = events.Update(ctx, key, upd)
	require.NoError(t, err)
	assert.Equal(t, []string{eveningText, eveningText}, values(t, w.last(t, "update values")))

	// Key conditions: times as stored; strings as given.
	for _, tc := range []struct {
		kc   dynamodel.KeyCondition
		opts func(*dynamodel.QueryOptions)
		want []string
	}{
		{dynamodel.Partition("s").SortGreater(evening), nil, []string{eveningText, "s"}},
		{dynamodel.Partition("s").SortBetween(whole, half), nil, []string{"2026-01-02T10:00:00.000000000Z", "2026-01-02T10:00:00.500000000Z", "s"}},
		{dynamodel.Partition("s").SortBeginsWith("2026-01-02"), nil, []string{"2026-01-02", "s"}},
		{dynamodel.Partition("s").SortBeginsWith(evening), nil, []string{eveningText, "s"}},
		{dynamodel.Partition("s").SortLess("2026-01-03T00"), nil, []string{"2026-01-03T00", "s"}},
		{dynamodel.PartitionAttr("kind", "k").SortAttr("due").SortLessOrEqual(evening),
			func(o *dynamodel.QueryOptions) { o.Index = "byKind" }, []string{eveningText, "k"}},
		{dynamodel.Partition("s"), func(o *dynamodel.QueryOptions) {
			o.Filter = dynamodel.Between("due", whole, &evening).And(dynamodel.Attr("touched").In(half), dynamodel.Less("seen", evening))
		}, []string{"2026-01-02T10:00:00.000000000Z", "2026-01-02T10:00:00.500000000Z", "2026-01-02T22:00:00.25-05:00", eveningText, "s"}},
		// A function's argument is encoded as the attribute it tests.
		{dynamodel.Partition("s"), func(o *dynamodel.QueryOptions) { o.Filter = dynamodel.Contains("touched", evening) }, []string{eveningText, "s"}},
	} {
		var opts []func(*dynamodel.QueryOptions)
		if tc.opts != nil {
			opts = append(opts, tc.opts)
		}
		_, err := dynamodel.Collect(events.Query(ctx, tc.kc, opts...), 0)
		require.NoError(t, err)
		assert.Equal(t, tc.want, values(t, w.last(t, "query")))
	}
	_, err = dynamodel.Collect(events.Scan(ctx, func(o *dynamodel.ScanOptions) { o.Filter = dynamodel.Greater("at", evening) }), 0)
	require.NoError(t, err)
	assert.Equal(t, []string{eveningText}, values(t, w.last(t, "scan")))

	// A legacytime model keeps attributevalue's form for keys, key
	// conditions and index keys.
	legacy, err := dynamodel.NewRepository[LegacyEvent](s, "Events")
	require.NoError(t, err)
	_, err = legacy.Put(ctx, LegacyEvent{Stream: "s", At: evening, Due: evening})
	require.NoError(t, err)
	assert.Equal(t, "2026-01-02T22:00:00.25-05:00", sval(t, w.last(t, "put")["at"]))
	assert.Equal(t, "2026-01-02T22:00:00.25-05:00", sval(t, w.last(t, "put")["due"]))
	_, err = legacy.Get(ctx, dynamodel.Key{Hash: "s", Range: evening})
	require.NoError(t, err)
	assert.Equal(t, "2026-01-02T22:00:00.25-05:00", sval(t, w.last(t, "get")["at"]))
	_, err = dynamodel.Collect(legacy.Query(ctx, dynamodel.Partition("s").SortGreater(whole)), 0)
	require.NoError(t, err)
	assert.Equal(t, []string{"2026-01-02T10:00:00Z", "s"}, values(t, w.last(t, "query")))
}

func TestTimeKeysRejectUnsortableYearsBeforeAnyCall(t *testing.T) {
	ctx := context.Background()
	events, err := dynamodel.NewRepository[Event](newStub(t), "Events")
	require.NoError(t, err)
	far := time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)

	_, err = events.Get(ctx, dynamodel.Key{Hash: "s", Range: far})
	var ke *dynamodel.InvalidKeyError
	require.ErrorAs(t, err, &ke)
	assert.Equal(t, "at", ke.Attribute)
	assert.Contains(t, ke.Reason, "0000-9999")

	_, err = events.Put(ctx, Event{Stream: "s", At: whole, Due: far})
	require.ErrorIs(t, err, dynamodel.ErrInvalidItem)
	assert.Contains(t, err.Error(), `attribute "due"`)

	_, err = events.Update(ctx, dynamodel.Key{Hash: "s", Range: whole}, dynamodel.Update{}.Set("due", far))
	require.ErrorIs(t, err, dynamodel.ErrInvalidUpdate)

	_, err = dynamodel.Collect(events.Query(ctx, dynamodel.Partition("s"), func(o *dynamodel.QueryOptions) {
		o.Filter = dynamodel.Equal("due", far)
	}), 0)
	require.ErrorIs(t, err, dynamodel.ErrInvalidCondition)
}

func TestTimeKeyTags(t *testing.T) {
	m, err := dynamodel.ModelOf[Event]()
	require.NoError(t, err)
	for name, want := range map[string]bool{"stream": false, "at": true, "kind": false, "due": true, "touched": true, "seen": false} {
		a, ok := m.Attribute(name)
		require.True(t, ok, name)
		assert.Equal(t, want, a.SortableTime, name)
	}
	lm, err := dynamodel.ModelOf[LegacyEvent]()
	require.NoError(t, err)
	for _, a := range lm.Attributes() {
		assert.False(t, a.SortableTime, a.Name)
	}

	type unixKey struct {
		ID string    `dynamodel:"hash"`
		At time.Time `dynamodbav:"at,unixtime" dynamodel:"range"`
	}
	um, err := dynamodel.ModelOf[unixKey]()
	require.NoError(t, err)
	r, _ := um.RangeKey()
	assert.False(t, r.SortableTime, "a unixtime key is a number")

	type pointerKey struct {
		ID string     `dynamodel:"hash"`
		At *time.Time `dynamodel:"range"`
	}
	pm, err := dynamodel.ModelOf[pointerKey]()
	require.NoError(t, err)
	r, _ = pm.RangeKey()
	assert.True(t, r.SortableTime)

	type legacyPlain struct {
		ID string    `dynamodel:"hash"`
		At time.Time `dynamodel:",legacytime"`
	}
	type legacyString struct {
		ID string `dynamodel:"hash,legacytime"`
	}
	type legacyUnix struct {
		ID string    `dynamodel:"hash"`
		At time.Time `dynamodbav:",unixtime" dynamodel:",indexkey,legacytime"`
	}
	type unknownOption struct {
		ID string `dynamodel:"hash,sortable"`
	}
	type badIndexKey struct {
		ID   string            `dynamodel:"hash"`
		Tags map[string]string `dynamodel:",indexkey"`
	}
	type emptyTag struct {
		ID string `dynamodel:"hash"`
		X  string `dynamodel:""`
	}
	for _, tc := range []struct {
		model any
		msg   string
	}{
		{legacyPlain{}, "legacytime applies to a time.Time hash, range or indexkey"},
		{legacyString{}, "legacytime applies"},
		{legacyUnix{}, "legacytime applies"},
		{unknownOption{}, `unknown option "sortable"`},
		{badIndexKey{}, "indexkey: a key must be a string, number or []byte"},
		{emptyTag{}, `unknown role ""`},
	} {
		_, err := modelOfValue(tc.model)
		require.ErrorIs(t, err, dynamodel.ErrInvalidModel, "%T", tc.model)
		assert.Contains(t, err.Error(), tc.msg, "%T", tc.model)
	}
}

func TestTimeIndexKeysMustSayIndexkey(t *testing.T) {
	s, err := schema.Load("testdata/keytime/events.json")
	require.NoError(t, err)
	type untagged struct {
		Stream string    `dynamodbav:"stream" dynamodel:"hash"`
		At     time.Time `dynamodbav:"at" dynamodel:"range"`
		Due    time.Time `dynamodbav:"due"`
	}
	m, err := dynamodel.ModelOf[untagged]()
	require.NoError(t, err)
	err = m.CheckSchema(s)
	require.ErrorIs(t, err, schema.ErrMismatch)
	assert.Contains(t, err.Error(), `index key "due": field Due is a time: tag it`)
	for _, check := range []func() error{
		func() error { m, _ := dynamodel.ModelOf[Event](); return m.CheckSchema(s) },
		func() error { m, _ := dynamodel.ModelOf[LegacyEvent](); return m.CheckSchema(s) },
	} {
		require.NoError(t, check())
	}
}

// eventsEngine runs fn once per engine with the Events table.
func eventsEngine(t *testing.T, fn func(t *testing.T, db *dynamotest.DB, s *schema.Table)) {
	t.Helper()
	s, err := schema.Load("testdata/keytime/events.json")
	require.NoError(t, err)
	enginetest.Each(t, func(t *testing.T, db *dynamotest.DB) { fn(t, db, s) }, dynamotest.WithSchemas(s))
}

func TestTimeKeysSortAsTimes(t *testing.T) {
	eventsEngine(t, func(t *testing.T, db *dynamotest.DB, s *schema.Table) {
		ctx := ctxT(t)
		events := repo[Event](t, db, "Events", func(o *dynamodel.Options) { o.Schema = s })
		// Sub-second and non-UTC times, in time order; the evening's UTC
		// date is 2026-01-03.
		times := []time.Time{
			whole.Add(-time.Nanosecond),
			whole,
			whole.Add(time.Nanosecond).In(time.FixedZone("IST", 5*3600+1800)),
			whole.Add(123 * time.Microsecond),
			half,
			whole.Add(time.Second).In(est),
			time.Date(2026, 1, 2, 23, 30, 0, 0, time.UTC),
			time.Date(2026, 1, 3, 1, 0, 0, 0, time.FixedZone("CET", 3600)), // 00:00Z on the 3rd
			evening,
		}
		var batch []Event
		for i, at := range times {
			batch = append(batch, Event{Stream: "s", At: at, Kind: "k", Due: times[len(times)-1-i]})
		}
		_, err := events.BatchPut(ctx, batch)
		require.NoError(t, err)

		ats := func(kc dynamodel.KeyCondition, optFns ...func(*dynamodel.QueryOptions)) []time.Time {
			t.Helper()
			got, err := dynamodel.Collect(events.Query(ctx, kc, optFns...), 0)
			require.NoError(t, err)
			var out []time.Time
			for _, e := range got {
				out = append(out, e.At)
			}
			return out
		}
		same := func(want, got []time.Time, msg string) {
			t.Helper()
			require.Len(t, got, len(want), msg)
			for i := range want {
				assert.True(t, want[i].Equal(got[i]), "%s: item %d is %v, want %v", msg, i, got[i], want[i])
			}
		}
		same(times, ats(dynamodel.Partition("s")), "ascending")
		desc := ats(dynamodel.Partition("s"), func(o *dynamodel.QueryOptions) { o.Descending = true })
		sort.Slice(desc, func(i, j int) bool { return desc[i].Before(desc[j]) })
		same(times, desc, "descending, reversed")
		same(times[:5], ats(dynamodel.Partition("s").SortGreater(whole).SortLessOrEqual(half)), "the last condition wins")
		same(times[5:], ats(dynamodel.Partition("s").SortGreater(half)), "after the half second")
		same(times[1:5], ats(dynamodel.Partition("s").SortBetween(whole, half)), "between")
		same(times[1:6], ats(dynamodel.Partition("s").SortBeginsWith("2026-01-02T10")), "the 10 o'clock hour")
		same(times[:7], ats(dynamodel.Partition("s").SortBeginsWith("2026-01-02")), "the UTC day, without the -05:00 evening")
		same(times[7:], ats(dynamodel.Partition("s").SortBeginsWith("2026-01-03")), "the next UTC day")
		same(times[8:], ats(dynamodel.Partition("s").SortBeginsWith(evening.In(time.UTC))), "a whole time")
		same(times[8:], ats(dynamodel.Partition("s").SortEqual(evening.In(time.FixedZone("JST", 9*3600)))), "the same instant, another zone")

		// The index key, through the schema.
		byKind := func(o *dynamodel.QueryOptions) { o.Index = "byKind" }
		rev := make([]time.Time, len(times))
		for i := range times {
			rev[i] = times[len(times)-1-i]
		}
		same(rev, ats(dynamodel.Partition("k"), byKind), "the index, by due")
		same(rev[:7], ats(dynamodel.Partition("k").SortBeginsWith("2026-01-02"), byKind), "the index, one UTC day")
		got, err := dynamodel.Collect(events.Query(ctx, dynamodel.Partition("k").SortGreaterOrEqual(times[7].In(est)), byKind), 0)
		require.NoError(t, err)
		require.Len(t, got, 2)
		assert.True(t, got[0].Due.Equal(times[7]) && got[1].Due.Equal(evening), "%v", got)

		// Pages resume in time order.
		var paged []time.Time
		page := dynamodel.Page[Event]{}
		for first := true; first || page.Cursor != ""; first = false {
			page, err = events.QueryPage(ctx, dynamodel.Partition("s"), func(o *dynamodel.QueryOptions) { o.Limit, o.Cursor = 2, page.Cursor })
			require.NoError(t, err)
			for _, e := range page.Items {
				paged = append(paged, e.At)
			}
		}
		same(times, paged, "paged")

		// Keys given in any zone find the item; what comes back is the instant.
		e, err := events.Get(ctx, dynamodel.Key{Hash: "s", Range: evening.UTC()})
		require.NoError(t, err)
		assert.True(t, e.At.Equal(evening) && e.Due.Equal(times[0]))
		_, err = events.Update(ctx, dynamodel.Key{Hash: "s", Range: evening.In(time.Local)}, dynamodel.Update{}.Set("due", half.In(est)))
		require.NoError(t, err)
		require.NoError(t, events.Delete(ctx, Event{Stream: "s", At: whole.UTC()}, func(o *dynamodel.DeleteOptions) {
			o.Condition = dynamodel.Equal("due", times[len(times)-2].In(est))
		}))
		got, err = events.BatchGet(ctx, []any{dynamodel.Key{Hash: "s", Range: whole}, dynamodel.Key{Hash: "s", Range: evening}})
		require.NoError(t, err)
		require.Len(t, got, 1)
		assert.True(t, got[0].Due.Equal(half), "updated through the index key's layout")
	})
}

func TestLegacyTimeKeys(t *testing.T) {
	eventsEngine(t, func(t *testing.T, db *dynamotest.DB, s *schema.Table) {
		ctx := ctxT(t)
		legacy := repo[LegacyEvent](t, db, "Events", func(o *dynamodel.Options) { o.Schema = s })
		events := repo[Event](t, db, "Events")
		for _, at := range []time.Time{whole, half, evening} {
			_, err := legacy.Put(ctx, LegacyEvent{Stream: "old", At: at, Due: at})
			require.NoError(t, err)
		}
		// Stored as attributevalue stores times, and found by the same keys.
		out, err := db.Client.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(db.Table("Events")),
			Key: map[string]types.AttributeValue{"stream": &types.AttributeValueMemberS{Value: "old"}, "at": &types.AttributeValueMemberS{Value: "2026-01-02T22:00:00.25-05:00"}}})
		require.NoError(t, err)
		require.NotNil(t, out.Item)
		e, err := legacy.Get(ctx, dynamodel.Key{Hash: "old", Range: evening})
		require.NoError(t, err)
		assert.True(t, e.At.Equal(evening))
		// That form does not sort as time, as the docs warn.
		got, err := dynamodel.Collect(legacy.Query(ctx, dynamodel.Partition("old").SortGreater(whole)), 0)
		require.NoError(t, err)
		require.Len(t, got, 1, "the half second sorts before the whole one")
		assert.True(t, got[0].At.Equal(evening))
		// A sortable model reads items written in the old form.
		all, err := dynamodel.Collect(events.Query(ctx, dynamodel.Partition("old")), 0)
		require.NoError(t, err)
		require.Len(t, all, 3)
		for _, e := range all {
			assert.True(t, e.At.Equal(e.Due) && (e.At.Equal(whole) || e.At.Equal(half) || e.At.Equal(evening)), "%v", e)
		}
	})
}

func TestTimeKeysInTransactions(t *testing.T) {
	eventsEngine(t, func(t *testing.T, db *dynamotest.DB, s *schema.Table) {
		db.Require(dynamotest.Transactions)
		ctx := ctxT(t)
		events := repo[Event](t, db, "Events")
		_, err := events.BatchPut(ctx, []Event{{Stream: "tx", At: whole}, {Stream: "tx", At: half}})
		require.NoError(t, err)
		// One instant in two zones is one key.
		err = dynamodel.TransactWrite(ctx, db.Client, []dynamodel.TxAction{
			events.TxUpdate(dynamodel.Key{Hash: "tx", Range: whole.In(est)}, dynamodel.Update{}.Set("due", evening)),
			events.TxCheck(dynamodel.Key{Hash: "tx", Range: whole}, dynamodel.NotExists("kind")),
		})
		require.ErrorIs(t, err, dynamodel.ErrDuplicateKey)
		require.NoError(t, dynamodel.TransactWrite(ctx, db.Client, []dynamodel.TxAction{
			events.TxCreate(Event{Stream: "tx", At: evening}),
			events.TxUpdate(dynamodel.Key{Hash: "tx", Range: whole.In(est)}, dynamodel.Update{}.Set("due", evening)),
			events.TxCheck(dynamodel.Key{Hash: "tx", Range: half.In(est)}, dynamodel.NotExists("kind")),
		}))
		ga, gb := events.TxGet(dynamodel.Key{Hash: "tx", Range: evening.UTC()}), events.TxGet(Event{Stream: "tx", At: whole})
		require.NoError(t, dynamodel.TransactGet(ctx, db.Client, []dynamodel.TxGetAction{ga, gb}))
		a, foundA := ga.Result()
		b, foundB := gb.Result()
		require.True(t, foundA && foundB)
		assert.True(t, a.At.Equal(evening) && b.Due.Equal(evening))
		got, err := dynamodel.Collect(events.Query(ctx, dynamodel.Partition("tx").SortBeginsWith("2026-01-03")), 0)
		require.NoError(t, err)
		require.Len(t, got, 1)
		assert.True(t, got[0].At.Equal(evening))
	})
}
