package dynamodel

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodel/dynamodel/schema"
)

// TTLAPI is the part of the DynamoDB client that turns expiry on.
// *dynamodb.Client has it; a Repository finds it on its client by type
// assertion, so API implementations without it still work for everything
// else.
type TTLAPI interface {
	UpdateTimeToLive(ctx context.Context, params *dynamodb.UpdateTimeToLiveInput, optFns ...func(*dynamodb.Options)) (*dynamodb.UpdateTimeToLiveOutput, error)
	DescribeTimeToLive(ctx context.Context, params *dynamodb.DescribeTimeToLiveInput, optFns ...func(*dynamodb.Options)) (*dynamodb.DescribeTimeToLiveOutput, error)
}

var _ TTLAPI = (*dynamodb.Client)(nil)

// EnableTTL turns on DynamoDB's time to live for the table, on the model's
// TTL attribute (the field tagged `dynamodel:"ttl"`): items are then deleted
// some time after the epoch second stored there. It does nothing when TTL is
// already on for that attribute, and fails (schema.ErrMismatch) when it is
// on for another one.
func (r *Repository[T]) EnableTTL(ctx context.Context) error {
	a, ok := r.model.WithRole(RoleTTL)
	if !ok {
		return fmt.Errorf("%w %v: no field is tagged `dynamodel:\"ttl\"`", ErrInvalidModel, r.model.typ)
	}
	api, ok := r.client.(TTLAPI)
	if !ok {
		return errors.New("dynamodel: EnableTTL: the repository's client cannot change TTL settings (it does not implement TTLAPI)")
	}
	d, err := api.DescribeTimeToLive(ctx, &dynamodb.DescribeTimeToLiveInput{TableName: &r.table}, r.opts.ClientOptions...)
	if err != nil {
		return r.opError("DescribeTimeToLive", nil, classify(err))
	}
	if desc := d.TimeToLiveDescription; desc != nil {
		current := aws.ToString(desc.AttributeName)
		switch desc.TimeToLiveStatus {
		case types.TimeToLiveStatusEnabled, types.TimeToLiveStatusEnabling:
			if current == a.Name {
				return nil
			}
			return r.opError("UpdateTimeToLive", nil, fmt.Errorf("%w: TTL is already on for attribute %q, not %q", schema.ErrMismatch, current, a.Name))
		}
	}
	_, err = api.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{
		TableName: &r.table,
		TimeToLiveSpecification: &types.TimeToLiveSpecification{
			AttributeName: aws.String(a.Name),
			Enabled:       aws.Bool(true),
		},
	}, r.opts.ClientOptions...)
	if err != nil {
		return r.opError("UpdateTimeToLive", nil, classify(err))
	}
	return nil
}
