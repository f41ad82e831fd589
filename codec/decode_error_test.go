package codec_test

import (
	"errors"
	"strconv"
	"testing"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodel/dynamodel/codec"
)

type Line struct {
	SKU   string `dynamodbav:"sku"`
	Total int    `dynamodbav:"total"`
}

type Basket struct {
	ID     string            `dynamodbav:"id"`
	Orders []Line            `dynamodbav:"orders"`
	Counts map[string]int    `dynamodbav:"counts"`
	Sizes  []int             `dynamodbav:"sizes,numberset"`
	ByName map[string]*Line  `dynamodbav:"by_name"`
	Labels map[string]string `dynamodbav:"labels"`
	Age    int               `dynamodbav:"age"`
}

// BasketSlow is Basket decoded by attributevalue alone.
type BasketSlow struct {
	Basket
	Any any `dynamodbav:"any"`
}

func s(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
func n(v string) types.AttributeValue { return &types.AttributeValueMemberN{Value: v} }

var yes = &types.AttributeValueMemberBOOL{Value: true}

func line(total types.AttributeValue) types.AttributeValue {
	return &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{"sku": s("a"), "total": total}}
}

func TestDecodeErrorsNameThePath(t *testing.T) {
	orders := &types.AttributeValueMemberL{Value: []types.AttributeValue{line(n("1")), line(n("2")), line(n("3")), line(s("x"))}}
	for _, tc := range []struct {
		item map[string]types.AttributeValue
		path string
	}{
		{map[string]types.AttributeValue{"id": s("b1"), "orders": orders}, "orders[3].total"},
		{map[string]types.AttributeValue{"id": yes}, "id"},
		{map[string]types.AttributeValue{"ID": yes}, "ID"}, // matched ignoring case, named as stored
		{map[string]types.AttributeValue{"counts": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
			"a": n("1"), "b": s("two")}}}, "counts.b"},
		{map[string]types.AttributeValue{"sizes": &types.AttributeValueMemberNS{Value: []string{"1", "x"}}}, "sizes[1]"},
		{map[string]types.AttributeValue{"by_name": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
			"k": line(&types.AttributeValueMemberBOOL{Value: true})}}}, "by_name.k.total"},
		{map[string]types.AttributeValue{"labels": &types.AttributeValueMemberL{}}, "labels"},
		// Two bad attributes: the first by name, every time.
		{map[string]types.AttributeValue{"age": s("old"), "id": yes, "orders": orders}, "age"},
		{map[string]types.AttributeValue{"age": n("9223372036854775808")}, "age"},
	} {
		for name, decode := range map[string]func(map[string]types.AttributeValue) error{
			"plan":           func(m map[string]types.AttributeValue) error { _, err := codec.Unmarshal[Basket](m); return err },
			"attributevalue": func(m map[string]types.AttributeValue) error { _, err := codec.Unmarshal[BasketSlow](m); return err },
		} {
			for range 5 { // attributevalue's own choice depends on map order
				err := decode(tc.item)
				var de *codec.DecodeError
				if !errors.As(err, &de) || de.Path != tc.path {
					t.Fatalf("%s: %v: want the path %q", name, err, tc.path)
				}
				if err.Error() != tc.path+": "+de.Err.Error() {
					t.Errorf("%s: message %q", name, err)
				}
			}
		}
	}
}

func TestDecodeErrorsKeepAttributevaluesTypes(t *testing.T) {
	item := map[string]types.AttributeValue{"orders": &types.AttributeValueMemberL{Value: []types.AttributeValue{line(s("x"))}}}
	_, err := codec.Unmarshal[Basket](item)
	var ute *attributevalue.UnmarshalTypeError
	if !errors.As(err, &ute) {
		t.Fatalf("%v (%T) does not hold an *attributevalue.UnmarshalTypeError", err, err)
	}
	want := attributevalue.UnmarshalMap(map[string]types.AttributeValue{"total": s("x")}, &Line{})
	if got := err.Error(); got != "orders[0].total: "+want.Error() {
		t.Errorf("got %q, want attributevalue's text %q after the path", got, want)
	}

	_, err = codec.Unmarshal[Basket](map[string]types.AttributeValue{"age": n("1e400")})
	var ne *strconv.NumError
	if !errors.As(err, &ne) {
		t.Errorf("%v does not hold attributevalue's *strconv.NumError", err)
	}
}
