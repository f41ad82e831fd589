package schema

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// Options are the options of Apply, Diff, Table.Create, Describe, Delete,
// WaitActive and CloudFormation. Change them with functions passed to the call:
//
//	schema.Apply(ctx, client, tables, func(o *schema.Options) { o.TablePrefix = "dev-" })
type Options struct {
	// TablePrefix and TableSuffix are added to every table name, so one set
	// of files serves several environments: TablePrefix "dev-" turns table
	// User into dev-User.
	TablePrefix, TableSuffix string

	// AddIndexes makes Apply add, through UpdateTable, the global secondary
	// indexes a file has and its live table lacks. Without it they are
	// reported as differences.
	AddIndexes bool

	// DeleteIndexes makes Apply delete, through UpdateTable, the global
	// secondary indexes its live table has and a file lacks. With
	// AddIndexes too, an index whose keys or projection changed is deleted
	// and made again. Without it they are reported as differences.
	DeleteIndexes bool

	// TimeToLive names each table's time-to-live attribute, by the table's
	// name in its file (without prefix or suffix); "" turns time to live
	// off. A create-table file cannot say it: Apply sets it through
	// UpdateTimeToLive, CloudFormation writes TimeToLiveSpecification.
	// Tables not named here keep what they have (or what their template
	// says); for those named here, this wins over the template, even one
	// that gave it through an intrinsic function. A table whose time to
	// live is on with another attribute is reported as differing, not
	// changed: DynamoDB takes one UpdateTimeToLive per table an hour, so
	// turn it off ("") first, and on with the new attribute an hour later.
	TimeToLive map[string]string

	// PointInTimeRecovery turns point-in-time recovery on for every table:
	// Apply through UpdateContinuousBackups, CloudFormation as
	// PointInTimeRecoverySpecification, whatever their templates say.
	// Without it, tables keep what they have (or what their template
	// says).
	PointInTimeRecovery bool

	// NoWait returns as soon as CreateTable and DeleteTable requests are
	// accepted, without waiting for tables and indexes to become ACTIVE (or
	// to be gone), and without the settings Apply sets after creating a
	// table. Changes to existing tables still wait between calls, as
	// DynamoDB requires.
	NoWait bool

	// PollInterval is the first pause between status checks while waiting;
	// it doubles up to two seconds. Zero means 50 milliseconds. The wait
	// ends with the context.
	PollInterval time.Duration

	// ClientOptions are passed to every SDK call.
	ClientOptions []func(*dynamodb.Options)
}

// TableName returns the name t's table has under these options.
func (o *Options) TableName(t *Table) string {
	return o.TablePrefix + t.Name() + o.TableSuffix
}

// collectOptions applies optFns to the defaults.
func collectOptions(optFns []func(*Options)) Options {
	var o Options
	for _, fn := range optFns {
		fn(&o)
	}
	if o.PollInterval <= 0 {
		o.PollInterval = 50 * time.Millisecond
	}
	return o
}
