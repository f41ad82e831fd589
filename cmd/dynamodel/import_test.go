package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel/dynamotest"
	"github.com/dynamodel/dynamodel/internal/enginetest"
)

func TestImportCommand(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, db *dynamotest.DB) {
		common := []string{"-endpoint", db.Engine.Endpoint, "-prefix", db.Prefix}
		putN(t, db, db.Table("Items"), 4)
		dir := t.TempDir()
		good := filepath.Join(dir, "items.json.gz")
		code, _, stderr := cli(t, append([]string{"export", "-o", good, "Items"}, common...)...)
		require.Equal(t, 0, code, stderr)
		bad := filepath.Join(dir, "bad.json")
		require.NoError(t, os.WriteFile(bad, []byte(`{"Item":{"id":{"S":"x1"}}}
{"Item":{"id":{"S":"x2"},"n":{"N":"two"}}}
{"Item":{"id":{"S":"x1"},"v":{"S":"again"}}}
`), 0o644))

		code, stdout, stderr := cli(t, append([]string{"import", "Copy", good, bad}, common...)...)
		assert.Equal(t, 1, code)
		assert.Equal(t, db.Table("Copy")+": 7 lines, 5 items written, 1 repeated keys (the later line won), 1 lines not written\n", stdout)
		assert.Contains(t, stderr, "dynamodel import: "+bad+`:2: bulk: malformed item: attribute "n": "two" is not a number DynamoDB accepts`+"\n")
		assert.Contains(t, stderr, "import: 7 lines", "the summary line of the progress bar")

		// A file that cannot be read to its end is reported beside the
		// lines not written, with the files not read.
		cut := filepath.Join(dir, "cut.json.gz")
		data, err := os.ReadFile(good)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(cut, data[:len(data)/2], 0o644))
		code, _, stderr = cli(t, append([]string{"import", "Copy", bad, cut, good}, common...)...)
		assert.Equal(t, 1, code)
		assert.Contains(t, stderr, "dynamodel import: "+bad+`:2: bulk: malformed item`)
		assert.Contains(t, stderr, "dynamodel import: bulk: import "+db.Table("Copy")+": "+cut+":1: unexpected EOF (not read: "+good+")\n")
		assert.Regexp(t, `(?m)^import: 3 lines, `, stderr, "a stopped import ends its bar too: the summary line where it stopped")

		code, stdout, stderr = cli(t, append([]string{"import", "-if-absent", "Copy", good}, common...)...)
		assert.Equal(t, 0, code, "existing items are not a failure")
		assert.Contains(t, stdout, db.Table("Copy")+": 4 lines, 0 items written, 4 already there (not written)\n")
		assert.Contains(t, stdout, good+`:1: id="id-`)
		assert.NotContains(t, stderr, "dynamodel import:")

		code, _, stderr = cli(t, append([]string{"import", "Copy"}, common...)...)
		assert.Equal(t, 2, code)
		assert.Contains(t, stderr, "name the table, then the files")
		code, _, stderr = cli(t, append([]string{"import", "Copy", filepath.Join(dir, "missing.json")}, common...)...)
		assert.Equal(t, 1, code)
		assert.Contains(t, stderr, "no such file")
	}, bulkTables(t))
}
