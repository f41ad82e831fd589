package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/dynamodel/dynamodel/schema"
)

// runDump writes each named live table as create-table JSON: to standard
// output, or with -o to DIR/TABLE.json, making DIR (and its parents) when it
// is missing.
func runDump(ctx context.Context, inv *invocation) int {
	for _, table := range inv.args {
		if _, err := inv.tableName(table); err != nil {
			return inv.usage(err) // before any call, and before a file name is made of it
		}
	}
	dir := inv.opts.out
	if dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return inv.fail(err)
		}
	}
	for _, table := range inv.args {
		t, err := schema.Describe(ctx, inv.client, table, inv.schemaOptions)
		if err != nil {
			return inv.fail(err)
		}
		out, err := json.MarshalIndent(t, "", "  ")
		if err != nil {
			return inv.fail(err)
		}
		out = append(out, '\n')
		if dir == "" {
			_, _ = inv.stdout.Write(out)
			continue
		}
		file := filepath.Join(dir, table+".json")
		if err := os.WriteFile(file, out, 0o644); err != nil {
			return inv.fail(err)
		}
		fmt.Fprintf(inv.stdout, "%s: written to %s\n", table, file)
	}
	return 0
}
