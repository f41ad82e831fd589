package dynamodel_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/schema"
)

// TestEntityIndexKeyTooLong: an index key rendered over DynamoDB's limit
// for a key value (2048 bytes for a partition key, 1024 for a sort key) is
// an *InvalidKeyError naming the index key's attribute, before any call,
// as the table's keys are.
func TestEntityIndexKeyTooLong(t *testing.T) {
	ctx := ctxT(t)
	sh := newShop(t, newStub(t), "single-table")
	customer := ShopCustomer{ID: "c1", Email: strings.Repeat("e", 2100), Name: "Ada"}
	order := ShopOrder{Customer: strings.Repeat("c", 1000), Number: 1, Status: "open", Placed: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)}
	for _, tc := range []struct {
		name, attr string
		err        error
	}{
		{"customer put", "GSI1PK", second(sh.customers.Put(ctx, customer))},
		{"customer create", "GSI1PK", second(sh.customers.Create(ctx, customer))},
		{"order put", "GSI1SK", second(sh.orders.Put(ctx, order))},
		{"table batch", "GSI1PK", second(sh.table.BatchPut(ctx, []dynamodel.Item{sh.customers.Item(customer)}))},
	} {
		require.ErrorIs(t, tc.err, dynamodel.ErrInvalidKey, tc.name)
		var ik *dynamodel.InvalidKeyError
		require.True(t, errors.As(tc.err, &ik), tc.name)
		assert.Equal(t, tc.attr, ik.Attribute, tc.name)
		assert.Contains(t, tc.err.Error(), "-byte limit", tc.name)
	}
}

// second returns the error of a call's two results.
func second[T any](_ T, err error) error { return err }

// Stamped has the fields a write stamps, for the tests of templates that
// hold them.
type Stamped struct {
	ID      string    `dynamodbav:"id"`
	Name    string    `dynamodbav:"name"`
	Version int64     `dynamodbav:"version" dynamodel:"version"`
	Updated time.Time `dynamodbav:"updated" dynamodel:"updated"`
	Expires time.Time `dynamodbav:"expires" dynamodel:"ttl"`
	Seen    time.Time `dynamodbav:"seen,unixtime"`
}

func stampedTable(t *testing.T, client dynamodel.API) *dynamodel.Table {
	tbl, err := dynamodel.NewTable(client, "single-table", func(o *dynamodel.TableOptions) {
		o.Indexes = []dynamodel.Index{{Name: "GSI1", PartitionKey: "GSI1PK", SortKey: "GSI1SK"}}
		o.Clock = newClock().Now
	})
	require.NoError(t, err)
	return tbl
}

// TestEntityKeyRoles: a key template may not hold the version (every write
// changes it), nor the table's keys the time of the last write; an index
// may follow that time. The error is a *TemplateError at declaration.
func TestEntityKeyRoles(t *testing.T) {
	for _, opts := range [][]func(*dynamodel.EntityOptions){
		{dynamodel.Keys("S#{id}", "V#{version:08}")},
		{dynamodel.Keys("S#{id}", "{updated}")},
		{dynamodel.Keys("S#{id}", "S"), dynamodel.IndexKeys("GSI1", "N#{name}", "{version:08}")},
	} {
		_, err := dynamodel.NewEntity[Stamped](stampedTable(t, newStub(t)), "Stamped", opts...)
		var te *dynamodel.TemplateError
		require.ErrorAs(t, err, &te)
		require.ErrorIs(t, err, dynamodel.ErrInvalidModel)
	}
	_, err := dynamodel.NewEntity[Stamped](stampedTable(t, newStub(t)), "Stamped", dynamodel.Keys("S#{id}", "S"),
		dynamodel.IndexKeys("GSI1", "N#{name}", "{updated}#{id}"))
	require.NoError(t, err)
}

// TestEntityKeyWholeSeconds: a time stored as epoch seconds (a TTL, a
// unixtime field) is rendered in a key in whole seconds, as it is stored,
// by a Put and by an Update alike.
func TestEntityKeyWholeSeconds(t *testing.T) {
	ctx := ctxT(t)
	at := time.Date(2027, 1, 2, 3, 4, 5, 678000000, time.UTC)
	want := "2027-01-02T03:04:05.000000000Z#2027-01-02T03:04:05.000000000Z"
	st := newStub(t)
	var put, update string
	st.put = func(in *dynamodb.PutItemInput) (*dynamodb.PutItemOutput, error) {
		put = in.Item["GSI1SK"].(*types.AttributeValueMemberS).Value
		return &dynamodb.PutItemOutput{}, nil
	}
	st.update = func(in *dynamodb.UpdateItemInput) (*dynamodb.UpdateItemOutput, error) {
		for _, v := range in.ExpressionAttributeValues {
			if s, ok := v.(*types.AttributeValueMemberS); ok && strings.Contains(s.Value, "#2027") {
				update = s.Value
			}
		}
		return &dynamodb.UpdateItemOutput{}, nil
	}
	e, err := dynamodel.NewEntity[Stamped](stampedTable(t, st), "Stamped", dynamodel.Keys("S#{id}", "S"),
		dynamodel.IndexKeys("GSI1", "E#{id}", "{expires}#{seen}"))
	require.NoError(t, err)
	_, err = e.Put(ctx, Stamped{ID: "1", Expires: at, Seen: at})
	require.NoError(t, err)
	_, err = e.Update(ctx, e.Key("1"), dynamodel.Set("expires", at).Set("seen", at))
	require.NoError(t, err)
	assert.Equal(t, want, put)
	assert.Equal(t, want, update)
}

// Pair has two fields for an index's two keys.
type Pair struct {
	ID string `dynamodbav:"id"`
	A  string `dynamodbav:"a"`
	B  string `dynamodbav:"b"`
}

// TestEntitySparseIndexRefusesBadValues: a value no key can hold (the
// separator) is refused in whichever field of an index it is, when
// another field is empty as when none is (no index key is written for an
// empty field, but the value is not let through for that); an index whose
// fields are all fine but one empty is left out.
func TestEntitySparseIndexRefusesBadValues(t *testing.T) {
	ctx := ctxT(t)
	st := newStub(t)
	var written map[string]types.AttributeValue
	st.put = func(in *dynamodb.PutItemInput) (*dynamodb.PutItemOutput, error) {
		written = in.Item
		return &dynamodb.PutItemOutput{}, nil
	}
	for _, idx := range [][2]string{{"A#{a}", "B#{b}"}, {"P", "{a}#{b}"}, {"{a}#{b}", "P"}} {
		e, err := dynamodel.NewEntity[Pair](stampedTable(t, st), "Pair", dynamodel.Keys("P#{id}", "P"), dynamodel.IndexKeys("GSI1", idx[0], idx[1]))
		require.NoError(t, err)
		for _, p := range []Pair{{ID: "1", A: "", B: "x#y"}, {ID: "1", A: "x#y", B: ""}, {ID: "1", A: "x#y", B: "z"}} {
			_, err := e.Put(ctx, p)
			var kf *dynamodel.KeyFieldError
			require.ErrorAs(t, err, &kf, "%v %+v", idx, p)
			assert.Contains(t, err.Error(), "separator", "%v %+v", idx, p)
		}
		written = nil
		_, err = e.Put(ctx, Pair{ID: "1", A: "", B: "z"})
		require.NoError(t, err)
		assert.NotContains(t, written, "GSI1PK", "%v", idx)
		assert.NotContains(t, written, "GSI1SK", "%v", idx)
	}
}

// TestEntityFitsTableSchema: given the table's schema, NewEntity refuses
// an entity that does not fit it (keys of type N, which a template cannot
// render), as CheckSchema would: no write could succeed.
func TestEntityFitsTableSchema(t *testing.T) {
	s, err := schema.Read("numbers.json", strings.NewReader(`{"TableName":"numbers",
		"AttributeDefinitions":[{"AttributeName":"PK","AttributeType":"N"},{"AttributeName":"SK","AttributeType":"S"}],
		"KeySchema":[{"AttributeName":"PK","KeyType":"HASH"},{"AttributeName":"SK","KeyType":"RANGE"}],
		"BillingMode":"PAY_PER_REQUEST"}`))
	require.NoError(t, err)
	tbl, err := dynamodel.NewTable(newStub(t), "numbers", func(o *dynamodel.TableOptions) { o.Schema = s })
	require.NoError(t, err)
	_, err = dynamodel.NewEntity[Pair](tbl, "Pair", dynamodel.Keys("P#{id}", "P"))
	require.ErrorIs(t, err, dynamodel.ErrInvalidModel)
	require.ErrorIs(t, err, schema.ErrMismatch)
	assert.Contains(t, err.Error(), "key PK")
}

// TestEntityWholeSecondsBound: a sort condition on a time stored in whole
// seconds compares with the time as given, so that 03:04:05 (as stored)
// is less than 03:04:05.5.
func TestEntityWholeSecondsBound(t *testing.T) {
	st := newStub(t)
	var sent []string
	st.query = func(in *dynamodb.QueryInput) (*dynamodb.QueryOutput, error) {
		for _, v := range in.ExpressionAttributeValues {
			sent = append(sent, v.(*types.AttributeValueMemberS).Value)
		}
		return &dynamodb.QueryOutput{}, nil
	}
	e, err := dynamodel.NewEntity[Stamped](stampedTable(t, st), "Stamped", dynamodel.Keys("S#{id}", "S"),
		dynamodel.IndexKeys("GSI1", "E#{id}", "{expires}"))
	require.NoError(t, err)
	bound := time.Date(2027, 1, 2, 3, 4, 5, 500000000, time.UTC)
	_, err = e.QueryPage(ctxT(t), e.IndexPartition("GSI1", "1").SortLess(bound))
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"E#1", "2027-01-02T03:04:05.500000000Z"}, sent)
}
