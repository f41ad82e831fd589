// Package jsonshape checks decoded JSON against a declared shape and reports
// the first problem with its JSON path, e.g. KeySchema[1].KeyType. dynamodel
// uses it to check create-table files before decoding them, so every
// problem names its field and nothing is half read.
package jsonshape

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// A Shape is the JSON form a value must have.
type Shape struct {
	kind   Kind
	fields []Field // objects: the fields known, in documentation order
	open   bool    // objects: unknown fields are allowed
	elem   *Shape  // arrays: the element shape
	enum   []string
	min    int64 // integers: the smallest allowed value
	max    int64 // integers: the largest allowed value (0: none)
	minLen int   // arrays: the fewest elements
	maxLen int   // arrays: the most elements (0: no limit)
	strLen [2]int
	alts   []Kind // kinds also accepted
}

// A Field is a named member of an object shape.
type Field struct {
	Name     string
	Shape    *Shape
	Required bool
}

// Kind is a JSON value kind.
type Kind uint8

// The JSON kinds a shape can ask for.
const (
	KindObject Kind = iota
	KindArray
	KindString
	KindInteger
	KindNumber
	KindBool
	KindAny
)

// String names the kind for messages: "an object", "a string"...
func (k Kind) String() string {
	return [...]string{"an object", "an array", "a string", "an integer", "a number", "true or false", "anything"}[k]
}

// Object is an object with exactly the given fields.
func Object(fields ...Field) *Shape { return &Shape{kind: KindObject, fields: fields} }

// OpenObject is an object with the given fields and possibly others.
func OpenObject(fields ...Field) *Shape { return &Shape{kind: KindObject, fields: fields, open: true} }

// Array is an array of minLen to maxLen (0: any number) elements of elem.
func Array(elem *Shape, minLen, maxLen int) *Shape {
	return &Shape{kind: KindArray, elem: elem, minLen: minLen, maxLen: maxLen}
}

// Enum is a string that must be one of values.
func Enum(values ...string) *Shape { return &Shape{kind: KindString, enum: values} }

// String is a string of minLen to maxLen bytes.
func String(minLen, maxLen int) *Shape {
	return &Shape{kind: KindString, strLen: [2]int{minLen, maxLen}}
}

// Integer is a whole number from min to max (max 0: no upper bound).
func Integer(min, max int64) *Shape { return &Shape{kind: KindInteger, min: min, max: max} }

// Shapes without limits.
var (
	AnyString = &Shape{kind: KindString}
	Bool      = &Shape{kind: KindBool}
	Any       = &Shape{kind: KindAny}
	// Timestamp is what AWS tools print for a date: epoch seconds, or a
	// string.
	Timestamp = &Shape{kind: KindNumber, alts: []Kind{KindString}}
)

// Req is a required field.
func Req(name string, s *Shape) Field { return Field{Name: name, Shape: s, Required: true} }

// Opt is an optional field.
func Opt(name string, s *Shape) Field { return Field{Name: name, Shape: s} }

// Field returns the shape's field called name; it panics when there is none
// (shapes are declared in code).
func (s *Shape) Field(name string) Field {
	for _, f := range s.fields {
		if f.Name == name {
			return f
		}
	}
	panic("jsonshape: no field " + name)
}

// Check compares v, decoded by a json.Decoder with UseNumber, with the shape
// and returns the JSON path of the first problem and what is wrong, or two
// empty strings. path is the path of v itself ("" for a document).
func (s *Shape) Check(v any, path string) (string, string) {
	if s.kind == KindAny {
		return "", ""
	}
	got := kindOf(v)
	if got != s.kind && !(s.kind == KindNumber && got == KindInteger) && !slices.Contains(s.alts, got) {
		if got == KindNumber && s.kind == KindInteger {
			return path, fmt.Sprintf("want a whole number, got %v", v)
		}
		return path, fmt.Sprintf("want %v, got %s", s.kind, Describe(v))
	}
	switch x := v.(type) {
	case map[string]any:
		return s.checkObject(x, path)
	case []any:
		if len(x) < s.minLen {
			return path, fmt.Sprintf("want at least %d element(s), got %d", s.minLen, len(x))
		}
		if s.maxLen > 0 && len(x) > s.maxLen {
			return path, fmt.Sprintf("want at most %d elements, got %d", s.maxLen, len(x))
		}
		for i, e := range x {
			if p, msg := s.elem.Check(e, path+"["+strconv.Itoa(i)+"]"); msg != "" {
				return p, msg
			}
		}
	case string:
		if len(s.enum) > 0 && !slices.Contains(s.enum, x) {
			return path, fmt.Sprintf("want one of %s, got %q", strings.Join(s.enum, ", "), x)
		}
		if s.strLen != [2]int{} && (len(x) < s.strLen[0] || len(x) > s.strLen[1]) {
			if x == "" {
				return path, "must not be empty"
			}
			return path, fmt.Sprintf("must be %d to %d bytes long, got %d", s.strLen[0], s.strLen[1], len(x))
		}
	case json.Number:
		if s.kind != KindInteger {
			break
		}
		n, err := strconv.ParseInt(x.String(), 10, 64)
		if err != nil {
			return path, fmt.Sprintf("%s is out of range", x)
		}
		if n < s.min || (s.max > 0 && n > s.max) {
			if s.max > 0 {
				return path, fmt.Sprintf("want %d to %d, got %d", s.min, s.max, n)
			}
			return path, fmt.Sprintf("want at least %d, got %d", s.min, n)
		}
	}
	return "", ""
}

func (s *Shape) checkObject(obj map[string]any, path string) (string, string) {
	join := func(name string) string {
		if path == "" {
			return name
		}
		return path + "." + name
	}
	for _, f := range s.fields {
		v, ok := obj[f.Name]
		if !ok {
			if f.Required {
				return join(f.Name), "required field is missing"
			}
			continue
		}
		if v == nil {
			return join(f.Name), "must not be null"
		}
		if p, msg := f.Shape.Check(v, join(f.Name)); msg != "" {
			return p, msg
		}
	}
	if s.open {
		return "", ""
	}
	names := make([]string, 0, len(obj))
	for name := range obj {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if s.has(name) {
			continue
		}
		msg := "unknown field"
		if near := s.nearest(name); near != "" {
			msg += fmt.Sprintf(" (did you mean %s?)", near)
		}
		return join(name), msg
	}
	return "", ""
}

func (s *Shape) has(name string) bool {
	for _, f := range s.fields {
		if f.Name == name {
			return true
		}
	}
	return false
}

// nearest suggests a known field for a misspelt one: the same name in other
// case, one a couple of edits away, or one it is a prefix of.
func (s *Shape) nearest(name string) string {
	best, bestDist := "", 3
	for _, f := range s.fields {
		if strings.EqualFold(f.Name, name) {
			return f.Name
		}
		if d := editDistance(strings.ToLower(f.Name), strings.ToLower(name)); d < bestDist {
			best, bestDist = f.Name, d
		}
	}
	if best != "" {
		return best
	}
	for _, f := range s.fields {
		if strings.HasPrefix(f.Name, name) || strings.HasPrefix(name, f.Name) {
			return f.Name
		}
	}
	return ""
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func kindOf(v any) Kind {
	switch x := v.(type) {
	case map[string]any:
		return KindObject
	case []any:
		return KindArray
	case string:
		return KindString
	case bool:
		return KindBool
	case json.Number:
		if !strings.ContainsAny(x.String(), ".eE") {
			return KindInteger
		}
		return KindNumber
	}
	return KindAny
}

// Describe names a decoded JSON value for a message: null, a quoted string,
// "an object", a number.
func Describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return strconv.Quote(x)
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	}
	return fmt.Sprint(v)
}
