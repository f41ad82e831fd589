package dynamodel

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestPathHeads checks the names checkFilterKeys looks at: the first name
// of each path of an expression, from a placeholder or bare, and not
// function names, keywords, values, list indexes or map members.
func TestPathHeads(t *testing.T) {
	w := exprWriter{}
	a, b, c := w.name("customer"), w.name("id"), w.name("data")
	for _, tc := range []struct {
		expr string
		want []pathHead
	}{
		{a + " = :v0", []pathHead{{"customer", false}}},
		{c + "." + b + " = :v0 AND " + c + "[2]." + a + " < :v1", []pathHead{{"data", true}, {"data", true}}},
		{c + " . " + b + " = :v0", []pathHead{{"data", true}}},
		{"attribute_exists (" + b + ") OR size(tags) > :v0", []pathHead{{"id", false}, {"tags", false}}},
		{"NOT total BETWEEN :v0 AND :v1 and x in (:v2)", []pathHead{{"total", false}, {"x", false}}},
		{"contains(data.id, :v0)", []pathHead{{"data", true}}},
		{"#unknown = :v0", []pathHead{{"", false}}},
		{"", nil},
	} {
		assert.Equal(t, tc.want, pathHeads(&w, tc.expr), tc.expr)
	}
	assert.NoError(t, checkFilterKeys(pathHeads(&w, c+"."+b+" = :v0"), "customer", "id"))
	assert.NoError(t, checkFilterKeys(pathHeads(&w, "#unknown = :v0"), "customer", ""))
	assert.ErrorIs(t, checkFilterKeys(pathHeads(&w, c+" = :v0 OR "+b+" = :v1"), "customer", "id"), ErrInvalidQuery)
}
