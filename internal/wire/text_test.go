package wire

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestLoneSurrogate(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
	}{
		{`"a"`, -1},
		{`"\ud83d\ude00"`, -1},      // a pair
		{`"\uD83D\uDE00"`, -1},      // upper-case hex
		{`"\\ud800"`, -1},           // an escaped backslash, then text
		{`"\u00e9\"\\\n"`, -1},      // other escapes
		{`"\ud800"`, 1},             // a high half alone
		{`"x\udfff"`, 2},            // a low half alone
		{`"\ud83d\u0041"`, 1},       // a high half, then no low one
		{`"\ud83d\ud83d\ude00"`, 1}, // two high halves
		{`"\ude00\ud83d"`, 1},       // the halves reversed
		{`"\ud83d\ude"`, 1},         // a low half cut short
		{`"\ud83d`, 1},              // the text cut short
		{`\`, -1},
		{`"\u12"`, -1}, // not an escape of a code unit: the decoder's error
	} {
		if got := LoneSurrogate([]byte(tc.in)); got != tc.want {
			t.Errorf("LoneSurrogate(%s) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

// FuzzLoneSurrogate holds LoneSurrogate to encoding/json: a JSON string
// whose text does not say U+FFFD decodes to one exactly when it has a
// lone surrogate escape.
func FuzzLoneSurrogate(f *testing.F) {
	for _, s := range []string{`"\ud83d\ude00"`, `"\\ud800"`, `"\ud800"`, `"\udc00\ud800"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var s string
		if !utf8.Valid(b) || json.Unmarshal(b, &s) != nil {
			return
		}
		if strings.Contains(strings.ToLower(string(b)), `\ufffd`) || strings.ContainsRune(string(b), utf8.RuneError) {
			return // U+FFFD said in the text
		}
		replaced := strings.ContainsRune(s, utf8.RuneError)
		if lone := LoneSurrogate(b) >= 0; lone != replaced {
			t.Fatalf("%s decodes to %q; LoneSurrogate says lone: %v", b, s, lone)
		}
	})
}
