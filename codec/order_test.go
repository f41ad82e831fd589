package codec_test

import (
	"reflect"
	"testing"

	"github.com/dynamodel/dynamodel/codec"
)

// TestAttributeOrder: items whose attributes come in an order other than
// the item before's (another name, the name escaped, white space, a case
// variant, a name the plan lacks) read as the SDK reads them, and an
// attribute twice at a place the item before had it is refused, as
// anywhere else.
func TestAttributeOrder(t *testing.T) {
	first := `{"email":{"S":"a@x"},"first_name":{"S":"Ada"},"last_name":{"S":"L"}}`
	for _, tc := range []struct {
		name, second string
		taken        bool
	}{
		{"same order", `{"email":{"S":"b@x"},"first_name":{"S":"Bo"},"last_name":{"S":"M"}}`, true},
		{"other order", `{"last_name":{"S":"M"},"email":{"S":"b@x"},"first_name":{"S":"Bo"}}`, true},
		{"escaped name", `{"em\u0061il":{"S":"b@x"},"first_name":{"S":"Bo"}}`, true},
		{"white space", `{ "email" : {"S":"b@x"}, "first_name":{"S":"Bo"}}`, true},
		{"longer name", `{"emailx":{"S":"b@x"},"first_name":{"S":"Bo"}}`, true},
		{"unknown first", `{"x":{"N":"1"},"email":{"S":"b@x"},"first_name":{"S":"Bo"}}`, true},
		{"fewer", `{"email":{"S":"b@x"}}`, true},
		{"case variant", `{"Email":{"S":"b@x"}}`, false},
		{"twice where predicted", `{"first_name":{"S":"Bo"},"first_name":{"S":"Bo"}}`, false},
		{"twice, first predicted", `{"email":{"S":"b@x"},"email":{"S":"c@x"}}`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			arr := []byte("[" + first + "," + tc.second + "," + first + "]")
			got, n, ok := codec.For[Small]().AppendJSON(nil, arr)
			if ok != tc.taken {
				t.Fatalf("taken %v, want %v", ok, tc.taken)
			}
			if !ok {
				return
			}
			if n != len(arr) {
				t.Fatalf("read %d bytes of %d", n, len(arr))
			}
			sameAsSDK(t, arr, got)
		})
	}
}

// TestAttributeOrderWatched: with watched attributes, a watched attribute
// no field has, met twice at the place the item before had it, is
// refused, and one met elsewhere is recorded.
func TestAttributeOrderWatched(t *testing.T) {
	first := `{"PK":{"S":"A"},"SK":{"S":"B"},"email":{"S":"a@x"}}`
	for _, tc := range []struct {
		name, second string
		taken        bool
		pk           string
	}{
		{"same order", `{"PK":{"S":"C"},"SK":{"S":"D"},"email":{"S":"b@x"}}`, true, "C"},
		{"other order", `{"email":{"S":"b@x"},"SK":{"S":"D"},"PK":{"S":"C"}}`, true, "C"},
		{"twice where predicted", `{"SK":{"S":"D"},"SK":{"S":"E"}}`, false, ""},
		{"field twice where predicted", `{"email":{"S":"b@x"},"PK":{"S":"C"},"email":{"S":"b@x"}}`, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			arr := []byte("[" + first + "," + tc.second + "]")
			it, ok := codec.For[Small]().Items(arr, "PK", "SK")
			if !ok {
				t.Fatal("Items refused")
			}
			var got []Small
			if got, ok = it.Next(got); !ok {
				t.Fatal("first item refused")
			}
			got, ok = it.Next(got)
			if ok != tc.taken {
				t.Fatalf("taken %v, want %v", ok, tc.taken)
			}
			if text, _ := it.String(0); ok && (string(text) != tc.pk || got[1].Email != "b@x") {
				t.Fatalf("PK %q, item %+v", text, got[1])
			}
		})
	}
}

// TestAttributeOrderUnknown: attributes no field has, met where the item
// before had them or elsewhere, are passed over as the SDK's reading
// passes over them; a case variant of a field where the item before had
// an unknown name is still left to Decode; names JSON escapes, long
// names and more names than the decoder keeps read the same.
func TestAttributeOrderUnknown(t *testing.T) {
	first := `{"PK":{"S":"A"},"SK":{"S":"B"},"email":{"S":"a@x"},"x":{"L":[{"N":"1"}]}}`
	for _, tc := range []struct {
		name, second string
		taken        bool
	}{
		{"same order", `{"PK":{"S":"C"},"SK":{"S":"D"},"email":{"S":"b@x"},"x":{"M":{}}}`, true},
		{"a field where an unknown was", `{"email":{"S":"b@x"},"PK":{"S":"C"}}`, true},
		{"an unknown where a field was", `{"PK":{"S":"C"},"SK":{"S":"D"},"y":{"N":"1"},"email":{"S":"b@x"}}`, true},
		{"unknown twice where predicted", `{"PK":{"S":"C"},"PK":{"S":"C"}}`, true},
		{"case variant where an unknown was", `{"Email":{"S":"b@x"}}`, false},
		{"escaped unknown", `{"P\u004b":{"S":"C"},"SK":{"S":"D"}}`, true},
		{"quote in a name", `{"a\"b":{"S":"C"},"email":{"S":"b@x"}}`, true},
		{"long names", `{"a_long_attribute_name_of_30_b":{"S":"C"},"another_long_attribute_name_x":{"S":"D"}}`, true},
		{"more names than kept", `{"u1":{"N":"1"},"u2":{"N":"2"},"u3":{"N":"3"},"u4":{"N":"4"},"u5":{"N":"5"},"email":{"S":"b@x"}}`, true},
		{"bad value where predicted", `{"PK":{"S":"C"},"SK":{"X":"D"}}`, false},
		{"cut where predicted", `{"PK":{"S":"C"},"SK":`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			arr := []byte("[" + first + "," + tc.second + "," + first + "," + tc.second + "]")
			got, _, ok := codec.For[Small]().AppendJSON(nil, arr)
			if ok != tc.taken {
				t.Fatalf("taken %v, want %v", ok, tc.taken)
			}
			if !ok {
				return
			}
			sameAsSDK(t, arr, got)
			it, ok := codec.For[Small]().Items(arr, "SK")
			for ok && !it.Done() {
				_, ok = it.Next(nil)
			}
			if !ok {
				t.Fatal("Items watching SK refused what AppendJSON took")
			}
		})
	}
}

// TestAttributeOrderRefusesBadJSON: a name written where the item before
// had one JSON escapes, now without its escape, is not valid JSON and is
// refused, as the name compared as written is only ever one with nothing
// to escape.
func TestAttributeOrderRefusesBadJSON(t *testing.T) {
	for _, arr := range []string{
		`[{"a\"b":{"S":"C"}},{"a"b":{"S":"C"}}]`,
		`[{"a\\x":{"S":"C"}},{"a\x":{"S":"C"}}]`,
		"[{\"a\\tb\":{\"S\":\"C\"}},{\"a\tb\":{\"S\":\"C\"}}]",
	} {
		if _, _, ok := codec.For[Small]().AppendJSON(nil, []byte(arr)); ok {
			t.Errorf("AppendJSON took %s", arr)
		}
		if _, err := sdkItems([]byte(`{"Items":` + arr + `}`)); err == nil {
			t.Errorf("the SDK took %s", arr)
		}
	}
}

// sameAsSDK checks got, the items of the JSON array arr, against the SDK's
// reading of arr plus Decode.
func sameAsSDK(t *testing.T, arr []byte, got []Small) {
	t.Helper()
	sdk, err := sdkItems([]byte(`{"Items":` + string(arr) + `}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(sdk) != len(got) {
		t.Fatalf("%d items, the SDK's %d", len(got), len(sdk))
	}
	for i, item := range sdk {
		want, err := codec.For[Small]().Decode(item)
		if err != nil || !reflect.DeepEqual(got[i], want) {
			t.Fatalf("item %d: %+v, the SDK's %+v (%v)", i, got[i], want, err)
		}
	}
}
