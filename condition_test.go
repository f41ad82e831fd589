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
