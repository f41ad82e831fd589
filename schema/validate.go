package schema

import (
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodel/dynamodel/internal/names"
)

// DynamoDB's limits on table definitions.
const (
	maxGlobalIndexes  = 20  // per table (the default quota)
	maxLocalIndexes   = 5   // per table
	maxProjectedAttrs = 100 // NonKeyAttributes across all of a table's indexes
	maxTags           = 50  // per resource
)

// validateTable applies the rules DynamoDB applies to a CreateTable request
// that the JSON shape alone cannot express. It returns the JSON path of the
// first problem and what is wrong, or two empty strings.
func validateTable(in *dynamodb.CreateTableInput) (string, string) {
	if msg := names.Check(aws.ToString(in.TableName)); msg != "" {
		return "TableName", msg
	}

	defined := map[string]types.ScalarAttributeType{}
	for i, d := range in.AttributeDefinitions {
		name := aws.ToString(d.AttributeName)
		if _, dup := defined[name]; dup {
			return fmt.Sprintf("AttributeDefinitions[%d].AttributeName", i), fmt.Sprintf("%q is defined twice", name)
		}
		defined[name] = d.AttributeType
	}
	used := map[string]bool{}
	checkKeys := func(path string, ks []types.KeySchemaElement) (string, string) {
		for i, k := range ks {
			name := aws.ToString(k.AttributeName)
			want := types.KeyTypeHash
			if i == 1 {
				want = types.KeyTypeRange
			}
			if k.KeyType != want {
				return fmt.Sprintf("%s[%d].KeyType", path, i), fmt.Sprintf("want %s (the hash key comes first, then an optional range key), got %s", want, k.KeyType)
			}
			if _, ok := defined[name]; !ok {
				return fmt.Sprintf("%s[%d].AttributeName", path, i), fmt.Sprintf("%q is not in AttributeDefinitions", name)
			}
			if i == 1 && name == aws.ToString(ks[0].AttributeName) {
				return fmt.Sprintf("%s[%d].AttributeName", path, i), fmt.Sprintf("%q is already the hash key", name)
			}
			used[name] = true
		}
		return "", ""
	}
	if p, msg := checkKeys("KeySchema", in.KeySchema); msg != "" {
		return p, msg
	}

	onDemand := in.BillingMode == types.BillingModePayPerRequest
	if onDemand && in.ProvisionedThroughput != nil {
		return "ProvisionedThroughput", "not allowed with BillingMode PAY_PER_REQUEST"
	}
	if !onDemand && in.ProvisionedThroughput == nil {
		return "ProvisionedThroughput", "required with BillingMode PROVISIONED (the default); or set BillingMode to PAY_PER_REQUEST"
	}
	if !onDemand && in.OnDemandThroughput != nil {
		return "OnDemandThroughput", "only allowed with BillingMode PAY_PER_REQUEST"
	}

	indexNames := map[string]string{}
	projected := 0
	checkIndex := func(path, name string, ks []types.KeySchemaElement, p *types.Projection) (string, string) {
		if msg := names.Check(name); msg != "" {
			return path + ".IndexName", msg
		}
		if prev, dup := indexNames[name]; dup {
			return path + ".IndexName", fmt.Sprintf("%q is also the name of %s", name, prev)
		}
		indexNames[name] = path
		if pp, msg := checkKeys(path+".KeySchema", ks); msg != "" {
			return pp, msg
		}
		switch {
		case p.ProjectionType == "":
			return path + ".Projection.ProjectionType", "required field is missing"
		case p.ProjectionType == types.ProjectionTypeInclude && len(p.NonKeyAttributes) == 0:
			return path + ".Projection.NonKeyAttributes", "required with ProjectionType INCLUDE"
		case p.ProjectionType != types.ProjectionTypeInclude && len(p.NonKeyAttributes) > 0:
			return path + ".Projection.NonKeyAttributes", fmt.Sprintf("only allowed with ProjectionType INCLUDE, not %s", p.ProjectionType)
		}
		for i, a := range p.NonKeyAttributes {
			if slices.Contains(p.NonKeyAttributes[:i], a) {
				return fmt.Sprintf("%s.Projection.NonKeyAttributes[%d]", path, i), fmt.Sprintf("%q is listed twice", a)
			}
		}
		projected += len(p.NonKeyAttributes)
		if projected > maxProjectedAttrs {
			return path + ".Projection.NonKeyAttributes", fmt.Sprintf("more than %d projected attributes across the table's indexes", maxProjectedAttrs)
		}
		return "", ""
	}

	if len(in.LocalSecondaryIndexes) > maxLocalIndexes {
		return "LocalSecondaryIndexes", fmt.Sprintf("at most %d local secondary indexes, got %d", maxLocalIndexes, len(in.LocalSecondaryIndexes))
	}
	hash, rangeKey := aws.ToString(in.KeySchema[0].AttributeName), ""
	if len(in.KeySchema) == 2 {
		rangeKey = aws.ToString(in.KeySchema[1].AttributeName)
	}
	for i, ix := range in.LocalSecondaryIndexes {
		path := fmt.Sprintf("LocalSecondaryIndexes[%d]", i)
		if rangeKey == "" {
			return path, "a local secondary index needs a table with a range key"
		}
		if p, msg := checkIndex(path, aws.ToString(ix.IndexName), ix.KeySchema, ix.Projection); msg != "" {
			return p, msg
		}
		if aws.ToString(ix.KeySchema[0].AttributeName) != hash {
			return path + ".KeySchema[0].AttributeName", fmt.Sprintf("a local secondary index has the table's hash key %q", hash)
		}
		if len(ix.KeySchema) != 2 {
			return path + ".KeySchema", "a local secondary index needs a range key"
		}
	}

	if len(in.GlobalSecondaryIndexes) > maxGlobalIndexes {
		return "GlobalSecondaryIndexes", fmt.Sprintf("at most %d global secondary indexes, got %d", maxGlobalIndexes, len(in.GlobalSecondaryIndexes))
	}
	for i, ix := range in.GlobalSecondaryIndexes {
		path := fmt.Sprintf("GlobalSecondaryIndexes[%d]", i)
		if p, msg := checkIndex(path, aws.ToString(ix.IndexName), ix.KeySchema, ix.Projection); msg != "" {
			return p, msg
		}
		switch {
		case onDemand && ix.ProvisionedThroughput != nil:
			return path + ".ProvisionedThroughput", "not allowed with BillingMode PAY_PER_REQUEST"
		case !onDemand && ix.ProvisionedThroughput == nil:
			return path + ".ProvisionedThroughput", "required with BillingMode PROVISIONED (the default)"
		case !onDemand && ix.OnDemandThroughput != nil:
			return path + ".OnDemandThroughput", "only allowed with BillingMode PAY_PER_REQUEST"
		}
	}

	for i, d := range in.AttributeDefinitions {
		if name := aws.ToString(d.AttributeName); !used[name] {
			return fmt.Sprintf("AttributeDefinitions[%d]", i), fmt.Sprintf("%q is not used by the table's or an index's key schema (DynamoDB rejects unused definitions)", name)
		}
	}

	if s := in.StreamSpecification; s != nil {
		if aws.ToBool(s.StreamEnabled) && s.StreamViewType == "" {
			return "StreamSpecification.StreamViewType", "required when StreamEnabled is true"
		}
		if !aws.ToBool(s.StreamEnabled) && s.StreamViewType != "" {
			return "StreamSpecification.StreamViewType", "only allowed when StreamEnabled is true"
		}
	}
	if s := in.SSESpecification; s != nil && s.KMSMasterKeyId != nil && s.SSEType != types.SSETypeKms {
		return "SSESpecification.KMSMasterKeyId", "only allowed with SSEType KMS"
	}

	if len(in.Tags) > maxTags {
		return "Tags", fmt.Sprintf("at most %d tags, got %d", maxTags, len(in.Tags))
	}
	for i, t := range in.Tags {
		for j := range i {
			if aws.ToString(in.Tags[j].Key) == aws.ToString(t.Key) {
				return fmt.Sprintf("Tags[%d].Key", i), fmt.Sprintf("%q is used twice", aws.ToString(t.Key))
			}
		}
	}
	return "", ""
}
