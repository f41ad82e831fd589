package bench

import (
	"strconv"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodel/dynamodel"
)

var inputSink *dynamodb.UpdateItemInput

// BenchmarkUpdateItemInput builds the request that sets three attributes of
// a user on the condition that it exists: a string built at run time, by
// hand; dynamodel's prepared update; the SDK's expression builder.
func BenchmarkUpdateItemInput(b *testing.B) {
	first, last, age := "Ada", "Lovelace", 36
	email := "ada@example.com"
	b.Run("impl=handwritten", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			names := map[string]string{"#n0": "first_name", "#n1": "last_name", "#n2": "age", "#n3": "email"}
			values := map[string]types.AttributeValue{
				":v0": &types.AttributeValueMemberS{Value: first},
				":v1": &types.AttributeValueMemberS{Value: last},
				":v2": &types.AttributeValueMemberN{Value: strconv.Itoa(age)},
			}
			expr := "SET " + "#n0 = :v0, " + "#n1 = :v1, " + "#n2 = :v2"
			cond := "attribute_exists(" + "#n3" + ")"
			inputSink = &dynamodb.UpdateItemInput{
				TableName:                 aws.String("User"),
				Key:                       map[string]types.AttributeValue{"email": &types.AttributeValueMemberS{Value: email}},
				UpdateExpression:          &expr,
				ConditionExpression:       &cond,
				ExpressionAttributeNames:  names,
				ExpressionAttributeValues: values,
				ReturnValues:              types.ReturnValueAllNew,
			}
		}
	})
	b.Run("impl=dynamodel", func(b *testing.B) {
		users, err := dynamodel.NewRepository[User](nopClient{}, "User")
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			upd := dynamodel.Set("first_name", first).Set("last_name", last).Set("age", age)
			if inputSink, err = users.UpdateItemInput(email, upd); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=expression", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			upd := expression.Set(expression.Name("first_name"), expression.Value(first)).
				Set(expression.Name("last_name"), expression.Value(last)).
				Set(expression.Name("age"), expression.Value(age))
			e, err := expression.NewBuilder().WithUpdate(upd).
				WithCondition(expression.AttributeExists(expression.Name("email"))).Build()
			if err != nil {
				b.Fatal(err)
			}
			inputSink = &dynamodb.UpdateItemInput{
				TableName:                 aws.String("User"),
				Key:                       map[string]types.AttributeValue{"email": &types.AttributeValueMemberS{Value: email}},
				UpdateExpression:          e.Update(),
				ConditionExpression:       e.Condition(),
				ExpressionAttributeNames:  e.Names(),
				ExpressionAttributeValues: e.Values(),
				ReturnValues:              types.ReturnValueAllNew,
			}
		}
	})
}

// Profile is a user with documents in it, for path updates.
type Profile struct {
	Email     string            `dynamodbav:"email" dynamodel:"hash"`
	Reactions map[string]int    `dynamodbav:"reactions"`
	Address   map[string]string `dynamodbav:"address"`
	Tags      []string          `dynamodbav:"tags"`
}

// BenchmarkPathUpdateItemInput builds the request that increments a
// counter in a map (from 0 when missing), sets a member of another map and
// an element of a list, on the condition that the item exists: by hand,
// with dynamodel's prepared update, and with the SDK's expression builder.
func BenchmarkPathUpdateItemInput(b *testing.B) {
	kind, city, tag := "heart", "Paris", "new"
	email := "ada@example.com"
	b.Run("impl=handwritten", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			names := map[string]string{"#n0": "reactions", "#n1": kind, "#n2": "address", "#n3": "city", "#n4": "tags", "#n5": "email"}
			values := map[string]types.AttributeValue{
				":v0": &types.AttributeValueMemberN{Value: "1"},
				":v1": &types.AttributeValueMemberS{Value: city},
				":v2": &types.AttributeValueMemberS{Value: tag},
				":v3": &types.AttributeValueMemberN{Value: "0"},
			}
			expr := "SET " + "#n0.#n1 = if_not_exists(#n0.#n1, :v3) + :v0, " + "#n2.#n3 = :v1, " + "#n4[0] = :v2"
			cond := "attribute_exists(" + "#n5" + ")"
			inputSink = &dynamodb.UpdateItemInput{
				TableName:                 aws.String("Profile"),
				Key:                       map[string]types.AttributeValue{"email": &types.AttributeValueMemberS{Value: email}},
				UpdateExpression:          &expr,
				ConditionExpression:       &cond,
				ExpressionAttributeNames:  names,
				ExpressionAttributeValues: values,
				ReturnValues:              types.ReturnValueAllNew,
			}
		}
	})
	b.Run("impl=dynamodel", func(b *testing.B) {
		profiles, err := dynamodel.NewRepository[Profile](nopClient{}, "Profile")
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			upd := dynamodel.Increment("reactions.heart", 1).Set("address.city", city).Set("tags[0]", tag)
			if inputSink, err = profiles.UpdateItemInput(email, upd); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=expression", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			counter := expression.Name("reactions." + kind)
			upd := expression.Set(counter, expression.Plus(expression.IfNotExists(counter, expression.Value(0)), expression.Value(1))).
				Set(expression.Name("address.city"), expression.Value(city)).
				Set(expression.Name("tags[0]"), expression.Value(tag))
			e, err := expression.NewBuilder().WithUpdate(upd).
				WithCondition(expression.AttributeExists(expression.Name("email"))).Build()
			if err != nil {
				b.Fatal(err)
			}
			inputSink = &dynamodb.UpdateItemInput{
				TableName:                 aws.String("Profile"),
				Key:                       map[string]types.AttributeValue{"email": &types.AttributeValueMemberS{Value: email}},
				UpdateExpression:          e.Update(),
				ConditionExpression:       e.Condition(),
				ExpressionAttributeNames:  e.Names(),
				ExpressionAttributeValues: e.Values(),
				ReturnValues:              types.ReturnValueAllNew,
			}
		}
	})
}

// nopClient is an API that is never called.
type nopClient struct{ dynamodel.API }
