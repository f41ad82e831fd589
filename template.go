package dynamodel

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unsafe"
)

// A key template says how an entity's key attribute is made from its
// fields: literal text and fields in braces, each field set off from its
// neighbours by the separator (by default '#'):
//
//	USER#{username}
//	PHOTO#{username}#{timestamp}
//	ORDER#{placed:2006-01-02}#{number:08}
//
// A field is named by its attribute name and may declare a format after a
// colon:
//
//   - none: a string as given; an integer in decimal (in a partition key
//     only); a time.Time in UTC with codec.SortableTimeLayout (fixed width,
//     so string order is time order), in whole seconds when it is stored
//     as epoch seconds (a ttl or unixtime field; a sort condition's time
//     is compared as given, so SortEqual needs a whole second).
//   - a width such as 08: a non-negative integer zero-padded to that many
//     digits, so string order is numeric order.
//   - ordered: an integer or float in an order-preserving encoding (16
//     hexadecimal digits), negative values included.
//   - a Go time layout such as 2006-01-02: a time.Time in UTC in that
//     layout, which must have a fixed width and, in a sort key, sort as
//     time does (the year first, numbers only: not 02-01-2006, Jan or
//     03:04PM).
//   - raw: a string as given, which may contain the separator; only as the
//     last part of a template (for a key that holds another item's key).
//
// Templates are checked when the entity is declared (NewEntity).
type keyTemplate struct {
	text  string
	sep   byte
	parts []templatePart
	// short: literal text then one field that is not raw (USER#{id}), the
	// shape most keys have, which matchBytes checks without walking parts.
	short bool
}

// templatePart is literal text, or a field when name is set.
type templatePart struct {
	lit    string
	name   string // the field's attribute name; "" for literal text
	format string // the format as written after the colon
}

func (p templatePart) isField() bool { return p.name != "" }

// TemplateError is a key template that cannot be used, found when an entity
// is declared. It matches ErrInvalidModel.
type TemplateError struct {
	Entity   string // the entity's name
	Template string // the template as written
	Reason   string
}

// Error names the entity, the template and the problem.
func (e *TemplateError) Error() string {
	return fmt.Sprintf("dynamodel: entity %s: key template %q: %s", e.Entity, e.Template, e.Reason)
}

// Is reports whether target is ErrInvalidModel.
func (e *TemplateError) Is(target error) bool { return target == ErrInvalidModel }

// parseTemplate reads a template's syntax: literal text and {field} or
// {field:format} parts. Fields must be separated from the text around
// them by sep, so that a key can be matched against the template without
// ambiguity; a raw field must come last.
func parseTemplate(s string, sep byte) (keyTemplate, error) {
	t := keyTemplate{text: s, sep: sep}
	if s == "" {
		return t, fmt.Errorf("empty template")
	}
	rest := s
	for rest != "" {
		open := strings.IndexAny(rest, "{}")
		if open < 0 {
			t.parts = append(t.parts, templatePart{lit: rest})
			break
		}
		if rest[open] == '}' {
			return t, fmt.Errorf("'}' without '{' at byte %d", len(s)-len(rest)+open)
		}
		if open > 0 {
			t.parts = append(t.parts, templatePart{lit: rest[:open]})
		}
		end := strings.IndexAny(rest[open+1:], "{}")
		if end < 0 || rest[open+1+end] != '}' {
			return t, fmt.Errorf("'{' at byte %d is not closed by '}'", len(s)-len(rest)+open)
		}
		body := rest[open+1 : open+1+end]
		name, format, _ := strings.Cut(body, ":")
		if name == "" {
			return t, fmt.Errorf("a field with no name at byte %d", len(s)-len(rest)+open)
		}
		if strings.IndexByte(name, sep) >= 0 {
			return t, fmt.Errorf("field name %q contains the separator %q", name, string(sep))
		}
		t.parts = append(t.parts, templatePart{name: name, format: format})
		rest = rest[open+1+end+1:]
	}
	for i, p := range t.parts {
		if !p.isField() {
			if strings.ContainsAny(p.lit, "{}") {
				return t, fmt.Errorf("braces in literal text %q", p.lit)
			}
			continue
		}
		if p.format == "raw" && i != len(t.parts)-1 {
			return t, fmt.Errorf("field %q is raw (it may hold the separator), so it must end the template", p.name)
		}
		if i > 0 && !strings.HasSuffix(t.parts[i-1].lit, string(sep)) {
			if t.parts[i-1].isField() {
				return t, fmt.Errorf("fields %q and %q are not separated by %q", t.parts[i-1].name, p.name, string(sep))
			}
			return t, fmt.Errorf("field %q must follow the separator %q, not %q", p.name, string(sep), t.parts[i-1].lit)
		}
		if i+1 < len(t.parts) && !t.parts[i+1].isField() && t.parts[i+1].lit[0] != sep {
			return t, fmt.Errorf("field %q must be followed by the separator %q, not %q", p.name, string(sep), t.parts[i+1].lit)
		}
	}
	t.short = len(t.parts) == 2 && !t.parts[0].isField() && t.parts[1].isField() && t.parts[1].format != "raw"
	return t, nil
}

// String returns the template as written.
func (t keyTemplate) String() string { return t.text }

// match reports whether key has the template's shape: its literal text
// where the template has text, and for each field a non-empty run without
// the separator (any non-empty rest for a raw field). Formats are not
// checked, so keys other clients wrote in the same layout match.
func (t keyTemplate) match(key string) bool {
	return t.matchBytes(unsafe.Slice(unsafe.StringData(key), len(key)))
}

// matchBytes is match of a key's text as bytes (a key read from a response
// body: direct_entity.go), which it does not change. A short template's
// key is the literal text then a non-empty run without the separator.
func (t *keyTemplate) matchBytes(key []byte) bool {
	if t.short {
		lit := t.parts[0].lit
		return len(key) > len(lit) && string(key[:len(lit)]) == lit && bytes.IndexByte(key[len(lit):], t.sep) < 0
	}
	for i := range t.parts {
		switch p := &t.parts[i]; {
		case !p.isField():
			if len(key) < len(p.lit) || string(key[:len(p.lit)]) != p.lit {
				return false
			}
			key = key[len(p.lit):]
		case p.format == "raw":
			return len(key) != 0
		default:
			n := bytes.IndexByte(key, t.sep)
			if n < 0 {
				n = len(key)
			}
			if n == 0 {
				return false
			}
			key = key[n:]
		}
	}
	return len(key) == 0
}

// overlaps reports whether some key could match both templates (see
// match), so that an item could not be told to be of one or the other.
// It explores the pairs of positions the two templates can be in after
// reading the same text.
func (t keyTemplate) overlaps(u keyTemplate) bool {
	a, b := t.automaton(), u.automaton()
	alphabet := templateAlphabet(a, b)
	type pair struct{ x, y int }
	start := pair{0, 0}
	seen := map[pair]bool{start: true}
	queue := []pair{start}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, x := range a.closure(p.x) {
			for _, y := range b.closure(p.y) {
				if a.accepts(x) && b.accepts(y) {
					return true
				}
				for _, c := range alphabet {
					nx, okx := a.step(x, c)
					ny, oky := b.step(y, c)
					if okx && oky {
						q := pair{nx, ny}
						if !seen[q] {
							seen[q] = true
							queue = append(queue, q)
						}
					}
				}
			}
		}
	}
	return false
}

// templateAutomaton matches a template's shape one byte at a time. Its
// states are 2*i (before unit i) and 2*i+1 (inside field unit i, having
// read at least one byte).
type templateAutomaton struct {
	units []templateUnit
	sep   byte
}

// templateUnit is one literal byte, or a field: a run of one or more bytes
// other than sep (any bytes when raw).
type templateUnit struct {
	lit   byte
	field bool
	raw   bool
}

func (t keyTemplate) automaton() templateAutomaton {
	a := templateAutomaton{sep: t.sep}
	for _, p := range t.parts {
		if p.isField() {
			a.units = append(a.units, templateUnit{field: true, raw: p.format == "raw"})
			continue
		}
		for i := 0; i < len(p.lit); i++ {
			a.units = append(a.units, templateUnit{lit: p.lit[i]})
		}
	}
	return a
}

// closure returns the states reachable from s without reading: from inside
// a field, the position after it.
func (a templateAutomaton) closure(s int) []int {
	if s%2 == 1 {
		return []int{s, s + 1}
	}
	return []int{s}
}

func (a templateAutomaton) accepts(s int) bool { return s == 2*len(a.units) }

// step reads byte c in state s.
func (a templateAutomaton) step(s int, c byte) (int, bool) {
	i := s / 2
	if i >= len(a.units) {
		return 0, false
	}
	u := a.units[i]
	switch {
	case !u.field:
		return s + 2, s%2 == 0 && c == u.lit
	case u.raw || c != a.sep:
		return 2*i + 1, true
	}
	return 0, false
}

// templateAlphabet is every byte that can make a difference: the literal
// bytes of either automaton, the separators, and one byte that is none of
// them.
func templateAlphabet(autos ...templateAutomaton) []byte {
	var used [256]bool
	var out []byte
	add := func(c byte) {
		if !used[c] {
			used[c] = true
			out = append(out, c)
		}
	}
	for _, a := range autos {
		add(a.sep)
		for _, u := range a.units {
			if !u.field {
				add(u.lit)
			}
		}
	}
	for c := 'a'; c <= 'z'; c++ {
		if !used[c] {
			add(byte(c))
			break
		}
	}
	for c := 0; c < 256; c++ {
		if !used[c] {
			add(byte(c))
			break
		}
	}
	return out
}

// checkWidth parses a zero-padded width format such as "08".
func checkWidth(format string) (int, bool) {
	if len(format) < 2 || format[0] != '0' {
		return 0, false
	}
	n, err := strconv.Atoi(format[1:])
	if err != nil || n < 1 || n > 40 || strconv.Itoa(n) != format[1:] {
		return 0, false
	}
	return n, true
}
