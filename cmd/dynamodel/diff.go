package main

import (
	"context"
	"errors"
	"slices"

	"github.com/dynamodel/dynamodel/schema"
)

// runDiff reports what apply would do, changing nothing: exit status 1 when
// it would change something or a table differs from its file.
func runDiff(ctx context.Context, inv *invocation) int {
	changes, err := schema.Diff(ctx, inv.client, inv.tables, inv.schemaOptions)
	printChanges(inv.stdout, changes, wouldApply)
	if err != nil && !errors.Is(err, schema.ErrMismatch) {
		return inv.fail(err)
	}
	if err != nil || slices.ContainsFunc(changes, pending) {
		return 1
	}
	return 0
}

func pending(c schema.Change) bool { return c.Action != schema.ActionUnchanged }

// wouldApply says what apply would do to a table.
func wouldApply(c schema.Change) string {
	switch c.Action {
	case schema.ActionCreate:
		return "would be created"
	case schema.ActionUnchanged:
		return "unchanged"
	case schema.ActionUpdate:
		return "would be updated"
	}
	return "differs from its file"
}
