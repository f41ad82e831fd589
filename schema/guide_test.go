package schema_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel/dynamotest"
	"github.com/dynamodel/dynamodel/internal/enginetest"
	"github.com/dynamodel/dynamodel/schema"
)

// engineDrops lists what an engine accepts in CreateTable but does not keep,
// so its descriptions cannot show it.
var engineDrops = map[string][]string{
	"dynalite": {"StreamSpecification", "Tags", "SSESpecification", "TableClass", "DeletionProtectionEnabled"},
	"moto":     {"TableClass"},
}

// canonical is a schema's create-table JSON as a generic value, without the
// fields the engine drops.
func canonical(t *testing.T, s *schema.Table, engine string) map[string]any {
	t.Helper()
	b, err := json.Marshal(s)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	for _, f := range engineDrops[engine] {
		delete(m, f)
	}
	return m
}

func TestGuideTablesReadBackAsWritten(t *testing.T) {
	tables, err := schema.LoadDir("testdata/guide")
	require.NoError(t, err)
	require.Len(t, tables, 6)
	enginetest.Each(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		if drops := engineDrops[db.Engine.Name]; len(drops) > 0 {
			t.Logf("%s does not keep %s: those are not compared", db.Engine.Name, strings.Join(drops, ", "))
		}
		db.CreateTables(tables, false)

		dumped := make([]*schema.Table, len(tables))
		for i, s := range tables {
			live, err := schema.Describe(ctx, db.Client, s.Name(), prefixed(db.Prefix))
			require.NoError(t, err)
			assert.Equal(t, canonical(t, s, db.Engine.Name), canonical(t, live, db.Engine.Name), s.Source)
			dumped[i] = live
		}

		// The dump, applied under another prefix, makes the same tables.
		other := "copy-" + db.Prefix
		t.Cleanup(func() { _, _ = schema.Delete(context.Background(), db.Client, dumped, prefixed(other)) })
		_, err := schema.Apply(ctx, db.Client, dumped, prefixed(other))
		require.NoError(t, err)
		for i, s := range dumped {
			again, err := schema.Describe(ctx, db.Client, s.Name(), prefixed(other))
			require.NoError(t, err)
			assert.Equal(t, canonical(t, dumped[i], ""), canonical(t, again, ""), s.Name())
		}

		// Applying the files again changes nothing.
		changes, err := schema.Apply(ctx, db.Client, tables, prefixed(db.Prefix))
		require.NoError(t, err)
		for _, c := range changes {
			assert.Equal(t, schema.ActionUnchanged, c.Action, c.String())
		}
	})
}

func TestApplyReportsAndAddsIndexes(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		full, err := schema.Load("testdata/guide/game-scores.json")
		require.NoError(t, err)
		// The same table, made without its indexes.
		var bare map[string]any
		raw, err := os.ReadFile("testdata/guide/game-scores.json")
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(raw, &bare))
		delete(bare, "GlobalSecondaryIndexes")
		bare["AttributeDefinitions"] = bare["AttributeDefinitions"].([]any)[:2]
		b, err := json.Marshal(bare)
		require.NoError(t, err)
		old, err := schema.Parse("bare.json", b)
		require.NoError(t, err)
		db.CreateTables([]*schema.Table{old}, false)

		changes, err := schema.Apply(ctx, db.Client, []*schema.Table{full}, prefixed(db.Prefix))
		require.ErrorIs(t, err, schema.ErrMismatch)
		require.Len(t, changes, 1)
		assert.Equal(t, schema.ActionDiffers, changes[0].Action)
		assert.Equal(t, []schema.Difference{
			{Path: "GlobalSecondaryIndexes[GameTitleIndex]", File: "GameTitle S HASH, TopScore N RANGE; projection ALL"},
			{Path: "GlobalSecondaryIndexes[WinsIndex]", File: "Wins N HASH; projection KEYS_ONLY"},
		}, changes[0].Differences)

		addIndexes := func(o *schema.Options) { o.TablePrefix = db.Prefix; o.AddIndexes = true }
		changes, err = schema.Diff(ctx, db.Client, []*schema.Table{full}, addIndexes)
		require.NoError(t, err)
		assert.Equal(t, schema.ActionUpdate, changes[0].Action)

		changes, err = schema.Apply(ctx, db.Client, []*schema.Table{full}, addIndexes)
		if err != nil && strings.Contains(err.Error(), "the engine accepted index GameTitleIndex but did not create it") {
			t.Skipf("%s cannot add a global secondary index to a table (UpdateTable does nothing): %v", db.Engine.Name, err)
		}
		require.NoError(t, err)
		assert.Equal(t, schema.ActionUpdate, changes[0].Action)
		assert.Equal(t, []string{"GameTitleIndex", "WinsIndex"}, changes[0].Added)

		changes, err = schema.Apply(ctx, db.Client, []*schema.Table{full}, prefixed(db.Prefix))
		require.NoError(t, err)
		assert.Equal(t, schema.ActionUnchanged, changes[0].Action, changes[0].String())
		out, err := db.Client.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(db.Table("GameScores"))})
		require.NoError(t, err)
		for _, ix := range out.Table.GlobalSecondaryIndexes {
			assert.Equal(t, types.IndexStatusActive, ix.IndexStatus, aws.ToString(ix.IndexName))
		}
	})
}

// TestBotocoreAgrees creates every schema file with boto3, the library the
// AWS CLI validates --cli-input-json with, and checks the table it makes is
// the one the loader reads; and checks that boto3 refuses what the loader
// refuses for its shape.
func TestBotocoreAgrees(t *testing.T) {
	python, err := filepath.Abs(".venv/bin/python")
	require.NoError(t, err)
	if _, err := os.Stat(python); err != nil {
		t.Skipf("boto3 comes with moto's virtualenv (.venv), which is not installed: run make deps: %v", err)
	}
	files, err := filepath.Glob("testdata/guide/*.json")
	require.NoError(t, err)
	files = append(files, "../testdata/create-user.json", "../testdata/tables/orders.json", "../testdata/tables/readings.json")
	const create = `
import json, os, sys
import boto3
client = boto3.client("dynamodb", endpoint_url=os.environ["ENDPOINT"], region_name="us-east-1",
                      aws_access_key_id="local", aws_secret_access_key="local")
failed = 0
for path in sys.argv[1:]:
    params = json.load(open(path))
    if isinstance(params.get("TableName"), str):
        params["TableName"] = os.environ["PREFIX"] + params["TableName"]
    try:
        client.create_table(**params)
    except Exception as e:
        print(path, type(e).__name__, e)
        failed += 1
sys.exit(failed)
`
	enginetest.Each(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		boto := func(files ...string) (string, error) {
			cmd := exec.CommandContext(ctx, python, append([]string{"-c", create}, files...)...)
			cmd.Env = append(os.Environ(), "ENDPOINT="+db.Engine.Endpoint, "PREFIX="+db.Prefix)
			out, err := cmd.CombinedOutput()
			return string(out), err
		}
		out, err := boto(files...)
		require.NoError(t, err, out)
		for _, f := range files {
			s, err := schema.Load(f)
			require.NoError(t, err)
			t.Cleanup(func() {
				_, _ = schema.Delete(context.Background(), db.Client, []*schema.Table{s}, prefixed(db.Prefix))
			})
			require.NoError(t, schema.WaitActive(ctx, db.Client, db.Table(s.Name())))
			live, err := schema.Describe(ctx, db.Client, s.Name(), prefixed(db.Prefix))
			require.NoError(t, err)
			assert.Equal(t, canonical(t, s, db.Engine.Name), canonical(t, live, db.Engine.Name), f)
		}

		// Shapes both refuse, each for its own reason.
		var bad []string
		for i, doc := range []string{
			strings.Replace(validTable, `"BillingMode"`, `"BilingMode"`, 1),
			strings.Replace(validTable, `"Things"`, `42`, 1),
			strings.Replace(validTable, `"KeyType": "HASH"`, `"KeyType": "HASH", "Extra": 1`, 1),
			strings.Replace(validTable, `"BillingMode": "PAY_PER_REQUEST"`, `"ProvisionedThroughput": {"ReadCapacityUnits": "5", "WriteCapacityUnits": 5}`, 1),
		} {
			_, err := schema.Parse("bad.json", []byte(doc))
			require.ErrorIs(t, err, schema.ErrInvalid)
			file := filepath.Join(t.TempDir(), fmt.Sprintf("bad%d.json", i))
			require.NoError(t, os.WriteFile(file, []byte(doc), 0o644))
			bad = append(bad, file)
		}
		out, err = boto(bad...)
		require.Error(t, err)
		for _, f := range bad {
			assert.Contains(t, out, f+" ", "boto3 accepted %s", f)
		}
	})
}
