package bench

import (
	"context"
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
// request through a repository; and, for BenchmarkStubUpdateForms, the
// update sent by the repository's Update, and the item the hand-built
// request gets back decoded by hand. (dynamodel and send each call the
// repository directly, with arguments built in the call, as a caller
// writes it.)
type updateForm struct {
	name         string
	handwritten  func() *dynamodb.UpdateItemInput
	dynamodel    func() (*dynamodb.UpdateItemInput, error)
	send         func(context.Context) error
	decodeByHand func(map[string]types.AttributeValue) error
}

var (
	accountSink   Account
	versionedSink VersionedAccount
)

// keepAccount keeps the Account Update or decodeAccountByHand gives.
func keepAccount(a Account, err error) error {
	accountSink = a
	return err
}

// keepVersioned keeps the VersionedAccount Update or
// decodeVersionedAccountByHand gives.
func keepVersioned(a VersionedAccount, err error) error {
	versionedSink = a
	return err
}

// updateForms returns the forms, their repositories on client.
func updateForms(tb testing.TB, client dynamodel.API) []updateForm {
	email, plan, visits, tag := "ada@example.com", "pro", 3, "new"
	accounts, err := dynamodel.NewRepository[Account](client, "Account")
	if err != nil {
		tb.Fatal(err)
	}
	versioned, err := dynamodel.NewRepository[VersionedAccount](client, "Account")
	if err != nil {
		tb.Fatal(err)
	}
	byHand := func(m map[string]types.AttributeValue) error { return keepAccount(decodeAccountByHand(m)) }
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
		send: func(ctx context.Context) error {
			return keepAccount(accounts.Update(ctx, email, dynamodel.Set("plan", plan).Set("visits", visits+1),
				func(o *dynamodel.UpdateOptions) { o.Condition = dynamodel.Attr("visits").Less(visits) }))
		},
		decodeByHand: byHand,
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
		send: func(ctx context.Context) error {
			return keepAccount(accounts.Update(ctx, email, dynamodel.Update{}.Add("tags", []string{tag}).Set("plan", plan),
				func(o *dynamodel.UpdateOptions) {
					o.Condition = dynamodel.Equal("plan", "free").And(dynamodel.Exists("visits"))
				}))
		},
		decodeByHand: byHand,
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
		send: func(ctx context.Context) error {
			return keepAccount(accounts.Update(ctx, email, dynamodel.Set("plan", plan).Remove("tags").Increment("visits", 1),
				func(o *dynamodel.UpdateOptions) { o.Upsert = true }))
		},
		decodeByHand: byHand,
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
		send: func(ctx context.Context) error {
			one := 1
			upd, err := dynamodel.PrepareUpdate(AccountChanges{Plan: &plan, Visits: &one})
			if err != nil {
				return err
			}
			return keepAccount(accounts.Update(ctx, email, upd,
				func(o *dynamodel.UpdateOptions) { o.Condition = dynamodel.Equal("plan", "free") }))
		},
		decodeByHand: byHand,
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
		send: func(ctx context.Context) error {
			return keepVersioned(versioned.Update(ctx, VersionedAccount{Email: email, Version: 7}, dynamodel.Set("plan", plan),
				func(o *dynamodel.UpdateOptions) { o.Condition = dynamodel.Attr("visits").Less(visits) }))
		},
		decodeByHand: func(m map[string]types.AttributeValue) error {
			return keepVersioned(decodeVersionedAccountByHand(m))
		},
	}}
}

// BenchmarkUpdateForms builds the requests of other update forms than
// BenchmarkUpdateItemInput's: by hand and through a repository whose cache
// has seen the form.
func BenchmarkUpdateForms(b *testing.B) {
	for _, f := range updateForms(b, nopClient{}) {
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
	for _, f := range updateForms(t, nopClient{}) {
		got, err := f.dynamodel()
		if err != nil {
			t.Fatal(err)
		}
		if want := f.handwritten(); !reflect.DeepEqual(want, got) {
			t.Errorf("%s: dynamodel built\n%#v\nby hand\n%#v", f.name, got, want)
		}
	}
}

// updatedAccount is the body of the stub's UpdateItem answer: an account
// as every form leaves it.
const updatedAccount = `{"Attributes":{"email":{"S":"ada@example.com"},"plan":{"S":"pro"},` +
	`"visits":{"N":"4"},"tags":{"SS":["new"]},"version":{"N":"8"}}}`

// BenchmarkStubUpdateForms sends each form's update through the SDK's
// whole path (serialize, sign, retry, deserialize) to a stub transport
// that answers with updatedAccount: the hand-built request sent by the raw
// client and its item decoded by hand, against the repository's Update.
func BenchmarkStubUpdateForms(b *testing.B) {
	ctx := context.Background()
	client := clientWith(stubTransport{bodies: map[string][]byte{"UpdateItem": []byte(updatedAccount)}})
	for _, f := range updateForms(b, client) {
		b.Run("form="+f.name+"/impl=handwritten", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				out, err := client.UpdateItem(ctx, f.handwritten())
				if err != nil {
					b.Fatal(err)
				}
				if err := f.decodeByHand(out.Attributes); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("form="+f.name+"/impl=dynamodel", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := f.send(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestStubUpdateFormsDecodeAlike checks that, through the stub, both sides
// of each form give the same item.
func TestStubUpdateFormsDecodeAlike(t *testing.T) {
	ctx := context.Background()
	client := clientWith(stubTransport{bodies: map[string][]byte{"UpdateItem": []byte(updatedAccount)}})
	for _, f := range updateForms(t, client) {
		out, err := client.UpdateItem(ctx, f.handwritten())
		if err != nil {
			t.Fatal(err)
		}
		accountSink, versionedSink = Account{}, VersionedAccount{}
		if err := f.decodeByHand(out.Attributes); err != nil {
			t.Fatal(err)
		}
		byHand, byHandVersioned := accountSink, versionedSink
		accountSink, versionedSink = Account{}, VersionedAccount{}
		if err := f.send(ctx); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(byHand, accountSink) || !reflect.DeepEqual(byHandVersioned, versionedSink) {
			t.Errorf("%s: Update gave %+v %+v, by hand %+v %+v", f.name, accountSink, versionedSink, byHand, byHandVersioned)
		}
		if byHand.Email == "" && byHandVersioned.Email == "" {
			t.Errorf("%s: nothing decoded", f.name)
		}
	}
}

// decodeAccountByHand is the hand-written decoder of Account.
func decodeAccountByHand(m map[string]types.AttributeValue) (Account, error) {
	var a Account
	var err error
	if v, ok := m["email"].(*types.AttributeValueMemberS); ok {
		a.Email = v.Value
	}
	if v, ok := m["plan"].(*types.AttributeValueMemberS); ok {
		a.Plan = v.Value
	}
	if v, ok := m["visits"].(*types.AttributeValueMemberN); ok {
		if a.Visits, err = strconv.Atoi(v.Value); err != nil {
			return a, err
		}
	}
	if v, ok := m["tags"].(*types.AttributeValueMemberSS); ok {
		a.Tags = v.Value
	}
	return a, nil
}

// decodeVersionedAccountByHand is the hand-written decoder of
// VersionedAccount.
func decodeVersionedAccountByHand(m map[string]types.AttributeValue) (VersionedAccount, error) {
	a, err := decodeAccountByHand(m)
	if err != nil {
		return VersionedAccount{}, err
	}
	v := VersionedAccount{Email: a.Email, Plan: a.Plan, Visits: a.Visits}
	if n, ok := m["version"].(*types.AttributeValueMemberN); ok {
		if v.Version, err = strconv.ParseInt(n.Value, 10, 64); err != nil {
			return v, err
		}
	}
	return v, nil
}
