package dynamodel_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel"
)

func TestKeysAreCheckedBeforeAnyCall(t *testing.T) {
	users, err := dynamodel.NewUserRepository(newStub(t))
	require.NoError(t, err)
	orders, err := dynamodel.NewRepository[Order](newStub(t), "Orders")
	require.NoError(t, err)
	readings, err := dynamodel.NewRepository[Reading](newStub(t), "Readings")
	require.NoError(t, err)
	ctx := context.Background()

	for _, tc := range []struct {
		name string
		get  func() error
		attr string
		msg  string
	}{
		{"empty email", func() error { _, err := users.Get(ctx, ""); return err }, "email", "empty string"},
		{"nil key", func() error { _, err := users.Get(ctx, nil); return err }, "email", "missing"},
		{"wrong type", func() error { _, err := users.Get(ctx, 42); return err }, "email", "want string, got int"},
		{"too long", func() error { _, err := users.Get(ctx, strings.Repeat("x", 2049)); return err }, "email", "over the 2048-byte limit"},
		{"range given to hash-only", func() error { _, err := users.Get(ctx, dynamodel.Key{Hash: "a", Range: "b"}); return err }, "", "has no range key"},
		{"hash only for composite", func() error { _, err := orders.Get(ctx, "c1"); return err }, "", "pass dynamodel.Key"},
		{"missing range", func() error { _, err := orders.Get(ctx, dynamodel.Key{Hash: "c1"}); return err }, "id", "missing"},
		{"empty range", func() error { _, _, err := orders.Lookup(ctx, dynamodel.Key{Hash: "c1", Range: ""}); return err }, "id", "empty string"},
		{"item without key", func() error { _, err := orders.Get(ctx, Order{Customer: "c1"}); return err }, "id", "empty string"},
		{"float for int", func() error { _, err := readings.Get(ctx, dynamodel.Key{Hash: 1.5, Range: []byte{1}}); return err }, "sensor", "want int64, got float64"},
		{"negative into unsigned", func() error { _, err := readings.Get(ctx, dynamodel.Key{Hash: "1", Range: []byte{1}}); return err }, "sensor", "want int64, got string"},
		{"empty binary", func() error { _, err := readings.Get(ctx, dynamodel.Key{Hash: 1, Range: []byte{}}); return err }, "at", "empty binary"},
		{"long range", func() error {
			_, err := readings.Get(ctx, dynamodel.Key{Hash: 1, Range: make([]byte, 1025)})
			return err
		}, "at", "over the 1024-byte limit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.get()
			require.ErrorIs(t, err, dynamodel.ErrInvalidKey)
			var ke *dynamodel.InvalidKeyError
			require.ErrorAs(t, err, &ke)
			assert.Equal(t, tc.attr, ke.Attribute)
			assert.Contains(t, ke.Reason, tc.msg)
		})
	}
}
