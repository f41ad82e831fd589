package dynamotest

import (
	"context"
	"errors"
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

// Require skips tb, saying why, when the DB's engine does not support f.
// It asks the engine once per process (the answer is cached).
func (db *DB) Require(f Feature) {
	db.tb.Helper()
	if err := Supports(db.Engine, db.Client, f); err != nil {
		db.tb.Skipf("%s does not support %s: %v", db.Engine, f, err)
	}
}

// Supports returns nil when the engine supports f, or the engine's answer
// (UnknownOperationException) when it does not.
func Supports(e Engine, client *dynamodb.Client, f Feature) error {
	key := e.Endpoint + " " + string(f)
	if v, ok := probes.Load(key); ok {
		err, _ := v.(error)
		return err
	}
	err := probe(client, f)
	probes.Store(key, err)
	return err
}

// probe calls one operation of the feature on a table that does not exist:
// an engine with the operation says so (ResourceNotFoundException, or a
// validation error), one without says UnknownOperationException.
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
	}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) && apiErr.ErrorCode() == "UnknownOperationException" {
		return err
	}
	return nil
}
