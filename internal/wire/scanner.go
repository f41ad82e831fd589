// Package wire reads JSON as DynamoDB sends it, one token at a time, for
// the decoders that write response items straight into Go values. It is
// strict: anything it does not understand is reported, never guessed, so
// that its callers can hand the whole body to the SDK instead.
package wire

import (
	"encoding/binary"
	"math/bits"
	"unicode/utf16"
	"unicode/utf8"
)

// A Scanner reads JSON tokens from a byte slice. Methods that read a token
// skip white space before it and report false, leaving the position
// unspecified, when the next token is not the one asked for.
type Scanner struct {
	buf []byte
	pos int
}

// New returns a scanner at the start of b.
func New(b []byte) Scanner { return Scanner{buf: b} }

// Pos returns how many bytes the scanner has read.
func (s *Scanner) Pos() int { return s.pos }

func (s *Scanner) space() {
	if s.pos < len(s.buf) && s.buf[s.pos] > ' ' {
		return // most often: DynamoDB sends no white space
	}
	for s.pos < len(s.buf) {
		switch s.buf[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// Peek returns the next byte after white space, or 0 at the end.
func (s *Scanner) Peek() byte {
	s.space()
	if s.pos < len(s.buf) {
		return s.buf[s.pos]
	}
	return 0
}

// Byte reads c, a delimiter ({ } [ ] : ,), if it comes next.
func (s *Scanner) Byte(c byte) bool {
	if s.Peek() == c && c != 0 {
		s.pos++
		return true
	}
	return false
}

// End reports whether only white space is left.
func (s *Scanner) End() bool {
	s.space()
	return s.pos == len(s.buf)
}

// Literal reads word when it comes next, after white space, written
// exactly so: a literal (true, false or null), or any other text.
func (s *Scanner) Literal(word string) bool {
	s.space()
	if len(s.buf)-s.pos < len(word) || string(s.buf[s.pos:s.pos+len(word)]) != word {
		return false
	}
	s.pos += len(word)
	return true
}

// Bool reads true or false.
func (s *Scanner) Bool() (v, ok bool) {
	switch s.Peek() {
	case 't':
		return true, s.Literal("true")
	case 'f':
		return false, s.Literal("false")
	}
	return false, false
}

// String reads a string and returns its text. The text is a slice of the
// scanner's buffer when the string has no escapes, else it is unescaped
// into scratch (reused when large enough). It is valid until the next call
// that passes the same scratch; copy it to keep it. ok is false for a
// malformed string, a control character, invalid UTF-8 or a lone
// surrogate escape.
func (s *Scanner) String(scratch *[]byte) (text []byte, ok bool) {
	if s.Peek() != '"' {
		return nil, false
	}
	start := s.pos + 1
	i := plainEnd(s.buf, start)
	if i < len(s.buf) && s.buf[i] == '"' {
		s.pos = i + 1
		return s.buf[start:i], true
	}
	ascii := true
	for ; i < len(s.buf); i++ {
		c := s.buf[i]
		switch {
		case c == '"':
			s.pos = i + 1
			raw := s.buf[start:i]
			if !ascii && !utf8.Valid(raw) {
				return nil, false
			}
			return raw, true
		case c == '\\':
			return s.escaped(start, scratch)
		case c < 0x20:
			return nil, false
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return nil, false
}

// PlainS reads an attribute value that is exactly {"S":"text"}, with no
// white space inside and nothing in text to unescape or check (ASCII, no
// byte below 0x20; DEL, which JSON allows as it is, is taken), and returns
// text. Otherwise ok is false and the scanner has moved at most past the
// white space before the value.
func (s *Scanner) PlainS() (text []byte, ok bool) {
	const head = `{"S":"`
	s.space()
	b := s.buf
	start := s.pos + len(head)
	if len(b) < start || string(b[s.pos:start]) != head {
		return nil, false
	}
	i := plainEnd(b, start)
	if i+1 >= len(b) || b[i] != '"' || b[i+1] != '}' {
		return nil, false
	}
	s.pos = i + 2
	return b[start:i], true
}

// escaped reads the rest of a string that has escapes, from its start.
func (s *Scanner) escaped(start int, scratch *[]byte) ([]byte, bool) {
	out := (*scratch)[:0]
	i := start
	for i < len(s.buf) {
		c := s.buf[i]
		switch {
		case c == '"':
			s.pos = i + 1
			*scratch = out
			return out, utf8.Valid(out)
		case c < 0x20:
			return nil, false
		case c != '\\':
			out = append(out, c)
			i++
			continue
		}
		if i+1 >= len(s.buf) {
			return nil, false
		}
		e := s.buf[i+1]
		i += 2
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := hex4(s.buf, i)
			if !ok {
				return nil, false
			}
			i += 4
			if utf16.IsSurrogate(r) {
				if i+6 > len(s.buf) || s.buf[i] != '\\' || s.buf[i+1] != 'u' {
					return nil, false
				}
				r2, ok := hex4(s.buf, i+2)
				if !ok {
					return nil, false
				}
				r = utf16.DecodeRune(r, r2)
				if r == utf8.RuneError {
					return nil, false
				}
				i += 6
			}
			out = utf8.AppendRune(out, r)
		default:
			return nil, false
		}
	}
	return nil, false
}

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// plainEnd returns the index of the first byte from i on that is a quote,
// a backslash, below 0x20 or not ASCII, or len(b) when there is
// none. It reads 8 bytes at a time: in a word, the lowest byte the test
// flags is the first such byte (a borrow only flags bytes above it).
func plainEnd(b []byte, i int) int {
	for ; i+8 <= len(b); i += 8 {
		w := binary.LittleEndian.Uint64(b[i:])
		q := w ^ ('"' * ones)
		bs := w ^ ('\\' * ones)
		special := ((q-ones)&^q | (bs-ones)&^bs | (w - 0x20*ones) | w) & highs
		if special != 0 {
			return i + bits.TrailingZeros64(special)/8
		}
	}
	for ; i < len(b); i++ {
		if c := b[i]; c == '"' || c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
			return i
		}
	}
	return i
}

func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[i : i+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// Tag reads the start of an attribute value in DynamoDB's JSON: an
// object's opening brace and its member's name and colon ({"S":), and
// returns the name, the value's type. It reads what Byte('{') then Key
// read; a short name of capital letters written with nothing between it,
// its quotes and its colon is read without them.
func (s *Scanner) Tag(scratch *[]byte) ([]byte, bool) {
	s.space()
	if tag, ok := s.shortTag(); ok {
		return tag, true
	}
	if !s.Byte('{') {
		return nil, false
	}
	return s.Key(scratch)
}

// shortTag reads {"T": where T is one to four capital letters (DynamoDB's
// type names: S, N, BOOL, NULL, SS, L, M, ...).
func (s *Scanner) shortTag() ([]byte, bool) {
	b, i := s.buf, s.pos
	if len(b)-i < 5 || b[i] != '{' || b[i+1] != '"' {
		return nil, false
	}
	for j := i + 2; j < min(i+7, len(b)-1); j++ {
		switch c := b[j]; {
		case c == '"' && j > i+2 && b[j+1] == ':':
			s.pos = j + 2
			return b[i+2 : j], true
		case c < 'A' || c > 'Z':
			return nil, false
		}
	}
	return nil, false
}

// Key reads an object member's name and the colon after it.
func (s *Scanner) Key(scratch *[]byte) ([]byte, bool) {
	k, ok := s.String(scratch)
	return k, ok && s.Byte(':')
}

// Number reads a JSON number and returns its text.
func (s *Scanner) Number() ([]byte, bool) {
	s.space()
	start, i := s.pos, s.pos
	b := s.buf
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		i = digits(b, i)
	default:
		return nil, false
	}
	if i < len(b) && b[i] == '.' {
		j := digits(b, i+1)
		if j == i+1 {
			return nil, false
		}
		i = j
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := digits(b, i)
		if j == i {
			return nil, false
		}
		i = j
	}
	s.pos = i
	return b[start:i], true
}

func digits(b []byte, i int) int {
	for i < len(b) && '0' <= b[i] && b[i] <= '9' {
		i++
	}
	return i
}

// maxDepth bounds the nesting Skip follows (DynamoDB allows 32 levels).
const maxDepth = 64

// Skip reads one value of any kind, checking its syntax.
func (s *Scanner) Skip() bool { return s.skip(0) }

func (s *Scanner) skip(depth int) bool {
	if depth > maxDepth {
		return false
	}
	var scratch []byte
	switch s.Peek() {
	case '"':
		_, ok := s.String(&scratch)
		return ok
	case '{':
		s.pos++
		if s.Byte('}') {
			return true
		}
		for {
			if _, ok := s.Key(&scratch); !ok || !s.skip(depth+1) {
				return false
			}
			if s.Byte(',') {
				continue
			}
			return s.Byte('}')
		}
	case '[':
		s.pos++
		if s.Byte(']') {
			return true
		}
		for {
			if !s.skip(depth + 1) {
				return false
			}
			if s.Byte(',') {
				continue
			}
			return s.Byte(']')
		}
	case 't':
		return s.Literal("true")
	case 'f':
		return s.Literal("false")
	case 'n':
		return s.Literal("null")
	default:
		_, ok := s.Number()
		return ok
	}
}

// Since returns the text read from offset start to where the scanner is.
func (s *Scanner) Since(start int) []byte { return s.buf[start:s.pos] }

// Advance moves the scanner n bytes on, past a value read by other means.
func (s *Scanner) Advance(n int) { s.pos = min(s.pos+n, len(s.buf)) }
