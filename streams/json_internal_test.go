package streams

import (
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/dynamodel/dynamodel"
)

type jsonOrder struct {
	Customer string   `dynamodbav:"customer" dynamodel:"hash"`
	ID       string   `dynamodbav:"id" dynamodel:"range"`
	Total    int      `dynamodbav:"total"`
	Tags     []string `dynamodbav:"tags,omitempty"`
	Note     *string  `dynamodbav:"note,omitempty"`
}

// hostile are bytes and snippets a mutation puts into an event.
var hostile = []string{`"`, `\`, `{`, `}`, `[`, `]`, `,`, `:`, "x", "0", "\x00", "\x80", `\ud800`, `null`, `{"S":1}`, `{"BS":[1]}`, `{}`, `"RECORDS":[]`, `"EventID":"e",`, `"eventID":"dup",`, `"SizeBytes":1.5,`, ` `}

// jsonDifferential mutates event as data says and checks that DecodeJSON
// gives what json.Unmarshal (by unmarshalEvent) and Decode give: the same
// records, or the same error. It returns whether the direct path took the event.
func jsonDifferential[T any](t *testing.T, event []byte, data []byte) bool {
	t.Helper()
	event = mutate(event, data)
	var took bool
	func() {
		defer func() {
			if p := recover(); p != nil {
				t.Fatalf("directRecords panicked (%v) on %q", p, event)
			}
		}()
		_, took = directRecords[T](event)
	}()
	got, gerr := DecodeJSON[T](event)
	var want []Record[T]
	e, werr := unmarshalEvent(event)
	if werr == nil {
		want, werr = Decode[T](e)
	}
	if (gerr == nil) != (werr == nil) || gerr != nil && gerr.Error() != werr.Error() {
		t.Fatalf("errors differ: DecodeJSON %v, Unmarshal+Decode %v\n%q", gerr, werr, event)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("records differ:\nDecodeJSON %+v\nDecode     %+v\n%q", got, want, event)
	}
	if took && gerr != nil {
		t.Fatalf("the direct path took an event that fails: %v", gerr)
	}
	return took
}

func mutate(event, data []byte) []byte {
	event = append([]byte(nil), event...)
	if len(data) < 3 {
		return event
	}
	at := (int(data[1])<<8 | int(data[2])) % (len(event) + 1)
	snippet := hostile[int(data[0]>>2)%len(hostile)]
	switch data[0] % 4 {
	case 1:
		return event[:at]
	case 2:
		if at < len(event) {
			event[at] = snippet[0]
		}
		return event
	case 3:
		return append(event[:at:at], append([]byte(snippet), event[at:]...)...)
	}
	return event
}

func events_(t testing.TB) [][]byte {
	var out [][]byte
	for _, f := range []string{"user-events.json", "keys-only.json"} {
		b, err := os.ReadFile("testdata/" + f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

func FuzzDecodeJSON(f *testing.F) {
	for i := range 64 {
		f.Add([]byte{byte(i), byte(i * 37), byte(i * 101)})
	}
	evs := events_(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, e := range evs {
			jsonDifferential[dynamodel.User](t, e, data)
			jsonDifferential[jsonOrder](t, e, data)
		}
	})
}

// TestDecodeJSONMatchesDecode runs the differential over many mutations,
// and checks that the unchanged events take the direct path when decoded
// as their table's model, and not as the other's (whose key attributes
// their Keys lack: both paths refuse them alike).
func TestDecodeJSONMatchesDecode(t *testing.T) {
	evs := events_(t)
	users, orders := evs[0], evs[1]
	if !jsonDifferential[dynamodel.User](t, users, nil) || !jsonDifferential[jsonOrder](t, orders, nil) {
		t.Fatal("the direct path did not take an event of the model's table")
	}
	if jsonDifferential[jsonOrder](t, users, nil) || jsonDifferential[dynamodel.User](t, orders, nil) {
		t.Fatal("the direct path took an event of another table")
	}
	// Images with values other clients may have written where the model
	// expects another type, or in forms read loosely.
	for _, av := range []string{
		`"note":{"N":"5"}`, `"note":{"B":"aGk="}`, `"note":{"B":"a*k="}`, `"note":{"S":null}`, `"note":{"NULL":false}`,
		`"note":{"S":"a\ud800b"}`, "\"note\":{\"S\":\"a\xffb\"}", `"note":{"S":"a"},"note":{"S":"b"}`, `"Note":{"S":"x"}`,
		`"tags":{"SS":["a","b"]}`, `"tags":{"NS":["1"]}`, `"tags":{"L":[{"S":"a"},{"N":"1"}]}`, `"tags":{"SS":[]}`,
		`"total":{"S":"42"}`, `"total":{"N":"1.5"}`, `"total":{"N":"4.2e1"}`, `"total":{"N":"99999999999999999999"}`,
		`"total":{"N":"-0"}`, `"total":{"N":""}`, `"total":{"N":42}`, `"total":{"NULL":true}`,
	} {
		event := []byte(strings.Replace(string(evs[1]), `"SequenceNumber"`, `"NewImage":{"customer":{"S":"c1"},"id":{"S":"o7"},`+av+`},"SequenceNumber"`, 1))
		jsonDifferential[jsonOrder](t, event, nil)
	}
	took := 0
	for i := range 3000 {
		data := []byte(strconv.Itoa(i*7919 + 13))
		for _, e := range evs {
			if jsonDifferential[dynamodel.User](t, e, data) {
				took++
			}
			jsonDifferential[jsonOrder](t, e, data)
		}
	}
	t.Logf("%d of 6000 mutated events took the direct path", took)
}
