package dynamodel

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// ApplyOptions are the options of Apply, Diff, Schema.Create and
// DeleteTables.
type ApplyOptions struct {
	// TablePrefix and TableSuffix are added to every table name, so one set
	// of files serves several environments: TablePrefix "dev-" turns table
	// User into dev-User.
	TablePrefix, TableSuffix string

	// AddIndexes makes Apply add, through UpdateTable, the global secondary
	// indexes a file has and its live table lacks. Without it they are
	// reported as differences.
	AddIndexes bool

	// NoWait returns as soon as the requests are accepted, without waiting
	// for tables and indexes to become ACTIVE (or, for deletes, to be gone).
	NoWait bool

	// PollInterval is the first pause between status checks while waiting;
	// it doubles up to two seconds. Zero means 50 milliseconds. The wait
	// ends with the context.
	PollInterval time.Duration

	// ClientOptions are passed to every SDK call.
	ClientOptions []func(*dynamodb.Options)
}

// TableName returns the name a schema's table has under these options.
func (o *ApplyOptions) TableName(s *Schema) string {
	return o.TablePrefix + s.TableName() + o.TableSuffix
}

// Action is what Apply did, or Diff would do, to one table.
type Action string

// The actions of Apply and Diff.
const (
	ActionCreate    Action = "create"    // the table did not exist
	ActionUnchanged Action = "unchanged" // the table matches its file
	ActionUpdate    Action = "update"    // global secondary indexes were (or would be) added
	ActionDiffers   Action = "differs"   // the table differs in ways Apply does not change
)

// A TableChange reports what Apply did, or Diff found, for one table.
type TableChange struct {
	Table       string       // the table's name, with prefix and suffix
	Action      Action       // what was done
	Differences []Difference // how the live table differs from its file
	Added       []string     // global secondary indexes added
}

// String renders the change and its differences, a line each.
func (c TableChange) String() string {
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

func applyOptions(optFns []func(*ApplyOptions)) ApplyOptions {
	o := collectOptions(ApplyOptions{}, optFns)
	if o.PollInterval <= 0 {
		o.PollInterval = 50 * time.Millisecond
	}
	return o
}

// Create creates the schema's table when it does not exist and waits until
// it is ACTIVE. A table that already exists is not an error: created is
// false, and its key schema is checked against the file (ErrSchemaMismatch
// when it differs).
func (s *Schema) Create(ctx context.Context, client TableAPI, optFns ...func(*ApplyOptions)) (created bool, err error) {
	changes, err := Apply(ctx, client, []*Schema{s}, optFns...)
	if len(changes) == 1 {
		created = changes[0].Action == ActionCreate
	}
	if errors.Is(err, ErrSchemaMismatch) && !keysDiffer(changes) {
		err = nil // only indexes or settings differ; the table is usable
	}
	return created, err
}

func keysDiffer(changes []TableChange) bool {
	for _, c := range changes {
		for _, d := range c.Differences {
			if d.Path == "KeySchema" {
				return true
			}
		}
	}
	return false
}

// Apply makes the live tables match the schemas: it creates missing tables
// and waits until they are ACTIVE; for tables that exist it compares keys,
// indexes and settings with the files and reports each difference (and, with
// AddIndexes, adds missing global secondary indexes). Applying the same
// schemas twice changes nothing the second time: every table is reported
// ActionUnchanged. The error wraps ErrSchemaMismatch when a table still
// differs from its file.
func Apply(ctx context.Context, client TableAPI, schemas []*Schema, optFns ...func(*ApplyOptions)) ([]TableChange, error) {
	return apply(ctx, client, schemas, applyOptions(optFns), false)
}

// Diff reports how the live tables differ from the schemas, changing
// nothing: a missing table is ActionCreate, a table whose missing global
// secondary indexes Apply would add (with AddIndexes) is ActionUpdate.
func Diff(ctx context.Context, client TableAPI, schemas []*Schema, optFns ...func(*ApplyOptions)) ([]TableChange, error) {
	return apply(ctx, client, schemas, applyOptions(optFns), true)
}

func apply(ctx context.Context, client TableAPI, schemas []*Schema, o ApplyOptions, dryRun bool) ([]TableChange, error) {
	var (
		changes []TableChange
		differ  []string
	)
	for _, s := range schemas {
		name := o.TableName(s)
		if err := CheckTableName(name); err != nil {
			return changes, err
		}
		live, err := describe(ctx, client, name, o)
		if err != nil {
			return changes, err
		}
		c := TableChange{Table: name}
		if live == nil {
			c.Action = ActionCreate
			if !dryRun {
				in := s.CreateTableInput()
				in.TableName = &name
				if _, err := client.CreateTable(ctx, in, o.ClientOptions...); err != nil {
					var inUse *types.ResourceInUseException
					if !errors.As(err, &inUse) { // created meanwhile by someone else: fine
						return changes, fmt.Errorf("dynamodel: CreateTable %s: %w", name, classify(err))
					}
				}
			}
			changes = append(changes, c)
			continue
		}
		c.Differences = compareTable(s, fromDescription(live))
		missing := missingIndexes(s, live)
		switch {
		case len(c.Differences) == 0:
			c.Action = ActionUnchanged
		case o.AddIndexes && len(missing) > 0 && len(missing) == len(c.Differences):
			c.Action = ActionUpdate
			if !dryRun {
				if err := addIndexes(ctx, client, name, s, live, missing, o); err != nil {
					return changes, err
				}
				c.Added = missing
				c.Differences = nil
			}
		default:
			c.Action = ActionDiffers
			differ = append(differ, name)
		}
		changes = append(changes, c)
	}
	if !dryRun && !o.NoWait {
		var pending []string
		for _, c := range changes {
			if c.Action == ActionCreate || c.Action == ActionUpdate {
				pending = append(pending, c.Table)
			}
		}
		if err := waitActive(ctx, client, o, pending...); err != nil {
			return changes, err
		}
	}
	if len(differ) > 0 {
		return changes, fmt.Errorf("%w: %s differ from their files", ErrSchemaMismatch, strings.Join(differ, ", "))
	}
	return changes, nil
}

// describe returns the table's description, or nil when it does not exist.
func describe(ctx context.Context, client TableAPI, name string, o ApplyOptions) (*types.TableDescription, error) {
	out, err := client.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: &name}, o.ClientOptions...)
	var nf *types.ResourceNotFoundException
	if errors.As(err, &nf) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("dynamodel: DescribeTable %s: %w", name, err)
	}
	return out.Table, nil
}

// missingIndexes lists the schema's global secondary indexes the live table
// lacks.
func missingIndexes(s *Schema, live *types.TableDescription) []string {
	var out []string
	for _, ix := range s.input.GlobalSecondaryIndexes {
		found := false
		for _, l := range live.GlobalSecondaryIndexes {
			found = found || aws.ToString(l.IndexName) == aws.ToString(ix.IndexName)
		}
		if !found {
			out = append(out, aws.ToString(ix.IndexName))
		}
	}
	return out
}

// addIndexes creates global secondary indexes one at a time (DynamoDB takes
// one index creation per UpdateTable call), waiting between them, and checks
// each one is there: some local engines accept the request and do nothing.
func addIndexes(ctx context.Context, client TableAPI, name string, s *Schema, live *types.TableDescription, missing []string, o ApplyOptions) error {
	defs := slices.Clone(live.AttributeDefinitions)
	for i, ixName := range missing {
		var ix types.GlobalSecondaryIndex
		for _, g := range s.input.GlobalSecondaryIndexes {
			if aws.ToString(g.IndexName) == ixName {
				ix = g
			}
		}
		// The table's definitions and the new index's: the service wants the
		// new key attributes, and some engines replace the whole list.
		for _, k := range ix.KeySchema {
			kn := aws.ToString(k.AttributeName)
			if slices.ContainsFunc(defs, func(d types.AttributeDefinition) bool { return aws.ToString(d.AttributeName) == kn }) {
				continue
			}
			defs = append(defs, types.AttributeDefinition{AttributeName: k.AttributeName, AttributeType: s.attrType(kn)})
		}
		_, err := client.UpdateTable(ctx, &dynamodb.UpdateTableInput{
			TableName:            &name,
			AttributeDefinitions: defs,
			GlobalSecondaryIndexUpdates: []types.GlobalSecondaryIndexUpdate{{Create: &types.CreateGlobalSecondaryIndexAction{
				IndexName:             ix.IndexName,
				KeySchema:             ix.KeySchema,
				Projection:            ix.Projection,
				ProvisionedThroughput: ix.ProvisionedThroughput,
				OnDemandThroughput:    ix.OnDemandThroughput,
			}}},
		}, o.ClientOptions...)
		if err != nil {
			return fmt.Errorf("dynamodel: UpdateTable %s: add index %s: %w", name, ixName, classify(err))
		}
		if i == len(missing)-1 && o.NoWait {
			break
		}
		if err := waitActive(ctx, client, o, name); err != nil {
			return err
		}
		now, err := describe(ctx, client, name, o)
		if err != nil {
			return err
		}
		if now == nil || !slices.ContainsFunc(now.GlobalSecondaryIndexes, func(g types.GlobalSecondaryIndexDescription) bool {
			return aws.ToString(g.IndexName) == ixName
		}) {
			return fmt.Errorf("dynamodel: UpdateTable %s: the engine accepted index %s but did not create it", name, ixName)
		}
	}
	return nil
}

// WaitActive waits until table and all its global secondary indexes are
// ACTIVE, polling DescribeTable, and gives up with the context.
func WaitActive(ctx context.Context, client TableAPI, table string, optFns ...func(*ApplyOptions)) error {
	return waitActive(ctx, client, applyOptions(optFns), table)
}

// waitActive polls the tables, all in each round, until each of them and
// all its indexes are ACTIVE.
func waitActive(ctx context.Context, client TableAPI, o ApplyOptions, tables ...string) error {
	if len(tables) == 0 {
		return nil
	}
	pending := slices.Clone(tables)
	return poll(ctx, o, func() (bool, error) {
		var still []string
		for _, name := range pending {
			live, err := describe(ctx, client, name, o)
			if err != nil {
				return false, err
			}
			if !isActive(live) {
				still = append(still, name)
			}
		}
		pending = still
		return len(pending) == 0, nil
	}, "dynamodel: waiting for table "+strings.Join(tables, ", ")+" to become ACTIVE")
}

// isActive reports whether a table and all its indexes are ACTIVE.
func isActive(live *types.TableDescription) bool {
	if live == nil || live.TableStatus != types.TableStatusActive {
		return false
	}
	for _, ix := range live.GlobalSecondaryIndexes {
		if ix.IndexStatus != "" && ix.IndexStatus != types.IndexStatusActive {
			return false
		}
	}
	return true
}

// poll calls done until it reports true, pausing between calls, and gives
// up with the context.
func poll(ctx context.Context, o ApplyOptions, done func() (bool, error), what string) error {
	pause := o.PollInterval
	for {
		ok, err := done()
		if err != nil || ok {
			return err
		}
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("%s: %w", what, ctx.Err())
		case <-t.C:
		}
		pause = min(pause*2, 2*time.Second)
	}
}

// DeleteTables deletes the schemas' tables (with prefix and suffix), several
// at once, and waits until they are gone. Tables that do not exist are
// skipped. It is meant for tests and for tearing down an environment.
func DeleteTables(ctx context.Context, client TableAPI, schemas []*Schema, optFns ...func(*ApplyOptions)) ([]string, error) {
	o := applyOptions(optFns)
	var (
		mu      sync.Mutex
		deleted []string
	)
	_, err := runChunks(ctx, len(schemas), 4, func(ctx context.Context, i int) error {
		name := o.TableName(schemas[i])
		_, err := client.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: &name}, o.ClientOptions...)
		var nf *types.ResourceNotFoundException
		if errors.As(err, &nf) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("dynamodel: DeleteTable %s: %w", name, err)
		}
		mu.Lock()
		deleted = append(deleted, name)
		mu.Unlock()
		return nil
	})
	slices.Sort(deleted)
	if err != nil || o.NoWait {
		return deleted, err
	}
	pending := slices.Clone(deleted)
	err = poll(ctx, o, func() (bool, error) {
		var still []string
		for _, name := range pending {
			live, err := describe(ctx, client, name, o)
			if err != nil {
				return false, err
			}
			if live != nil {
				still = append(still, name)
			}
		}
		pending = still
		return len(pending) == 0, nil
	}, "dynamodel: waiting for tables to be deleted")
	return deleted, err
}
