package dynamodel_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
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

type photoChanges struct {
	Owner     string                              `dynamodbav:"owner" dynamodel:"hash"`
	Views     *int                                `dynamodbav:"views" dynamodel:"increment"`
	Stock     uint                                `dynamodbav:"stock,omitempty" dynamodel:"decrement"`
	Tags      []string                            `dynamodbav:"tags" dynamodel:"add"`
	Gone      []int                               `dynamodbav:"gone" dynamodel:"delete"`
	History   []string                            `dynamodbav:"history" dynamodel:"append"`
	Recent    []string                            `dynamodbav:"recent" dynamodel:"prepend"`
	First     *string                             `dynamodbav:"first" dynamodel:"ifmissing"`
	Reactions map[string]int                      `dynamodbav:"reactions" dynamodel:"members,increment"`
	Labels    map[string]*string                  `dynamodbav:"labels" dynamodel:"members"`
	Flags     map[string]dynamodel.Optional[bool] `dynamodbav:"flags" dynamodel:"members"`
	Address   *addressChanges                     `dynamodbav:"address" dynamodel:"members"`
	Whole     *addressChanges                     `dynamodbav:"whole"`
	Dotted    *string                             `dynamodbav:"a.b"`
}

type addressChanges struct {
	City   *string `dynamodbav:"city"`
	Visits *int    `dynamodbav:"visits" dynamodel:"increment"`
}

// TestPrepareUpdateActions checks every action a change set's tags ask
// for, and paths into maps and nested structs with "members".
func TestPrepareUpdateActions(t *testing.T) {
	one, paris, blue := 1, "Paris", "blue"
	upd, err := dynamodel.PrepareUpdate(photoChanges{
		Owner:     "ada",
		Views:     &one,
		Stock:     2,
		Tags:      []string{"x"},
		Gone:      []int{3},
		History:   []string{"h"},
		Recent:    []string{"r"},
		First:     &paris,
		Reactions: map[string]int{"smiley": 1, "heart": 2, "a.b": 3},
		Labels:    map[string]*string{"colour": &blue, "unchanged": nil},
		Flags:     map[string]dynamodel.Optional[bool]{"on": dynamodel.Some(true), "off": dynamodel.Clear[bool](), "same": {}},
		Address:   &addressChanges{City: &paris, Visits: &one},
		Whole:     &addressChanges{City: &paris},
		Dotted:    &blue,
	})
	require.NoError(t, err)
	assert.Equal(t, []string{"views", "stock", "tags", "gone", "history", "recent", "first",
		`reactions."a.b"`, "reactions.heart", "reactions.smiley", "labels.colour", "flags.off", "flags.on",
		"address.city", "address.visits", "whole", `"a.b"`}, upd.Names())
	docs, err := dynamodel.NewRepository[Doc](newStub(t), "Docs")
	require.NoError(t, err)
	in, err := docs.UpdateItemInput("d1", upd, func(o *dynamodel.UpdateOptions) { o.Upsert = true })
	require.NoError(t, err)
	assert.Equal(t, "SET #n0 = if_not_exists(#n0, :v16) + :v0, #n1 = if_not_exists(#n1, :v17) - :v1, "+
		"#n4 = list_append(if_not_exists(#n4, :v18), :v4), #n5 = list_append(:v5, if_not_exists(#n5, :v19)), #n6 = if_not_exists(#n6, :v6), "+
		"#n7.#n8 = if_not_exists(#n7.#n8, :v20) + :v7, #n7.#n9 = if_not_exists(#n7.#n9, :v21) + :v8, #n7.#n10 = if_not_exists(#n7.#n10, :v22) + :v9, "+
		"#n11.#n12 = :v10, #n13.#n15 = :v11, #n16.#n17 = :v12, #n16.#n18 = if_not_exists(#n16.#n18, :v23) + :v13, #n19 = :v14, #n8 = :v15 "+
		"REMOVE #n13.#n14 ADD #n2 :v2 DELETE #n3 :v3", aws.ToString(in.UpdateExpression))
	assert.Equal(t, map[string]string{"#n0": "views", "#n1": "stock", "#n2": "tags", "#n3": "gone", "#n4": "history", "#n5": "recent",
		"#n6": "first", "#n7": "reactions", "#n8": "a.b", "#n9": "heart", "#n10": "smiley", "#n11": "labels", "#n12": "colour",
		"#n13": "flags", "#n14": "off", "#n15": "on", "#n16": "address", "#n17": "city", "#n18": "visits", "#n19": "whole"},
		in.ExpressionAttributeNames, `the member "a.b" of reactions and the attribute "a.b" share a placeholder`)
	vals := in.ExpressionAttributeValues
	assert.Equal(t, &types.AttributeValueMemberSS{Value: []string{"x"}}, vals[":v2"], "a []string added is a string set")
	assert.Equal(t, &types.AttributeValueMemberNS{Value: []string{"3"}}, vals[":v3"], "an []int deleted is a number set")
	assert.Equal(t, &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
		"city": &types.AttributeValueMemberS{Value: "Paris"}, "visits": &types.AttributeValueMemberNULL{Value: true},
	}}, vals[":v14"], "without members, a struct is set whole")
	assert.Equal(t, &types.AttributeValueMemberS{Value: "blue"}, vals[":v15"])

	for _, tc := range []struct {
		changes any
		want    string
	}{
		{struct {
			A *int `dynamodbav:"a" dynamodel:"bump"`
		}{}, `unknown option "bump"`},
		{struct {
			A *int `dynamodbav:"a" dynamodel:"add,increment"`
		}{}, "two actions, add and increment"},
		{struct {
			A *int `dynamodbav:"a" dynamodel:"members"`
		}{A: &one}, `"members" needs a struct or a map with string keys, not int`},
		{struct {
			A *addressChanges `dynamodbav:"a" dynamodel:"members,increment"`
		}{A: &addressChanges{}}, `members of a struct take their actions from their own tags, not "increment"`},
		{struct {
			A *string `dynamodbav:"a" dynamodel:"append"`
		}{A: &paris}, `"a": append takes a slice, got S`},
	} {
		_, err := dynamodel.PrepareUpdate(tc.changes)
		require.ErrorIs(t, err, dynamodel.ErrInvalidUpdate, tc.want)
		assert.Contains(t, err.Error(), tc.want)
	}
}

// TestPrepareUpdateNamesTheFieldThatFailsToEncode: a change set the SDK
// cannot encode is an error naming the field and its attribute, whether
// the field is set whole or by its members.
func TestPrepareUpdateNamesTheFieldThatFailsToEncode(t *testing.T) {
	_, err := dynamodel.PrepareUpdate(struct {
		L map[string]string `dynamodbav:"labels"`
	}{L: map[string]string{"": "x"}})
	require.ErrorIs(t, err, dynamodel.ErrInvalidUpdate)
	assert.Contains(t, err.Error(), `field L (attribute "labels"): marshal failed, map key cannot be empty`)

	_, err = dynamodel.PrepareUpdate(&struct {
		N string            `dynamodbav:"n"`
		M map[string]string `dynamodbav:"m" dynamodel:"members"`
	}{N: "ok", M: map[string]string{"": "x"}})
	require.ErrorIs(t, err, dynamodel.ErrInvalidUpdate)
	assert.Contains(t, err.Error(), `field M (attribute "m")`)
}
