package dynamodel

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// fixedAPI answers GetItem and Query with one item, UpdateItem with one
// item's attributes, PutItem and DeleteItem with nothing, without
// allocating: what is counted is dynamodel's own work.
type fixedAPI struct {
	API
	item     map[string]types.AttributeValue
	getOut   dynamodb.GetItemOutput
	putOut   dynamodb.PutItemOutput
	updOut   dynamodb.UpdateItemOutput
	delOut   dynamodb.DeleteItemOutput
	queryOut dynamodb.QueryOutput
}

func (f *fixedAPI) GetItem(context.Context, *dynamodb.GetItemInput, ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	f.getOut.Item = f.item
	return &f.getOut, nil
}

func (f *fixedAPI) PutItem(context.Context, *dynamodb.PutItemInput, ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	return &f.putOut, nil
}

func (f *fixedAPI) UpdateItem(context.Context, *dynamodb.UpdateItemInput, ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	f.updOut.Attributes = f.item
	return &f.updOut, nil
}

func (f *fixedAPI) DeleteItem(context.Context, *dynamodb.DeleteItemInput, ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error) {
	return &f.delOut, nil
}

func (f *fixedAPI) Query(context.Context, *dynamodb.QueryInput, ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	f.queryOut.Items = f.queryOut.Items[:0]
	f.queryOut.Items = append(f.queryOut.Items, f.item)
	f.queryOut.Count, f.queryOut.ScannedCount = 1, 1
	return &f.queryOut, nil
}

// TestAllocations bounds the allocations of the hot paths, as measured:
// a prepared update of a cached shape (with or without a return choice,
// of attributes or of paths), and Get, Put, Update, Delete, QueryPage and
// Query around the client call. Capacity and MaxEvaluated did not change
// the counts of calls that do not set them. A Get and a query's page cost
// one allocation for the direct read path's sink (direct.go), which is
// also the call's context (with the SDK's client, a Get saves more than
// that: 322 allocations to 323 in BenchmarkStubGet).
func TestAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	api := &fixedAPI{item: map[string]types.AttributeValue{
		"email":      &types.AttributeValueMemberS{Value: "ada@example.com"},
		"first_name": &types.AttributeValueMemberS{Value: "Ada"},
	}}
	users, err := NewRepository[User](api, UserTable)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	upd := Set("first_name", "Ada").Set("last_name", "Lovelace")
	returnNone := func(o *UpdateOptions) { o.Return = ReturnNone }
	type profile struct {
		Email     string            `dynamodbav:"email" dynamodel:"hash"`
		Reactions map[string]int    `dynamodbav:"reactions"`
		Address   map[string]string `dynamodbav:"address"`
	}
	profiles, err := NewRepository[profile](api, "Profiles")
	if err != nil {
		t.Fatal(err)
	}
	pathUpd := Increment("reactions.heart", 1).Set("address.city", "Paris")
	type versioned struct {
		Email   string `dynamodbav:"email" dynamodel:"hash"`
		Plan    string `dynamodbav:"plan"`
		Version int64  `dynamodbav:"version" dynamodel:"version"`
	}
	accounts, err := NewRepository[versioned](api, "Accounts")
	if err != nil {
		t.Fatal(err)
	}
	type accountChanges struct {
		Plan   *string `dynamodbav:"plan"`
		Visits *int    `dynamodbav:"visits" dynamodel:"increment"`
	}
	plan, one := "pro", 1
	changes := &accountChanges{Plan: &plan, Visits: &one}
	var c Capacity
	for _, tc := range []struct {
		name string
		max  float64
		fn   func()
	}{
		// The request (with its strings, its options and its first string
		// and number values: scalars.go) and the maps of the key, the
		// names and the values (two allocations each).
		{"UpdateItemInput", 7, func() { _, _ = users.UpdateItemInput("ada@example.com", upd) }},
		// An option function costs nothing of its own: it is given the
		// options inside the request, which is allocated anyway.
		{"UpdateItemInput with a return choice", 7, func() { _, _ = users.UpdateItemInput("ada@example.com", upd, returnNone) }},
		// The 0 the counter starts from is a number of the request's own.
		{"UpdateItemInput with paths and a counter", 7, func() { _, _ = profiles.UpdateItemInput("ada@example.com", pathUpd) }},
		// A caller's condition of a cached form costs nothing for a value
		// it carries (a scalar of the request's own) and one allocation an
		// And (its parts); a comparison or function is held in the
		// Condition itself, and the writer and the form's key stay on the
		// stack.
		{"UpdateItemInput with a condition", 7, func() {
			_, _ = users.UpdateItemInput("ada@example.com", upd, func(o *UpdateOptions) { o.Condition = Less("visits", 3) })
		}},
		{"UpdateItemInput with two conditions", 8, func() {
			_, _ = users.UpdateItemInput("ada@example.com", upd, func(o *UpdateOptions) {
				o.Condition = Equal("plan", "free").And(Exists("visits"))
			})
		}},
		// The item passed as the key is boxed and its key read by
		// reflection; the version checked, its increment's 1 and the key
		// are scalars of the request's own.
		// 7 with go1.26; go1.24's escape analysis moves one more value to
		// the heap (the suite runs on both).
		{"UpdateItemInput with a version and a condition", 8, func() {
			_, _ = accounts.UpdateItemInput(versioned{Email: "ada@example.com", Version: 7}, Set("plan", "pro"), func(o *UpdateOptions) {
				o.Condition = Less("visits", 3)
			})
		}},
		// A change set's tags are read once per type and its fields encoded
		// by the codec's plan into an array on the stack: the two values;
		// the Update keeps its first changes in place.
		{"PrepareUpdate of two fields", 2, func() { _, _ = PrepareUpdate(changes) }},
		{"Get", 6, func() { _, _ = users.Get(ctx, "ada@example.com") }},
		{"Get consistent", 7, func() { _, _ = users.Get(ctx, "ada@example.com", ConsistentRead) }},
		{"Put", 9, func() { _, _ = users.Put(ctx, User{Email: "ada@example.com", FirstName: "Ada"}) }},
		{"Update", 8, func() { _, _ = users.Update(ctx, "ada@example.com", upd) }}, // with the direct path's sink (direct.go)
		{"Delete", 5, func() { _ = users.Delete(ctx, "ada@example.com") }},
		{"QueryPage", 38, func() { _, _ = users.QueryPage(ctx, Partition("ada@example.com")) }},
		{"Query", 18, func() {
			for range users.Query(ctx, Partition("ada@example.com")) {
			}
		}},
		// An option function costs one allocation, the options it
		// changes (collectOptions); asking for capacity costs nothing
		// more (adding a report allocates a table's entry once; this API
		// reports none).
		{"Get with a Capacity", 7, func() { _, _ = users.Get(ctx, "ada@example.com", func(o *GetOptions) { o.Capacity = &c }) }},
		{"Put with a Capacity", 10, func() {
			_, _ = users.Put(ctx, User{Email: "ada@example.com", FirstName: "Ada"}, func(o *PutOptions) { o.Capacity = &c })
		}},
		{"Update with a Capacity", 8, func() { _, _ = users.Update(ctx, "ada@example.com", upd, func(o *UpdateOptions) { o.Capacity = &c }) }},
		{"Query with a Capacity", 19, func() {
			for range users.Query(ctx, Partition("ada@example.com"), func(o *QueryOptions) { o.Capacity = &c }) {
			}
		}},
	} {
		tc.fn() // the update's shape is cached by the first call
		got := testing.AllocsPerRun(100, tc.fn)
		t.Logf("%s: %v allocations", tc.name, got)
		if got > tc.max {
			t.Errorf("%s: %v allocations, want at most %v", tc.name, got, tc.max)
		}
	}
}
