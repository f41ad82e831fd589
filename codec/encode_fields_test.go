package codec_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodel/dynamodel/codec"
)

func TestEncodeFieldsFollowsFields(t *testing.T) {
	type changes struct {
		Plan   *string `dynamodbav:"plan"`
		Skip   string  `dynamodbav:"-"`
		Note   string  `dynamodbav:"note,omitempty"`
		Visits int     `dynamodbav:"visits"`
	}
	plan := "pro"
	got, err := codec.EncodeFields(reflect.ValueOf(changes{Plan: &plan, Visits: 3}))
	if err != nil {
		t.Fatal(err)
	}
	want := []types.AttributeValue{
		&types.AttributeValueMemberS{Value: "pro"},
		nil, // omitempty
		&types.AttributeValueMemberN{Value: "3"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("EncodeFields = %#v, want %#v", got, want)
	}
}

func TestEncodeFieldsRefusesNonStructs(t *testing.T) {
	if _, err := codec.EncodeFields(reflect.ValueOf(3)); err == nil {
		t.Fatal("EncodeFields(3): no error")
	}
}

// TestAppendFieldsKeepsWhatWasThere checks that AppendFields appends after
// dst's values, on the plan's path and on attributevalue's (a field of an
// interface type), and leaves dst as it was on an error.
func TestAppendFieldsKeepsWhatWasThere(t *testing.T) {
	type planned struct {
		Plan string `dynamodbav:"plan"`
	}
	type unplanned struct {
		Any any `dynamodbav:"any"`
	}
	first := &types.AttributeValueMemberS{Value: "first"}
	for _, v := range []any{planned{Plan: "pro"}, unplanned{Any: "pro"}} {
		got, err := codec.AppendFields([]types.AttributeValue{first}, reflect.ValueOf(v))
		if err != nil {
			t.Fatal(err)
		}
		want := []types.AttributeValue{first, &types.AttributeValueMemberS{Value: "pro"}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("AppendFields(%T) = %#v, want %#v", v, got, want)
		}
	}
	dst := []types.AttributeValue{first}
	got, err := codec.AppendFields(dst, reflect.ValueOf(3))
	if err == nil || !reflect.DeepEqual(got, dst) {
		t.Errorf("AppendFields(3) = %#v, %v; want dst and an error", got, err)
	}
}

// TestEncodeErrorNamesTheField: when attributevalue cannot encode a value,
// Encode's and AppendFields' errors name the field and its attribute.
func TestEncodeErrorNamesTheField(t *testing.T) {
	type doc struct {
		ID     string            `dynamodbav:"id"`
		Labels map[string]string `dynamodbav:"labels"`
	}
	v := doc{ID: "a", Labels: map[string]string{"": "x"}}
	_, err := codec.For[doc]().Encode(&v)
	if err == nil || !strings.Contains(err.Error(), `field Labels (attribute "labels"): `) {
		t.Errorf("Encode: %v, want the field named", err)
	}
	_, err = codec.AppendFields(nil, reflect.ValueOf(v))
	if err == nil || !strings.Contains(err.Error(), `field Labels (attribute "labels"): `) {
		t.Errorf("AppendFields: %v, want the field named", err)
	}
}
