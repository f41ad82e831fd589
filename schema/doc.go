// Package schema keeps DynamoDB tables in files: the JSON that
// `aws dynamodb create-table --cli-input-json` takes. It loads and checks
// such files, creates the tables they define, reports how live tables differ
// from them, writes live tables out as such files, and deletes tables.
//
// # Table files
//
// A table file holds the whole create-table input: keys, local and global
// secondary indexes with their projections, billing mode and throughput,
// streams, encryption, tags, table class, deletion protection, on-demand
// limits:
//
//	{
//	    "TableName": "User",
//	    "KeySchema": [{ "AttributeName": "email", "KeyType": "HASH" }],
//	    "AttributeDefinitions": [{ "AttributeName": "email", "AttributeType": "S" }],
//	    "ProvisionedThroughput": { "ReadCapacityUnits": 5, "WriteCapacityUnits": 5 }
//	}
//
// The {"Table": {...}} document `aws dynamodb describe-table` prints is
// accepted too; what only describes a live table (status, sizes, ARNs, dates)
// is dropped.
//
// # Loading
//
// [Load] reads one file (the CLI's file:// form works), [LoadDir] every
// *.json file of a directory in name order, [LoadFS] the same from an
// fs.FS, such as an embed.FS that carries a Lambda function's tables in its
// binary; [Read] and [Parse] take a reader or bytes. Each file is checked
// against its JSON shape (field names, types, enumerations, lengths,
// duplicate fields) and against the rules DynamoDB applies to CreateTable
// (key schemas, attribute definitions, index limits, projections, throughput
// and billing mode, streams, encryption, tags), so creating the table fails
// only for reasons a file cannot show, such as quotas and permissions. The
// first problem of a file is an [*Error] naming the file, the line and column
// for JSON syntax, the JSON path of the field and what is wrong:
//
//	dynamodel: schema tables/orders.json: GlobalSecondaryIndexes[0].Projection.NonKeyAttributes: required with ProjectionType INCLUDE
//
// A loaded [Table] reports its [Table.Name], [Table.HashKey],
// [Table.RangeKey] and [Table.IndexKeys], gives its [Table.CreateTableInput]
// for callers that send it themselves, and marshals to JSON as the
// create-table input the AWS CLI takes.
//
// # Creating and comparing
//
// [Apply] makes live tables match their files: it creates the missing ones
// and waits until they and their indexes are ACTIVE. For each table that
// exists it compares what code depends on (keys and their types, local and
// global secondary indexes with their projections, billing mode) and reports
// each [Difference] in the table's [Change]; throughput, streams, tags and
// encryption are left to whoever manages them. A table that still differs
// makes the error match [ErrMismatch]. Applying the same files twice changes
// nothing the second time, and reports every table [ActionUnchanged].
// [Table.Create] does the same for one table, accepting a live table whose
// keys match.
//
// [Diff] reports what Apply would do and changes nothing.
//
// [Options] tune every call: TablePrefix and TableSuffix put one set of files
// to work in several environments (TablePrefix "dev-" makes table User
// dev-User); AddIndexes lets Apply add the global secondary indexes a live
// table lacks, through UpdateTable, one at a time; NoWait returns once
// requests are accepted; PollInterval paces the waits, which end with the
// context; ClientOptions go to every SDK call:
//
//	changes, err := schema.Apply(ctx, client, tables, func(o *schema.Options) {
//		o.TablePrefix = "dev-"
//		o.AddIndexes = true
//	})
//
// # Capturing, waiting, deleting
//
// [Describe] captures a live table as a Table (with its tags, where the
// engine keeps them); json.Marshal writes it as a file Apply and the AWS CLI
// take. [WaitActive] waits for a table and its indexes to be ACTIVE.
// [Delete] deletes tables, several at once, and waits until they are gone;
// it is meant for tests and for tearing down an environment.
//
// The command cmd/dynamodel does all of this from a shell: apply, diff,
// dump and delete.
//
// # Errors
//
// A file that fails to load is an [*Error] matching [ErrInvalid]; so is a
// table name that TablePrefix or TableSuffix makes invalid. A live table that
// differs from its file matches [ErrMismatch], and so does a model that does
// not fit a table (the dynamodel package's Model.CheckSchema). A failed SDK
// call is wrapped with the operation and table, and stays reachable with
// errors.As (Describe of a missing table: *types.ResourceNotFoundException).
//
// # Models
//
// This package knows nothing of models. The dynamodel package checks a model
// against a Table (Model.CheckSchema, or Options.Schema when making a
// Repository, which also finds index keys for queries there), and its
// dynamotest package makes a test's tables from files (WithSchemaDir).
//
// The calls take an [API], which *dynamodb.Client satisfies.
package schema
