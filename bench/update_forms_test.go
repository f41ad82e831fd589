package bench

import (
	"reflect"
	"strconv"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodel/dynamodel"
)

// Account is a user's plan and visit count, for the update forms.
type Account struct {
	Email  string   `dynamodbav:"email" dynamodel:"hash"`
	Plan   string   `dynamodbav:"plan"`
	Visits int      `dynamodbav:"visits"`
	Tags   []string `dynamodbav:"tags,stringset,omitempty"`
}

// VersionedAccount is an Account whose version dynamodel checks.
type VersionedAccount struct {
	Email   string `dynamodbav:"email" dynamodel:"hash"`
	Plan    string `dynamodbav:"plan"`
	Visits  int    `dynamodbav:"visits"`
	Version int64  `dynamodbav:"version" dynamodel:"version"`
}

// AccountChanges is a change set of an Account: a plan set and visits
// counted, when given.
type AccountChanges struct {
	Plan   *string `dynamodbav:"plan"`
	Visits *int    `dynamodbav:"visits" dynamodel:"increment"`
}

// updateForm is one form of update: the request built by hand (names and
// values maps at run time, expressions from constant pieces) and the same
// request through a repository.
type updateForm struct {
	name        string
	handwritten func() *dynamodb.UpdateItemInput
	dynamodel   func() (*dynamodb.UpdateItemInput, error)
}

func updateForms(tb testing.TB) []updateForm {
	email, plan, visits, tag := "ada@example.com", "pro", 3, "new"
	accounts, err := dynamodel.NewRepository[Account](nopClient{}, "Account")
	if err != nil {
		tb.Fatal(err)
	}
	versioned, err := dynamodel.NewRepository[VersionedAccount](nopClient{}, "Account")
	if err != nil {
		tb.Fatal(err)
	}
	key := func() map[string]types.AttributeValue {
		return map[string]types.AttributeValue{"email": &types.AttributeValueMemberS{Value: email}}
	}
	request := func(names map[string]string, values map[string]types.AttributeValue, expr, cond string) *dynamodb.UpdateItemInput {
		in := &dynamodb.UpdateItemInput{
			TableName:                 aws.String("Account"),
			Key:                       key(),
			UpdateExpression:          &expr,
			ExpressionAttributeNames:  names,
			ExpressionAttributeValues: values,
			ReturnValues:              types.ReturnValueAllNew,
		}
		if cond != "" {
			in.ConditionExpression = &cond
			in.ReturnValuesOnConditionCheckFailure = types.ReturnValuesOnConditionCheckFailureAllOld
		}
		return in
	}
	return []updateForm{{
		// A caller's condition on an attribute the update sets.
		name: "condition",
		handwritten: func() *dynamodb.UpdateItemInput {
			return request(map[string]string{"#n0": "visits", "#n1": "email", "#n2": "plan"},
				map[string]types.AttributeValue{
					":v0": &types.AttributeValueMemberN{Value: strconv.Itoa(visits)},
					":v1": &types.AttributeValueMemberS{Value: plan},
					":v2": &types.AttributeValueMemberN{Value: strconv.Itoa(visits + 1)},
				},
				"SET "+"#n2 = :v1, "+"#n0 = :v2",
				"(#n0 < :v0) AND "+"(attribute_exists(#n1))")
		},
		dynamodel: func() (*dynamodb.UpdateItemInput, error) {
			return accounts.UpdateItemInput(email, dynamodel.Set("plan", plan).Set("visits", visits+1),
				func(o *dynamodel.UpdateOptions) { o.Condition = dynamodel.Attr("visits").Less(visits) })
		},
	}, {
		// Two conditions and a set added to.
		name: "conditions-add-set",
		handwritten: func() *dynamodb.UpdateItemInput {
			return request(map[string]string{"#n0": "plan", "#n1": "visits", "#n2": "email", "#n3": "tags"},
				map[string]types.AttributeValue{
					":v0": &types.AttributeValueMemberS{Value: "free"},
					":v1": &types.AttributeValueMemberSS{Value: []string{tag}},
					":v2": &types.AttributeValueMemberS{Value: plan},
				},
				"SET "+"#n0 = :v2 "+"ADD "+"#n3 :v1",
				"((#n0 = :v0) AND (attribute_exists(#n1))) AND "+"(attribute_exists(#n2))")
		},
		dynamodel: func() (*dynamodb.UpdateItemInput, error) {
			return accounts.UpdateItemInput(email, dynamodel.Update{}.Add("tags", []string{tag}).Set("plan", plan),
				func(o *dynamodel.UpdateOptions) {
					o.Condition = dynamodel.Equal("plan", "free").And(dynamodel.Exists("visits"))
				})
		},
	}, {
		// An upsert that sets, counts from 0 and removes.
		name: "upsert-counter-remove",
		handwritten: func() *dynamodb.UpdateItemInput {
			return request(map[string]string{"#n0": "plan", "#n1": "tags", "#n2": "visits"},
				map[string]types.AttributeValue{
					":v0": &types.AttributeValueMemberS{Value: plan},
					":v1": &types.AttributeValueMemberN{Value: "1"},
					":v2": &types.AttributeValueMemberN{Value: "0"},
				},
				"SET "+"#n0 = :v0, "+"#n2 = if_not_exists(#n2, :v2) + :v1 "+"REMOVE "+"#n1", "")
		},
		dynamodel: func() (*dynamodb.UpdateItemInput, error) {
			return accounts.UpdateItemInput(email, dynamodel.Set("plan", plan).Remove("tags").Increment("visits", 1),
				func(o *dynamodel.UpdateOptions) { o.Upsert = true })
		},
	}, {
		// A change set from PrepareUpdate, on a caller's condition.
		name: "change-set-condition",
		handwritten: func() *dynamodb.UpdateItemInput {
			return request(map[string]string{"#n0": "plan", "#n1": "email", "#n2": "visits"},
				map[string]types.AttributeValue{
					":v0": &types.AttributeValueMemberS{Value: "free"},
					":v1": &types.AttributeValueMemberS{Value: plan},
					":v2": &types.AttributeValueMemberN{Value: strconv.Itoa(1)},
					":v3": &types.AttributeValueMemberN{Value: "0"},
				},
				"SET "+"#n0 = :v1, "+"#n2 = if_not_exists(#n2, :v3) + :v2",
				"(#n0 = :v0) AND "+"(attribute_exists(#n1))")
		},
		dynamodel: func() (*dynamodb.UpdateItemInput, error) {
			one := 1
			upd, err := dynamodel.PrepareUpdate(AccountChanges{Plan: &plan, Visits: &one})
			if err != nil {
				return nil, err
			}
			return accounts.UpdateItemInput(email, upd,
				func(o *dynamodel.UpdateOptions) { o.Condition = dynamodel.Equal("plan", "free") })
		},
	}, {
		// A caller's condition and the version checked and incremented.
		name: "version-condition",
		handwritten: func() *dynamodb.UpdateItemInput {
			return request(map[string]string{"#n0": "visits", "#n1": "email", "#n2": "version", "#n3": "plan"},
				map[string]types.AttributeValue{
					":v0": &types.AttributeValueMemberN{Value: strconv.Itoa(visits)},
					":v1": &types.AttributeValueMemberN{Value: strconv.FormatInt(7, 10)},
					":v2": &types.AttributeValueMemberS{Value: plan},
					":v3": &types.AttributeValueMemberN{Value: "1"},
				},
				"SET "+"#n3 = :v2 "+"ADD "+"#n2 :v3",
				"(#n0 < :v0) AND "+"(attribute_exists(#n1)) AND "+"(#n2 = :v1)")
		},
		dynamodel: func() (*dynamodb.UpdateItemInput, error) {
			return versioned.UpdateItemInput(VersionedAccount{Email: email, Version: 7}, dynamodel.Set("plan", plan),
				func(o *dynamodel.UpdateOptions) { o.Condition = dynamodel.Attr("visits").Less(visits) })
		},
	}}
}

// BenchmarkUpdateForms builds the requests of other update forms than
// BenchmarkUpdateItemInput's: by hand and through a repository whose cache
// has seen the form.
func BenchmarkUpdateForms(b *testing.B) {
	for _, f := range updateForms(b) {
		b.Run("form="+f.name+"/impl=handwritten", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				inputSink = f.handwritten()
			}
		})
		b.Run("form="+f.name+"/impl=dynamodel", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				var err error
				if inputSink, err = f.dynamodel(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestUpdateFormsAgree checks that each form's hand-built request is the
// one dynamodel builds, so the benchmark compares like with like.
func TestUpdateFormsAgree(t *testing.T) {
	for _, f := range updateForms(t) {
		got, err := f.dynamodel()
		if err != nil {
			t.Fatal(err)
		}
		if want := f.handwritten(); !reflect.DeepEqual(want, got) {
			t.Errorf("%s: dynamodel built\n%#v\nby hand\n%#v", f.name, got, want)
		}
	}
}
