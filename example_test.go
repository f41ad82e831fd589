package dynamodel_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/dynamotest"
	"github.com/dynamodel/dynamodel/schema"
)

// The examples run against a real engine: the first of $DYNAMODEL_TEST_ENGINES
// (make test sets it), else $DYNAMODB_ENDPOINT, else a dynalite started for
// the test process. Their tables get a prefix of their own.
var examples struct {
	once   sync.Once
	client *dynamodb.Client
	prefix string
}

// localClient returns a client for the examples' engine, with the User,
// Orders and Docs tables made under the examples' prefix.
func localClient() *dynamodb.Client {
	examples.once.Do(func() {
		e, err := dynamotest.Default()
		if err != nil {
			fmt.Fprintln(os.Stderr, "examples need a DynamoDB engine:", err)
			os.Exit(1)
		}
		examples.client = e.Client()
		examples.prefix = fmt.Sprintf("ex%d-", time.Now().UnixNano()%1e9)
		user, err := schema.Load("testdata/create-user.json")
		if err != nil {
			panic(err)
		}
		tables, err := schema.LoadDir("testdata/tables")
		if err != nil {
			panic(err)
		}
		if _, err := schema.Apply(context.Background(), examples.client, append(tables, user),
			func(o *schema.Options) { o.TablePrefix = examples.prefix }); err != nil {
			panic(err)
		}
	})
	return examples.client
}

// table is the examples' name for a table.
func table(name string) string { return examples.prefix + name }

func ExampleNewRepository() {
	type Order struct {
		Customer string    `dynamodbav:"customer" dynamodel:"hash"`
		ID       string    `dynamodbav:"id"       dynamodel:"range"`
		Total    int       `dynamodbav:"total"`
		Version  int64     `dynamodbav:"version"  dynamodel:"version"`
		Created  time.Time `dynamodbav:"created"  dynamodel:"created"`
	}
	ctx := context.Background()
	client := localClient() // a *dynamodb.Client
	orders, err := dynamodel.NewRepository[Order](client, table("Orders"))
	if err != nil {
		panic(err)
	}
	o, err := orders.Create(ctx, Order{Customer: "c1", ID: "o1", Total: 30})
	if err != nil {
		panic(err)
	}
	fmt.Println("version", o.Version, "created set:", !o.Created.IsZero())
	// Output: version 1 created set: true
}

func ExampleRepository_Get() {
	ctx := context.Background()
	users, _ := dynamodel.NewRepository[dynamodel.User](localClient(), table("User"))
	_, _ = users.Put(ctx, dynamodel.User{Email: "get@example.com", FirstName: "Ada"})

	u, err := users.Get(ctx, "get@example.com")
	fmt.Println(u.FirstName, err)

	_, err = users.Get(ctx, "nobody@example.com")
	fmt.Println(errors.Is(err, dynamodel.ErrNotFound))

	_, err = users.Get(ctx, "") // checked before any call
	fmt.Println(errors.Is(err, dynamodel.ErrInvalidKey))
	// Output:
	// Ada <nil>
	// true
	// true
}

func ExampleRepository_Lookup() {
	ctx := context.Background()
	users, _ := dynamodel.NewRepository[dynamodel.User](localClient(), table("User"))
	_, found, err := users.Lookup(ctx, "lookup@example.com")
	fmt.Println(found, err)
	// Output: false <nil>
}

func ExampleRepository_Create() {
	ctx := context.Background()
	users, _ := dynamodel.NewRepository[dynamodel.User](localClient(), table("User"))
	_, err := users.Create(ctx, dynamodel.User{Email: "create@example.com", FirstName: "Grace"})
	fmt.Println(err)
	_, err = users.Create(ctx, dynamodel.User{Email: "create@example.com", FirstName: "Someone else"})
	fmt.Println(errors.Is(err, dynamodel.ErrAlreadyExists))
	// Output:
	// <nil>
	// true
}

func ExampleRepository_Update() {
	ctx := context.Background()
	users, _ := dynamodel.NewRepository[dynamodel.User](localClient(), table("User"))
	_, _ = users.Put(ctx, dynamodel.User{Email: "update@example.com", FirstName: "Ada", LastName: "Byron"})

	u, err := users.Update(ctx, "update@example.com", dynamodel.Set("last_name", "Lovelace"))
	fmt.Println(u.FirstName, u.LastName, err)

	_, err = users.Update(ctx, "missing@example.com", dynamodel.Set("last_name", "X"))
	fmt.Println(errors.Is(err, dynamodel.ErrNotFound))
	// Output:
	// Ada Lovelace <nil>
	// true
}

func ExampleRepository_DeleteReturning() {
	ctx := context.Background()
	users, _ := dynamodel.NewRepository[dynamodel.User](localClient(), table("User"))
	_, _ = users.Put(ctx, dynamodel.User{Email: "delete@example.com", FirstName: "Ada"})
	old, err := users.DeleteReturning(ctx, "delete@example.com")
	fmt.Println(old.FirstName, err)
	_, err = users.DeleteReturning(ctx, "delete@example.com")
	fmt.Println(errors.Is(err, dynamodel.ErrNotFound))
	// Output:
	// Ada <nil>
	// true
}

func ExampleRepository_Query() {
	ctx := context.Background()
	orders, _ := dynamodel.NewRepository[Order](localClient(), table("Orders"))
	for i := range 5 {
		_, _ = orders.Create(ctx, Order{Customer: "q1", ID: fmt.Sprintf("2026-11-%02d", 20+i), Total: i * 10})
	}
	for o, err := range orders.Query(ctx, dynamodel.Partition("q1").SortGreaterOrEqual("2026-11-22"),
		func(o *dynamodel.QueryOptions) { o.Descending = true }) {
		if err != nil {
			panic(err)
		}
		fmt.Println(o.ID, o.Total)
	}
	// Output:
	// 2026-11-24 40
	// 2026-11-23 30
	// 2026-11-22 20
}

func ExampleRepository_QueryPage() {
	ctx := context.Background()
	orders, _ := dynamodel.NewRepository[Order](localClient(), table("Orders"))
	for i := range 5 {
		_, _ = orders.Create(ctx, Order{Customer: "p1", ID: fmt.Sprint(i)})
	}
	cursor := ""
	for {
		page, err := orders.QueryPage(ctx, dynamodel.Partition("p1"), func(o *dynamodel.QueryOptions) {
			o.Limit, o.Cursor = 2, cursor
		})
		if err != nil {
			panic(err)
		}
		fmt.Println(len(page.Items), "items")
		if cursor = page.Cursor; cursor == "" { // an API hands the cursor to its client
			break
		}
	}
	// Output:
	// 2 items
	// 2 items
	// 1 items
}

func ExampleRepository_Scan() {
	ctx := context.Background()
	docs, _ := dynamodel.NewRepository[Doc](localClient(), table("Docs"))
	_, _ = docs.BatchPut(ctx, []Doc{{ID: "s1", Count: 1}, {ID: "s2", Count: 2}, {ID: "s3", Count: 3}})
	total := 0
	for d, err := range docs.Scan(ctx, func(o *dynamodel.ScanOptions) { o.Segments = 3 }) {
		if err != nil {
			panic(err)
		}
		total += d.Count
	}
	fmt.Println(total)
	// Output: 6
}

func ExampleRepository_BatchGet() {
	ctx := context.Background()
	users, _ := dynamodel.NewRepository[dynamodel.User](localClient(), table("User"))
	_, _ = users.BatchPut(ctx, []dynamodel.User{{Email: "b1@example.com"}, {Email: "b2@example.com"}})
	got, err := users.BatchGet(ctx, []any{"b2@example.com", "nobody@example.com", "b1@example.com"})
	for _, u := range got {
		fmt.Println(u.Email)
	}
	fmt.Println(err)
	// Output:
	// b2@example.com
	// b1@example.com
	// <nil>
}

// Transactions need an engine that has them (moto, DynamoDB Local, AWS;
// not dynalite), so this example is compiled but not run.
func ExampleTransactWrite() {
	ctx := context.Background()
	client := localClient()
	users, _ := dynamodel.NewRepository[dynamodel.User](client, table("User"))
	orders, _ := dynamodel.NewRepository[Order](client, table("Orders"))
	err := dynamodel.TransactWrite(ctx, client, []dynamodel.TxAction{
		users.TxCheck("ada@example.com", dynamodel.Exists("email")),
		orders.TxCreate(Order{Customer: "ada@example.com", ID: "o1", Total: 10}),
	})
	var tce *dynamodel.TransactionCanceledError
	if errors.As(err, &tce) {
		for _, r := range tce.Failed() {
			fmt.Println(r.Index, r.Code) // which action failed, and why
		}
	}
}

func ExamplePrepareUpdate() {
	type Patch struct {
		FirstName *string                    `dynamodbav:"first_name"`
		LastName  dynamodel.Optional[string] `dynamodbav:"last_name"`
		Nickname  dynamodel.Optional[string] `dynamodbav:"nickname"`
	}
	first := "Ada"
	upd, err := dynamodel.PrepareUpdate(Patch{FirstName: &first, Nickname: dynamodel.Clear[string]()})
	fmt.Println(upd, err)
	// Output: SET #n0 = :v0 REMOVE #n1 <nil>
}

func ExampleSet() {
	upd := dynamodel.Set("status", "paid").Add("count", 1).Remove("draft")
	fmt.Println(upd)
	// Output: SET #n0 = :v0 REMOVE #n2 ADD #n1 :v1
}

func ExampleCondition() {
	c := dynamodel.Equal("status", "active").And(dynamodel.Size("tags").Less(10), dynamodel.NotExists("deleted"))
	fmt.Println(c)
	// Output: (#n0 = :v0) AND (size(#n1) < :v1) AND (attribute_not_exists(#n2))
}

func ExampleModelOf() {
	m, err := dynamodel.ModelOf[dynamodel.User]()
	fmt.Println(m.HashKey().Name, m.HashKey().KeyType, err)

	type NoKey struct{ Name string }
	_, err = dynamodel.ModelOf[NoKey]()
	fmt.Println(errors.Is(err, dynamodel.ErrInvalidModel))
	// Output:
	// email S <nil>
	// true
}

// The seed's flow with repository methods: its get_user is Lookup, its
// prepare_user and update are PrepareUpdate and Update, and deleting a user
// who must exist is Delete with MustExist.
func ExampleNewUserRepository() {
	ctx := context.Background()
	users, _ := dynamodel.NewRepository[dynamodel.User](localClient(), table("User")) // NewUserRepository(client) for the table "User"
	_, _ = users.Put(ctx, dynamodel.User{Email: "seed@example.com", FirstName: "Ada", LastName: "Byron"})

	// get_user: the user, or found == false (not an error) when there is none.
	u, found, err := users.Lookup(ctx, "seed@example.com")
	fmt.Println(u.ID(), u.LastName, found, err)

	// prepare_user, then update: a change set that changes nothing is
	// ErrEmptyUpdate from Update, before any call; a missing user is
	// ErrNotFound, and nothing is created.
	upd, err := dynamodel.PrepareUpdate(dynamodel.UserChanges{LastName: dynamodel.Some("Lovelace")})
	if err != nil {
		panic(err)
	}
	updated, err := users.Update(ctx, "seed@example.com", upd)
	fmt.Println(updated.LastName, err)

	// delete_user: with MustExist, deleting a missing user is ErrNotFound.
	mustExist := func(o *dynamodel.DeleteOptions) { o.MustExist = true }
	err = users.Delete(ctx, "seed@example.com", mustExist)
	fmt.Println(err)
	err = users.Delete(ctx, "seed@example.com", mustExist)
	fmt.Println(errors.Is(err, dynamodel.ErrNotFound))
	// Output:
	// seed@example.com Byron true <nil>
	// Lovelace <nil>
	// <nil>
	// true
}

func ExampleConsistentRead() {
	ctx := context.Background()
	client := localClient()
	users, _ := dynamodel.NewRepository[dynamodel.User](client, table("User"))
	orders, _ := dynamodel.NewRepository[Order](client, table("Orders"))
	_, _ = users.Put(ctx, dynamodel.User{Email: "strong@example.com", FirstName: "Ada"})
	_, _ = orders.Put(ctx, Order{Customer: "strong@example.com", ID: "o1", Total: 10})

	// One option for every read; projections are the same field everywhere.
	u, err := users.Get(ctx, "strong@example.com", dynamodel.ConsistentRead)
	fmt.Println(u.FirstName, err)
	for o, err := range orders.Query(ctx, dynamodel.Partition("strong@example.com"), dynamodel.ConsistentRead,
		func(o *dynamodel.QueryOptions) { o.Projection = []string{"id", "total"} }) {
		fmt.Println(o.ID, o.Total, o.Customer == "", err)
	}
	// Output:
	// Ada <nil>
	// o1 10 true <nil>
}

func ExampleRepository_BatchPut() {
	ctx := context.Background()
	orders, _ := dynamodel.NewRepository[Order](localClient(), table("Orders"), func(o *dynamodel.Options) {
		o.Batch.SkipVersionCheck = true // BatchWriteItem cannot check versions
	})
	items := []Order{{Customer: "bp1", ID: "a"}, {Customer: "bp1", ID: "b"}}
	stored, err := orders.BatchPut(ctx, items, func(o *dynamodel.BatchWriteOptions) { o.Concurrency = 2 })
	fmt.Println(len(stored), stored[0].Version, items[0].Version, err) // items is left as it was
	// Output: 2 1 0 <nil>
}

func ExampleRepository_Update_returnValue() {
	ctx := context.Background()
	users, _ := dynamodel.NewRepository[dynamodel.User](localClient(), table("User"))
	_, _ = users.Put(ctx, dynamodel.User{Email: "return@example.com", FirstName: "Ada", LastName: "Byron"})

	old, err := users.Update(ctx, "return@example.com", dynamodel.Set("last_name", "Lovelace"),
		func(o *dynamodel.UpdateOptions) { o.Return = dynamodel.ReturnAllOld })
	fmt.Println(old.LastName, err)
	changed, err := users.Update(ctx, "return@example.com", dynamodel.Set("first_name", "Augusta"),
		func(o *dynamodel.UpdateOptions) { o.Return = dynamodel.ReturnUpdatedNew })
	fmt.Printf("%+v %v\n", changed, err) // only what the update changed
	// Output:
	// Byron <nil>
	// {Email: FirstName:Augusta LastName:} <nil>
}

// Transactions need an engine that has them (moto, DynamoDB Local, AWS;
// not dynalite), so this example is compiled but not run.
func ExampleTransactGet() {
	ctx := context.Background()
	client := localClient()
	users, _ := dynamodel.NewRepository[dynamodel.User](client, table("User"))
	orders, _ := dynamodel.NewRepository[Order](client, table("Orders"))

	ada := users.TxGet("ada@example.com")
	o1 := orders.TxGet(dynamodel.Key{Hash: "ada@example.com", Range: "o1"})
	if err := dynamodel.TransactGet(ctx, client, []dynamodel.TxGetAction{ada, o1}); err != nil {
		panic(err)
	}
	if u, found := ada.Result(); found {
		fmt.Println(u.FirstName)
	}
	if o, found := o1.Result(); found {
		fmt.Println(o.Total)
	}
}

func ExampleBatchWriteError() {
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // the batch stops before it sends anything
	docs, _ := dynamodel.NewRepository[Doc](localClient(), table("Docs"))
	_, err := docs.BatchPut(ctx, []Doc{{ID: "w1"}, {ID: "w2"}})
	var be *dynamodel.BatchWriteError[Doc]
	if errors.As(err, &be) {
		fmt.Println(len(be.Done.Puts), len(be.NotDone.Puts), len(be.Unknown.Puts), errors.Is(err, context.Canceled))
		// What is not done, or unknown, can be sent again: puts and
		// deletes are idempotent.
		_, err = docs.BatchWrite(context.Background(),
			append(be.NotDone.Puts, be.Unknown.Puts...), append(be.NotDone.Deletes, be.Unknown.Deletes...))
	}
	fmt.Println(err)
	// Output:
	// 0 2 0 true
	// <nil>
}

func ExampleOptions_cursorSecret() {
	ctx := context.Background()
	oldSecret, newSecret := []byte("32 random bytes, from a secret store"), []byte("32 other random bytes, rotated in")
	before, _ := dynamodel.NewRepository[Order](localClient(), table("Orders"), func(o *dynamodel.Options) {
		o.CursorSecret = oldSecret
	})
	for i := range 3 {
		_, _ = before.Create(ctx, Order{Customer: "cs1", ID: fmt.Sprint(i)})
	}
	page, _ := before.QueryPage(ctx, dynamodel.Partition("cs1"), func(o *dynamodel.QueryOptions) { o.Limit = 2 })

	// After the rotation, cursors handed out before it still open.
	after, _ := dynamodel.NewRepository[Order](localClient(), table("Orders"), func(o *dynamodel.Options) {
		o.CursorSecret, o.OldCursorSecrets = newSecret, [][]byte{oldSecret}
	})
	next, err := after.QueryPage(ctx, dynamodel.Partition("cs1"), func(o *dynamodel.QueryOptions) { o.Limit, o.Cursor = 2, page.Cursor })
	fmt.Println(len(page.Items), len(next.Items), err)
	// Output: 2 1 <nil>
}

// Strings are document paths: members of maps, elements of lists. Name and
// Path write names that hold '.', '[' or ']' unambiguously.
func ExamplePath() {
	fmt.Println(dynamodel.Path("address", "lines", 2, "text"))
	fmt.Println(dynamodel.Path("reactions", "a.b"))
	fmt.Println(dynamodel.Name("a.b"))

	upd := dynamodel.Set("address.lines[2].text", "Flat 3").
		Set(dynamodel.Path("reactions", "a.b"), 1).
		Remove("tags[0]", dynamodel.Name("a.b"))
	fmt.Println(upd)
	// Output:
	// address.lines[2].text
	// reactions."a.b"
	// "a.b"
	// SET #n0.#n1[2].#n2 = :v0, #n3.#n4 = :v1 REMOVE #n5[0], #n4
}

// Counters in a map: Increment adds atomically, starting from 0 when the
// member is missing.
func ExampleUpdate_Increment() {
	ctx := context.Background()
	profiles, err := dynamodel.NewRepository[Profile](localClient(), table("Docs"))
	if err != nil {
		panic(err)
	}
	_, err = profiles.Put(ctx, Profile{ID: "photo-1", Reactions: map[string]int{"heart": 0, "smiley": 0}})
	if err != nil {
		panic(err)
	}
	for _, kind := range []string{"heart", "heart", "smiley", "wow"} {
		_, err = profiles.Update(ctx, "photo-1", dynamodel.Increment(dynamodel.Path("reactions", kind), 1))
		if err != nil {
			panic(err)
		}
	}
	p, err := profiles.Update(ctx, "photo-1", dynamodel.Update{}.Decrement("reactions.smiley", 1).Add("views", 10))
	if err != nil {
		panic(err)
	}
	fmt.Println(p.Reactions["heart"], p.Reactions["smiley"], p.Reactions["wow"], p.Views)
	// Output: 2 0 1 10
}

// A change set can increment the members of a map, one path per key.
func ExamplePrepareUpdate_members() {
	type Reacted struct {
		Reactions map[string]int `dynamodbav:"reactions" dynamodel:"members,increment"`
		Seen      *bool          `dynamodbav:"seen"`
	}
	yes := true
	upd, err := dynamodel.PrepareUpdate(Reacted{Reactions: map[string]int{"heart": 1}, Seen: &yes})
	fmt.Println(upd, err)
	// Output: SET #n0.#n1 = if_not_exists(#n0.#n1, :v2) + :v0, #n2 = :v1 <nil>
}

// A raw expression says what the typed API does not (here: arithmetic
// between two attributes), with placeholders of its own that never clash
// with dynamodel's.
func ExampleRawUpdate() {
	upd := dynamodel.Set("status", "priced").Raw(dynamodel.Raw{
		Expr:  "SET #total = #subtotal + #shipping",
		Names: map[string]string{"#total": "total", "#subtotal": "subtotal", "#shipping": "shipping"},
	})
	fmt.Println(upd)
	cond := dynamodel.Exists("status").And(dynamodel.RawCondition(dynamodel.Raw{
		Expr:   "#n0 <= :v0",
		Names:  map[string]string{"#n0": "total"},
		Values: map[string]any{":v0": 100},
	}))
	fmt.Println(cond)
	// Output:
	// SET #n0 = :v0, #n1 = #n2 + #n3
	// (attribute_exists(#n0)) AND (#n1 <= :v0)
}

func ExampleRepository_PutReturning() {
	ctx := context.Background()
	users, _ := dynamodel.NewRepository[dynamodel.User](localClient(), table("User"))
	res, err := users.PutReturning(ctx, dynamodel.User{Email: "putret@example.com", FirstName: "Ada"})
	fmt.Println(res.Replaced, err) // the key was free
	res, err = users.PutReturning(ctx, dynamodel.User{Email: "putret@example.com", FirstName: "Augusta"})
	fmt.Println(res.Replaced, res.Old.FirstName, res.Item.FirstName, err)
	// Output:
	// false <nil>
	// true Ada Augusta <nil>
}

func ExampleConditionFailedError() {
	ctx := context.Background()
	users, _ := dynamodel.NewRepository[dynamodel.User](localClient(), table("User"))
	_, _ = users.Put(ctx, dynamodel.User{Email: "taken@example.com", FirstName: "Grace"})

	_, err := users.Create(ctx, dynamodel.User{Email: "taken@example.com", FirstName: "Ada"})
	var cf *dynamodel.ConditionFailedError[dynamodel.User]
	if errors.As(err, &cf) && cf.Found {
		fmt.Println("taken by", cf.Item.FirstName) // the item as it was when the condition failed
	}
	fmt.Println(errors.Is(err, dynamodel.ErrAlreadyExists))
	// Output:
	// taken by Grace
	// true
}

func ExampleCapacity() {
	ctx := context.Background()
	docs, _ := dynamodel.NewRepository[Doc](localClient(), table("Docs"))
	var c dynamodel.Capacity // one per request handler, say; safe to share
	_, _ = docs.BatchPut(ctx, []Doc{{ID: "cap1", Count: 1}, {ID: "cap2", Count: 2}, {ID: "cap3", Count: 3}},
		func(o *dynamodel.BatchWriteOptions) { o.Capacity = &c })
	n, err := docs.ScanCount(ctx, func(o *dynamodel.ScanOptions) {
		o.Filter = dynamodel.BeginsWith("id", "cap").And(dynamodel.Greater("count", 1))
		o.Capacity = &c
	})
	u := c.Usage() // Units, and Tables[name].Units/Table/Indexes, as the engine reports them
	fmt.Println(n, err, u.Requests, u.Returned, u.Evaluated >= 3)
	// Output: 2 <nil> 2 2 true
}

func ExampleQueryOptions_maxEvaluated() {
	ctx := context.Background()
	orders, _ := dynamodel.NewRepository[Order](localClient(), table("Orders"))
	for i := range 6 {
		_, _ = orders.Create(ctx, Order{Customer: "me1", ID: fmt.Sprint(i), Status: []string{"paid", "open"}[i%2]})
	}
	paid := func(o *dynamodel.QueryOptions) {
		o.Filter = dynamodel.Equal("status", "paid")
		o.MaxEvaluated = 4 // read (and pay for) at most 4 items, whatever the filter keeps
	}
	found, err := dynamodel.Collect(orders.Query(ctx, dynamodel.Partition("me1"), paid), 0)
	fmt.Println(len(found), errors.Is(err, dynamodel.ErrMaxEvaluated)) // 0 and 2 of 0..3; more left

	page, err := orders.QueryPage(ctx, dynamodel.Partition("me1"), paid, func(o *dynamodel.QueryOptions) { o.Limit = 10 })
	fmt.Println(len(page.Items), page.Cursor != "", err) // a short page, and a cursor to go on
	// Output:
	// 2 true
	// 2 true <nil>
}

// Transactions need an engine that has them (moto, DynamoDB Local, AWS;
// not dynalite), so this example is compiled but not run.
func ExampleTransactOptions() {
	ctx := context.Background()
	client := localClient()
	docs, _ := dynamodel.NewRepository[Doc](client, table("Docs"))
	var c dynamodel.Capacity
	err := dynamodel.TransactWrite(ctx, client, []dynamodel.TxAction{
		docs.TxUpdate("stock", dynamodel.Update{}.Add("count", -1),
			func(o *dynamodel.UpdateOptions) { o.Condition = dynamodel.Greater("count", 0) }),
		docs.TxPut(Doc{ID: "reservation-1"}),
	}, func(o *dynamodel.TransactOptions) {
		o.ClientRequestToken = "reservation-1" // the same for every attempt: applied once
		o.ConflictRetries = 3                  // resend when only other transactions were in the way
		o.Capacity = &c
	})
	var cf *dynamodel.ConditionFailedError[Doc]
	switch {
	case errors.As(err, &cf):
		fmt.Println("out of stock:", cf.Item.Count) // the item as it was
	case errors.Is(err, dynamodel.ErrTransactionConflict):
		fmt.Println("still busy after 3 retries")
	}
	fmt.Println(c.Usage())
}

// A client for a service that runs batches of 32 requests at a time keeps
// 32 idle connections, so every request reuses one (the SDK's default keeps
// 10 and opens new connections for the rest).
func ExampleWithConnections() {
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		panic(err)
	}
	client := dynamodb.NewFromConfig(cfg, dynamodel.WithEndpointFromEnv(), dynamodel.WithConnections(32))
	users, err := dynamodel.NewRepository[dynamodel.User](client, "User", func(o *dynamodel.Options) {
		o.Batch.Concurrency = 32
	})
	if err != nil {
		panic(err)
	}
	_ = users
}
