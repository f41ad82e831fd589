//go:build unix

package main

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel/dynamotest"
	"github.com/dynamodel/dynamodel/internal/enginetest"
)

// TestExportCommandFileInUse: an export to a file another export holds
// fails and says so, without advice to resume it.
func TestExportCommandFileInUse(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, db *dynamotest.DB) {
		common := []string{"-endpoint", db.Engine.Endpoint, "-prefix", db.Prefix}
		putN(t, db, db.Table("Items"), 3)
		out := filepath.Join(t.TempDir(), "items.json")
		f, err := os.Create(out)
		require.NoError(t, err)
		defer f.Close()
		require.NoError(t, syscall.Flock(int(f.Fd()), syscall.LOCK_EX)) // as ExportFile does

		code, _, stderr := cli(t, append([]string{"export", "-o", out, "Items"}, common...)...)
		assert.Equal(t, 1, code)
		assert.Contains(t, stderr, "another export is writing "+out)
		assert.NotContains(t, stderr, "continue with")
	}, bulkTables(t))
}
