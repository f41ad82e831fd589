package codec_test

import (
	"errors"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodel/dynamodel/codec"
)

// The family of types the differential tests run: every kind, tag and
// nesting the compiled plans cover, and some they hand to attributevalue.

type NamedString string
type NamedInt int32
type MapKey string

type Inner struct {
	A string     `dynamodbav:"a"`
	B *int       `dynamodbav:"b,omitempty"`
	T time.Time  `dynamodbav:"t"`
	L []string   `dynamodbav:"l,omitempty"`
	P *time.Time `dynamodbav:"p,unixtime"`
}

type Base struct {
	ID     string `dynamodbav:"id"`
	Shared int
}

type PtrBase struct {
	Extra  string `dynamodbav:"extra"`
	Shared int    // hidden by Base.Shared? No: both at depth 1, so neither is visible
}

type Everything struct {
	Base
	*PtrBase
	S       string            `dynamodbav:"s"`
	SO      string            `dynamodbav:"so,omitempty"`
	SN      string            `dynamodbav:"sn,nullempty"`
	B       bool              `dynamodbav:"b"`
	BO      bool              `dynamodbav:"bo,omitempty"`
	I       int               `dynamodbav:"i"`
	I8      int8              `dynamodbav:"i8"`
	I16     int16             `dynamodbav:"i16"`
	I32     int32             `dynamodbav:"i32,omitempty"`
	I64     int64             `dynamodbav:"i64,nullempty"`
	IS      int               `dynamodbav:"is,string"`
	U       uint              `dynamodbav:"u"`
	U8      uint8             `dynamodbav:"u8"`
	U16     uint16            `dynamodbav:"u16"`
	U32     uint32            `dynamodbav:"u32"`
	U64     uint64            `dynamodbav:"u64"`
	F32     float32           `dynamodbav:"f32"`
	F64     float64           `dynamodbav:"f64"`
	FS      float64           `dynamodbav:"fs,string,omitempty"`
	Bytes   []byte            `dynamodbav:"bytes"`
	BytesO  []byte            `dynamodbav:"bytes_o,omitempty"`
	T       time.Time         `dynamodbav:"t"`
	TU      time.Time         `dynamodbav:"tu,unixtime"`
	TP      *time.Time        `dynamodbav:"tp,omitempty"`
	PS      *string           `dynamodbav:"ps"`
	PI      *int              `dynamodbav:"pi,omitempty"`
	PInner  *Inner            `dynamodbav:"p_inner"`
	Inner   Inner             `dynamodbav:"inner"`
	L       []string          `dynamodbav:"l"`
	LI      []int             `dynamodbav:"li,omitemptyelem"`
	LP      []*string         `dynamodbav:"lp,nullemptyelem"`
	LInner  []Inner           `dynamodbav:"l_inner,omitempty"`
	LL      [][]int           `dynamodbav:"ll"`
	SS      []string          `dynamodbav:"ss,stringset"`
	NS      []int             `dynamodbav:"ns,numberset"`
	NSF     []float64         `dynamodbav:"nsf,numberset,omitempty"`
	BS      [][]byte          `dynamodbav:"bs"`
	BS2     [][]byte          `dynamodbav:"bs2,binaryset,omitemptyelem"`
	M       map[string]string `dynamodbav:"m"`
	MI      map[string]int    `dynamodbav:"mi,omitemptyelem"`
	MInner  map[string]*Inner `dynamodbav:"m_inner"`
	MK      map[MapKey]NamedInt
	Named   NamedString
	NamedI  NamedInt `dynamodbav:",omitempty"`
	Dur     time.Duration
	Skip    string `dynamodbav:"-"`
	Untaged string
	hidden  string
}

// Small is the size of a typical model, like dynamodel.User.
type Small struct {
	Email     string `dynamodbav:"email"`
	FirstName string `dynamodbav:"first_name,omitempty"`
	LastName  string `dynamodbav:"last_name,omitempty"`
}

// WithInterface has a field the plans do not cover: attributevalue handles
// the whole type.
type WithInterface struct {
	ID  string `dynamodbav:"id"`
	Any any    `dynamodbav:"any"`
}

// WithMarshaler has a field that marshals itself.
type WithMarshaler struct {
	ID string                  `dynamodbav:"id"`
	At attributevalue.UnixTime `dynamodbav:"at"`
}

// ElemTags has string lists, sets and maps under both omitemptyelem and
// nullemptyelem, which attributevalue refuses for an empty element, and
// under each of them alone.
type ElemTags struct {
	L   []string          `dynamodbav:"l,omitemptyelem,nullemptyelem"`
	SS  []string          `dynamodbav:"ss,stringset,omitemptyelem,nullemptyelem"`
	M   map[string]string `dynamodbav:"m,omitemptyelem,nullemptyelem"`
	LN  []NamedString     `dynamodbav:"ln,nullemptyelem,omitemptyelem"`
	SSN []string          `dynamodbav:"ssn,stringset,nullemptyelem"`
	MO  map[string]string `dynamodbav:"mo,omitemptyelem"`
}

// Recursive refers to itself.
type Recursive struct {
	Name string     `dynamodbav:"name"`
	Next *Recursive `dynamodbav:"next,omitempty"`
}

var _ = Everything{}.hidden

// gen draws choices from fuzz input; when it runs out, it keeps answering
// from a counter, so every input gives a complete value.
type gen struct {
	data []byte
	pos  int
	n    uint64
}

func (g *gen) byte() byte {
	if g.pos < len(g.data) {
		b := g.data[g.pos]
		g.pos++
		return b
	}
	g.n = g.n*6364136223846793005 + 1442695040888963407
	return byte(g.n >> 56)
}

func (g *gen) intn(n int) int { return int(g.byte()) % n }

func (g *gen) uint64() uint64 {
	var u uint64
	for range 8 {
		u = u<<8 | uint64(g.byte())
	}
	return u
}

var words = []string{"", "a", "Ada", "x y", "ünï", "0", "12", "-3.5", "2026-11-25T09:30:00Z", "2026-11-25T09:30:00.123456789+02:00", "NaN", "1e3", "true"}

func (g *gen) string() string { return words[g.intn(len(words))] }

func (g *gen) bytes() []byte {
	switch g.intn(4) {
	case 0:
		return nil
	case 1:
		return []byte{}
	}
	b := make([]byte, g.intn(5))
	for i := range b {
		b[i] = g.byte()
	}
	return b
}

func (g *gen) time() time.Time {
	switch g.intn(6) {
	case 5:
		// Years without a sortable form, and the first that have one.
		years := []int{-1, 0, 9999, 10000}
		return time.Date(years[g.intn(len(years))], 12, 31, 23, 59, 59, int(g.uint64()%1e9), time.FixedZone("Y", 3600*(g.intn(3)-1)))
	case 0:
		return time.Time{}
	case 1:
		return time.Date(2026, 11, 25, 9, 30, 0, int(g.uint64()%1e9), time.UTC)
	case 2:
		return time.Unix(int64(g.uint64()%4e9), 0)
	case 3:
		return time.Date(1999, 1, 2, 3, 4, 5, 0, time.FixedZone("X", 3600*(g.intn(25)-12)))
	}
	return time.Unix(-int64(g.uint64()%1e10), int64(g.uint64()%1e9)).UTC()
}

func (g *gen) number(k reflect.Kind) uint64 {
	edges := []uint64{0, 1, math.MaxUint64, 1 << 63, 1<<63 - 1, 127, 128, 255, 256, 1<<31 - 1, 1 << 31, 1 << 32}
	if g.intn(2) == 0 {
		return edges[g.intn(len(edges))]
	}
	return g.uint64()
}

// fill sets v (settable) to a generated value of its type.
func (g *gen) fill(v reflect.Value, depth int) {
	t := v.Type()
	if t == reflect.TypeFor[time.Time]() {
		v.Set(reflect.ValueOf(g.time()))
		return
	}
	if t == reflect.TypeFor[attributevalue.UnixTime]() {
		v.Set(reflect.ValueOf(attributevalue.UnixTime(g.time())))
		return
	}
	switch t.Kind() {
	case reflect.String:
		v.SetString(g.string())
	case reflect.Bool:
		v.SetBool(g.intn(2) == 1)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(g.number(t.Kind())) >> (64 - t.Bits()))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(g.number(t.Kind()) >> (64 - t.Bits()))
	case reflect.Float32, reflect.Float64:
		fs := []float64{0, math.Copysign(0, -1), 1.5, -2.25, 1e300, math.MaxFloat32, 1e-7, math.Inf(1), math.NaN(), 3.14159265358979}
		v.SetFloat(fs[g.intn(len(fs))])
	case reflect.Pointer:
		if depth > 3 || g.intn(3) == 0 {
			return
		}
		p := reflect.New(t.Elem())
		g.fill(p.Elem(), depth+1)
		v.Set(p)
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			v.SetBytes(g.bytes())
			return
		}
		switch g.intn(4) {
		case 0:
			return
		case 1:
			v.Set(reflect.MakeSlice(t, 0, 0))
			return
		}
		n := g.intn(4)
		if depth > 3 {
			n = 0
		}
		s := reflect.MakeSlice(t, n, n)
		for i := range n {
			g.fill(s.Index(i), depth+1)
		}
		v.Set(s)
	case reflect.Map:
		switch g.intn(4) {
		case 0:
			return
		case 1:
			v.Set(reflect.MakeMap(t))
			return
		}
		m := reflect.MakeMap(t)
		for range g.intn(4) {
			k := reflect.New(t.Key()).Elem()
			g.fill(k, depth+1)
			e := reflect.New(t.Elem()).Elem()
			if depth < 3 {
				g.fill(e, depth+1)
			}
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.Struct:
		for i := range t.NumField() {
			if t.Field(i).IsExported() {
				g.fill(v.Field(i), depth+1)
			}
		}
	case reflect.Interface:
		choices := []any{nil, "s", 3.5, true, []any{"a", 1.0}, map[string]any{"k": "v"}}
		if c := choices[g.intn(len(choices))]; c != nil {
			v.Set(reflect.ValueOf(c))
		}
	}
}

// attribute generates an attribute value, of any type, with map keys drawn
// from names.
func (g *gen) attribute(names []string, depth int) types.AttributeValue {
	k := g.intn(11)
	if depth > 3 && k >= 6 {
		k = g.intn(6)
	}
	switch k {
	case 0:
		return &types.AttributeValueMemberS{Value: g.string()}
	case 1:
		ns := []string{"0", "1", "-1", "255", "256", "1.5", "1e3", "NaN", "abc", "18446744073709551615", "9223372036854775808", "-9223372036854775809", "3.4e39", "1e400", "1700000000"}
		return &types.AttributeValueMemberN{Value: ns[g.intn(len(ns))]}
	case 2:
		return &types.AttributeValueMemberB{Value: g.bytes()}
	case 3:
		return &types.AttributeValueMemberBOOL{Value: g.intn(2) == 0}
	case 4:
		return &types.AttributeValueMemberNULL{Value: true}
	case 5:
		if g.intn(4) == 0 {
			return nil
		}
		return &types.AttributeValueMemberSS{Value: []string{g.string(), g.string()}[:g.intn(3)]}
	case 6:
		l := make([]types.AttributeValue, g.intn(4))
		for i := range l {
			l[i] = g.attribute(names, depth+1)
		}
		return &types.AttributeValueMemberL{Value: l}
	case 7:
		return &types.AttributeValueMemberM{Value: g.item(names, depth+1)}
	case 8:
		ns := []string{"1", "2.5", "-7", "x", "300"}
		return &types.AttributeValueMemberNS{Value: ns[:g.intn(len(ns))]}
	case 9:
		return &types.AttributeValueMemberBS{Value: [][]byte{g.bytes(), g.bytes()}[:g.intn(3)]}
	}
	return &types.AttributeValueMemberM{Value: g.item(names, depth+1)}
}

// item generates an item whose attribute names mostly are names (some in
// another case, some unknown). No two names differ only in case: which of
// them would win depends on map order, for attributevalue as for the codec.
func (g *gen) item(names []string, depth int) map[string]types.AttributeValue {
	m := map[string]types.AttributeValue{}
	folded := map[string]bool{}
	for range g.intn(8) {
		name := names[g.intn(len(names))]
		switch g.intn(8) {
		case 0:
			name = strings.ToUpper(name)
		case 1:
			name = "unknown" + strconv.Itoa(g.intn(3))
		}
		if folded[strings.ToLower(name)] {
			continue
		}
		folded[strings.ToLower(name)] = true
		m[name] = g.attribute(names, depth)
	}
	return m
}

// attributeNames lists the attribute names of t and of the structs in it.
func attributeNames(t reflect.Type, seen map[reflect.Type]bool, out *[]string) {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || seen[t] || t == reflect.TypeFor[time.Time]() {
		return
	}
	seen[t] = true
	for _, f := range codec.Fields(t) {
		*out = append(*out, f.Name)
		attributeNames(f.Type, seen, out)
	}
}

// equal is reflect.DeepEqual, except that NaN equals NaN.
func equal(a, b reflect.Value) bool {
	if a.Kind() != b.Kind() || a.Type() != b.Type() {
		return false
	}
	switch a.Kind() {
	case reflect.Float32, reflect.Float64:
		x, y := a.Float(), b.Float()
		return x == y && math.Signbit(x) == math.Signbit(y) || math.IsNaN(x) && math.IsNaN(y)
	case reflect.Pointer, reflect.Interface:
		if a.IsNil() || b.IsNil() {
			return a.IsNil() == b.IsNil()
		}
		return equal(a.Elem(), b.Elem())
	case reflect.Slice:
		if a.IsNil() != b.IsNil() || a.Len() != b.Len() {
			return false
		}
		for i := range a.Len() {
			if !equal(a.Index(i), b.Index(i)) {
				return false
			}
		}
		return true
	case reflect.Map:
		if a.IsNil() != b.IsNil() || a.Len() != b.Len() {
			return false
		}
		for _, k := range a.MapKeys() {
			bv := b.MapIndex(k)
			if !bv.IsValid() || !equal(a.MapIndex(k), bv) {
				return false
			}
		}
		return true
	case reflect.Struct:
		if a.Type() == reflect.TypeFor[time.Time]() {
			return reflect.DeepEqual(a.Interface(), b.Interface())
		}
		for i := range a.NumField() {
			if !equal(a.Field(i), b.Field(i)) {
				return false
			}
		}
		return true
	}
	if a.CanInterface() {
		return reflect.DeepEqual(a.Interface(), b.Interface())
	}
	return true // unexported scalars: not set by either side
}

func differential[T any](t *testing.T, data []byte) {
	t.Helper()
	g := &gen{data: data}
	c := codec.For[T]()

	var v T
	g.fill(reflect.ValueOf(&v).Elem(), 0)
	nilOurs, nilErr := c.Encode(nil)
	nilTheirs, nilTErr := attributevalue.MarshalMap((*T)(nil))
	if nilErr != nil || nilTErr != nil || !equal(reflect.ValueOf(nilOurs), reflect.ValueOf(nilTheirs)) {
		t.Fatalf("%T: Encode(nil) = %#v, %v; attributevalue.MarshalMap = %#v, %v", v, nilOurs, nilErr, nilTheirs, nilTErr)
	}
	if ours, err := codec.Marshal[*T](nil); err != nil || !equal(reflect.ValueOf(ours), reflect.ValueOf(nilTheirs)) {
		t.Fatalf("%T: Marshal[*T](nil) = %#v, %v; attributevalue.MarshalMap = %#v", v, ours, err, nilTheirs)
	}

	ours, oerr := c.Encode(&v)
	theirs, terr := attributevalue.MarshalMap(&v)
	if (oerr == nil) != (terr == nil) {
		t.Fatalf("%T encode errors differ: ours %v, attributevalue %v\nvalue: %#v", v, oerr, terr, v)
	}
	if oerr == nil && !equal(reflect.ValueOf(ours), reflect.ValueOf(theirs)) {
		t.Fatalf("%T encodings differ:\nours  %#v\ntheirs %#v\nvalue: %#v", v, ours, theirs, v)
	}
	// EncodeFields, of the value and of a copy that cannot be addressed.
	for _, rv := range []reflect.Value{reflect.ValueOf(&v).Elem(), reflect.ValueOf(v)} {
		fields, ferr := codec.EncodeFields(rv)
		if (ferr == nil) != (terr == nil) {
			t.Fatalf("%T: EncodeFields error %v; attributevalue.MarshalMap %v", v, ferr, terr)
		}
		if ferr == nil {
			byField := map[string]types.AttributeValue{}
			for i, f := range codec.Fields(rv.Type()) {
				if fields[i] != nil {
					byField[f.Name] = fields[i]
				}
			}
			if !equal(reflect.ValueOf(byField), reflect.ValueOf(theirs)) {
				t.Fatalf("%T: EncodeFields = %#v; attributevalue.MarshalMap = %#v", v, byField, theirs)
			}
		}
	}

	var names []string
	attributeNames(reflect.TypeFor[T](), map[reflect.Type]bool{}, &names)
	if len(names) == 0 {
		names = []string{"x"}
	}
	for _, item := range []map[string]types.AttributeValue{theirs, g.item(names, 0)} {
		var got, want T
		var oerr, terr error
		// attributevalue panics on some items (a set into a non-nil
		// interface, for one); the codec must then do the same.
		opanic := catch(func() { got, oerr = c.Decode(item) })
		tpanic := catch(func() { terr = attributevalue.UnmarshalMap(item, &want) })
		if opanic != tpanic {
			t.Fatalf("%T decode panics differ: ours %v, attributevalue %v\nitem: %#v", v, opanic, tpanic, item)
		}
		if opanic {
			continue
		}
		if (oerr == nil) != (terr == nil) {
			t.Fatalf("%T decode errors differ: ours %v, attributevalue %v\nitem: %#v", v, oerr, terr, item)
		}
		var de *codec.DecodeError
		if errors.As(oerr, &de) {
			if _, ok := item[strings.FieldsFunc(de.Path, func(r rune) bool { return r == '.' || r == '[' })[0]]; !ok {
				t.Fatalf("%T decode error %q names no attribute of the item\nitem: %#v", v, oerr, item)
			}
		}
		if oerr == nil && !equal(reflect.ValueOf(got), reflect.ValueOf(want)) {
			t.Fatalf("%T decodings differ:\nours   %#v\ntheirs %#v\nitem: %#v", v, got, want, item)
		}
	}
}

// catch runs fn and reports whether it panicked.
func catch(fn func()) (panicked bool) {
	defer func() { panicked = recover() != nil }()
	fn()
	return false
}

// FuzzDifferential checks, for generated values and items, that the codec
// encodes exactly as attributevalue.MarshalMap and decodes exactly as
// attributevalue.UnmarshalMap, values and errors.
func FuzzDifferential(f *testing.F) {
	for i := range 64 {
		f.Add([]byte{byte(i), byte(i * 7), byte(i * 13), 0xff, byte(i)})
	}
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		differential[Everything](t, data)
		differential[Small](t, data)
		differential[Inner](t, data)
		differential[WithInterface](t, data)
		differential[WithMarshaler](t, data)
		differential[Recursive](t, data)
		differential[ElemTags](t, data)
		sortableDifferential[Keyed](t, data)
		sortableDifferential[KeyedSlow](t, data)
	})
}

func TestPlansCoverTheFamily(t *testing.T) {
	for _, tc := range []struct {
		fast bool
		got  bool
		name string
	}{
		{true, codec.For[Everything]().Fast(), "Everything"},
		{true, codec.For[Small]().Fast(), "Small"},
		{true, codec.For[Inner]().Fast(), "Inner"},
		{false, codec.For[WithInterface]().Fast(), "WithInterface"},
		{false, codec.For[WithMarshaler]().Fast(), "WithMarshaler"},
		{false, codec.For[Recursive]().Fast(), "Recursive"},
		{true, codec.For[ElemTags]().Fast(), "ElemTags"},
		{true, codec.New[Keyed](codec.SortableTimes(keyedSortable...)).Fast(), "Keyed"},
		{false, codec.New[KeyedSlow](codec.SortableTimes(keyedSortable...)).Fast(), "KeyedSlow"},
	} {
		if tc.fast != tc.got {
			t.Errorf("%s: Fast() = %v, want %v", tc.name, tc.got, tc.fast)
		}
	}
}

func TestDifferentialManyValues(t *testing.T) {
	n := 3000
	if testing.Short() {
		n = 300
	}
	for i := range n {
		data := []byte(strconv.Itoa(i * 7919))
		differential[Everything](t, data)
		differential[Small](t, data)
		differential[Inner](t, data)
		differential[ElemTags](t, data)
		sortableDifferential[Keyed](t, data)
		sortableDifferential[KeyedSlow](t, data)
	}
}
