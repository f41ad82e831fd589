package bulk_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel/bulk"
)

// everyType is an item with every attribute type, nested values, empty
// strings and binaries in nested values, and names that need escaping.
func everyType() map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		"id":    &types.AttributeValueMemberS{Value: "every-type"},
		"s":     &types.AttributeValueMemberS{Value: "quote \" backslash \\ newline \n tab \t nul \x00 é 日本 😀 <&>"},
		"empty": &types.AttributeValueMemberS{Value: ""},
		"n":     &types.AttributeValueMemberN{Value: "-12.5E+3"},
		"b":     &types.AttributeValueMemberB{Value: []byte{0, 1, 2, 0xff}},
		"t":     &types.AttributeValueMemberBOOL{Value: true},
		"f":     &types.AttributeValueMemberBOOL{Value: false},
		"null":  &types.AttributeValueMemberNULL{Value: true},
		"ss":    &types.AttributeValueMemberSS{Value: []string{"b", "a", ""}},
		"ns":    &types.AttributeValueMemberNS{Value: []string{"1", "2.5", "-3"}},
		"bs":    &types.AttributeValueMemberBS{Value: [][]byte{{1}, {2, 3}, {}}},
		"l": &types.AttributeValueMemberL{Value: []types.AttributeValue{
			&types.AttributeValueMemberS{Value: ""},
			&types.AttributeValueMemberN{Value: "0"},
			&types.AttributeValueMemberL{Value: []types.AttributeValue{}},
			&types.AttributeValueMemberM{Value: map[string]types.AttributeValue{}},
			&types.AttributeValueMemberB{Value: []byte{}},
		}},
		"m": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
			"empty":  &types.AttributeValueMemberS{Value: ""},
			"a.b":    &types.AttributeValueMemberSS{Value: []string{"x"}},
			"nested": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{"deep": &types.AttributeValueMemberNULL{Value: true}}},
		}},
		"odd \"name\"\n": &types.AttributeValueMemberN{Value: "1"},
	}
}

func TestLineRoundTrip(t *testing.T) {
	item := everyType()
	line, err := bulk.AppendLine(nil, item)
	require.NoError(t, err)
	assert.True(t, bytes.HasSuffix(line, []byte("}\n")))
	assert.Equal(t, 1, bytes.Count(line, []byte("\n")), "one line")
	got, err := bulk.ParseLine(line)
	require.NoError(t, err)
	assert.Equal(t, item, got)

	// Names are sorted, so an item always gives the same line.
	again, err := bulk.AppendLine(nil, got)
	require.NoError(t, err)
	assert.Equal(t, string(line), string(again))
	small, err := bulk.AppendLine([]byte("x"), map[string]types.AttributeValue{
		"b": &types.AttributeValueMemberN{Value: "1"},
		"a": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
			"z": &types.AttributeValueMemberB{Value: []byte("hi")},
			"y": &types.AttributeValueMemberBOOL{Value: false},
		}},
	})
	require.NoError(t, err)
	assert.Equal(t, `x{"Item":{"a":{"M":{"y":{"BOOL":false},"z":{"B":"aGk="}}},"b":{"N":"1"}}}`+"\n", string(small))
}

func TestParseLineErrors(t *testing.T) {
	for _, tc := range []struct{ line, want string }{
		{``, "unexpected end of line"},
		{`[]`, `want an object {"Item":{...}}, got an array`},
		{`{"Item":{"a":{"S":"x"}}`, "unexpected end of line"},
		{`{"Item":{"a":{"S":"x"}}} {}`, "more data after the item"},
		{`{"Items":{}}`, `unexpected member "Items"`},
		{`{}`, `no "Item" member`},
		{`{"Item":{},"Item":{}}`, `"Item" appears twice`},
		{`{"Item":{"a":{"S":"x"},"a":{"S":"y"}}}`, `attribute "a": appears twice`},
		{`{"Item":{"":{"S":"x"}}}`, `attribute "": empty attribute name`},
		{`{"Item":{"a":{"S":1}}}`, `attribute "a": want a string for S, got a number`},
		{`{"Item":{"a":{"N":1}}}`, `attribute "a": want a string for N, got a number`},
		{`{"Item":{"a":{"N":"1x"}}}`, `attribute "a": "1x" is not a number`},
		{`{"Item":{"a":{"N":"1e"}}}`, `"1e" is not a number`},
		{`{"Item":{"a":{"N":"1234567890123456789012345678901234567891"}}}`, `is not a number DynamoDB accepts`}, // 40 significant digits; DynamoDB takes 38
		{`{"Item":{"a":{"B":"!!"}}}`, `attribute "a": B is not base64`},
		{`{"Item":{"a":{"B":"aGk"}}}`, `B is not base64`},
		{`{"Item":{"a":{"NULL":false}}}`, `attribute "a": NULL must be true`},
		{`{"Item":{"a":{"BOOL":"true"}}}`, `want true or false for BOOL, got a string`},
		{`{"Item":{"a":{"S":"x","N":"1"}}}`, `attribute "a": a value has exactly one type`},
		{`{"Item":{"a":{}}}`, `attribute "a": want a member name, got "}"`},
		{`{"Item":{"a":{"X":"1"}}}`, `attribute "a": unknown type "X"`},
		{`{"Item":{"a":{"SS":[]}}}`, `attribute "a": empty SS`},
		{`{"Item":{"a":{"SS":["x","x"]}}}`, `attribute "a"[1]: duplicate element in SS`},
		{`{"Item":{"a":{"NS":["1","y"]}}}`, `attribute "a"[1]: "y" is not a number`},
		{`{"Item":{"a":{"BS":["AA==","AA=="]}}}`, `duplicate element in BS`},
		{`{"Item":{"a":{"NS":["1","1.0"]}}}`, `attribute "a"[1]: duplicate element in NS`}, // one number to DynamoDB
		{`{"Item":{"a":{"L":[{"S":"x"},{"N":"z"}]}}}`, `attribute "a"[1]: "z" is not a number`},
		{`{"Item":{"a":{"M":{"b":{"L":[{"S":null}]}}}}}`, `attribute "a"."b"[0]: want a string for S, got null`},
		{"{\"Item\":{\"a\":{\"S\":\"x\xffy\"}}}", "not valid UTF-8 at byte 20"}, // encoding/json would read U+FFFD
		{"{\"Item\":{\"a\xc3\":{\"S\":\"x\"}}}", "not valid UTF-8 at byte 11"},
		// encoding/json would read each of these escapes as U+FFFD.
		{`{"Item":{"a":{"S":"x\ud800"}}}`, "escape of a lone UTF-16 surrogate at byte 20"},
		{`{"Item":{"a":{"S":"\udc00x"}}}`, "lone UTF-16 surrogate at byte 19"},
		{`{"Item":{"a":{"S":"\ud83d\u0041"}}}`, "lone UTF-16 surrogate at byte 19"},
		{`{"Item":{"a":{"S":"\ud83d"}}}`, "lone UTF-16 surrogate at byte 19"},
		{`{"Item":{"\uDBFF":{"S":"x"}}}`, "lone UTF-16 surrogate at byte 10"},
		{`{"Item":{"a":{"SS":["\\","\ude00"]}}}`, "lone UTF-16 surrogate at byte 26"},
		{`{"Item":{"a":{"S":"x"}},}`, "invalid JSON"},
		{`{"Item":{"a":{"S":"x}}}`, "invalid JSON: unexpected EOF"},
	} {
		_, err := bulk.ParseLine([]byte(tc.line))
		if assert.Error(t, err, tc.line) {
			assert.ErrorIs(t, err, bulk.ErrMalformedItem, tc.line)
			assert.Contains(t, err.Error(), tc.want, tc.line)
		}
	}
}

// TestParseLineEscapes reads escapes that stand for what they say: a
// surrogate pair, and an escaped backslash before text that looks like an
// escape of half of one.
func TestParseLineEscapes(t *testing.T) {
	got, err := bulk.ParseLine([]byte(`{"Item":{"a":{"S":"\ud83d\ude00"},"b":{"S":"\\ud800"},"\u00e9":{"S":"\"\\"}}}`))
	require.NoError(t, err)
	assert.Equal(t, map[string]types.AttributeValue{
		"a": &types.AttributeValueMemberS{Value: "\U0001F600"},
		"b": &types.AttributeValueMemberS{Value: `\ud800`},
		"é": &types.AttributeValueMemberS{Value: `"\`},
	}, got)
}

// roundTripper answers every request with body, and keeps the request's.
type roundTripper struct {
	body    string
	request []byte
}

func (rt *roundTripper) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		rt.request, _ = io.ReadAll(r.Body)
	}
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/x-amz-json-1.0"}},
		Body: io.NopCloser(strings.NewReader(rt.body)), Request: r}, nil
}

func stubClient(rt *roundTripper) *dynamodb.Client {
	return dynamodb.New(dynamodb.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String("http://stub"),
		Credentials:  aws.AnonymousCredentials{},
		HTTPClient:   &http.Client{Transport: rt},
	})
}

// TestLineDifferentialSDK holds the line format to the SDK's own JSON
// form of items: what AppendLine writes is what the SDK sends in a
// PutItem, and what ParseLine reads is what the SDK decodes from a GetItem
// answer.
func TestLineDifferentialSDK(t *testing.T) {
	ctx := context.Background()
	item := everyType()
	line, err := bulk.AppendLine(nil, item)
	require.NoError(t, err)

	rt := &roundTripper{body: "{}"}
	_, err = stubClient(rt).PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("t"), Item: item})
	require.NoError(t, err)
	var sent, ours map[string]any
	require.NoError(t, json.Unmarshal(rt.request, &sent))
	require.NoError(t, json.Unmarshal(line, &ours))
	assert.Equal(t, sent["Item"], ours["Item"])

	// The SDK decodes the line's item as ParseLine does.
	var wire struct{ Item json.RawMessage }
	require.NoError(t, json.Unmarshal(line, &wire))
	rt = &roundTripper{body: `{"Item":` + string(wire.Item) + `}`}
	out, err := stubClient(rt).GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("t"),
		Key: map[string]types.AttributeValue{"id": &types.AttributeValueMemberS{Value: "x"}}})
	require.NoError(t, err)
	parsed, err := bulk.ParseLine(line)
	require.NoError(t, err)
	assert.Equal(t, out.Item, parsed)
}

func FuzzParseLine(f *testing.F) {
	line, _ := bulk.AppendLine(nil, everyType())
	f.Add(line)
	f.Add([]byte(`{"Item":{"id":{"S":"a"},"l":{"L":[{"NULL":true}]}}}`))
	f.Add([]byte(`{"Item":{"a":{"BS":["AA==","AQ=="]},"n":{"NS":["1e3"]}}}`))
	f.Add([]byte(`{"Item":{"a":{"S":"\ud83d\ude00"},"b":{"SS":["\\ud800"]}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		item, err := bulk.ParseLine(data)
		if err != nil {
			return
		}
		// Nothing was read as U+FFFD that the line does not say.
		lower := bytes.ToLower(data)
		if !bytes.Contains(lower, []byte(`\ufffd`)) && !bytes.ContainsRune(data, utf8.RuneError) && replaced(item) {
			t.Fatalf("%q parsed with U+FFFD in a string", data)
		}
		// Whatever parses writes back as a line that parses to the same
		// item.
		out, err := bulk.AppendLine(nil, item)
		if err != nil {
			t.Fatalf("parsed %q but cannot write it: %v", data, err)
		}
		again, err := bulk.ParseLine(out)
		if err != nil {
			t.Fatalf("wrote %q from %q, which does not parse: %v", out, data, err)
		}
		if !assert.ObjectsAreEqual(item, again) {
			t.Fatalf("%q: round trip changed the item:\n%#v\n%#v", data, item, again)
		}
		if !json.Valid(out) {
			t.Fatalf("wrote invalid JSON %q", out)
		}
	})
}

// replaced reports whether a name or string of item has U+FFFD.
func replaced(item map[string]types.AttributeValue) bool {
	for name, v := range item {
		if strings.ContainsRune(name, utf8.RuneError) || replacedValue(v) {
			return true
		}
	}
	return false
}

func replacedValue(v types.AttributeValue) bool {
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		return strings.ContainsRune(v.Value, utf8.RuneError)
	case *types.AttributeValueMemberSS:
		return slices.ContainsFunc(v.Value, func(s string) bool { return strings.ContainsRune(s, utf8.RuneError) })
	case *types.AttributeValueMemberL:
		return slices.ContainsFunc(v.Value, replacedValue)
	case *types.AttributeValueMemberM:
		return replaced(v.Value)
	}
	return false
}

func TestAppendLineUnknownValue(t *testing.T) {
	_, err := bulk.AppendLine(nil, map[string]types.AttributeValue{
		"ok": &types.AttributeValueMemberS{Value: "x"},
		"m": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
			"l": &types.AttributeValueMemberL{Value: []types.AttributeValue{
				&types.AttributeValueMemberNULL{Value: true},
				&types.UnknownUnionMember{Tag: "X"},
			}},
		}},
	})
	assert.ErrorIs(t, err, bulk.ErrMalformedItem)
	assert.EqualError(t, err, `bulk: malformed item: attribute "m"."l"[1]: cannot write a *types.UnknownUnionMember`)
}

// TestParseLineDepth: values nested deeper than DynamoDB's 32 levels are
// refused as they are read, where each level copied the path of the levels
// above it: a 4 MB line of 500,000 nested lists took minutes and gigabytes
// before it was refused, or was not. (Up to 40 levels were let through,
// for DynamoDB to refuse: an import sent them.)
func TestParseLineDepth(t *testing.T) {
	nest := func(k int, open, close string) string {
		return `{"Item":{"a":` + strings.Repeat(open, k) + `{"S":"x"}` + strings.Repeat(close, k) + `}}`
	}
	for _, w := range []struct{ open, close string }{{`{"L":[`, `]}`}, {`{"M":{"m":`, `}}`}} {
		_, err := bulk.ParseLine([]byte(nest(31, w.open, w.close)))
		assert.NoError(t, err, "32 levels")
		_, err = bulk.ParseLine([]byte(nest(32, w.open, w.close)))
		assert.ErrorIs(t, err, bulk.ErrMalformedItem)
		assert.ErrorContains(t, err, "nested more than 32 levels deep, which DynamoDB refuses")
	}
	_, err := bulk.ParseLine([]byte(nest(500000, `{"L":[`, `]}`)))
	assert.ErrorContains(t, err, "nested more than 32 levels deep")
}
