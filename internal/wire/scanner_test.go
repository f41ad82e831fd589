package wire

import (
	"bytes"
	"encoding/json"
	"testing"
)

// FuzzScanner checks the scanner against encoding/json: a string it reads
// is the one encoding/json reads, and a value it skips is valid JSON.
func FuzzScanner(f *testing.F) {
	for _, s := range []string{`"a"`, `"\u00e9\ud83d\ude00"`, `"x\"y\\z\/\b\f\n\r\t"`, `{"a":[1,-2.5e3,true,false,null,{}]}`, `"ünï"`, `"\ud800"`, "\"\x01\"", `01`, `1.`, `[1,]`, `"abcdefghijklmnopqrstuvwxyz\"0123"`, `{"S":"USER#ada"}`, `{"S":"ORDER#order-0000000123-2026-11-25T09:30:00Z"}`, `{"S":"a\"b"}`, `{"S":""}`, `{"BOOL":true}`, `{"NULL" :true}`, ` { "N":"1"}`, `{"\u0053":"x"}`, `{"ABCDE":1}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s := New(data)
		var scratch []byte
		if text, ok := s.String(&scratch); ok && s.End() {
			var want string
			if err := json.Unmarshal(data, &want); err != nil || want != string(text) {
				t.Fatalf("String(%q) = %q; encoding/json: %q, %v", data, text, want, err)
			}
		}
		s = New(data)
		if text, ok := s.PlainS(); ok && s.End() {
			var want map[string]string
			if err := json.Unmarshal(data, &want); err != nil || len(want) != 1 || want["S"] != string(text) {
				t.Fatalf("PlainS(%q) = %q; encoding/json: %q, %v", data, text, want, err)
			}
		} else if !ok && s.Pos() > len(data)-len(bytes.TrimLeft(data, " \t\r\n")) {
			t.Fatalf("PlainS(%q) refused it past its start (at %d)", data, s.Pos())
		}
		checkTag(t, data)
		s = New(data)
		if s.Skip() && s.End() && !json.Valid(data) {
			t.Fatalf("Skip took %q, which is not valid JSON", data)
		}
	})
}

// TestPlainS: PlainS takes {"S":"text"} exactly, with text that needs no
// unescaping or checking, and leaves anything else where it was.
func TestPlainS(t *testing.T) {
	for in, want := range map[string]string{
		` {"S":"USER#ada"},`: "USER#ada",
		`{"S":""}`:           "",
		`{"S":"a b~"}`:       "a b~",
	} {
		s := New([]byte(in))
		if text, ok := s.PlainS(); !ok || string(text) != want {
			t.Errorf("PlainS(%q) = %q, %v; want %q", in, text, ok, want)
		}
	}
	for _, in := range []string{`{"S":"a\"b"}`, `{"S":"é"}`, "{\"S\":\"a\tb\"}", `{ "S":"a"}`, `{"S":"a" }`, `{"N":"1"}`, `{"S":"a"`, `{"S":"abcdefghijklmnop`, `{"S":`, `{"SS":["a"]}`} {
		s := New([]byte(in))
		if text, ok := s.PlainS(); ok || s.Pos() != 0 {
			t.Errorf("PlainS(%q) = %q, %v at %d; want it refused at 0", in, text, ok, s.Pos())
		}
	}
}

// checkTag checks Tag against Byte('{') then Key on data: the same name,
// read to the same place, or refused by both.
func checkTag(t *testing.T, data []byte) {
	t.Helper()
	var scratch []byte
	s := New(data)
	tag, ok := s.Tag(&scratch)
	got := string(tag)
	r := New(data)
	var key []byte
	want := r.Byte('{')
	if want {
		key, want = r.Key(&scratch)
	}
	if ok != want || ok && (got != string(key) || s.Pos() != r.Pos()) {
		t.Fatalf("Tag(%q) = %q, %v at %d; Byte and Key: %q, %v at %d", data, got, ok, s.Pos(), key, want, r.Pos())
	}
}

// TestTag: Tag reads what Byte('{') then Key read, whether it takes the
// short form or not.
func TestTag(t *testing.T) {
	for _, in := range []string{`{"S":"a"}`, `{"BOOL":true}`, `{"NULL":true}`, `{"SS":[]}`, ` {"N":"1"}`,
		`{ "S":"a"}`, `{"S" :"a"}`, `{"\u0053":"a"}`, `{"ABCDE":1}`, `{"s":"a"}`, `{"":1}`, `{"S"`, `{"S`, `{`, `[`, ``, `{"S":`, `{"BOO`} {
		checkTag(t, []byte(in))
	}
}
