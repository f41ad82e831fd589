package schema_test

import (
	"context"
	"encoding/json"
	"strings"
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

// statusOverride is an API whose first DescribeTable answers report the
// table in another status (the engines pass through CREATING and DELETING
// too quickly to be seen), calling before first, once, when set.
type statusOverride struct {
	schema.API
	mu       sync.Mutex
	status   types.TableStatus
	times    int // answers left to change
	before   func()
	describe int // DescribeTable calls
	tags     []types.Tag
}

func (s *statusOverride) DescribeTable(ctx context.Context, in *dynamodb.DescribeTableInput, optFns ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error) {
	s.mu.Lock()
	s.describe++
	change := s.times > 0
	if change {
		s.times--
		if s.before != nil {
			s.before()
			s.before = nil
		}
	}
	s.mu.Unlock()
	out, err := s.API.DescribeTable(ctx, in, optFns...)
	if change && err == nil {
		out.Table.TableStatus = s.status
	}
	return out, err
}

func (s *statusOverride) ListTagsOfResource(ctx context.Context, in *dynamodb.ListTagsOfResourceInput, optFns ...func(*dynamodb.Options)) (*dynamodb.ListTagsOfResourceOutput, error) {
	out, err := s.API.ListTagsOfResource(ctx, in, optFns...)
	if err == nil {
		out.Tags = append(out.Tags, s.tags...)
	}
	return out, err
}

// TestApplyWaitsForATableBeingCreated: a table someone else is creating is
// waited for until ACTIVE, by Table.Create and Apply, before either
// returns it as usable.
func TestApplyWaitsForATableBeingCreated(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		t.Cleanup(func() { dropTable(db, db.Table("Settings")) })
		table := parseDoc(t, nil)
		_, err := schema.Apply(ctx, db.Client, []*schema.Table{table}, prefixed(db.Prefix))
		require.NoError(t, err)

		creating := &statusOverride{API: db.Client, status: types.TableStatusCreating, times: 3}
		created, err := table.Create(ctx, creating, prefixed(db.Prefix))
		require.NoError(t, err)
		assert.False(t, created)
		assert.Greater(t, creating.describe, 3, "described until ACTIVE")

		creating = &statusOverride{API: db.Client, status: types.TableStatusCreating, times: 3}
		changes, err := schema.Apply(ctx, creating, []*schema.Table{table}, prefixed(db.Prefix))
		require.NoError(t, err)
		assert.Equal(t, schema.ActionUnchanged, changes[0].Action)
		assert.Greater(t, creating.describe, 3, "described until ACTIVE")
	})
}

// TestApplyCreatesATableBeingDeleted: a table being deleted (by Delete
// with NoWait, say) is not unchanged: Apply waits until it is gone and
// creates it; Diff reports it to be created.
func TestApplyCreatesATableBeingDeleted(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		name := db.Table("Settings")
		t.Cleanup(func() { dropTable(db, name) })
		table := parseDoc(t, nil)
		_, err := schema.Apply(ctx, db.Client, []*schema.Table{table}, prefixed(db.Prefix))
		require.NoError(t, err)

		deleting := &statusOverride{API: db.Client, status: types.TableStatusDeleting, times: 1}
		changes, err := schema.Diff(ctx, deleting, []*schema.Table{table}, prefixed(db.Prefix))
		require.NoError(t, err)
		assert.Equal(t, schema.ActionCreate, changes[0].Action, "Diff")

		deleting = &statusOverride{API: db.Client, status: types.TableStatusDeleting, times: 1, before: func() {
			_, err := db.Client.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(name)})
			require.NoError(t, err)
		}}
		changes, err = schema.Apply(ctx, deleting, []*schema.Table{table}, prefixed(db.Prefix))
		require.NoError(t, err)
		assert.Equal(t, schema.ActionCreate, changes[0].Action, changes[0].String())
		out, err := db.Client.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)})
		require.NoError(t, err)
		assert.Equal(t, types.TableStatusActive, out.Table.TableStatus)
	})
}

// TestDescribeLeavesOutAWSTags: the tags AWS sets itself (aws:...) are not
// in a described table, which could create no table with them, and a file
// with one is refused.
func TestDescribeLeavesOutAWSTags(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		t.Cleanup(func() { dropTable(db, db.Table("Settings")) })
		_, err := schema.Apply(ctx, db.Client, []*schema.Table{parseDoc(t, nil)}, prefixed(db.Prefix))
		require.NoError(t, err)
		tagged := &statusOverride{API: db.Client, tags: []types.Tag{{Key: aws.String("aws:cloudformation:stack-name"), Value: aws.String("prod")}}}
		got, err := schema.Describe(ctx, tagged, "Settings", prefixed(db.Prefix))
		require.NoError(t, err)
		out, err := json.Marshal(got)
		require.NoError(t, err)
		assert.NotContains(t, string(out), "aws:cloudformation")
	})
	_, err := schema.Parse("tagged.json", []byte(strings.Replace(validTable, `"BillingMode"`, `"Tags": [{"Key": "aws:x", "Value": "1"}], "BillingMode"`, 1)))
	assert.ErrorContains(t, err, `Tags[0].Key: "aws:x": the prefix aws: is AWS's own`)
}

// TestDeleteWaitsForATableBeingCreated: a table still being created
// (Apply with NoWait; dynalite takes 50 ms, during which DeleteTable
// answers ResourceInUseException) is waited for and deleted, where Delete
// failed with the engine's answer and deleted nothing.
func TestDeleteWaitsForATableBeingCreated(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		t.Cleanup(func() { dropTable(db, db.Table("Settings")) })
		table := parseDoc(t, nil)
		noWait := func(o *schema.Options) { o.NoWait = true }
		_, err := schema.Apply(ctx, db.Client, []*schema.Table{table}, prefixed(db.Prefix), noWait)
		require.NoError(t, err)
		deleted, err := schema.Delete(ctx, db.Client, []*schema.Table{table}, prefixed(db.Prefix))
		require.NoError(t, err)
		assert.Equal(t, []string{db.Table("Settings")}, deleted)
		_, err = db.Client.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(db.Table("Settings"))})
		var nf *types.ResourceNotFoundException
		assert.ErrorAs(t, err, &nf, "the table is gone")
	})
}
