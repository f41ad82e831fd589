// Package schema keeps DynamoDB tables in files: the JSON that
// `aws dynamodb create-table --cli-input-json` takes, or the
// CloudFormation and SAM templates that deploy them. It loads and checks
// such files, creates the tables they define and changes every setting to
// match, reports how live tables differ from them, writes them as
// CloudFormation templates, writes live tables out as table files, and
// deletes tables.
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
// is dropped. So is the same input in YAML, as --cli-input-yaml takes it,
// and a CloudFormation or SAM template (see below).
//
// # Loading
//
// [Load] reads one file (the CLI's file:// form works), [LoadAll] every
// table of a file (a template may hold several), [LoadDir] every *.json,
// *.yaml and *.yml file of a directory in name order, [LoadFS] the same
// from an fs.FS, such as an embed.FS that carries a Lambda function's
// tables in its binary; [Read], [Parse] and [ParseAll] take a reader or
// bytes. Files over 1 MiB ([DefaultMaxFileSize]; [LoadOptions] MaxFileSize
// raises it) are refused after reading no more than the cap allows, and a
// UTF-8 byte-order mark at the start of a file is ignored. Each file is checked
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
// # Creating and changing
//
// [Apply] makes live tables match their files. It creates the missing ones,
// waits until they and their indexes are ACTIVE, and sets what CreateTable
// left out. A table that exists gets, one change per call, each setting
// that differs from its file:
//
//   - billing mode, table and index throughput, on-demand maximums and warm
//     throughput (UpdateTable);
//   - streams (turned off first when the view type changes), server-side
//     encryption, table class, deletion protection (UpdateTable);
//   - tags (TagResource, UntagResource; the aws: tags AWS sets are left
//     alone);
//   - time to live (UpdateTimeToLive) and point-in-time recovery
//     (UpdateContinuousBackups), which a create-table file cannot say: they
//     come from [Options] TimeToLive and PointInTimeRecovery, or a template;
//   - global secondary indexes: added with Options.AddIndexes, deleted with
//     DeleteIndexes, remade (deleted, then added) with both.
//
// After each change Apply waits until the table and its indexes are ACTIVE
// and reads the table again; the change is reported in [Change].Updates
// only when the table shows it. A change the engine did not make (it has
// no such operation, refuses the parameter as unknown, or accepts it and
// leaves the table as it was, as local engines do with some settings) is
// reported in Change.Unsupported with the engine's evidence, never as
// done, and the error matches [ErrUnsupported]:
//
//	Music: StreamSpecification: disabled -> NEW_AND_OLD_IMAGES not applied by the engine: UpdateTable: ValidationException: At least one of ...
//
// What Apply cannot change (keys and their types, local secondary indexes,
// global secondary indexes without the options above) it reports as a
// [Difference]; such a table is left as it is, with every difference
// listed, reported [ActionDiffers], and the error matches [ErrMismatch].
// Applying the same files twice changes nothing the second time, and
// reports every table [ActionUnchanged]. [Table.Create] creates one table
// when it is missing and leaves an existing one as it is, checking its keys.
//
// [Diff] reports what Apply would do, and the calls it would make, changing
// nothing.
//
// [Options] tune every call: TablePrefix and TableSuffix put one set of files
// to work in several environments (TablePrefix "dev-" makes table User
// dev-User); AddIndexes, DeleteIndexes, TimeToLive and PointInTimeRecovery
// as above; NoWait returns once CreateTable requests are accepted (without
// the settings set after creation); PollInterval paces the waits, which end
// with the context; ClientOptions go to every SDK call:
//
//	changes, err := schema.Apply(ctx, client, tables, func(o *schema.Options) {
//		o.TablePrefix = "dev-"
//		o.AddIndexes = true
//		o.TimeToLive = map[string]string{"Sessions": "expires"}
//	})
//
// # CloudFormation
//
// [CloudFormation] writes a template (YAML or JSON) with one
// AWS::DynamoDB::Table resource per table: its logical id comes from the
// table's name ([Table.LogicalID]: game-scores is GameScoresTable), every
// setting of its file goes under CloudFormation's names
// (SSESpecification.SSEEnabled for Enabled, StreamSpecification with only
// StreamViewType, OnDemandThroughput, WarmThroughput, ResourcePolicy's
// PolicyDocument...), time to live and point-in-time recovery come from
// Options, tables with secondary indexes are made one after another
// (DependsOn), and every table is retained when its stack is deleted.
// [Table.CloudFormation] gives one table's resource.
//
//	tpl, err := schema.CloudFormation(tables, func(o *schema.Options) {
//		o.TimeToLive = map[string]string{"Sessions": "expires"}
//	})
//	out, err := tpl.YAML()
//
// The loader reads templates too, so a team whose template is the source of
// truth can Apply, Diff and check models against it: every
// AWS::DynamoDB::Table resource, and AWS::Serverless::SimpleTable as SAM
// translates it, in the template's order ([ParseAll]). Short-form
// intrinsic functions (!Ref, !Sub, !GetAtt, !If...) are taken where the
// loader does not need their value: the setting they give is left alone by
// Apply and Diff. Where it needs it (the table's name, keys, indexes,
// billing mode, throughput), the *Error names the resource and property,
// and the line:
//
//	dynamodel: schema template.yaml:12:7: Resources.UsersTable.Properties.TableName: Fn::Sub cannot be resolved, ...
//
// A file written as a template and read back gives the same tables, with
// the same logical ids.
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
// dump, delete and cloudformation.
//
// # Errors
//
// A file that fails to load is an [*Error] matching [ErrInvalid]; so is a
// table name that TablePrefix or TableSuffix makes invalid. A live table that
// differs from its file matches [ErrMismatch], and so does a model that does
// not fit a table (the dynamodel package's Model.CheckSchema). A setting
// the engine did not apply matches [ErrUnsupported] (and
// errors.ErrUnsupported). A failed SDK call is wrapped with the operation
// and table, and stays reachable with errors.As (Describe of a missing
// table: *types.ResourceNotFoundException).
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
