package schema_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel/schema"
)

func TestLoadSeedFile(t *testing.T) {
	abs, err := filepath.Abs("../testdata/create-user.json")
	require.NoError(t, err)
	for _, name := range []string{
		"../testdata/create-user.json",
		"file://../testdata/create-user.json", // as the AWS CLI takes it
		"file://" + abs,
		"file:///" + abs, // the seed's file://// form
	} {
		s, err := schema.Load(name)
		require.NoError(t, err, name)
		assert.Equal(t, "User", s.Name())
		in := s.CreateTableInput()
		assert.Equal(t, "User", aws.ToString(in.TableName))
		hash, typ := s.HashKey()
		assert.Equal(t, "email", hash)
		assert.Equal(t, types.ScalarAttributeTypeS, typ)
		rangeKey, _ := s.RangeKey()
		assert.Empty(t, rangeKey)
		assert.Equal(t, int64(5), aws.ToInt64(in.ProvisionedThroughput.ReadCapacityUnits))
	}
}

// schemaErr parses doc and returns its *schema.Error.
func schemaErr(t *testing.T, doc string) *schema.Error {
	t.Helper()
	_, err := schema.Parse("bad.json", []byte(doc))
	require.ErrorIs(t, err, schema.ErrInvalid, doc)
	var se *schema.Error
	require.ErrorAs(t, err, &se)
	assert.Equal(t, "bad.json", se.File)
	return se
}

func TestParseErrorsNameTheField(t *testing.T) {
	for _, tc := range []struct {
		name, doc, path, msg string
	}{
		{"not JSON", `{"TableName": "x",}`, "", "invalid JSON"},
		{"empty", ``, "", "empty file"},
		{"array", `[]`, "", "want a JSON object"},
		{"trailing", validTable + `{}`, "", "unexpected data after the JSON object"},
		{"duplicate field", `{"TableName": "a", "TableName": "b"}`, "", "field TableName appears twice"},
		{"missing name", `{"KeySchema": []}`, "TableName", "required field is missing"},
		{"unknown field", strings.Replace(validTable, `"BillingMode"`, `"BilingMode"`, 1), "BilingMode", "unknown field (did you mean BillingMode?)"},
		{"wrong case", strings.Replace(validTable, `"TableName"`, `"tableName"`, 1), "TableName", "required field is missing"},
		{"wrong type", strings.Replace(validTable, `"Things"`, `42`, 1), "TableName", "want a string, got 42"},
		{"bad enum", strings.Replace(validTable, `"HASH"`, `"PRIMARY"`, 1), "KeySchema[0].KeyType", `want one of HASH, RANGE, got "PRIMARY"`},
		{"bad attribute type", strings.Replace(validTable, `"AttributeType": "S"`, `"AttributeType": "STRING"`, 1), "AttributeDefinitions[0].AttributeType", `want one of S, N, B`},
		{"null", strings.Replace(validTable, `"PAY_PER_REQUEST"`, `null`, 1), "BillingMode", "must not be null"},
		{"short name", strings.Replace(validTable, `"Things"`, `"ab"`, 1), "TableName", "must be 3 to 255 characters long"},
		{"bad name", strings.Replace(validTable, `"Things"`, `"my table"`, 1), "TableName", `character ' ' not allowed`},
		{"undefined key", strings.Replace(validTable, `"AttributeName": "id", "KeyType"`, `"AttributeName": "pk", "KeyType"`, 1), "KeySchema[0].AttributeName", `"pk" is not in AttributeDefinitions`},
		{"unused definition", strings.Replace(validTable, `[{"AttributeName": "id", "AttributeType": "S"}]`, `[{"AttributeName": "id", "AttributeType": "S"}, {"AttributeName": "x", "AttributeType": "N"}]`, 1), "AttributeDefinitions[1]", `"x" is not used`},
		{"range first", `{"TableName": "T1x", "AttributeDefinitions": [{"AttributeName": "a", "AttributeType": "S"}], "KeySchema": [{"AttributeName": "a", "KeyType": "RANGE"}], "BillingMode": "PAY_PER_REQUEST"}`, "KeySchema[0].KeyType", "want HASH"},
		{"three keys", `{"TableName": "T1x", "AttributeDefinitions": [{"AttributeName": "a", "AttributeType": "S"}], "KeySchema": [{"AttributeName": "a", "KeyType": "HASH"}, {"AttributeName": "a", "KeyType": "RANGE"}, {"AttributeName": "a", "KeyType": "RANGE"}], "BillingMode": "PAY_PER_REQUEST"}`, "KeySchema", "want at most 2 elements, got 3"},
		{"no throughput", strings.Replace(validTable, `"BillingMode": "PAY_PER_REQUEST"`, `"BillingMode": "PROVISIONED"`, 1), "ProvisionedThroughput", "required with BillingMode PROVISIONED"},
		{"throughput on demand", strings.Replace(validTable, `"BillingMode": "PAY_PER_REQUEST"`, `"BillingMode": "PAY_PER_REQUEST", "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}`, 1), "ProvisionedThroughput", "not allowed with BillingMode PAY_PER_REQUEST"},
		{"zero capacity", strings.Replace(validTable, `"BillingMode": "PAY_PER_REQUEST"`, `"ProvisionedThroughput": {"ReadCapacityUnits": 0, "WriteCapacityUnits": 1}`, 1), "ProvisionedThroughput.ReadCapacityUnits", "want at least 1, got 0"},
		{"fraction", strings.Replace(validTable, `"BillingMode": "PAY_PER_REQUEST"`, `"ProvisionedThroughput": {"ReadCapacityUnits": 1.5, "WriteCapacityUnits": 1}`, 1), "ProvisionedThroughput.ReadCapacityUnits", "want a whole number, got 1.5"},
		{"stream without view", strings.Replace(validTable, `"BillingMode"`, `"StreamSpecification": {"StreamEnabled": true}, "BillingMode"`, 1), "StreamSpecification.StreamViewType", "required when StreamEnabled is true"},
		{"duplicate tags", strings.Replace(validTable, `"BillingMode"`, `"Tags": [{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}], "BillingMode"`, 1), "Tags[1].Key", `"a" is used twice`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			se := schemaErr(t, tc.doc)
			assert.Equal(t, tc.path, se.Path)
			assert.Contains(t, se.Msg, tc.msg)
			assert.Contains(t, se.Error(), "bad.json")
		})
	}
}

func TestParseSyntaxErrorHasLineAndColumn(t *testing.T) {
	se := schemaErr(t, "{\n  \"TableName\": \"x\",\n  oops\n}")
	assert.Equal(t, 3, se.Line)
	assert.Equal(t, 3, se.Column)
	assert.Equal(t, "dynamodel: schema bad.json:3:3: invalid JSON: invalid character 'o' looking for beginning of object key string", se.Error())
}

// TestJSONMistakesNameTheLine: a field given twice, a file cut short and
// data after the object are named by line and column too, not only by
// file.
func TestJSONMistakesNameTheLine(t *testing.T) {
	for _, tc := range []struct{ doc, err string }{
		{"{\n  \"TableName\": \"a\",\n  \"TableName\": \"b\"\n}", "bad.json:3:13: field TableName appears twice"},
		{"{\n  \"AttributeDefinitions\": [\n    {\"AttributeName\": \"id\", \"AttributeName\": \"x\"}]}", "bad.json:3:43: field AttributeDefinitions[0].AttributeName appears twice"},
		{"{\n  \"TableName\": \"a\",\n  \"KeySchema\": [", "bad.json:3:17: the JSON ends before its object does"},
		{validTable + "\n\n  {}", "bad.json:" + fmt.Sprint(strings.Count(validTable, "\n")+3) + ":3: unexpected data after the JSON object"},
	} {
		assert.Equal(t, "dynamodel: schema "+tc.err, schemaErr(t, tc.doc).Error())
	}
}

// TestErrorsNameTheLine: an error on a field names its line and column in
// the file (JSON or YAML, table file or template, the field given or
// through an alias), or the line of the object it is missing from.
func TestErrorsNameTheLine(t *testing.T) {
	for name, tc := range map[string]struct{ doc, err string }{
		"a.json": {"{\n  \"TableName\": \"Things\",\n  \"AttributeDefinitions\": [{\"AttributeName\": \"id\", \"AttributeType\": \"S\"}],\n" +
			"  \"KeySchema\": [\n    {\"AttributeName\": \"id\", \"KeyType\": \"RANGE\"}\n  ],\n  \"BillingMode\": \"PAY_PER_REQUEST\"\n}\n",
			"a.json:5:29: KeySchema[0].KeyType: want HASH"},
		"b.yaml": {"Resources:\n  T:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      TableName: Things\n      AttributeDefinitions:\n" +
			"        - {AttributeName: !Ref K, AttributeType: S}\n      KeySchema: [{AttributeName: id, KeyType: HASH}]\n",
			"b.yaml:7:12: Resources.T.Properties.AttributeDefinitions[0].AttributeName: Ref cannot be resolved"},
		"c.yaml": {"Metadata:\n  Sse: &sse\n    SSEEnabled: maybe\nResources:\n  T:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      TableName: Things\n" +
			"      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]\n      KeySchema: [{AttributeName: id, KeyType: HASH}]\n" +
			"      BillingMode: PAY_PER_REQUEST\n      SSESpecification: *sse\n",
			"c.yaml:3:5: Resources.T.Properties.SSESpecification.SSEEnabled: want true or false"},
		"d.json": {"{\"Resources\": {\"T\": {\"Type\": \"AWS::DynamoDB::Table\",\n  \"Properties\": {\"TableName\": \"Things\",\n" +
			"    \"AttributeDefinitions\": [{\"AttributeName\": \"id\", \"AttributeType\": \"S\"}],\n    \"KeySchema\": [{\"AttributeName\": \"id\", \"KeyType\": \"HASH\"}],\n" +
			"    \"BillingMode\": \"PAY_PER_REQUEST\", \"StreamSpecification\": {}}}}}",
			"d.json:5:39: Resources.T.Properties.StreamSpecification.StreamViewType: required field is missing"},
	} {
		_, err := schema.ParseAll(name, []byte(tc.doc))
		require.ErrorIs(t, err, schema.ErrInvalid, name)
		assert.Contains(t, err.Error(), "dynamodel: schema "+tc.err, name)
	}
}

// TestParseRefusesTextJSONWouldChange: encoding/json reads invalid UTF-8
// and a lone surrogate escape as U+FFFD, and the table would be created
// with a key named otherwise than in the file.
func TestParseRefusesTextJSONWouldChange(t *testing.T) {
	doc := "{\n  \"TableName\": \"Things\",\n  \"AttributeDefinitions\": [{\"AttributeName\": \"%s\", \"AttributeType\": \"S\"}],\n" +
		"  \"KeySchema\": [{\"AttributeName\": \"%[1]s\", \"KeyType\": \"HASH\"}], \"BillingMode\": \"PAY_PER_REQUEST\"}"
	for name, tc := range map[string]struct{ name, err string }{
		"bad byte":       {"id\xff", "bad.json:3:49: invalid JSON: not valid UTF-8"},
		"lone surrogate": {`id\ud800`, "bad.json:3:49: invalid JSON: escape of a lone UTF-16 surrogate"},
		"low half first": {`id\udc00\ud800`, "bad.json:3:49: invalid JSON: escape of a lone UTF-16 surrogate"},
	} {
		t.Run(name, func(t *testing.T) {
			se := schemaErr(t, fmt.Sprintf(doc, tc.name))
			assert.Contains(t, se.Error(), tc.err)
		})
	}
	_, err := schema.Parse("good.json", []byte(fmt.Sprintf(doc, `id\ud83d\ude00`)))
	assert.NoError(t, err, "a surrogate pair")
}

func TestParseIndexes(t *testing.T) {
	s, err := schema.Load("../testdata/tables/orders.json")
	require.NoError(t, err)
	in := s.CreateTableInput()
	require.Len(t, in.GlobalSecondaryIndexes, 1)
	require.Len(t, in.LocalSecondaryIndexes, 1)
	assert.Equal(t, types.ProjectionTypeKeysOnly, in.LocalSecondaryIndexes[0].Projection.ProjectionType)

	orders, err := os.ReadFile("../testdata/tables/orders.json")
	require.NoError(t, err)
	doc := string(orders)
	for _, tc := range []struct {
		name, from, to, path, msg string
	}{
		{"LSI on a different hash", `{ "AttributeName": "customer", "KeyType": "HASH" },
        { "AttributeName": "total", "KeyType": "RANGE" }`, `{ "AttributeName": "status", "KeyType": "HASH" },
        { "AttributeName": "total", "KeyType": "RANGE" }`, "LocalSecondaryIndexes[0].KeySchema[0].AttributeName", `has the table's hash key "customer"`},
		{"duplicate index name", `"IndexName": "byTotal"`, `"IndexName": "byStatus"`, "GlobalSecondaryIndexes[0].IndexName", `"byStatus" is also the name of LocalSecondaryIndexes[0]`},
		{"INCLUDE without attributes", `"Projection": { "ProjectionType": "ALL" }`, `"Projection": { "ProjectionType": "INCLUDE" }`, "GlobalSecondaryIndexes[0].Projection.NonKeyAttributes", "required with ProjectionType INCLUDE"},
		{"attributes without INCLUDE", `"Projection": { "ProjectionType": "ALL" }`, `"Projection": { "ProjectionType": "ALL", "NonKeyAttributes": ["x"] }`, "GlobalSecondaryIndexes[0].Projection.NonKeyAttributes", "only allowed with ProjectionType INCLUDE"},
		{"GSI throughput on demand", `"Projection": { "ProjectionType": "ALL" }`, `"Projection": { "ProjectionType": "ALL" }, "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}`, "GlobalSecondaryIndexes[0].ProvisionedThroughput", "not allowed with BillingMode PAY_PER_REQUEST"},
		{"short index name", `"IndexName": "byStatus"`, `"IndexName": "by"`, "GlobalSecondaryIndexes[0].IndexName", "must be 3 to 255 bytes long"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := strings.Replace(doc, tc.from, tc.to, 1)
			require.NotEqual(t, doc, bad, "the replacement applies")
			se := schemaErr(t, bad)
			assert.Equal(t, tc.path, se.Path)
			assert.Contains(t, se.Msg, tc.msg)
		})
	}

	// An LSI needs a table with a range key.
	se := schemaErr(t, strings.Replace(validTable, `"BillingMode"`, `"LocalSecondaryIndexes": [{"IndexName": "lsi", "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}], "Projection": {"ProjectionType": "ALL"}}], "BillingMode"`, 1))
	assert.Equal(t, "LocalSecondaryIndexes[0]", se.Path)
	assert.Contains(t, se.Msg, "needs a table with a range key")
}

func TestJSONRoundTrip(t *testing.T) {
	for _, file := range []string{"../testdata/create-user.json", "../testdata/tables/orders.json", "../testdata/tables/readings.json"} {
		s, err := schema.Load(file)
		require.NoError(t, err)
		out, err := json.Marshal(s)
		require.NoError(t, err)
		back, err := schema.Parse("round-trip", out)
		require.NoError(t, err, "%s", out)
		again, err := json.Marshal(back)
		require.NoError(t, err)
		assert.JSONEq(t, string(out), string(again), file)
		assert.Equal(t, s.CreateTableInput(), back.CreateTableInput(), file)
	}
}

func TestParseDescribeTableOutput(t *testing.T) {
	// What `aws dynamodb describe-table` printed for an on-demand table.
	doc := `{
    "Table": {
        "AttributeDefinitions": [
            {"AttributeName": "customer", "AttributeType": "S"},
            {"AttributeName": "status", "AttributeType": "S"}
        ],
        "TableName": "Orders",
        "KeySchema": [{"AttributeName": "customer", "KeyType": "HASH"}],
        "TableStatus": "ACTIVE",
        "CreationDateTime": 1795611608.478,
        "ProvisionedThroughput": {"NumberOfDecreasesToday": 0, "ReadCapacityUnits": 0, "WriteCapacityUnits": 0},
        "TableSizeBytes": 0,
        "ItemCount": 0,
        "TableArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Orders",
        "BillingModeSummary": {"BillingMode": "PAY_PER_REQUEST", "LastUpdateToPayPerRequestDateTime": 1795611608.478},
        "GlobalSecondaryIndexes": [{
            "IndexName": "byStatus",
            "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["total"]},
            "IndexStatus": "ACTIVE",
            "ProvisionedThroughput": {"NumberOfDecreasesToday": 0, "ReadCapacityUnits": 0, "WriteCapacityUnits": 0},
            "IndexSizeBytes": 0, "ItemCount": 0,
            "IndexArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Orders/index/byStatus",
            "WarmThroughput": {"ReadUnitsPerSecond": 12000, "WriteUnitsPerSecond": 4000, "Status": "ACTIVE"}
        }],
        "StreamSpecification": {"StreamEnabled": true, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        "LatestStreamArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Orders/stream/2026-11-25T00:00:00.000",
        "TableClassSummary": {"TableClass": "STANDARD_INFREQUENT_ACCESS"},
        "DeletionProtectionEnabled": false
    }
}`
	s, err := schema.Parse("describe.json", []byte(doc))
	require.NoError(t, err)
	out, err := json.Marshal(s)
	require.NoError(t, err)
	assert.JSONEq(t, `{
  "TableName": "Orders",
  "AttributeDefinitions": [
    {"AttributeName": "customer", "AttributeType": "S"},
    {"AttributeName": "status", "AttributeType": "S"}
  ],
  "KeySchema": [{"AttributeName": "customer", "KeyType": "HASH"}],
  "GlobalSecondaryIndexes": [{
    "IndexName": "byStatus",
    "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"}],
    "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["total"]}
  }],
  "BillingMode": "PAY_PER_REQUEST",
  "StreamSpecification": {"StreamEnabled": true, "StreamViewType": "NEW_AND_OLD_IMAGES"},
  "TableClass": "STANDARD_INFREQUENT_ACCESS"
}`, string(out))
}

func TestLoadFS(t *testing.T) {
	fsys := fstest.MapFS{
		"tables/b.json":    {Data: []byte(strings.Replace(validTable, "Things", "Beta", 1))},
		"tables/a.json":    {Data: []byte(strings.Replace(validTable, "Things", "Alpha", 1))},
		"tables/notes.txt": {Data: []byte("not a schema")},
	}
	schemas, err := schema.LoadFS(fsys, "tables")
	require.NoError(t, err)
	require.Len(t, schemas, 2)
	assert.Equal(t, "Alpha", schemas[0].Name(), "name order")
	assert.Equal(t, "tables/a.json", schemas[0].Source)

	fsys["tables/c.json"] = &fstest.MapFile{Data: []byte(strings.Replace(validTable, "Things", "Alpha", 1))}
	_, err = schema.LoadFS(fsys, "tables")
	var se *schema.Error
	require.ErrorAs(t, err, &se)
	assert.Equal(t, "tables/c.json", se.File)
	assert.Contains(t, se.Msg, `table "Alpha" is also defined in tables/a.json`)

	_, err = schema.LoadFS(fsys, "nowhere")
	assert.ErrorIs(t, err, schema.ErrInvalid)

	dir, err := schema.LoadDir("../testdata/tables")
	require.NoError(t, err)
	require.Len(t, dir, 3)
	assert.Equal(t, filepath.Join("../testdata/tables", "docs.json"), dir[0].Source)

	_, err = schema.Load("testdata/missing.json")
	assert.True(t, errors.Is(err, os.ErrNotExist))
}
