package schema

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"github.com/dynamodel/dynamodel/internal/names"
)

// Describe captures a live table's definition as a Table: what
// DescribeTable reports, in create-table form, with the table's tags when
// the engine keeps them. Written out with json.Marshal, it is a file Apply
// (and the AWS CLI) takes to create the same table elsewhere. With
// Options.TablePrefix or TableSuffix, the live table is the prefixed one and
// the definition gets the bare name. A table that does not exist is an
// error wrapping the SDK's *types.ResourceNotFoundException; a name
// DynamoDB would refuse (with prefix and suffix) is an error wrapping
// ErrInvalid, before any call.
func Describe(ctx context.Context, client API, table string, optFns ...func(*Options)) (*Table, error) {
	o := collectOptions(optFns)
	name := o.TablePrefix + table + o.TableSuffix
	if msg := names.Check(name); msg != "" {
		return nil, fmt.Errorf("%w: table name %q: %s", ErrInvalid, name, msg)
	}
	out, err := client.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: &name}, o.ClientOptions...)
	var nf *types.ResourceNotFoundException
	if errors.As(err, &nf) {
		return nil, fmt.Errorf("dynamodel: DescribeTable %s: table not found: %w", name, err)
	}
	if err != nil {
		return nil, fmt.Errorf("dynamodel: DescribeTable %s: %w", name, err)
	}
	live := out.Table
	t := &Table{Source: "table " + name, input: fromDescription(live)}
	t.input.TableName = aws.String(table)
	tags, err := liveTags(ctx, client, aws.ToString(live.TableArn), o)
	if err != nil {
		return nil, fmt.Errorf("dynamodel: ListTagsOfResource %s: %w", name, err)
	}
	// AWS's own tags (aws:cloudformation:stack-name...) are its to set: a
	// file with them could create no table.
	t.input.Tags = slices.DeleteFunc(tags, func(tag types.Tag) bool { return reservedTag(aws.ToString(tag.Key)) })
	if err := validate(t.Source, &t.input); err != nil {
		return nil, err
	}
	return t, nil
}

// liveTags returns the tags of the resource arn; none for an engine
// without tags.
func liveTags(ctx context.Context, client API, arn string, o Options) ([]types.Tag, error) {
	if arn == "" {
		return nil, nil
	}
	var tags []types.Tag
	in := &dynamodb.ListTagsOfResourceInput{ResourceArn: &arn}
	for {
		out, err := client.ListTagsOfResource(ctx, in, o.ClientOptions...)
		var apiErr smithy.APIError
		if errors.As(err, &apiErr) && apiErr.ErrorCode() == "UnknownOperationException" {
			return nil, nil // an engine without tags
		}
		if err != nil {
			return nil, err
		}
		tags = append(tags, out.Tags...)
		if out.NextToken == nil {
			return tags, nil
		}
		in.NextToken = out.NextToken
	}
}

// liveTable returns the table's description, or nil when it does not exist.
func liveTable(ctx context.Context, client API, name string, o Options) (*types.TableDescription, error) {
	out, err := client.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: &name}, o.ClientOptions...)
	var nf *types.ResourceNotFoundException
	if errors.As(err, &nf) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("dynamodel: DescribeTable %s: %w", name, err)
	}
	return out.Table, nil
}
