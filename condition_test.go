package dynamodel_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel"
)

// TestConditionString renders every form of condition, and the mistakes
// each one reports instead of an expression.
func TestConditionString(t *testing.T) {
	for _, tc := range []struct {
		name string
		cond dynamodel.Condition
		want string
	}{
		{"zero", dynamodel.Condition{}, ""},
		{"equal", dynamodel.Equal("status", "paid"), "#n0 = :v0"},
		{"comparisons", dynamodel.And(dynamodel.NotEqual("a", 1), dynamodel.Less("b", 2), dynamodel.LessOrEqual("c", 3),
			dynamodel.Greater("d", 4), dynamodel.GreaterOrEqual("e", 5)),
			"(#n0 <> :v0) AND (#n1 < :v1) AND (#n2 <= :v2) AND (#n3 > :v3) AND (#n4 >= :v4)"},
		{"between", dynamodel.Between("total", 1, 9), "#n0 BETWEEN :v0 AND :v1"},
		{"in", dynamodel.In("status", "a", "b"), "#n0 IN (:v0, :v1)"},
		{"functions", dynamodel.Exists("a").Or(dynamodel.NotExists("b"), dynamodel.BeginsWith("c", "x"),
			dynamodel.Contains("d", 1), dynamodel.HasType("e", "S")),
			"(attribute_exists(#n0)) OR (attribute_not_exists(#n1)) OR (begins_with(#n2, :v0)) OR (contains(#n3, :v1)) OR (attribute_type(#n4, :v2))"},
		{"size and attributes", dynamodel.Size("tags").Greater(dynamodel.Attr("limit")), "size(#n0) > #n1"},
		{"a name used twice has one placeholder", dynamodel.Equal("a", 1).And(dynamodel.Less("a", 5)), "(#n0 = :v0) AND (#n0 < :v1)"},
		{"not", dynamodel.Not(dynamodel.Equal("a", 1)), "NOT (#n0 = :v0)"},
		{"zero conditions are skipped", dynamodel.And(dynamodel.Condition{}, dynamodel.Exists("a"), dynamodel.Condition{}), "attribute_exists(#n0)"},
		{"from expression", dynamodel.Equal("a", 1).And(dynamodel.FromExpression(expression.Name("b").Equal(expression.Value(2)))),
			"(#n0 = :v0) AND (#n1 = :v1)"},
		{"paths", dynamodel.Equal("address.city", "Paris").And(dynamodel.Size("tags[0]").Greater(dynamodel.Attr("limits.tags")),
			dynamodel.Exists(dynamodel.Path("m", "x.y", 2)), dynamodel.Contains(dynamodel.Name("a.b"), "z")),
			"(#n0.#n1 = :v0) AND (size(#n2[0]) > #n3.#n2) AND (attribute_exists(#n4.#n5[2])) AND (contains(#n6, :v1))"},
		{"raw", dynamodel.Equal("a", 1).And(dynamodel.RawCondition(dynamodel.Raw{
			Expr:   "#n0 > :v0 OR (size(#x) BETWEEN :v0 AND :hi)", // the caller's own #n0 and :v0 are renamed
			Names:  map[string]string{"#n0": "total", "#x": "a"},
			Values: map[string]any{":v0": 10, ":hi": 20},
		})), "(#n0 = :v0) AND (#n1 > :v1 OR (size(#n0) BETWEEN :v1 AND :v2))"},
		{"raw, undefined", dynamodel.RawCondition(dynamodel.Raw{Expr: "#a = :b", Names: map[string]string{"#a": "a"}}),
			"invalid condition: dynamodel: invalid condition: placeholder :b is used but not defined"},
		{"raw, unused", dynamodel.RawCondition(dynamodel.Raw{Expr: "#a = #a", Names: map[string]string{"#a": "a"}, Values: map[string]any{":b": 1}}),
			`invalid condition: dynamodel: invalid condition: placeholders defined but not used in "#a = #a": :b`},
		{"empty name", dynamodel.Equal("", 1), `invalid condition: dynamodel: invalid condition: path "": empty attribute name`},
		{"empty name in a function", dynamodel.Exists(""), `invalid condition: dynamodel: invalid condition: attribute_exists: path "": empty attribute name`},
		{"value that does not encode", dynamodel.Equal("a", make(chan int)), "invalid condition: dynamodel: invalid condition: value"},
		{"in of nothing", dynamodel.In("a"), "invalid condition: dynamodel: invalid condition: IN takes 1 to 100 values, got 0"},
		{"not of nothing", dynamodel.Not(dynamodel.Condition{}), "invalid condition: dynamodel: invalid condition: Not of an empty condition"},
	} {
		if got := tc.cond.String(); strings.HasPrefix(tc.want, "invalid condition: ") {
			assert.Contains(t, got, tc.want, tc.name) // a value's error text is the codec's
		} else {
			assert.Equal(t, tc.want, got, tc.name)
		}
	}
	assert.True(t, dynamodel.Condition{}.IsZero())
	assert.True(t, dynamodel.And().IsZero())
}

// TestConditionPlaceholders checks the placeholder maps a filter with
// paths and a raw part sends: the caller's placeholders (even ones spelt
// like dynamodel's own) are renamed, and names are shared.
func TestConditionPlaceholders(t *testing.T) {
	s := newStub(t)
	var got *dynamodb.ScanInput
	s.scan = func(in *dynamodb.ScanInput) (*dynamodb.ScanOutput, error) {
		got = in
		return &dynamodb.ScanOutput{}, nil
	}
	docs, err := dynamodel.NewRepository[Doc](s, "Docs")
	require.NoError(t, err)
	filter := dynamodel.Equal("labels.kind", "x").And(dynamodel.RawCondition(dynamodel.Raw{
		Expr:   "#n0.#n1 <> :v0 AND #k = :v0",
		Names:  map[string]string{"#n0": "labels", "#n1": "other", "#k": "kind"},
		Values: map[string]any{":v0": "y"},
	}))
	_, err = dynamodel.First(docs.Scan(context.Background(), func(o *dynamodel.ScanOptions) { o.Filter = filter }))
	require.ErrorIs(t, err, dynamodel.ErrNotFound) // the stub has no items
	assert.Equal(t, "(#n0.#n1 = :v0) AND (#n0.#n2 <> :v1 AND #n1 = :v1)", aws.ToString(got.FilterExpression))
	assert.Equal(t, map[string]string{"#n0": "labels", "#n1": "kind", "#n2": "other"}, got.ExpressionAttributeNames)
	assert.Equal(t, map[string]types.AttributeValue{
		":v0": &types.AttributeValueMemberS{Value: "x"},
		":v1": &types.AttributeValueMemberS{Value: "y"},
	}, got.ExpressionAttributeValues)
}

// TestConditionMistakesBeforeAnyCall checks conditions DynamoDB would
// refuse (dynalite answers each with a ValidationException; the nesting
// and operator limits are DynamoDB's documented ones, which neither
// engine checks): each is a typed error naming what is wrong, and no call
// is made, whether the condition's form was cached by an earlier update
// or not.
func TestConditionMistakesBeforeAnyCall(t *testing.T) {
	s := newStub(t)
	sent := 0
	s.update = func(*dynamodb.UpdateItemInput) (*dynamodb.UpdateItemOutput, error) {
		sent++
		return &dynamodb.UpdateItemOutput{}, nil
	}
	s.scan = func(*dynamodb.ScanInput) (*dynamodb.ScanOutput, error) {
		sent++
		return &dynamodb.ScanOutput{}, nil
	}
	docs, err := dynamodel.NewRepository[Doc](s, "Docs")
	require.NoError(t, err)
	ctx := context.Background()
	update := func(c dynamodel.Condition) error {
		_, err := docs.Update(ctx, "d1", dynamodel.Set("name", "x"), func(o *dynamodel.UpdateOptions) { o.Condition = c })
		return err
	}
	nested := func(levels int) any { // a value with levels-1 maps above a string
		v := any("x")
		for range levels - 1 {
			v = map[string]any{"m": v}
		}
		return v
	}
	// Forms an update caches with good values, then given bad ones.
	require.NoError(t, update(dynamodel.Between("count", 1, 5)))
	require.NoError(t, update(dynamodel.Size("labels").Between(1, 5)))
	require.NoError(t, update(dynamodel.HasType("count", "N")))
	require.NoError(t, update(dynamodel.Equal("labels", nested(32))))
	require.Equal(t, 4, sent)

	for _, tc := range []struct {
		name string
		cond dynamodel.Condition
		msg  string
	}{
		{"between reversed", dynamodel.Between("count", 5, 1), `"count": BETWEEN's lower bound 5 is above its upper bound 1`},
		{"between reversed decimals", dynamodel.Between("count", 1e3, 999.5), `"count": BETWEEN's lower bound 1000 is above its upper bound 999.5`},
		{"between of a size reversed", dynamodel.Size("labels").Between(3, 2), `size("labels"): BETWEEN's lower bound 3 is above its upper bound 2`},
		{"between strings reversed", dynamodel.Between("name", "b", "a"), `"name": BETWEEN's lower bound "b" is above its upper bound "a"`},
		{"between of two types", dynamodel.Between("count", "a", 1), `"count": BETWEEN takes bounds of one type, not S and N`},
		{"unknown type", dynamodel.HasType("count", "X"), `HasType("count", "X"): not one of DynamoDB's types`},
		{"type in lower case", dynamodel.HasType("count", "n"), `HasType("count", "n")`},
		{"a path compared with itself", dynamodel.Attr("count").Less(dynamodel.Attr(`"count"`)), `< compares "count" with itself`},
		{"a list element compared with itself", dynamodel.Attr("l[1]").Equal(dynamodel.Attr("l[1]")), `= compares "l[1]" with itself`},
		{"contains itself", dynamodel.Contains("labels.a", dynamodel.Attr("labels.a")), `contains compares "labels.a" with itself`},
		{"an empty string set", dynamodel.Contains("tags", &types.AttributeValueMemberSS{}), `value for "tags": an empty set`},
		{"a value that cannot be encoded", dynamodel.Contains("tags", make(chan int)), `value for "tags": cannot encode a chan int`},
		{"a prefix not valid UTF-8", dynamodel.BeginsWith("labels.a", "\xff"), `value for "labels.a": string "\xff": not valid UTF-8`},
		{"an empty number set", dynamodel.Equal("tags", &types.AttributeValueMemberNS{Value: []string{}}), `value for "tags": an empty set`},
		{"an empty binary set in a list", dynamodel.Equal("tags", &types.AttributeValueMemberL{Value: []types.AttributeValue{&types.AttributeValueMemberBS{}}}), `value for "tags": an empty set`},
		{"a nil attribute value in a map", dynamodel.Equal("labels", &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{"a": nil}}), `value for "labels": a nil attribute value`},
		{"nested 33 levels", dynamodel.Equal("labels", nested(33)), `value for "labels": a value nested more than 32 levels deep`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := update(tc.cond)
			require.ErrorIs(t, err, dynamodel.ErrInvalidCondition)
			assert.Contains(t, err.Error(), tc.msg)
		})
	}
	_, err = docs.Update(ctx, "d1", dynamodel.Set("labels", nested(33)))
	require.ErrorIs(t, err, dynamodel.ErrInvalidUpdate)
	assert.Contains(t, err.Error(), `value at "labels": a value nested more than 32 levels deep`)
	_, err = docs.Update(ctx, "d1", dynamodel.Set("labels.a", &types.AttributeValueMemberSS{}))
	require.ErrorIs(t, err, dynamodel.ErrInvalidUpdate)
	assert.Contains(t, err.Error(), `value at "labels.a": an empty set`)
	require.Equal(t, 4, sent)

	// DynamoDB takes at most 300 operators and functions in an
	// expression: 150 comparisons joined by OR have 299.
	var equals []dynamodel.Condition
	for i := range 151 {
		equals = append(equals, dynamodel.Equal("count", i))
	}
	scan := func(c dynamodel.Condition) error {
		_, err := dynamodel.Collect(docs.Scan(ctx, func(o *dynamodel.ScanOptions) { o.Filter = c }), 1)
		return err
	}
	require.NoError(t, scan(dynamodel.Or(equals[:150]...)))
	require.Equal(t, 5, sent)
	err = scan(dynamodel.Or(equals...))
	require.ErrorIs(t, err, dynamodel.ErrInvalidCondition)
	assert.Contains(t, err.Error(), "FilterExpression with 301 operators and functions, over DynamoDB's limit of 300")
	// An update adds its own condition (the item exists): one AND and one
	// function more.
	err = update(dynamodel.Or(equals[:150]...))
	require.ErrorIs(t, err, dynamodel.ErrInvalidCondition)
	assert.Contains(t, err.Error(), "ConditionExpression with 301 operators")
	err = scan(dynamodel.Not(dynamodel.Not(dynamodel.Attr("count").In(1, 2)).And(dynamodel.Size("tags").Between(1, 2), dynamodel.RawCondition(dynamodel.Raw{
		Expr: strings.Repeat("#a=:v or ", 150) + "#a<>:v", Names: map[string]string{"#a": "a"}, Values: map[string]any{":v": 1},
	}))))
	require.ErrorIs(t, err, dynamodel.ErrInvalidCondition)
	assert.Contains(t, err.Error(), "FilterExpression with 308 operators") // NOT NOT IN AND AND size BETWEEN, 150 = and OR, <>
	require.Equal(t, 5, sent)
}
