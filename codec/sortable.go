package codec

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"
	"unsafe"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// SortableTimeLayout is the layout of the time attributes a codec stores
// sortably (see SortableTimes): always UTC, always nine fractional digits,
// so that for the years 0000 to 9999 string order is time order.
// attributevalue's own layout, time.RFC3339Nano in the value's zone with
// trailing zeros trimmed, is not: "…10:00:00Z" sorts after "…10:00:00.5Z".
const SortableTimeLayout = "2006-01-02T15:04:05.000000000Z"

// FormatSortableTime returns t in UTC with SortableTimeLayout. It fails for
// a year outside 0000 to 9999, whose text would not sort. time.Parse with
// time.RFC3339 (what attributevalue decodes with) reads the result back as
// the same instant.
func FormatSortableTime(t time.Time) (string, error) {
	t = t.UTC()
	if y := t.Year(); y < 0 || y > 9999 {
		return "", fmt.Errorf("time %v: year outside 0000-9999 has no sortable form", t)
	}
	return t.Format(SortableTimeLayout), nil
}

// An Option changes how a codec made by New encodes.
type Option func(*options)

type options struct {
	sortable []string
}

// SortableTimes stores the named top-level attributes, when they are
// time.Time or *time.Time fields stored as strings (not unixtime), with
// SortableTimeLayout instead of attributevalue's time.RFC3339Nano in the
// value's zone. Decoding reads both forms. dynamodel asks for it for key
// attributes, whose string order DynamoDB sorts by. Other names are
// ignored.
func SortableTimes(names ...string) Option {
	return func(o *options) { o.sortable = append(o.sortable, names...) }
}

// New returns the codec of T with options: without any, For[T](). Codecs
// are built once per T and options, and cached.
func New[T any](opts ...Option) *Codec[T] {
	var o options
	for _, fn := range opts {
		fn(&o)
	}
	t := reflect.TypeFor[T]()
	fields := sortableFields(t, o.sortable)
	if len(fields) == 0 {
		return For[T]()
	}
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.name
	}
	key := codecKey{typ: t, sortable: strings.Join(names, "\x00")}
	if c, ok := codecs.Load(key); ok {
		return c.(*Codec[T])
	}
	base := For[T]()
	c := &Codec[T]{typ: t, dec: base.dec, self: base.self, selfDecode: base.selfDecode, sortable: fields}
	set := make(map[string]bool, len(names))
	for _, n := range names {
		set[n] = true
	}
	c.enc = compileStructEncSeen(t, map[reflect.Type]bool{}, set)
	actual, _ := codecs.LoadOrStore(key, c)
	return actual.(*Codec[T])
}

// sortableField is a top-level time attribute stored with
// SortableTimeLayout.
type sortableField struct {
	name string
	at   access
	ptr  bool // a *time.Time field
}

// sortableFields returns the fields of t among names that can be stored
// sortably, in field order.
func sortableFields(t reflect.Type, names []string) []sortableField {
	if t.Kind() != reflect.Struct || len(names) == 0 {
		return nil
	}
	var out []sortableField
	for _, f := range Fields(t) {
		if !slices.Contains(names, f.Name) || f.Type != timeType || f.Tag.AsUnixTime || !fieldReachable(t, f.Index) {
			continue
		}
		out = append(out, sortableField{name: f.Name, at: accessFor(t, f.Index), ptr: f.FieldType.Kind() == reflect.Pointer})
	}
	return out
}

// fixSortable rewrites the sortable attributes of an item encoded without
// the plan (by attributevalue, or by the type's own Marshaler) from the
// value at p: those stored as strings get SortableTimeLayout.
func fixSortable(fields []sortableField, p unsafe.Pointer, item map[string]types.AttributeValue) error {
	for i := range fields {
		f := &fields[i]
		if _, isS := item[f.name].(*types.AttributeValueMemberS); !isS {
			continue
		}
		fp := f.at.read(p)
		if fp != nil && f.ptr {
			fp = *(*unsafe.Pointer)(fp)
		}
		if fp == nil {
			continue
		}
		s, err := FormatSortableTime(*(*time.Time)(fp))
		if err != nil {
			return fmt.Errorf("codec: attribute %q: %w", f.name, err)
		}
		item[f.name] = &types.AttributeValueMemberS{Value: s}
	}
	return nil
}
