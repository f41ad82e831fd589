package main

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/bulk"
	"github.com/dynamodel/dynamodel/dynamotest"
	"github.com/dynamodel/dynamodel/internal/enginetest"
)

// counted is the backfill status test's model.
type counted struct {
	ID      string `dynamodbav:"id" dynamodel:"hash"`
	N       int    `dynamodbav:"n"`
	Version int64  `dynamodbav:"version" dynamodel:"version"`
}

func TestBackfillStatusCommand(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, db *dynamotest.DB) {
		common := []string{"-endpoint", db.Engine.Endpoint, "-prefix", db.Prefix}
		putN(t, db, db.Table("Items"), 6)
		repo, err := dynamodel.NewRepository[counted](db.Client, db.Table("Items"))
		require.NoError(t, err)
		_, err = bulk.Backfill(context.Background(), repo, "double", func(c counted) (counted, bulk.Action, error) {
			c.N *= 2
			return c, bulk.Rewrite, nil
		}, func(o *bulk.BackfillOptions) {
			o.ControlTable, o.Segments, o.WriteUnits = db.Table(bulk.DefaultControlTable), 3, 50
		})
		require.NoError(t, err)

		code, stdout, stderr := cli(t, append([]string{"backfill", "status", "double"}, common...)...)
		require.Equal(t, 0, code, stderr)
		lines := strings.Split(strings.TrimSpace(stdout), "\n")
		require.Len(t, lines, 8, stdout)
		assert.Regexp(t, `^run double over `+db.Table("Items")+`: 3 of 3 segments done, finished `, lines[0])
		assert.Equal(t, "budget: 0 read units/s, 50 write units/s", lines[1])
		assert.Regexp(t, `^\s*segment\s+state\s+read\s+kept\s+rewritten`, lines[2])
		assert.Regexp(t, `^\s*0\s+done\s`, lines[3])
		assert.Regexp(t, `^\s*total\s+6\s+0\s+6\s+0\s+0\s+0\s`, lines[6])
		assert.Regexp(t, `^backfill: 6 items, `, lines[7])

		code, _, stderr = cli(t, append([]string{"backfill", "status", "nosuchrun"}, common...)...)
		assert.Equal(t, 1, code)
		assert.Contains(t, stderr, `no backfill run "nosuchrun"`)
		code, _, stderr = cli(t, append([]string{"backfill", "start", "x"}, common...)...)
		assert.Equal(t, 2, code)
		assert.Contains(t, stderr, "usage: dynamodel backfill status")
	}, bulkTables(t))
}
