package schema

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodel/dynamodel/internal/names"
)

// Create creates the table when it does not exist and waits until it is
// ACTIVE. A table that already exists is not an error: created is false,
// and its key schema is checked against the file (ErrMismatch when it
// differs).
func (t *Table) Create(ctx context.Context, client API, optFns ...func(*Options)) (created bool, err error) {
	changes, err := Apply(ctx, client, []*Table{t}, optFns...)
	if len(changes) == 1 {
		created = changes[0].Action == ActionCreate
	}
	if errors.Is(err, ErrMismatch) && !keysDiffer(changes) {
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

// Apply makes the live tables match their definitions: it creates missing
// tables and waits until they are ACTIVE; for tables that exist it compares
// keys, indexes and settings with the files and reports each difference
// (and, with Options.AddIndexes, adds missing global secondary indexes).
// Applying the same tables twice changes nothing the second time: every
// table is reported ActionUnchanged. The error wraps ErrMismatch when a
// table still differs from its file.
func Apply(ctx context.Context, client API, tables []*Table, optFns ...func(*Options)) ([]Change, error) {
	return apply(ctx, client, tables, collectOptions(optFns), false)
}

func apply(ctx context.Context, client API, tables []*Table, o Options, dryRun bool) ([]Change, error) {
	var (
		changes []Change
		differ  []string
	)
	for _, t := range tables {
		c, err := applyTable(ctx, client, t, o, dryRun)
		if err != nil {
			return changes, err
		}
		if c.Action == ActionDiffers {
			differ = append(differ, c.Table)
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
		return changes, fmt.Errorf("%w: %s differ from their files", ErrMismatch, strings.Join(differ, ", "))
	}
	return changes, nil
}

// applyTable creates t's table when it is missing, or compares the live
// table with t and, with AddIndexes, adds the global secondary indexes it
// lacks. With dryRun it only reports what it would do.
func applyTable(ctx context.Context, client API, t *Table, o Options, dryRun bool) (Change, error) {
	c := Change{Table: o.TableName(t)}
	if msg := names.Check(c.Table); msg != "" {
		return c, &Error{File: t.Source, Path: "TableName", Msg: fmt.Sprintf("%q, with prefix and suffix: %s", c.Table, msg)}
	}
	live, err := liveTable(ctx, client, c.Table, o)
	if err != nil {
		return c, err
	}
	if live == nil {
		c.Action = ActionCreate
		if !dryRun {
			err = createTable(ctx, client, t, c.Table, o)
		}
		return c, err
	}
	c.Differences = compareTable(t, fromDescription(live))
	missing := missingIndexes(t, live)
	switch {
	case len(c.Differences) == 0:
		c.Action = ActionUnchanged
	case o.AddIndexes && len(missing) > 0 && len(missing) == len(c.Differences):
		c.Action = ActionUpdate
		if !dryRun {
			if err := addIndexes(ctx, client, c.Table, t, live, missing, o); err != nil {
				return c, err
			}
			c.Added, c.Differences = missing, nil
		}
	default:
		c.Action = ActionDiffers
	}
	return c, nil
}

// createTable creates t's table under name. A table someone else created
// meanwhile is fine.
func createTable(ctx context.Context, client API, t *Table, name string, o Options) error {
	in := t.CreateTableInput()
	in.TableName = &name
	_, err := client.CreateTable(ctx, in, o.ClientOptions...)
	var inUse *types.ResourceInUseException
	if err != nil && !errors.As(err, &inUse) {
		return fmt.Errorf("dynamodel: CreateTable %s: %w", name, err)
	}
	return nil
}

// missingIndexes lists t's global secondary indexes the live table lacks.
func missingIndexes(t *Table, live *types.TableDescription) []string {
	var out []string
	for _, ix := range t.input.GlobalSecondaryIndexes {
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
func addIndexes(ctx context.Context, client API, name string, t *Table, live *types.TableDescription, missing []string, o Options) error {
	defs := slices.Clone(live.AttributeDefinitions)
	for i, ixName := range missing {
		var ix types.GlobalSecondaryIndex
		for _, g := range t.input.GlobalSecondaryIndexes {
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
			defs = append(defs, types.AttributeDefinition{AttributeName: k.AttributeName, AttributeType: t.attrType(kn)})
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
			return fmt.Errorf("dynamodel: UpdateTable %s: add index %s: %w", name, ixName, err)
		}
		if i == len(missing)-1 && o.NoWait {
			break
		}
		if err := waitActive(ctx, client, o, name); err != nil {
			return err
		}
		now, err := liveTable(ctx, client, name, o)
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
