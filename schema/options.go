package schema

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// Options are the options of Apply, Diff, Table.Create, Describe, Delete
// and WaitActive. Change them with functions passed to the call:
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
