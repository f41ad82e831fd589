package schema

import (
	"encoding/json"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// A Table is one table definition, read from a file in the format of
// `aws dynamodb create-table --cli-input-json` (or from the document
// `aws dynamodb describe-table` prints). It has been checked against the
// rules DynamoDB applies, so creating the table fails only for reasons the
// file cannot show (quotas, permissions).
//
//	users, err := schema.Load("testdata/create-user.json")
//	created, err := users.Create(ctx, client)
type Table struct {
	// Source is where the definition was read from, for messages.
	Source string

	input dynamodb.CreateTableInput

	// logicalID is the table's resource name in the template it was read
	// from; "" for a table file.
	logicalID string

	// What a CloudFormation template can say and a create-table file
	// cannot: the time-to-live attribute ("" for off) and point-in-time
	// recovery; nil when the source does not say.
	timeToLive *string
	pitr       *bool
	// unmanaged lists the settings (as Difference paths: Tags,
	// SSESpecification...) a template gave through intrinsic functions the
	// loader cannot resolve: Apply and Diff leave them alone.
	unmanaged []string
	// dropped lists the properties (paths below Properties) of the
	// template the table came from that the table does not hold: given by
	// intrinsic functions, or not read (ContributorInsightsSpecification...).
	// CloudFormation cannot write the table's resource without them.
	dropped []string
}

// Name returns the name of the table.
func (t *Table) Name() string { return aws.ToString(t.input.TableName) }

// CreateTableInput returns a copy of the CreateTable request the table
// definition makes, for callers that want to send it themselves.
func (t *Table) CreateTableInput() *dynamodb.CreateTableInput {
	in := t.input
	in.AttributeDefinitions = slices.Clone(in.AttributeDefinitions)
	in.KeySchema = slices.Clone(in.KeySchema)
	in.GlobalSecondaryIndexes = slices.Clone(in.GlobalSecondaryIndexes)
	in.LocalSecondaryIndexes = slices.Clone(in.LocalSecondaryIndexes)
	in.Tags = slices.Clone(in.Tags)
	return &in
}

// HashKey returns the table's partition key attribute and its type.
func (t *Table) HashKey() (name string, typ types.ScalarAttributeType) {
	return t.keyAttr(t.input.KeySchema, types.KeyTypeHash)
}

// RangeKey returns the table's sort key attribute and its type; the name is
// empty for a table without one.
func (t *Table) RangeKey() (name string, typ types.ScalarAttributeType) {
	return t.keyAttr(t.input.KeySchema, types.KeyTypeRange)
}

func (t *Table) keyAttr(ks []types.KeySchemaElement, kt types.KeyType) (string, types.ScalarAttributeType) {
	for _, k := range ks {
		if k.KeyType == kt {
			name := aws.ToString(k.AttributeName)
			return name, t.attrType(name)
		}
	}
	return "", ""
}

// IndexKeys returns the hash and range key attributes of the table's
// secondary index (global or local) named index; rng is empty for an index
// without a range key, and ok is false when the table has no such index.
func (t *Table) IndexKeys(index string) (hash, rng string, ok bool) {
	var ks []types.KeySchemaElement
	for _, ix := range t.input.GlobalSecondaryIndexes {
		if aws.ToString(ix.IndexName) == index {
			ks, ok = ix.KeySchema, true
		}
	}
	for _, ix := range t.input.LocalSecondaryIndexes {
		if aws.ToString(ix.IndexName) == index {
			ks, ok = ix.KeySchema, true
		}
	}
	for _, k := range ks {
		if k.KeyType == types.KeyTypeHash {
			hash = aws.ToString(k.AttributeName)
		} else {
			rng = aws.ToString(k.AttributeName)
		}
	}
	return hash, rng, ok
}

func (t *Table) attrType(name string) types.ScalarAttributeType {
	for _, d := range t.input.AttributeDefinitions {
		if aws.ToString(d.AttributeName) == name {
			return d.AttributeType
		}
	}
	return ""
}

// MarshalJSON writes the table as create-table input, the format the AWS
// CLI takes with --cli-input-json, with fields in the CLI's order.
func (t *Table) MarshalJSON() ([]byte, error) {
	return json.Marshal(cliInput(&t.input))
}
