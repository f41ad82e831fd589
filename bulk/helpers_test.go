package bulk_test

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel/bulk"
	"github.com/dynamodel/dynamodel/dynamotest"
	"github.com/dynamodel/dynamodel/internal/enginetest"
	"github.com/dynamodel/dynamodel/schema"
)

// tableJSON defines a test table with a string hash key "id".
func tableJSON(name string) string {
	return `{"TableName": "` + name + `",
  "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
  "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
  "BillingMode": "PAY_PER_REQUEST"}`
}

// testTables are the tables every engine test gets: Items and Copy (hash
// key "id"), and the backfill control table.
func testTables(t testing.TB) func(*dynamotest.Options) {
	var tables []*schema.Table
	for _, name := range []string{"Items", "Copy"} {
		s, err := schema.Parse(name+".json", []byte(tableJSON(name)))
		require.NoError(t, err)
		tables = append(tables, s)
	}
	control, err := bulk.ControlTable("")
	require.NoError(t, err)
	return dynamotest.WithSchemas(append(tables, control)...)
}

// eachEngine runs fn on every engine with the test tables.
func eachEngine(t *testing.T, fn func(t *testing.T, db *dynamotest.DB)) {
	t.Helper()
	enginetest.Each(t, fn, testTables(t))
}

func testContext(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// sampleItem is item i of a table exercising every attribute type the
// engines store: sets, binaries, nested maps and lists, empty strings and
// binaries in nested values.
func sampleItem(i int) map[string]types.AttributeValue {
	item := map[string]types.AttributeValue{
		"id":  &types.AttributeValueMemberS{Value: fmt.Sprintf("item-%04d", i)},
		"s":   &types.AttributeValueMemberS{Value: fmt.Sprintf("quote \" backslash \\ newline \n é 日本 😀 <&> %d", i)},
		"n":   &types.AttributeValueMemberN{Value: fmt.Sprintf("%d.25", i-20)},
		"big": &types.AttributeValueMemberN{Value: "12345678901234567890123456789012345678"},
		"b":   &types.AttributeValueMemberB{Value: []byte{0, byte(i), 0xff}},
		"ok":  &types.AttributeValueMemberBOOL{Value: i%2 == 0},
		"nul": &types.AttributeValueMemberNULL{Value: true},
		"ss":  &types.AttributeValueMemberSS{Value: []string{"a", fmt.Sprint("x", i)}},
		"ns":  &types.AttributeValueMemberNS{Value: []string{"1", fmt.Sprint(i + 2), "-0.5"}},
		"bs":  &types.AttributeValueMemberBS{Value: [][]byte{{1}, {2, byte(i)}}},
		"l": &types.AttributeValueMemberL{Value: []types.AttributeValue{
			&types.AttributeValueMemberS{Value: ""},
			&types.AttributeValueMemberB{Value: []byte{}},
			&types.AttributeValueMemberN{Value: "0"},
			&types.AttributeValueMemberL{Value: []types.AttributeValue{&types.AttributeValueMemberNULL{Value: true}}},
			&types.AttributeValueMemberM{Value: map[string]types.AttributeValue{"e": &types.AttributeValueMemberS{Value: ""}}},
		}},
		"m": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
			"empty": &types.AttributeValueMemberS{Value: ""},
			"a.b":   &types.AttributeValueMemberSS{Value: []string{"x"}},
			"deep":  &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{"l": &types.AttributeValueMemberL{Value: []types.AttributeValue{}}}},
		}},
	}
	if i%3 == 0 {
		delete(item, "bs") // items need not have the same attributes
	}
	return item
}

// putItems stores items with the raw SDK.
func putItems(t testing.TB, client *dynamodb.Client, table string, items []map[string]types.AttributeValue) {
	t.Helper()
	ctx := testContext(t)
	for len(items) > 0 {
		n := min(len(items), 25)
		reqs := make([]types.WriteRequest, n)
		for i, item := range items[:n] {
			reqs[i] = types.WriteRequest{PutRequest: &types.PutRequest{Item: item}}
		}
		items = items[n:]
		for len(reqs) > 0 {
			out, err := client.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{table: reqs}})
			require.NoError(t, err)
			reqs = out.UnprocessedItems[table]
		}
	}
}

// scanItems reads every item of table with the raw SDK.
func scanItems(t testing.TB, client *dynamodb.Client, table string) []map[string]types.AttributeValue {
	t.Helper()
	ctx := testContext(t)
	var items []map[string]types.AttributeValue
	p := dynamodb.NewScanPaginator(client, &dynamodb.ScanInput{TableName: aws.String(table), ConsistentRead: aws.Bool(true)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		require.NoError(t, err)
		items = append(items, out.Items...)
	}
	return items
}

// scanLines reads every item of table as canonical JSON, sorted.
func scanLines(t testing.TB, client *dynamodb.Client, table string) []string {
	t.Helper()
	var lines []string
	for _, item := range scanItems(t, client, table) {
		line, err := bulk.AppendLine(nil, item)
		require.NoError(t, err)
		lines = append(lines, canonical(t, line))
	}
	slices.Sort(lines)
	return lines
}

// canonical re-encodes a JSON value with encoding/json (keys sorted), so
// that lines from different writers compare as values.
func canonical(t testing.TB, data []byte) string {
	t.Helper()
	var v any
	d := json.NewDecoder(strings.NewReader(string(data)))
	d.UseNumber()
	require.NoError(t, d.Decode(&v), "%s", data)
	out, err := json.Marshal(v)
	require.NoError(t, err)
	return string(out)
}

// fileLines reads an export file (plain or gzip) as canonical lines,
// sorted, and checks each is a line of DynamoDB JSON.
func fileLines(t testing.TB, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		gz, err := gzip.NewReader(f)
		require.NoError(t, err)
		r = gz
	}
	data, err := io.ReadAll(r)
	require.NoError(t, err)
	return textLines(t, string(data))
}

// textLines splits export output into canonical lines, sorted.
func textLines(t testing.TB, text string) []string {
	t.Helper()
	var lines []string
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		_, err := bulk.ParseLine(sc.Bytes())
		require.NoError(t, err)
		lines = append(lines, canonical(t, sc.Bytes()))
	}
	require.NoError(t, sc.Err())
	require.True(t, text == "" || strings.HasSuffix(text, "\n"), "the output ends with a newline")
	slices.Sort(lines)
	return lines
}

// sampleItems returns items 0..n-1.
func sampleItems(n int) []map[string]types.AttributeValue {
	items := make([]map[string]types.AttributeValue, n)
	for i := range items {
		items[i] = sampleItem(i)
	}
	return items
}
