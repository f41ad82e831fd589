package dynamodel_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel"
)

type (
	nameMap  = map[string]string
	valueMap = map[string]types.AttributeValue
)

func avS(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
func avN(v string) types.AttributeValue { return &types.AttributeValueMemberN{Value: v} }
func avL(vs ...types.AttributeValue) types.AttributeValue {
	if vs == nil {
		vs = []types.AttributeValue{}
	}
	return &types.AttributeValueMemberL{Value: vs}
}

// TestUpdateRendering renders every action and every form of path, and
// checks the exact expression and placeholder maps of the request. The
// model (Doc) has no roles and the update is an upsert, so nothing but the
// update itself is in the request.
func TestUpdateRendering(t *testing.T) {
	docs, err := dynamodel.NewRepository[Doc](newStub(t), "Docs")
	require.NoError(t, err)
	for _, tc := range []struct {
		name   string
		upd    dynamodel.Update
		expr   string
		names  nameMap
		values valueMap
	}{
		{"set", dynamodel.Set("status", "paid"),
			"SET #n0 = :v0", nameMap{"#n0": "status"}, valueMap{":v0": avS("paid")}},
		{"set a map member", dynamodel.Set("reactions.heart", 3),
			"SET #n0.#n1 = :v0", nameMap{"#n0": "reactions", "#n1": "heart"}, valueMap{":v0": avN("3")}},
		{"set a list element", dynamodel.Set("tags[0]", "x"),
			"SET #n0[0] = :v0", nameMap{"#n0": "tags"}, valueMap{":v0": avS("x")}},
		{"a deep path", dynamodel.Set("address.lines[2].text", "x"),
			"SET #n0.#n1[2].#n2 = :v0", nameMap{"#n0": "address", "#n1": "lines", "#n2": "text"}, valueMap{":v0": avS("x")}},
		{"lists of lists", dynamodel.Set("grid[1][20]", 0),
			"SET #n0[1][20] = :v0", nameMap{"#n0": "grid"}, valueMap{":v0": avN("0")}},
		{"a path from segments", dynamodel.Set(dynamodel.Path("address", "lines", 2, "text"), "x"),
			"SET #n0.#n1[2].#n2 = :v0", nameMap{"#n0": "address", "#n1": "lines", "#n2": "text"}, valueMap{":v0": avS("x")}},
		{"a literal name with a dot", dynamodel.Set(dynamodel.Name("a.b"), "x"),
			"SET #n0 = :v0", nameMap{"#n0": "a.b"}, valueMap{":v0": avS("x")}},
		{"a map key with a dot, a bracket and a quote", dynamodel.Set(dynamodel.Path("m", `x."y"[0]`), 1),
			"SET #n0.#n1 = :v0", nameMap{"#n0": "m", "#n1": `x."y"[0]`}, valueMap{":v0": avN("1")}},
		{"a quoted segment in a string", dynamodel.Set(`labels."v1.2".notes`, "x"),
			"SET #n0.#n1.#n2 = :v0", nameMap{"#n0": "labels", "#n1": "v1.2", "#n2": "notes"}, valueMap{":v0": avS("x")}},
		{"reserved words and odd characters", dynamodel.Set("name.status", "x").Set("first-name", "y").Set("ö ü", "z"),
			"SET #n0.#n1 = :v0, #n2 = :v1, #n3 = :v2", nameMap{"#n0": "name", "#n1": "status", "#n2": "first-name", "#n3": "ö ü"},
			valueMap{":v0": avS("x"), ":v1": avS("y"), ":v2": avS("z")}},
		{"a name used twice has one placeholder", dynamodel.Set("a.a", 1).Set("b.a", 2),
			"SET #n0.#n0 = :v0, #n1.#n0 = :v1", nameMap{"#n0": "a", "#n1": "b"}, valueMap{":v0": avN("1"), ":v1": avN("2")}},
		{"set if missing", dynamodel.Update{}.SetIfMissing("reactions.heart", 0),
			"SET #n0.#n1 = if_not_exists(#n0.#n1, :v0)", nameMap{"#n0": "reactions", "#n1": "heart"}, valueMap{":v0": avN("0")}},
		{"increment", dynamodel.Increment("reactions.heart", 1),
			"SET #n0.#n1 = if_not_exists(#n0.#n1, :v1) + :v0", nameMap{"#n0": "reactions", "#n1": "heart"},
			valueMap{":v0": avN("1"), ":v1": avN("0")}},
		{"decrement", dynamodel.Update{}.Decrement("stock", uint8(2)),
			"SET #n0 = if_not_exists(#n0, :v1) - :v0", nameMap{"#n0": "stock"}, valueMap{":v0": avN("2"), ":v1": avN("0")}},
		{"increment by a float or an attribute value", dynamodel.Increment("a", 0.5).Increment("b", &types.AttributeValueMemberN{Value: "7"}),
			"SET #n0 = if_not_exists(#n0, :v2) + :v0, #n1 = if_not_exists(#n1, :v3) + :v1", nameMap{"#n0": "a", "#n1": "b"},
			valueMap{":v0": avN("0.5"), ":v1": avN("7"), ":v2": avN("0"), ":v3": avN("0")}},
		{"append", dynamodel.Update{}.Append("log", "a", 2),
			"SET #n0 = list_append(if_not_exists(#n0, :v1), :v0)", nameMap{"#n0": "log"}, valueMap{":v0": avL(avS("a"), avN("2")), ":v1": avL()}},
		{"prepend", dynamodel.Update{}.Prepend("address.lines", "first"),
			"SET #n0.#n1 = list_append(:v0, if_not_exists(#n0.#n1, :v1))", nameMap{"#n0": "address", "#n1": "lines"},
			valueMap{":v0": avL(avS("first")), ":v1": avL()}},
		{"remove", dynamodel.Remove("draft", "address.zip"),
			"REMOVE #n0, #n1.#n2", nameMap{"#n0": "draft", "#n1": "address", "#n2": "zip"}, nil},
		{"remove list elements", dynamodel.Remove("tags[0]", "tags[3]"),
			"REMOVE #n0[0], #n0[3]", nameMap{"#n0": "tags"}, nil},
		{"add to a number", dynamodel.Update{}.Add("stats.views", 1),
			"ADD #n0.#n1 :v0", nameMap{"#n0": "stats", "#n1": "views"}, valueMap{":v0": avN("1")}},
		{"add to sets", dynamodel.Update{}.Add("ss", []string{"a"}).Add("ns", []int{1, 2}).Add("bs", [][]byte{{1}}),
			"ADD #n0 :v0, #n1 :v1, #n2 :v2", nameMap{"#n0": "ss", "#n1": "ns", "#n2": "bs"},
			valueMap{":v0": &types.AttributeValueMemberSS{Value: []string{"a"}}, ":v1": &types.AttributeValueMemberNS{Value: []string{"1", "2"}},
				":v2": &types.AttributeValueMemberBS{Value: [][]byte{{1}}}}},
		{"delete from sets", dynamodel.Update{}.Delete("ss", []string{"a"}).Delete("m.ns", []float64{1.5}),
			"DELETE #n0 :v0, #n1.#n2 :v1", nameMap{"#n0": "ss", "#n1": "m", "#n2": "ns"},
			valueMap{":v0": &types.AttributeValueMemberSS{Value: []string{"a"}}, ":v1": &types.AttributeValueMemberNS{Value: []string{"1.5"}}}},
		{"every clause, placeholders in the order given", dynamodel.Remove("r").Add("n", 1).Increment("c.x", 2).
			Delete("d", []string{"x"}).Append("l", 3).Set("s[1]", 4),
			"SET #n2.#n3 = if_not_exists(#n2.#n3, :v5) + :v1, #n5 = list_append(if_not_exists(#n5, :v6), :v3), #n6[1] = :v4 " +
				"REMOVE #n0 ADD #n1 :v0 DELETE #n4 :v2",
			nameMap{"#n0": "r", "#n1": "n", "#n2": "c", "#n3": "x", "#n4": "d", "#n5": "l", "#n6": "s"},
			valueMap{":v0": avN("1"), ":v1": avN("2"), ":v2": &types.AttributeValueMemberSS{Value: []string{"x"}}, ":v3": avL(avN("3")),
				":v4": avN("4"), ":v5": avN("0"), ":v6": avL()}},
		{"sibling members and elements", dynamodel.Set("m.a", 1).Set("m.b", 2).Remove("l[0]", "l[1]"),
			"SET #n0.#n1 = :v0, #n0.#n2 = :v1 REMOVE #n3[0], #n3[1]", nameMap{"#n0": "m", "#n1": "a", "#n2": "b", "#n3": "l"},
			valueMap{":v0": avN("1"), ":v1": avN("2")}},
		{"raw actions merged into the clauses", dynamodel.Set("a", 1).Raw(dynamodel.Raw{
			Expr:   "SET #t = #x + #y, #u = :one REMOVE #z ADD #c :one",
			Names:  map[string]string{"#t": "total", "#x": "a", "#y": "tax.rate", "#z": "cart", "#u": "n", "#c": "count"},
			Values: map[string]any{":one": 1},
		}).Remove("old"),
			"SET #n0 = :v0, #n1 = #n0 + #n2, #n3 = :v1 REMOVE #n4, #n6 ADD #n5 :v2",
			nameMap{"#n0": "a", "#n1": "total", "#n2": "tax.rate", "#n3": "n", "#n4": "cart", "#n5": "count", "#n6": "old"},
			valueMap{":v0": avN("1"), ":v1": avN("1"), ":v2": avN("1")}},
		{"raw paths", dynamodel.RawUpdate(dynamodel.Raw{
			Expr:   "set #m.#k[2] = if_not_exists(#m.#k[2], :z), plain = :z",
			Names:  map[string]string{"#m": "m", "#k": "k"},
			Values: map[string]any{":z": 0},
		}),
			"SET #n0.#n1[2] = if_not_exists(#n0.#n1[2], :v0), plain = :v1", nameMap{"#n0": "m", "#n1": "k"},
			valueMap{":v0": avN("0"), ":v1": avN("0")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in, err := docs.UpdateItemInput("d1", tc.upd, func(o *dynamodel.UpdateOptions) { o.Upsert = true })
			require.NoError(t, err)
			assert.Equal(t, tc.expr, aws.ToString(in.UpdateExpression))
			assert.Equal(t, tc.names, in.ExpressionAttributeNames)
			assert.Equal(t, tc.values, in.ExpressionAttributeValues)
			assert.Nil(t, in.ConditionExpression)
			assert.Equal(t, tc.expr, tc.upd.String())
		})
	}
}

// TestUpdateMistakes checks that every update DynamoDB would reject is
// ErrInvalidUpdate (or ErrEmptyUpdate) before any call, saying why.
func TestUpdateMistakes(t *testing.T) {
	orders, err := dynamodel.NewRepository[Order](newStub(t), "Orders")
	require.NoError(t, err)
	k := dynamodel.Key{Hash: "c1", Range: "o1"}
	for _, tc := range []struct {
		name string
		upd  dynamodel.Update
		want string
	}{
		{"empty", dynamodel.Update{}, "empty update"},
		{"twice", dynamodel.Set("a", 1).Remove("a"), `"a" is changed twice`},
		{"twice, written two ways", dynamodel.Set("a.b", 1).Increment(dynamodel.Path("a", "b"), 1), `"a.b" is changed twice`},
		{"a map and its member", dynamodel.Set("m", map[string]int{}).Increment("m.heart", 1), `"m" and "m.heart" overlap`},
		{"a member and its map", dynamodel.Increment("m.heart", 1).Remove("m"), `"m.heart" and "m" overlap`},
		{"a list and an element", dynamodel.Set("tags[0]", "x").Append("tags", "y"), `"tags[0]" and "tags" overlap`},
		{"an element and what is in it", dynamodel.Set("l[1].x", 1).Remove("l[1]"), `"l[1].x" and "l[1]" overlap`},
		{"raw against typed", dynamodel.Set("total", 1).Raw(dynamodel.Raw{Expr: "REMOVE #t", Names: map[string]string{"#t": "total"}}),
			`"total" is changed twice`},
		{"raw against raw", dynamodel.RawUpdate(dynamodel.Raw{Expr: "SET a.b = :x, a = :x", Values: map[string]any{":x": 1}}),
			`"a.b" and "a" overlap`},
		{"the key", dynamodel.Set("customer", "c2"), `"customer" is a key attribute and cannot be changed`},
		{"inside the key", dynamodel.Set("id.x", "c2"), `"id.x" is inside "id", a key attribute and cannot be changed`},
		{"the key, quoted", dynamodel.Remove(`"id"`), `"id" is a key attribute`},
		{"the key, raw", dynamodel.RawUpdate(dynamodel.Raw{Expr: "SET #k = :v", Names: map[string]string{"#k": "id"}, Values: map[string]any{":v": "x"}}),
			`"id" is a key attribute`},
		{"the version", dynamodel.Increment("version", 1), `"version" is the version attribute, which dynamodel maintains`},
		{"inside the version", dynamodel.Remove("version[0]"), `"version[0]" is inside "version", the version attribute`},
		{"the updated stamp and inside it", dynamodel.Set("updated", "x").Set("updated.y", 1), `"updated" and "updated.y" overlap`},
		{"add a string", dynamodel.Update{}.Add("a", "x"), `value at "a": want a number or a set, got string`},
		{"add an empty set", dynamodel.Update{}.Add("a", []string{}), `value at "a": empty set`},
		{"delete a number", dynamodel.Update{}.Delete("a", 1), `value at "a": DELETE takes a set, not a number`},
		{"append nothing", dynamodel.Update{}.Append("a"), `value at "a": nothing to add to the list`},
		{"prepend nothing", dynamodel.Update{}.Prepend("a"), `value at "a": nothing to add to the list`},
		{"increment by a string", dynamodel.Increment("a", "1"), `value at "a": want a number to add or subtract, got string`},
		{"increment by a string attribute value", dynamodel.Increment("a", &types.AttributeValueMemberS{Value: "1"}), `want a number`},
		{"a value that does not encode", dynamodel.Set("a.b", make(chan int)), `value at "a.b"`},
		{"a bad path", dynamodel.Set("a..b", 1), `path "a..b": empty attribute name`},
		{"raw: undefined placeholder", dynamodel.RawUpdate(dynamodel.Raw{Expr: "SET #a = :v", Values: map[string]any{":v": 1}}),
			"placeholder #a is used but not defined"},
		{"raw: unused placeholder", dynamodel.RawUpdate(dynamodel.Raw{Expr: "REMOVE #a", Names: map[string]string{"#a": "a", "#b": "b"}}),
			"placeholders defined but not used"},
		{"raw: no clause", dynamodel.RawUpdate(dynamodel.Raw{Expr: "#a = :v", Names: map[string]string{"#a": "a"}, Values: map[string]any{":v": 1}}),
			"does not start with SET, REMOVE, ADD or DELETE"},
		{"raw: no clause, at the key", dynamodel.RawUpdate(dynamodel.Raw{Expr: "customer = :v", Values: map[string]any{":v": 1}}),
			"does not start with SET, REMOVE, ADD or DELETE"},
		{"raw: a clause twice", dynamodel.RawUpdate(dynamodel.Raw{Expr: "SET a = :v SET b = :v", Values: map[string]any{":v": 1}}),
			"SET appears twice"},
		{"raw: no path", dynamodel.RawUpdate(dynamodel.Raw{Expr: "SET = :v", Values: map[string]any{":v": 1}}),
			"does not start with the path it changes"},
		{"raw: a bad value", dynamodel.RawUpdate(dynamodel.Raw{Expr: "SET a = :v", Values: map[string]any{":v": make(chan int)}}),
			"value placeholder :v"},
		{"raw: empty", dynamodel.RawUpdate(dynamodel.Raw{}), "empty raw expression"},
		{"raw: a bad placeholder key", dynamodel.RawUpdate(dynamodel.Raw{Expr: "REMOVE #a", Names: map[string]string{"#a": "a", "b": "b"}}),
			`name placeholder "b" is not #`},
		{"raw: an empty name", dynamodel.RawUpdate(dynamodel.Raw{Expr: "REMOVE #a", Names: map[string]string{"#a": ""}}),
			"name placeholder #a: empty attribute name"},
		{"raw: a lone sigil", dynamodel.RawUpdate(dynamodel.Raw{Expr: "REMOVE # a"}), "is not followed by a placeholder name"},
		{"raw: unbalanced", dynamodel.RawUpdate(dynamodel.Raw{Expr: "SET a = if_not_exists(a, :v", Values: map[string]any{":v": 1}}),
			"unbalanced parentheses"},
	} {
		_, err := orders.Update(ctxT(t), k, tc.upd)
		if tc.want == "empty update" {
			require.ErrorIs(t, err, dynamodel.ErrEmptyUpdate, tc.name)
		} else {
			require.ErrorIs(t, err, dynamodel.ErrInvalidUpdate, tc.name)
		}
		assert.Contains(t, err.Error(), tc.want, tc.name)
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
