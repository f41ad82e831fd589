package schema

import (
	"fmt"
	"strings"
)

// Action is what Apply did, or Diff would do, to one table.
type Action string

// The actions of Apply and Diff.
const (
	ActionCreate    Action = "create"    // the table did not exist
	ActionUnchanged Action = "unchanged" // the table matches its file
	ActionUpdate    Action = "update"    // settings or indexes were (or would be) changed
	ActionDiffers   Action = "differs"   // the table differs in ways Apply does not change; nothing was changed
	// ActionUnsupported: the table differs from its file only in changes the
	// engine did not make (see Change.Unsupported); some may have been made.
	ActionUnsupported Action = "unsupported"
)

// A Change reports what Apply did, or Diff found, for one table.
type Change struct {
	Table  string // the table's name, with prefix and suffix
	Action Action // what was done

	// Updates are the changes Apply made (Diff: would make) to the table,
	// one call each, in the order they were made. For a table Apply created
	// they are what the engine left out of CreateTable and Apply then set.
	Updates []Update

	// Differences are how the live table differs from its file where Apply
	// does not change it (keys, local secondary indexes, global secondary
	// indexes without Options.AddIndexes or DeleteIndexes, another
	// time-to-live attribute than the one that is on). When there are
	// any, the Action is ActionDiffers and Apply changed nothing on the
	// table: every difference is listed here, and Updates is empty.
	Differences []Difference

	// Unsupported are the changes the engine did not make: it answered that
	// it does not know the operation or parameter, or accepted the request
	// and left the table as it was. Each names the engine's evidence.
	Unsupported []Unsupported
}

// String renders the change and its updates, differences and unsupported
// changes, a line each.
func (c Change) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s", c.Table, c.Action)
	for _, u := range c.Updates {
		fmt.Fprintf(&b, "\n  %s", u)
	}
	for _, d := range c.Differences {
		fmt.Fprintf(&b, "\n  %s", d)
	}
	for _, u := range c.Unsupported {
		fmt.Fprintf(&b, "\n  %s", u)
	}
	return b.String()
}

// A Difference is one way a live table differs from its file.
type Difference struct {
	Path string // what differs, e.g. KeySchema, GlobalSecondaryIndexes[byEmail], StreamSpecification
	File string // what the file says ("" when it lacks the thing)
	Live string // what the table has ("" when it lacks the thing)
}

// String renders the difference for people.
func (d Difference) String() string {
	switch {
	case d.Live == "":
		return fmt.Sprintf("%s: missing from the table (file: %s)", d.Path, d.File)
	case d.File == "":
		return fmt.Sprintf("%s: not in the file (table: %s)", d.Path, d.Live)
	}
	return fmt.Sprintf("%s: file has %s, table has %s", d.Path, d.File, d.Live)
}

// An Update is one change Apply makes to a live table: a difference and the
// call that removes it.
type Update struct {
	Difference
	// Call is the operation, or operations in order, that make the change:
	// "UpdateTable", "UpdateTimeToLive", "TagResource, UntagResource"...
	Call string
}

// String renders the update as "PATH: TABLE -> FILE (CALL)".
func (u Update) String() string {
	return fmt.Sprintf("%s: %s -> %s (%s)", u.Path, orNone(u.Live), orNone(u.File), u.Call)
}

// Unsupported is a change the engine did not make.
type Unsupported struct {
	Update
	// Evidence is the engine's answer (UnknownOperationException, or a
	// ValidationException that ignores the parameter), or what the table
	// still reported after the engine accepted the change.
	Evidence string
}

// String renders the change and the evidence that the engine did not make it.
func (u Unsupported) String() string {
	return fmt.Sprintf("%s: %s -> %s not applied by the engine: %s", u.Path, orNone(u.Live), orNone(u.File), u.Evidence)
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
