// Package schema keeps DynamoDB tables in the JSON files
// `aws dynamodb create-table --cli-input-json` takes: it loads and checks
// them, creates the tables they define, reports how live tables differ from
// them, captures live tables as such files, and deletes tables.
package schema
