package schema

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
)

// state is what Apply compares: a table's definition, or a live table as
// the engine describes it, in create-table form, with the settings a
// create-table input cannot hold.
type state struct {
	in  dynamodb.CreateTableInput
	arn string // live: the table's ARN, for tags
	// live: the table's status: ACTIVE with its indexes (isActive), or
	// being deleted
	active, deleting bool
	tags             map[string]string // the table's tags
	ttl              *string           // the time-to-live attribute, "" when off; nil: not managed
	pitr             *bool             // point-in-time recovery; nil: not managed

	unmanaged map[string]bool // definition: settings Apply leaves alone
}

// wantState is what t, under o, asks for.
func wantState(t *Table, o Options) *state {
	s := &state{in: t.input, ttl: t.timeToLive, pitr: t.pitr, tags: tagMap(t.input.Tags), unmanaged: map[string]bool{}}
	for _, p := range t.unmanaged {
		s.unmanaged[p] = true
	}
	// The options win over a template that gave the setting through an
	// intrinsic function.
	if attr, ok := o.TimeToLive[t.Name()]; ok {
		s.ttl = &attr
		delete(s.unmanaged, "TimeToLive")
	}
	if o.PointInTimeRecovery {
		s.pitr = aws.Bool(true)
		delete(s.unmanaged, "PointInTimeRecovery")
	}
	return s
}

// readState reads the live table called name: its description, its tags,
// and the time to live and point-in-time recovery want manages. It returns
// nil when the table does not exist.
func readState(ctx context.Context, client API, name string, want *state, o Options) (*state, error) {
	d, err := liveTable(ctx, client, name, o)
	if err != nil || d == nil {
		return nil, err
	}
	s := &state{in: fromDescription(d), arn: aws.ToString(d.TableArn), active: isActive(d), deleting: d.TableStatus == types.TableStatusDeleting}
	s.in.WarmThroughput = tableWarm(d.WarmThroughput)
	for i, g := range d.GlobalSecondaryIndexes {
		s.in.GlobalSecondaryIndexes[i].WarmThroughput = indexWarm(g.WarmThroughput)
	}
	tags, err := liveTags(ctx, client, s.arn, o)
	if err != nil {
		return nil, fmt.Errorf("dynamodel: ListTagsOfResource %s: %w", name, err)
	}
	s.tags = tagMap(tags)
	if want.ttl != nil {
		if s.ttl, err = liveTimeToLive(ctx, client, name, o); err != nil {
			return nil, err
		}
	}
	if want.pitr != nil {
		if s.pitr, err = livePITR(ctx, client, name, o); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// liveTimeToLive returns the table's time-to-live attribute, "" when time
// to live is off (or the engine has no DescribeTimeToLive).
func liveTimeToLive(ctx context.Context, client API, name string, o Options) (*string, error) {
	out, err := client.DescribeTimeToLive(ctx, &dynamodb.DescribeTimeToLiveInput{TableName: &name}, o.ClientOptions...)
	if isUnknownOperation(err) {
		return aws.String(""), nil
	}
	if err != nil {
		return nil, fmt.Errorf("dynamodel: DescribeTimeToLive %s: %w", name, err)
	}
	d := out.TimeToLiveDescription
	if d == nil || (d.TimeToLiveStatus != types.TimeToLiveStatusEnabled && d.TimeToLiveStatus != types.TimeToLiveStatusEnabling) {
		return aws.String(""), nil
	}
	return aws.String(aws.ToString(d.AttributeName)), nil
}

// livePITR reports whether point-in-time recovery is on (false when the
// engine has no DescribeContinuousBackups).
func livePITR(ctx context.Context, client API, name string, o Options) (*bool, error) {
	out, err := client.DescribeContinuousBackups(ctx, &dynamodb.DescribeContinuousBackupsInput{TableName: &name}, o.ClientOptions...)
	if isUnknownOperation(err) {
		return aws.Bool(false), nil
	}
	if err != nil {
		return nil, fmt.Errorf("dynamodel: DescribeContinuousBackups %s: %w", name, err)
	}
	d := out.ContinuousBackupsDescription
	on := d != nil && d.PointInTimeRecoveryDescription != nil &&
		d.PointInTimeRecoveryDescription.PointInTimeRecoveryStatus == types.PointInTimeRecoveryStatusEnabled
	return &on, nil
}

func tableWarm(d *types.TableWarmThroughputDescription) *types.WarmThroughput {
	if d == nil {
		return nil
	}
	return &types.WarmThroughput{ReadUnitsPerSecond: d.ReadUnitsPerSecond, WriteUnitsPerSecond: d.WriteUnitsPerSecond}
}

func indexWarm(d *types.GlobalSecondaryIndexWarmThroughputDescription) *types.WarmThroughput {
	if d == nil {
		return nil
	}
	return &types.WarmThroughput{ReadUnitsPerSecond: d.ReadUnitsPerSecond, WriteUnitsPerSecond: d.WriteUnitsPerSecond}
}

// tagMap turns tags into a map, leaving out the aws: tags AWS itself sets
// (CloudFormation's, for one), which no one else may change. A key listed
// twice with different values (moto's TagResource adds a tag without
// replacing the old one) gets the values joined by "|", which matches no
// definition.
func tagMap(tags []types.Tag) map[string]string {
	m := map[string]string{}
	for _, t := range tags {
		k, v := aws.ToString(t.Key), aws.ToString(t.Value)
		if reservedTag(k) {
			continue
		}
		if old, seen := m[k]; seen && old != v {
			v = old + "|" + v
		}
		m[k] = v
	}
	return m
}

// reservedTag reports whether a tag key is AWS's own (aws:...), which no
// one else may set or change.
func reservedTag(key string) bool { return strings.HasPrefix(key, "aws:") }

// isUnknownOperation reports whether the engine answered that it has no
// such operation.
func isUnknownOperation(err error) bool {
	var apiErr smithy.APIError
	return errors.As(err, &apiErr) && apiErr.ErrorCode() == "UnknownOperationException"
}

// engineIgnores returns the engine's answer when it shows the engine does
// not support what a one-change request asked: it has no such operation, or
// it says the request carries none of the parameters it knows (dynalite's
// UpdateTable, given a stream, encryption, table class or deletion
// protection change). Any other error is a real failure.
func engineIgnores(err error) (string, bool) {
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		return "", false
	}
	code, msg := apiErr.ErrorCode(), apiErr.ErrorMessage()
	ignored := code == "UnknownOperationException" ||
		(code == "ValidationException" && strings.HasPrefix(msg, "At least one of ") && strings.HasSuffix(msg, " is required"))
	if !ignored {
		return "", false
	}
	if msg == "" {
		return code, true
	}
	return code + ": " + msg, true
}
