package schema_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"github.com/dynamodel/dynamodel/schema"
)

// FuzzParse feeds the loader arbitrary bytes. It must never panic;
// every rejection must be a *schema.Error; and what it accepts must write
// out as a file it reads back to the same table.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/guide/*.json")
	more, _ := filepath.Glob("../testdata/tables/*.json")
	for _, name := range append(append(files, more...), "../testdata/create-user.json") {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(validTable))
	f.Add([]byte(`{"Table": {"TableName": "T1x", "AttributeDefinitions": [{"AttributeName": "a", "AttributeType": "S"}], "KeySchema": [{"AttributeName": "a", "KeyType": "HASH"}]}}`))
	f.Add([]byte(`{"TableName": "a", "TableName": "b"}`))
	f.Add([]byte(`[1, {"x": [null, true]}]`))
	// Names with a surrogate pair, a lone surrogate and invalid UTF-8.
	for _, name := range []string{`a\ud83d\ude00`, `a\ud800`, "a\xff"} {
		f.Add([]byte(`{"TableName": "T1x", "AttributeDefinitions": [{"AttributeName": "` + name + `", "AttributeType": "S"}], ` +
			`"KeySchema": [{"AttributeName": "` + name + `", "KeyType": "HASH"}], "BillingMode": "PAY_PER_REQUEST"}`))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := schema.Parse("fuzz.json", data)
		if err != nil {
			var se *schema.Error
			if !errors.As(err, &se) || !errors.Is(err, schema.ErrInvalid) {
				t.Fatalf("rejection is not a *schema.Error: %#v", err)
			}
			return
		}
		out, err := json.Marshal(s)
		if err != nil {
			t.Fatalf("accepted schema does not marshal: %v", err)
		}
		if hasReplacement(out) && !hasReplacement(data) {
			t.Fatalf("accepted with a U+FFFD the file does not hold:\n%s", out)
		}
		back, err := schema.Parse("fuzz-out.json", out)
		if err != nil {
			t.Fatalf("written schema does not read back: %v\n%s", err, out)
		}
		again, err := json.Marshal(back)
		if err != nil || string(again) != string(out) {
			t.Fatalf("round trip changed the schema:\n%s\n%s", out, again)
		}
	})
}

// hasReplacement reports whether JSON text holds U+FFFD, as itself or
// escaped.
func hasReplacement(b []byte) bool {
	return bytes.ContainsRune(b, utf8.RuneError) || bytes.Contains(bytes.ToLower(b), []byte(`\ufffd`))
}
