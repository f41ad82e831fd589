package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"unicode"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"go.yaml.in/yaml/v3"
)

// TableResourceType is the CloudFormation type of a DynamoDB table.
const TableResourceType = "AWS::DynamoDB::Table"

// templateDescription is the Description of the templates CloudFormation
// writes.
const templateDescription = "DynamoDB tables, written by dynamodel"

// A Template is a CloudFormation template with one AWS::DynamoDB::Table
// resource per table. Write it with JSON or YAML (or json.Marshal,
// yaml.Marshal).
type Template struct {
	Resources []*Resource // in the order of the tables
}

// A Resource is one table's AWS::DynamoDB::Table resource. It marshals
// (json.Marshal, yaml.Marshal) as the resource's body: Type, DependsOn,
// DeletionPolicy, UpdateReplacePolicy and Properties, the table's settings
// under CloudFormation's names.
type Resource struct {
	// LogicalID is the resource's name in the template: the table's
	// (see Table.LogicalID).
	LogicalID string
	// DependsOn is the logical id of the table with secondary indexes
	// before this one in the template, when this one has some: such tables
	// are made one after the other.
	DependsOn string

	props cfnTable
}

// CloudFormation returns a template that makes the tables: one
// AWS::DynamoDB::Table resource each, in order, with every setting of its
// file under CloudFormation's names (SSESpecification.SSEEnabled for the
// API's Enabled, StreamSpecification with only StreamViewType...), tables
// with secondary indexes chained by DependsOn. Options.TablePrefix and
// TableSuffix go into the table names; Options.TimeToLive and
// PointInTimeRecovery give TimeToLiveSpecification and
// PointInTimeRecoverySpecification. Every table is kept when its stack is
// deleted or it is replaced (DeletionPolicy and UpdateReplacePolicy
// Retain). A table read from a template that gave some of its properties
// through intrinsic functions, or properties the loader does not read
// (ContributorInsightsSpecification...), is an *Error naming them: the
// template written would lose them.
func CloudFormation(tables []*Table, optFns ...func(*Options)) (*Template, error) {
	o := collectOptions(optFns)
	tpl := &Template{}
	ids := map[string]string{}
	previous := ""
	for _, t := range tables {
		r, err := t.resource(o)
		if err != nil {
			return nil, err
		}
		if other, dup := ids[r.LogicalID]; dup {
			return nil, &Error{File: t.Source, Path: "TableName", Msg: fmt.Sprintf("table %s and table %s have the same CloudFormation logical id %s", other, t.Name(), r.LogicalID)}
		}
		ids[r.LogicalID] = t.Name()
		if len(t.input.GlobalSecondaryIndexes)+len(t.input.LocalSecondaryIndexes) > 0 {
			r.DependsOn, previous = previous, r.LogicalID
		}
		tpl.Resources = append(tpl.Resources, r)
	}
	return tpl, nil
}

// CloudFormation returns the table's AWS::DynamoDB::Table resource, as
// the function CloudFormation writes it in a template of its own.
func (t *Table) CloudFormation(optFns ...func(*Options)) (*Resource, error) {
	return t.resource(collectOptions(optFns))
}

// LogicalID returns the logical id of the table's resource in a
// CloudFormation template: the one its template gave it, else the table's
// name in CamelCase, letters and digits only, with "Table" after it
// ("game-scores" is GameScoresTable; a name starting with a digit gets
// "Table" in front instead). It depends only on the name, so it stays the
// same from one template to the next.
func (t *Table) LogicalID() string {
	if t.logicalID != "" {
		return t.logicalID
	}
	return logicalID(t.Name())
}

// maxLogicalID is the longest logical id CloudFormation takes.
const maxLogicalID = 255

func logicalID(name string) string {
	var b strings.Builder
	upper := true
	for _, r := range name {
		switch {
		case r > unicode.MaxASCII || !(unicode.IsLetter(r) || unicode.IsDigit(r)):
			upper = true
		case upper:
			b.WriteRune(unicode.ToUpper(r))
			upper = false
		default:
			b.WriteRune(r)
		}
	}
	id := b.String()
	if id == "" || unicode.IsDigit(rune(id[0])) {
		id = "Table" + id
	} else {
		id += "Table"
	}
	if len(id) > maxLogicalID {
		h := fnv.New32a()
		h.Write([]byte(name))
		id = fmt.Sprintf("%s%08X", id[:maxLogicalID-8], h.Sum32())
	}
	return id
}

// resource builds t's resource under o.
func (t *Table) resource(o Options) (*Resource, error) {
	if err := checkOptions(t, o); err != nil {
		return nil, err
	}
	if dropped := droppedUnder(t, o); len(dropped) > 0 {
		return nil, &Error{File: t.Source, Path: "Resources." + t.LogicalID() + ".Properties", Msg: fmt.Sprintf(
			"%s: given by intrinsic functions, or not read by the loader, so a template written from the table would lose them: deploy the template itself",
			strings.Join(dropped, ", "))}
	}
	name := o.TableName(t)
	props, err := cfnProperties(&t.input, name)
	if err != nil {
		return nil, &Error{File: t.Source, Path: "ResourcePolicy", Msg: err.Error()}
	}
	want := wantState(t, o)
	if want.ttl != nil {
		props.TimeToLiveSpecification = &cfnTTL{AttributeName: *want.ttl, Enabled: *want.ttl != ""}
	}
	if want.pitr != nil {
		props.PointInTimeRecoverySpecification = &cfnPITR{PointInTimeRecoveryEnabled: *want.pitr}
	}
	return &Resource{LogicalID: t.LogicalID(), props: props}, nil
}

// droppedUnder returns the properties of t's template that t lacks and
// the options do not give.
func droppedUnder(t *Table, o Options) []string {
	_, ttl := o.TimeToLive[t.Name()]
	return slices.DeleteFunc(slices.Clone(t.dropped), func(p string) bool {
		return (ttl && p == "TimeToLiveSpecification") || (o.PointInTimeRecovery && p == "PointInTimeRecoverySpecification")
	})
}

// JSON writes the template as indented JSON.
func (tpl *Template) JSON() ([]byte, error) {
	out, err := json.MarshalIndent(tpl, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

// YAML writes the template as YAML.
func (tpl *Template) YAML() ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(tpl); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// document is the template in the order it is written.
func (tpl *Template) document() ordered {
	resources := ordered{}
	for _, r := range tpl.Resources {
		resources.add(r.LogicalID, r)
	}
	doc := ordered{}
	doc.add("AWSTemplateFormatVersion", "2010-09-09")
	doc.add("Description", templateDescription)
	doc.add("Resources", resources)
	return doc
}

// MarshalJSON writes the template as JSON.
func (tpl *Template) MarshalJSON() ([]byte, error) { return tpl.document().MarshalJSON() }

// MarshalYAML writes the template as YAML (for yaml.Marshal).
func (tpl *Template) MarshalYAML() (any, error) {
	node, err := tpl.document().MarshalYAML()
	if err != nil {
		return nil, err
	}
	quoteYAML11(node.(*yaml.Node))
	return node, nil
}

// quoteYAML11 quotes the plain scalars YAML 1.1 readers (PyYAML, so
// cfn-lint, sam and aws cloudformation package) resolve to types they
// cannot construct: "=" (the value type) and "<<" (a merge key where a
// value stands). YAML 1.2 writers leave both plain.
func quoteYAML11(n *yaml.Node) {
	if n.Kind == yaml.ScalarNode && n.Style == 0 && (n.Value == "=" || n.Value == "<<") {
		n.Style, n.Tag = yaml.DoubleQuotedStyle, "!!str"
	}
	for _, c := range n.Content {
		quoteYAML11(c)
	}
}

// resourceBody is the resource as the template holds it.
type resourceBody struct {
	Type                string   `json:"Type" yaml:"Type"`
	DependsOn           string   `json:"DependsOn,omitempty" yaml:"DependsOn,omitempty"`
	DeletionPolicy      string   `json:"DeletionPolicy" yaml:"DeletionPolicy"`
	UpdateReplacePolicy string   `json:"UpdateReplacePolicy" yaml:"UpdateReplacePolicy"`
	Properties          cfnTable `json:"Properties" yaml:"Properties"`
}

func (r *Resource) body() resourceBody {
	return resourceBody{Type: TableResourceType, DependsOn: r.DependsOn, DeletionPolicy: "Retain", UpdateReplacePolicy: "Retain", Properties: r.props}
}

// MarshalJSON writes the resource's body as JSON.
func (r *Resource) MarshalJSON() ([]byte, error) { return json.Marshal(r.body()) }

// MarshalYAML writes the resource's body as YAML (for yaml.Marshal).
func (r *Resource) MarshalYAML() (any, error) {
	var node yaml.Node
	if err := node.Encode(r.body()); err != nil {
		return nil, err
	}
	quoteYAML11(&node)
	return &node, nil
}

// ordered is a JSON object or YAML mapping that keeps its keys in order.
type ordered struct {
	keys []string
	vals []any
}

func (m *ordered) add(k string, v any) {
	m.keys = append(m.keys, k)
	m.vals = append(m.vals, v)
}

func (m ordered) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, k := range m.keys {
		if i > 0 {
			buf.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		buf.Write(kb)
		buf.WriteByte(':')
		vb, err := json.Marshal(m.vals[i])
		if err != nil {
			return nil, err
		}
		buf.Write(vb)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

func (m ordered) MarshalYAML() (any, error) {
	node := &yaml.Node{Kind: yaml.MappingNode}
	for i, k := range m.keys {
		var v yaml.Node
		if err := v.Encode(m.vals[i]); err != nil {
			return nil, err
		}
		node.Content = append(node.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: k}, &v)
	}
	return node, nil
}

// The properties of AWS::DynamoDB::Table, in CloudFormation's names.
type cfnTable struct {
	TableName                        string              `json:"TableName" yaml:"TableName"`
	AttributeDefinitions             []cfnAttribute      `json:"AttributeDefinitions" yaml:"AttributeDefinitions"`
	KeySchema                        []cliKey            `json:"KeySchema" yaml:"KeySchema"`
	BillingMode                      string              `json:"BillingMode,omitempty" yaml:"BillingMode,omitempty"`
	ProvisionedThroughput            *cliThroughput      `json:"ProvisionedThroughput,omitempty" yaml:"ProvisionedThroughput,omitempty"`
	OnDemandThroughput               *cliOnDemandMaximum `json:"OnDemandThroughput,omitempty" yaml:"OnDemandThroughput,omitempty"`
	WarmThroughput                   *cliWarmThroughput  `json:"WarmThroughput,omitempty" yaml:"WarmThroughput,omitempty"`
	GlobalSecondaryIndexes           []cfnGlobalIndex    `json:"GlobalSecondaryIndexes,omitempty" yaml:"GlobalSecondaryIndexes,omitempty"`
	LocalSecondaryIndexes            []cfnLocalIndex     `json:"LocalSecondaryIndexes,omitempty" yaml:"LocalSecondaryIndexes,omitempty"`
	StreamSpecification              *cfnStream          `json:"StreamSpecification,omitempty" yaml:"StreamSpecification,omitempty"`
	SSESpecification                 *cfnSSE             `json:"SSESpecification,omitempty" yaml:"SSESpecification,omitempty"`
	TimeToLiveSpecification          *cfnTTL             `json:"TimeToLiveSpecification,omitempty" yaml:"TimeToLiveSpecification,omitempty"`
	PointInTimeRecoverySpecification *cfnPITR            `json:"PointInTimeRecoverySpecification,omitempty" yaml:"PointInTimeRecoverySpecification,omitempty"`
	TableClass                       string              `json:"TableClass,omitempty" yaml:"TableClass,omitempty"`
	DeletionProtectionEnabled        *bool               `json:"DeletionProtectionEnabled,omitempty" yaml:"DeletionProtectionEnabled,omitempty"`
	ResourcePolicy                   *cfnResourcePolicy  `json:"ResourcePolicy,omitempty" yaml:"ResourcePolicy,omitempty"`
	Tags                             []cliTag            `json:"Tags,omitempty" yaml:"Tags,omitempty"`
}

type cfnAttribute = cliAttribute

// CloudFormation writes indexes as the create-table file does.
type (
	cfnGlobalIndex = cliGlobalIndex
	cfnLocalIndex  = cliLocalIndex
)

type cfnStream struct {
	StreamViewType string `json:"StreamViewType" yaml:"StreamViewType"`
}

type cfnSSE struct {
	SSEEnabled     bool   `json:"SSEEnabled" yaml:"SSEEnabled"`
	SSEType        string `json:"SSEType,omitempty" yaml:"SSEType,omitempty"`
	KMSMasterKeyId string `json:"KMSMasterKeyId,omitempty" yaml:"KMSMasterKeyId,omitempty"`
}

type cfnTTL struct {
	AttributeName string `json:"AttributeName,omitempty" yaml:"AttributeName,omitempty"`
	Enabled       bool   `json:"Enabled" yaml:"Enabled"`
}

type cfnPITR struct {
	PointInTimeRecoveryEnabled bool `json:"PointInTimeRecoveryEnabled" yaml:"PointInTimeRecoveryEnabled"`
}

type cfnResourcePolicy struct {
	PolicyDocument any `json:"PolicyDocument" yaml:"PolicyDocument"`
}

// cfnProperties translates a CreateTable request into the resource's
// properties, named name.
func cfnProperties(in *dynamodb.CreateTableInput, name string) (cfnTable, error) {
	cli := cliInput(in)
	p := cfnTable{
		TableName:                 name,
		AttributeDefinitions:      cli.AttributeDefinitions,
		KeySchema:                 cli.KeySchema,
		BillingMode:               cli.BillingMode,
		ProvisionedThroughput:     cli.ProvisionedThroughput,
		OnDemandThroughput:        cli.OnDemandThroughput,
		WarmThroughput:            cli.WarmThroughput,
		TableClass:                cli.TableClass,
		DeletionProtectionEnabled: cli.DeletionProtectionEnabled,
		Tags:                      cli.Tags,
		GlobalSecondaryIndexes:    cli.GlobalSecondaryIndexes,
		LocalSecondaryIndexes:     cli.LocalSecondaryIndexes,
	}
	if s := in.StreamSpecification; s != nil && aws.ToBool(s.StreamEnabled) {
		p.StreamSpecification = &cfnStream{StreamViewType: string(s.StreamViewType)}
	}
	if s := in.SSESpecification; s != nil {
		p.SSESpecification = &cfnSSE{SSEEnabled: aws.ToBool(s.Enabled), SSEType: string(s.SSEType), KMSMasterKeyId: aws.ToString(s.KMSMasterKeyId)}
	}
	if in.ResourcePolicy != nil {
		doc, err := decodeJSON([]byte(*in.ResourcePolicy))
		if err != nil {
			return p, fmt.Errorf("not a JSON policy document: %v", err)
		}
		p.ResourcePolicy = &cfnResourcePolicy{PolicyDocument: plainNumbers(doc)}
	}
	return p, nil
}

// plainNumbers replaces json.Numbers in decoded JSON by int64 or float64,
// which YAML writes as numbers.
func plainNumbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		f, _ := x.Float64()
		return f
	case map[string]any:
		for k, e := range x {
			x[k] = plainNumbers(e)
		}
	case []any:
		for i, e := range x {
			x[i] = plainNumbers(e)
		}
	}
	return v
}
