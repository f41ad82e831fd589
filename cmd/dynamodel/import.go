package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/dynamodel/dynamodel/bulk"
)

// runImport writes the items of the files (lines of DynamoDB JSON, plain
// or gzip) to the table. At the end it says what was written and lists
// every line not written and why (exit status 1 when there is one); with
// -if-absent, the lines whose item already existed are listed too, but are
// not a failure.
func runImport(ctx context.Context, inv *invocation) int {
	if len(inv.args) < 2 {
		return inv.usage(errors.New("name the table, then the files to import"))
	}
	table, err := inv.tableName(inv.args[0])
	if err != nil {
		return inv.usage(err)
	}
	client, err := inv.bulkClient()
	if err != nil {
		return inv.fail(err)
	}
	bar := newProgress(inv.stderr)
	ctx, stop := interruptible(ctx)
	defer stop()
	res, err := bulk.Import(ctx, client, table, inv.args[1:], func(o *bulk.ImportOptions) {
		o.IfAbsent = inv.opts.bulk.ifAbsent
		o.Progress = bar.update
	})
	bar.stop()
	if res.Lines == 0 && err != nil && len(res.Failed) == 0 {
		return inv.fail(err) // nothing read: a missing table or file
	}
	summary := fmt.Sprintf("%s: %d lines, %d items written", table, res.Lines, res.Written)
	if res.Duplicates > 0 {
		won := "the later line won"
		if inv.opts.bulk.ifAbsent {
			won = "the earlier line won"
		}
		summary += fmt.Sprintf(", %d repeated keys (%s)", res.Duplicates, won)
	}
	if len(res.Existing) > 0 {
		summary += fmt.Sprintf(", %d already there (not written)", len(res.Existing))
	}
	if len(res.Failed) > 0 {
		summary += fmt.Sprintf(", %d lines not written", len(res.Failed))
	}
	fmt.Fprintln(inv.stdout, summary)
	for _, le := range res.Existing {
		fmt.Fprintln(inv.stdout, le)
	}
	for _, le := range res.Failed {
		fmt.Fprintf(inv.stderr, "dynamodel import: %v\n", le)
	}
	if err != nil {
		// The lines not written are listed above; any other error is why
		// the import stopped.
		if ie := (*bulk.ImportError)(nil); !errors.As(err, &ie) {
			fmt.Fprintf(inv.stderr, "dynamodel import: %v\n", err)
		}
		return 1
	}
	return 0
}
