package dynamodel

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	js "github.com/dynamodel/dynamodel/internal/jsonshape"
)

// A Schema is one table definition, read from a file in the format of
// `aws dynamodb create-table --cli-input-json` (or from the document
// `aws dynamodb describe-table` prints). It has been checked against the
// rules DynamoDB applies, so creating the table fails only for reasons the
// file cannot show (quotas, permissions).
//
//	users, err := dynamodel.LoadSchema("testdata/create-user.json")
//	created, err := users.Create(ctx, client)
type Schema struct {
	// Source is where the definition was read from, for messages.
	Source string

	input dynamodb.CreateTableInput
}

// SchemaError is a problem with a schema file. It names the file, the JSON
// path of the field (KeySchema[0].KeyType) when there is one, and what is
// wrong. It matches ErrInvalidSchema.
type SchemaError struct {
	File   string // the file, as given to the loader
	Line   int    // for JSON syntax errors: the line, from 1
	Column int    // and the column, from 1
	Path   string // the JSON path of the field, e.g. GlobalSecondaryIndexes[0].IndexName
	Msg    string // what is wrong
}

// Error renders "dynamodel: schema FILE[:LINE:COL]: PATH: MESSAGE".
func (e *SchemaError) Error() string {
	var b strings.Builder
	b.WriteString("dynamodel: schema ")
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", e.Line, e.Column)
	}
	b.WriteString(": ")
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Is reports whether target is ErrInvalidSchema.
func (e *SchemaError) Is(target error) bool { return target == ErrInvalidSchema }

// LoadSchema reads the table definition in the file at name. The file:// form
// the AWS CLI takes (file://testdata/create-user.json) is accepted too.
func LoadSchema(name string) (*Schema, error) {
	p := strings.TrimPrefix(name, "file://")
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("dynamodel: schema: %w", err)
	}
	return ParseSchema(p, data)
}

// ReadSchema reads a table definition from r; name identifies it in errors.
func ReadSchema(name string, r io.Reader) (*Schema, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("dynamodel: schema %s: %w", name, err)
	}
	return ParseSchema(name, data)
}

// LoadSchemaDir reads every *.json file in dir, in name order.
func LoadSchemaDir(dir string) ([]*Schema, error) {
	dir = strings.TrimPrefix(dir, "file://")
	schemas, err := LoadSchemaFS(os.DirFS(dir), ".")
	for _, s := range schemas {
		s.Source = filepath.Join(dir, s.Source)
	}
	var se *SchemaError
	if errors.As(err, &se) {
		se.File = filepath.Join(dir, se.File)
	}
	return schemas, err
}

// LoadSchemaFS reads every *.json file in directory dir of fsys, in name
// order; with go:embed, a Lambda binary carries its table definitions:
//
//	//go:embed tables
//	var tables embed.FS
//	schemas, err := dynamodel.LoadSchemaFS(tables, "tables")
//
// Two files defining the same table is an error.
func LoadSchemaFS(fsys fs.FS, dir string) ([]*Schema, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.json"))
	if err != nil {
		return nil, fmt.Errorf("dynamodel: schema %s: %w", dir, err)
	}
	slices.Sort(names)
	var out []*Schema
	seen := map[string]string{}
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("dynamodel: schema: %w", err)
		}
		s, err := ParseSchema(name, data)
		if err != nil {
			return nil, err
		}
		if prev, dup := seen[s.TableName()]; dup {
			return nil, &SchemaError{File: name, Path: "TableName",
				Msg: fmt.Sprintf("table %q is also defined in %s", s.TableName(), prev)}
		}
		seen[s.TableName()] = name
		out = append(out, s)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: no *.json files in %s", ErrInvalidSchema, dir)
	}
	return out, nil
}

// ParseSchema reads a table definition from data; name identifies it in
// errors. It takes the create-table input the AWS CLI takes with
// --cli-input-json, or the {"Table": {...}} document describe-table prints.
func ParseSchema(name string, data []byte) (*Schema, error) {
	fail := func(path, msg string) (*Schema, error) {
		return nil, &SchemaError{File: name, Path: path, Msg: msg}
	}
	doc, err := decodeJSON(data)
	if err != nil {
		se := &SchemaError{File: name, Msg: err.Error()}
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			se.Line, se.Column = lineColumn(data, syn.Offset)
			se.Msg = "invalid JSON: " + syn.Error()
		}
		return nil, se
	}
	obj, ok := doc.(map[string]any)
	if !ok {
		return fail("", "want a JSON object (the create-table input), got "+js.Describe(doc))
	}
	s := &Schema{Source: name}
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
		s.input = fromDescription(&d)
		s.input.Tags = describedTags(table)
	} else {
		if p, msg := createTableShape.Check(obj, ""); msg != "" {
			return fail(p, msg)
		}
		if err := json.Unmarshal(data, &s.input); err != nil {
			return fail("", err.Error())
		}
	}
	if p, msg := validateTable(&s.input); msg != "" {
		return fail(p, msg)
	}
	return s, nil
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
// silently).
func decodeJSON(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		if err == io.EOF {
			return nil, errors.New("empty file: want a JSON object (the create-table input)")
		}
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("unexpected data after the JSON object")
	}
	if dup := duplicateKey(data); dup != "" {
		return nil, fmt.Errorf("field %s appears twice", dup)
	}
	return v, nil
}

// duplicateKey returns the path of the first object key that appears twice
// in one object, or "".
func duplicateKey(data []byte) string {
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
			return ""
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
					return childPath(f, t)
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

// TableName returns the name of the table the schema defines.
func (s *Schema) TableName() string { return aws.ToString(s.input.TableName) }

// CreateTableInput returns a copy of the CreateTable request the schema
// describes, for callers that want to send it themselves.
func (s *Schema) CreateTableInput() *dynamodb.CreateTableInput {
	in := s.input
	in.AttributeDefinitions = slices.Clone(in.AttributeDefinitions)
	in.KeySchema = slices.Clone(in.KeySchema)
	in.GlobalSecondaryIndexes = slices.Clone(in.GlobalSecondaryIndexes)
	in.LocalSecondaryIndexes = slices.Clone(in.LocalSecondaryIndexes)
	in.Tags = slices.Clone(in.Tags)
	return &in
}

// HashKey returns the table's partition key attribute and its type.
func (s *Schema) HashKey() (name string, typ types.ScalarAttributeType) {
	return s.keyAttr(s.input.KeySchema, types.KeyTypeHash)
}

// RangeKey returns the table's sort key attribute and its type; the name is
// empty for a table without one.
func (s *Schema) RangeKey() (name string, typ types.ScalarAttributeType) {
	return s.keyAttr(s.input.KeySchema, types.KeyTypeRange)
}

func (s *Schema) keyAttr(ks []types.KeySchemaElement, kt types.KeyType) (string, types.ScalarAttributeType) {
	for _, k := range ks {
		if k.KeyType == kt {
			name := aws.ToString(k.AttributeName)
			return name, s.attrType(name)
		}
	}
	return "", ""
}

// indexKeys returns the hash and range key attribute names of a secondary
// index ("" for no range key); ok is false when there is no such index.
func (s *Schema) indexKeys(index string) (keys [2]string, ok bool) {
	var ks []types.KeySchemaElement
	for _, ix := range s.input.GlobalSecondaryIndexes {
		if aws.ToString(ix.IndexName) == index {
			ks, ok = ix.KeySchema, true
		}
	}
	for _, ix := range s.input.LocalSecondaryIndexes {
		if aws.ToString(ix.IndexName) == index {
			ks, ok = ix.KeySchema, true
		}
	}
	for _, k := range ks {
		if k.KeyType == types.KeyTypeHash {
			keys[0] = aws.ToString(k.AttributeName)
		} else {
			keys[1] = aws.ToString(k.AttributeName)
		}
	}
	return keys, ok
}

func (s *Schema) attrType(name string) types.ScalarAttributeType {
	for _, d := range s.input.AttributeDefinitions {
		if aws.ToString(d.AttributeName) == name {
			return d.AttributeType
		}
	}
	return ""
}

// MarshalJSON writes the schema as create-table input, the format the AWS
// CLI takes with --cli-input-json, with fields in the CLI's order.
func (s *Schema) MarshalJSON() ([]byte, error) {
	return json.Marshal(cliInput(&s.input))
}
