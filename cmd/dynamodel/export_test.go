package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel/bulk"
	"github.com/dynamodel/dynamodel/dynamotest"
	"github.com/dynamodel/dynamodel/internal/enginetest"
	"github.com/dynamodel/dynamodel/schema"
)

// bulkTables gives each engine's DB the tables Items and Copy (hash key
// "id") and the backfill control table.
func bulkTables(t *testing.T) func(*dynamotest.Options) {
	var tables []*schema.Table
	for _, name := range []string{"Items", "Copy"} {
		s, err := schema.Parse(name+".json", []byte(`{"TableName": "`+name+`",
			"AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
			"KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}], "BillingMode": "PAY_PER_REQUEST"}`))
		require.NoError(t, err)
		tables = append(tables, s)
	}
	control, err := bulk.ControlTable("")
	require.NoError(t, err)
	return dynamotest.WithSchemas(append(tables, control)...)
}

func putN(t *testing.T, db *dynamotest.DB, table string, n int) {
	for i := range n {
		_, err := db.Client.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: &table, Item: map[string]types.AttributeValue{
			"id": &types.AttributeValueMemberS{Value: fmt.Sprint("id-", i)},
			"n":  &types.AttributeValueMemberN{Value: fmt.Sprint(i)},
		}})
		require.NoError(t, err)
	}
}

func TestExportCommand(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, db *dynamotest.DB) {
		common := []string{"-endpoint", db.Engine.Endpoint, "-prefix", db.Prefix}
		putN(t, db, db.Table("Items"), 5)

		code, stdout, stderr := cli(t, append([]string{"export", "Items"}, common...)...)
		require.Equal(t, 0, code, stderr)
		assert.Equal(t, 5, strings.Count(stdout, "\n"))
		assert.Contains(t, stdout, `{"Item":{"id":{"S":"id-3"},"n":{"N":"3"}}}`+"\n")
		assert.Regexp(t, `^export: 5 items, 2\d\d B in [0-9.]+m?s \(\d[\d,]* items/s\)\n$`, stderr, "one summary line off a terminal")

		out := filepath.Join(t.TempDir(), "items.json.gz")
		code, stdout, stderr = cli(t, append([]string{"export", "-segments", "3", "-consistent", "-o", out, "Items"}, common...)...)
		require.Equal(t, 0, code, stderr)
		assert.Equal(t, db.Table("Items")+": 5 items written to "+out+"\n", stdout)
		assert.FileExists(t, out)

		// A file with a checkpoint is resumed, not overwritten.
		require.NoError(t, os.WriteFile(out+bulk.CheckpointSuffix, []byte(`{"format":"dynamodel-export-checkpoint/1","table":"`+db.Table("Items")+
			`","offset":0,"gzip":true,"positions":[{},{}]}`), 0o644))
		code, _, stderr = cli(t, append([]string{"export", "-o", out, "Items"}, common...)...)
		assert.Equal(t, 1, code)
		assert.Contains(t, stderr, "has a checkpoint from an interrupted export")
		code, stdout, stderr = cli(t, append([]string{"export", "-resume", "-o", out, "Items"}, common...)...)
		require.Equal(t, 0, code, stderr)
		assert.Contains(t, stdout, "5 items written")
		assert.NoFileExists(t, out+bulk.CheckpointSuffix)

		// An export that stops says how to resume it: its own command line
		// (endpoint and prefix included), quoted for a shell.
		spaced := filepath.Join(t.TempDir(), "it's here", "items.json")
		require.NoError(t, os.MkdirAll(filepath.Dir(spaced), 0o755))
		code, _, stderr = cli(t, append([]string{"export", "-timeout", "1ns", "-o", spaced, "Items"}, common...)...)
		assert.Equal(t, 1, code)
		assert.Contains(t, stderr, "continue with: dynamodel export -resume -timeout 1ns -o '"+strings.ReplaceAll(spaced, "'", `'\''`)+"' Items -endpoint "+
			db.Engine.Endpoint+" -prefix "+db.Prefix+"\n")

		code, _, stderr = cli(t, append([]string{"export", "-resume", "Items"}, common...)...)
		assert.Equal(t, 2, code)
		assert.Contains(t, stderr, "-resume continues the export of -o FILE")
		code, _, stderr = cli(t, append([]string{"export", "Items", "Copy"}, common...)...)
		assert.Equal(t, 2, code)
		assert.Contains(t, stderr, "name one table")
		code, _, stderr = cli(t, append([]string{"export", "Missing"}, common...)...)
		assert.Equal(t, 1, code)
		assert.Contains(t, stderr, "table not found")
	}, bulkTables(t))
}
