package schema_test

import (
	"context"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel/dynamotest"
	"github.com/dynamodel/dynamodel/internal/enginetest"
	"github.com/dynamodel/dynamodel/schema"
)

// recorder is an API that records the operations it passes on, and the
// UpdateTable requests.
type recorder struct {
	schema.API
	mu      sync.Mutex
	ops     []string
	updates []*dynamodb.UpdateTableInput
}

func (r *recorder) record(op string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ops = append(r.ops, op)
}

func (r *recorder) DescribeTable(ctx context.Context, in *dynamodb.DescribeTableInput, optFns ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error) {
	out, err := r.API.DescribeTable(ctx, in, optFns...)
	if err == nil {
		r.record("DescribeTable " + string(out.Table.TableStatus))
	}
	return out, err
}

func (r *recorder) UpdateTable(ctx context.Context, in *dynamodb.UpdateTableInput, optFns ...func(*dynamodb.Options)) (*dynamodb.UpdateTableOutput, error) {
	r.record("UpdateTable")
	r.mu.Lock()
	r.updates = append(r.updates, in)
	r.mu.Unlock()
	return r.API.UpdateTable(ctx, in, optFns...)
}

// changesIn counts the changes one UpdateTable request asks for.
func changesIn(in *dynamodb.UpdateTableInput) int {
	n := len(in.GlobalSecondaryIndexUpdates)
	if in.BillingMode != "" {
		n = 1 // a billing mode change carries the throughput it needs
	}
	for _, set := range []bool{
		in.ProvisionedThroughput != nil && in.BillingMode == "", in.StreamSpecification != nil, in.SSESpecification != nil,
		in.TableClass != "", in.DeletionProtectionEnabled != nil, in.OnDemandThroughput != nil, in.WarmThroughput != nil,
	} {
		if set {
			n++
		}
	}
	return n
}

// TestApplyMakesOneChangePerCall changes several settings of a table at
// once: Apply sends one change per UpdateTable call, and reads the table
// (ACTIVE) before each next one.
func TestApplyMakesOneChangePerCall(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		before := parseDoc(t, nil)
		after := parseDoc(t, func(d doc) {
			d["ProvisionedThroughput"] = map[string]any{"ReadCapacityUnits": 6, "WriteCapacityUnits": 6}
			d.index()["ProvisionedThroughput"] = map[string]any{"ReadCapacityUnits": 3, "WriteCapacityUnits": 3}
			d["StreamSpecification"] = map[string]any{"StreamEnabled": true, "StreamViewType": "KEYS_ONLY"}
			d["Tags"] = []any{map[string]any{"Key": "team", "Value": "data"}}
		})
		t.Cleanup(func() { dropTable(db, db.Table("Settings")) })
		_, err := schema.Apply(ctx, db.Client, []*schema.Table{before}, prefixed(db.Prefix))
		require.NoError(t, err)

		rec := &recorder{API: db.Client}
		changes, err := schema.Apply(ctx, rec, []*schema.Table{after}, prefixed(db.Prefix))
		if db.Engine.Name == "dynalite" {
			require.ErrorIs(t, err, schema.ErrUnsupported) // the stream
		} else {
			require.NoError(t, err)
		}
		c := changes[0]
		var paths []string
		for _, u := range c.Updates {
			paths = append(paths, u.Path)
		}
		for _, u := range c.Unsupported {
			paths = append(paths, u.Path)
		}
		assert.ElementsMatch(t, []string{"ProvisionedThroughput", "GlobalSecondaryIndexes[byG].ProvisionedThroughput", "StreamSpecification", "Tags"}, paths, c.String())

		require.Len(t, rec.updates, 3, rec.ops)
		for _, in := range rec.updates {
			assert.Equal(t, 1, changesIn(in), "%+v", in)
			assert.Equal(t, db.Table("Settings"), aws.ToString(in.TableName))
		}
		// Between two UpdateTable calls, the table was seen ACTIVE.
		last := -1
		for i, op := range rec.ops {
			if op != "UpdateTable" {
				continue
			}
			if last >= 0 {
				assert.Contains(t, rec.ops[last+1:i], "DescribeTable ACTIVE", rec.ops)
			}
			last = i
		}
		assert.Equal(t, "DescribeTable ACTIVE", rec.ops[len(rec.ops)-1], "the table is read after the last change")
	})
}

// TestCreateLeavesExistingTablesAlone: Table.Create makes a missing table
// but does not change one that exists, even where it differs.
func TestCreateLeavesExistingTablesAlone(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		before := parseDoc(t, nil)
		t.Cleanup(func() { dropTable(db, db.Table("Settings")) })
		created, err := before.Create(ctx, db.Client, prefixed(db.Prefix))
		require.NoError(t, err)
		assert.True(t, created)

		after := parseDoc(t, func(d doc) {
			d["ProvisionedThroughput"] = map[string]any{"ReadCapacityUnits": 9, "WriteCapacityUnits": 9}
		})
		rec := &recorder{API: db.Client}
		created, err = after.Create(ctx, rec, prefixed(db.Prefix))
		require.NoError(t, err)
		assert.False(t, created)
		assert.Empty(t, rec.updates)
		live := describe(t, ctx, db, db.Table("Settings"))
		assert.Equal(t, int64(5), aws.ToInt64(live.ProvisionedThroughput.ReadCapacityUnits))

		// Diff says what Apply would do.
		changes, err := schema.Diff(ctx, db.Client, []*schema.Table{after}, prefixed(db.Prefix))
		require.NoError(t, err)
		assert.Equal(t, schema.ActionUpdate, changes[0].Action)
		assert.Equal(t, []schema.Update{{
			Difference: schema.Difference{Path: "ProvisionedThroughput", File: "read 9, write 9", Live: "read 5, write 5"},
			Call:       "UpdateTable",
		}}, changes[0].Updates)
	})
}

// hidingOnce is an API whose first DescribeTable says the table does not
// exist: as if someone else created it between Apply's look and its
// CreateTable.
type hidingOnce struct {
	schema.API
	hidden bool
}

func (h *hidingOnce) DescribeTable(ctx context.Context, in *dynamodb.DescribeTableInput, optFns ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error) {
	if !h.hidden {
		h.hidden = true
		return nil, &types.ResourceNotFoundException{Message: aws.String("Requested resource not found")}
	}
	return h.API.DescribeTable(ctx, in, optFns...)
}

// TestApplyTableCreatedMeanwhile: a table someone else created between
// Apply's look and its CreateTable is not reported created: it is compared
// and changed like any existing table.
func TestApplyTableCreatedMeanwhile(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		t.Cleanup(func() { dropTable(db, db.Table("Settings")) })
		_, err := schema.Apply(ctx, db.Client, []*schema.Table{parseDoc(t, nil)}, prefixed(db.Prefix))
		require.NoError(t, err)

		after := parseDoc(t, func(d doc) {
			d["ProvisionedThroughput"] = map[string]any{"ReadCapacityUnits": 8, "WriteCapacityUnits": 8}
		})
		changes, err := schema.Apply(ctx, &hidingOnce{API: db.Client}, []*schema.Table{after}, prefixed(db.Prefix))
		require.NoError(t, err)
		assert.Equal(t, schema.ActionUpdate, changes[0].Action, changes[0].String())
		require.Len(t, changes[0].Updates, 1)
		assert.Equal(t, "ProvisionedThroughput", changes[0].Updates[0].Path)
	})
}
