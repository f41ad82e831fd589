// Package bulk moves whole tables: it exports a table to lines of DynamoDB
// JSON, imports such lines, and runs backfills, a typed function over every
// item of a repository, spread over as many processes, machines or Lambda
// invocations as you start, with DynamoDB itself as the coordinator.
//
// # Export and import
//
// Export and ExportFile write every item of a table as one line of
// DynamoDB JSON, {"Item":{"id":{"S":"a1"},...}}, the line format of
// DynamoDB's own export to S3 (DYNAMODB_JSON), scanning the table in
// parallel segments. ExportFile gzips when its file name ends in ".gz" and
// records checkpoints, so an interrupted export resumes where it stopped
// and the finished file holds every item once. Import reads such files
// (plain or gzip) and writes their items in batches; it reports every line
// it did not write and why, by file and line.
//
// # Backfills
//
// Backfill runs a function over every item of a repository and keeps,
// rewrites or deletes each item as the function says. A run has a name
// and a control record per scan segment in a control table (see
// ControlTableJSON): workers lease segments with conditional writes, store
// each segment's position after every page, and take over the segments of
// workers whose leases expire. Every write is conditional on the version
// the item was read with, so live traffic is never overwritten; a rewrite
// also stores the run's marker, so that items a dead worker rewrote are
// not processed again when another worker takes its segment over.
// Starting a run again continues it; a finished run does nothing. A
// capacity budget, shared by the run's workers through the control table,
// bounds the read and write units they consume per second.
//
// The dynamodel command exposes export, import and backfill status:
//
//	dynamodel export -segments 8 -o users.json.gz Users
//	dynamodel import Users-copy users.json.gz
//	dynamodel backfill status add-login
package bulk
