package schema

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// The create-table input as the AWS CLI writes it: field names and order as
// in `aws dynamodb create-table --generate-cli-skeleton`, empty fields left
// out. Table.MarshalJSON writes this form.
type cliTable struct {
	TableName                 string              `json:"TableName" yaml:"TableName"`
	AttributeDefinitions      []cliAttribute      `json:"AttributeDefinitions" yaml:"AttributeDefinitions"`
	KeySchema                 []cliKey            `json:"KeySchema" yaml:"KeySchema"`
	LocalSecondaryIndexes     []cliLocalIndex     `json:"LocalSecondaryIndexes,omitempty" yaml:"LocalSecondaryIndexes,omitempty"`
	GlobalSecondaryIndexes    []cliGlobalIndex    `json:"GlobalSecondaryIndexes,omitempty" yaml:"GlobalSecondaryIndexes,omitempty"`
	BillingMode               string              `json:"BillingMode,omitempty" yaml:"BillingMode,omitempty"`
	ProvisionedThroughput     *cliThroughput      `json:"ProvisionedThroughput,omitempty" yaml:"ProvisionedThroughput,omitempty"`
	StreamSpecification       *cliStream          `json:"StreamSpecification,omitempty" yaml:"StreamSpecification,omitempty"`
	SSESpecification          *cliSSE             `json:"SSESpecification,omitempty" yaml:"SSESpecification,omitempty"`
	Tags                      []cliTag            `json:"Tags,omitempty" yaml:"Tags,omitempty"`
	TableClass                string              `json:"TableClass,omitempty" yaml:"TableClass,omitempty"`
	DeletionProtectionEnabled *bool               `json:"DeletionProtectionEnabled,omitempty" yaml:"DeletionProtectionEnabled,omitempty"`
	WarmThroughput            *cliWarmThroughput  `json:"WarmThroughput,omitempty" yaml:"WarmThroughput,omitempty"`
	ResourcePolicy            *string             `json:"ResourcePolicy,omitempty" yaml:"ResourcePolicy,omitempty"`
	OnDemandThroughput        *cliOnDemandMaximum `json:"OnDemandThroughput,omitempty" yaml:"OnDemandThroughput,omitempty"`
}

type cliAttribute struct {
	AttributeName string `json:"AttributeName" yaml:"AttributeName"`
	AttributeType string `json:"AttributeType" yaml:"AttributeType"`
}

type cliKey struct {
	AttributeName string `json:"AttributeName" yaml:"AttributeName"`
	KeyType       string `json:"KeyType" yaml:"KeyType"`
}

type cliProjection struct {
	ProjectionType   string   `json:"ProjectionType,omitempty" yaml:"ProjectionType,omitempty"`
	NonKeyAttributes []string `json:"NonKeyAttributes,omitempty" yaml:"NonKeyAttributes,omitempty"`
}

type cliLocalIndex struct {
	IndexName  string        `json:"IndexName" yaml:"IndexName"`
	KeySchema  []cliKey      `json:"KeySchema" yaml:"KeySchema"`
	Projection cliProjection `json:"Projection" yaml:"Projection"`
}

type cliGlobalIndex struct {
	IndexName             string              `json:"IndexName" yaml:"IndexName"`
	KeySchema             []cliKey            `json:"KeySchema" yaml:"KeySchema"`
	Projection            cliProjection       `json:"Projection" yaml:"Projection"`
	ProvisionedThroughput *cliThroughput      `json:"ProvisionedThroughput,omitempty" yaml:"ProvisionedThroughput,omitempty"`
	OnDemandThroughput    *cliOnDemandMaximum `json:"OnDemandThroughput,omitempty" yaml:"OnDemandThroughput,omitempty"`
	WarmThroughput        *cliWarmThroughput  `json:"WarmThroughput,omitempty" yaml:"WarmThroughput,omitempty"`
}

type cliThroughput struct {
	ReadCapacityUnits  int64 `json:"ReadCapacityUnits" yaml:"ReadCapacityUnits"`
	WriteCapacityUnits int64 `json:"WriteCapacityUnits" yaml:"WriteCapacityUnits"`
}

type cliOnDemandMaximum struct {
	MaxReadRequestUnits  *int64 `json:"MaxReadRequestUnits,omitempty" yaml:"MaxReadRequestUnits,omitempty"`
	MaxWriteRequestUnits *int64 `json:"MaxWriteRequestUnits,omitempty" yaml:"MaxWriteRequestUnits,omitempty"`
}

type cliWarmThroughput struct {
	ReadUnitsPerSecond  *int64 `json:"ReadUnitsPerSecond,omitempty" yaml:"ReadUnitsPerSecond,omitempty"`
	WriteUnitsPerSecond *int64 `json:"WriteUnitsPerSecond,omitempty" yaml:"WriteUnitsPerSecond,omitempty"`
}

type cliStream struct {
	StreamEnabled  bool   `json:"StreamEnabled" yaml:"StreamEnabled"`
	StreamViewType string `json:"StreamViewType,omitempty" yaml:"StreamViewType,omitempty"`
}

type cliSSE struct {
	Enabled        *bool  `json:"Enabled,omitempty" yaml:"Enabled,omitempty"`
	SSEType        string `json:"SSEType,omitempty" yaml:"SSEType,omitempty"`
	KMSMasterKeyId string `json:"KMSMasterKeyId,omitempty" yaml:"KMSMasterKeyId,omitempty"`
}

type cliTag struct {
	Key   string `json:"Key" yaml:"Key"`
	Value string `json:"Value" yaml:"Value"`
}

// cliInput converts a CreateTable request to the CLI's JSON form.
func cliInput(in *dynamodb.CreateTableInput) cliTable {
	t := cliTable{
		TableName:                 aws.ToString(in.TableName),
		BillingMode:               string(in.BillingMode),
		TableClass:                string(in.TableClass),
		DeletionProtectionEnabled: in.DeletionProtectionEnabled,
		ResourcePolicy:            in.ResourcePolicy,
		ProvisionedThroughput:     cliThroughputOf(in.ProvisionedThroughput),
		OnDemandThroughput:        cliOnDemandOf(in.OnDemandThroughput),
		WarmThroughput:            cliWarmOf(in.WarmThroughput),
	}
	for _, d := range in.AttributeDefinitions {
		t.AttributeDefinitions = append(t.AttributeDefinitions, cliAttribute{aws.ToString(d.AttributeName), string(d.AttributeType)})
	}
	t.KeySchema = cliKeys(in.KeySchema)
	for _, ix := range in.LocalSecondaryIndexes {
		t.LocalSecondaryIndexes = append(t.LocalSecondaryIndexes, cliLocalIndex{
			IndexName:  aws.ToString(ix.IndexName),
			KeySchema:  cliKeys(ix.KeySchema),
			Projection: cliProjectionOf(ix.Projection),
		})
	}
	for _, ix := range in.GlobalSecondaryIndexes {
		t.GlobalSecondaryIndexes = append(t.GlobalSecondaryIndexes, cliGlobalIndex{
			IndexName:             aws.ToString(ix.IndexName),
			KeySchema:             cliKeys(ix.KeySchema),
			Projection:            cliProjectionOf(ix.Projection),
			ProvisionedThroughput: cliThroughputOf(ix.ProvisionedThroughput),
			OnDemandThroughput:    cliOnDemandOf(ix.OnDemandThroughput),
			WarmThroughput:        cliWarmOf(ix.WarmThroughput),
		})
	}
	if s := in.StreamSpecification; s != nil {
		t.StreamSpecification = &cliStream{StreamEnabled: aws.ToBool(s.StreamEnabled), StreamViewType: string(s.StreamViewType)}
	}
	if s := in.SSESpecification; s != nil {
		t.SSESpecification = &cliSSE{Enabled: s.Enabled, SSEType: string(s.SSEType), KMSMasterKeyId: aws.ToString(s.KMSMasterKeyId)}
	}
	for _, tag := range in.Tags {
		t.Tags = append(t.Tags, cliTag{aws.ToString(tag.Key), aws.ToString(tag.Value)})
	}
	return t
}

func cliKeys(ks []types.KeySchemaElement) []cliKey {
	out := make([]cliKey, len(ks))
	for i, k := range ks {
		out[i] = cliKey{aws.ToString(k.AttributeName), string(k.KeyType)}
	}
	return out
}

func cliProjectionOf(p *types.Projection) cliProjection {
	if p == nil {
		return cliProjection{}
	}
	return cliProjection{ProjectionType: string(p.ProjectionType), NonKeyAttributes: p.NonKeyAttributes}
}

func cliThroughputOf(p *types.ProvisionedThroughput) *cliThroughput {
	if p == nil {
		return nil
	}
	return &cliThroughput{aws.ToInt64(p.ReadCapacityUnits), aws.ToInt64(p.WriteCapacityUnits)}
}

func cliOnDemandOf(p *types.OnDemandThroughput) *cliOnDemandMaximum {
	if p == nil {
		return nil
	}
	return &cliOnDemandMaximum{p.MaxReadRequestUnits, p.MaxWriteRequestUnits}
}

func cliWarmOf(p *types.WarmThroughput) *cliWarmThroughput {
	if p == nil {
		return nil
	}
	return &cliWarmThroughput{p.ReadUnitsPerSecond, p.WriteUnitsPerSecond}
}

// fromDescription turns a table description (DescribeTable's answer, or
// describe-table's JSON) into the request that creates the same table.
// What a description reports but a definition does not hold (status, sizes,
// ARNs, warm throughput, an on-demand table's zero capacity) is left out.
func fromDescription(d *types.TableDescription) dynamodb.CreateTableInput {
	in := dynamodb.CreateTableInput{
		TableName:            d.TableName,
		AttributeDefinitions: d.AttributeDefinitions,
		KeySchema:            d.KeySchema,
		OnDemandThroughput:   d.OnDemandThroughput,
	}
	// Defaults (provisioned billing, no deletion protection) are left
	// implicit, as in a hand-written file.
	onDemand := d.BillingModeSummary != nil && d.BillingModeSummary.BillingMode == types.BillingModePayPerRequest
	if onDemand {
		in.BillingMode = types.BillingModePayPerRequest
	}
	if aws.ToBool(d.DeletionProtectionEnabled) {
		in.DeletionProtectionEnabled = aws.Bool(true)
	}
	in.ProvisionedThroughput = requestThroughput(d.ProvisionedThroughput, onDemand)
	for _, ix := range d.LocalSecondaryIndexes {
		in.LocalSecondaryIndexes = append(in.LocalSecondaryIndexes, types.LocalSecondaryIndex{
			IndexName: ix.IndexName, KeySchema: ix.KeySchema, Projection: ix.Projection,
		})
	}
	for _, ix := range d.GlobalSecondaryIndexes {
		in.GlobalSecondaryIndexes = append(in.GlobalSecondaryIndexes, types.GlobalSecondaryIndex{
			IndexName:             ix.IndexName,
			KeySchema:             ix.KeySchema,
			Projection:            ix.Projection,
			ProvisionedThroughput: requestThroughput(ix.ProvisionedThroughput, onDemand),
			OnDemandThroughput:    ix.OnDemandThroughput,
		})
	}
	if s := d.StreamSpecification; s != nil && aws.ToBool(s.StreamEnabled) {
		in.StreamSpecification = &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: s.StreamViewType}
	}
	if sse := d.SSEDescription; sse != nil && (sse.Status == types.SSEStatusEnabled || sse.Status == types.SSEStatusEnabling) {
		in.SSESpecification = &types.SSESpecification{Enabled: aws.Bool(true), SSEType: sse.SSEType}
		if sse.SSEType == types.SSETypeKms {
			in.SSESpecification.KMSMasterKeyId = sse.KMSMasterKeyArn
		}
	}
	if d.TableClassSummary != nil && d.TableClassSummary.TableClass != "" {
		in.TableClass = d.TableClassSummary.TableClass
	}
	return in
}

// requestThroughput keeps described provisioned throughput for a
// provisioned table; an on-demand table reports zeros a request must not
// carry.
func requestThroughput(p *types.ProvisionedThroughputDescription, onDemand bool) *types.ProvisionedThroughput {
	if p == nil || onDemand || aws.ToInt64(p.ReadCapacityUnits) == 0 {
		return nil
	}
	return &types.ProvisionedThroughput{ReadCapacityUnits: p.ReadCapacityUnits, WriteCapacityUnits: p.WriteCapacityUnits}
}

// dropDates removes every "...DateTime" field from decoded JSON: the CLI
// prints them as epoch numbers, which the SDK's time fields do not decode,
// and no definition needs them.
func dropDates(v any) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if strings.HasSuffix(k, "DateTime") {
				delete(x, k)
				continue
			}
			dropDates(e)
		}
	case []any:
		for _, e := range x {
			dropDates(e)
		}
	}
}
