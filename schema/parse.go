package schema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	js "github.com/dynamodel/dynamodel/internal/jsonshape"
	"github.com/dynamodel/dynamodel/internal/wire"
)

// Parse reads a table definition from data; name identifies it in errors.
// It takes the create-table input the AWS CLI takes with --cli-input-json
// (or, in YAML, --cli-input-yaml), the {"Table": {...}} document
// describe-table prints, or a CloudFormation or SAM template (JSON or
// YAML) that defines exactly one table; ParseAll takes templates with
// several. A UTF-8 byte-order mark at the start is ignored, and data over
// LoadOptions.MaxFileSize (1 MiB unless set) is refused.
func Parse(name string, data []byte, optFns ...func(*LoadOptions)) (*Table, error) {
	tables, err := ParseAll(name, data, optFns...)
	if err != nil {
		return nil, err
	}
	if len(tables) != 1 {
		names := make([]string, len(tables))
		for i, t := range tables {
			names[i] = t.Name()
		}
		return nil, &Error{File: name, Path: "Resources", Msg: fmt.Sprintf("the template defines %d tables (%s): read it with LoadAll or ParseAll", len(tables), strings.Join(names, ", "))}
	}
	return tables[0], nil
}

// ParseAll reads the tables data defines: the one of a table definition
// (see Parse), or every AWS::DynamoDB::Table and
// AWS::Serverless::SimpleTable resource of a CloudFormation or SAM
// template, in the template's order. name identifies data in errors.
//
// A template may give properties through intrinsic functions (!Ref, !Sub,
// !GetAtt, Fn::If...). Where the loader needs the value (the table's name,
// keys, attribute definitions, indexes, billing mode, throughput), that is
// an *Error naming the resource and property; a table without TableName is
// named after its logical id. Where it does not (tags, streams,
// encryption, table class, deletion protection, on-demand and warm
// throughput, time to live, point-in-time recovery, the resource policy),
// the setting is left out, and Apply and Diff leave it alone.
// TimeToLiveSpecification and PointInTimeRecoverySpecification are kept
// with the table for Apply and CloudFormation (but not the recovery
// period, RecoveryPeriodInDays: Apply leaves a table's period alone, and
// CloudFormation refuses to write the table without it).
//
// A UTF-8 byte-order mark at the start of data is ignored, and data over
// LoadOptions.MaxFileSize (1 MiB unless set) is refused.
func ParseAll(name string, data []byte, optFns ...func(*LoadOptions)) ([]*Table, error) {
	if opts := collectLoadOptions(optFns); int64(len(data)) > opts.MaxFileSize {
		return nil, opts.tooLarge(name)
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	tables, err := parseAll(name, data)
	var se *Error
	if errors.As(err, &se) && se.Line == 0 && se.Path != "" {
		se.Line, se.Column = locate(data, se.Path)
	}
	return tables, err
}

// parseAll is ParseAll, on data within the cap and without a byte-order
// mark; its errors name no line unless the syntax is wrong.
func parseAll(name string, data []byte) ([]*Table, error) {
	if !looksLikeJSON(data) {
		return parseYAML(name, data)
	}
	if err := checkText(name, data); err != nil {
		return nil, err
	}
	doc, err := decodeJSON(data)
	if err != nil {
		se := &Error{File: name, Msg: err.Error()}
		var syn *json.SyntaxError
		var at *jsonError
		switch {
		case errors.As(err, &syn):
			se.Line, se.Column = lineColumn(data, syn.Offset)
			se.Msg = "invalid JSON: " + syn.Error()
		case errors.As(err, &at):
			se.Line, se.Column = lineColumn(data, at.offset+1)
		}
		return nil, se
	}
	obj, ok := doc.(map[string]any)
	if !ok {
		return nil, &Error{File: name, Msg: "want a JSON object (the create-table input), got " + js.Describe(doc)}
	}
	if isTemplate(obj) {
		return parseTemplate(name, obj, jsonKeyOrder(data, "Resources"))
	}
	t, err := parseTable(name, data, obj)
	if err != nil {
		return nil, err
	}
	return []*Table{t}, nil
}

// checkText refuses JSON text encoding/json would read changed: invalid
// UTF-8 or an escape of a lone UTF-16 surrogate, either read as U+FFFD,
// which would name a table, key or index other than the file does. (The
// YAML decoder refuses both itself.)
func checkText(name string, data []byte) error {
	at, what := wire.InvalidUTF8(data), "not valid UTF-8"
	if at < 0 {
		at, what = wire.LoneSurrogate(data), "escape of a lone UTF-16 surrogate"
	}
	if at < 0 {
		return nil
	}
	line, col := lineColumn(data, int64(at)+1)
	return &Error{File: name, Line: line, Column: col, Msg: "invalid JSON: " + what}
}

// utf8BOM is the byte-order mark some editors put at the start of UTF-8
// files; JSON does not allow it, so ParseAll drops it.
var utf8BOM = []byte("\xef\xbb\xbf")

// looksLikeJSON reports whether data starts as a JSON object or array
// does (or is empty), rather than as YAML.
func looksLikeJSON(data []byte) bool {
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	return len(trimmed) == 0 || trimmed[0] == '{' || trimmed[0] == '['
}

// parseYAML reads a YAML template, or a create-table input in YAML.
func parseYAML(name string, data []byte) ([]*Table, error) {
	doc, order, err := decodeYAML(data, "Resources")
	if err != nil {
		return nil, &Error{File: name, Msg: "invalid YAML: " + err.Error()}
	}
	obj, ok := doc.(map[string]any)
	if !ok {
		return nil, &Error{File: name, Msg: "want a YAML mapping (a template, or the create-table input), got " + js.Describe(doc)}
	}
	if isTemplate(obj) {
		return parseTemplate(name, obj, order)
	}
	b, err := json.Marshal(obj)
	if err != nil {
		return nil, &Error{File: name, Msg: err.Error()}
	}
	t, err := parseTable(name, b, obj)
	if err != nil {
		return nil, err
	}
	return []*Table{t}, nil
}

// parseTable reads a create-table input or describe-table document: data,
// decoded as obj.
func parseTable(name string, data []byte, obj map[string]any) (*Table, error) {
	fail := func(path, msg string) (*Table, error) {
		return nil, &Error{File: name, Path: path, Msg: msg}
	}
	t := &Table{Source: name}
	if _, isDescribe := obj["Table"]; isDescribe && len(obj) == 1 {
		if p, msg := describeTableShape.Check(obj, ""); msg != "" {
			return fail(p, msg)
		}
		table := obj["Table"]
		dropDates(table)
		var d types.TableDescription
		if err := remarshal(table, &d); err != nil {
			return fail("Table", err.Error())
		}
		t.input = fromDescription(&d)
		t.input.Tags = describedTags(table)
	} else {
		if p, msg := createTableShape.Check(obj, ""); msg != "" {
			return fail(p, msg)
		}
		if err := json.Unmarshal(data, &t.input); err != nil {
			return fail("", err.Error())
		}
	}
	if err := validate(name, &t.input); err != nil {
		return nil, err
	}
	return t, nil
}

// jsonKeyOrder returns the keys of the object at top-level field key of
// the JSON object data, in order.
func jsonKeyOrder(data []byte, key string) []string {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil
		}
		if tok != key {
			var skip json.RawMessage
			if dec.Decode(&skip) != nil {
				return nil
			}
			continue
		}
		if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
			return nil
		}
		var keys []string
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return nil
			}
			keys = append(keys, fmt.Sprint(k))
			var skip json.RawMessage
			if dec.Decode(&skip) != nil {
				return nil
			}
		}
		return keys
	}
	return nil
}

// remarshal decodes generic JSON into out.
func remarshal(v any, out any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, out)
}

// describedTags reads the Tags a dump may add to describe-table output.
func describedTags(table any) []types.Tag {
	var t struct{ Tags []types.Tag }
	_ = remarshal(table, &t)
	return t.Tags
}

// decodeJSON decodes one JSON value, keeping numbers exact, and rejects
// trailing data and duplicate keys (which a plain decode would let win
// silently). A mistake found at a place in data is a *jsonError.
func decodeJSON(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		switch err {
		case io.EOF:
			return nil, errors.New("empty file: want a JSON object (the create-table input)")
		case io.ErrUnexpectedEOF:
			return nil, &jsonError{"the JSON ends before its object does", int64(len(data))}
		}
		return nil, err
	}
	end := dec.InputOffset() // the end of the object
	if _, err := dec.Token(); err != io.EOF {
		rest := bytes.TrimLeft(data[end:], " \t\r\n")
		return nil, &jsonError{"unexpected data after the JSON object", int64(len(data) - len(rest))}
	}
	if dup, at := duplicateKey(data); dup != "" {
		return nil, &jsonError{fmt.Sprintf("field %s appears twice", dup), at}
	}
	return v, nil
}

// jsonError is a mistake in a JSON file found at byte offset (from 0).
type jsonError struct {
	msg    string
	offset int64
}

func (e *jsonError) Error() string { return e.msg }

// duplicateKey returns the path of the first object key that appears twice
// in one object, and the offset just past its second appearance; or "".
func duplicateKey(data []byte) (string, int64) {
	dec := json.NewDecoder(bytes.NewReader(data))
	type frame struct {
		object bool
		keys   map[string]bool
		path   string
		index  int
		key    bool // the next string token is a key
	}
	var stack []*frame
	valueDone := func() {
		if len(stack) == 0 {
			return
		}
		f := stack[len(stack)-1]
		if f.object {
			f.key = true
		} else {
			f.index++
		}
	}
	childPath := func(f *frame, key string) string {
		if f.object {
			if f.path == "" {
				return key
			}
			return f.path + "." + key
		}
		return fmt.Sprintf("%s[%d]", f.path, f.index)
	}
	lastKey := ""
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", 0
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				p := ""
				if len(stack) > 0 {
					p = childPath(stack[len(stack)-1], lastKey)
				}
				stack = append(stack, &frame{object: t == '{', keys: map[string]bool{}, path: p, key: t == '{'})
			default:
				stack = stack[:len(stack)-1]
				valueDone()
			}
		case string:
			if len(stack) == 0 {
				continue
			}
			if f := stack[len(stack)-1]; f.object && f.key {
				if f.keys[t] {
					return childPath(f, t), dec.InputOffset() - 1
				}
				f.keys[t] = true
				f.key = false
				lastKey = t
				continue
			}
			valueDone()
		default:
			valueDone()
		}
	}
}

// lineColumn locates the byte a syntax error stopped at (the decoder's
// offset counts it), both from 1.
func lineColumn(data []byte, offset int64) (int, int) {
	offset = max(min(offset-1, int64(len(data))), 0)
	before := data[:offset]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int(offset) - bytes.LastIndexByte(before, '\n')
	return line, col
}
