package schema_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel/dynamotest"
	"github.com/dynamodel/dynamodel/internal/enginetest"
	"github.com/dynamodel/dynamodel/schema"
)

func TestCreateIntegration(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		s, err := schema.Load("../testdata/create-user.json")
		require.NoError(t, err)
		t.Cleanup(func() {
			_, _ = schema.Delete(context.Background(), db.Client, []*schema.Table{s}, prefixed(db.Prefix))
		})

		created, err := s.Create(ctx, db.Client, prefixed(db.Prefix))
		require.NoError(t, err)
		assert.True(t, created)
		out, err := db.Client.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(db.Table("User"))})
		require.NoError(t, err)
		assert.Equal(t, types.TableStatusActive, out.Table.TableStatus, "Create waits until ACTIVE")

		// Creating it again is not an error.
		created, err = s.Create(ctx, db.Client, prefixed(db.Prefix))
		require.NoError(t, err)
		assert.False(t, created)

		// A live table whose key differs from the file is.
		other := strings.Replace(validTable, "Things", "User", 1)
		otherTable, err := schema.Parse("other.json", []byte(other))
		require.NoError(t, err)
		_, err = otherTable.Create(ctx, db.Client, prefixed(db.Prefix))
		require.ErrorIs(t, err, schema.ErrMismatch)
		assert.Contains(t, err.Error(), db.Table("User"))
	})
}

func TestApplyIntegration(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		tables, err := schema.LoadDir("../testdata/tables")
		require.NoError(t, err)
		t.Cleanup(func() { _, _ = schema.Delete(context.Background(), db.Client, tables, prefixed(db.Prefix)) })

		diff, err := schema.Diff(ctx, db.Client, tables, prefixed(db.Prefix))
		require.NoError(t, err)
		for _, c := range diff {
			assert.Equal(t, schema.ActionCreate, c.Action, c.Table)
		}

		changes, err := schema.Apply(ctx, db.Client, tables, prefixed(db.Prefix))
		require.NoError(t, err)
		require.Len(t, changes, 3)
		for _, c := range changes {
			assert.Equal(t, schema.ActionCreate, c.Action, c.Table)
		}

		// The second time, nothing changes, and the report says so.
		again, err := schema.Apply(ctx, db.Client, tables, prefixed(db.Prefix))
		require.NoError(t, err)
		for _, c := range again {
			assert.Equal(t, schema.ActionUnchanged, c.Action, c.String())
			assert.Empty(t, c.Differences)
		}

		deleted, err := schema.Delete(ctx, db.Client, tables, prefixed(db.Prefix))
		require.NoError(t, err)
		assert.Len(t, deleted, 3)
		diff, err = schema.Diff(ctx, db.Client, tables, prefixed(db.Prefix))
		require.NoError(t, err)
		assert.Equal(t, schema.ActionCreate, diff[0].Action)
	})
}

// creatingForever is an API whose tables, once created, never become
// ACTIVE.
type creatingForever struct {
	schema.API
	created bool
}

func (c *creatingForever) CreateTable(context.Context, *dynamodb.CreateTableInput, ...func(*dynamodb.Options)) (*dynamodb.CreateTableOutput, error) {
	c.created = true
	return &dynamodb.CreateTableOutput{}, nil
}

func (c *creatingForever) DescribeTable(context.Context, *dynamodb.DescribeTableInput, ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error) {
	if !c.created {
		return nil, &types.ResourceNotFoundException{Message: aws.String("not found")}
	}
	return &dynamodb.DescribeTableOutput{Table: &types.TableDescription{TableStatus: types.TableStatusCreating}}, nil
}

func TestWaitHonoursTheContext(t *testing.T) {
	s, err := schema.Load("../testdata/create-user.json")
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	start := time.Now()
	api := &creatingForever{}
	created, err := s.Create(ctx, api)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Contains(t, err.Error(), "waiting for table User to become ACTIVE")
	assert.True(t, created, "the table was created; only the wait gave up")
	assert.Less(t, time.Since(start), 5*time.Second)
}

// TestApplyChecksPrefixedNames: a prefix that makes a table name DynamoDB
// would reject is a *schema.Error on the file's TableName, before any call
// (the API here has no methods to call).
func TestApplyChecksPrefixedNames(t *testing.T) {
	users, err := schema.Load("../testdata/create-user.json")
	require.NoError(t, err)
	var noCalls struct{ schema.API }
	for _, run := range []func() error{
		func() error {
			_, err := schema.Apply(context.Background(), noCalls, []*schema.Table{users}, prefixed("dev env-"))
			return err
		},
		func() error {
			_, err := schema.Diff(context.Background(), noCalls, []*schema.Table{users}, prefixed("dev env-"))
			return err
		},
	} {
		err := run()
		require.ErrorIs(t, err, schema.ErrInvalid)
		var se *schema.Error
		require.ErrorAs(t, err, &se)
		assert.Equal(t, "../testdata/create-user.json", se.File)
		assert.Equal(t, "TableName", se.Path)
		assert.Equal(t, `"dev env-User", with prefix and suffix: character ' ' not allowed (use a-z, A-Z, 0-9, '_', '-', '.')`, se.Msg)
	}
	for _, name := range []string{"../User", "U"} {
		_, err = schema.Describe(context.Background(), noCalls, name)
		assert.ErrorIs(t, err, schema.ErrInvalid, "Describe checks %q before calling", name)
	}
	_, err = schema.Describe(context.Background(), noCalls, "User", prefixed("dev env-"))
	assert.ErrorIs(t, err, schema.ErrInvalid, "and the prefixed name")

	again, err := schema.Load("../testdata/create-user.json")
	require.NoError(t, err)
	again.Source = "other.json"
	_, err = schema.Apply(context.Background(), noCalls, []*schema.Table{users, again})
	assert.EqualError(t, err, `dynamodel: schema other.json: TableName: table "User" is also defined in ../testdata/create-user.json`, "a table twice")
}

// TestApplyChecksTimeToLiveAttributes: a time-to-live attribute
// UpdateTimeToLive would refuse (over 255 bytes, not UTF-8) is a
// *schema.Error before any call, where Apply created the table and then
// failed to set it (moto took it); CloudFormation refuses it too.
func TestApplyChecksTimeToLiveAttributes(t *testing.T) {
	users, err := schema.Load("../testdata/create-user.json")
	require.NoError(t, err)
	var noCalls struct{ schema.API }
	for attr, msg := range map[string]string{
		strings.Repeat("x", 256): "the time-to-live attribute is 256 bytes long, DynamoDB takes at most 255 (Options.TimeToLive)",
		"exp\xff":                `the time-to-live attribute "exp\xff" is not valid UTF-8 (Options.TimeToLive)`,
	} {
		ttl := func(o *schema.Options) { o.TimeToLive = map[string]string{"User": attr} }
		for _, run := range []func() error{
			func() error {
				_, err := schema.Apply(context.Background(), noCalls, []*schema.Table{users}, ttl)
				return err
			},
			func() error {
				_, err := schema.Diff(context.Background(), noCalls, []*schema.Table{users}, ttl)
				return err
			},
			func() error { _, err := schema.CloudFormation([]*schema.Table{users}, ttl); return err },
		} {
			err := run()
			require.ErrorIs(t, err, schema.ErrInvalid)
			var se *schema.Error
			require.ErrorAs(t, err, &se)
			assert.Equal(t, "../testdata/create-user.json", se.File)
			assert.Equal(t, "TimeToLive", se.Path)
			assert.Equal(t, msg, se.Msg)
		}
	}
	_, err = schema.CloudFormation([]*schema.Table{users}, func(o *schema.Options) { o.TimeToLive = map[string]string{"User": strings.Repeat("x", 255)} })
	assert.NoError(t, err, "255 bytes is allowed")
}
