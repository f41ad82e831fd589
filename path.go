package dynamodel

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/dynamodel/dynamodel/internal/attr"
)

// Document paths.
//
// Wherever dynamodel takes an attribute name outside a key condition (in
// updates, conditions, filters, projections and Size), the string is a
// document path: an attribute, a member of a map or an element of a list.
//
//	status                  the attribute "status"
//	reactions.heart         member "heart" of map attribute "reactions"
//	tags[0]                 the first element of list attribute "tags"
//	address.lines[2].text   and so on, to any depth DynamoDB allows (32)
//	"a.b"                   the attribute named a.b: a name in double quotes
//	                        is taken literally, with "" for a quote in it
//	"a.b".c                 member "c" of attribute "a.b"
//
// A name segment is one or more bytes of valid UTF-8, at most 65,535 bytes,
// without '.', '[' or ']' unless quoted, and not starting with '"' unless
// quoted. A list index is a decimal number without sign or leading zeros.
// Every name segment reaches DynamoDB through a placeholder of its own
// (address.lines[2].text renders as #n0.#n1[2].#n2), so reserved words and
// any other characters are safe.
//
// Name quotes a literal attribute name and Path builds a path from
// segments, so names that come from data never need escaping by hand.
// Names that come from `dynamodbav` tags (models, change sets) are never
// parsed: a field tagged `dynamodbav:"a.b"` is the attribute "a.b".

// DynamoDB's limits on names and document paths.
const (
	maxKeyNameBytes = 255 // a key or index key attribute name
	maxListIndex    = 1<<31 - 1
)

// Name returns the path that is exactly the attribute called name, whatever
// it contains: name itself when it has no '.', '[' or ']' and does not
// start with '"', else name in double quotes (with each '"' doubled).
//
//	dynamodel.Set(dynamodel.Name("a.b"), 1)   // sets attribute "a.b", not member b of a
func Name(name string) string {
	if !needsQuotes(name) {
		return name
	}
	return quoteName(name)
}

func needsQuotes(name string) bool {
	return name == "" || name[0] == '"' || pathSeparator(name) >= 0
}

func quoteName(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// Path returns the document path made of segments: a string is an
// attribute name (the first segment) or a map member, taken literally; an
// integer (of any integer type) is a list index.
//
//	dynamodel.Path("address", "lines", 2, "text")   // address.lines[2].text
//	dynamodel.Path("reactions", reactionType)       // reactions.<reactionType>, whatever it holds
//
// A segment of any other type, a negative index, or a path that does not
// start with a name gives a path that every function taking one rejects
// (ErrInvalidPath), naming the problem.
func Path(segments ...any) string {
	var b strings.Builder
	for i, s := range segments {
		switch v := s.(type) {
		case string:
			if i > 0 {
				b.WriteByte('.')
			}
			if needsQuotes(v) {
				b.WriteString(quoteName(v))
			} else {
				b.WriteString(v)
			}
			continue
		}
		rv := reflect.ValueOf(s)
		b.WriteByte('[')
		switch {
		case rv.CanInt():
			b.WriteString(strconv.FormatInt(rv.Int(), 10))
		case rv.CanUint():
			b.WriteString(strconv.FormatUint(rv.Uint(), 10))
		default:
			// A marker the parser names in its error.
			fmt.Fprintf(&b, "!%T", s)
		}
		b.WriteByte(']')
	}
	return b.String()
}

// pathSeg is one segment of a parsed path: a name, or a list index when
// index >= 0.
type pathSeg struct {
	name  string
	index int
}

func (s pathSeg) isIndex() bool { return s.index >= 0 }

// pathReader reads the segments of a path one at a time, without
// allocating (except to unescape a quoted name holding a '"').
type pathReader struct {
	p     string
	i     int
	depth int
	err   error
}

func readPath(p string) pathReader { return pathReader{p: p} }

// next returns the next segment; ok is false at the end or on an error
// (then r.err is set).
func (r *pathReader) next() (seg pathSeg, ok bool) {
	if r.err != nil || r.i >= len(r.p) {
		if r.err == nil && len(r.p) == 0 {
			r.fail("empty attribute name")
		}
		return seg, false
	}
	if r.depth > 0 {
		switch r.p[r.i] {
		case '.':
			r.i++
		case '[':
			return r.index()
		default:
			r.fail(fmt.Sprintf("unexpected %q after a segment (want '.', '[' or the end)", r.p[r.i]))
			return seg, false
		}
	} else if r.p[0] == '[' {
		r.fail("a path starts with an attribute name, not a list index")
		return seg, false
	}
	return r.name()
}

func (r *pathReader) fail(reason string) {
	r.err = &PathError{Path: r.p, Reason: reason}
}

func (r *pathReader) deeper() bool {
	r.depth++
	if r.depth > attr.MaxDepth {
		r.fail(fmt.Sprintf("more than %d levels", attr.MaxDepth))
		return false
	}
	return true
}

// name reads a name segment at r.i.
func (r *pathReader) name() (pathSeg, bool) {
	if !r.deeper() {
		return pathSeg{}, false
	}
	rest := r.p[r.i:]
	var name string
	if rest != "" && rest[0] == '"' {
		n, used, ok := unquoteName(rest)
		if !ok {
			r.fail("unterminated quoted name")
			return pathSeg{}, false
		}
		name = n
		r.i += used
	} else {
		end := pathSeparator(rest)
		if end < 0 {
			end = len(rest)
		}
		if end < len(rest) && rest[end] == ']' {
			r.fail("']' without '[' (quote a name that holds one: dynamodel.Name)")
			return pathSeg{}, false
		}
		name = rest[:end]
		r.i += end
	}
	if reason := checkName(name); reason != "" {
		r.fail(reason)
		return pathSeg{}, false
	}
	return pathSeg{name: name, index: -1}, true
}

// index reads a list index "[n]" at r.i.
func (r *pathReader) index() (pathSeg, bool) {
	if !r.deeper() {
		return pathSeg{}, false
	}
	rest := r.p[r.i+1:]
	end := strings.IndexByte(rest, ']')
	if end < 0 {
		r.fail("'[' without ']'")
		return pathSeg{}, false
	}
	digits := rest[:end]
	if strings.HasPrefix(digits, "!") {
		r.fail(fmt.Sprintf("a segment of dynamodel.Path is a string or an integer, not %s", digits[1:]))
		return pathSeg{}, false
	}
	n, err := strconv.Atoi(digits)
	if err != nil || n < 0 || n > maxListIndex || digits[0] == '+' || (len(digits) > 1 && digits[0] == '0') {
		r.fail(fmt.Sprintf("list index %q is not a number from 0 to %d without sign or leading zeros", digits, maxListIndex))
		return pathSeg{}, false
	}
	r.i += end + 2
	return pathSeg{index: n}, true
}

// unquoteName reads a quoted name at the start of s: the name, how many
// bytes it took, and false when the quote is not closed.
func unquoteName(s string) (name string, used int, ok bool) {
	i := 1
	escaped := false
	for i < len(s) {
		if s[i] != '"' {
			i++
			continue
		}
		if i+1 < len(s) && s[i+1] == '"' {
			escaped = true
			i += 2
			continue
		}
		name = s[1:i]
		if escaped {
			name = strings.ReplaceAll(name, `""`, `"`)
		}
		return name, i + 1, true
	}
	return "", 0, false
}

// checkName returns what DynamoDB would reject in an attribute name, or "".
func checkName(name string) string {
	switch {
	case name == "":
		return "empty attribute name"
	case len(name) > attr.MaxNameBytes:
		return fmt.Sprintf("attribute name of %d bytes, over DynamoDB's limit of %d", len(name), attr.MaxNameBytes)
	case !utf8.ValidString(name):
		return "attribute name is not valid UTF-8"
	}
	return ""
}

// checkPath parses p and reports the first problem, nil when it is a
// valid path.
func checkPath(p string) error {
	r := readPath(p)
	for {
		if _, ok := r.next(); !ok {
			return r.err
		}
	}
}

// pathRoot returns the attribute a path starts at, e.g. "address" for
// address.lines[2]; "" when the path is invalid.
func pathRoot(p string) string {
	i := pathSpecial(p)
	switch {
	case i < 0:
		return p // a plain name: the common case
	case i > 0 && (p[i] == '.' || p[i] == '['):
		return p[:i] // a plain name, then more of the path
	}
	r := readPath(p)
	seg, ok := r.next()
	if !ok {
		return ""
	}
	return seg.name
}

// pathSpecial returns the index of the first byte of p that may start or
// end a path's segment ('.', '[', ']' or '"'), -1 when there is none.
func pathSpecial(p string) int {
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '.', '[', ']', '"':
			return i
		}
	}
	return -1
}

// pathSeparator returns the index of the first '.', '[' or ']' in p, -1
// when there is none. (Loops over the bytes: strings.IndexAny builds a set
// on every call, which showed in the profile of building updates.)
func pathSeparator(p string) int {
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '.', '[', ']':
			return i
		}
	}
	return -1
}

// pathsOverlap reports whether two valid paths are the same, or one is a
// prefix of the other (a.b and a.b.c, tags and tags[0]), or they read one
// value both as a map and as a list (m.b and m[0]): DynamoDB rejects an
// update that changes both, and a projection of both.
func pathsOverlap(a, b string) bool {
	if a == b {
		return true
	}
	ra, rb := readPath(a), readPath(b)
	for {
		sa, okA := ra.next()
		sb, okB := rb.next()
		if !okA || !okB {
			return ra.err == nil && rb.err == nil
		}
		if sa != sb {
			return sa.isIndex() != sb.isIndex() && ra.err == nil && rb.err == nil
		}
	}
}

// writePath renders path p into b with a name placeholder for each name
// segment.
func (w *exprWriter) writePath(b *strings.Builder, p string) error {
	if !strings.ContainsAny(p, `.[]"`) && len(p) <= attr.MaxNameBytes && p != "" && utf8.ValidString(p) {
		b.WriteString(w.name(p)) // a plain name: the common case
		return nil
	}
	r := readPath(p)
	for {
		seg, ok := r.next()
		if !ok {
			return r.err
		}
		if seg.isIndex() {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(seg.index))
			b.WriteByte(']')
			continue
		}
		if r.depth > 1 {
			b.WriteByte('.')
		}
		b.WriteString(w.name(seg.name))
	}
}

// path renders path p with a name placeholder for each name segment.
func (w *exprWriter) path(p string) (string, error) {
	if !strings.ContainsAny(p, `.[]"`) && p != "" && len(p) <= attr.MaxNameBytes && utf8.ValidString(p) {
		return w.name(p), nil
	}
	var b strings.Builder
	if err := w.writePath(&b, p); err != nil {
		return "", err
	}
	return b.String(), nil
}
