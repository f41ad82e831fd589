package schema

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodel/dynamodel/internal/retry"
)

// settleLimit bounds how long Apply waits for a tag, time-to-live or
// point-in-time recovery change to show, before calling it unsupported.
const settleLimit = 10 * time.Second

// Create creates the table when it does not exist and waits until it is
// ACTIVE, with the settings CreateTable leaves out (time to live,
// point-in-time recovery, and whatever the engine dropped). A table that
// already exists is not an error and is not changed: created is false, it
// is waited for until ACTIVE (someone else may be creating it), and its key
// schema is checked against the file (ErrMismatch when it differs). A table
// being deleted is waited out and created anew, as by Apply.
// A setting the engine did not apply makes the error match ErrUnsupported.
func (t *Table) Create(ctx context.Context, client API, optFns ...func(*Options)) (created bool, err error) {
	changes, err := applyTables(ctx, client, []*Table{t}, collectOptions(optFns), modeCreate)
	if len(changes) == 1 {
		created = changes[0].Action == ActionCreate
	}
	if errors.Is(err, ErrMismatch) && !errors.Is(err, ErrUnsupported) && !keysDiffer(changes) {
		err = nil // only indexes or settings differ; the table is usable
	}
	return created, err
}

func keysDiffer(changes []Change) bool {
	for _, c := range changes {
		for _, d := range c.Differences {
			if d.Path == "KeySchema" {
				return true
			}
		}
	}
	return false
}

// Apply makes the live tables match their definitions. It creates the
// missing tables (and those being deleted, once they are gone) and waits
// until they, and existing tables not ACTIVE yet, are ACTIVE, then sets
// what CreateTable left out. For a table that exists it changes, through
// UpdateTable, UpdateTimeToLive, TagResource, UntagResource and
// UpdateContinuousBackups, every setting that differs: billing mode,
// throughput, on-demand maximums, warm throughput, streams, encryption,
// table class, deletion protection, tags, time to live and point-in-time
// recovery (the last two when Options or a template name them), and global
// secondary indexes with Options.AddIndexes and DeleteIndexes. It makes one
// change per call, waits until the table and its indexes are ACTIVE after
// each, and reads the table again to see the change took.
//
// A table that differs in what Apply cannot change (keys, local secondary
// indexes, or indexes the options do not let it change) is left as it is,
// reported ActionDiffers with every difference, and the error matches
// ErrMismatch. A change the engine did not make is reported in
// Change.Unsupported, never as done, and the error matches ErrUnsupported.
// Applying the same tables twice changes nothing the second time: every
// table is reported ActionUnchanged. Two definitions of one table, a name
// DynamoDB would refuse (with prefix and suffix) or a time-to-live
// attribute it would refuse are an *Error before any call.
func Apply(ctx context.Context, client API, tables []*Table, optFns ...func(*Options)) ([]Change, error) {
	return applyTables(ctx, client, tables, collectOptions(optFns), modeApply)
}

// mode is what run does.
type mode int

const (
	modeApply  mode = iota // create and change tables
	modeDiff               // report only
	modeCreate             // create missing tables; report on the others
)

// An applier is one call of Apply, Diff or Table.Create.
type applier struct {
	client API
	o      Options
}

func applyTables(ctx context.Context, client API, tables []*Table, o Options, m mode) ([]Change, error) {
	a := &applier{client: client, o: o}
	seen := map[string]string{}
	for _, t := range tables {
		if err := checkOptions(t, o); err != nil {
			return nil, err
		}
		if prev, dup := seen[t.Name()]; dup {
			return nil, &Error{File: t.Source, Path: "TableName", Msg: fmt.Sprintf("table %q is also defined in %s", t.Name(), prev)}
		}
		seen[t.Name()] = t.Source
	}
	changes := make([]Change, len(tables))
	wants := make([]*state, len(tables))
	lives := make([]*state, len(tables))
	// Missing tables are created first, all of them, then waited for
	// together.
	var waitFor []string
	for i, t := range tables {
		c := &changes[i]
		c.Table = o.TableName(t)
		wants[i] = wantState(t, o)
		live, err := readState(ctx, client, c.Table, wants[i], o)
		if err != nil {
			return changes[:i], err
		}
		if live != nil && live.deleting {
			// Deleted (by Delete with NoWait, say): missing, and created
			// once gone.
			if m != modeDiff {
				if err := waitGone(ctx, client, o, c.Table); err != nil {
					return changes[:i+1], err
				}
			}
			live = nil
		}
		lives[i] = live
		switch {
		case live != nil:
			if !live.active && m != modeDiff && !o.NoWait {
				// Being created (by someone else) or changed: usable once
				// ACTIVE, and compared as it is then.
				waitFor = append(waitFor, c.Table)
				lives[i] = nil
			}
			continue
		case m == modeDiff:
			c.Action = ActionCreate
			continue
		}
		made, err := createTable(ctx, client, t, c.Table, o)
		if err != nil {
			return changes[:i+1], err
		}
		if made {
			c.Action = ActionCreate
		}
		if !made || !o.NoWait {
			waitFor = append(waitFor, c.Table) // made, or made by someone else meanwhile
		}
	}
	if err := waitActive(ctx, client, o, waitFor...); err != nil {
		return changes, err
	}
	for i := range tables {
		if err := a.finish(ctx, &changes[i], wants[i], lives[i], m); err != nil {
			return changes, err
		}
	}
	return changes, outcome(changes)
}

// finish completes one table's change once the tables Apply created are
// ACTIVE: it sets what CreateTable left out, or changes (or, for Diff and
// Table.Create, plans) an existing table. live is nil for a table that did
// not exist.
func (a *applier) finish(ctx context.Context, c *Change, want, live *state, m mode) error {
	switch {
	case c.Action == ActionCreate && (m == modeDiff || a.o.NoWait):
		return nil
	case c.Action == ActionCreate:
		return a.finishCreate(ctx, c, want)
	case live == nil: // someone else created it meanwhile
		var err error
		if live, err = readState(ctx, a.client, c.Table, want, a.o); err != nil {
			return err
		}
		if live == nil {
			return fmt.Errorf("dynamodel: CreateTable %s: the table is gone", c.Table)
		}
	}
	if m == modeApply {
		return a.update(ctx, c, want, live)
	}
	a.plan(c, want, live)
	return nil
}

// outcome is the error that sums up the changes: ErrMismatch for tables
// that differ, ErrUnsupported for changes the engine did not make.
func outcome(changes []Change) error {
	var differ, unsupported []string
	for _, c := range changes {
		if c.Action == ActionDiffers {
			differ = append(differ, c.Table)
		}
		for _, u := range c.Unsupported {
			unsupported = append(unsupported, c.Table+" "+u.Path)
		}
	}
	var errs []error
	if len(differ) > 0 {
		errs = append(errs, fmt.Errorf("%w: %s differ from their files", ErrMismatch, strings.Join(differ, ", ")))
	}
	if len(unsupported) > 0 {
		errs = append(errs, fmt.Errorf("%w: %s", ErrUnsupported, strings.Join(unsupported, ", ")))
	}
	return errors.Join(errs...)
}

// plan reports what Apply would do to an existing table.
func (a *applier) plan(c *Change, want, live *state) {
	checks := compare(c.Table, want, live, a.o)
	switch {
	case len(checks) == 0:
		c.Action = ActionUnchanged
	case !allFixable(checks):
		c.Action, c.Differences = ActionDiffers, differences(checks)
	default:
		c.Action = ActionUpdate
		for _, ch := range checks {
			c.Updates = append(c.Updates, ch.update())
		}
	}
}

// update changes an existing table to match want, when it can change every
// difference; otherwise it reports them all and changes nothing.
func (a *applier) update(ctx context.Context, c *Change, want, live *state) error {
	checks := compare(c.Table, want, live, a.o)
	switch {
	case len(checks) == 0:
		c.Action = ActionUnchanged
		return nil
	case !allFixable(checks):
		c.Action, c.Differences = ActionDiffers, differences(checks)
		return nil
	}
	if err := a.converge(ctx, c, want, checks, map[string]bool{}); err != nil {
		return err
	}
	c.Action = ActionUpdate
	if len(c.Unsupported) > 0 {
		c.Action = ActionUnsupported
	}
	return nil
}

// finishCreate reads a table Apply created, sets what CreateTable left out
// and reports what the engine dropped and Apply cannot set.
func (a *applier) finishCreate(ctx context.Context, c *Change, want *state) error {
	live, err := readState(ctx, a.client, c.Table, want, a.o)
	if err != nil {
		return err
	}
	if live == nil {
		return fmt.Errorf("dynamodel: CreateTable %s: the table is gone", c.Table)
	}
	checks := compare(c.Table, want, live, a.o)
	tried := map[string]bool{}
	for _, ch := range checks {
		if len(ch.steps) == 0 {
			tried[ch.Path] = true
			c.Unsupported = append(c.Unsupported, Unsupported{
				Update:   Update{Difference: ch.Difference, Call: "CreateTable"},
				Evidence: "CreateTable accepted it, but DescribeTable reports " + orNone(ch.Live),
			})
		}
	}
	return a.converge(ctx, c, want, checks, tried)
}

// converge makes the changes checks call for, one check at a time, until
// none is left that has not been tried. After each it waits until the
// table is ACTIVE, reads it again, and sorts the change into c.Updates or,
// when the engine did not make it, c.Unsupported.
func (a *applier) converge(ctx context.Context, c *Change, want *state, checks []check, tried map[string]bool) error {
	for {
		next := nextCheck(checks, tried)
		if next == nil {
			return nil
		}
		tried[next.Path] = true
		evidence, err := a.send(ctx, c.Table, next)
		if err != nil {
			return err
		}
		live, still, err := a.reread(ctx, c.Table, want, next, evidence == "")
		if err != nil {
			return err
		}
		switch {
		case evidence != "":
			c.Unsupported = append(c.Unsupported, Unsupported{Update: next.update(), Evidence: evidence})
		case still != nil:
			u := next.update()
			c.Unsupported = append(c.Unsupported, Unsupported{Update: u,
				Evidence: fmt.Sprintf("%s accepted the change, but %s still reports %s", u.Call, next.steps[0].reader(), orNone(still.Live))})
		default:
			c.Updates = append(c.Updates, next.update())
		}
		checks = compare(c.Table, want, live, a.o)
	}
}

// send makes a check's calls in order, waiting until the table is ACTIVE
// after each. When the engine answers that it does not support one, send
// returns its answer as evidence; any other failure is an error.
func (a *applier) send(ctx context.Context, table string, ch *check) (evidence string, err error) {
	for _, s := range ch.steps {
		err := s.send(ctx, a.client, a.o)
		if answer, ok := engineIgnores(err); ok {
			return s.call() + ": " + answer, nil
		}
		if err != nil {
			return "", fmt.Errorf("dynamodel: %s %s: %s: %w", s.call(), table, ch.Path, err)
		}
		if err := waitActive(ctx, a.client, a.o, table); err != nil {
			return "", err
		}
	}
	return "", nil
}

// reread reads the table after a check's calls and returns the check as it
// stands now, nil when the difference is gone. A change that does not show
// in the table's status (tags, time to live, backups) gets up to
// settleLimit to show, while the table still reports what it had before.
func (a *applier) reread(ctx context.Context, table string, want *state, ch *check, settle bool) (*state, *check, error) {
	deadline := time.Now().Add(settleLimit)
	pause := a.o.PollInterval
	for {
		live, err := readState(ctx, a.client, table, want, a.o)
		if err != nil {
			return nil, nil, err
		}
		if live == nil {
			return nil, nil, fmt.Errorf("dynamodel: %s: the table is gone", table)
		}
		still := findCheck(compare(table, want, live, a.o), ch.Path)
		last := ch.steps[len(ch.steps)-1]
		if still == nil || still.Live != ch.Live || !settle || last.showsInStatus() || time.Now().After(deadline) {
			return live, still, nil
		}
		if err := retry.Sleep(ctx, pause); err != nil {
			return nil, nil, err
		}
		pause = min(pause*2, time.Second)
	}
}

func allFixable(checks []check) bool {
	for _, c := range checks {
		if len(c.steps) == 0 {
			return false
		}
	}
	return true
}

func differences(checks []check) []Difference {
	out := make([]Difference, len(checks))
	for i, c := range checks {
		out[i] = c.Difference
	}
	return out
}

func nextCheck(checks []check, tried map[string]bool) *check {
	for i, c := range checks {
		if len(c.steps) > 0 && !tried[c.Path] {
			return &checks[i]
		}
	}
	return nil
}

func findCheck(checks []check, path string) *check {
	for i, c := range checks {
		if c.Path == path {
			return &checks[i]
		}
	}
	return nil
}

// createTable creates t's table under name; made is false when someone
// else created it meanwhile.
func createTable(ctx context.Context, client API, t *Table, name string, o Options) (made bool, err error) {
	in := t.CreateTableInput()
	in.TableName = &name
	_, err = client.CreateTable(ctx, in, o.ClientOptions...)
	var inUse *types.ResourceInUseException
	switch {
	case errors.As(err, &inUse):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("dynamodel: CreateTable %s: %w", name, err)
	}
	return true, nil
}
