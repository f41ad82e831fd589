package codec_test

import (
	"strings"
	"testing"

	"github.com/dynamodel/dynamodel/codec"
)

// TestItemsWatched: Items records, for each item, which watched attributes
// it has and their values' JSON text, whether T has a field for them or
// not, and takes an item as AppendJSON does.
func TestItemsWatched(t *testing.T) {
	arr := `[{"PK":{"S":"USER#ada"},"email":{"S":"ada@example.com"},"x":{"N":"1"}},` +
		` {"email":{"S":"bob@example.com"}, "SK" : {"S":"#META"}}]`
	it, ok := codec.For[Small]().Items([]byte(arr), "PK", "SK", "email")
	if !ok {
		t.Fatal("Items refused a plain array")
	}
	type item struct {
		email   string
		watched uint32
		values  [3]string
	}
	var got []Small
	var seen []item
	for !it.Done() {
		if got, ok = it.Next(got); !ok {
			t.Fatalf("item %d not taken", len(got))
		}
		s := item{email: got[len(got)-1].Email, watched: it.Watched()}
		for i := range s.values {
			s.values[i] = string(it.Value(i))
		}
		seen = append(seen, s)
	}
	want := []item{
		{"ada@example.com", 0b101, [3]string{`{"S":"USER#ada"}`, "", `{"S":"ada@example.com"}`}},
		{"bob@example.com", 0b110, [3]string{"", `{"S":"#META"}`, `{"S":"bob@example.com"}`}},
	}
	if len(seen) != len(want) || seen[0] != want[0] || seen[1] != want[1] {
		t.Fatalf("got %+v, want %+v", seen, want)
	}
	if text, ok := it.String(1); !ok || string(text) != "#META" {
		t.Errorf("String(1) = %q, %v; want #META", text, ok)
	}
	if text, ok := it.String(2); ok {
		t.Errorf("String(2) = %q for a field's attribute", text)
	}
	if it.Pos() != len(arr) {
		t.Fatalf("read %d bytes of %d", it.Pos(), len(arr))
	}
}

// TestItemsWatchedTwice: an item with a watched attribute twice is not
// taken (AppendJSON takes an unknown attribute twice, as the SDK keeps one
// of the two); the caller may pass over it.
func TestItemsWatchedTwice(t *testing.T) {
	arr := `[{"PK":{"S":"a"},"PK":{"S":"b"},"email":{"S":"e"}},{"email":{"S":"f"}}]`
	if _, _, ok := codec.For[Small]().AppendJSON(nil, []byte(arr)); !ok {
		t.Fatal("AppendJSON refused an unknown attribute twice")
	}
	it, _ := codec.For[Small]().Items([]byte(arr), "PK")
	got, ok := it.Next(nil)
	if ok || len(got) != 0 || it.Watched() != 0 {
		t.Fatalf("took %v (%d items, watched %b), want the item refused", ok, len(got), it.Watched())
	}
	if !it.Skip(strings.Index(arr, `},{`) + 1 - it.Start()) {
		t.Fatal("Skip failed")
	}
	if got, ok = it.Next(got); !ok || got[0].Email != "f" || !it.Done() {
		t.Fatalf("after the skip: %v %+v", ok, got)
	}
}

// TestItemsWatchRefused: Items refuses what it cannot watch: a name
// watched twice, one that matches a field only ignoring case (decoded by
// Decode's rules), more than MaxWatched names.
func TestItemsWatchRefused(t *testing.T) {
	many := make([]string, codec.MaxWatched+1)
	for i := range many {
		many[i] = "a" + strings.Repeat("x", i)
	}
	for _, watch := range [][]string{{"PK", "PK"}, {"email", "email"}, {"EMAIL"}, many} {
		if _, ok := codec.For[Small]().Items([]byte(`[]`), watch...); ok {
			t.Errorf("Items watching %q: ok", watch)
		}
	}
	if _, ok := codec.For[Small]().Items([]byte(`[]`), many[:codec.MaxWatched]...); !ok {
		t.Errorf("Items refused %d names", codec.MaxWatched)
	}
}
