package schema

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// A step is one call Apply makes to change a table: exactly one of the
// requests is set.
type step struct {
	table *dynamodb.UpdateTableInput
	ttl   *dynamodb.UpdateTimeToLiveInput
	tag   *dynamodb.TagResourceInput
	untag *dynamodb.UntagResourceInput
	pitr  *dynamodb.UpdateContinuousBackupsInput
}

// call names the step's operation.
func (s step) call() string {
	switch {
	case s.ttl != nil:
		return "UpdateTimeToLive"
	case s.tag != nil:
		return "TagResource"
	case s.untag != nil:
		return "UntagResource"
	case s.pitr != nil:
		return "UpdateContinuousBackups"
	}
	return "UpdateTable"
}

// reader names the operation that shows whether the step took.
func (s step) reader() string {
	switch {
	case s.ttl != nil:
		return "DescribeTimeToLive"
	case s.tag != nil, s.untag != nil:
		return "ListTagsOfResource"
	case s.pitr != nil:
		return "DescribeContinuousBackups"
	}
	return "DescribeTable"
}

// showsInStatus reports whether the table's status shows the step is done:
// an UpdateTable change keeps the table or an index out of ACTIVE until it
// is. The others take effect on their own time.
func (s step) showsInStatus() bool { return s.table != nil }

// send makes the call.
func (s step) send(ctx context.Context, client API, o Options) error {
	var err error
	switch {
	case s.ttl != nil:
		_, err = client.UpdateTimeToLive(ctx, s.ttl, o.ClientOptions...)
	case s.tag != nil:
		_, err = client.TagResource(ctx, s.tag, o.ClientOptions...)
	case s.untag != nil:
		_, err = client.UntagResource(ctx, s.untag, o.ClientOptions...)
	case s.pitr != nil:
		_, err = client.UpdateContinuousBackups(ctx, s.pitr, o.ClientOptions...)
	default:
		_, err = client.UpdateTable(ctx, s.table, o.ClientOptions...)
	}
	return err
}
