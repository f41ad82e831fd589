package bulk

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors; every error bulk returns wraps one of these where one
// applies, so callers test with errors.Is.
var (
	// ErrMalformedItem reports a line that is not an item in DynamoDB
	// JSON, or an item that cannot be written in it.
	ErrMalformedItem = errors.New("bulk: malformed item")

	// ErrNotWritten reports that an import ended with lines not written.
	// The error is an *ImportError listing each of them and why.
	ErrNotWritten = errors.New("bulk: lines not written")

	// ErrInvalidOptions reports options an export or a backfill cannot run
	// with (more segments than DynamoDB scans in, a lease too short to be
	// renewed, a budget that is not a number of units); it comes before
	// any call.
	ErrInvalidOptions = errors.New("bulk: invalid options")

	// ErrCheckpoint reports an export that cannot resume: no checkpoint, a
	// checkpoint of another table, or an output file that does not match
	// its checkpoint.
	ErrCheckpoint = errors.New("bulk: cannot resume export")

	// ErrUnfinishedExport reports an import of a file that ExportFile has
	// not finished: its checkpoint is beside it (the export is running, or
	// was interrupted and can be resumed). The file holds only part of the
	// table, and may end in a partial line or gzip member.
	ErrUnfinishedExport = errors.New("bulk: unfinished export")

	// ErrFileInUse reports an export to a file that another export (in
	// this process or another) is writing: on Unix, ExportFile locks its
	// file while it writes.
	ErrFileInUse = errors.New("bulk: export file in use")

	// ErrRunMismatch reports a backfill started again with a different
	// segment count or marker attribute, a run name already used for
	// another table, or a run whose records in the control table no worker
	// wrote (edited by hand: a header's segment count that no run has, a
	// segment number past the count or not a whole number, a position that
	// is not a map, segment records without the run's header).
	ErrRunMismatch = errors.New("bulk: run mismatch")

	// ErrNoVersion reports a backfill of a model without a version role,
	// started without Unversioned: without versions a rewrite cannot tell
	// whether live traffic changed the item since it was read.
	ErrNoVersion = errors.New("bulk: model has no version")

	// ErrItemsFailed reports that a backfill ended with items it could not
	// process. The error is a *BackfillError listing each of them and why.
	ErrItemsFailed = errors.New("bulk: items failed")

	// ErrConditionTooLong reports an item of an unversioned backfill whose
	// condition (every attribute as read) would be over DynamoDB's 4 KB
	// expression limit: it is reported, not written.
	ErrConditionTooLong = errors.New("bulk: condition over 4 KB")

	// ErrTooManyConflicts reports an item that kept changing between read
	// and write more often than BackfillOptions.MaxConflicts allows.
	ErrTooManyConflicts = errors.New("bulk: item changed too often")

	// ErrNoRun reports a Status of a backfill run that never started: the
	// control table has no record of it.
	ErrNoRun = errors.New("bulk: no backfill run")

	// ErrNoControlTable reports that a backfill's control table does not
	// exist; create it with CreateControlTable or from ControlTableJSON.
	ErrNoControlTable = errors.New("bulk: control table not found")
)

// listErrors renders up to max entries of a failure list, one a line.
func listErrors[E fmt.Stringer](head string, list []E, max int) string {
	var b strings.Builder
	b.WriteString(head)
	for i, e := range list {
		if i == max {
			fmt.Fprintf(&b, "\n\t... and %d more", len(list)-max)
			break
		}
		b.WriteString("\n\t")
		b.WriteString(e.String())
	}
	return b.String()
}
