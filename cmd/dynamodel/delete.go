package main

import (
	"context"
	"fmt"

	"github.com/dynamodel/dynamodel/schema"
)

// runDelete deletes the tables the files define, and waits until they are
// gone; without -yes it only lists them, with exit status 1.
func runDelete(ctx context.Context, inv *invocation) int {
	if !inv.opts.yes {
		for _, t := range inv.tables {
			fmt.Fprintf(inv.stdout, "%s%s%s: would be deleted (add -yes to delete)\n", inv.opts.prefix, t.Name(), inv.opts.suffix)
		}
		return 1
	}
	deleted, err := schema.Delete(ctx, inv.client, inv.tables, inv.schemaOptions)
	for _, name := range deleted {
		fmt.Fprintf(inv.stdout, "%s: deleted\n", name)
	}
	if err != nil {
		return inv.fail(err)
	}
	if len(deleted) == 0 {
		fmt.Fprintln(inv.stdout, "no table to delete")
	}
	return 0
}
