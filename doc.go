// Package dynamodel is a typed model layer for Amazon DynamoDB on
// aws-sdk-go-v2.
//
// A model is a Go struct whose `dynamodbav` tags name and encode its
// attributes (with the meaning the SDK's attributevalue package gives them)
// and whose `dynamodel` tag marks the key and other roles:
//
//	type User struct {
//		Email     string `dynamodbav:"email" dynamodel:"hash"`
//		FirstName string `dynamodbav:"first_name,omitempty"`
//		LastName  string `dynamodbav:"last_name,omitempty"`
//	}
//
// Start with a client and a repository. WithEndpointFromEnv points the
// client at $DYNAMODB_ENDPOINT when it is set (a local engine, with no AWS
// configuration needed) and changes nothing when it is not, as in Lambda:
//
//	cfg, err := config.LoadDefaultConfig(ctx)
//	client := dynamodb.NewFromConfig(cfg, dynamodel.WithEndpointFromEnv())
//	users, err := dynamodel.NewRepository[User](client, "User")
//	u, err := users.Get(ctx, "ada@example.com") // errors.Is(err, dynamodel.ErrNotFound) when there is none
//
// A Repository reads and writes the items of one table as values of a model:
// Get, Lookup, Put, Create, Update, Delete, Query, Scan, batches and
// transactions. It checks keys, updates and sizes before any network call,
// builds every expression with placeholders, encodes with a codec compiled
// once per type, and returns errors that work with errors.Is and errors.As
// (ErrNotFound, ErrAlreadyExists, ErrConditionFailed, ErrVersionConflict,
// *TransactionCanceledError, ...).
//
// Updates are prepared values (Set, Remove, Increment, Add, Append, ...), or
// come from a change set struct with PrepareUpdate. Conditions are typed
// (Equal, Exists, BeginsWith, Size, And, Or, Not, ...). Every name they and
// projections take is a document path: "reactions.heart" is a member of a
// map, "tags[0]" an element of a list; Name and Path write names holding
// '.', '[' or ']' unambiguously. Raw expressions (Raw) say the rest, with
// placeholders of their own.
//
// Tables are defined in package schema, from the JSON files
// `aws dynamodb create-table --cli-input-json` takes; creating, comparing,
// capturing and deleting tables is that package's job (and the command
// cmd/dynamodel's, from a shell). Here a model meets its table:
// Model.CheckSchema checks a model against a *schema.Table, and a repository
// given one in Options.Schema checks its model when it is made and finds the
// key attributes of the table's indexes for queries.
//
// Several models can share one table (single-table design): NewTable
// declares the table, NewEntity each model with key templates such as
// "USER#{username}", and an Entity has every operation of a Repository.
//
// The subpackages: schema (table definitions), codec (the compiled codec),
// dynamotest (tests against a real engine), streams (DynamoDB Streams events
// in Lambda), bulk (export, import and backfills of whole tables).
package dynamodel
