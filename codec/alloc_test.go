package codec_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodel/dynamodel/codec"
)

// Seven is a model of seven attributes.
type Seven struct{ A, B, C, D, E, F, G string }

var seven = Seven{"a", "b", "c", "d", "e", "f", "g"}

// keyValue is an attribute value withKeys adds, allocated once.
var keyValue = &types.AttributeValueMemberS{Value: "k"}

// withKeys adds two key attributes to an encoded item.
func withKeys(m map[string]types.AttributeValue, _ error) map[string]types.AttributeValue {
	m["PK"], m["SK"] = keyValue, keyValue
	return m
}

// Stamped is a small model with a time key.
type Stamped struct {
	ID string    `dynamodbav:"id"`
	At time.Time `dynamodbav:"at"`
}

var (
	smallSink   Small
	stampedSink Stamped
	itemSink    map[string]types.AttributeValue
)

func TestAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector changes allocation counts")
	}
	small := Small{Email: "ada@example.com", FirstName: "Ada", LastName: "Lovelace"}
	smallItem, err := codec.For[Small]().Encode(&small)
	if err != nil {
		t.Fatal(err)
	}
	stamped := Stamped{ID: "a", At: time.Date(2026, 1, 2, 10, 0, 0, 5e8, time.UTC)}
	sortable := codec.New[Stamped](codec.SortableTimes("at"))
	stampedItem, err := sortable.Encode(&stamped)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		want float64
		fn   func()
	}{
		// A struct of scalars decodes into the result, allocating nothing.
		{"decode Small", 0, func() { smallSink, _ = codec.For[Small]().Decode(smallItem) }},
		// The item map (two allocations), and one attribute value each.
		{"encode Small", 5, func() { itemSink, _ = codec.For[Small]().Encode(&small) }},
		// The map, two attribute values, the time's text: a sortable time
		// costs what attributevalue's form costs.
		{"encode Stamped", 5, func() { itemSink, _ = codec.For[Stamped]().Encode(&stamped) }},
		{"encode Stamped, sortable", 5, func() { itemSink, _ = sortable.Encode(&stamped) }},
		{"decode Stamped, sortable", 0, func() { stampedSink, _ = sortable.Decode(stampedItem) }},
		// The map Encode makes for seven attributes (two allocations) holds
		// eight: a ninth and a tenth (an entity's keys) grow it (three more
		// allocations, the entries moved), where the map EncodeSized makes
		// with room for them takes four.
		{"encode Seven", 9, func() { itemSink, _ = codec.For[Seven]().Encode(&seven) }},
		{"encode Seven, two keys added", 12, func() { itemSink = withKeys(codec.For[Seven]().Encode(&seven)) }},
		{"EncodeSized Seven, two keys added", 11, func() { itemSink = withKeys(codec.For[Seven]().EncodeSized(&seven, 2)) }},
	} {
		if got := testing.AllocsPerRun(200, tc.fn); got != tc.want {
			t.Errorf("%s: %v allocations, want %v", tc.name, got, tc.want)
		}
	}
}
