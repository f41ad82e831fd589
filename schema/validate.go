package schema

import (
	"fmt"
	"slices"
	"unicode/utf8"

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

// validate applies the rules DynamoDB applies to a CreateTable request that
// the JSON shape alone cannot express. The first problem comes back as an
// *Error naming file and the JSON path of the field.
func validate(file string, in *dynamodb.CreateTableInput) error {
	c := &tableCheck{
		file:       file,
		in:         in,
		defined:    map[string]types.ScalarAttributeType{},
		used:       map[string]bool{},
		indexNames: map[string]string{},
	}
	for _, check := range []func() *Error{
		c.tableName,
		c.attributeDefinitions,
		c.tableKeys,
		c.billing,
		c.localIndexes,
		c.globalIndexes,
		c.unusedAttributes,
		c.streamAndEncryption,
		c.tags,
	} {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

// tableCheck is one run of validate: the request and what the checks so far
// have learnt about it.
type tableCheck struct {
	file string
	in   *dynamodb.CreateTableInput

	defined    map[string]types.ScalarAttributeType // AttributeDefinitions, by name
	used       map[string]bool                      // attributes some key schema names
	indexNames map[string]string                    // index name -> its JSON path
	projected  int                                  // NonKeyAttributes so far, all indexes
}

func (c *tableCheck) fail(path, msg string) *Error {
	return &Error{File: c.file, Path: path, Msg: msg}
}

func (c *tableCheck) onDemand() bool {
	return c.in.BillingMode == types.BillingModePayPerRequest
}

func (c *tableCheck) tableName() *Error {
	if msg := names.Check(aws.ToString(c.in.TableName)); msg != "" {
		return c.fail("TableName", msg)
	}
	return nil
}

// attributeDefinitions rejects an attribute defined twice.
func (c *tableCheck) attributeDefinitions() *Error {
	for i, d := range c.in.AttributeDefinitions {
		name := aws.ToString(d.AttributeName)
		if _, dup := c.defined[name]; dup {
			return c.fail(fmt.Sprintf("AttributeDefinitions[%d].AttributeName", i), fmt.Sprintf("%q is defined twice", name))
		}
		c.defined[name] = d.AttributeType
	}
	return nil
}

func (c *tableCheck) tableKeys() *Error {
	return c.keySchema("KeySchema", c.in.KeySchema)
}

// keySchema checks the table's or an index's keys: a hash key, then an
// optional range key, each a defined attribute.
func (c *tableCheck) keySchema(path string, ks []types.KeySchemaElement) *Error {
	for i, k := range ks {
		name := aws.ToString(k.AttributeName)
		want := types.KeyTypeHash
		if i == 1 {
			want = types.KeyTypeRange
		}
		if k.KeyType != want {
			return c.fail(fmt.Sprintf("%s[%d].KeyType", path, i), fmt.Sprintf("want %s (the hash key comes first, then an optional range key), got %s", want, k.KeyType))
		}
		if _, ok := c.defined[name]; !ok {
			return c.fail(fmt.Sprintf("%s[%d].AttributeName", path, i), fmt.Sprintf("%q is not in AttributeDefinitions", name))
		}
		if i == 1 && name == aws.ToString(ks[0].AttributeName) {
			return c.fail(fmt.Sprintf("%s[%d].AttributeName", path, i), fmt.Sprintf("%q is already the hash key", name))
		}
		c.used[name] = true
	}
	return nil
}

// billing checks the table's throughput settings against its billing mode.
func (c *tableCheck) billing() *Error {
	switch {
	case c.onDemand() && c.in.ProvisionedThroughput != nil:
		return c.fail("ProvisionedThroughput", "not allowed with BillingMode PAY_PER_REQUEST")
	case !c.onDemand() && c.in.ProvisionedThroughput == nil:
		return c.fail("ProvisionedThroughput", "required with BillingMode PROVISIONED (the default); or set BillingMode to PAY_PER_REQUEST")
	case !c.onDemand() && c.in.OnDemandThroughput != nil:
		return c.fail("OnDemandThroughput", "only allowed with BillingMode PAY_PER_REQUEST")
	}
	return nil
}

// localIndexes checks each local secondary index: it shares the table's
// hash key and has a range key, on a table that has one too.
func (c *tableCheck) localIndexes() *Error {
	if n := len(c.in.LocalSecondaryIndexes); n > maxLocalIndexes {
		return c.fail("LocalSecondaryIndexes", fmt.Sprintf("at most %d local secondary indexes, got %d", maxLocalIndexes, n))
	}
	hash := aws.ToString(c.in.KeySchema[0].AttributeName)
	for i, ix := range c.in.LocalSecondaryIndexes {
		path := fmt.Sprintf("LocalSecondaryIndexes[%d]", i)
		if len(c.in.KeySchema) < 2 {
			return c.fail(path, "a local secondary index needs a table with a range key")
		}
		if err := c.index(path, aws.ToString(ix.IndexName), ix.KeySchema, ix.Projection); err != nil {
			return err
		}
		if aws.ToString(ix.KeySchema[0].AttributeName) != hash {
			return c.fail(path+".KeySchema[0].AttributeName", fmt.Sprintf("a local secondary index has the table's hash key %q", hash))
		}
		if len(ix.KeySchema) != 2 {
			return c.fail(path+".KeySchema", "a local secondary index needs a range key")
		}
	}
	return nil
}

// globalIndexes checks each global secondary index, and its throughput
// against the table's billing mode.
func (c *tableCheck) globalIndexes() *Error {
	if n := len(c.in.GlobalSecondaryIndexes); n > maxGlobalIndexes {
		return c.fail("GlobalSecondaryIndexes", fmt.Sprintf("at most %d global secondary indexes, got %d", maxGlobalIndexes, n))
	}
	for i, ix := range c.in.GlobalSecondaryIndexes {
		path := fmt.Sprintf("GlobalSecondaryIndexes[%d]", i)
		if err := c.index(path, aws.ToString(ix.IndexName), ix.KeySchema, ix.Projection); err != nil {
			return err
		}
		switch {
		case c.onDemand() && ix.ProvisionedThroughput != nil:
			return c.fail(path+".ProvisionedThroughput", "not allowed with BillingMode PAY_PER_REQUEST")
		case !c.onDemand() && ix.ProvisionedThroughput == nil:
			return c.fail(path+".ProvisionedThroughput", "required with BillingMode PROVISIONED (the default)")
		case !c.onDemand() && ix.OnDemandThroughput != nil:
			return c.fail(path+".OnDemandThroughput", "only allowed with BillingMode PAY_PER_REQUEST")
		}
	}
	return nil
}

// index checks what local and global secondary indexes share: a valid name
// no other index has, a key schema, a projection.
func (c *tableCheck) index(path, name string, ks []types.KeySchemaElement, p *types.Projection) *Error {
	if msg := names.Check(name); msg != "" {
		return c.fail(path+".IndexName", msg)
	}
	if prev, dup := c.indexNames[name]; dup {
		return c.fail(path+".IndexName", fmt.Sprintf("%q is also the name of %s", name, prev))
	}
	c.indexNames[name] = path
	if err := c.keySchema(path+".KeySchema", ks); err != nil {
		return err
	}
	return c.projection(path+".Projection", p)
}

// projection checks an index's projection: NonKeyAttributes with INCLUDE
// and only then, none twice, and at most maxProjectedAttrs across the
// table's indexes.
func (c *tableCheck) projection(path string, p *types.Projection) *Error {
	switch {
	case p.ProjectionType == "":
		return c.fail(path+".ProjectionType", "required field is missing")
	case p.ProjectionType == types.ProjectionTypeInclude && len(p.NonKeyAttributes) == 0:
		return c.fail(path+".NonKeyAttributes", "required with ProjectionType INCLUDE")
	case p.ProjectionType != types.ProjectionTypeInclude && len(p.NonKeyAttributes) > 0:
		return c.fail(path+".NonKeyAttributes", fmt.Sprintf("only allowed with ProjectionType INCLUDE, not %s", p.ProjectionType))
	}
	for i, a := range p.NonKeyAttributes {
		if slices.Contains(p.NonKeyAttributes[:i], a) {
			return c.fail(fmt.Sprintf("%s.NonKeyAttributes[%d]", path, i), fmt.Sprintf("%q is listed twice", a))
		}
	}
	c.projected += len(p.NonKeyAttributes)
	if c.projected > maxProjectedAttrs {
		return c.fail(path+".NonKeyAttributes", fmt.Sprintf("more than %d projected attributes across the table's indexes", maxProjectedAttrs))
	}
	return nil
}

// unusedAttributes rejects a definition no key schema uses, as DynamoDB
// does. It runs after every key schema has been checked.
func (c *tableCheck) unusedAttributes() *Error {
	for i, d := range c.in.AttributeDefinitions {
		if name := aws.ToString(d.AttributeName); !c.used[name] {
			return c.fail(fmt.Sprintf("AttributeDefinitions[%d]", i), fmt.Sprintf("%q is not used by the table's or an index's key schema (DynamoDB rejects unused definitions)", name))
		}
	}
	return nil
}

// streamAndEncryption checks that a stream view type comes with an enabled
// stream, and a KMS key with SSEType KMS.
func (c *tableCheck) streamAndEncryption() *Error {
	if s := c.in.StreamSpecification; s != nil {
		if aws.ToBool(s.StreamEnabled) && s.StreamViewType == "" {
			return c.fail("StreamSpecification.StreamViewType", "required when StreamEnabled is true")
		}
		if !aws.ToBool(s.StreamEnabled) && s.StreamViewType != "" {
			return c.fail("StreamSpecification.StreamViewType", "only allowed when StreamEnabled is true")
		}
	}
	if s := c.in.SSESpecification; s != nil && s.KMSMasterKeyId != nil && s.SSEType != types.SSETypeKms {
		return c.fail("SSESpecification.KMSMasterKeyId", "only allowed with SSEType KMS")
	}
	return nil
}

// tags checks the number of tags, that no key is used twice, and that
// none is one of AWS's own.
func (c *tableCheck) tags() *Error {
	if n := len(c.in.Tags); n > maxTags {
		return c.fail("Tags", fmt.Sprintf("at most %d tags, got %d", maxTags, n))
	}
	for i, t := range c.in.Tags {
		if reservedTag(aws.ToString(t.Key)) {
			return c.fail(fmt.Sprintf("Tags[%d].Key", i), fmt.Sprintf("%q: the prefix aws: is AWS's own", aws.ToString(t.Key)))
		}
		for j := range i {
			if aws.ToString(c.in.Tags[j].Key) == aws.ToString(t.Key) {
				return c.fail(fmt.Sprintf("Tags[%d].Key", i), fmt.Sprintf("%q is used twice", aws.ToString(t.Key)))
			}
		}
	}
	return nil
}

// maxAttributeName is the longest attribute name DynamoDB takes, in bytes.
const maxAttributeName = 255

// checkTimeToLiveAttribute returns what is wrong with a time-to-live
// attribute name ("" turns time to live off), or "": UpdateTimeToLive
// takes 1 to 255 bytes of UTF-8.
func checkTimeToLiveAttribute(attr string) string {
	switch {
	case len(attr) > maxAttributeName:
		return fmt.Sprintf("the time-to-live attribute is %d bytes long, DynamoDB takes at most %d", len(attr), maxAttributeName)
	case !utf8.ValidString(attr):
		return fmt.Sprintf("the time-to-live attribute %q is not valid UTF-8", attr)
	}
	return ""
}

// checkOptions refuses, before any call, what the options ask of the
// tables and DynamoDB would refuse: a table name too long or short with
// prefix and suffix, a time-to-live attribute it does not take.
func checkOptions(t *Table, o Options) *Error {
	name := o.TableName(t)
	if msg := names.Check(name); msg != "" {
		return &Error{File: t.Source, Path: "TableName", Msg: fmt.Sprintf("%q, with prefix and suffix: %s", name, msg)}
	}
	if attr, ok := o.TimeToLive[t.Name()]; ok {
		if msg := checkTimeToLiveAttribute(attr); msg != "" {
			return &Error{File: t.Source, Path: "TimeToLive", Msg: msg + " (Options.TimeToLive)"}
		}
	}
	return nil
}
