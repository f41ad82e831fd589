package attr

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
)

func TestSameItem(t *testing.T) {
	s := func(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
	n := func(v string) types.AttributeValue { return &types.AttributeValueMemberN{Value: v} }
	item := func(kv ...any) map[string]types.AttributeValue {
		m := map[string]types.AttributeValue{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1].(types.AttributeValue)
		}
		return m
	}
	for _, tc := range []struct {
		a, b map[string]types.AttributeValue
		same bool
	}{
		{item("a", s("x")), item("a", s("x")), true},
		{item("a", n("1.50")), item("a", n("15e-1")), true},
		{item("a", &types.AttributeValueMemberSS{Value: []string{"x", "y"}}), item("a", &types.AttributeValueMemberSS{Value: []string{"y", "x"}}), true},
		{item("a", &types.AttributeValueMemberNS{Value: []string{"1", "2.0"}}), item("a", &types.AttributeValueMemberNS{Value: []string{"2", "1"}}), true},
		{item("a", &types.AttributeValueMemberM{Value: item("b", &types.AttributeValueMemberL{Value: []types.AttributeValue{s("x"), n("1")}})}),
			item("a", &types.AttributeValueMemberM{Value: item("b", &types.AttributeValueMemberL{Value: []types.AttributeValue{s("x"), n("1.0")}})}), true},
		{item("a", s("x")), item("a", s("y")), false},
		{item("a", s("1")), item("a", n("1")), false},
		{item("a", s("x")), item("a", s("x"), "b", s("y")), false},
		{item("a", s("x"), "c", s("y")), item("a", s("x"), "b", s("y")), false},
		{item("a", &types.AttributeValueMemberL{Value: []types.AttributeValue{s("x"), s("y")}}), item("a", &types.AttributeValueMemberL{Value: []types.AttributeValue{s("y"), s("x")}}), false},
		{item("a", &types.AttributeValueMemberSS{Value: []string{"x", "y"}}), item("a", &types.AttributeValueMemberSS{Value: []string{"x", "z"}}), false},
		{item("a", &types.AttributeValueMemberBS{Value: [][]byte{{1}}}), item("a", &types.AttributeValueMemberBS{Value: [][]byte{{1}}}), true},
		{item("a", &types.AttributeValueMemberBOOL{Value: true}), item("a", &types.AttributeValueMemberBOOL{Value: false}), false},
		{item("a", &types.AttributeValueMemberNULL{Value: true}), item("a", &types.AttributeValueMemberNULL{Value: true}), true},
		{item("a", n("1")), item("a", n("x")), false},
	} {
		assert.Equal(t, tc.same, SameItem(tc.a, tc.b), "%v %v", tc.a, tc.b)
		assert.Equal(t, tc.same, SameItem(tc.b, tc.a), "%v %v", tc.b, tc.a)
	}
}
