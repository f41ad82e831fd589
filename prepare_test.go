package dynamodel_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel"
)

func TestUpdateString(t *testing.T) {
	for _, tc := range []struct {
		name string
		upd  dynamodel.Update
		want string
	}{
		{"set", dynamodel.Set("name", "x"), "SET #n0 = :v0"},
		{"set and remove", dynamodel.Set("a", 1).Remove("b", "c"), "SET #n0 = :v0 REMOVE #n1, #n2"},
		{"clauses in order", dynamodel.Remove("r").Add("n", 1).Set("s", 2).Delete("d", []string{"x"}),
			"SET #n2 = :v1 REMOVE #n0 ADD #n1 :v0 DELETE #n3 :v2"},
		{"if missing", dynamodel.Update{}.SetIfMissing("c", 1), "SET #n0 = if_not_exists(#n0, :v0)"},
		{"append", dynamodel.Update{}.Append("l", 1, 2), "SET #n0 = list_append(if_not_exists(#n0, :v1), :v0)"},
		{"empty", dynamodel.Update{}, "invalid update: dynamodel: empty update"},
		{"twice", dynamodel.Set("a", 1).Remove("a"), `invalid update: dynamodel: invalid update: attribute "a" is changed twice`},
		{"empty name", dynamodel.Set("", 1), "invalid update: dynamodel: invalid update: empty attribute name"},
		{"add a string", dynamodel.Update{}.Add("a", "x"), `invalid update: dynamodel: invalid update: attribute "a": want a number or a set, got string`},
		{"add empty set", dynamodel.Update{}.Add("a", []string{}), `invalid update: dynamodel: invalid update: attribute "a": empty set`},
		{"delete a number", dynamodel.Update{}.Delete("a", 1), `invalid update: dynamodel: invalid update: attribute "a": DELETE takes a set, not a number`},
		{"append nothing", dynamodel.Update{}.Append("a"), `invalid update: dynamodel: invalid update: attribute "a": nothing to append`},
	} {
		assert.Equal(t, tc.want, tc.upd.String(), tc.name)
	}
}

func TestUpdateIsImmutable(t *testing.T) {
	base := dynamodel.Set("a", 1)
	x := base.Set("b", 2)
	y := base.Set("c", 3)
	assert.Equal(t, []string{"a"}, base.Names())
	assert.Equal(t, []string{"a", "b"}, x.Names())
	assert.Equal(t, []string{"a", "c"}, y.Names())
	assert.Equal(t, []string{"a", "b", "a", "c"}, x.Merge(y).Names())
	assert.True(t, dynamodel.Update{}.IsEmpty())
}

type profileChanges struct {
	ID       string                     `dynamodbav:"id" dynamodel:"hash"`
	Name     *string                    `dynamodbav:"name"`
	Nick     dynamodel.Optional[string] `dynamodbav:"nick"`
	Age      dynamodel.Optional[int]    `dynamodbav:"age"`
	Tags     []string                   `dynamodbav:"tags,stringset"`
	Seen     *time.Time                 `dynamodbav:"seen,unixtime"`
	Score    int                        `dynamodbav:"score,omitempty"`
	Verified bool                       `dynamodbav:"verified"`
	Skip     string                     `dynamodbav:"-"`
}

func TestPrepareUpdate(t *testing.T) {
	name := "Ada"
	seen := time.Unix(1700000000, 0)
	upd, err := dynamodel.PrepareUpdate(profileChanges{
		ID:   "p1", // the key: never set
		Name: &name,
		Nick: dynamodel.Clear[string](),
		Age:  dynamodel.Some(36),
		Tags: []string{"x", "y"},
		Seen: &seen,
		// Score is zero and omitempty: left alone. Verified is false: set.
	}, "legacy")
	require.NoError(t, err)
	assert.Equal(t, []string{"name", "nick", "age", "tags", "seen", "verified", "legacy"}, upd.Names())
	assert.Equal(t, "SET #n0 = :v0, #n2 = :v1, #n3 = :v2, #n4 = :v3, #n5 = :v4 REMOVE #n1, #n6", upd.String())

	// Nothing set: an empty update.
	empty, err := dynamodel.PrepareUpdate(&profileChanges{ID: "p1", Score: 0})
	require.NoError(t, err)
	assert.Equal(t, []string{"verified"}, empty.Names(), "a plain bool is always a change")

	_, err = dynamodel.PrepareUpdate("not a struct")
	assert.ErrorIs(t, err, dynamodel.ErrInvalidUpdate)
	_, err = dynamodel.PrepareUpdate((*profileChanges)(nil))
	assert.ErrorIs(t, err, dynamodel.ErrInvalidUpdate)
}

func TestPrepareUser(t *testing.T) {
	upd, err := dynamodel.PrepareUser(dynamodel.UserChanges{LastName: dynamodel.Some("Lovelace")})
	require.NoError(t, err)
	assert.Equal(t, []string{"last_name"}, upd.Names())

	upd, err = dynamodel.PrepareUser(dynamodel.UserChanges{FirstName: dynamodel.Clear[string]()})
	require.NoError(t, err)
	assert.Equal(t, "REMOVE #n0", upd.String())

	_, err = dynamodel.PrepareUser(dynamodel.UserChanges{})
	assert.ErrorIs(t, err, dynamodel.ErrEmptyUpdate)
}

func TestOptionalJSON(t *testing.T) {
	for _, tc := range []struct {
		body           string
		first, last    string
		setF, setL     bool
		clearF, clearL bool
		unsetF, unsetL bool
	}{
		{body: `{}`, unsetF: true, unsetL: true},
		{body: `{"last_name": "Byron"}`, unsetF: true, setL: true, last: "Byron"},
		{body: `{"first_name": null, "last_name": ""}`, clearF: true, setL: true},
		{body: `{"first_name": "Ada"}`, setF: true, first: "Ada", unsetL: true},
	} {
		var c dynamodel.UserChanges
		require.NoError(t, json.Unmarshal([]byte(tc.body), &c), tc.body)
		f, okF := c.FirstName.Get()
		l, okL := c.LastName.Get()
		assert.Equal(t, tc.first, f, tc.body)
		assert.Equal(t, tc.last, l, tc.body)
		assert.Equal(t, tc.setF, okF, tc.body)
		assert.Equal(t, tc.setL, okL, tc.body)
		assert.Equal(t, tc.clearF, c.FirstName.IsCleared(), tc.body)
		assert.Equal(t, tc.clearL, c.LastName.IsCleared(), tc.body)
		assert.Equal(t, tc.unsetF, c.FirstName.IsUnset(), tc.body)
		assert.Equal(t, tc.unsetL, c.LastName.IsUnset(), tc.body)
	}
	var c dynamodel.UserChanges
	assert.Error(t, json.Unmarshal([]byte(`{"first_name": 3}`), &c))

	out, err := json.Marshal(dynamodel.UserChanges{FirstName: dynamodel.Some("Ada")})
	require.NoError(t, err)
	assert.JSONEq(t, `{"first_name": "Ada", "last_name": null}`, string(out))

	av, err := dynamodel.Some(3).MarshalDynamoDBAttributeValue()
	require.NoError(t, err)
	assert.Equal(t, &types.AttributeValueMemberN{Value: "3"}, av)
}
