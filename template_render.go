package dynamodel

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodel/dynamodel/codec"
)

// fieldKind is how a template field is rendered.
type fieldKind uint8

const (
	renderString  fieldKind = iota // a string as given
	renderRaw                      // a string that may hold the separator
	renderDecimal                  // an integer or float in decimal (partition keys)
	renderPadded                   // a non-negative integer, zero-padded to width
	renderOrdered                  // an order-preserving hex encoding of a number
	renderTime                     // a time.Time in UTC with layout
)

// boundField is a template field bound to an attribute of the model.
type boundField struct {
	attr   *Attribute
	kind   fieldKind
	width  int    // renderPadded
	layout string // renderTime
	// seconds: a time stored as epoch seconds (a TTL, or tagged
	// unixtime), rendered in whole seconds as it is stored.
	seconds bool

	// unordered: the field's text does not sort as its values do (a
	// decimal number, a time layout out of order), which a partition
	// key's field may be; a range condition on it is refused.
	unordered bool
}

// template is a key template bound to a model: it renders the key
// attribute attr from an item's fields.
type template struct {
	keyTemplate
	attr   string        // the key attribute it renders, e.g. "PK"
	fields []*boundField // one per part; nil for literal text
}

// bindTemplate parses text and binds its fields to m's attributes,
// checking that each can be rendered in the declared format. sortKey says
// whether the template renders a sort key, whose string order matters.
func bindTemplate(m *Model, attr, text string, sep byte, sortKey bool) (*template, error) {
	kt, err := parseTemplate(text, sep)
	if err != nil {
		return nil, err
	}
	t := &template{keyTemplate: kt, attr: attr, fields: make([]*boundField, len(kt.parts))}
	for i, p := range kt.parts {
		if !p.isField() {
			continue
		}
		a := m.attribute(p.name)
		if a == nil || a.field.Index == nil {
			return nil, fmt.Errorf("%v has no attribute %q (fields are named by their attribute names: %s)", m.typ, p.name, strings.Join(m.attributeNames(), ", "))
		}
		f, err := bindField(a, p.format, sep, sortKey)
		if err != nil {
			return nil, fmt.Errorf("field %q (%s %v): %v", p.name, a.Field, a.Type, err)
		}
		t.fields[i] = f
	}
	return t, nil
}

func bindField(a *Attribute, format string, sep byte, sortKey bool) (*boundField, error) {
	f := &boundField{attr: a}
	t := a.field.Type
	if implements(t, avMarshaler) && t != timeType {
		return nil, fmt.Errorf("a type that marshals itself cannot be rendered in a key")
	}
	k := t.Kind()
	switch {
	case t == timeType:
		f.kind, f.layout = renderTime, codec.SortableTimeLayout
		f.seconds = a.Role == RoleTTL || a.field.Tag.AsUnixTime
		if format != "" {
			f.layout = format
		}
		if err := checkLayout(f.layout, sep); err != nil {
			return nil, err
		}
		if err := checkLayoutOrder(f.layout); err != nil {
			if sortKey {
				return nil, err
			}
			f.unordered = true
		}
		return f, nil
	case k == reflect.String:
		switch format {
		case "":
			f.kind = renderString
		case "raw":
			f.kind = renderRaw
		default:
			return nil, fmt.Errorf("a string takes no format but raw, not %q", format)
		}
		return f, nil
	case isInteger(k) || k == reflect.Float32 || k == reflect.Float64:
		float := k == reflect.Float32 || k == reflect.Float64
		if err := bindNumber(f, format, float, sortKey); err != nil {
			return nil, err
		}
		if chars := numberChars(f.kind, float, isSigned(k)); strings.IndexByte(chars, sep) >= 0 {
			return nil, fmt.Errorf("the separator %q is among the characters a number renders (%s) in this format", string(sep), chars)
		}
		return f, nil
	}
	return nil, fmt.Errorf("cannot be rendered in a key: a key field must be a string, an integer, a float or a time.Time")
}

// numberChars returns the characters a number renders in format kind: a
// float or a signed integer in decimal may have a sign, and a float a point.
func numberChars(kind fieldKind, float, signed bool) string {
	switch {
	case kind == renderOrdered:
		return "0123456789abcdef"
	case kind == renderDecimal && float:
		return "0123456789-."
	case kind == renderDecimal && signed:
		return "0123456789-"
	}
	return "0123456789" // unsigned, or zero-padded
}

// bindNumber sets the number field f's format.
func bindNumber(f *boundField, format string, float, sortKey bool) error {
	if w, ok := checkWidth(format); ok {
		if float {
			return fmt.Errorf("a float cannot be zero-padded: use ordered")
		}
		f.kind, f.width = renderPadded, w
		return nil
	}
	switch format {
	case "ordered":
		f.kind = renderOrdered
	case "":
		if sortKey {
			return fmt.Errorf("a number in a sort key needs a format whose string order is numeric order: a width such as 08, or ordered (for negative numbers and floats)")
		}
		f.kind, f.unordered = renderDecimal, true
	default:
		return fmt.Errorf("unknown number format %q (want a width such as 08, or ordered)", format)
	}
	return nil
}

// checkLayout checks that a time layout renders every time at the same
// width, without the separator. Every element of a layout renders digits,
// or names of months, weekdays and halves of the day, which the sample
// times all show, with every digit in each place.
func checkLayout(layout string, sep byte) error {
	samples := layoutSamples()
	first := samples[0].Format(layout)
	if first == layout {
		return fmt.Errorf("%q is not a Go time layout (write one with the reference time, e.g. 2006-01-02)", layout)
	}
	for _, s := range samples {
		out := s.Format(layout)
		if len(out) != len(first) {
			return fmt.Errorf("time layout %q has no fixed width (%q, %q): pad every element, and write fractions with 0s", layout, first, out)
		}
		if strings.IndexByte(out, sep) >= 0 || '0' <= sep && sep <= '9' && strings.ContainsAny(out, "0123456789") {
			return fmt.Errorf("time layout %q renders the separator %q", layout, string(sep))
		}
	}
	return nil
}

// checkLayoutOrder checks that a time layout's string order is time order
// (a sort key's): for times in order, from a step of every element of a
// layout, the renderings never go down. Day before month, month or
// weekday names, a 12-hour clock or a two-digit year go down somewhere.
func checkLayoutOrder(layout string) error {
	base := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
	var times []time.Time
	for _, step := range []time.Duration{time.Nanosecond, 97 * time.Nanosecond, 997 * time.Microsecond,
		997 * time.Millisecond, 59 * time.Second, 59 * time.Minute, 5 * time.Hour, 23 * time.Hour, 6 * 24 * time.Hour} {
		for i := range 80 {
			times = append(times, base.Add(time.Duration(i)*step))
		}
	}
	for i := range 80 {
		times = append(times, base.AddDate(0, i, 0), base.AddDate(i, 0, 0), time.Date(1000+i*113, time.Month(1+i%12), 1+i%28, i%24, i%60, i%60, i*12345679, time.UTC))
	}
	slices.SortFunc(times, time.Time.Compare)
	for i := 1; i < len(times); i++ {
		a, b := times[i-1].Format(layout), times[i].Format(layout)
		if a > b {
			return fmt.Errorf("time layout %q does not sort as time does (%s renders %q, %s renders %q): in a sort key, write the elements from the year down, with numbers (2006-01-02T15:04:05)",
				layout, times[i-1].Format(time.RFC3339Nano), a, times[i].Format(time.RFC3339Nano), b)
		}
	}
	return nil
}

// layoutSamples are times whose renderings show every month and weekday
// name, both halves of the day, and varied digits.
func layoutSamples() []time.Time {
	samples := []time.Time{
		time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC),
		time.Date(1999, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(2026, 1, 1, 0, 0, 0, 100000000, time.UTC),
	}
	for m := range 12 {
		samples = append(samples, time.Date(2000+m*7, time.Month(m+1), 1+m*2, m*2, m*5, m*4, m*77777777, time.UTC))
	}
	for d := range 7 { // a week
		samples = append(samples, time.Date(2024, 3, 4+d, 13, 0, 0, 0, time.UTC))
	}
	return samples
}

// KeyFieldError is a field value that cannot go into a key: it contains
// the template's separator, is empty, or does not fit the field's format.
// It is found before any network call, and matches ErrInvalidKey.
type KeyFieldError struct {
	Entity    string // the entity
	Attribute string // the key attribute being rendered, e.g. "PK"
	Field     string // the field's attribute name
	Reason    string
}

// Error names the entity, the field and the problem.
func (e *KeyFieldError) Error() string {
	return fmt.Sprintf("dynamodel: entity %s: key %s: field %q: %s", e.Entity, e.Attribute, e.Field, e.Reason)
}

// Is reports whether target is ErrInvalidKey.
func (e *KeyFieldError) Is(target error) bool { return target == ErrInvalidKey }

// fieldSource gives the value of a template field: ok is false when the
// source has no value for it (a nil pointer, or a field not given).
type fieldSource func(f *boundField) (v reflect.Value, ok bool)

// structSource reads fields from a struct value of the model's type.
func structSource(v reflect.Value) fieldSource {
	return func(f *boundField) (reflect.Value, bool) {
		return fieldValue(v, f.attr)
	}
}

// renderError is a field that could not be rendered.
type renderError struct {
	field  string
	reason string
	empty  bool // the field has no value, or an empty one
}

// render renders the template from src; a field without a value, or with
// an empty one, is a *renderError with empty set.
func (t *template) render(src fieldSource) (string, *renderError) {
	// The parts' texts first, then one allocation of the key's length.
	var buf [8]string
	texts := buf[:0]
	n := 0
	var empty *renderError // the first field without a value, if any
	for i, p := range t.parts {
		f := t.fields[i]
		if f == nil {
			texts = append(texts, p.lit)
			n += len(p.lit)
			continue
		}
		s, err := t.renderField(src, f, p.name)
		if err != nil && !err.empty {
			return "", err // refused whether or not another field is empty
		}
		if err != nil && empty == nil {
			empty = err
		}
		texts = append(texts, s)
		n += len(s)
	}
	if empty != nil {
		return "", empty
	}
	if len(texts) == 1 {
		return texts[0], nil
	}
	var b strings.Builder
	b.Grow(n)
	for _, s := range texts {
		b.WriteString(s)
	}
	return b.String(), nil
}

// renderField renders field f, named name, from src.
func (t *template) renderField(src fieldSource, f *boundField, name string) (string, *renderError) {
	v, ok := src(f)
	if !ok {
		return "", &renderError{field: name, reason: "no value", empty: true}
	}
	s, err := f.format(v, t.sep)
	if err != nil {
		return "", err.named(name)
	}
	return s, nil
}

// renderPrefix renders the template up to the first field src has no
// value for, and says whether it rendered all of it. With partial, the
// last field given may be a string prefix of the field's text (a string,
// or a string for a time field), used as it is.
func (t *template) renderPrefix(src fieldSource, partial reflect.Value) (string, bool, error) {
	var b strings.Builder
	for i, p := range t.parts {
		f := t.fields[i]
		if f == nil {
			b.WriteString(p.lit)
			continue
		}
		v, ok := src(f)
		if !ok {
			if partial.IsValid() {
				s, err := f.formatPartial(partial, t.sep)
				if err != nil {
					return "", false, err.named(p.name)
				}
				b.WriteString(s)
			}
			return b.String(), false, nil
		}
		s, err := f.format(v, t.sep)
		if err != nil {
			return "", false, err.named(p.name)
		}
		b.WriteString(s)
	}
	return b.String(), true, nil
}

func (e *renderError) named(field string) *renderError {
	if e != nil {
		e.field = field
	}
	return e
}

func (e *renderError) Error() string { return fmt.Sprintf("field %q: %s", e.field, e.reason) }

// format renders one field value, following pointers.
func (f *boundField) format(v reflect.Value, sep byte) (string, *renderError) {
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return "", &renderError{reason: "no value (nil)", empty: true}
		}
		v = v.Elem()
	}
	var s string
	switch f.kind {
	case renderString, renderRaw:
		s = v.String()
		if s == "" {
			return "", &renderError{reason: "empty string", empty: true}
		}
		if f.kind == renderString && strings.IndexByte(s, sep) >= 0 {
			return "", &renderError{reason: fmt.Sprintf("the value %q contains the separator %q", s, string(sep))}
		}
		return s, nil
	case renderTime:
		t := v.Interface().(time.Time)
		if t.IsZero() {
			return "", &renderError{reason: "zero time", empty: true}
		}
		t = t.UTC()
		if f.seconds {
			t = t.Truncate(time.Second)
		}
		if y := t.Year(); y < 0 || y > 9999 {
			return "", &renderError{reason: fmt.Sprintf("time %v: year outside 0000-9999 has no sortable form", t)}
		}
		return t.Format(f.layout), nil
	case renderDecimal:
		switch k := v.Kind(); {
		case isSigned(k):
			return strconv.FormatInt(v.Int(), 10), nil
		case isInteger(k):
			return strconv.FormatUint(v.Uint(), 10), nil
		default:
			x := v.Float()
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return "", &renderError{reason: fmt.Sprintf("%v is not a number a key can hold", x)}
			}
			if x == 0 {
				x = 0 // -0 is the key 0, as in ordered
			}
			return strconv.FormatFloat(x, 'f', -1, v.Type().Bits()), nil
		}
	case renderPadded:
		var u uint64
		if isSigned(v.Kind()) {
			if v.Int() < 0 {
				return "", &renderError{reason: fmt.Sprintf("%d is negative: a zero-padded field holds non-negative integers (declare it ordered)", v.Int())}
			}
			u = uint64(v.Int())
		} else {
			u = v.Uint()
		}
		s = strconv.FormatUint(u, 10)
		if len(s) > f.width {
			return "", &renderError{reason: fmt.Sprintf("%s has more than %d digits", s, f.width)}
		}
		return strings.Repeat("0", f.width-len(s)) + s, nil
	case renderOrdered:
		return orderedNumber(v)
	}
	return "", &renderError{reason: "cannot be rendered"}
}

// formatPartial renders the value of a key condition for the field: a
// string as it is (a prefix of the field's text), anything else as format
// does, but a time in whole seconds (see seconds) as given, so that a
// range compares with the stored whole seconds as the times do.
func (f *boundField) formatPartial(v reflect.Value, sep byte) (string, *renderError) {
	if v.Kind() == reflect.String && (f.kind == renderString || f.kind == renderRaw || f.kind == renderTime) {
		s := v.String()
		if f.kind != renderRaw && strings.IndexByte(s, sep) >= 0 {
			return "", &renderError{reason: fmt.Sprintf("the value %q contains the separator %q", s, string(sep))}
		}
		return s, nil
	}
	cv, err := convertField(*f.attr, v.Interface())
	if err != nil {
		return "", &renderError{reason: err.Error()}
	}
	exact := *f
	exact.seconds = false
	return exact.format(cv, sep)
}

// orderedNumber encodes an integer or a float as 16 hexadecimal digits
// whose string order is numeric order: integers offset by 2^63, floats by
// their IEEE 754 bits with the sign bit flipped (all bits, for negative
// numbers). Integers and floats are not comparable with each other.
func orderedNumber(v reflect.Value) (string, *renderError) {
	var u uint64
	switch k := v.Kind(); {
	case isSigned(k):
		u = uint64(v.Int()) ^ (1 << 63)
	case isInteger(k):
		u = v.Uint()
	default:
		x := v.Float()
		if math.IsNaN(x) {
			return "", &renderError{reason: "NaN has no place in an order"}
		}
		if x == 0 {
			x = 0 // -0 sorts as 0
		}
		bits := math.Float64bits(x)
		if bits&(1<<63) != 0 {
			u = ^bits
		} else {
			u = bits | 1<<63
		}
	}
	const digits = "0123456789abcdef"
	var b [16]byte
	for i := 15; i >= 0; i-- {
		b[i] = digits[u&0xf]
		u >>= 4
	}
	return string(b[:]), nil
}

// convertField converts a value a caller gave for a field (in a key, a key
// condition or an update) to the field's type: a value of that type or of
// one that converts to it without loss, a pointer to one, or an attribute
// value. A nil value is reported as such.
func convertField(a Attribute, val any) (reflect.Value, error) {
	ft := a.field.Type
	if av, ok := val.(types.AttributeValue); ok {
		if _, null := av.(*types.AttributeValueMemberNULL); null {
			return reflect.Value{}, nil
		}
		p := reflect.New(ft)
		if err := attributevalue.Unmarshal(av, p.Interface()); err != nil {
			return reflect.Value{}, err
		}
		return p.Elem(), nil
	}
	rv := reflect.ValueOf(val)
	for rv.IsValid() && rv.Kind() == reflect.Pointer && rv.Type() != ft {
		if rv.IsNil() {
			return reflect.Value{}, nil
		}
		rv = rv.Elem()
	}
	if !rv.IsValid() || rv.Type() == ft {
		return rv, nil
	}
	if cv, ok := convertKey(rv, ft); ok {
		return cv, nil
	}
	return reflect.Value{}, fmt.Errorf("want %v, got %v", ft, rv.Type())
}

// prefixEnd returns the least string greater than every string that
// begins with p (p with its last byte incremented, dropping trailing 0xff
// bytes); "" when there is none.
func prefixEnd(p string) string {
	b := []byte(p)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < 0xff {
			b[i]++
			return string(b[:i+1])
		}
	}
	return ""
}

// extract returns the text of each field in key, which must match the
// template (see match), by part index; nil when it does not match.
func (t keyTemplate) extract(key string) []string {
	out := make([]string, len(t.parts))
	for i, p := range t.parts {
		switch {
		case !p.isField():
			if !strings.HasPrefix(key, p.lit) {
				return nil
			}
			key = key[len(p.lit):]
		case p.format == "raw":
			if key == "" {
				return nil
			}
			out[i], key = key, ""
		default:
			n := strings.IndexByte(key, t.sep)
			if n < 0 {
				n = len(key)
			}
			if n == 0 {
				return nil
			}
			out[i], key = key[:n], key[n:]
		}
	}
	if key != "" {
		return nil
	}
	return out
}

// parse reads a field's text, as format renders it, back into a value of
// the field's type.
func (f *boundField) parse(text string) (reflect.Value, error) {
	ft := f.attr.field.Type
	v := reflect.New(ft).Elem()
	k := ft.Kind()
	switch f.kind {
	case renderString, renderRaw:
		v.SetString(text)
	case renderTime:
		t, err := time.Parse(f.layout, text)
		if err != nil {
			return v, err
		}
		v.Set(reflect.ValueOf(t.UTC()))
	case renderOrdered:
		u, err := strconv.ParseUint(text, 16, 64)
		if err != nil || len(text) != 16 {
			return v, fmt.Errorf("%q is not 16 hexadecimal digits", text)
		}
		switch {
		case isSigned(k):
			x := int64(u ^ (1 << 63))
			if v.OverflowInt(x) {
				return v, fmt.Errorf("%d overflows %v", x, ft)
			}
			v.SetInt(x)
		case isInteger(k):
			if v.OverflowUint(u) {
				return v, fmt.Errorf("%d overflows %v", u, ft)
			}
			v.SetUint(u)
		default:
			if u&(1<<63) != 0 {
				u ^= 1 << 63
			} else {
				u = ^u
			}
			return v, setFloat(v, math.Float64frombits(u))
		}
	default: // decimal, padded
		switch {
		case isSigned(k):
			x, err := strconv.ParseInt(text, 10, ft.Bits())
			if err != nil {
				return v, err
			}
			v.SetInt(x)
		case isInteger(k):
			x, err := strconv.ParseUint(text, 10, ft.Bits())
			if err != nil {
				return v, err
			}
			v.SetUint(x)
		default:
			x, err := strconv.ParseFloat(text, ft.Bits())
			if err != nil {
				return v, err
			}
			if math.IsInf(x, 0) { // as render refuses it
				return v, fmt.Errorf("%q is not a number a key can hold", text)
			}
			return v, setFloat(v, x)
		}
	}
	return v, nil
}

// setFloat sets v, a float field, to x read from a key. NaN, which no key
// is rendered from, is an error, as is a value v's type cannot hold.
func setFloat(v reflect.Value, x float64) error {
	if math.IsNaN(x) {
		return fmt.Errorf("NaN is not a value a key is rendered from")
	}
	if v.OverflowFloat(x) {
		return fmt.Errorf("%v overflows %v", x, v.Type())
	}
	v.SetFloat(x)
	return nil
}
