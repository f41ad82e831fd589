package dynamodel_test

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

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/dynamotest"
	"github.com/dynamodel/dynamodel/internal/enginetest"
)

// engineDrops lists what an engine accepts in CreateTable but does not keep,
// so its descriptions cannot show it.
var engineDrops = map[string][]string{
	"dynalite": {"StreamSpecification", "Tags", "SSESpecification", "TableClass", "DeletionProtectionEnabled"},
	"moto":     {"TableClass"},
}

// canonical is a schema's create-table JSON as a generic value, without the
// fields the engine drops.
func canonical(t *testing.T, s *dynamodel.Schema, engine string) map[string]any {
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
	schemas, err := dynamodel.LoadSchemaDir("testdata/schemas/guide")
	require.NoError(t, err)
	require.Len(t, schemas, 6)
	enginetest.Each(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		if drops := engineDrops[db.Engine.Name]; len(drops) > 0 {
			t.Logf("%s does not keep %s: those are not compared", db.Engine.Name, strings.Join(drops, ", "))
		}
		db.CreateTables(schemas, false)

		dumped := make([]*dynamodel.Schema, len(schemas))
		for i, s := range schemas {
			live, err := dynamodel.DescribeSchema(ctx, db.Client, s.TableName(), prefixed(db.Prefix))
			require.NoError(t, err)
			assert.Equal(t, canonical(t, s, db.Engine.Name), canonical(t, live, db.Engine.Name), s.Source)
			dumped[i] = live
		}

		// The dump, applied under another prefix, makes the same tables.
		other := "copy-" + db.Prefix
		t.Cleanup(func() { _, _ = dynamodel.DeleteTables(context.Background(), db.Client, dumped, prefixed(other)) })
		_, err := dynamodel.Apply(ctx, db.Client, dumped, prefixed(other))
		require.NoError(t, err)
		for i, s := range dumped {
			again, err := dynamodel.DescribeSchema(ctx, db.Client, s.TableName(), prefixed(other))
			require.NoError(t, err)
			assert.Equal(t, canonical(t, dumped[i], ""), canonical(t, again, ""), s.TableName())
		}

		// Applying the files again changes nothing.
		changes, err := dynamodel.Apply(ctx, db.Client, schemas, prefixed(db.Prefix))
		require.NoError(t, err)
		for _, c := range changes {
			assert.Equal(t, dynamodel.ActionUnchanged, c.Action, c.String())
		}
	})
}

func TestApplyReportsAndAddsIndexes(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		full, err := dynamodel.LoadSchema("testdata/schemas/guide/game-scores.json")
		require.NoError(t, err)
		// The same table, made without its indexes.
		var bare map[string]any
		raw, err := os.ReadFile("testdata/schemas/guide/game-scores.json")
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(raw, &bare))
		delete(bare, "GlobalSecondaryIndexes")
		bare["AttributeDefinitions"] = bare["AttributeDefinitions"].([]any)[:2]
		b, err := json.Marshal(bare)
		require.NoError(t, err)
		old, err := dynamodel.ParseSchema("bare.json", b)
		require.NoError(t, err)
		db.CreateTables([]*dynamodel.Schema{old}, false)

		changes, err := dynamodel.Apply(ctx, db.Client, []*dynamodel.Schema{full}, prefixed(db.Prefix))
		require.ErrorIs(t, err, dynamodel.ErrSchemaMismatch)
		require.Len(t, changes, 1)
		assert.Equal(t, dynamodel.ActionDiffers, changes[0].Action)
		assert.Equal(t, []dynamodel.Difference{
			{Path: "GlobalSecondaryIndexes[GameTitleIndex]", File: "GameTitle S HASH, TopScore N RANGE; projection ALL"},
			{Path: "GlobalSecondaryIndexes[WinsIndex]", File: "Wins N HASH; projection KEYS_ONLY"},
		}, changes[0].Differences)

		addIndexes := func(o *dynamodel.ApplyOptions) { o.TablePrefix = db.Prefix; o.AddIndexes = true }
		changes, err = dynamodel.Diff(ctx, db.Client, []*dynamodel.Schema{full}, addIndexes)
		require.NoError(t, err)
		assert.Equal(t, dynamodel.ActionUpdate, changes[0].Action)

		changes, err = dynamodel.Apply(ctx, db.Client, []*dynamodel.Schema{full}, addIndexes)
		if err != nil && strings.Contains(err.Error(), "the engine accepted index GameTitleIndex but did not create it") {
			t.Skipf("%s cannot add a global secondary index to a table (UpdateTable does nothing): %v", db.Engine.Name, err)
		}
		require.NoError(t, err)
		assert.Equal(t, dynamodel.ActionUpdate, changes[0].Action)
		assert.Equal(t, []string{"GameTitleIndex", "WinsIndex"}, changes[0].Added)

		changes, err = dynamodel.Apply(ctx, db.Client, []*dynamodel.Schema{full}, prefixed(db.Prefix))
		require.NoError(t, err)
		assert.Equal(t, dynamodel.ActionUnchanged, changes[0].Action, changes[0].String())
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
	files, err := filepath.Glob("testdata/schemas/guide/*.json")
	require.NoError(t, err)
	files = append(files, "testdata/create-user.json", "testdata/tables/orders.json", "testdata/tables/readings.json")
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
			s, err := dynamodel.LoadSchema(f)
			require.NoError(t, err)
			t.Cleanup(func() {
				_, _ = dynamodel.DeleteTables(context.Background(), db.Client, []*dynamodel.Schema{s}, prefixed(db.Prefix))
			})
			require.NoError(t, dynamodel.WaitActive(ctx, db.Client, db.Table(s.TableName())))
			live, err := dynamodel.DescribeSchema(ctx, db.Client, s.TableName(), prefixed(db.Prefix))
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
			_, err := dynamodel.ParseSchema("bad.json", []byte(doc))
			require.ErrorIs(t, err, dynamodel.ErrInvalidSchema)
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

func TestModelCheckSchema(t *testing.T) {
	user, err := dynamodel.LoadSchema("testdata/create-user.json")
	require.NoError(t, err)
	orders, err := dynamodel.LoadSchema("testdata/tables/orders.json")
	require.NoError(t, err)
	readings, err := dynamodel.LoadSchema("testdata/tables/readings.json")
	require.NoError(t, err)

	users, err := dynamodel.NewUserRepository(newStub(t))
	require.NoError(t, err)
	require.NoError(t, users.CheckSchema(user))
	ordersRepo, err := dynamodel.NewRepository[Order](newStub(t), "Orders")
	require.NoError(t, err)
	require.NoError(t, ordersRepo.CheckSchema(orders))
	readingsRepo, err := dynamodel.NewRepository[Reading](newStub(t), "Readings")
	require.NoError(t, err)
	require.NoError(t, readingsRepo.CheckSchema(readings))

	err = users.CheckSchema(orders)
	require.ErrorIs(t, err, dynamodel.ErrSchemaMismatch)
	assert.Contains(t, err.Error(), `hash key: the model has "email" (field Email), table Orders has "customer"`)
	assert.Contains(t, err.Error(), `table Orders has range key "id", which the model lacks`)

	err = ordersRepo.CheckSchema(readings)
	require.ErrorIs(t, err, dynamodel.ErrSchemaMismatch)
	assert.Contains(t, err.Error(), `hash key: the model has "customer"`)

	// Same names, wrong types.
	type wrongTypes struct {
		Customer int    `dynamodbav:"customer" dynamodel:"hash"`
		ID       string `dynamodbav:"id" dynamodel:"range"`
		Total    string `dynamodbav:"total"`
		Status   bool   `dynamodbav:"status"`
	}
	m, err := dynamodel.ModelOf[wrongTypes]()
	require.NoError(t, err)
	err = m.CheckSchema(orders)
	require.ErrorIs(t, err, dynamodel.ErrSchemaMismatch)
	assert.Contains(t, err.Error(), `hash key "customer": the model stores N (field Customer is int), table Orders defines S`)
	assert.Contains(t, err.Error(), `index key "total": the model stores S (field Total is string), table Orders defines N`)
	assert.Contains(t, err.Error(), `index key "status": field Status cannot be an index key`)
}
