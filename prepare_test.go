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

// TestPrepareUpdateOfUserChanges is the seed's prepare_user: a set field
// is set, a cleared one removed, and no change at all is an empty update
// (which Update rejects with ErrEmptyUpdate: see TestUserFlowRejectsBadInputBeforeAnyCall).
func TestPrepareUpdateOfUserChanges(t *testing.T) {
	upd, err := dynamodel.PrepareUpdate(dynamodel.UserChanges{LastName: dynamodel.Some("Lovelace")})
	require.NoError(t, err)
	assert.Equal(t, []string{"last_name"}, upd.Names())

	upd, err = dynamodel.PrepareUpdate(dynamodel.UserChanges{FirstName: dynamodel.Clear[string]()})
	require.NoError(t, err)
	assert.Equal(t, "REMOVE #n0", upd.String())

	upd, err = dynamodel.PrepareUpdate(dynamodel.UserChanges{})
	require.NoError(t, err)
	assert.True(t, upd.IsEmpty())

	// An empty name is not stored: setting one to "" removes it, as null
	// does, so a PATCH with "" never stores an empty string.
	var c dynamodel.UserChanges
	require.NoError(t, json.Unmarshal([]byte(`{"first_name": "", "last_name": "Byron"}`), &c))
	upd, err = dynamodel.PrepareUpdate(c)
	require.NoError(t, err)
	assert.Equal(t, "SET #n1 = :v0 REMOVE #n0", upd.String())
	assert.Equal(t, []string{"first_name", "last_name"}, upd.Names())
}

// TestPrepareUpdateOmitEmptyOptional: an Optional tagged omitempty set to
// its zero value removes its attribute; without the tag the zero value is
// set.
func TestPrepareUpdateOmitEmptyOptional(t *testing.T) {
	type changes struct {
		Count dynamodel.Optional[int]      `dynamodbav:"count,omitempty"`
		Tags  dynamodel.Optional[[]string] `dynamodbav:"tags,omitempty"`
		Level dynamodel.Optional[int]      `dynamodbav:"level"`
	}
	upd, err := dynamodel.PrepareUpdate(changes{
		Count: dynamodel.Some(0),
		Tags:  dynamodel.Some[[]string](nil),
		Level: dynamodel.Some(0),
	})
	require.NoError(t, err)
	assert.Equal(t, "SET #n2 = :v0 REMOVE #n0, #n1", upd.String())

	upd, err = dynamodel.PrepareUpdate(changes{Count: dynamodel.Some(3)})
	require.NoError(t, err)
	assert.Equal(t, "SET #n0 = :v0", upd.String())
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
