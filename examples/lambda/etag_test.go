package main

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/dynamodel/dynamodel"
)

// TestETagTellsStatesApart: users whose fields joined with a separator are
// the same bytes still have different tags.
func TestETagTellsStatesApart(t *testing.T) {
	seen := map[string]dynamodel.User{}
	for _, u := range []dynamodel.User{
		{Email: "ada@example.com", FirstName: "a\x00", LastName: "b"},
		{Email: "ada@example.com", FirstName: "a", LastName: "\x00b"},
		{Email: "ada@example.com", FirstName: "ab"},
		{Email: "ada@example.com", LastName: "ab"},
		{Email: "ada@example.com", FirstName: "a", LastName: "b"},
		{Email: "ada@example.com"},
		{Email: "ada@example.com\x00a"},
	} {
		tag := etag(u)
		assert.NotContains(t, seen, tag, "%+v and %+v", u, seen[tag])
		seen[tag] = u
		assert.Equal(t, tag, etag(u), "one user, one tag")
	}
}

func TestIfMatchHeader(t *testing.T) {
	assert.True(t, matches(`"abc"`, `"abc"`))
	assert.True(t, matches(`"x", "abc"`, `"abc"`))
	assert.True(t, matches(`*`, `"abc"`))
	assert.False(t, matches(`W/"abc"`, `"abc"`), "weak tags never match If-Match")
	assert.False(t, matches(`"ab"`, `"abc"`))
}
