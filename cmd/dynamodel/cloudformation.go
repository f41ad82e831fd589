package main

import (
	"context"
	"fmt"

	"github.com/dynamodel/dynamodel/schema"
)

// runCloudFormation prints a CloudFormation template with one
// AWS::DynamoDB::Table resource per table, in YAML or (-format json) JSON.
func runCloudFormation(_ context.Context, inv *invocation) int {
	tpl, err := schema.CloudFormation(inv.tables, inv.schemaOptions)
	if err != nil {
		return inv.fail(err)
	}
	var out []byte
	switch inv.opts.format {
	case "yaml", "":
		out, err = tpl.YAML()
	case "json":
		out, err = tpl.JSON()
	default:
		return inv.usage(fmt.Errorf("-format %s: want yaml or json", inv.opts.format))
	}
	if err != nil {
		return inv.fail(err)
	}
	_, err = inv.stdout.Write(out)
	if err != nil {
		return inv.fail(err)
	}
	return 0
}
