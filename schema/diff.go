package schema

import (
	"context"
)

// Diff reports what Apply would do, changing nothing: a missing table is
// ActionCreate; a table Apply would change is ActionUpdate, with each
// change and the call that makes it in Change.Updates; a table that differs
// in what Apply does not change is ActionDiffers, with every difference,
// and the error matches ErrMismatch, as Apply's would. Whether the engine
// would make a change shows only when Apply tries.
func Diff(ctx context.Context, client API, tables []*Table, optFns ...func(*Options)) ([]Change, error) {
	return applyTables(ctx, client, tables, collectOptions(optFns), modeDiff)
}
