package codec_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodel/dynamodel/codec"
)

// writeWire writes av in DynamoDB's JSON, as the service sends it (a nil
// value as null, which the service never sends).
func writeWire(b *bytes.Buffer, av types.AttributeValue) {
	str := func(s string) {
		j, _ := json.Marshal(s) // escapes <, > and &, so escapes are exercised
		b.Write(j)
	}
	list := func(n int, each func(i int)) {
		b.WriteByte('[')
		for i := range n {
			if i > 0 {
				b.WriteByte(',')
			}
			each(i)
		}
		b.WriteByte(']')
	}
	switch v := av.(type) {
	case *types.AttributeValueMemberS:
		b.WriteString(`{"S":`)
		str(v.Value)
	case *types.AttributeValueMemberN:
		b.WriteString(`{"N":`)
		str(v.Value)
	case *types.AttributeValueMemberB:
		b.WriteString(`{"B":`)
		str(base64.StdEncoding.EncodeToString(v.Value))
	case *types.AttributeValueMemberBOOL:
		b.WriteString(`{"BOOL":` + strconv.FormatBool(v.Value))
	case *types.AttributeValueMemberNULL:
		b.WriteString(`{"NULL":` + strconv.FormatBool(v.Value))
	case *types.AttributeValueMemberSS:
		b.WriteString(`{"SS":`)
		list(len(v.Value), func(i int) { str(v.Value[i]) })
	case *types.AttributeValueMemberNS:
		b.WriteString(`{"NS":`)
		list(len(v.Value), func(i int) { str(v.Value[i]) })
	case *types.AttributeValueMemberBS:
		b.WriteString(`{"BS":`)
		list(len(v.Value), func(i int) { str(base64.StdEncoding.EncodeToString(v.Value[i])) })
	case *types.AttributeValueMemberL:
		b.WriteString(`{"L":`)
		list(len(v.Value), func(i int) { writeWire(b, v.Value[i]) })
	case *types.AttributeValueMemberM:
		b.WriteString(`{"M":`)
		writeItem(b, v.Value)
	default:
		b.WriteString("null")
		return
	}
	b.WriteByte('}')
}

func writeItem(b *bytes.Buffer, item map[string]types.AttributeValue) {
	b.WriteByte('{')
	first := true
	for k, av := range item {
		if !first {
			b.WriteByte(',')
		}
		first = false
		j, _ := json.Marshal(k)
		b.Write(j)
		b.WriteByte(':')
		writeWire(b, av)
	}
	b.WriteByte('}')
}

// body answers every request with the same response body.
type body struct{ b []byte }

func (r *body) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/x-amz-json-1.0"}},
		Body: io.NopCloser(bytes.NewReader(r.b)), ContentLength: int64(len(r.b)), Request: req}, nil
}

var (
	sdkBody   = &body{}
	sdkClient = dynamodb.New(dynamodb.Options{Region: "us-east-1", Credentials: aws.AnonymousCredentials{},
		HTTPClient: &http.Client{Transport: sdkBody}, RetryMaxAttempts: 1})
)

// sdkItems returns the items of a Query response body as the SDK reads them.
func sdkItems(b []byte) ([]map[string]types.AttributeValue, error) {
	sdkBody.b = b
	out, err := sdkClient.Query(context.Background(), &dynamodb.QueryInput{TableName: aws.String("t")})
	if err != nil {
		return nil, err
	}
	return out.Items, nil
}

// hostile are bytes and snippets a mutation puts into a body.
var hostile = []string{`"`, `\`, `{`, `}`, `[`, `]`, `,`, `:`, "x", "\x00", "\x80", "\xff", `\u00`, `\ud800`, `null`, `{"S":1}`, `{"N":"1","S":"a"}`, `{}`, `"\u0041"`, ` `}

// wireDifferential checks AppendJSON against the SDK plus Decode for a
// body of generated items, mutated by the fuzz input: when AppendJSON
// takes the items, the SDK reads the body without error and Decode gives
// the same values without error. It returns whether AppendJSON took them.
func wireDifferential[T any](t *testing.T, data []byte) bool {
	t.Helper()
	g := &gen{data: data}
	c := codec.For[T]()
	var v T
	g.fill(reflect.ValueOf(&v).Elem(), 0)
	theirs, err := attributevalue.MarshalMap(&v)
	if err != nil {
		return false
	}
	var names []string
	attributeNames(reflect.TypeFor[T](), map[reflect.Type]bool{}, &names)
	if len(names) == 0 {
		names = []string{"x"}
	}
	items := []map[string]types.AttributeValue{theirs}
	for range g.intn(3) {
		items = append(items, g.item(names, 0))
	}
	var b bytes.Buffer
	b.WriteString(`{"Count":` + strconv.Itoa(len(items)) + `,"Items":[`)
	for i, item := range items {
		if i > 0 {
			b.WriteByte(',')
		}
		writeItem(&b, item)
	}
	b.WriteString(`],"ScannedCount":3}`)
	raw := b.Bytes()
	prefix := len(`{"Count":` + strconv.Itoa(len(items)) + `,"Items":`)
	switch g.intn(5) {
	case 1: // truncated
		raw = raw[:g.intn(len(raw)+1)]
	case 2: // one byte changed
		if len(raw) > 0 {
			raw[int(g.uint64()%uint64(len(raw)))] = hostile[g.intn(len(hostile))][0]
		}
	case 3: // a snippet inserted
		at := int(g.uint64() % uint64(len(raw)+1))
		raw = append(raw[:at:at], append([]byte(hostile[g.intn(len(hostile))]), raw[at:]...)...)
	}
	var got []T
	var took bool
	var n int
	arr := raw[min(prefix, len(raw)):]
	if catch(func() { got, n, took = c.AppendJSON(nil, arr) }) {
		t.Fatalf("%T: AppendJSON panicked on %q", v, raw)
	}
	one, _, oneN, oneTook := readItems(c, arr, nil)
	if oneTook != took || (took && (oneN != n || !equal(reflect.ValueOf(one), reflect.ValueOf(got)))) {
		t.Fatalf("%T: Items one at a time took %v (%d bytes), AppendJSON %v (%d bytes): %q", v, oneTook, oneN, took, n, raw)
	}
	// Watching attributes changes nothing, but that an item with a watched
	// attribute twice is not taken.
	watch := watchedNames[T](g)
	one, seen, oneN, oneTook := readItems(c, arr, watch)
	if oneTook != took && !(took && twice(arr[:n], watch)) || oneTook && (oneN != n || !equal(reflect.ValueOf(one), reflect.ValueOf(got))) {
		t.Fatalf("%T: Items watching %q took %v (%d bytes), AppendJSON %v (%d bytes): %q", v, watch, oneTook, oneN, took, n, raw)
	}
	if took && !oneTook {
		return true
	}
	if !took {
		return false
	}
	// What follows the array is the caller's to read: the SDK gets the
	// array alone.
	raw = append(append([]byte(`{"Items":`), arr[:n]...), '}')
	sdk, err := sdkItems(raw)
	if err != nil {
		t.Fatalf("%T: AppendJSON took items the SDK refuses (%v): %q", v, err, raw)
	}
	if len(sdk) != len(got) {
		t.Fatalf("%T: AppendJSON read %d items, the SDK %d: %q", v, len(got), len(sdk), raw)
	}
	for i, item := range sdk {
		want, err := c.Decode(item)
		if err != nil {
			t.Fatalf("%T: AppendJSON took item %d, Decode fails: %v\n%q", v, i, err, raw)
		}
		if !equal(reflect.ValueOf(got[i]), reflect.ValueOf(want)) {
			t.Fatalf("%T item %d differs:\nwire %#v\nsdk  %#v\n%q", v, i, got[i], want, raw)
		}
	}
	checkWatched(t, watch, sdk, seen, raw)
	return true
}

// watchedNames returns the attributes Items watches in a body of T's
// items: a few of T's own and two that no field has.
func watchedNames[T any](g *gen) []string {
	watch := []string{"unknown0", "unknown1"}
	for i, f := range codec.Fields(reflect.TypeFor[T]()) {
		if i < g.intn(6) {
			watch = append(watch, f.Name)
		}
	}
	return watch
}

// checkWatched checks what Items recorded of each item's watched
// attributes against the SDK's items: the same attributes, whose recorded
// JSON text the SDK reads as the same values.
func checkWatched(t *testing.T, watch []string, sdk []map[string]types.AttributeValue, seen []map[string][]byte, raw []byte) {
	t.Helper()
	var b bytes.Buffer
	b.WriteString(`{"Items":[`)
	for i, values := range seen {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('{')
		for j, name := range slices.Sorted(maps.Keys(values)) {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Quote(name) + ":")
			b.Write(values[name])
		}
		b.WriteByte('}')
	}
	b.WriteString(`]}`)
	read, err := sdkItems(b.Bytes())
	if err != nil {
		t.Fatalf("the SDK refuses the watched values (%v): %q\nbody %q", err, b.Bytes(), raw)
	}
	for i, item := range sdk {
		want := map[string]types.AttributeValue{}
		for _, name := range watch {
			if av, ok := item[name]; ok {
				want[name] = av
			}
		}
		if !reflect.DeepEqual(read[i], want) {
			t.Fatalf("item %d: the watched values read %#v, the SDK's item has %#v: %q", i, read[i], want, raw)
		}
	}
}

// twice reports whether an item of the JSON array arr has one of the
// attributes named watch twice.
func twice(arr []byte, watch []string) bool {
	var items []json.RawMessage
	if json.Unmarshal(arr, &items) != nil {
		return false
	}
	for _, item := range items {
		d := json.NewDecoder(bytes.NewReader(item))
		seen := map[string]bool{}
		d.Token() // {
		for d.More() {
			k, _ := d.Token()
			name, _ := k.(string)
			if seen[name] && slices.Contains(watch, name) {
				return true
			}
			seen[name] = true
			var skip json.RawMessage
			if d.Decode(&skip) != nil {
				return false
			}
		}
	}
	return false
}

// readItems reads the array at the start of arr with Items watching the
// attributes named watch, as AppendJSON reads it, and returns the JSON
// text of each item's watched attributes.
func readItems[T any](c *codec.Codec[T], arr []byte, watch []string) (out []T, seen []map[string][]byte, n int, ok bool) {
	it, ok := c.Items(arr, watch...)
	if !ok {
		return nil, nil, 0, false
	}
	for !it.Done() {
		var took bool
		if out, took = it.Next(out); !took {
			return nil, nil, 0, false
		}
		values := map[string][]byte{}
		for i, name := range watch {
			if v := it.Value(i); v != nil {
				if !json.Valid(v) {
					panic("a watched value that is not JSON: " + string(v))
				}
				values[name] = v
				if text, ok := it.String(i); ok && string(v) != `{"S":"`+string(text)+`"}` {
					panic("String gave " + string(text) + " for " + string(v))
				}
			}
		}
		seen = append(seen, values)
	}
	return out, seen, it.Pos(), true
}

// FuzzWire checks AppendJSON against the SDK's reading plus Decode, on
// generated items and on bodies truncated or changed in one place.
func FuzzWire(f *testing.F) {
	for i := range 64 {
		f.Add([]byte{byte(i), byte(i * 7), byte(i * 13), 0xff, byte(i)})
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		wireDifferential[Everything](t, data)
		wireDifferential[Small](t, data)
		wireDifferential[Inner](t, data)
		wireDifferential[ElemTags](t, data)
		wireDifferential[Recursive](t, data)
	})
}

// TestWireManyValues runs the wire differential over many inputs, and
// checks that it is not vacuous: most unchanged bodies are taken.
func TestWireManyValues(t *testing.T) {
	n := 3000
	if testing.Short() {
		n = 300
	}
	took := 0
	for i := range n {
		data := []byte(strconv.Itoa(i * 7919))
		for _, ok := range []bool{
			wireDifferential[Everything](t, data),
			wireDifferential[Small](t, data),
			wireDifferential[Inner](t, data),
			wireDifferential[ElemTags](t, data),
		} {
			if ok {
				took++
			}
		}
	}
	t.Logf("%d of %d bodies taken", took, 4*n)
	if took < n/4 {
		t.Errorf("only %d of %d bodies taken", took, 4*n)
	}
}

// TestWireTakesTheSDKsItems: an unchanged body of encoded values is always
// taken, with the values Decode gives.
func TestWireTakesTheSDKsItems(t *testing.T) {
	for i := range 300 {
		g := &gen{data: []byte(strconv.Itoa(i))}
		var v Everything
		g.fill(reflect.ValueOf(&v).Elem(), 0)
		item, err := attributevalue.MarshalMap(&v)
		if err != nil {
			continue
		}
		want, err := codec.For[Everything]().Decode(item)
		if err != nil {
			continue
		}
		var b bytes.Buffer
		b.WriteByte('[')
		writeItem(&b, item)
		b.WriteByte(']')
		got, n, ok := codec.For[Everything]().AppendJSON(nil, b.Bytes())
		if !ok || n != b.Len() || len(got) != 1 {
			t.Fatalf("not taken (%v, %d of %d): %s", ok, n, b.Len(), b.Bytes())
		}
		if !equal(reflect.ValueOf(got[0]), reflect.ValueOf(want)) {
			t.Fatalf("differs:\nwire %#v\nwant %#v", got[0], want)
		}
	}
}

// TestWireSharesNothingWithTheBody: values decoded by AppendJSON and
// DecodeJSON stay as they were when the body's bytes are overwritten.
func TestWireSharesNothingWithTheBody(t *testing.T) {
	item := `{"s":{"S":"text"},"l":{"L":[{"S":"one"},{"NULL":true}]},"ss":{"SS":["a","b"]},"bytes":{"B":"AQID"},` +
		`"m":{"M":{"k":{"S":"v"}}},"inner":{"M":{"a":{"S":"in"},"l":{"L":[{"S":"x"}]}}}}`
	body := []byte("[" + item + "]")
	got, _, ok := codec.For[Everything]().AppendJSON(nil, body)
	if !ok {
		t.Fatal("not taken")
	}
	single := []byte(item)
	one, ok := codec.For[Everything]().DecodeJSON(single)
	if !ok {
		t.Fatal("not taken")
	}
	want := got[0]
	for i := range body {
		body[i] = 'x'
	}
	for i := range single {
		single[i] = 'x'
	}
	if want.S != "text" || want.L[0] != "one" || want.SS[1] != "b" || string(want.Bytes) != "\x01\x02\x03" ||
		want.M["k"] != "v" || want.Inner.A != "in" || want.Inner.L[0] != "x" {
		t.Fatalf("a value changed with the body: %+v", want)
	}
	if !equal(reflect.ValueOf(one), reflect.ValueOf(want)) {
		t.Fatalf("DecodeJSON changed with the body: %+v", one)
	}
}

// TestWireAllocations: a page of Small items costs one allocation per
// string kept (a value repeated in the page shares one), and nothing else:
// not for attribute names, numbers, or the decoder's state.
func TestWireAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector changes allocation counts")
	}
	page := []byte(`[{"email":{"S":"ada@example.com"},"first_name":{"S":"Ada"},"last_name":{"S":"Lovelace"}},` +
		`{"email":{"S":"bob@example.com"},"first_name":{"S":"Bob"},"last_name":{"S":"Lovelace"}}]`)
	dst := make([]Small, 0, 2)
	c := codec.For[Small]()
	got := testing.AllocsPerRun(200, func() {
		var ok bool
		if dst, _, ok = c.AppendJSON(dst[:0], page); !ok {
			t.Fatal("not taken")
		}
	})
	// 5 distinct strings ("Lovelace" twice).
	if got != 5 {
		t.Errorf("AppendJSON: %v allocations, want 5", got)
	}
}
