package schema

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Diff reports how the live tables differ from their definitions, changing
// nothing: a missing table is ActionCreate, a table whose missing global
// secondary indexes Apply would add (with Options.AddIndexes) is
// ActionUpdate, and one that differs otherwise is ActionDiffers (and the
// error wraps ErrMismatch, as Apply's would).
func Diff(ctx context.Context, client API, tables []*Table, optFns ...func(*Options)) ([]Change, error) {
	return apply(ctx, client, tables, collectOptions(optFns), true)
}

// compareTable lists how a live table (as a create request) differs from
// its definition in what code depends on: keys and their types, local and
// global secondary indexes with their projections, and billing mode.
// Throughput, streams, tags and encryption are left to whoever manages them
// (and some local engines do not keep them).
func compareTable(t *Table, live dynamodb.CreateTableInput) []Difference {
	want := &t.input
	var out []Difference
	add := func(path, file, table string) {
		if file != table {
			out = append(out, Difference{Path: path, File: file, Live: table})
		}
	}
	add("KeySchema", renderKeys(want.KeySchema, want.AttributeDefinitions), renderKeys(live.KeySchema, live.AttributeDefinitions))

	wantLocal, wantGlobal := renderIndexes(want)
	liveLocal, liveGlobal := renderIndexes(&live)
	out = append(out, compareIndexes("LocalSecondaryIndexes", wantLocal, liveLocal)...)
	out = append(out, compareIndexes("GlobalSecondaryIndexes", wantGlobal, liveGlobal)...)

	add("BillingMode", billingMode(want.BillingMode), billingMode(live.BillingMode))
	return out
}

// renderIndexes renders a table's local and global secondary indexes, by
// name.
func renderIndexes(in *dynamodb.CreateTableInput) (local, global map[string]string) {
	local, global = map[string]string{}, map[string]string{}
	for _, ix := range in.LocalSecondaryIndexes {
		local[aws.ToString(ix.IndexName)] = renderIndex(ix.KeySchema, ix.Projection, in.AttributeDefinitions)
	}
	for _, ix := range in.GlobalSecondaryIndexes {
		global[aws.ToString(ix.IndexName)] = renderIndex(ix.KeySchema, ix.Projection, in.AttributeDefinitions)
	}
	return local, global
}

func compareIndexes(path string, want, live map[string]string) []Difference {
	var out []Difference
	for _, name := range sortedUnion(want, live) {
		if w, l := want[name], live[name]; w != l {
			out = append(out, Difference{Path: path + "[" + name + "]", File: w, Live: l})
		}
	}
	return out
}

func sortedUnion(a, b map[string]string) []string {
	var names []string
	for k := range a {
		names = append(names, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	return names
}

// renderKeys renders a key schema with attribute types: "email S HASH, at N RANGE".
func renderKeys(ks []types.KeySchemaElement, defs []types.AttributeDefinition) string {
	parts := make([]string, len(ks))
	for i, k := range ks {
		name := aws.ToString(k.AttributeName)
		var t types.ScalarAttributeType
		for _, d := range defs {
			if aws.ToString(d.AttributeName) == name {
				t = d.AttributeType
			}
		}
		parts[i] = fmt.Sprintf("%s %s %s", name, t, k.KeyType)
	}
	return strings.Join(parts, ", ")
}

func renderIndex(ks []types.KeySchemaElement, p *types.Projection, defs []types.AttributeDefinition) string {
	s := renderKeys(ks, defs)
	if p == nil {
		return s
	}
	s += "; projection " + string(p.ProjectionType)
	if len(p.NonKeyAttributes) > 0 {
		attrs := slices.Clone(p.NonKeyAttributes)
		slices.Sort(attrs)
		s += " " + strings.Join(attrs, " ")
	}
	return s
}

func billingMode(m types.BillingMode) string {
	if m == "" {
		return string(types.BillingModeProvisioned)
	}
	return string(m)
}
