package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/dynamodel/dynamodel"
)

// FuzzDecodeJSON: a body decodeJSON takes holds one object of User's
// fields, each named exactly once, and its strings are exactly what the
// client sent: no U+FFFD that encoding/json put in place of invalid UTF-8
// or a lone surrogate escape.
func FuzzDecodeJSON(f *testing.F) {
	for _, seed := range []string{
		`{"email":"ada@example.com","first_name":"Ada"}`,
		`{"email":"a\ud83d\ude00@x"}`,
		`{"email":"a\ud800@x"}`,
		`{"email":"a\\ud800@x"}`,
		`{"email":"\u005cud800"}`,
		`{"EMAIL":"a@x"}`,
		`{"email":"a@x","email":"b@x"}`,
		`{"email":"a@x"} `,
		`{"email":"\ufffd"}`,
		"{\"email\":\"\xff\"}",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var u dynamodel.User
		if decodeJSON(body, &u) != nil {
			return
		}
		sent := bytes.Contains(body, []byte("\uFFFD")) || strings.Contains(strings.ToLower(string(body)), `\ufffd`)
		for _, s := range []string{u.Email, u.FirstName, u.LastName} {
			if strings.ContainsRune(s, '\uFFFD') && !sent {
				t.Fatalf("%q decoded with U+FFFD: %q", body, s)
			}
		}
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(body, &fields); err != nil {
			t.Fatalf("%q taken, but not a JSON object: %v", body, err)
		}
		for name := range fields {
			if name != "email" && name != "first_name" && name != "last_name" {
				t.Fatalf("%q taken with field %q", body, name)
			}
		}
	})
}
