package codec_test

import (
	"reflect"
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
