package dynamotest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
)

// Feature is an API some engines lack: dynalite, for one, has no
// transactions and no TTL.
type Feature string

// Features a test can require.
const (
	Transactions Feature = "transactions" // TransactWriteItems, TransactGetItems
	TTL          Feature = "TTL"          // UpdateTimeToLive, DescribeTimeToLive
)

var probes sync.Map // endpoint + feature -> error (nil: supported)

// Require skips tb, saying why, when the DB's engine does not support f,
// and fails it when the engine cannot be asked. It asks the engine once
// per process (the answer is cached), with a client of its own: not the
// DB's, whose options (Faults, hooks) are the test's.
func (db *DB) Require(f Feature) {
	db.tb.Helper()
	err := supports(db.Engine, func() *dynamodb.Client { return db.Engine.Client() }, f)
	var pe *probeError
	if errors.As(err, &pe) {
		db.tb.Fatalf("dynamotest: %v", err)
	}
	if err != nil {
		db.tb.Skipf("%s does not support %s: %v", db.Engine, f, err)
	}
}

// Supports returns nil when the engine supports f, or the engine's answer
// (UnknownOperationException) when it does not. When the engine gives no
// answer (it cannot be reached, or the probe times out) it returns that
// error, which is not cached: ask again later.
func Supports(e Engine, client *dynamodb.Client, f Feature) error {
	return supports(e, func() *dynamodb.Client { return client }, f)
}

func supports(e Engine, client func() *dynamodb.Client, f Feature) error {
	key := e.Endpoint + " " + string(f)
	if v, ok := probes.Load(key); ok {
		err, _ := v.(error)
		return err
	}
	err := probe(client(), f)
	var pe *probeError
	if !errors.As(err, &pe) {
		probes.Store(key, err)
	}
	return err
}

// probeError is a probe the engine gave no answer to.
type probeError struct {
	feature Feature
	err     error
}

func (e *probeError) Error() string {
	return fmt.Sprintf("asking whether the engine supports %s: %v", e.feature, e.err)
}

func (e *probeError) Unwrap() error { return e.err }

// probe calls one operation of the feature on a table that does not exist:
// an engine with the operation says so (ResourceNotFoundException, or a
// validation error), one without says UnknownOperationException. No answer
// at all is a *probeError.
func probe(client *dynamodb.Client, f Feature) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	table := aws.String("dynamotest-probe-missing")
	var err error
	switch f {
	case Transactions:
		_, err = client.TransactGetItems(ctx, &dynamodb.TransactGetItemsInput{TransactItems: []types.TransactGetItem{{
			Get: &types.Get{TableName: table, Key: map[string]types.AttributeValue{"k": &types.AttributeValueMemberS{Value: "k"}}},
		}}})
	case TTL:
		// dynalite has DescribeTimeToLive but not UpdateTimeToLive.
		_, err = client.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{TableName: table, TimeToLiveSpecification: &types.TimeToLiveSpecification{
			AttributeName: aws.String("ttl"), Enabled: aws.Bool(true),
		}})
	default:
		return &probeError{feature: f, err: errors.New("no such feature")}
	}
	var apiErr smithy.APIError
	switch {
	case err == nil:
		return nil
	case !errors.As(err, &apiErr):
		return &probeError{feature: f, err: err}
	case apiErr.ErrorCode() == "UnknownOperationException":
		return err
	}
	return nil
}
