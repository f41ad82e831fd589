package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/dynamodel/dynamodel/schema"
)

// runApply creates the missing tables and reports how the existing ones
// differ from their files: exit status 1 when one still does.
func runApply(ctx context.Context, inv *invocation) int {
	changes, err := schema.Apply(ctx, inv.client, inv.tables, inv.schemaOptions)
	printChanges(inv.stdout, changes, applied)
	if err != nil && !errors.Is(err, schema.ErrMismatch) {
		return inv.fail(err)
	}
	if err != nil {
		return 1
	}
	return 0
}

// applied says what apply did to a table.
func applied(c schema.Change) string {
	switch c.Action {
	case schema.ActionCreate:
		return "created"
	case schema.ActionUnchanged:
		return "unchanged"
	case schema.ActionUpdate:
		return "added index " + strings.Join(c.Added, ", ")
	}
	return "differs from its file"
}

// printChanges writes a line per table, "TABLE: what", then its
// differences, indented; apply and diff say what differently.
func printChanges(w io.Writer, changes []schema.Change, what func(schema.Change) string) {
	for _, c := range changes {
		var b strings.Builder
		b.WriteString(c.Table)
		b.WriteString(": ")
		b.WriteString(what(c))
		for _, d := range c.Differences {
			b.WriteString("\n  ")
			b.WriteString(d.String())
		}
		fmt.Fprintln(w, b.String())
	}
}
