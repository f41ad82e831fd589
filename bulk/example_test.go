package bulk_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/bulk"
	"github.com/dynamodel/dynamodel/dynamotest"
	"github.com/dynamodel/dynamodel/schema"
)

// The examples run against the tests' first engine, with tables of their
// own: Users, UsersCopy and the control table, under a prefix.
var examples struct {
	once   sync.Once
	client *dynamodb.Client
	prefix string
}

func exampleClient() *dynamodb.Client {
	examples.once.Do(func() {
		e, err := dynamotest.Default()
		if err != nil {
			fmt.Fprintln(os.Stderr, "examples need a DynamoDB engine:", err)
			os.Exit(1)
		}
		examples.client = e.Client()
		examples.prefix = fmt.Sprintf("bx%d-", time.Now().UnixNano()%1e9)
		var tables []*schema.Table
		for _, name := range []string{"Users", "UsersCopy"} {
			s, err := schema.Parse(name, []byte(`{"TableName": "`+name+`", "BillingMode": "PAY_PER_REQUEST",
				"AttributeDefinitions": [{"AttributeName": "email", "AttributeType": "S"}],
				"KeySchema": [{"AttributeName": "email", "KeyType": "HASH"}]}`))
			if err != nil {
				panic(err)
			}
			tables = append(tables, s)
		}
		control, err := bulk.ControlTable("")
		if err != nil {
			panic(err)
		}
		if _, err := schema.Apply(context.Background(), examples.client, append(tables, control),
			func(o *schema.Options) { o.TablePrefix = examples.prefix }); err != nil {
			panic(err)
		}
	})
	return examples.client
}

// User is the examples' model.
type User struct {
	Email   string `dynamodbav:"email" dynamodel:"hash"`
	Name    string `dynamodbav:"name"`
	Login   string `dynamodbav:"login,omitempty"`
	Version int64  `dynamodbav:"version" dynamodel:"version"`
}

// Backfill gives every user a login. Run the same code in as many
// processes as you like: they share the run "add-login".
func ExampleBackfill() {
	ctx := context.Background()
	client := exampleClient()
	users, err := dynamodel.NewRepository[User](client, examples.prefix+"Users")
	if err != nil {
		panic(err)
	}
	for _, email := range []string{"Ada@example.com", "grace@example.com"} {
		if _, err := users.Create(ctx, User{Email: email, Name: "?"}); err != nil {
			panic(err)
		}
	}
	addLogin := func(u User) (User, bulk.Action, error) {
		if u.Login != "" {
			return u, bulk.Keep, nil
		}
		u.Login = strings.ToLower(strings.TrimSuffix(u.Email, "@example.com"))
		return u, bulk.Rewrite, nil
	}
	res, err := bulk.Backfill(ctx, users, "add-login", addLogin, func(o *bulk.BackfillOptions) {
		o.ControlTable = examples.prefix + bulk.DefaultControlTable // made with bulk.CreateControlTable
		o.WriteUnits = 50                                           // per second, for all workers together
	})
	if err != nil {
		panic(err)
	}
	fmt.Println("rewritten:", res.Rewritten, "finished:", res.Finished)
	u, _ := users.Get(ctx, "Ada@example.com")
	fmt.Println(u.Login, "version", u.Version)

	// The run is finished: starting it again does nothing.
	res, _ = bulk.Backfill(ctx, users, "add-login", addLogin, func(o *bulk.BackfillOptions) {
		o.ControlTable = examples.prefix + bulk.DefaultControlTable
	})
	fmt.Println("again:", res.Read, "read")
	// Output:
	// rewritten: 2 finished: true
	// ada version 2
	// again: 0 read
}

// Export a table to a gzip file and import it into another.
func ExampleExportFile() {
	ctx := context.Background()
	client := exampleClient()
	path := filepath.Join(os.TempDir(), examples.prefix+"users.json.gz")
	defer os.Remove(path)
	if _, err := client.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: strPtr(examples.prefix + "UsersCopy"),
		Item:      mustParse(`{"Item":{"email":{"S":"old@example.com"}}}`),
	}); err != nil {
		panic(err)
	}
	res, err := bulk.ExportFile(ctx, client, examples.prefix+"UsersCopy", path, func(o *bulk.ExportOptions) {
		o.Segments = 2
	})
	if err != nil {
		panic(err)
	}
	fmt.Println("exported", res.Items)
	imp, err := bulk.Import(ctx, client, examples.prefix+"Users", []string{path}, func(o *bulk.ImportOptions) {
		o.IfAbsent = true // leave existing items alone
	})
	if err != nil {
		panic(err)
	}
	fmt.Println("written", imp.Written, "existing", len(imp.Existing))
	// Output:
	// exported 1
	// written 1 existing 0
}

// AppendLine and ParseLine are the line format of DynamoDB's export.
func ExampleAppendLine() {
	item := mustParse(`{"Item":{"name":{"S":"Ada"},"tags":{"SS":["a","b"]},"n":{"N":"1.5"}}}`)
	line, err := bulk.AppendLine(nil, item)
	if err != nil {
		panic(err)
	}
	fmt.Print(string(line))
	_, err = bulk.ParseLine([]byte(`{"Item":{"n":{"N":"one"}}}`))
	fmt.Println(err)
	// Output:
	// {"Item":{"n":{"N":"1.5"},"name":{"S":"Ada"},"tags":{"SS":["a","b"]}}}
	// bulk: malformed item: attribute "n": "one" is not a number DynamoDB accepts
}

func mustParse(line string) map[string]types.AttributeValue {
	item, err := bulk.ParseLine(bytes.TrimSpace([]byte(line)))
	if err != nil {
		panic(err)
	}
	return item
}

func strPtr(s string) *string { return &s }
