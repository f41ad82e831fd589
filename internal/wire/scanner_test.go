package wire

import (
	"encoding/json"
	"testing"
)

// FuzzScanner checks the scanner against encoding/json: a string it reads
// is the one encoding/json reads, and a value it skips is valid JSON.
func FuzzScanner(f *testing.F) {
	for _, s := range []string{`"a"`, `"\u00e9\ud83d\ude00"`, `"x\"y\\z\/\b\f\n\r\t"`, `{"a":[1,-2.5e3,true,false,null,{}]}`, `"ünï"`, `"\ud800"`, "\"\x01\"", `01`, `1.`, `[1,]`, `"abcdefghijklmnopqrstuvwxyz\"0123"`} {
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
		if s.Skip() && s.End() && !json.Valid(data) {
			t.Fatalf("Skip took %q, which is not valid JSON", data)
		}
	})
}
