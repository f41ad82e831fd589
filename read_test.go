package dynamodel_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/dynamotest"
)

// readRequest is what a read sent: its consistency and projection.
type readRequest struct {
	op         string
	consistent bool
	projection string
	names      map[string]string
}

// recordingReads is a stub that answers every read with nothing and
// records what each asked for.
func recordingReads(t *testing.T) (*stub, *[]readRequest) {
	s := newStub(t)
	var got []readRequest
	s.get = func(in *dynamodb.GetItemInput) (*dynamodb.GetItemOutput, error) {
		got = append(got, readRequest{"GetItem", aws.ToBool(in.ConsistentRead), aws.ToString(in.ProjectionExpression), in.ExpressionAttributeNames})
		return &dynamodb.GetItemOutput{}, nil
	}
	s.query = func(in *dynamodb.QueryInput) (*dynamodb.QueryOutput, error) {
		got = append(got, readRequest{"Query", aws.ToBool(in.ConsistentRead), aws.ToString(in.ProjectionExpression), in.ExpressionAttributeNames})
		return &dynamodb.QueryOutput{}, nil
	}
	s.scan = func(in *dynamodb.ScanInput) (*dynamodb.ScanOutput, error) {
		got = append(got, readRequest{"Scan", aws.ToBool(in.ConsistentRead), aws.ToString(in.ProjectionExpression), in.ExpressionAttributeNames})
		return &dynamodb.ScanOutput{}, nil
	}
	s.batchGet = func(in *dynamodb.BatchGetItemInput) (*dynamodb.BatchGetItemOutput, error) {
		for _, ka := range in.RequestItems {
			got = append(got, readRequest{"BatchGetItem", aws.ToBool(ka.ConsistentRead), aws.ToString(ka.ProjectionExpression), ka.ExpressionAttributeNames})
		}
		return &dynamodb.BatchGetItemOutput{}, nil
	}
	s.txGet = func(in *dynamodb.TransactGetItemsInput) (*dynamodb.TransactGetItemsOutput, error) {
		for _, it := range in.TransactItems {
			got = append(got, readRequest{"TransactGetItems", true, aws.ToString(it.Get.ProjectionExpression), it.Get.ExpressionAttributeNames})
		}
		return &dynamodb.TransactGetItemsOutput{}, nil
	}
	return s, &got
}

// TestEveryReadTakesTheSameReadOptions asks every read for a consistent
// read and a projection the same way: dynamodel.ConsistentRead, and the
// Projection field every read's options have. QueryCount and ScanCount read
// no attributes, so they send no projection.
func TestEveryReadTakesTheSameReadOptions(t *testing.T) {
	s, got := recordingReads(t)
	docs, err := dynamodel.NewRepository[Doc](s, "Docs")
	require.NoError(t, err)
	ctx := context.Background()
	want := []string{"name", "count"}
	get := func(o *dynamodel.GetOptions) { o.Projection = want }
	query := func(o *dynamodel.QueryOptions) { o.Projection = want }
	scan := func(o *dynamodel.ScanOptions) { o.Projection = want }
	batch := func(o *dynamodel.BatchGetOptions) { o.Projection = want }

	_, _ = docs.Get(ctx, "d1", dynamodel.ConsistentRead, get)
	_, _, _ = docs.Lookup(ctx, "d1", dynamodel.ConsistentRead, get)
	_, _ = dynamodel.First(docs.Query(ctx, dynamodel.Partition("d1"), dynamodel.ConsistentRead, query))
	_, _ = docs.QueryPage(ctx, dynamodel.Partition("d1"), dynamodel.ConsistentRead, query)
	_, _ = docs.QueryCount(ctx, dynamodel.Partition("d1"), dynamodel.ConsistentRead, query)
	_, _ = dynamodel.First(docs.Scan(ctx, dynamodel.ConsistentRead, scan))
	_, _ = docs.ScanPage(ctx, dynamodel.ConsistentRead, scan)
	_, _ = docs.ScanCount(ctx, dynamodel.ConsistentRead, scan)
	_, _ = docs.BatchGet(ctx, []any{"d1"}, dynamodel.ConsistentRead, batch)
	require.NoError(t, dynamodel.TransactGet(ctx, s, []dynamodel.TxGetAction{docs.TxGet("d1", dynamodel.ConsistentRead, get)}))

	names := map[string]string{"#n0": "name", "#n1": "count"}
	pk := map[string]string{"#n0": "id"} // a query's key condition names the partition key first
	assert.Equal(t, []readRequest{
		{"GetItem", true, "#n0, #n1", names},
		{"GetItem", true, "#n0, #n1", names},
		{"Query", true, "#n1, #n2", map[string]string{"#n0": "id", "#n1": "name", "#n2": "count"}},
		{"Query", true, "#n1, #n2", map[string]string{"#n0": "id", "#n1": "name", "#n2": "count"}},
		{"Query", true, "", pk},
		{"Scan", true, "#n0, #n1", names},
		{"Scan", true, "#n0, #n1", names},
		{"Scan", true, "", nil},
		{"BatchGetItem", true, "#n0, #n1, #n2", map[string]string{"#n0": "id", "#n1": "name", "#n2": "count"}}, // and the key
		{"TransactGetItems", true, "#n0, #n1", names},
	}, *got)
}

// TestReadsStartFromTheRepositoryConsistency checks that every read starts
// from Options.ConsistentRead, and that a call's options can turn it off.
func TestReadsStartFromTheRepositoryConsistency(t *testing.T) {
	s, got := recordingReads(t)
	docs, err := dynamodel.NewRepository[Doc](s, "Docs", func(o *dynamodel.Options) { o.ConsistentRead = true })
	require.NoError(t, err)
	ctx := context.Background()
	_, _ = docs.Get(ctx, "d1")
	_, _ = dynamodel.First(docs.Query(ctx, dynamodel.Partition("d1")))
	_, _ = docs.ScanCount(ctx)
	_, _ = docs.BatchGet(ctx, []any{"d1"})
	_, _ = docs.Get(ctx, "d1", func(o *dynamodel.GetOptions) { o.ConsistentRead = false })
	_, _ = docs.BatchGet(ctx, []any{"d1"}, func(o *dynamodel.BatchGetOptions) { o.ConsistentRead = false })
	var consistent []bool
	for _, r := range *got {
		consistent = append(consistent, r.consistent)
	}
	assert.Equal(t, []bool{true, true, true, true, false, false}, consistent)
}

// ConsistentRead is one generic function: Go infers its options type from
// the read it is passed to.
var (
	_ func(*dynamodel.GetOptions)      = dynamodel.ConsistentRead
	_ func(*dynamodel.QueryOptions)    = dynamodel.ConsistentRead
	_ func(*dynamodel.ScanOptions)     = dynamodel.ConsistentRead
	_ func(*dynamodel.BatchGetOptions) = dynamodel.ConsistentRead
)

// TestCountsIgnoreTheProjectionIntegration counts with a projection set, as
// options shared with other reads may have: a count reads no attributes,
// and DynamoDB rejects a request whose attribute names go unused.
func TestCountsIgnoreTheProjectionIntegration(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		docs := repo[Doc](t, db, "Docs")
		for _, d := range []Doc{{ID: "a", Name: "A"}, {ID: "b", Name: "B"}} {
			_, err := docs.Put(ctx, d)
			require.NoError(t, err)
		}
		n, err := docs.QueryCount(ctx, dynamodel.Partition("a"), func(o *dynamodel.QueryOptions) { o.Projection = []string{"name"} })
		require.NoError(t, err)
		assert.Equal(t, 1, n)
		n, err = docs.ScanCount(ctx, func(o *dynamodel.ScanOptions) { o.Projection = []string{"name"} })
		require.NoError(t, err)
		assert.Equal(t, 2, n)
	})
}
