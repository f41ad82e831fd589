package codec_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodel/dynamodel/codec"
)

// EmbeddedTime reaches Keyed through an embedded pointer.
type EmbeddedTime struct {
	At time.Time `dynamodbav:"at"`
}

// Keyed has time attributes of every shape SortableTimes meets: value,
// pointer, unixtime (left alone), embedded, and one not named (left alone).
type Keyed struct {
	*EmbeddedTime
	Hash  time.Time  `dynamodbav:"hash"`
	Range *time.Time `dynamodbav:"range,omitempty"`
	Null  *time.Time `dynamodbav:"null"`
	Unix  time.Time  `dynamodbav:"unix,unixtime"`
	Plain time.Time  `dynamodbav:"plain"`
	Name  string     `dynamodbav:"name"`
	Inner Inner      `dynamodbav:"inner"`
}

// KeyedSlow is Keyed with a field the plans do not cover, so attributevalue
// encodes it and the codec fixes the sortable attributes afterwards.
type KeyedSlow struct {
	Keyed
	Any any `dynamodbav:"any"`
}

// keyedSortable names Keyed's attributes to store sortably, and two that
// are not sortable times.
var keyedSortable = []string{"hash", "range", "null", "unix", "at", "name", "missing"}

// sortableDifferential checks that a codec with SortableTimes encodes as
// attributevalue does except for the sortable attributes, which hold
// SortableTimeLayout text of the same instant, and decodes exactly as
// attributevalue does.
func sortableDifferential[T any](t *testing.T, data []byte) {
	t.Helper()
	g := &gen{data: data}
	c := codec.New[T](codec.SortableTimes(keyedSortable...))
	var v T
	g.fill(reflect.ValueOf(&v).Elem(), 0)

	ours, oerr := c.Encode(&v)
	theirs, terr := attributevalue.MarshalMap(&v)
	want, werr := sortableForm(reflect.ValueOf(v), theirs, terr)
	if (oerr == nil) != (werr == nil) {
		t.Fatalf("%T encode errors differ: ours %v, want %v\nvalue: %#v", v, oerr, werr, v)
	}
	if oerr == nil && !equal(reflect.ValueOf(ours), reflect.ValueOf(want)) {
		t.Fatalf("%T encodings differ:\nours %#v\nwant %#v\nvalue: %#v", v, ours, want, v)
	}
	for _, item := range []map[string]types.AttributeValue{ours, theirs} {
		if item == nil {
			continue
		}
		got, oerr := c.Decode(item)
		var want T
		terr := attributevalue.UnmarshalMap(item, &want)
		if (oerr == nil) != (terr == nil) {
			t.Fatalf("%T decode errors differ: ours %v, attributevalue %v\nitem: %#v", v, oerr, terr, item)
		}
		if oerr == nil && !equal(reflect.ValueOf(got), reflect.ValueOf(want)) {
			t.Fatalf("%T decodings differ:\nours   %#v\ntheirs %#v", v, got, want)
		}
	}
}

// sortableForm is what a codec with keyedSortable makes of v, given
// attributevalue's encoding of it: the sortable times (S attributes)
// rewritten from v's fields, or an error for a year without a sortable form.
func sortableForm(v reflect.Value, item map[string]types.AttributeValue, err error) (map[string]types.AttributeValue, error) {
	if err != nil {
		return nil, err
	}
	out := make(map[string]types.AttributeValue, len(item))
	for name, av := range item {
		out[name] = av
	}
	for _, f := range codec.Fields(v.Type()) {
		if _, isS := item[f.Name].(*types.AttributeValueMemberS); !isS || f.Type != reflect.TypeFor[time.Time]() ||
			!slices.Contains(keyedSortable, f.Name) {
			continue
		}
		fv, err := v.FieldByIndexErr(f.Index)
		if err != nil {
			continue // a nil embedded pointer
		}
		if fv.Kind() == reflect.Pointer {
			fv = fv.Elem()
		}
		text, err := codec.FormatSortableTime(fv.Interface().(time.Time))
		if err != nil {
			return nil, err
		}
		out[f.Name] = &types.AttributeValueMemberS{Value: text}
	}
	return out, nil
}

func TestSortableTimesSortAsTimes(t *testing.T) {
	// The counterexamples: a whole second sorts after the half
	// second that follows it, and a -05:00 evening matches the wrong day.
	whole := time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC)
	half := whole.Add(500 * time.Millisecond)
	evening := time.Date(2026, 1, 2, 22, 0, 0, 0, time.FixedZone("EST", -5*3600))

	legacy := func(tm time.Time) string { return tm.Format(time.RFC3339Nano) }
	if !(legacy(whole) > legacy(half)) || !strings.HasPrefix(legacy(evening), "2026-01-02") {
		t.Fatal("the counterexamples no longer show the problem")
	}

	c := codec.New[Keyed](codec.SortableTimes("hash"))
	text := func(tm time.Time) string {
		item, err := c.Encode(&Keyed{Hash: tm})
		if err != nil {
			t.Fatal(err)
		}
		return item["hash"].(*types.AttributeValueMemberS).Value
	}
	if got := text(whole); got != "2026-01-02T10:00:00.000000000Z" {
		t.Errorf("whole second: %q", got)
	}
	if !(text(whole) < text(half)) {
		t.Errorf("%q does not sort before %q", text(whole), text(half))
	}
	if got := text(evening); got != "2026-01-03T03:00:00.000000000Z" {
		t.Errorf("-05:00 evening: %q, want the next UTC day", got)
	}
	// Sub-second values in every digit position sort as times.
	base := time.Date(2026, 3, 4, 5, 6, 7, 0, time.FixedZone("X", 5*3600+1800))
	var prev string
	for _, d := range []time.Duration{0, 1, 10, 999, 1000, 123456, 1e6, 5e8, 999999999, 1e9} {
		s := text(base.Add(d))
		if s <= prev || len(s) != len(codec.SortableTimeLayout) {
			t.Errorf("%v: %q after %q", d, s, prev)
		}
		prev = s
	}
	// Both forms decode to the same instant.
	for _, tm := range []time.Time{whole, half, evening, base.Add(123456789)} {
		for _, s := range []string{text(tm), legacy(tm)} {
			got, err := c.Decode(map[string]types.AttributeValue{"hash": &types.AttributeValueMemberS{Value: s}})
			if err != nil || !got.Hash.Equal(tm) {
				t.Errorf("decode %q = %v, %v; want %v", s, got.Hash, err, tm)
			}
		}
	}
}

func TestSortableTimesLeavesOtherAttributes(t *testing.T) {
	at := time.Date(2026, 1, 2, 10, 0, 0, 0, time.FixedZone("X", 3600))
	v := Keyed{EmbeddedTime: &EmbeddedTime{At: at}, Hash: at, Range: &at, Unix: at, Plain: at, Name: "n"}
	item, err := codec.New[Keyed](codec.SortableTimes(keyedSortable...)).Encode(&v)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{
		"hash": "2026-01-02T09:00:00.000000000Z", "range": "2026-01-02T09:00:00.000000000Z",
		"at": "2026-01-02T09:00:00.000000000Z", "plain": "2026-01-02T10:00:00+01:00", "name": "n",
	} {
		if got := item[name].(*types.AttributeValueMemberS).Value; got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if got := item["unix"].(*types.AttributeValueMemberN).Value; got != "1767344400" {
		t.Errorf("unix = %q", got)
	}
	if _, ok := item["null"].(*types.AttributeValueMemberNULL); !ok {
		t.Errorf("null = %#v", item["null"])
	}
	if codec.New[Keyed]() != codec.For[Keyed]() || codec.New[Keyed](codec.SortableTimes("plain", "hash")) != codec.New[Keyed](codec.SortableTimes("hash", "plain")) {
		t.Error("codecs are not cached by type and options")
	}
	if codec.New[Keyed](codec.SortableTimes("name", "unix")) != codec.For[Keyed]() {
		t.Error("names that are not sortable times make a new codec")
	}
}

// selfKeyed marshals itself, storing its time as attributevalue would.
type selfKeyed struct {
	At time.Time `dynamodbav:"at"`
}

func (s *selfKeyed) MarshalDynamoDBItem() (map[string]types.AttributeValue, error) {
	return map[string]types.AttributeValue{"at": &types.AttributeValueMemberS{Value: s.At.Format(time.RFC3339Nano)}}, nil
}

func TestSortableTimesFixMarshalers(t *testing.T) {
	at := time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC)
	item, err := codec.New[selfKeyed](codec.SortableTimes("at")).Encode(&selfKeyed{At: at})
	if err != nil || item["at"].(*types.AttributeValueMemberS).Value != "2026-01-02T10:00:00.000000000Z" {
		t.Fatalf("got %#v, %v", item, err)
	}
}

func TestSortableTimesRejectUnsortableYears(t *testing.T) {
	for _, year := range []int{-1, 10000} {
		at := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
		for name, encode := range map[string]func() error{
			"plan": func() error {
				_, err := codec.New[Keyed](codec.SortableTimes("hash")).Encode(&Keyed{Hash: at})
				return err
			},
			"attributevalue": func() error {
				_, err := codec.New[KeyedSlow](codec.SortableTimes("hash")).Encode(&KeyedSlow{Keyed: Keyed{Hash: at}})
				return err
			},
		} {
			err := encode()
			if err == nil || !strings.Contains(err.Error(), `attribute "hash"`) || !strings.Contains(err.Error(), "0000-9999") {
				t.Errorf("year %d, %s: %v", year, name, err)
			}
		}
		if _, err := codec.For[Keyed]().Encode(&Keyed{Hash: at}); err != nil {
			t.Errorf("year %d without SortableTimes: %v", year, err)
		}
	}
	if s, err := codec.FormatSortableTime(time.Time{}); err != nil || s != "0001-01-01T00:00:00.000000000Z" {
		t.Errorf("the zero time: %q, %v", s, err)
	}
}
