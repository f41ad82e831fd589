package schema_test

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/dynamodel/dynamodel/dynamotest"
	"github.com/dynamodel/dynamodel/schema"
)

// The examples that need an engine run against the first of
// $DYNAMODEL_TEST_ENGINES (make test sets it), else $DYNAMODB_ENDPOINT, else
// a dynalite started for the test process. Each example's tables get a
// prefix of their own; TestMain deletes them at the end.
var examples struct {
	once   sync.Once
	client *dynamodb.Client
	prefix string
}

// localClient returns a client for the examples' engine.
func localClient() *dynamodb.Client {
	examples.once.Do(func() {
		e, err := dynamotest.Default()
		if err != nil {
			fmt.Fprintln(os.Stderr, "examples need a DynamoDB engine:", err)
			os.Exit(1)
		}
		examples.client = e.Client()
		examples.prefix = fmt.Sprintf("ex%d-", time.Now().UnixNano()%1e9)
	})
	return examples.client
}

// examplePrefix is the table-name prefix of one example.
func examplePrefix(example string) string { return examples.prefix + example + "-" }

// prefixFor sets the table-name prefix of one example.
func prefixFor(example string) func(*schema.Options) {
	return func(o *schema.Options) { o.TablePrefix = examplePrefix(example) }
}

func ExampleLoad() {
	music, err := schema.Load("testdata/guide/music.json") // or file://testdata/guide/music.json
	if err != nil {
		panic(err)
	}
	hash, hashType := music.HashKey()
	rng, rngType := music.RangeKey()
	fmt.Println(music.Name(), hash, hashType, rng, rngType)

	ixHash, ixRange, ok := music.IndexKeys("AlbumTitleIndex")
	fmt.Printf("%q %q %v\n", ixHash, ixRange, ok)
	// Output:
	// Music Artist S SongTitle S
	// "AlbumTitle" "" true
}

func ExampleParse() {
	_, err := schema.Parse("bad.json", []byte(`{"TableName": "User", "KeySchema": [{"AttributeName": "email", "KeyType": "PRIMARY"}]}`))
	fmt.Println(err)

	var e *schema.Error
	fmt.Println(errors.As(err, &e), e.Path, errors.Is(err, schema.ErrInvalid))
	// Output:
	// dynamodel: schema bad.json: AttributeDefinitions: required field is missing
	// true AttributeDefinitions true
}

// A Lambda function can carry its table files in its binary.
//
//go:embed testdata/guide
var guide embed.FS

func ExampleLoadFS() {
	tables, err := schema.LoadFS(guide, "testdata/guide")
	if err != nil {
		panic(err)
	}
	for _, t := range tables {
		fmt.Println(t.Name(), "from", t.Source)
	}
	// Output:
	// Forum from testdata/guide/forum.json
	// GameScores from testdata/guide/game-scores.json
	// Music from testdata/guide/music.json
	// ProductCatalog from testdata/guide/product-catalog.json
	// Reply from testdata/guide/reply.json
	// Thread from testdata/guide/thread.json
}

func ExampleApply() {
	ctx := context.Background()
	client := localClient() // a *dynamodb.Client
	tables, err := schema.LoadDir("../testdata/tables")
	if err != nil {
		panic(err)
	}
	changes, err := schema.Apply(ctx, client, tables, prefixFor("apply"))
	if err != nil {
		panic(err)
	}
	for i, c := range changes {
		fmt.Println(tables[i].Name(), c.Action)
	}

	// The second time, nothing changes.
	again, err := schema.Apply(ctx, client, tables, prefixFor("apply"))
	fmt.Println(again[0].Action, len(again), err)
	// Output:
	// Docs create
	// Orders create
	// Readings create
	// unchanged 3 <nil>
}

func ExampleDiff() {
	ctx := context.Background()
	client := localClient()
	scores, err := schema.Load("testdata/guide/game-scores.json")
	if err != nil {
		panic(err)
	}
	// The live table was made from an older file: on demand, without WinsIndex.
	older := `{
		"TableName": "GameScores",
		"AttributeDefinitions": [
			{"AttributeName": "UserId", "AttributeType": "S"},
			{"AttributeName": "GameTitle", "AttributeType": "S"},
			{"AttributeName": "TopScore", "AttributeType": "N"}],
		"KeySchema": [
			{"AttributeName": "UserId", "KeyType": "HASH"},
			{"AttributeName": "GameTitle", "KeyType": "RANGE"}],
		"GlobalSecondaryIndexes": [{"IndexName": "GameTitleIndex",
			"KeySchema": [{"AttributeName": "GameTitle", "KeyType": "HASH"}, {"AttributeName": "TopScore", "KeyType": "RANGE"}],
			"Projection": {"ProjectionType": "ALL"}}],
		"BillingMode": "PAY_PER_REQUEST"}`
	live, err := schema.Parse("older.json", []byte(older))
	if err != nil {
		panic(err)
	}
	if _, err := live.Create(ctx, client, prefixFor("diff")); err != nil {
		panic(err)
	}

	changes, err := schema.Diff(ctx, client, []*schema.Table{scores}, prefixFor("diff"))
	fmt.Println(changes[0].Action, errors.Is(err, schema.ErrMismatch))
	for _, d := range changes[0].Differences {
		fmt.Println(d)
	}
	// Output:
	// differs true
	// BillingMode: file has PROVISIONED, table has PAY_PER_REQUEST
	// GlobalSecondaryIndexes[WinsIndex]: missing from the table (file: Wins N HASH; projection KEYS_ONLY)
}

func ExampleDescribe() {
	ctx := context.Background()
	client := localClient()
	catalog, err := schema.Load("testdata/guide/product-catalog.json")
	if err != nil {
		panic(err)
	}
	if _, err := catalog.Create(ctx, client, prefixFor("describe")); err != nil {
		panic(err)
	}

	// The live table, under its bare name, as a file Apply takes.
	live, err := schema.Describe(ctx, client, "ProductCatalog", prefixFor("describe"))
	if err != nil {
		panic(err)
	}
	out, err := json.MarshalIndent(live, "", "  ")
	fmt.Println(string(out), err)
	// Output:
	// {
	//   "TableName": "ProductCatalog",
	//   "AttributeDefinitions": [
	//     {
	//       "AttributeName": "Id",
	//       "AttributeType": "N"
	//     }
	//   ],
	//   "KeySchema": [
	//     {
	//       "AttributeName": "Id",
	//       "KeyType": "HASH"
	//     }
	//   ],
	//   "ProvisionedThroughput": {
	//     "ReadCapacityUnits": 10,
	//     "WriteCapacityUnits": 5
	//   }
	// } <nil>
}

func ExampleTable_Create() {
	ctx := context.Background()
	client := localClient()
	users, err := schema.Load("file://../testdata/create-user.json")
	if err != nil {
		panic(err)
	}
	created, err := users.Create(ctx, client, prefixFor("create")) // waits until ACTIVE
	fmt.Println(created, err)

	// A table that exists already is fine.
	created, err = users.Create(ctx, client, prefixFor("create"))
	fmt.Println(created, err)
	// Output:
	// true <nil>
	// false <nil>
}

func ExampleWaitActive() {
	ctx := context.Background()
	client := localClient()
	catalog, err := schema.Load("testdata/guide/product-catalog.json")
	if err != nil {
		panic(err)
	}
	noWait := func(o *schema.Options) { o.NoWait = true }
	if _, err := catalog.Create(ctx, client, prefixFor("wait"), noWait); err != nil {
		panic(err)
	}
	// WaitActive takes the table's name as it is, prefix and all.
	err = schema.WaitActive(ctx, client, examplePrefix("wait")+"ProductCatalog")
	fmt.Println(err)
	// Output: <nil>
}

func ExampleDelete() {
	ctx := context.Background()
	client := localClient()
	tables, err := schema.LoadDir("testdata/guide")
	if err != nil {
		panic(err)
	}
	if _, err := schema.Apply(ctx, client, tables[:2], prefixFor("delete")); err != nil {
		panic(err)
	}
	// Tables that do not exist are skipped.
	deleted, err := schema.Delete(ctx, client, tables, prefixFor("delete"))
	fmt.Println(len(deleted), err)
	// Output: 2 <nil>
}

func ExampleCloudFormation() {
	users, err := schema.Load("../testdata/create-user.json")
	if err != nil {
		panic(err)
	}
	tpl, err := schema.CloudFormation([]*schema.Table{users}, func(o *schema.Options) {
		o.TimeToLive = map[string]string{"User": "expires"} // a create-table file cannot say it
	})
	if err != nil {
		panic(err)
	}
	out, err := tpl.YAML() // or tpl.JSON()
	fmt.Print(string(out), err)
	// Output:
	// AWSTemplateFormatVersion: "2010-09-09"
	// Description: DynamoDB tables, written by dynamodel
	// Resources:
	//   UserTable:
	//     Type: AWS::DynamoDB::Table
	//     DeletionPolicy: Retain
	//     UpdateReplacePolicy: Retain
	//     Properties:
	//       TableName: User
	//       AttributeDefinitions:
	//         - AttributeName: email
	//           AttributeType: S
	//       KeySchema:
	//         - AttributeName: email
	//           KeyType: HASH
	//       ProvisionedThroughput:
	//         ReadCapacityUnits: 5
	//         WriteCapacityUnits: 5
	//       TimeToLiveSpecification:
	//         AttributeName: expires
	//         Enabled: true
	// <nil>
}

func ExampleParseAll() {
	template := `
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Function
    Properties: {Handler: bootstrap, Runtime: provided.al2023, CodeUri: dist/lambda.zip}
  Sessions:
    Type: AWS::Serverless::SimpleTable
    Properties:
      PrimaryKey: {Name: token, Type: String}
  UsersTable:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: User
      AttributeDefinitions: [{AttributeName: email, AttributeType: S}]
      KeySchema: [{AttributeName: email, KeyType: HASH}]
      BillingMode: PAY_PER_REQUEST
      SSESpecification: {SSEEnabled: true, KMSMasterKeyId: !Ref TableKey}
`
	tables, err := schema.ParseAll("template.yaml", []byte(template))
	if err != nil {
		panic(err)
	}
	for _, t := range tables {
		hash, typ := t.HashKey()
		fmt.Println(t.Name(), hash, typ, "from", t.Source)
	}
	// Output:
	// Sessions token S from template.yaml#Sessions
	// User email S from template.yaml#UsersTable
}
