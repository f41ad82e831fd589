package codec

import (
	"reflect"
	"strings"
)

// TagKey is the struct tag dynamodel reads attribute names and options from:
// the same tag, with the same meaning, as the SDK's attributevalue package.
const TagKey = "dynamodbav"

// Tag holds what a `dynamodbav` struct tag says about one field.
//
//	Field string `dynamodbav:"name,omitempty,stringset"`
type Tag struct {
	Name          string // attribute name; empty means the Go field name
	Ignore        bool   // "-": the field is never stored
	OmitEmpty     bool   // omitempty: a zero value is left out of the item
	OmitEmptyElem bool   // omitemptyelem: zero elements of a list or map are left out
	NullEmpty     bool   // nullempty: a zero value is stored as NULL
	NullEmptyElem bool   // nullemptyelem: zero elements are stored as NULL
	AsString      bool   // string: a number is stored as S
	AsBinarySet   bool   // binaryset: a slice is stored as BS
	AsNumberSet   bool   // numberset: a slice is stored as NS
	AsStringSet   bool   // stringset: a slice is stored as SS
	AsUnixTime    bool   // unixtime: a time.Time is stored as N, seconds since the epoch

	// sortable is set by SortableTimes, never by a struct tag: a time.Time
	// stored as S uses SortableTimeLayout.
	sortable bool
}

// ParseTag reads the `dynamodbav` tag of a struct field. Unknown options are
// ignored, as attributevalue ignores them.
func ParseTag(st reflect.StructTag) Tag {
	var t Tag
	s, ok := st.Lookup(TagKey)
	if !ok || s == "" {
		return t
	}
	name, opts, _ := strings.Cut(s, ",")
	if name == "-" {
		t.Ignore = true
	} else {
		t.Name = name
	}
	for opts != "" {
		var opt string
		opt, opts, _ = strings.Cut(opts, ",")
		switch opt {
		case "omitempty":
			t.OmitEmpty = true
		case "omitemptyelem":
			t.OmitEmptyElem = true
		case "nullempty":
			t.NullEmpty = true
		case "nullemptyelem":
			t.NullEmptyElem = true
		case "string":
			t.AsString = true
		case "binaryset":
			t.AsBinarySet = true
		case "numberset":
			t.AsNumberSet = true
		case "stringset":
			t.AsStringSet = true
		case "unixtime":
			t.AsUnixTime = true
		}
	}
	return t
}

// IsSet reports whether the tag asks for any kind of set.
func (t Tag) IsSet() bool { return t.AsBinarySet || t.AsNumberSet || t.AsStringSet }
