package dynamodel_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

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
