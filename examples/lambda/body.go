package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
)

// maxBody is the largest request body the API reads: 16 KiB, far above
// what a user needs, so a client cannot make it hold megabytes. Larger
// bodies are answered 413.
const maxBody = 16 << 10

// bodyOf returns the request's body, decoded when API Gateway sent it in
// base64, or the problem with it: 413 above maxBody, 400 when it is not
// valid UTF-8.
func bodyOf(req events.APIGatewayV2HTTPRequest) ([]byte, error) {
	if !req.IsBase64Encoded {
		if len(req.Body) > maxBody {
			return nil, refuse(errTooLarge, "%d bytes", len(req.Body))
		}
		return []byte(req.Body), nil
	}
	if len(req.Body) > base64.StdEncoding.EncodedLen(maxBody) {
		return nil, refuse(errTooLarge, "%d bytes of base64", len(req.Body))
	}
	body, err := base64.StdEncoding.DecodeString(req.Body)
	if err != nil {
		return nil, refuse(errInvalidBody, "the body is not valid base64")
	}
	if len(body) > maxBody {
		return nil, refuse(errTooLarge, "%d bytes", len(body))
	}
	return body, nil
}

// decodeJSON decodes body, one JSON object with only v's fields, into v.
// Emails and names are kept exactly as sent, so body must be valid UTF-8
// with no lone surrogate escapes (encoding/json would quietly replace
// either with U+FFFD, and a user would be stored under an altered key),
// and nothing may follow the object. Field names are matched exactly, each
// at most once (encoding/json would take "EMAIL" for "email", and the last
// of two, where another reader of the same body may take the first).
func decodeJSON(body []byte, v any) error {
	if !utf8.Valid(body) {
		return refuse(errInvalidUTF8, "invalid UTF-8 in the body")
	}
	if at, ok := loneSurrogate(body); ok {
		return refuse(errInvalidUTF8, "lone surrogate escape at offset %d", at)
	}
	if err := checkFieldNames(body, jsonFields(reflect.TypeOf(v).Elem())); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return refuse(errInvalidBody, "%s", describeJSONError(err))
	}
	if _, err := dec.Token(); err != io.EOF {
		return refuse(errInvalidBody, "data after the JSON object at offset %d", dec.InputOffset())
	}
	return nil
}

// checkFieldNames checks that the names of the object in body are among
// fields, exactly, and that none comes twice. What is not an object, or
// not JSON, is left for the decoder to report.
func checkFieldNames(body []byte, fields []string) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil
	}
	seen := make(map[string]bool, len(fields))
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil
		}
		name, _ := t.(string)
		switch {
		case !slices.Contains(fields, name):
			return refuse(errInvalidBody, "a field other than %q (names are case-sensitive)", fields)
		case seen[name]:
			return refuse(errInvalidBody, "field %q given twice", name)
		}
		seen[name] = true
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return nil
		}
	}
	return nil
}

// jsonFields returns the JSON names of struct type t's fields.
func jsonFields(t reflect.Type) []string {
	var names []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case name == "-" || !f.IsExported():
		case name == "":
			names = append(names, f.Name)
		default:
			names = append(names, name)
		}
	}
	return names
}

// describeJSONError says what is wrong with a body for the log without
// quoting it: an unknown field's name, like any value, came from the client.
func describeJSONError(err error) string {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return fmt.Sprintf("JSON syntax error at offset %d", syntax.Offset)
	case errors.As(err, &typ):
		return fmt.Sprintf("JSON %s where field %q needs %s", typ.Value, typ.Field, typ.Type)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "the body ends before the JSON object does"
	}
	return "not one JSON object with known fields"
}

// loneSurrogate finds a \uD800-\uDFFF escape in JSON text that is not half
// of a high-low pair, returning its offset. Outside strings a backslash is
// a syntax error that the decoder reports, so escapes are scanned anywhere.
func loneSurrogate(b []byte) (int, bool) {
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' || i+1 >= len(b) {
			continue
		}
		if b[i+1] != 'u' {
			i++ // an escaped character, such as \\ before a u
			continue
		}
		r, ok := hex4(b, i+2)
		switch {
		case !ok || r < 0xD800 || r > 0xDFFF:
			i += 5
		case r >= 0xDC00:
			return i, true // a low surrogate with no high one before it
		default:
			low, ok := rune(0), false
			if i+7 < len(b) && b[i+6] == '\\' && b[i+7] == 'u' {
				low, ok = hex4(b, i+8)
			}
			if !ok || low < 0xDC00 || low > 0xDFFF {
				return i, true
			}
			i += 11
		}
	}
	return 0, false
}

// hex4 reads the four hex digits at b[at:].
func hex4(b []byte, at int) (rune, bool) {
	if at+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[at : at+4] {
		switch {
		case '0' <= c && c <= '9':
			r = r<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}
