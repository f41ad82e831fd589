package dynamodel

import (
	"fmt"
	"slices"
	"strings"
)

// What DynamoDB refuses in the paths of a read's filter and projection,
// checked on the rendered expressions (where one name has one placeholder,
// whether it came from a path or a Raw) before any call. Engines differ:
// dynalite refuses each as DynamoDB does, moto takes them.

// A pathHead is the first name of a document path in an expression, and
// whether the path goes into it (a '.' or '[' follows).
type pathHead struct {
	name   string
	nested bool
}

// pathHeads returns the heads of the document paths of expression s: a
// name placeholder's name (from w; "" when w lacks it), or a bare name,
// unless a '.' precedes it (a member of a map) or a '(' follows it (a
// function).
func pathHeads(w *exprWriter, s string) []pathHead {
	var heads []pathHead
	for i := 0; i < len(s); {
		if s[i] != '#' && s[i] != ':' && !isPlaceholderByte(s[i]) {
			i++
			continue
		}
		j := i + 1
		for j < len(s) && isPlaceholderByte(s[j]) {
			j++
		}
		tok := s[i:j]
		prev := strings.TrimRight(s[:i], " \t\n\r")
		next := strings.TrimLeft(s[j:], " \t\n\r")
		nested := strings.HasPrefix(next, ".") || strings.HasPrefix(next, "[")
		switch {
		case tok[0] == ':', strings.HasSuffix(prev, "."), strings.HasSuffix(prev, "["):
		case tok[0] == '#':
			heads = append(heads, pathHead{w.names[tok], nested})
		case strings.HasPrefix(next, "("), isExpressionKeyword(tok):
		default:
			heads = append(heads, pathHead{tok, nested})
		}
		i = j
	}
	return heads
}

// isExpressionKeyword reports whether a bare word of an expression is one
// of its keywords rather than a name.
func isExpressionKeyword(s string) bool {
	for _, k := range []string{"AND", "OR", "NOT", "BETWEEN", "IN"} {
		if strings.EqualFold(s, k) {
			return true
		}
	}
	return false
}

// checkFilterKeys refuses a query's filter (the heads of its paths) that
// names one of the key attributes of the table or index queried (keys:
// those known), as DynamoDB does ("Filter Expression can only contain
// non-primary key attributes"): they belong in the key condition.
func checkFilterKeys(filter []pathHead, keys ...string) error {
	for _, h := range filter {
		if h.name != "" && slices.Contains(keys, h.name) {
			return fmt.Errorf("%w: the filter names %q, a key attribute of the table or index queried (DynamoDB refuses it): use the key condition", ErrInvalidQuery, h.name)
		}
	}
	return nil
}

// checkKeyPaths refuses a path into a key attribute (keys: the table's and
// the index's known) among the heads of an expression's paths (what names
// it: "the filter", "the projection"), as DynamoDB does ("Key attributes
// must be scalars"): a key is a string, number or binary, with no members.
func checkKeyPaths(heads []pathHead, what string, keys []string) error {
	for _, h := range heads {
		if h.nested && h.name != "" && slices.Contains(keys, h.name) {
			return fmt.Errorf("%w: %s has a path into key attribute %q, which is a scalar (DynamoDB refuses it)", ErrInvalidQuery, what, h.name)
		}
	}
	return nil
}

// checkRenderedOverlap refuses a projection expression two of whose paths
// overlap (one is the other, or inside it), as DynamoDB does: the paths of
// Projection are checked as the caller wrote them, this finds those of
// RawProjection too.
func checkRenderedOverlap(w *exprWriter, proj string) error {
	paths := strings.Split(proj, ",")
	for i, p := range paths {
		paths[i] = strings.Join(strings.Fields(p), "")
		for _, q := range paths[:i] {
			if renderedOverlap(paths[i], q) || renderedOverlap(q, paths[i]) || renderedConflict(paths[i], q) {
				return fmt.Errorf("%w: the projection's paths %s and %s overlap (DynamoDB refuses it)", ErrInvalidQuery, w.readable(q), w.readable(paths[i]))
			}
		}
	}
	return nil
}

// renderedOverlap reports whether rendered path q is p or inside it.
func renderedOverlap(p, q string) bool {
	rest, ok := strings.CutPrefix(q, p)
	return ok && (rest == "" || rest[0] == '.' || rest[0] == '[')
}

// renderedConflict reports whether rendered paths p and q read one value
// both as a map and as a list (#n0.#n1 and #n0[0]): where they first
// differ, one goes on with a member and the other with an element.
func renderedConflict(p, q string) bool {
	n := 0
	for n < len(p) && n < len(q) && p[n] == q[n] {
		n++
	}
	if n == len(p) || n == len(q) {
		return false
	}
	return (p[n] == '.' && q[n] == '[') || (p[n] == '[' && q[n] == '.')
}

// readable is a rendered path with its name placeholders replaced by their
// names, quoted, for errors.
func (w *exprWriter) readable(p string) string {
	var b strings.Builder
	last := 0
	_ = scanPlaceholders(p, func(i int, ph string) error {
		b.WriteString(p[last:i])
		if n, ok := w.names[ph]; ok {
			fmt.Fprintf(&b, "%q", n)
		} else {
			b.WriteString(ph)
		}
		last = i + len(ph)
		return nil
	})
	b.WriteString(p[last:])
	return b.String()
}

// checkReadPaths refuses a read's filter or projection (nil: none) with a
// path into a key attribute: the table's, and those of index that the
// repository knows or the key condition names (queried: a query's keys,
// of the table or index queried). A query's filter naming one of queried
// is refused first (checkFilterKeys). The filter's paths are read once for
// both checks.
func (r *Repository[T]) checkReadPaths(w *exprWriter, filter, proj *string, index string, queried ...string) error {
	if filter == nil && proj == nil {
		return nil
	}
	heads := pathHeads(w, deref(filter))
	if err := checkFilterKeys(heads, queried...); err != nil {
		return err
	}
	keys, _ := r.cursorKeyNames(index, queried)
	if err := checkKeyPaths(heads, "the filter", keys); err != nil {
		return err
	}
	return checkKeyPaths(pathHeads(w, deref(proj)), "the projection", keys)
}
