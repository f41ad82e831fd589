package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/bulk"
)

// runBackfill runs a backfill subcommand: status RUN shows where the run
// stands, per segment and in total, as its control table records it.
// Backfills themselves are Go code: see package bulk.
func runBackfill(ctx context.Context, inv *invocation) int {
	if inv.args[0] != "status" || len(inv.args) != 2 {
		return inv.usage(errors.New("usage: dynamodel backfill status [-control TABLE] RUN"))
	}
	control, err := inv.tableName(inv.opts.bulk.control)
	if err != nil {
		return inv.usage(fmt.Errorf("-control: %w", err))
	}
	client, ok := inv.client.(dynamodel.API)
	if !ok {
		return inv.fail(fmt.Errorf("the client cannot query"))
	}
	st, err := bulk.Status(ctx, client, inv.args[1], func(o *bulk.StatusOptions) {
		o.ControlTable = control
	})
	if err != nil {
		return inv.fail(err)
	}
	printStatus(inv, st)
	return 0
}

// printStatus writes the run's header line, a row per segment and the
// total.
func printStatus(inv *invocation, st bulk.RunStatus) {
	state := "running"
	if !st.Finished.IsZero() {
		state = "finished " + st.Finished.Format(time.RFC3339)
	}
	fmt.Fprintf(inv.stdout, "run %s over %s: %d of %d segments done, %s (started %s)\n",
		st.Run, st.Table, st.Done(), len(st.Segments), state, st.Created.Format(time.RFC3339))
	if st.ReadUnits > 0 || st.WriteUnits > 0 {
		fmt.Fprintf(inv.stdout, "budget: %g read units/s, %g write units/s\n", st.ReadUnits, st.WriteUnits)
	}
	w := tabwriter.NewWriter(inv.stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "segment\tstate\tread\tkept\trewritten\tdeleted\tskipped\tfailed\tconflicts\ttakeovers\tread units\twrite units\towner\tlease\t")
	now := time.Now()
	row := func(name, state string, c bulk.Counts, owner, lease string) {
		fmt.Fprintf(w, "%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%.1f\t%.1f\t%s\t%s\t\n", name, state, c.Read, c.Kept, c.Rewritten,
			c.Deleted, c.Skipped, c.Failed, c.Conflicts, c.Takeovers, c.ReadUnits, c.WriteUnits, owner, lease)
	}
	for _, s := range st.Segments {
		lease := ""
		if s.State == bulk.StateActive {
			lease = s.Lease.Sub(now).Round(100*time.Millisecond).String() + " left"
		}
		row(strconv.Itoa(s.Segment), s.State, s.Counts, s.Owner, lease)
	}
	row("total", "", st.Total, "", "")
	_ = w.Flush()
	fmt.Fprintln(inv.stdout, bulk.Summary(st.Progress()))
}
