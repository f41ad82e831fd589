package dynamodel

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Raw is an expression written by hand in DynamoDB's own syntax, with
// placeholders of the caller's own: for what dynamodel's typed updates,
// conditions and projections do not say. dynamodel renames its
// placeholders into the request's (so they never collide with dynamodel's
// own), checks that every placeholder it uses is defined and every one
// defined is used, and encodes its values like item fields, before any
// call.
//
//	dynamodel.RawCondition(dynamodel.Raw{
//		Expr:   "#total > #limit OR begins_with(#code, :vip)",
//		Names:  map[string]string{"#total": "total", "#limit": "credit_limit", "#code": "code"},
//		Values: map[string]any{":vip": "VIP-"},
//	})
type Raw struct {
	// Expr is the expression. Attribute names in it are best written as
	// #placeholders (a bare name that is one of DynamoDB's reserved words
	// is rejected by DynamoDB).
	Expr string
	// Names maps each #placeholder of Expr to an attribute name, taken
	// literally (never parsed as a path), as in ExpressionAttributeNames.
	Names map[string]string
	// Values maps each :placeholder of Expr to a value: a
	// types.AttributeValue used as it is, anything else encoded like an
	// item field.
	Values map[string]any
}

// IsZero reports whether r has no expression.
func (r Raw) IsZero() bool { return r.Expr == "" && len(r.Names) == 0 && len(r.Values) == 0 }

// rawSource is a checked Raw: its names, and its values encoded.
type rawSource struct {
	names  map[string]string
	values map[string]types.AttributeValue
}

// rawName checks a Raw's name placeholder ph and the name n it stands for.
func rawName(ph, n string) error {
	if !validPlaceholder(ph, '#') {
		return fmt.Errorf("name placeholder %q is not # and letters, digits or '_'", ph)
	}
	if reason := checkName(n); reason != "" {
		return fmt.Errorf("name placeholder %s: %s", ph, reason)
	}
	return nil
}

// rawValue checks a Raw's value placeholder ph and encodes its value v.
func rawValue(ph string, v any) (types.AttributeValue, error) {
	if !validPlaceholder(ph, ':') {
		return nil, fmt.Errorf("value placeholder %q is not ':' and letters, digits or '_'", ph)
	}
	av, err := marshalValue(v)
	if err == nil {
		_, err = checkValue(av)
	}
	if err != nil {
		return nil, fmt.Errorf("value placeholder %s: %v", ph, err)
	}
	return av, nil
}

// prepareRaw checks r and encodes its values.
func prepareRaw(r Raw) (*rawSource, error) {
	if strings.TrimSpace(r.Expr) == "" {
		return nil, fmt.Errorf("empty raw expression")
	}
	src := &rawSource{names: r.Names}
	var bad mistake
	for ph, n := range r.Names {
		bad.add(ph, rawName(ph, n))
	}
	if bad.err != nil {
		return nil, bad.err
	}
	if len(r.Values) > 0 {
		src.values = make(map[string]types.AttributeValue, len(r.Values))
	}
	for ph, v := range r.Values {
		av, err := rawValue(ph, v)
		bad.add(ph, err)
		src.values[ph] = av
	}
	if bad.err != nil {
		return nil, bad.err
	}
	// Every placeholder used is defined, and every one defined is used
	// (DynamoDB rejects both).
	used := map[string]bool{}
	err := scanPlaceholders(r.Expr, func(_ int, ph string) error {
		used[ph] = true
		return src.defined(ph)
	})
	if err != nil {
		return nil, err
	}
	var unused []string
	for ph := range r.Names {
		if !used[ph] {
			unused = append(unused, ph)
		}
	}
	for ph := range r.Values {
		if !used[ph] {
			unused = append(unused, ph)
		}
	}
	if len(unused) > 0 {
		sort.Strings(unused)
		return nil, fmt.Errorf("placeholders defined but not used in %q: %s", r.Expr, strings.Join(unused, ", "))
	}
	return src, nil
}

func (src *rawSource) defined(ph string) error {
	var ok bool
	if ph[0] == '#' {
		_, ok = src.names[ph]
	} else {
		_, ok = src.values[ph]
	}
	if !ok {
		return fmt.Errorf("placeholder %s is used but not defined", ph)
	}
	return nil
}

func isPlaceholderByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

func validPlaceholder(ph string, sigil byte) bool {
	if len(ph) < 2 || ph[0] != sigil {
		return false
	}
	for i := 1; i < len(ph); i++ {
		if !isPlaceholderByte(ph[i]) {
			return false
		}
	}
	return true
}

// placeholderAt returns the placeholder starting at s[i] ('#' or ':').
func placeholderAt(s string, i int) (string, error) {
	j := i + 1
	for j < len(s) && isPlaceholderByte(s[j]) {
		j++
	}
	if j == i+1 {
		return "", fmt.Errorf("%q at byte %d of %q is not followed by a placeholder name", s[i], i, s)
	}
	return s[i:j], nil
}

// scanPlaceholders calls fn with each placeholder of s and where it
// starts, in order.
func scanPlaceholders(s string, fn func(i int, ph string) error) error {
	for i := 0; i < len(s); i++ {
		if s[i] != '#' && s[i] != ':' {
			continue
		}
		ph, err := placeholderAt(s, i)
		if err != nil {
			return err
		}
		if err := fn(i, ph); err != nil {
			return err
		}
		i += len(ph) - 1
	}
	return nil
}

// rename rewrites s, a part of the expression src was made from, with w's
// placeholders in place of the caller's. A value used twice in s gets one
// placeholder.
func (src *rawSource) rename(w *exprWriter, s string) (string, error) {
	var b strings.Builder
	b.Grow(len(s) + 8)
	var seen map[string]string
	last := 0
	err := scanPlaceholders(s, func(i int, ph string) error {
		if err := src.defined(ph); err != nil {
			return err
		}
		b.WriteString(s[last:i])
		last = i + len(ph)
		if ph[0] == '#' {
			b.WriteString(w.name(src.names[ph]))
			return nil
		}
		p, ok := seen[ph]
		if !ok {
			p = w.value(src.values[ph])
			if seen == nil {
				seen = map[string]string{}
			}
			seen[ph] = p
		}
		b.WriteString(p)
		return nil
	})
	if err != nil {
		return "", err
	}
	b.WriteString(s[last:])
	return b.String(), nil
}

// RawCondition is a condition (or a filter) written by hand: see Raw. It
// mixes with every other Condition (And, Or, Not).
func RawCondition(r Raw) Condition {
	src, err := prepareRaw(r)
	if err != nil {
		return errorCondition(fmt.Errorf("%w: %v", ErrInvalidCondition, err))
	}
	return Condition{kind: condRaw, op: r.Expr, b: src}
}

// FromExpression adapts a condition made with the SDK's expression package,
// for code that already has one. Its placeholders are renamed into the
// request's own, so it mixes with every other dynamodel expression.
func FromExpression(cb expression.ConditionBuilder) Condition {
	return Condition{kind: condSDK, b: cb}
}

// renderSDK renders a condition made with the SDK's expression package,
// its placeholders renamed into w's.
func renderSDK(w *exprWriter, cb expression.ConditionBuilder) (string, error) {
	e, err := expression.NewBuilder().WithCondition(cb).Build()
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrInvalidCondition, err)
	}
	src := &rawSource{names: e.Names(), values: e.Values()}
	s, err := src.rename(w, *e.Condition())
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrInvalidCondition, err)
	}
	return s, nil
}

// RawUpdate returns an update written by hand: see Update.Raw.
func RawUpdate(r Raw) Update { return Update{}.Raw(r) }

// Raw adds the actions of an update expression written by hand (SET,
// REMOVE, ADD and DELETE clauses, in DynamoDB's syntax) with placeholders
// of the caller's own (see Raw):
//
//	upd := dynamodel.Set("status", "paid").Raw(dynamodel.Raw{
//		Expr:  "SET #total = #subtotal + #shipping REMOVE #cart",
//		Names: map[string]string{"#total": "total", "#subtotal": "subtotal", "#shipping": "shipping", "#cart": "cart"},
//	})
//
// Each action is merged into the request's clauses with dynamodel's own,
// and is checked like them: an action must start with the path it
// changes, and paths must not overlap or start at a key or version
// attribute. Updates with raw actions are rendered every time, never
// cached.
func (u Update) Raw(r Raw) Update {
	actions, err := splitRawUpdate(r)
	if err != nil {
		return u.with(updateOp{kind: opInvalid, path: r.Expr, value: fmt.Errorf("%w: raw update: %v", ErrInvalidUpdate, err)})
	}
	for _, a := range actions {
		u = u.with(a)
	}
	return u
}

// rawAction is one action of a raw update expression.
type rawAction struct {
	text string // the action, in the caller's placeholders
	src  *rawSource
}

// render renames the action into w's placeholders.
func (a *rawAction) render(w *exprWriter) (string, error) {
	s, err := a.src.rename(w, a.text)
	if err != nil {
		return "", fmt.Errorf("%w: raw update: %v", ErrInvalidUpdate, err)
	}
	return s, nil
}

var rawClauses = map[string]opKind{"SET": opRawSet, "REMOVE": opRawRemove, "ADD": opRawAdd, "DELETE": opRawDelete}

// splitRawUpdate checks a raw update expression and splits it into one
// change per action, each with the path it changes.
func splitRawUpdate(r Raw) ([]updateOp, error) {
	src, err := prepareRaw(r)
	if err != nil {
		return nil, err
	}
	s := r.Expr
	var (
		ops   []updateOp
		kind  opKind
		start = -1 // where the current action starts
		depth = 0
		seen  = map[opKind]bool{}
	)
	end := func(i int) error {
		if start < 0 {
			return nil
		}
		text := strings.TrimSpace(s[start:i])
		if text == "" {
			return fmt.Errorf("an empty action in %q", s)
		}
		path, err := src.actionPath(text)
		if err != nil {
			return err
		}
		ops = append(ops, updateOp{kind: kind, path: path, value: &rawAction{text: text, src: src}})
		start = -1
		return nil
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '#' || c == ':':
			ph, err := placeholderAt(s, i)
			if err != nil {
				return nil, err
			}
			i += len(ph) - 1
		case c == '(':
			depth++
		case c == ')':
			depth--
		case c == ',' && depth == 0:
			if start < 0 {
				return nil, fmt.Errorf("a ',' outside an action in %q", s)
			}
			if err := end(i); err != nil {
				return nil, err
			}
			start = i + 1
		case isPlaceholderByte(c) && (i == 0 || !isPlaceholderByte(s[i-1])):
			j := i
			for j < len(s) && isPlaceholderByte(s[j]) {
				j++
			}
			word := strings.ToUpper(s[i:j])
			if k, isClause := rawClauses[word]; isClause && depth == 0 {
				if err := end(i); err != nil {
					return nil, err
				}
				if seen[k] {
					return nil, fmt.Errorf("%s appears twice in %q", word, s)
				}
				seen[k], kind, start = true, k, j
			} else if start < 0 {
				return nil, fmt.Errorf("%q does not start with SET, REMOVE, ADD or DELETE", s)
			}
			i = j - 1
		default:
			if start < 0 && c != ' ' && c != '\t' && c != '\n' && c != '\r' {
				return nil, fmt.Errorf("%q does not start with SET, REMOVE, ADD or DELETE", s)
			}
		}
	}
	if depth != 0 {
		return nil, fmt.Errorf("unbalanced parentheses in %q", s)
	}
	if err := end(len(s)); err != nil {
		return nil, err
	}
	if len(ops) == 0 {
		return nil, fmt.Errorf("no action in %q", s)
	}
	return ops, nil
}

// actionPath reads the path an action starts with (e.g. #a.#b[2] in
// "#a.#b[2] = :v"), with the caller's names in place of their
// placeholders, in Path's syntax.
func (src *rawSource) actionPath(action string) (string, error) {
	var segs []any
	s := action
	skip := func() { s = strings.TrimLeft(s, " \t\r\n") }
	name := func() bool {
		skip()
		j := 0
		if s != "" && s[0] == '#' {
			j = 1
		}
		for j < len(s) && isPlaceholderByte(s[j]) {
			j++
		}
		word := s[:j]
		if word == "" || word == "#" {
			return false
		}
		if word[0] == '#' {
			segs = append(segs, src.names[word])
		} else {
			segs = append(segs, word)
		}
		s = s[j:]
		return true
	}
	if !name() {
		return "", fmt.Errorf("action %q does not start with the path it changes", action)
	}
	for {
		skip()
		switch {
		case strings.HasPrefix(s, "."):
			s = s[1:]
			if !name() {
				return "", fmt.Errorf("action %q: a '.' not followed by a name", action)
			}
		case strings.HasPrefix(s, "["):
			j := strings.IndexByte(s, ']')
			if j < 0 {
				return "", fmt.Errorf("action %q: '[' without ']'", action)
			}
			n, err := strconv.Atoi(strings.TrimSpace(s[1:j]))
			if err != nil || n < 0 {
				return "", fmt.Errorf("action %q: %q is not a list index", action, s[1:j])
			}
			segs = append(segs, n)
			s = s[j+1:]
		default:
			return Path(segs...), nil
		}
	}
}
