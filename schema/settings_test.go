package schema_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
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

// settingsBase is the table every setting's test starts from: provisioned,
// with one global secondary index.
const settingsBase = `{
  "TableName": "Settings",
  "AttributeDefinitions": [
    {"AttributeName": "id", "AttributeType": "S"},
    {"AttributeName": "g", "AttributeType": "S"}
  ],
  "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
  "GlobalSecondaryIndexes": [{
    "IndexName": "byG",
    "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
    "Projection": {"ProjectionType": "ALL"},
    "ProvisionedThroughput": {"ReadCapacityUnits": 2, "WriteCapacityUnits": 2}
  }],
  "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}
}`

// doc is a table file being edited.
type doc map[string]any

func (d doc) index() doc { return d["GlobalSecondaryIndexes"].([]any)[0].(map[string]any) }

// onDemand makes the table (and its index) on demand.
func onDemand(d doc) {
	d["BillingMode"] = "PAY_PER_REQUEST"
	delete(d, "ProvisionedThroughput")
	delete(d.index(), "ProvisionedThroughput")
}

// settingCase is one table setting Apply changes: the file before and
// after, and what each engine does with the change.
type settingCase struct {
	name   string
	before func(doc)               // the file the table is made from (nil: settingsBase)
	after  func(doc)               // the file Apply is given
	opts   func(o *schema.Options) // more options for Apply
	path   string                  // the Update's path
	// readBack checks, with the SDK, that the live table has the change.
	readBack func(t *testing.T, ctx context.Context, db *dynamotest.DB, table string)
	// unsupported is, by engine, the start of the evidence Apply reports
	// for a change the engine does not make.
	unsupported map[string]string
	// engineBug, by engine, is an error the engine answers where DynamoDB
	// does not: the test is skipped with it.
	engineBug map[string]string
	// unchangedOn lists engines where the table already matches the file
	// (they dropped the setting the change removes).
	unchangedOn []string
}

// Evidence the engines give for changes they do not make.
const (
	dynaliteRefuses = "UpdateTable: ValidationException: At least one of ProvisionedThroughput, BillingMode"
	ignoredByEngine = "UpdateTable accepted the change, but DescribeTable still reports "
	noTTL           = "UpdateTimeToLive: UnknownOperationException"
	noBackups       = "UpdateContinuousBackups: UnknownOperationException"
)

func describe(t *testing.T, ctx context.Context, db *dynamotest.DB, table string) *types.TableDescription {
	t.Helper()
	out, err := db.Client.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: &table})
	require.NoError(t, err)
	return out.Table
}

var settingCases = []settingCase{{
	name: "throughput",
	after: func(d doc) {
		d["ProvisionedThroughput"] = map[string]any{"ReadCapacityUnits": 7, "WriteCapacityUnits": 6}
	},
	path: "ProvisionedThroughput",
	readBack: func(t *testing.T, ctx context.Context, db *dynamotest.DB, table string) {
		p := describe(t, ctx, db, table).ProvisionedThroughput
		assert.Equal(t, []int64{7, 6}, []int64{aws.ToInt64(p.ReadCapacityUnits), aws.ToInt64(p.WriteCapacityUnits)})
	},
}, {
	name: "index throughput",
	after: func(d doc) {
		d.index()["ProvisionedThroughput"] = map[string]any{"ReadCapacityUnits": 3, "WriteCapacityUnits": 4}
	},
	path: "GlobalSecondaryIndexes[byG].ProvisionedThroughput",
	readBack: func(t *testing.T, ctx context.Context, db *dynamotest.DB, table string) {
		p := describe(t, ctx, db, table).GlobalSecondaryIndexes[0].ProvisionedThroughput
		assert.Equal(t, []int64{3, 4}, []int64{aws.ToInt64(p.ReadCapacityUnits), aws.ToInt64(p.WriteCapacityUnits)})
	},
}, {
	name:  "billing mode to on demand",
	after: onDemand,
	path:  "BillingMode",
	readBack: func(t *testing.T, ctx context.Context, db *dynamotest.DB, table string) {
		assert.Equal(t, types.BillingModePayPerRequest, describe(t, ctx, db, table).BillingModeSummary.BillingMode)
	},
}, {
	name:   "billing mode to provisioned",
	before: onDemand,
	after:  func(doc) {},
	path:   "BillingMode",
	readBack: func(t *testing.T, ctx context.Context, db *dynamotest.DB, table string) {
		d := describe(t, ctx, db, table)
		assert.Equal(t, types.BillingModeProvisioned, d.BillingModeSummary.BillingMode)
		assert.Equal(t, int64(5), aws.ToInt64(d.ProvisionedThroughput.ReadCapacityUnits))
		assert.Equal(t, int64(2), aws.ToInt64(d.GlobalSecondaryIndexes[0].ProvisionedThroughput.ReadCapacityUnits))
	},
}, {
	name:   "on-demand maximums",
	before: onDemand,
	after: func(d doc) {
		onDemand(d)
		d["OnDemandThroughput"] = map[string]any{"MaxReadRequestUnits": 100, "MaxWriteRequestUnits": 50}
	},
	path: "OnDemandThroughput",
	readBack: func(t *testing.T, ctx context.Context, db *dynamotest.DB, table string) {
		p := describe(t, ctx, db, table).OnDemandThroughput
		require.NotNil(t, p)
		assert.Equal(t, []int64{100, 50}, []int64{aws.ToInt64(p.MaxReadRequestUnits), aws.ToInt64(p.MaxWriteRequestUnits)})
	},
	unsupported: map[string]string{"dynalite": dynaliteRefuses, "moto": ignoredByEngine + "max read no maximum"},
}, {
	name: "warm throughput",
	after: func(d doc) {
		d["WarmThroughput"] = map[string]any{"ReadUnitsPerSecond": 13000, "WriteUnitsPerSecond": 5000}
	},
	path: "WarmThroughput",
	readBack: func(t *testing.T, ctx context.Context, db *dynamotest.DB, table string) {
		w := describe(t, ctx, db, table).WarmThroughput
		assert.Equal(t, []int64{13000, 5000}, []int64{aws.ToInt64(w.ReadUnitsPerSecond), aws.ToInt64(w.WriteUnitsPerSecond)})
	},
	unsupported: map[string]string{"dynalite": dynaliteRefuses},
}, {
	name: "deleting an index",
	after: func(d doc) {
		delete(d, "GlobalSecondaryIndexes")
		d["AttributeDefinitions"] = d["AttributeDefinitions"].([]any)[:1]
	},
	opts: func(o *schema.Options) { o.DeleteIndexes = true },
	path: "GlobalSecondaryIndexes[byG]",
	readBack: func(t *testing.T, ctx context.Context, db *dynamotest.DB, table string) {
		assert.Empty(t, describe(t, ctx, db, table).GlobalSecondaryIndexes)
	},
	unsupported: map[string]string{"dynalite": ignoredByEngine + "g S HASH; projection ALL"},
}, {
	name: "index projection",
	after: func(d doc) {
		d.index()["Projection"] = map[string]any{"ProjectionType": "INCLUDE", "NonKeyAttributes": []any{"name"}}
	},
	opts: func(o *schema.Options) { o.DeleteIndexes, o.AddIndexes = true, true },
	path: "GlobalSecondaryIndexes[byG]",
	readBack: func(t *testing.T, ctx context.Context, db *dynamotest.DB, table string) {
		p := describe(t, ctx, db, table).GlobalSecondaryIndexes[0].Projection
		assert.Equal(t, types.ProjectionTypeInclude, p.ProjectionType)
		assert.Equal(t, []string{"name"}, p.NonKeyAttributes)
	},
	unsupported: map[string]string{"dynalite": ignoredByEngine + "g S HASH; projection ALL"},
}, {
	name: "stream on",
	after: func(d doc) {
		d["StreamSpecification"] = map[string]any{"StreamEnabled": true, "StreamViewType": "NEW_IMAGE"}
	},
	path: "StreamSpecification",
	readBack: func(t *testing.T, ctx context.Context, db *dynamotest.DB, table string) {
		s := describe(t, ctx, db, table).StreamSpecification
		require.NotNil(t, s)
		assert.True(t, aws.ToBool(s.StreamEnabled))
		assert.Equal(t, types.StreamViewTypeNewImage, s.StreamViewType)
	},
	unsupported: map[string]string{"dynalite": dynaliteRefuses},
}, {
	name: "stream off",
	before: func(d doc) {
		d["StreamSpecification"] = map[string]any{"StreamEnabled": true, "StreamViewType": "NEW_IMAGE"}
	},
	after: func(doc) {},
	path:  "StreamSpecification",
	readBack: func(t *testing.T, ctx context.Context, db *dynamotest.DB, table string) {
		s := describe(t, ctx, db, table).StreamSpecification
		assert.True(t, s == nil || !aws.ToBool(s.StreamEnabled), "%+v", s)
	},
	unchangedOn: []string{"dynalite"}, // it never had the stream
}, {
	name: "stream view type",
	before: func(d doc) {
		d["StreamSpecification"] = map[string]any{"StreamEnabled": true, "StreamViewType": "NEW_IMAGE"}
	},
	after: func(d doc) {
		d["StreamSpecification"] = map[string]any{"StreamEnabled": true, "StreamViewType": "KEYS_ONLY"}
	},
	path: "StreamSpecification",
	readBack: func(t *testing.T, ctx context.Context, db *dynamotest.DB, table string) {
		assert.Equal(t, types.StreamViewTypeKeysOnly, describe(t, ctx, db, table).StreamSpecification.StreamViewType)
	},
	unsupported: map[string]string{"dynalite": dynaliteRefuses},
	// moto does not enable a stream on a table that had one.
	engineBug: map[string]string{"moto": "ResourceInUseException: Cannot enable stream"},
}, {
	name:  "encryption",
	after: func(d doc) { d["SSESpecification"] = map[string]any{"Enabled": true, "SSEType": "KMS"} },
	path:  "SSESpecification",
	readBack: func(t *testing.T, ctx context.Context, db *dynamotest.DB, table string) {
		s := describe(t, ctx, db, table).SSEDescription
		require.NotNil(t, s)
		assert.Equal(t, types.SSETypeKms, s.SSEType)
	},
	unsupported: map[string]string{"dynalite": dynaliteRefuses, "moto": ignoredByEngine + "AWS owned key"},
}, {
	name:  "table class",
	after: func(d doc) { d["TableClass"] = "STANDARD_INFREQUENT_ACCESS" },
	path:  "TableClass",
	readBack: func(t *testing.T, ctx context.Context, db *dynamotest.DB, table string) {
		assert.Equal(t, types.TableClassStandardInfrequentAccess, describe(t, ctx, db, table).TableClassSummary.TableClass)
	},
	unsupported: map[string]string{"dynalite": dynaliteRefuses, "moto": ignoredByEngine + "STANDARD"},
}, {
	name:  "deletion protection",
	after: func(d doc) { d["DeletionProtectionEnabled"] = true },
	path:  "DeletionProtectionEnabled",
	readBack: func(t *testing.T, ctx context.Context, db *dynamotest.DB, table string) {
		assert.True(t, aws.ToBool(describe(t, ctx, db, table).DeletionProtectionEnabled))
	},
	unsupported: map[string]string{"dynalite": dynaliteRefuses},
}, {
	name:  "tags",
	after: func(d doc) { d["Tags"] = []any{map[string]any{"Key": "team", "Value": "data"}} },
	path:  "Tags",
	readBack: func(t *testing.T, ctx context.Context, db *dynamotest.DB, table string) {
		out, err := db.Client.ListTagsOfResource(ctx, &dynamodb.ListTagsOfResourceInput{ResourceArn: describe(t, ctx, db, table).TableArn})
		require.NoError(t, err)
		assert.Equal(t, []types.Tag{{Key: aws.String("team"), Value: aws.String("data")}}, out.Tags)
	},
}, {
	name: "tags added and removed",
	before: func(d doc) {
		d["Tags"] = []any{map[string]any{"Key": "team", "Value": "web"}, map[string]any{"Key": "old", "Value": "x"}}
	},
	after: func(d doc) {
		d["Tags"] = []any{map[string]any{"Key": "team", "Value": "web"}, map[string]any{"Key": "env", "Value": "dev"}}
	},
	path: "Tags",
	readBack: func(t *testing.T, ctx context.Context, db *dynamotest.DB, table string) {
		out, err := db.Client.ListTagsOfResource(ctx, &dynamodb.ListTagsOfResourceInput{ResourceArn: describe(t, ctx, db, table).TableArn})
		require.NoError(t, err)
		assert.ElementsMatch(t, []types.Tag{{Key: aws.String("team"), Value: aws.String("web")}, {Key: aws.String("env"), Value: aws.String("dev")}}, out.Tags)
	},
}, {
	name:   "tag value",
	before: func(d doc) { d["Tags"] = []any{map[string]any{"Key": "team", "Value": "web"}} },
	after:  func(d doc) { d["Tags"] = []any{map[string]any{"Key": "team", "Value": "data"}} },
	path:   "Tags",
	readBack: func(t *testing.T, ctx context.Context, db *dynamotest.DB, table string) {
		out, err := db.Client.ListTagsOfResource(ctx, &dynamodb.ListTagsOfResourceInput{ResourceArn: describe(t, ctx, db, table).TableArn})
		require.NoError(t, err)
		assert.Equal(t, []types.Tag{{Key: aws.String("team"), Value: aws.String("data")}}, out.Tags)
	},
	// moto's TagResource adds a second "team" tag instead of replacing it.
	unsupported: map[string]string{"moto": "TagResource accepted the change, but ListTagsOfResource still reports team=web|data"},
}, {
	name:  "time to live",
	after: func(doc) {},
	opts:  func(o *schema.Options) { o.TimeToLive = map[string]string{"Settings": "expires"} },
	path:  "TimeToLive",
	readBack: func(t *testing.T, ctx context.Context, db *dynamotest.DB, table string) {
		out, err := db.Client.DescribeTimeToLive(ctx, &dynamodb.DescribeTimeToLiveInput{TableName: &table})
		require.NoError(t, err)
		assert.Equal(t, types.TimeToLiveStatusEnabled, out.TimeToLiveDescription.TimeToLiveStatus)
		assert.Equal(t, "expires", aws.ToString(out.TimeToLiveDescription.AttributeName))
	},
	unsupported: map[string]string{"dynalite": noTTL},
}, {
	name:  "point-in-time recovery",
	after: func(doc) {},
	opts:  func(o *schema.Options) { o.PointInTimeRecovery = true },
	path:  "PointInTimeRecovery",
	readBack: func(t *testing.T, ctx context.Context, db *dynamotest.DB, table string) {
		out, err := db.Client.DescribeContinuousBackups(ctx, &dynamodb.DescribeContinuousBackupsInput{TableName: &table})
		require.NoError(t, err)
		assert.Equal(t, types.PointInTimeRecoveryStatusEnabled, out.ContinuousBackupsDescription.PointInTimeRecoveryDescription.PointInTimeRecoveryStatus)
	},
	unsupported: map[string]string{"dynalite": noBackups},
}}

// parseDoc reads settingsBase, edited by edit, as a table.
func parseDoc(t *testing.T, edit func(doc)) *schema.Table {
	t.Helper()
	var d doc
	require.NoError(t, json.Unmarshal([]byte(settingsBase), &d))
	if edit != nil {
		edit(d)
	}
	b, err := json.Marshal(d)
	require.NoError(t, err)
	s, err := schema.Parse("settings.json", b)
	require.NoError(t, err)
	return s
}

// TestApplyChangesEverySetting makes a table, changes one setting in its
// file, applies it and reads the table back with the SDK. A change the
// engine does not make is reported unsupported with its evidence, and the
// table is left as it was.
func TestApplyChangesEverySetting(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, db *dynamotest.DB) {
		for _, tc := range settingCases {
			t.Run(tc.name, func(t *testing.T) {
				ctx := ctxT(t)
				prefix := db.Prefix + strings.ReplaceAll(tc.name, " ", "-") + "-"
				table := prefix + "Settings"
				opts := func(o *schema.Options) {
					o.TablePrefix = prefix
					if tc.opts != nil {
						tc.opts(o)
					}
				}
				before, after := parseDoc(t, tc.before), parseDoc(t, tc.after)
				t.Cleanup(func() { dropTable(db, table) })
				_, err := schema.Apply(ctx, db.Client, []*schema.Table{before}, prefixed(prefix))
				if !errors.Is(err, schema.ErrUnsupported) {
					require.NoError(t, err)
				}

				changes, err := schema.Apply(ctx, db.Client, []*schema.Table{after}, opts)
				if bug, ok := tc.engineBug[db.Engine.Name]; ok && err != nil && strings.Contains(err.Error(), bug) {
					t.Skipf("%s answers what DynamoDB does not: %v", db.Engine.Name, err)
				}
				require.Len(t, changes, 1)
				c := changes[0]
				evidence, unsupported := tc.unsupported[db.Engine.Name]
				switch {
				case slices.Contains(tc.unchangedOn, db.Engine.Name):
					require.NoError(t, err)
					assert.Equal(t, schema.ActionUnchanged, c.Action, c.String())
					return
				case unsupported:
					require.ErrorIs(t, err, schema.ErrUnsupported, c.String())
					assert.Equal(t, schema.ActionUnsupported, c.Action, c.String())
					assert.Empty(t, c.Updates, c.String())
					require.Len(t, c.Unsupported, 1, c.String())
					assert.Equal(t, tc.path, c.Unsupported[0].Path)
					assert.True(t, strings.HasPrefix(c.Unsupported[0].Evidence, evidence), "evidence %q, want %q...", c.Unsupported[0].Evidence, evidence)
					t.Logf("%s: %s", db.Engine.Name, c.Unsupported[0])
				default:
					require.NoError(t, err, c.String())
					assert.Equal(t, schema.ActionUpdate, c.Action, c.String())
					require.Len(t, c.Updates, 1, c.String())
					assert.Equal(t, tc.path, c.Updates[0].Path)
					tc.readBack(t, ctx, db, table)
				}

				// Applying the file again: nothing left to do, or the same
				// unsupported change tried and reported again.
				again, err := schema.Apply(ctx, db.Client, []*schema.Table{after}, opts)
				if unsupported {
					require.ErrorIs(t, err, schema.ErrUnsupported)
					require.Len(t, again[0].Unsupported, 1, again[0].String())
					assert.Equal(t, tc.path, again[0].Unsupported[0].Path)
					return
				}
				require.NoError(t, err)
				assert.Equal(t, schema.ActionUnchanged, again[0].Action, again[0].String())
			})
		}
	})
}

// dropTable deletes a test's table, turning deletion protection off first.
func dropTable(db *dynamotest.DB, table string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := db.Client.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: &table, DeletionProtectionEnabled: aws.Bool(false)}); err == nil {
		_ = schema.WaitActive(ctx, db.Client, table)
	}
	_, _ = db.Client.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: &table})
}

// TestApplyReportsATimeToLiveAttributeChange: time to live on with another
// attribute is a difference Apply reports and does not make. DynamoDB
// refuses a second UpdateTimeToLive on a table for an hour, so turning it
// off and on again failed half-way on AWS and left it off (the engines do
// not enforce the hour). Turning it off, then on, is made.
func TestApplyReportsATimeToLiveAttributeChange(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		t.Cleanup(func() { dropTable(db, db.Table("Settings")) })
		table := parseDoc(t, nil)
		ttl := func(attr string) func(*schema.Options) {
			return func(o *schema.Options) {
				o.TablePrefix = db.Prefix
				o.TimeToLive = map[string]string{"Settings": attr}
			}
		}
		changes, err := schema.Apply(ctx, db.Client, []*schema.Table{table}, ttl("expires"))
		if errors.Is(err, schema.ErrUnsupported) {
			t.Skipf("%s has no time to live: %s", db.Engine.Name, changes[0].Unsupported[0])
		}
		require.NoError(t, err)

		changes, err = schema.Apply(ctx, db.Client, []*schema.Table{table}, ttl("gone"))
		require.ErrorIs(t, err, schema.ErrMismatch)
		require.Len(t, changes, 1)
		assert.Equal(t, schema.ActionDiffers, changes[0].Action)
		assert.Empty(t, changes[0].Updates)
		assert.Equal(t, []schema.Difference{{Path: "TimeToLive", File: "gone", Live: "expires"}}, changes[0].Differences)
		live := func() string {
			out, err := db.Client.DescribeTimeToLive(ctx, &dynamodb.DescribeTimeToLiveInput{TableName: aws.String(db.Table("Settings"))})
			require.NoError(t, err)
			return string(out.TimeToLiveDescription.TimeToLiveStatus) + " " + aws.ToString(out.TimeToLiveDescription.AttributeName)
		}
		assert.Equal(t, "ENABLED expires", live(), "left as it was")

		_, err = schema.Apply(ctx, db.Client, []*schema.Table{table}, ttl(""))
		require.NoError(t, err)
		assert.True(t, strings.HasPrefix(live(), "DISABLED"), live())
		_, err = schema.Apply(ctx, db.Client, []*schema.Table{table}, ttl("gone"))
		require.NoError(t, err)
		assert.Equal(t, "ENABLED gone", live())
	})
}

// TestOptionsWinOverTemplateIntrinsics: time to live and point-in-time
// recovery a template gives through intrinsic functions are left alone,
// unless the options name them: then Apply sets them, where it reported
// the table unchanged and set nothing.
func TestOptionsWinOverTemplateIntrinsics(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		t.Cleanup(func() { dropTable(db, db.Table("Intrinsic")) })
		tables, err := schema.ParseAll("t.yaml", []byte(`Resources:
  T:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: Intrinsic
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      BillingMode: PAY_PER_REQUEST
      TimeToLiveSpecification: !If [C, {AttributeName: exp, Enabled: true}, !Ref AWS::NoValue]
      PointInTimeRecoverySpecification: {PointInTimeRecoveryEnabled: !Ref On}
`))
		require.NoError(t, err)
		_, err = schema.Apply(ctx, db.Client, tables, prefixed(db.Prefix))
		require.NoError(t, err)
		changes, err := schema.Diff(ctx, db.Client, tables, prefixed(db.Prefix), func(o *schema.Options) {
			o.TimeToLive = map[string]string{"Intrinsic": "expires"}
			o.PointInTimeRecovery = true
		})
		require.NoError(t, err)
		require.Len(t, changes, 1)
		var paths []string
		for _, u := range changes[0].Updates {
			paths = append(paths, u.Path)
		}
		assert.Equal(t, []string{"TimeToLive", "PointInTimeRecovery"}, paths)

		// So in a template written from the table.
		_, err = schema.CloudFormation(tables)
		assert.ErrorContains(t, err, "PointInTimeRecoverySpecification, TimeToLiveSpecification: given by intrinsic functions")
		tpl, err := schema.CloudFormation(tables, func(o *schema.Options) {
			o.TimeToLive = map[string]string{"Intrinsic": "expires"}
			o.PointInTimeRecovery = true
		})
		require.NoError(t, err)
		out, err := tpl.YAML()
		require.NoError(t, err)
		assert.Contains(t, string(out), "TimeToLiveSpecification:\n        AttributeName: expires\n")
	})
}
