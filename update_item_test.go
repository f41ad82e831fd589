package dynamodel_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
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

// Profile is a document: nested maps and lists and every kind of set, on
// the Docs table.
type Profile struct {
	ID        string            `dynamodbav:"id" dynamodel:"hash"`
	Address   *Address          `dynamodbav:"address,omitempty"`
	Reactions map[string]int    `dynamodbav:"reactions,omitempty"`
	Log       []string          `dynamodbav:"log,omitempty"`
	Views     int               `dynamodbav:"views,omitempty"`
	Stock     int               `dynamodbav:"stock,omitempty"`
	Labels    []string          `dynamodbav:"labels,stringset,omitempty"`
	Scores    []int             `dynamodbav:"scores,numberset,omitempty"`
	Keys      [][]byte          `dynamodbav:"keys,binaryset,omitempty"`
	Dotted    string            `dynamodbav:"a.b,omitempty"`
	Meta      map[string]string `dynamodbav:"meta,omitempty"`
}

// Address is nested in Profile.
type Address struct {
	City  string   `dynamodbav:"city,omitempty"`
	Lines []Line   `dynamodbav:"lines,omitempty"`
	Tags  []string `dynamodbav:"tags,stringset,omitempty"`
}

// Line is an element of Address.Lines.
type Line struct {
	Text string `dynamodbav:"text"`
}

// TestUpdateActionsIntegration runs every update action, on top-level
// attributes and on paths into maps and lists, on each engine, and reads
// the item back after each.
func TestUpdateActionsIntegration(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		profiles := repo[Profile](t, db, "Docs")
		_, err := profiles.Create(ctx, Profile{ID: "p1", Address: &Address{City: "Paris", Lines: []Line{{"1 rue"}, {"2e"}}},
			Reactions: map[string]int{"heart": 0, "smiley": 0, "sunglasses": 0, "thumbsup": 0}, Log: []string{"b"}})
		require.NoError(t, err)
		step := func(name string, upd dynamodel.Update, check func(p Profile)) {
			t.Helper()
			got, err := profiles.Update(ctx, "p1", upd)
			require.NoError(t, err, name)
			read, err := profiles.Get(ctx, "p1", dynamodel.ConsistentRead)
			require.NoError(t, err, name)
			assert.Equal(t, read, got, "%s: the item returned is the item stored", name)
			check(read)
		}

		step("set paths", dynamodel.Set("address.city", "Lyon").Set("address.lines[1].text", "3e").Set("reactions.heart", 2),
			func(p Profile) {
				assert.Equal(t, "Lyon", p.Address.City)
				assert.Equal(t, []Line{{"1 rue"}, {"3e"}}, p.Address.Lines)
				assert.Equal(t, 2, p.Reactions["heart"])
			})
		step("set a list element past the end appends it", dynamodel.Set(dynamodel.Path("address", "lines", 5), Line{"4e"}),
			func(p Profile) { assert.Equal(t, []Line{{"1 rue"}, {"3e"}, {"4e"}}, p.Address.Lines) })
		step("set if missing", dynamodel.Update{}.SetIfMissing("reactions.heart", 100).SetIfMissing("reactions.wow", 7),
			func(p Profile) {
				assert.Equal(t, 2, p.Reactions["heart"], "present: unchanged")
				assert.Equal(t, 7, p.Reactions["wow"], "missing: set")
			})
		step("increment and decrement, from 0 when missing", dynamodel.Increment("reactions.smiley", 3).Increment("views", 1).
			Decrement("stock", 2).Increment(dynamodel.Path("reactions", "thumbsup"), 1),
			func(p Profile) {
				assert.Equal(t, 3, p.Reactions["smiley"])
				assert.Equal(t, 1, p.Reactions["thumbsup"])
				assert.Equal(t, 1, p.Views)
				assert.Equal(t, -2, p.Stock)
			})
		step("add numbers, top-level and nested", dynamodel.Update{}.Add("views", 10).Add("reactions.sunglasses", 4),
			func(p Profile) {
				assert.Equal(t, 11, p.Views)
				assert.Equal(t, 4, p.Reactions["sunglasses"])
			})
		step("add to sets, creating them", dynamodel.Update{}.Add("labels", []string{"x", "y"}).Add("scores", []int{1, 2, 3}).
			Add("keys", [][]byte{{1}, {2}}).Add("address.tags", []string{"home"}),
			func(p Profile) {
				assert.ElementsMatch(t, []string{"x", "y"}, p.Labels)
				assert.ElementsMatch(t, []int{1, 2, 3}, p.Scores)
				assert.ElementsMatch(t, [][]byte{{1}, {2}}, p.Keys)
				assert.Equal(t, []string{"home"}, p.Address.Tags)
			})
		step("delete from sets", dynamodel.Update{}.Delete("labels", []string{"x"}).Delete("scores", []int{2}).
			Delete("keys", [][]byte{{1}}).Add("address.tags", []string{"work"}),
			func(p Profile) {
				assert.Equal(t, []string{"y"}, p.Labels)
				assert.ElementsMatch(t, []int{1, 3}, p.Scores)
				assert.Equal(t, [][]byte{{2}}, p.Keys)
				assert.ElementsMatch(t, []string{"home", "work"}, p.Address.Tags)
			})
		step("append and prepend", dynamodel.Update{}.Append("log", "c", "d").Prepend("address.lines", Line{"0"}),
			func(p Profile) {
				assert.Equal(t, []string{"b", "c", "d"}, p.Log)
				assert.Equal(t, []Line{{"0"}, {"1 rue"}, {"3e"}, {"4e"}}, p.Address.Lines)
			})
		step("remove a list element and a map member", dynamodel.Remove("log[0]", "address.lines[1]", "reactions.wow"),
			func(p Profile) {
				assert.Equal(t, []string{"c", "d"}, p.Log)
				assert.Equal(t, []Line{{"0"}, {"3e"}, {"4e"}}, p.Address.Lines)
				assert.NotContains(t, p.Reactions, "wow")
			})
		step("a literal dotted name; a map to put members in", dynamodel.Set(dynamodel.Name("a.b"), "literal").
			Set("meta", map[string]string{}),
			func(p Profile) { assert.Equal(t, "literal", p.Dotted) })
		step("raw actions with typed ones", dynamodel.Set(dynamodel.Path("meta", "v1.2"), "x").Raw(dynamodel.Raw{
			Expr:   "SET #v = #v + #s REMOVE #r.#h",
			Names:  map[string]string{"#v": "views", "#s": "stock", "#r": "reactions", "#h": "heart"},
			Values: nil,
		}), func(p Profile) {
			assert.Equal(t, map[string]string{"v1.2": "x"}, p.Meta)
			assert.Equal(t, 9, p.Views, "11 + -2")
			assert.NotContains(t, p.Reactions, "heart")
		})
		changes, err := dynamodel.PrepareUpdate(struct {
			Reactions map[string]int                        `dynamodbav:"reactions" dynamodel:"members,increment"`
			Meta      map[string]dynamodel.Optional[string] `dynamodbav:"meta" dynamodel:"members"`
		}{
			Reactions: map[string]int{"smiley": 1, "heart": 5},
			Meta:      map[string]dynamodel.Optional[string]{"v1.2": dynamodel.Clear[string](), "k": dynamodel.Some("v")},
		})
		require.NoError(t, err)
		step("a change set with members", changes, func(p Profile) {
			assert.Equal(t, 4, p.Reactions["smiley"])
			assert.Equal(t, 5, p.Reactions["heart"], "missing: from 0")
			assert.Equal(t, map[string]string{"k": "v"}, p.Meta)
		})

		// Conditions, projections and filters take paths too.
		_, err = profiles.Update(ctx, "p1", dynamodel.Set("views", 0), func(o *dynamodel.UpdateOptions) {
			o.Condition = dynamodel.Greater("reactions.smiley", 10)
		})
		require.ErrorIs(t, err, dynamodel.ErrConditionFailed)
		_, err = profiles.Update(ctx, "p1", dynamodel.Increment("views", 1), func(o *dynamodel.UpdateOptions) {
			o.Condition = dynamodel.Equal("address.lines[0].text", "0").And(dynamodel.Size("address.tags").Equal(2))
		})
		require.NoError(t, err)
		part, err := profiles.Get(ctx, "p1", func(o *dynamodel.GetOptions) {
			o.Projection = []string{"reactions.smiley", "address.city", dynamodel.Name("a.b")}
		})
		require.NoError(t, err)
		assert.Equal(t, Profile{Reactions: map[string]int{"smiley": 4}, Address: &Address{City: "Lyon"}, Dotted: "literal"}, part)
		found, err := dynamodel.Collect(profiles.Scan(ctx, func(o *dynamodel.ScanOptions) {
			o.Filter = dynamodel.Exists("reactions.thumbsup").And(dynamodel.Contains("address.tags", "work"))
			o.Projection = []string{"id", "views"}
		}), 10)
		require.NoError(t, err)
		assert.Equal(t, []Profile{{ID: "p1", Views: 10}}, found)
	})
}

// TestListElementsIntegration removes two elements of a list in one update
// and projects list elements, on each engine. DynamoDB evaluates every
// action against the item as it was, so REMOVE log[0], log[2] of
// [b c d] leaves [c].
func TestListElementsIntegration(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		profiles := repo[Profile](t, db, "Docs")
		_, err := profiles.Create(ctx, Profile{ID: "p1", Log: []string{"b", "c", "d"},
			Address: &Address{Lines: []Line{{"l0"}, {"l1"}, {"l2"}}}})
		require.NoError(t, err)

		part, err := profiles.Get(ctx, "p1", func(o *dynamodel.GetOptions) {
			o.Projection = []string{"log[1]", "address.lines[2].text"}
		})
		if err != nil && db.Engine.Name == "moto" && strings.Contains(err.Error(), "unused in expressions") {
			t.Logf("moto 5.2 does not read list indexes in projections (it answers %q); skipped there", err)
		} else {
			require.NoError(t, err)
			assert.Equal(t, Profile{Log: []string{"c"}, Address: &Address{Lines: []Line{{"l2"}}}}, part)
		}

		got, err := profiles.Update(ctx, "p1", dynamodel.Remove("log[0]", "log[2]"))
		require.NoError(t, err)
		if db.Engine.Name == "dynalite" && slices.Equal(got.Log, []string{"c", "d"}) {
			t.Skipf("dynalite removes list elements one after another (REMOVE log[0], log[2] of [b c d] left %v); "+
				"DynamoDB evaluates each action against the item as it was", got.Log)
		}
		assert.Equal(t, []string{"c"}, got.Log)
	})
}

// TestIncrementIsAtomicIntegration increments one counter in a map from
// eight goroutines at once: every increment counts.
func TestIncrementIsAtomicIntegration(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		profiles := repo[Profile](t, db, "Docs")
		_, err := profiles.Create(ctx, Profile{ID: "p1", Reactions: map[string]int{"heart": 0}})
		require.NoError(t, err)
		const goroutines, each = 8, 10
		var wg sync.WaitGroup
		errs := make(chan error, goroutines*each)
		for range goroutines {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range each {
					_, err := profiles.Update(ctx, "p1", dynamodel.Increment("reactions.heart", 1), func(o *dynamodel.UpdateOptions) {
						o.Return = dynamodel.ReturnNone
					})
					errs <- err
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		got, err := profiles.Get(ctx, "p1", dynamodel.ConsistentRead)
		require.NoError(t, err)
		if n := got.Reactions["heart"]; n < goroutines*each && db.Engine.Name == "moto" {
			t.Skipf("moto applied %d of %d concurrent increments, each answered as done "+
				"(its updates read and write the item without a lock; DynamoDB's are atomic)", n, goroutines*each)
		}
		assert.Equal(t, goroutines*each, got.Reactions["heart"])
	})
}
