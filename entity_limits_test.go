package dynamodel_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel"
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
