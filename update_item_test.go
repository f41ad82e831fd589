package dynamodel_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/dynamotest"
)

func TestUpdateRejectsBadUpdatesBeforeAnyCall(t *testing.T) {
	orders, err := dynamodel.NewRepository[Order](newStub(t), "Orders")
	require.NoError(t, err)
	ctx := context.Background()
	k := dynamodel.Key{Hash: "c1", Range: "o1"}
	for _, tc := range []struct {
		upd  dynamodel.Update
		want error
		msg  string
	}{
		{dynamodel.Update{}, dynamodel.ErrEmptyUpdate, "empty update"},
		{dynamodel.Set("customer", "c2"), dynamodel.ErrInvalidUpdate, `"customer" is a key attribute`},
		{dynamodel.Remove("id"), dynamodel.ErrInvalidUpdate, `"id" is a key attribute`},
		{dynamodel.Set("version", 9), dynamodel.ErrInvalidUpdate, `"version" is the version attribute`},
		{dynamodel.Set("expires", "soon"), dynamodel.ErrInvalidUpdate, `want a time or epoch seconds, got "soon"`},
		{dynamodel.Set("total", make(chan int)), dynamodel.ErrInvalidUpdate, `value at "total"`},
	} {
		_, err := orders.Update(ctx, k, tc.upd)
		require.ErrorIs(t, err, tc.want, tc.msg)
		assert.Contains(t, err.Error(), tc.msg)
	}
	_, err = orders.Update(ctx, dynamodel.Key{Hash: "c1"}, dynamodel.Set("total", 1))
	assert.ErrorIs(t, err, dynamodel.ErrInvalidKey)
}

func TestUpdateRequest(t *testing.T) {
	s := newStub(t)
	var got *dynamodb.UpdateItemInput
	s.update = func(in *dynamodb.UpdateItemInput) (*dynamodb.UpdateItemOutput, error) {
		got = in
		return &dynamodb.UpdateItemOutput{Attributes: in.Key}, nil
	}
	clock := newClock()
	orders, err := dynamodel.NewRepository[Order](s, "Orders", func(o *dynamodel.Options) { o.Clock = clock.Now })
	require.NoError(t, err)
	_, err = orders.Update(context.Background(), Order{Customer: "c1", ID: "o1", Version: 3},
		dynamodel.Set("status", "paid").Set("expires", time.Unix(1800000000, 0)),
		func(o *dynamodel.UpdateOptions) { o.Condition = dynamodel.Less("total", 100) })
	require.NoError(t, err)
	assert.Equal(t, "SET #n3 = :v2, #n4 = :v3, #n5 = :v5 ADD #n2 :v4", aws.ToString(got.UpdateExpression))
	assert.Equal(t, "(#n0 < :v0) AND (attribute_exists(#n1)) AND (#n2 = :v1)", aws.ToString(got.ConditionExpression))
	assert.Equal(t, map[string]string{
		"#n0": "total", "#n1": "customer", "#n2": "version", "#n3": "status", "#n4": "expires", "#n5": "updated",
	}, got.ExpressionAttributeNames)
	assert.Equal(t, "1800000000", numberValue(t, got.ExpressionAttributeValues[":v3"]))
	assert.Equal(t, "1", numberValue(t, got.ExpressionAttributeValues[":v4"]))
	assert.Equal(t, "3", numberValue(t, got.ExpressionAttributeValues[":v1"]))
}

func TestUpdateIntegration(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		docs := repo[Doc](t, db, "Docs")
		_, err := docs.Create(ctx, Doc{ID: "d1", Name: "n", Count: 1, Labels: map[string]string{"a": "1"}})
		require.NoError(t, err)

		// Reserved words, a dash and (written with Name) a dot in attribute
		// names all work.
		d, err := docs.Update(ctx, "d1", dynamodel.Set("name", "new").Set("status", "ok").
			Set("first-name", "Ada").Set(dynamodel.Name("a.b"), "literal").Add("count", 2).Remove("labels"))
		require.NoError(t, err)
		assert.Equal(t, Doc{ID: "d1", Name: "new", Status: "ok", Dashed: "Ada", Dotted: "literal", Count: 3}, d)

		// Updates of a shape seen before take their expressions from the
		// repository's cache; they work the same, with values or none.
		for i := range 3 {
			d, err = docs.Update(ctx, "d1", dynamodel.Set("status", fmt.Sprint("ok", i)).Add("count", 1))
			require.NoError(t, err)
			assert.Equal(t, fmt.Sprint("ok", i), d.Status)
			assert.Equal(t, 4+i, d.Count)
			d, err = docs.Update(ctx, "d1", dynamodel.Remove("blob"))
			require.NoError(t, err)
		}
		d, err = docs.Update(ctx, "d1", dynamodel.Set("status", "ok").Add("count", -3))
		require.NoError(t, err)
		assert.Equal(t, Doc{ID: "d1", Name: "new", Status: "ok", Dashed: "Ada", Dotted: "literal", Count: 3}, d)

		// Updating a missing item is ErrNotFound and creates nothing...
		_, err = docs.Update(ctx, "missing", dynamodel.Set("name", "x"))
		require.ErrorIs(t, err, dynamodel.ErrNotFound)
		_, found, err := docs.Lookup(ctx, "missing")
		require.NoError(t, err)
		assert.False(t, found)
		// ...unless asked to.
		up, err := docs.Update(ctx, "missing", dynamodel.Set("name", "x"), func(o *dynamodel.UpdateOptions) { o.Upsert = true })
		require.NoError(t, err)
		assert.Equal(t, Doc{ID: "missing", Name: "x"}, up)

		// A condition that fails leaves the item alone.
		_, err = docs.Update(ctx, "d1", dynamodel.Set("name", "no"), func(o *dynamodel.UpdateOptions) {
			o.Condition = dynamodel.Greater("count", 10)
		})
		require.ErrorIs(t, err, dynamodel.ErrConditionFailed)
		assert.NotErrorIs(t, err, dynamodel.ErrNotFound)
		got, err := docs.Get(ctx, "d1")
		require.NoError(t, err)
		assert.Equal(t, "new", got.Name)

		// Sets and lists.
		orders := repo[Order](t, db, "Orders")
		_, err = orders.Create(ctx, Order{Customer: "c", ID: "o", Tags: []string{"a"}})
		require.NoError(t, err)
		o, err := orders.Update(ctx, dynamodel.Key{Hash: "c", Range: "o"}, dynamodel.Update{}.Add("tags", []string{"b", "c"}))
		require.NoError(t, err)
		assert.ElementsMatch(t, []string{"a", "b", "c"}, o.Tags)
		o, err = orders.Update(ctx, dynamodel.Key{Hash: "c", Range: "o"}, dynamodel.Update{}.Delete("tags", []string{"a"}))
		require.NoError(t, err)
		assert.ElementsMatch(t, []string{"b", "c"}, o.Tags)
	})
}

// TestUpdateReturnValuesIntegration updates an item asking for each
// return choice in turn: every choice changes the item the same way, and
// gives back what it names, typed.
func TestUpdateReturnValuesIntegration(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		clock := newClock()
		orders := repo[Order](t, db, "Orders", func(o *dynamodel.Options) { o.Clock = clock.Now })
		k := dynamodel.Key{Hash: "c1", Range: "o1"}
		created, err := orders.Create(ctx, Order{Customer: "c1", ID: "o1", Status: "new", Total: 1})
		require.NoError(t, err)
		returning := func(v dynamodel.ReturnValue) func(*dynamodel.UpdateOptions) {
			return func(o *dynamodel.UpdateOptions) { o.Return = v }
		}

		clock.Advance(time.Second)
		none, err := orders.Update(ctx, k, dynamodel.Set("total", 2), returning(dynamodel.ReturnNone))
		require.NoError(t, err)
		assert.Equal(t, Order{}, none)

		clock.Advance(time.Second)
		old, err := orders.Update(ctx, k, dynamodel.Set("total", 3), returning(dynamodel.ReturnAllOld))
		require.NoError(t, err)
		assert.Equal(t, "new", old.Status)
		assert.Equal(t, 2, old.Total, "the item before this update")
		assert.Equal(t, int64(2), old.Version)
		assert.True(t, old.Created.Equal(created.Created))

		clock.Advance(time.Second)
		updatedOld, err := orders.Update(ctx, k, dynamodel.Set("total", 4).Set("note", "hi"), returning(dynamodel.ReturnUpdatedOld))
		require.NoError(t, err)
		assert.Equal(t, Order{Total: 3, Version: 3, Updated: clock.Now().Add(-time.Second)}, normalize(updatedOld),
			"only what the update changed, as it was: no key, no status, no note (it had none)")

		clock.Advance(time.Second)
		updatedNew, err := orders.Update(ctx, k, dynamodel.Set("total", 5), returning(dynamodel.ReturnUpdatedNew))
		require.NoError(t, err)
		assert.Equal(t, Order{Total: 5, Version: 5, Updated: clock.Now()}, normalize(updatedNew), "only what the update changed, as it is")

		allNew, err := orders.Update(ctx, k, dynamodel.Set("status", "paid"), returning(dynamodel.ReturnAllNew))
		require.NoError(t, err)
		assert.Equal(t, "paid", allNew.Status)
		assert.Equal(t, 5, allNew.Total)
		assert.Equal(t, "hi", *allNew.Note)
		assert.Equal(t, int64(6), allNew.Version)

		// ALL_OLD of an item the update creates is the zero T.
		fresh, err := orders.Update(ctx, dynamodel.Key{Hash: "c1", Range: "fresh"}, dynamodel.Set("total", 1),
			returning(dynamodel.ReturnAllOld), func(o *dynamodel.UpdateOptions) { o.Upsert = true })
		require.NoError(t, err)
		assert.Equal(t, Order{}, fresh)
		stored, err := orders.Get(ctx, dynamodel.Key{Hash: "c1", Range: "fresh"})
		require.NoError(t, err)
		assert.Equal(t, 1, stored.Total)

		// A failed condition is reported the same whatever the choice.
		_, err = orders.Update(ctx, dynamodel.Key{Hash: "c1", Range: "missing"}, dynamodel.Set("total", 1), returning(dynamodel.ReturnNone))
		require.ErrorIs(t, err, dynamodel.ErrNotFound)
	})
}

// normalize drops what a time holds beyond its instant, so times read back
// compare equal to the clock's.
func normalize(o Order) Order {
	for _, t := range []*time.Time{&o.Created, &o.Updated, &o.Expires} {
		if !t.IsZero() {
			*t = t.UTC()
		}
	}
	return o
}

func TestUpdateRolesIntegration(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		clock := newClock()
		orders := repo[Order](t, db, "Orders", func(o *dynamodel.Options) { o.Clock = clock.Now })
		o, err := orders.Create(ctx, Order{Customer: "c1", ID: "o1"})
		require.NoError(t, err)

		clock.Advance(time.Minute)
		exp := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
		u, err := orders.Update(ctx, o, dynamodel.Set("status", "paid").Set("expires", exp))
		require.NoError(t, err)
		assert.Equal(t, int64(2), u.Version)
		assert.True(t, u.Updated.Equal(clock.Now()))
		assert.True(t, u.Created.Equal(o.Created))
		assert.True(t, u.Expires.Equal(exp))

		// o is now stale: passing it as the key checks its version.
		_, err = orders.Update(ctx, o, dynamodel.Set("status", "refunded"))
		require.ErrorIs(t, err, dynamodel.ErrVersionConflict)
		// A bare key does not check, but still increments.
		u, err = orders.Update(ctx, dynamodel.Key{Hash: "c1", Range: "o1"}, dynamodel.Set("status", "shipped"))
		require.NoError(t, err)
		assert.Equal(t, int64(3), u.Version)
		_, err = orders.Update(ctx, dynamodel.Key{Hash: "c1", Range: "o1"}, dynamodel.Set("status", "lost"),
			func(o *dynamodel.UpdateOptions) { o.Version = 2 })
		require.ErrorIs(t, err, dynamodel.ErrVersionConflict)

		// Upserting a new item sets its creation time.
		n, err := orders.Update(ctx, dynamodel.Key{Hash: "c1", Range: "new"}, dynamodel.Set("total", 5),
			func(o *dynamodel.UpdateOptions) { o.Upsert = true })
		require.NoError(t, err)
		assert.True(t, n.Created.Equal(clock.Now()))
		assert.Equal(t, int64(1), n.Version)

		// Clearing the TTL removes it.
		u, err = orders.Update(ctx, u, dynamodel.Set("expires", time.Time{}))
		require.NoError(t, err)
		assert.True(t, u.Expires.IsZero())
	})
}

// TestVersionRace has two goroutines update the same versioned item from
// the same read: exactly one wins, the other gets ErrVersionConflict and
// writes nothing.
func TestVersionRace(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		orders := repo[Order](t, db, "Orders")
		for round := range 10 {
			o, err := orders.Create(ctx, Order{Customer: "race", ID: fmt.Sprint(round)})
			require.NoError(t, err)
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for g := range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, errs[g] = orders.Update(ctx, o, dynamodel.Set("status", fmt.Sprint("winner-", g)))
				}()
			}
			wg.Wait()
			wins, conflicts := 0, 0
			for _, err := range errs {
				switch {
				case err == nil:
					wins++
				case errors.Is(err, dynamodel.ErrVersionConflict):
					conflicts++
				default:
					t.Fatalf("unexpected error: %v", err)
				}
			}
			if wins == 2 {
				final, err := orders.Get(ctx, o)
				require.NoError(t, err)
				require.Equal(t, int64(3), final.Version, "both updates were applied")
				t.Skipf("%s applied both of two racing updates that each required version 1 "+
					"(its conditional writes are not atomic; DynamoDB's are)", db.Engine.Name)
			}
			require.Equal(t, 1, wins, "round %d", round)
			require.Equal(t, 1, conflicts, "round %d", round)
			final, err := orders.Get(ctx, o)
			require.NoError(t, err)
			assert.Equal(t, int64(2), final.Version, "one write, one increment")
			winner := 0
			if errs[0] != nil {
				winner = 1
			}
			assert.Equal(t, fmt.Sprint("winner-", winner), final.Status)
		}
	})
}
