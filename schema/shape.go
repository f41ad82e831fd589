package schema

import js "github.com/dynamodel/dynamodel/internal/jsonshape"

var nonNegative = js.Integer(0, 0)

// The shapes of the create-table input the AWS CLI takes with --cli-input-json.
var (
	attributeNameShape = js.String(1, maxAttributeName)
	keySchemaShape     = js.Array(js.Object(
		js.Req("AttributeName", attributeNameShape),
		js.Req("KeyType", js.Enum("HASH", "RANGE")),
	), 1, 2)
	projectionShape = js.Object(
		js.Opt("ProjectionType", js.Enum("ALL", "KEYS_ONLY", "INCLUDE")),
		js.Opt("NonKeyAttributes", js.Array(attributeNameShape, 1, 100)),
	)
	capacityShape   = js.Integer(1, 0)
	throughputShape = js.Object(
		js.Req("ReadCapacityUnits", capacityShape),
		js.Req("WriteCapacityUnits", capacityShape),
	)
	onDemandShape = js.Object(
		js.Opt("MaxReadRequestUnits", js.Integer(-1, 0)),
		js.Opt("MaxWriteRequestUnits", js.Integer(-1, 0)),
	)
	warmShape = js.Object(
		js.Opt("ReadUnitsPerSecond", js.Integer(1, 0)),
		js.Opt("WriteUnitsPerSecond", js.Integer(1, 0)),
	)
	indexNameShape = js.String(3, 255)

	createTableShape = js.Object(
		js.Req("TableName", js.String(1, 1024)),
		js.Req("AttributeDefinitions", js.Array(js.Object(
			js.Req("AttributeName", attributeNameShape),
			js.Req("AttributeType", js.Enum("S", "N", "B")),
		), 1, 0)),
		js.Req("KeySchema", keySchemaShape),
		js.Opt("LocalSecondaryIndexes", js.Array(js.Object(
			js.Req("IndexName", indexNameShape),
			js.Req("KeySchema", keySchemaShape),
			js.Req("Projection", projectionShape),
		), 0, 0)),
		js.Opt("GlobalSecondaryIndexes", js.Array(js.Object(
			js.Req("IndexName", indexNameShape),
			js.Req("KeySchema", keySchemaShape),
			js.Req("Projection", projectionShape),
			js.Opt("ProvisionedThroughput", throughputShape),
			js.Opt("OnDemandThroughput", onDemandShape),
			js.Opt("WarmThroughput", warmShape),
		), 0, 0)),
		js.Opt("BillingMode", js.Enum("PROVISIONED", "PAY_PER_REQUEST")),
		js.Opt("ProvisionedThroughput", throughputShape),
		js.Opt("StreamSpecification", js.Object(
			js.Req("StreamEnabled", js.Bool),
			js.Opt("StreamViewType", js.Enum("NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES", "KEYS_ONLY")),
		)),
		js.Opt("SSESpecification", js.Object(
			js.Opt("Enabled", js.Bool),
			js.Opt("SSEType", js.Enum("AES256", "KMS")),
			js.Opt("KMSMasterKeyId", js.String(1, 2048)),
		)),
		js.Opt("Tags", js.Array(js.Object(
			js.Req("Key", js.String(1, 128)),
			js.Req("Value", js.String(0, 256)),
		), 0, 0)),
		js.Opt("TableClass", js.Enum("STANDARD", "STANDARD_INFREQUENT_ACCESS")),
		js.Opt("DeletionProtectionEnabled", js.Bool),
		js.Opt("WarmThroughput", warmShape),
		js.Opt("ResourcePolicy", js.String(1, 20480)),
		js.Opt("OnDemandThroughput", onDemandShape),
	)
)

// The shape of what `aws dynamodb describe-table` prints: {"Table": {...}}.
// Fields the loader has no use for are allowed, since the service keeps
// adding some.
var (
	throughputDescriptionShape = js.OpenObject(
		js.Opt("ReadCapacityUnits", nonNegative),
		js.Opt("WriteCapacityUnits", nonNegative),
		js.Opt("NumberOfDecreasesToday", nonNegative),
		js.Opt("LastIncreaseDateTime", js.Timestamp),
		js.Opt("LastDecreaseDateTime", js.Timestamp),
	)
	describeTableShape = js.Object(js.Req("Table", js.OpenObject(
		js.Req("TableName", js.String(1, 1024)),
		js.Req("AttributeDefinitions", createTableShape.Field("AttributeDefinitions").Shape),
		js.Req("KeySchema", keySchemaShape),
		js.Opt("LocalSecondaryIndexes", js.Array(js.OpenObject(
			js.Req("IndexName", indexNameShape),
			js.Req("KeySchema", keySchemaShape),
			js.Req("Projection", projectionShape),
		), 0, 0)),
		js.Opt("GlobalSecondaryIndexes", js.Array(js.OpenObject(
			js.Req("IndexName", indexNameShape),
			js.Req("KeySchema", keySchemaShape),
			js.Req("Projection", projectionShape),
			js.Opt("ProvisionedThroughput", throughputDescriptionShape),
			js.Opt("OnDemandThroughput", onDemandShape),
			js.Opt("WarmThroughput", js.OpenObject(
				js.Opt("ReadUnitsPerSecond", nonNegative),
				js.Opt("WriteUnitsPerSecond", nonNegative),
			)),
		), 0, 0)),
		js.Opt("ProvisionedThroughput", throughputDescriptionShape),
		js.Opt("BillingModeSummary", js.OpenObject(
			js.Opt("BillingMode", js.Enum("PROVISIONED", "PAY_PER_REQUEST")),
		)),
		js.Opt("StreamSpecification", createTableShape.Field("StreamSpecification").Shape),
		js.Opt("SSEDescription", js.OpenObject(
			js.Opt("Status", js.AnyString),
			js.Opt("SSEType", js.Enum("AES256", "KMS")),
			js.Opt("KMSMasterKeyArn", js.AnyString),
		)),
		js.Opt("TableClassSummary", js.OpenObject(
			js.Opt("TableClass", js.Enum("STANDARD", "STANDARD_INFREQUENT_ACCESS")),
		)),
		js.Opt("DeletionProtectionEnabled", js.Bool),
		js.Opt("OnDemandThroughput", onDemandShape),
		js.Opt("WarmThroughput", js.OpenObject(
			js.Opt("ReadUnitsPerSecond", nonNegative),
			js.Opt("WriteUnitsPerSecond", nonNegative),
		)),
		js.Opt("Tags", createTableShape.Field("Tags").Shape),
		js.Opt("CreationDateTime", js.Timestamp),
	)))
)
