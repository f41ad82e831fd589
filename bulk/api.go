package bulk

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/internal/retry"
)

// API is the part of the DynamoDB client Export and Import call.
// *dynamodb.Client satisfies it; so can a fake in tests.
type API interface {
	Scan(ctx context.Context, params *dynamodb.ScanInput, optFns ...func(*dynamodb.Options)) (*dynamodb.ScanOutput, error)
	BatchWriteItem(ctx context.Context, params *dynamodb.BatchWriteItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error)
	PutItem(ctx context.Context, params *dynamodb.PutItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	DescribeTable(ctx context.Context, params *dynamodb.DescribeTableInput, optFns ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error)
}

// The SDK's client is what API describes.
var _ API = (*dynamodb.Client)(nil)

// describer is the optional part of a repository's client that tells a
// table's item count, for progress.
type describer interface {
	DescribeTable(ctx context.Context, params *dynamodb.DescribeTableInput, optFns ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error)
}

// opError wraps err from operation op on table; a missing table also
// matches dynamodel.ErrTableNotFound.
func opError(op, table string, err error) error {
	var nf *types.ResourceNotFoundException
	if errors.As(err, &nf) && !errors.Is(err, dynamodel.ErrTableNotFound) {
		err = &markedError{sentinel: dynamodel.ErrTableNotFound, err: err}
	}
	return fmt.Errorf("bulk: %s %s: %w", op, table, err)
}

// markedError is err that also matches sentinel.
type markedError struct {
	sentinel, err error
}

func (e *markedError) Error() string {
	return strings.TrimPrefix(e.sentinel.Error(), "dynamodel: ") + ": " + e.err.Error()
}
func (e *markedError) Unwrap() []error { return []error{e.sentinel, e.err} }

// isConditionFailed reports whether err is a failed condition, and returns
// the item as it was when DynamoDB sends it.
func isConditionFailed(err error) (bool, map[string]types.AttributeValue) {
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return true, ccf.Item
	}
	return false, nil
}

// backoff waits before retry attempt (1 for the first retry): exponential
// from base, capped at ceiling, with full jitter.
func backoff(ctx context.Context, attempt int, base, ceiling time.Duration) error {
	return retry.Sleep(ctx, retry.Delay(attempt, base, ceiling))
}

// throttleAttempts is how many times a throttled request is sent before
// the error is returned; each send is itself retried by the SDK.
const throttleAttempts = 10

// retryThrottled calls do until it succeeds, fails otherwise than by
// throttling, or has been throttled throttleAttempts times.
func retryThrottled(ctx context.Context, do func() error) error {
	for attempt := 1; ; attempt++ {
		err := do()
		if err == nil || !retry.Throttled(err) || attempt >= throttleAttempts {
			return err
		}
		if err := backoff(ctx, attempt, 50*time.Millisecond, 5*time.Second); err != nil {
			return err
		}
	}
}
