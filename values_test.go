package dynamodel_test

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/dynamotest"
)

// Measure is a model with float fields, a float key and a map.
type Measure struct {
	Sensor string             `dynamodbav:"sensor" dynamodel:"hash"`
	Value  float64            `dynamodbav:"value"`
	Extra  map[string]float64 `dynamodbav:"extra,omitempty"`
}

// FloatKeyed has a float sort key.
type FloatKeyed struct {
	ID  string  `dynamodbav:"id" dynamodel:"hash"`
	Pos float64 `dynamodbav:"pos" dynamodel:"range"`
}

// TestNaNAndInfinityRejected sends NaN, +Inf and -Inf through every write
// and condition: each is rejected before any call (the stub fails the test
// on any call), naming what was wrong.
func TestNaNAndInfinityRejected(t *testing.T) {
	s := newStub(t)
	measures, err := dynamodel.NewRepository[Measure](s, "Measures")
	require.NoError(t, err)
	floatKeyed, err := dynamodel.NewRepository[FloatKeyed](s, "FloatKeyed")
	require.NoError(t, err)
	ctx := ctxT(t)
	for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		checks := []struct {
			name     string
			err      error
			sentinel error
		}{}
		add := func(name string, sentinel error, err error) {
			checks = append(checks, struct {
				name     string
				err      error
				sentinel error
			}{name, err, sentinel})
		}
		_, err := measures.Put(ctx, Measure{Sensor: "s", Value: bad})
		add("Put", dynamodel.ErrInvalidItem, err)
		_, err = measures.Create(ctx, Measure{Sensor: "s", Extra: map[string]float64{"x": bad}})
		add("Create, in a map", dynamodel.ErrInvalidItem, err)
		_, err = measures.BatchPut(ctx, []Measure{{Sensor: "a"}, {Sensor: "s", Value: bad}})
		add("BatchPut", dynamodel.ErrInvalidItem, err)
		err = dynamodel.TransactWrite(ctx, s, []dynamodel.TxAction{measures.TxPut(Measure{Sensor: "s", Value: bad})})
		add("TxPut", dynamodel.ErrInvalidItem, err)
		_, err = measures.Update(ctx, "s", dynamodel.Set("value", bad))
		add("Update Set", dynamodel.ErrInvalidUpdate, err)
		_, err = measures.Update(ctx, "s", dynamodel.Set("extra.x", []any{1, bad}))
		add("Update Set, in a list", dynamodel.ErrInvalidUpdate, err)
		_, err = measures.Update(ctx, "s", dynamodel.Increment("value", bad))
		add("Update Increment", dynamodel.ErrInvalidUpdate, err)
		_, err = measures.Update(ctx, "s", dynamodel.Update{}.Add("value", bad))
		add("Update Add", dynamodel.ErrInvalidUpdate, err)
		_, err = measures.Update(ctx, "s", dynamodel.Update{}.Add("set", []float64{1, bad}))
		add("Update Add to a set", dynamodel.ErrInvalidUpdate, err)
		_, err = measures.Update(ctx, "s", dynamodel.Set("value", &types.AttributeValueMemberN{Value: "NaN"}))
		add("Update Set of an attribute value", dynamodel.ErrInvalidUpdate, err)
		_, err = measures.Update(ctx, "s", dynamodel.RawUpdate(dynamodel.Raw{Expr: "SET #v = :v", Names: map[string]string{"#v": "value"}, Values: map[string]any{":v": bad}}))
		add("raw update", dynamodel.ErrInvalidUpdate, err)
		_, err = measures.Update(ctx, "s", dynamodel.Set("value", 1), func(o *dynamodel.UpdateOptions) { o.Condition = dynamodel.Less("value", bad) })
		add("update condition", dynamodel.ErrInvalidCondition, err)
		_, err = measures.Put(ctx, Measure{Sensor: "s"}, func(o *dynamodel.PutOptions) { o.Condition = dynamodel.Attr("value").Between(0, bad) })
		add("put condition", dynamodel.ErrInvalidCondition, err)
		err = measures.Delete(ctx, "s", func(o *dynamodel.DeleteOptions) { o.Condition = dynamodel.In("value", 1, bad) })
		add("delete condition", dynamodel.ErrInvalidCondition, err)
		err = dynamodel.TransactWrite(ctx, s, []dynamodel.TxAction{measures.TxCheck("s", dynamodel.Equal("value", bad))})
		add("TxCheck", dynamodel.ErrInvalidCondition, err)
		_, err = dynamodel.Collect(measures.Scan(ctx, func(o *dynamodel.ScanOptions) { o.Filter = dynamodel.Equal("value", bad) }), 1)
		add("filter", dynamodel.ErrInvalidCondition, err)
		_, err = dynamodel.Collect(measures.Scan(ctx, func(o *dynamodel.ScanOptions) {
			o.Filter = dynamodel.RawCondition(dynamodel.Raw{Expr: "#v = :v", Names: map[string]string{"#v": "value"}, Values: map[string]any{":v": bad}})
		}), 1)
		add("raw filter", dynamodel.ErrInvalidCondition, err)
		_, err = floatKeyed.Get(ctx, dynamodel.Key{Hash: "a", Range: bad})
		add("key", dynamodel.ErrInvalidKey, err)
		_, err = floatKeyed.Put(ctx, FloatKeyed{ID: "a", Pos: bad})
		add("key of a put", dynamodel.ErrInvalidKey, err)
		_, err = dynamodel.Collect(floatKeyed.Query(ctx, dynamodel.Partition("a").SortLess(bad)), 1)
		add("key condition", dynamodel.ErrInvalidKey, err)
		for _, c := range checks {
			require.ErrorIs(t, c.err, c.sentinel, "%s %v", c.name, bad)
			assert.Regexp(t, `NaN and infinities|not a number|is not a number DynamoDB accepts`, c.err.Error(), "%s %v", c.name, bad)
		}
	}
	assert.Empty(t, s.Calls())
}

// TestNaNNeverReachesTheEngine puts and updates with NaN on each engine
// (moto stored such an item, which could then never be read): nothing is
// written, and the table stays readable.
func TestNaNNeverReachesTheEngine(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		docs := repo[Doc](t, db, "Docs")
		_, err := docs.Create(ctx, Doc{ID: "d1", Count: 1})
		require.NoError(t, err)
		_, err = docs.Update(ctx, "d1", dynamodel.Set("score", math.NaN()))
		require.ErrorIs(t, err, dynamodel.ErrInvalidUpdate)
		_, err = docs.Update(ctx, "d1", dynamodel.Set("labels", map[string]any{"x": math.Inf(1)}), func(o *dynamodel.UpdateOptions) { o.Upsert = true })
		require.ErrorIs(t, err, dynamodel.ErrInvalidUpdate)
		all, err := dynamodel.Collect(docs.Scan(ctx), 10)
		require.NoError(t, err)
		assert.Equal(t, []Doc{{ID: "d1", Count: 1}}, all)
	})
}

// TestNumberLimits checks DynamoDB's rules for numbers beyond NaN: 38
// significant digits, and magnitudes from 1E-130 to under 1E+126.
func TestNumberLimits(t *testing.T) {
	docs, err := dynamodel.NewRepository[Doc](newStub(t), "Docs")
	require.NoError(t, err)
	for v, want := range map[string]string{
		"1e126":  "outside DynamoDB's range",
		"-1E126": "outside DynamoDB's range",
		"1e-131": "outside DynamoDB's range",
		"0.00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001": "outside DynamoDB's range",
		"1234567890123456789012345678901234567891": "40 significant digits, over DynamoDB's 38",
		"12a":  "not a decimal number",
		"":     "not a decimal number",
		"1e":   "not a decimal number",
		"-inf": "NaN and infinities",
	} {
		_, err := docs.UpdateItemInput("d1", dynamodel.Set("n", &types.AttributeValueMemberN{Value: v}))
		require.ErrorIs(t, err, dynamodel.ErrInvalidUpdate, v)
		assert.Contains(t, err.Error(), want, v)
	}
	for _, v := range []string{"9.9999999999999999999999999999999999999E+125", "1E-130", "-1e-130", "0", "0e999", "000.000",
		"12345678901234567890123456789012345678", "1234567890123456789012345678901234567800000", "+1.5e+3", ".5", "5."} {
		_, err := docs.UpdateItemInput("d1", dynamodel.Set("n", &types.AttributeValueMemberN{Value: v}))
		assert.NoError(t, err, v)
	}
}

// TestNameLimits checks DynamoDB's limits on names before any call: names
// in paths and raw expressions (see also TestPathErrors), item attribute
// names and map keys, model tags, and key names of at most 255 bytes.
func TestNameLimits(t *testing.T) {
	s := newStub(t)
	ctx := ctxT(t)
	measures, err := dynamodel.NewRepository[Measure](s, "Measures")
	require.NoError(t, err)
	_, err = measures.Put(ctx, Measure{Sensor: "s", Extra: map[string]float64{"\xff": 1}})
	require.ErrorIs(t, err, dynamodel.ErrInvalidItem)
	assert.Contains(t, err.Error(), "not valid UTF-8")
	_, err = measures.Put(ctx, Measure{Sensor: "s", Extra: map[string]float64{strings.Repeat("k", 65536): 1}})
	require.ErrorIs(t, err, dynamodel.ErrInvalidItem)
	assert.Contains(t, err.Error(), "65536 bytes")
	_, err = measures.Update(ctx, "s", dynamodel.Set("extra", map[string]int{"\xfe": 1}))
	require.ErrorIs(t, err, dynamodel.ErrInvalidUpdate)
	assert.Contains(t, err.Error(), "not valid UTF-8")

	model := func(tags ...string) error {
		fields := []reflect.StructField{{Name: "K", Type: reflect.TypeFor[string](), Tag: reflect.StructTag(tags[0])}}
		for i, tag := range tags[1:] {
			fields = append(fields, reflect.StructField{Name: "F" + string(rune('A'+i)), Type: reflect.TypeFor[string](), Tag: reflect.StructTag(tag)})
		}
		_, err := dynamodel.ModelOfType(reflect.StructOf(fields))
		return err
	}
	require.NoError(t, model(`dynamodbav:"`+strings.Repeat("k", 255)+`" dynamodel:"hash"`))
	for _, tags := range [][]string{
		{`dynamodbav:"` + strings.Repeat("k", 256) + `" dynamodel:"hash"`},
		{`dynamodbav:"id" dynamodel:"hash"`, `dynamodbav:"` + strings.Repeat("r", 256) + `" dynamodel:"range"`},
		{`dynamodbav:"id" dynamodel:"hash"`, `dynamodbav:"\xff"`},
		{`dynamodbav:"id" dynamodel:"hash"`, `dynamodbav:"` + strings.Repeat("a", 65536) + `"`},
	} {
		err := model(tags...)
		require.ErrorIs(t, err, dynamodel.ErrInvalidModel)
		assert.Regexp(t, "over DynamoDB's limit|not valid UTF-8", err.Error())
	}

	docs, err := dynamodel.NewRepository[Doc](s, "Docs")
	require.NoError(t, err)
	_, err = dynamodel.Collect(docs.Query(ctx, dynamodel.PartitionAttr(strings.Repeat("p", 256), "x"), func(o *dynamodel.QueryOptions) { o.Index = "byP" }), 1)
	require.ErrorIs(t, err, dynamodel.ErrInvalidQuery)
	assert.Contains(t, err.Error(), "256 bytes, over DynamoDB's limit of 255")
	_, err = dynamodel.Collect(docs.Query(ctx, dynamodel.PartitionAttr("p", "x").SortAttr("\xff").SortEqual(1), func(o *dynamodel.QueryOptions) { o.Index = "byP" }), 1)
	require.ErrorIs(t, err, dynamodel.ErrInvalidQuery)
	assert.Contains(t, err.Error(), "not valid UTF-8")
	assert.Empty(t, s.Calls())
}

// TestExpressionAndValueLimits checks DynamoDB's 4 KB limit on each
// expression string and 400 KB on one value, before any call.
func TestExpressionAndValueLimits(t *testing.T) {
	s := newStub(t)
	ctx := ctxT(t)
	docs, err := dynamodel.NewRepository[Doc](s, "Docs")
	require.NoError(t, err)
	var many dynamodel.Update
	var conds []dynamodel.Condition
	var paths []string
	for i := range 800 {
		name := fmt.Sprint("a", i)
		many = many.Set(name, i)
		conds = append(conds, dynamodel.Equal(name, i))
		paths = append(paths, name)
	}
	_, err = docs.Update(ctx, "d1", many)
	require.ErrorIs(t, err, dynamodel.ErrInvalidUpdate)
	assert.Regexp(t, `UpdateExpression of \d+ bytes, over DynamoDB's limit of 4096`, err.Error())
	_, err = docs.Update(ctx, "d1", dynamodel.Set("name", "x"), func(o *dynamodel.UpdateOptions) { o.Condition = dynamodel.And(conds...) })
	require.ErrorIs(t, err, dynamodel.ErrInvalidCondition)
	assert.Contains(t, err.Error(), "ConditionExpression of")
	_, err = docs.Put(ctx, Doc{ID: "d1"}, func(o *dynamodel.PutOptions) { o.Condition = dynamodel.Or(conds...) })
	require.ErrorIs(t, err, dynamodel.ErrInvalidCondition)
	err = docs.Delete(ctx, "d1", func(o *dynamodel.DeleteOptions) { o.Condition = dynamodel.Or(conds...) })
	require.ErrorIs(t, err, dynamodel.ErrInvalidCondition)
	err = dynamodel.TransactWrite(ctx, s, []dynamodel.TxAction{docs.TxCheck("d1", dynamodel.Or(conds...))})
	require.ErrorIs(t, err, dynamodel.ErrInvalidCondition)
	_, err = dynamodel.Collect(docs.Scan(ctx, func(o *dynamodel.ScanOptions) { o.Filter = dynamodel.Or(conds...) }), 1)
	require.ErrorIs(t, err, dynamodel.ErrInvalidCondition)
	assert.Contains(t, err.Error(), "FilterExpression of")
	_, err = docs.Get(ctx, "d1", func(o *dynamodel.GetOptions) { o.Projection = paths })
	require.ErrorIs(t, err, dynamodel.ErrInvalidQuery)
	assert.Contains(t, err.Error(), "ProjectionExpression of")

	// More changes or paths than could fit are refused before they are
	// compared with each other (which takes time in the square of their
	// number).
	var huge dynamodel.Update
	var hugePaths []string
	for i := range 1025 {
		huge = huge.Remove(fmt.Sprint("r", i))
		hugePaths = append(hugePaths, fmt.Sprint("p", i))
	}
	_, err = docs.Update(ctx, "d1", huge)
	require.ErrorIs(t, err, dynamodel.ErrInvalidUpdate)
	assert.Contains(t, err.Error(), "1025 changes do not fit in DynamoDB's 4096-byte update expression")
	_, err = docs.Get(ctx, "d1", func(o *dynamodel.GetOptions) { o.Projection = hugePaths })
	require.ErrorIs(t, err, dynamodel.ErrInvalidQuery)
	assert.Contains(t, err.Error(), "1025 paths do not fit")

	big := strings.Repeat("x", dynamodel.MaxItemSize+1)
	_, err = docs.Update(ctx, "d1", dynamodel.Set("name", big))
	require.ErrorIs(t, err, dynamodel.ErrInvalidUpdate)
	assert.Contains(t, err.Error(), "a value of 409601 bytes, over DynamoDB's 409600-byte limit")
	_, err = docs.Update(ctx, "d1", dynamodel.Set("name", "x"), func(o *dynamodel.UpdateOptions) { o.Condition = dynamodel.Equal("name", big) })
	require.ErrorIs(t, err, dynamodel.ErrInvalidCondition)
	assert.Contains(t, err.Error(), "a value of 409601 bytes")
	assert.Empty(t, s.Calls())
}

// TestFirstMistakeInOrder: of several mistakes in one map (map keys of an
// item, a Raw's placeholders), the first in sorted order is reported,
// every time, not whichever the map's order gives first.
func TestFirstMistakeInOrder(t *testing.T) {
	measures, err := dynamodel.NewRepository[Measure](newStub(t), "Measures")
	require.NoError(t, err)
	item := Measure{Sensor: "s", Extra: map[string]float64{"\xffz": 1, "\xffm": 2, "\xffa": 3, "\xffq": 4}}
	names := dynamodel.Raw{Expr: "#d = #b AND #a = #c", Names: map[string]string{"#d": "", "#b": "", "#a": "", "#c": ""}}
	values := dynamodel.Raw{Expr: "#n IN (:d, :b, :a, :c)", Names: map[string]string{"#n": "n"},
		Values: map[string]any{":d": math.NaN(), ":b": math.NaN(), ":a": math.Inf(1), ":c": math.NaN()}}
	for range 20 {
		_, err := measures.Put(ctxT(t), item)
		require.ErrorIs(t, err, dynamodel.ErrInvalidItem)
		require.ErrorContains(t, err, `"\xffa"`)
		require.Contains(t, dynamodel.RawCondition(names).String(), "name placeholder #a:")
		require.Contains(t, dynamodel.RawCondition(values).String(), "value placeholder :a:")
	}
}
