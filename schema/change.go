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
	ActionUpdate    Action = "update"    // global secondary indexes were (or would be) added
	ActionDiffers   Action = "differs"   // the table differs in ways Apply does not change
)

// A Change reports what Apply did, or Diff found, for one table.
type Change struct {
	Table       string       // the table's name, with prefix and suffix
	Action      Action       // what was done
	Differences []Difference // how the live table differs from its file
	Added       []string     // global secondary indexes added
}

// String renders the change and its differences, a line each.
func (c Change) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s", c.Table, c.Action)
	if len(c.Added) > 0 {
		fmt.Fprintf(&b, " (added index %s)", strings.Join(c.Added, ", "))
	}
	for _, d := range c.Differences {
		fmt.Fprintf(&b, "\n  %s", d)
	}
	return b.String()
}

// A Difference is one way a live table differs from its file.
type Difference struct {
	Path string // what differs, e.g. KeySchema or GlobalSecondaryIndexes[byEmail]
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
