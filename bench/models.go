// Package bench compares dynamodel with the raw SDK, hand-written
// attribute value code, attributevalue and guregu/dynamo. It is a module of
// its own, so the library never depends on what it is compared with.
//
//	make bench        # from the repository root: runs everything, prints benchstat tables
package bench

import (
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// User is the seed's user: three strings.
type User struct {
	Email     string `dynamodbav:"email" dynamo:"email,hash" dynamodel:"hash"`
	FirstName string `dynamodbav:"first_name,omitempty" dynamo:"first_name,omitempty"`
	LastName  string `dynamodbav:"last_name,omitempty" dynamo:"last_name,omitempty"`
}

// Address is nested in Wide.
type Address struct {
	Street string `dynamodbav:"street" dynamo:"street"`
	City   string `dynamodbav:"city" dynamo:"city"`
	Zip    string `dynamodbav:"zip" dynamo:"zip"`
}

// Wide is a 15-field item: strings, numbers, a bool, a list, a map, a nested
// struct and times.
type Wide struct {
	ID      string            `dynamodbav:"id" dynamo:"id,hash" dynamodel:"hash"`
	Name    string            `dynamodbav:"name" dynamo:"name"`
	Email   string            `dynamodbav:"email" dynamo:"email"`
	Age     int               `dynamodbav:"age" dynamo:"age"`
	Score   float64           `dynamodbav:"score" dynamo:"score"`
	Active  bool              `dynamodbav:"active" dynamo:"active"`
	Tags    []string          `dynamodbav:"tags" dynamo:"tags"`
	Attrs   map[string]string `dynamodbav:"attrs" dynamo:"attrs"`
	Address Address           `dynamodbav:"address" dynamo:"address"`
	Created time.Time         `dynamodbav:"created" dynamo:"created"`
	Updated time.Time         `dynamodbav:"updated" dynamo:"updated"`
	Count   int64             `dynamodbav:"count" dynamo:"count"`
	Ratio   float32           `dynamodbav:"ratio" dynamo:"ratio"`
	Notes   string            `dynamodbav:"notes" dynamo:"notes"`
	Level   uint8             `dynamodbav:"level" dynamo:"level"`
}

// SampleUser and SampleWide are the values every benchmark encodes.
var (
	SampleUser = User{Email: "ada@example.com", FirstName: "Ada", LastName: "Lovelace"}
	SampleWide = Wide{
		ID: "w-000001", Name: "Ada Lovelace", Email: "ada@example.com", Age: 36, Score: 98.25, Active: true,
		Tags:    []string{"math", "engines", "poetry"},
		Attrs:   map[string]string{"team": "analytical", "floor": "2"},
		Address: Address{Street: "12 St James's Square", City: "London", Zip: "SW1Y 4JH"},
		Created: time.Date(2026, 11, 25, 9, 30, 0, 123456789, time.UTC),
		Updated: time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC),
		Count:   12345, Ratio: 0.75, Notes: "first programmer", Level: 7,
	}
)

// EncodeUserByHand is what careful hand-written code does.
func EncodeUserByHand(u *User) map[string]types.AttributeValue {
	m := make(map[string]types.AttributeValue, 3)
	m["email"] = &types.AttributeValueMemberS{Value: u.Email}
	if u.FirstName != "" {
		m["first_name"] = &types.AttributeValueMemberS{Value: u.FirstName}
	}
	if u.LastName != "" {
		m["last_name"] = &types.AttributeValueMemberS{Value: u.LastName}
	}
	return m
}

// DecodeUserByHand is the hand-written decoder.
func DecodeUserByHand(m map[string]types.AttributeValue) (User, error) {
	var u User
	if v, ok := m["email"].(*types.AttributeValueMemberS); ok {
		u.Email = v.Value
	}
	if v, ok := m["first_name"].(*types.AttributeValueMemberS); ok {
		u.FirstName = v.Value
	}
	if v, ok := m["last_name"].(*types.AttributeValueMemberS); ok {
		u.LastName = v.Value
	}
	return u, nil
}

// EncodeWideByHand is the hand-written encoder of Wide.
func EncodeWideByHand(w *Wide) map[string]types.AttributeValue {
	tags := make([]types.AttributeValue, len(w.Tags))
	for i, t := range w.Tags {
		tags[i] = &types.AttributeValueMemberS{Value: t}
	}
	attrs := make(map[string]types.AttributeValue, len(w.Attrs))
	for k, v := range w.Attrs {
		attrs[k] = &types.AttributeValueMemberS{Value: v}
	}
	return map[string]types.AttributeValue{
		"id":     &types.AttributeValueMemberS{Value: w.ID},
		"name":   &types.AttributeValueMemberS{Value: w.Name},
		"email":  &types.AttributeValueMemberS{Value: w.Email},
		"age":    &types.AttributeValueMemberN{Value: strconv.Itoa(w.Age)},
		"score":  &types.AttributeValueMemberN{Value: strconv.FormatFloat(w.Score, 'f', -1, 64)},
		"active": &types.AttributeValueMemberBOOL{Value: w.Active},
		"tags":   &types.AttributeValueMemberL{Value: tags},
		"attrs":  &types.AttributeValueMemberM{Value: attrs},
		"address": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
			"street": &types.AttributeValueMemberS{Value: w.Address.Street},
			"city":   &types.AttributeValueMemberS{Value: w.Address.City},
			"zip":    &types.AttributeValueMemberS{Value: w.Address.Zip},
		}},
		"created": &types.AttributeValueMemberS{Value: w.Created.Format(time.RFC3339Nano)},
		"updated": &types.AttributeValueMemberS{Value: w.Updated.Format(time.RFC3339Nano)},
		"count":   &types.AttributeValueMemberN{Value: strconv.FormatInt(w.Count, 10)},
		"ratio":   &types.AttributeValueMemberN{Value: strconv.FormatFloat(float64(w.Ratio), 'f', -1, 32)},
		"notes":   &types.AttributeValueMemberS{Value: w.Notes},
		"level":   &types.AttributeValueMemberN{Value: strconv.FormatUint(uint64(w.Level), 10)},
	}
}

func str(m map[string]types.AttributeValue, k string) string {
	if v, ok := m[k].(*types.AttributeValueMemberS); ok {
		return v.Value
	}
	return ""
}

func num(m map[string]types.AttributeValue, k string) string {
	if v, ok := m[k].(*types.AttributeValueMemberN); ok {
		return v.Value
	}
	return "0"
}

// DecodeWideByHand is the hand-written decoder of Wide.
func DecodeWideByHand(m map[string]types.AttributeValue) (Wide, error) {
	var w Wide
	var err error
	w.ID, w.Name, w.Email, w.Notes = str(m, "id"), str(m, "name"), str(m, "email"), str(m, "notes")
	if w.Age, err = strconv.Atoi(num(m, "age")); err != nil {
		return w, err
	}
	if w.Score, err = strconv.ParseFloat(num(m, "score"), 64); err != nil {
		return w, err
	}
	if b, ok := m["active"].(*types.AttributeValueMemberBOOL); ok {
		w.Active = b.Value
	}
	if l, ok := m["tags"].(*types.AttributeValueMemberL); ok {
		w.Tags = make([]string, 0, len(l.Value))
		for _, e := range l.Value {
			if s, ok := e.(*types.AttributeValueMemberS); ok {
				w.Tags = append(w.Tags, s.Value)
			}
		}
	}
	if a, ok := m["attrs"].(*types.AttributeValueMemberM); ok {
		w.Attrs = make(map[string]string, len(a.Value))
		for k, e := range a.Value {
			if s, ok := e.(*types.AttributeValueMemberS); ok {
				w.Attrs[k] = s.Value
			}
		}
	}
	if a, ok := m["address"].(*types.AttributeValueMemberM); ok {
		w.Address = Address{Street: str(a.Value, "street"), City: str(a.Value, "city"), Zip: str(a.Value, "zip")}
	}
	if w.Created, err = time.Parse(time.RFC3339, str(m, "created")); err != nil {
		return w, err
	}
	if w.Updated, err = time.Parse(time.RFC3339, str(m, "updated")); err != nil {
		return w, err
	}
	if w.Count, err = strconv.ParseInt(num(m, "count"), 10, 64); err != nil {
		return w, err
	}
	r, err := strconv.ParseFloat(num(m, "ratio"), 32)
	if err != nil {
		return w, err
	}
	w.Ratio = float32(r)
	l, err := strconv.ParseUint(num(m, "level"), 10, 8)
	w.Level = uint8(l)
	return w, err
}
