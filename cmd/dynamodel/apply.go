package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/dynamodel/dynamodel/schema"
)

// runApply creates the missing tables, changes the existing ones, and
// reports what it did: exit status 1 when a table still differs from its
// file, or the engine did not make a change.
func runApply(ctx context.Context, inv *invocation) int {
	changes, err := schema.Apply(ctx, inv.client, inv.tables, inv.schemaOptions)
	printChanges(inv.stdout, changes, applied)
	if err != nil && !errors.Is(err, schema.ErrMismatch) && !errors.Is(err, schema.ErrUnsupported) {
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
		return "updated"
	case schema.ActionUnsupported:
		return "not all changes applied: the engine does not support them"
	}
	return "differs from its file"
}

// printChanges writes a line per table, "TABLE: what", then its updates,
// differences and unsupported changes, indented; apply and diff say what
// differently.
func printChanges(w io.Writer, changes []schema.Change, what func(schema.Change) string) {
	for _, c := range changes {
		var b strings.Builder
		b.WriteString(c.Table)
		b.WriteString(": ")
		b.WriteString(what(c))
		for _, u := range c.Updates {
			b.WriteString("\n  ")
			b.WriteString(u.String())
		}
		for _, d := range c.Differences {
			b.WriteString("\n  ")
			b.WriteString(d.String())
		}
		for _, u := range c.Unsupported {
			b.WriteString("\n  ")
			b.WriteString(u.String())
		}
		fmt.Fprintln(w, b.String())
	}
}
