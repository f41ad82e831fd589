package bulk_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel/bulk"
	"github.com/dynamodel/dynamodel/dynamotest"
	"github.com/dynamodel/dynamodel/internal/enginetest"
)

// awsTool is a tool of AWS's that writes items into a table and scans
// them out: the AWS CLI, or boto3 (the library it is built on).
type awsTool interface {
	// put stores items (lines of DynamoDB JSON) in table.
	put(t *testing.T, db *dynamotest.DB, table string, lines []string)
	// scan returns table's items as the tool prints them, one JSON
	// object per item.
	scan(t *testing.T, db *dynamotest.DB, table string) []json.RawMessage
}

// awsEnv is the environment the tools run with: placeholder credentials,
// a region.
func awsEnv() []string {
	return append(os.Environ(), "AWS_ACCESS_KEY_ID=local", "AWS_SECRET_ACCESS_KEY=local",
		"AWS_DEFAULT_REGION=us-east-1", "AWS_REGION=us-east-1", "AWS_PAGER=")
}

// awsCLI is the `aws` command.
type awsCLI struct{ path string }

func (c awsCLI) run(t *testing.T, db *dynamotest.DB, args ...string) []byte {
	t.Helper()
	cmd := exec.CommandContext(testContext(t), c.path, append(args, "--endpoint-url", db.Engine.Endpoint, "--output", "json")...)
	cmd.Env = awsEnv()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "aws %s: %s", strings.Join(args, " "), stderr.String())
	return out
}

func (c awsCLI) put(t *testing.T, db *dynamotest.DB, table string, lines []string) {
	for batch := range slices.Chunk(lines, 25) {
		var reqs []map[string]any
		for _, l := range batch {
			var wire struct{ Item json.RawMessage }
			require.NoError(t, json.Unmarshal([]byte(l), &wire))
			reqs = append(reqs, map[string]any{"PutRequest": map[string]any{"Item": wire.Item}})
		}
		file := filepath.Join(t.TempDir(), "batch.json")
		data, err := json.Marshal(map[string]any{table: reqs})
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(file, data, 0o644))
		var out struct{ UnprocessedItems map[string][]any }
		require.NoError(t, json.Unmarshal(c.run(t, db, "dynamodb", "batch-write-item", "--request-items", "file://"+file), &out))
		require.Empty(t, out.UnprocessedItems[table])
	}
}

func (c awsCLI) scan(t *testing.T, db *dynamotest.DB, table string) []json.RawMessage {
	var out struct{ Items []json.RawMessage }
	require.NoError(t, json.Unmarshal(c.run(t, db, "dynamodb", "scan", "--table-name", table, "--consistent-read"), &out))
	return out.Items
}

// boto3 is the Python SDK, from moto's virtualenv.
type boto3 struct{ python string }

// botoScript puts the items of DynamoDB JSON lines read from its input,
// or prints a scan's items as JSON, binaries in base64 as the AWS CLI
// prints them.
const botoScript = `
import base64, json, os, sys
import boto3
client = boto3.client("dynamodb", endpoint_url=os.environ["ENDPOINT"])
mode, table = sys.argv[1], sys.argv[2]

def load(v):
    (t, x), = v.items()
    if t == "B": return {"B": base64.b64decode(x)}
    if t == "BS": return {"BS": [base64.b64decode(b) for b in x]}
    if t == "L": return {"L": [load(e) for e in x]}
    if t == "M": return {"M": {k: load(e) for k, e in x.items()}}
    return v

def dump(v):
    (t, x), = v.items()
    if t == "B": return {"B": base64.b64encode(x).decode()}
    if t == "BS": return {"BS": [base64.b64encode(b).decode() for b in x]}
    if t == "L": return {"L": [dump(e) for e in x]}
    if t == "M": return {"M": {k: dump(e) for k, e in x.items()}}
    return v

if mode == "put":
    for line in sys.stdin:
        item = {k: load(v) for k, v in json.loads(line)["Item"].items()}
        client.put_item(TableName=table, Item=item)
else:
    for page in client.get_paginator("scan").paginate(TableName=table, ConsistentRead=True):
        for item in page["Items"]:
            print(json.dumps({k: dump(v) for k, v in item.items()}))
`

func (b boto3) run(t *testing.T, db *dynamotest.DB, stdin string, args ...string) []byte {
	t.Helper()
	cmd := exec.CommandContext(testContext(t), b.python, append([]string{"-c", botoScript}, args...)...)
	cmd.Env = append(awsEnv(), "ENDPOINT="+db.Engine.Endpoint)
	cmd.Stdin = strings.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "boto3 %s: %s", strings.Join(args, " "), stderr.String())
	return out
}

func (b boto3) put(t *testing.T, db *dynamotest.DB, table string, lines []string) {
	b.run(t, db, strings.Join(lines, ""), "put", table)
}

func (b boto3) scan(t *testing.T, db *dynamotest.DB, table string) []json.RawMessage {
	var items []json.RawMessage
	for _, l := range strings.Split(strings.TrimSpace(string(b.run(t, db, "", "scan", table))), "\n") {
		if l != "" {
			items = append(items, json.RawMessage(l))
		}
	}
	return items
}

// asLines turns items as a tool printed them into canonical export lines.
func asLines(t *testing.T, items []json.RawMessage) []string {
	var lines []string
	for _, item := range items {
		lines = append(lines, canonical(t, []byte(`{"Item":`+string(item)+`}`)))
	}
	slices.Sort(lines)
	return lines
}

// TestAWSToolsAgree: a table populated by the AWS CLI (and by boto3, the
// SDK it is built on, which CI always has) exports, as a set of lines,
// exactly the items `aws dynamodb scan` (or boto3's scan) returns; the
// file imported into an empty table scans the same again.
func TestAWSToolsAgree(t *testing.T) {
	tools := map[string]func(t *testing.T) awsTool{
		"boto3": func(t *testing.T) awsTool { return boto3{enginetest.Python(t)} },
		"aws-cli": func(t *testing.T) awsTool {
			path, err := exec.LookPath("aws")
			if err != nil {
				t.Skipf("the AWS CLI is not installed (apt-get install awscli, or pip install awscli); the boto3 test covers the same ground: %v", err)
			}
			return awsCLI{path}
		},
	}
	for _, name := range []string{"boto3", "aws-cli"} {
		t.Run(name, func(t *testing.T) {
			tool := tools[name](t)
			eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
				ctx := testContext(t)
				var lines []string
				for _, item := range sampleItems(25) {
					lines = append(lines, line(t, item))
				}
				items, copyTable := db.Table("Items"), db.Table("Copy")
				tool.put(t, db, items, lines)
				scanned := asLines(t, tool.scan(t, db, items))
				require.Len(t, scanned, 25)

				path := filepath.Join(t.TempDir(), "items.json.gz")
				_, err := bulk.ExportFile(ctx, db.Client, items, path, func(o *bulk.ExportOptions) { o.Segments = 3 })
				require.NoError(t, err)
				assert.Equal(t, scanned, fileLines(t, path), "the export holds what %s scans", name)

				res, err := bulk.Import(ctx, db.Client, copyTable, []string{path})
				require.NoError(t, err)
				assert.Equal(t, int64(25), res.Written)
				assert.Equal(t, scanned, asLines(t, tool.scan(t, db, copyTable)), "the import gives the same scan")
			})
		})
	}
}

// everyTypeWire lists the attribute types the tests' items cover, to keep
// sampleItem honest.
func TestSampleItemCoversEveryType(t *testing.T) {
	seen := map[string]bool{}
	var walk func(av types.AttributeValue)
	walk = func(av types.AttributeValue) {
		seen[fmt.Sprintf("%T", av)] = true
		switch v := av.(type) {
		case *types.AttributeValueMemberL:
			for _, e := range v.Value {
				walk(e)
			}
		case *types.AttributeValueMemberM:
			for _, e := range v.Value {
				walk(e)
			}
		}
	}
	for _, av := range sampleItem(1) {
		walk(av)
	}
	assert.Len(t, seen, 10, "S N B BOOL NULL SS NS BS L M: %v", seen)
}
