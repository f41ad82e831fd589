package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/dynamodel/dynamodel/bulk"
)

// runExport writes every item of the table as a line of DynamoDB JSON: to
// standard output, or with -o to FILE (gzip when it ends in .gz) with
// checkpoints, so that -resume continues an interrupted export. Progress
// goes to standard error: a bar on a terminal, else a summary line.
func runExport(ctx context.Context, inv *invocation) int {
	if len(inv.args) != 1 {
		return inv.usage(fmt.Errorf("name one table (got %d arguments)", len(inv.args)))
	}
	o := inv.opts.bulk
	if o.resume && inv.opts.out == "" {
		return inv.usage(errors.New("-resume continues the export of -o FILE: give -o"))
	}
	if o.segments < 0 || o.segments > bulk.MaxSegments {
		return inv.usage(fmt.Errorf("-segments %d: want 1 to %d (0, as none: 4)", o.segments, bulk.MaxSegments))
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
	opts := func(eo *bulk.ExportOptions) {
		eo.Segments, eo.ConsistentRead, eo.Resume = o.segments, o.consistent, o.resume
		eo.Progress = bar.update
	}
	ctx, stop := interruptible(ctx)
	defer stop()
	if inv.opts.out == "" {
		_, err := bulk.Export(ctx, client, table, inv.stdout, opts)
		bar.stop()
		if err != nil {
			return inv.fail(err)
		}
		return 0
	}
	res, err := bulk.ExportFile(ctx, client, table, inv.opts.out, opts)
	bar.stop()
	if err != nil {
		if ctx.Err() != nil || !errors.Is(err, bulk.ErrCheckpoint) && !errors.Is(err, bulk.ErrFileInUse) {
			fmt.Fprintf(inv.stderr, "dynamodel export: %v\n", err)
			fmt.Fprintf(inv.stderr, "dynamodel export: %d items are in %s; continue with: %s\n", res.Items, inv.opts.out, resumeCommand(inv.line))
			return 1
		}
		return inv.fail(err)
	}
	fmt.Fprintf(inv.stdout, "%s: %d items written to %s\n", table, res.Items, inv.opts.out)
	return 0
}

// resumeCommand is the command line that resumes an export: the one given
// (its endpoint, prefix and file), with -resume, quoted for a shell.
func resumeCommand(line []string) string {
	words := []string{"dynamodel", line[0], "-resume"}
	for _, a := range line[1:] {
		if a == "-resume" || a == "--resume" || strings.HasPrefix(a, "-resume=") || strings.HasPrefix(a, "--resume=") {
			continue
		}
		words = append(words, shellQuote(a))
	}
	return strings.Join(words, " ")
}

// shellQuote quotes s for a POSIX shell unless it needs no quotes.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@,+%") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
