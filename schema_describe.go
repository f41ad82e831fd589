package dynamodel

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go"
)

// DescribeSchema captures a live table's definition as a Schema: what
// DescribeTable reports, in create-table form, with the table's tags when
// the engine keeps them. Written out with json.Marshal, it is a file Apply
// (and the AWS CLI) takes to create the same table elsewhere. With
// ApplyOptions.TablePrefix or TableSuffix, the live table is the prefixed
// one and the schema gets the bare name.
func DescribeSchema(ctx context.Context, client TableAPI, table string, optFns ...func(*ApplyOptions)) (*Schema, error) {
	o := applyOptions(optFns)
	name := o.TablePrefix + table + o.TableSuffix
	live, err := describe(ctx, client, name, o)
	if err != nil {
		return nil, err
	}
	if live == nil {
		return nil, fmt.Errorf("dynamodel: DescribeTable %s: %w", name, ErrTableNotFound)
	}
	s := &Schema{Source: "table " + name, input: fromDescription(live)}
	s.input.TableName = aws.String(table)
	if arn := aws.ToString(live.TableArn); arn != "" {
		in := &dynamodb.ListTagsOfResourceInput{ResourceArn: &arn}
		for {
			out, err := client.ListTagsOfResource(ctx, in, o.ClientOptions...)
			var apiErr smithy.APIError
			if errors.As(err, &apiErr) && apiErr.ErrorCode() == "UnknownOperationException" {
				break // an engine without tags
			}
			if err != nil {
				return nil, fmt.Errorf("dynamodel: ListTagsOfResource %s: %w", name, err)
			}
			s.input.Tags = append(s.input.Tags, out.Tags...)
			if out.NextToken == nil {
				break
			}
			in.NextToken = out.NextToken
		}
	}
	if p, msg := validateTable(&s.input); msg != "" {
		return nil, &SchemaError{File: s.Source, Path: p, Msg: msg}
	}
	return s, nil
}
