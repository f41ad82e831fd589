// Package dynamotest runs tests against a real DynamoDB engine: it finds or
// starts one, hands back a ready client, creates tables from create-table
// JSON files under a prefix unique to the test, and removes them when the
// test ends.
//
//	func TestSignup(t *testing.T) {
//		db := dynamotest.New(t, dynamotest.WithSchemaDir("testdata/tables"))
//		users, err := dynamodel.NewRepository[dynamodel.User](db.Client, db.Table("User"))
//		...
//	}
//
// The engine is the one at $DYNAMODB_ENDPOINT when it is set (dynalite, moto,
// DynamoDB Local, LocalStack), and otherwise a dynalite the package starts on
// a free port, shared by the tests of one process and stopped when the
// process ends. To let it start one, install dynalite next to your module:
//
//	npm install --save-dev dynalite@4.0.0   # needs Node.js 20 or newer
//
// Without an engine, tests that need one are skipped with a message saying
// this; with DYNAMODEL_REQUIRE_ENGINES=1 (for CI) they fail instead.
//
// Tables get a prefix unique to each DB, so tests calling t.Parallel, and
// test binaries of several packages sharing one engine, never see each
// other's items.
package dynamotest
