package bulk

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodel/dynamodel/internal/attr"
	"github.com/dynamodel/dynamodel/internal/wire"
)

// The line format is the one DynamoDB's own export to S3 writes in its
// DYNAMODB_JSON format: one item per line, as an object with one member,
// "Item", holding the item in the JSON form DynamoDB's API uses:
//
//	{"Item":{"id":{"S":"a1"},"n":{"N":"1.5"},"tags":{"SS":["x","y"]},"raw":{"B":"AAE="}}}
//
// Numbers are strings, binaries are base64 (standard alphabet, padded),
// sets are arrays, NULL and BOOL are JSON true or false.

// AppendLine appends item to dst as one line of DynamoDB JSON, newline
// included. Attributes are written in name order, so the same item always
// gives the same line; set elements and list members keep their order.
func AppendLine(dst []byte, item map[string]types.AttributeValue) ([]byte, error) {
	var e lineEncoder
	return e.appendLine(dst, item)
}

// lineEncoder appends lines, reusing its scratch space for sorting names.
type lineEncoder struct {
	names []string
}

func (e *lineEncoder) appendLine(dst []byte, item map[string]types.AttributeValue) ([]byte, error) {
	dst = append(dst, `{"Item":`...)
	dst, err := e.appendMap(dst, item)
	if err != nil {
		return dst, err
	}
	return append(dst, "}\n"...), nil
}

// badValue is a value that cannot be written, with the path to it built
// as the error goes up (so that writing builds no paths).
type badValue struct {
	path string
	av   types.AttributeValue
}

func (e *badValue) Error() string {
	return fmt.Sprintf("%v: attribute %s: cannot write a %T", ErrMalformedItem, e.path, e.av)
}

func (e *badValue) Unwrap() error { return ErrMalformedItem }

// within prefixes a badValue's path with parent (a name, or an index).
func within(err error, parent string) error {
	if bv, ok := err.(*badValue); ok {
		if bv.path == "" || bv.path[0] == '[' {
			bv.path = parent + bv.path
		} else {
			bv.path = parent + "." + bv.path
		}
	}
	return err
}

// appendMap appends an item or a map value, members in name order.
func (e *lineEncoder) appendMap(dst []byte, m map[string]types.AttributeValue) ([]byte, error) {
	start := len(e.names)
	for name := range m {
		e.names = append(e.names, name)
	}
	names := e.names[start:]
	slices.Sort(names)
	dst = append(dst, '{')
	var err error
	for i, name := range names {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, name)
		dst = append(dst, ':')
		if dst, err = e.appendValue(dst, m[name]); err != nil {
			err = within(err, strconv.Quote(name))
			break
		}
	}
	e.names = e.names[:start]
	return append(dst, '}'), err
}

func (e *lineEncoder) appendValue(dst []byte, av types.AttributeValue) ([]byte, error) {
	var err error
	switch v := av.(type) {
	case *types.AttributeValueMemberS:
		dst = append(dst, `{"S":`...)
		dst = appendString(dst, v.Value)
	case *types.AttributeValueMemberN:
		dst = append(dst, `{"N":`...)
		dst = appendString(dst, v.Value)
	case *types.AttributeValueMemberB:
		dst = append(dst, `{"B":"`...)
		dst = base64.StdEncoding.AppendEncode(dst, v.Value)
		dst = append(dst, '"')
	case *types.AttributeValueMemberBOOL:
		dst = append(dst, `{"BOOL":`...)
		dst = strconv.AppendBool(dst, v.Value)
	case *types.AttributeValueMemberNULL:
		dst = append(dst, `{"NULL":`...)
		dst = strconv.AppendBool(dst, v.Value)
	case *types.AttributeValueMemberSS:
		dst = append(dst, `{"SS":[`...)
		for i, s := range v.Value {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendString(dst, s)
		}
		dst = append(dst, ']')
	case *types.AttributeValueMemberNS:
		dst = append(dst, `{"NS":[`...)
		for i, s := range v.Value {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendString(dst, s)
		}
		dst = append(dst, ']')
	case *types.AttributeValueMemberBS:
		dst = append(dst, `{"BS":[`...)
		for i, b := range v.Value {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, '"')
			dst = base64.StdEncoding.AppendEncode(dst, b)
			dst = append(dst, '"')
		}
		dst = append(dst, ']')
	case *types.AttributeValueMemberL:
		dst = append(dst, `{"L":[`...)
		for i, m := range v.Value {
			if i > 0 {
				dst = append(dst, ',')
			}
			if dst, err = e.appendValue(dst, m); err != nil {
				return dst, within(err, "["+strconv.Itoa(i)+"]")
			}
		}
		dst = append(dst, ']')
	case *types.AttributeValueMemberM:
		dst = append(dst, `{"M":`...)
		if dst, err = e.appendMap(dst, v.Value); err != nil {
			return dst, err
		}
	default:
		return dst, &badValue{av: av}
	}
	return append(dst, '}'), nil
}

// joinPath names a member of the map at path, for messages: a top-level
// attribute by its name, a nested one as parent.name.
func joinPath(path, name string) string {
	if path == "" {
		return strconv.Quote(name)
	}
	return path + "." + strconv.Quote(name)
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string. Control characters, quotes and
// backslashes are escaped; invalid UTF-8 becomes U+FFFD, as encoding/json
// writes it. Everything else is written as it is.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// ParseLine reads one line of DynamoDB JSON, {"Item":{...}}, with or
// without its newline. Everything is checked before anything is returned:
// the JSON (valid UTF-8), one type per value, numbers, base64, non-empty
// sets without duplicates, attribute names of 1 to 65535 bytes, no name
// twice in one map, and values nested at most 32 levels deep, as DynamoDB
// stores them. An error wraps ErrMalformedItem and names the attribute,
// e.g.
// attribute "address"."lines"[2]: want a string for S, got a number.
func ParseLine(line []byte) (map[string]types.AttributeValue, error) {
	line = bytes.TrimRight(line, "\r\n")
	if i := wire.InvalidUTF8(line); i >= 0 {
		// JSON is UTF-8; encoding/json would read each bad byte as U+FFFD
		// and the item would be written changed.
		return nil, fmt.Errorf("%w: not valid UTF-8 at byte %d", ErrMalformedItem, i)
	}
	if i := wire.LoneSurrogate(line); i >= 0 {
		// Likewise for an escape of half a UTF-16 pair, \ud800.
		return nil, fmt.Errorf("%w: escape of a lone UTF-16 surrogate at byte %d", ErrMalformedItem, i)
	}
	p := lineParser{dec: json.NewDecoder(bytes.NewReader(line))}
	item, err := p.line()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformedItem, err)
	}
	return item, nil
}

// lineParser walks one line's JSON tokens.
type lineParser struct {
	dec *json.Decoder
	// depth counts the values being read, one inside the other: at most
	// attr.MaxDepth, as dynamodel's writes check too. The bound also stops
	// the parser before a line's nesting costs it: each level's path, kept
	// for messages, is as long as the levels above it.
	depth int
}

// token returns the next token; the end of the input is an error.
func (p *lineParser) token() (json.Token, error) {
	t, err := p.dec.Token()
	if err == io.EOF {
		return nil, errors.New("unexpected end of line")
	}
	if err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("invalid JSON at byte %d: %v", se.Offset, se)
		}
		return nil, fmt.Errorf("invalid JSON: %v", err)
	}
	return t, nil
}

// delim reads the delimiter want.
func (p *lineParser) delim(want json.Delim, what string) error {
	t, err := p.token()
	if err != nil {
		return err
	}
	if d, ok := t.(json.Delim); !ok || d != want {
		return fmt.Errorf("want %s, got %s", what, describe(t))
	}
	return nil
}

func (p *lineParser) line() (map[string]types.AttributeValue, error) {
	if err := p.delim('{', `an object {"Item":{...}}`); err != nil {
		return nil, err
	}
	var item map[string]types.AttributeValue
	for p.dec.More() {
		key, err := p.key()
		if err != nil {
			return nil, err
		}
		if key != "Item" {
			return nil, fmt.Errorf(`unexpected member %q (a line holds one member, "Item")`, key)
		}
		if item != nil {
			return nil, errors.New(`"Item" appears twice`)
		}
		if item, err = p.attributes(""); err != nil {
			return nil, err
		}
	}
	if err := p.delim('}', "the end of the object"); err != nil {
		return nil, err
	}
	if item == nil {
		return nil, errors.New(`no "Item" member`)
	}
	if _, err := p.dec.Token(); err != io.EOF {
		return nil, errors.New("more data after the item")
	}
	return item, nil
}

// key reads an object member's name.
func (p *lineParser) key() (string, error) {
	t, err := p.token()
	if err != nil {
		return "", err
	}
	s, ok := t.(string)
	if !ok {
		return "", fmt.Errorf("want a member name, got %s", describe(t))
	}
	return s, nil
}

// attributes reads a map of attributes: an item, or the value of an M.
func (p *lineParser) attributes(path string) (map[string]types.AttributeValue, error) {
	if err := p.delim('{', "an object of attributes"); err != nil {
		return nil, at(path, err)
	}
	m := map[string]types.AttributeValue{}
	for p.dec.More() {
		name, err := p.key()
		if err != nil {
			return nil, at(path, err)
		}
		if len(name) > attr.MaxNameBytes {
			return nil, at(path, fmt.Errorf("an attribute name of %d bytes, over DynamoDB's limit of %d", len(name), attr.MaxNameBytes))
		}
		sub := joinPath(path, name)
		if name == "" {
			return nil, at(sub, errors.New("empty attribute name"))
		}
		if _, dup := m[name]; dup {
			return nil, at(sub, errors.New("appears twice"))
		}
		if m[name], err = p.value(sub); err != nil {
			return nil, err
		}
	}
	if err := p.delim('}', "the end of the attributes"); err != nil {
		return nil, at(path, err)
	}
	return m, nil
}

// value reads one attribute value: an object with one member naming its
// type.
func (p *lineParser) value(path string) (types.AttributeValue, error) {
	if p.depth++; p.depth > attr.MaxDepth {
		return nil, at(path, fmt.Errorf("nested more than %d levels deep, which DynamoDB refuses", attr.MaxDepth))
	}
	defer func() { p.depth-- }()
	if err := p.delim('{', `a value such as {"S":"text"}`); err != nil {
		return nil, at(path, err)
	}
	typ, err := p.key()
	if err != nil {
		return nil, at(path, err)
	}
	av, err := p.typed(typ, path)
	if err != nil {
		return nil, err
	}
	t, err := p.token()
	if err != nil {
		return nil, at(path, err)
	}
	if d, ok := t.(json.Delim); !ok || d != '}' {
		return nil, at(path, errors.New("a value has exactly one type"))
	}
	return av, nil
}

func (p *lineParser) typed(typ, path string) (types.AttributeValue, error) {
	switch typ {
	case "S":
		s, err := p.str(typ, path)
		return &types.AttributeValueMemberS{Value: s}, err
	case "N":
		s, err := p.number(path)
		return &types.AttributeValueMemberN{Value: s}, err
	case "B":
		b, err := p.binary(typ, path)
		return &types.AttributeValueMemberB{Value: b}, err
	case "BOOL":
		b, err := p.boolean(typ, path)
		return &types.AttributeValueMemberBOOL{Value: b}, err
	case "NULL":
		b, err := p.boolean(typ, path)
		if err == nil && !b {
			err = at(path, errors.New("NULL must be true"))
		}
		return &types.AttributeValueMemberNULL{Value: true}, err
	case "SS", "NS", "BS":
		return p.set(typ, path)
	case "L":
		if err := p.delim('[', "an array for L"); err != nil {
			return nil, at(path, err)
		}
		l := []types.AttributeValue{}
		for i := 0; p.dec.More(); i++ {
			v, err := p.value(path + "[" + strconv.Itoa(i) + "]")
			if err != nil {
				return nil, err
			}
			l = append(l, v)
		}
		if err := p.delim(']', "the end of the list"); err != nil {
			return nil, at(path, err)
		}
		return &types.AttributeValueMemberL{Value: l}, nil
	case "M":
		m, err := p.attributes(path)
		return &types.AttributeValueMemberM{Value: m}, err
	}
	return nil, at(path, fmt.Errorf("unknown type %q (want S, N, B, BOOL, NULL, SS, NS, BS, L or M)", typ))
}

func (p *lineParser) str(typ, path string) (string, error) {
	t, err := p.token()
	if err != nil {
		return "", at(path, err)
	}
	s, ok := t.(string)
	if !ok {
		return "", at(path, fmt.Errorf("want a string for %s, got %s", typ, describe(t)))
	}
	return s, nil
}

func (p *lineParser) number(path string) (string, error) {
	s, err := p.str("N", path)
	if err == nil && !attr.ValidNumber(s) {
		err = at(path, fmt.Errorf("%q is not a number DynamoDB accepts", s))
	}
	return s, err
}

func (p *lineParser) binary(typ, path string) ([]byte, error) {
	s, err := p.str(typ, path)
	if err != nil {
		return nil, err
	}
	b, err := base64.StdEncoding.Strict().DecodeString(s)
	if err != nil {
		return nil, at(path, fmt.Errorf("%s is not base64: %v", typ, err))
	}
	return b, nil
}

func (p *lineParser) boolean(typ, path string) (bool, error) {
	t, err := p.token()
	if err != nil {
		return false, at(path, err)
	}
	b, ok := t.(bool)
	if !ok {
		return false, at(path, fmt.Errorf("want true or false for %s, got %s", typ, describe(t)))
	}
	return b, nil
}

// set reads a string, number or binary set: a non-empty array without
// duplicates.
func (p *lineParser) set(typ, path string) (types.AttributeValue, error) {
	if err := p.delim('[', "an array for "+typ); err != nil {
		return nil, at(path, err)
	}
	var (
		strs []string
		bins [][]byte
		seen = map[string]bool{}
	)
	for i := 0; p.dec.More(); i++ {
		elem := path + "[" + strconv.Itoa(i) + "]"
		var key string
		switch typ {
		case "SS":
			s, err := p.str(typ, elem)
			if err != nil {
				return nil, err
			}
			strs, key = append(strs, s), s
		case "NS":
			s, err := p.number(elem)
			if err != nil {
				return nil, err
			}
			strs, key = append(strs, s), attr.CanonicalNumber(s) // "1" and "1.0" are one element
		case "BS":
			b, err := p.binary(typ, elem)
			if err != nil {
				return nil, err
			}
			bins, key = append(bins, b), string(b)
		}
		if seen[key] {
			return nil, at(elem, fmt.Errorf("duplicate element in %s", typ))
		}
		seen[key] = true
	}
	if err := p.delim(']', "the end of the set"); err != nil {
		return nil, at(path, err)
	}
	if len(seen) == 0 {
		return nil, at(path, fmt.Errorf("empty %s: DynamoDB sets have at least one element", typ))
	}
	switch typ {
	case "SS":
		return &types.AttributeValueMemberSS{Value: strs}, nil
	case "NS":
		return &types.AttributeValueMemberNS{Value: strs}, nil
	}
	return &types.AttributeValueMemberBS{Value: bins}, nil
}

// at prefixes err with the attribute it is about.
func at(path string, err error) error {
	if path == "" {
		return err
	}
	return fmt.Errorf("attribute %s: %w", path, err)
}

// describe names a JSON token for messages.
func describe(t json.Token) string {
	switch v := t.(type) {
	case json.Delim:
		switch v {
		case '{':
			return "an object"
		case '[':
			return "an array"
		}
		return fmt.Sprintf("%q", string(v))
	case string:
		return "a string"
	case float64, json.Number:
		return "a number"
	case bool:
		return "true or false"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%v", t)
}
