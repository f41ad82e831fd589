package dynamodel

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodel/dynamodel/codec"
)

// RoleTagKey is the struct tag that gives a field a role in its model:
//
//	type Order struct {
//		Customer string    `dynamodbav:"customer" dynamodel:"hash"`
//		ID       string    `dynamodbav:"id"       dynamodel:"range"`
//		Version  int64     `dynamodbav:"version"  dynamodel:"version"`
//		Expires  time.Time `dynamodbav:"expires"  dynamodel:"ttl"`
//		Created  time.Time `dynamodbav:"created"  dynamodel:"created"`
//		Updated  time.Time `dynamodbav:"updated"  dynamodel:"updated"`
//	}
//
// Attribute names and encoding options come from the `dynamodbav` tag, with
// the meaning the SDK's attributevalue package gives it.
//
// Options may follow the role, separated by commas, or stand alone after an
// empty role (`dynamodel:",indexkey"`):
//
//   - indexkey: the attribute is a key of a secondary index. A time.Time
//     index key is then stored like a time table key (below); with
//     Options.Schema, a time attribute the schema's indexes use as a key
//     must say indexkey.
//   - legacytime: a time key or index key is stored as attributevalue
//     stores any time (time.RFC3339Nano in the value's own zone, trailing
//     zeros trimmed), for tables that already hold keys written that way.
//     That form does not sort as time: "…10:00:00Z" sorts after
//     "…10:00:00.5Z", and a -05:00 evening begins with the day before its
//     UTC date, so range conditions and prefixes can miss items.
//
// Without legacytime, time.Time keys and index keys stored as strings are
// written in UTC with codec.SortableTimeLayout (nanoseconds always present,
// e.g. "2026-01-02T10:00:00.000000000Z"), whose string order is time order;
// both forms read back as the same instant. Other time attributes keep
// attributevalue's form.
const RoleTagKey = "dynamodel"

// Role is what an attribute does in its model besides holding data.
type Role uint8

// The roles a field can be given with the `dynamodel` struct tag.
const (
	RoleNone    Role = iota // a plain attribute
	RoleHash                // "hash": the partition key; every model has exactly one
	RoleRange               // "range": the sort key, for tables that have one
	RoleVersion             // "version": an integer checked and incremented by every write
	RoleTTL                 // "ttl": expiry time, stored as epoch seconds
	RoleCreated             // "created": set to the current time when the item is created
	RoleUpdated             // "updated": set to the current time on every write
	numRoles
)

var roleNames = [numRoles]string{"", "hash", "range", "version", "ttl", "created", "updated"}

// String returns the role's tag name, e.g. "hash".
func (r Role) String() string {
	if r < numRoles {
		return roleNames[r]
	}
	return fmt.Sprintf("Role(%d)", r)
}

// Attribute describes one top-level attribute of a model.
type Attribute struct {
	// Name is the attribute's name in DynamoDB.
	Name string
	// Field is the Go field's name.
	Field string
	// Type is the Go field's type.
	Type reflect.Type
	// Role is what the attribute does besides holding data.
	Role Role
	// KeyType is the DynamoDB scalar type (S, N or B) of a hash or range key;
	// empty for other attributes.
	KeyType types.ScalarAttributeType
	// SortableTime is set for a time attribute stored in UTC with
	// codec.SortableTimeLayout, so that its string order is time order: a
	// time.Time key or index key stored as a string, unless tagged
	// legacytime (see RoleTagKey).
	SortableTime bool

	field      codec.Field
	indexKey   bool // tagged indexkey
	legacyTime bool // tagged legacytime
	marshaler  bool // field.Type implements attributevalue.Marshaler
}

// encodesItself reports whether a value of type t (the attribute's field
// type, or another a caller passed) encodes itself: it, or a pointer to
// it, implements attributevalue.Marshaler. The field type's answer is
// kept with the attribute.
func (a *Attribute) encodesItself(t reflect.Type) bool {
	if t == a.field.Type && t != nil {
		return a.marshaler
	}
	return implements(t, avMarshaler)
}

// A Model describes how a Go struct type is stored as a DynamoDB item: its
// attributes, which of them form the key, and which play the other roles.
// A Model is built once per type, checked, cached and safe for concurrent use.
type Model struct {
	typ   reflect.Type
	attrs []Attribute
	roles [numRoles]int // index into attrs, -1 when no attribute has the role

	// stringHash is set when the model has no range key and its hash key is
	// a plain string field: a string key then needs no reflection.
	stringHash bool

	// sortable names the SortableTime attributes; sortableNonKeys those
	// that are not the table's keys (updates may set them).
	sortable, sortableNonKeys []string

	// keys, for an entity's model, derives the key attributes (hash and
	// range roles, with no field of their own) from the item's fields.
	keys *entityKeys
}

var models sync.Map // reflect.Type -> modelResult

type modelResult struct {
	m   *Model
	err error
}

// ModelOf returns the model of struct type T, or an error wrapping
// ErrInvalidModel that says what is wrong with T.
func ModelOf[T any]() (*Model, error) {
	return modelOf(reflect.TypeFor[T]())
}

// ModelOfType is ModelOf for a type known only at run time.
func ModelOfType(t reflect.Type) (*Model, error) { return modelOf(t) }

func modelOf(t reflect.Type) (*Model, error) {
	if r, ok := models.Load(t); ok {
		return r.(modelResult).m, r.(modelResult).err
	}
	m, err := buildModel(t)
	r, _ := models.LoadOrStore(t, modelResult{m, err})
	return r.(modelResult).m, r.(modelResult).err
}

func modelError(t reflect.Type, format string, args ...any) error {
	return fmt.Errorf("%w %v: %s", ErrInvalidModel, t, fmt.Sprintf(format, args...))
}

func buildModel(t reflect.Type) (*Model, error) {
	if t == nil || t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("%w %v: a model must be a struct type", ErrInvalidModel, t)
	}
	m, err := buildAttributes(t)
	if err != nil {
		return nil, err
	}
	if m.roles[RoleHash] < 0 {
		return nil, modelError(t, "no hash key: tag one field `dynamodel:\"hash\"`")
	}
	h := m.attrs[m.roles[RoleHash]]
	m.stringHash = m.roles[RoleRange] < 0 && h.field.Type.Kind() == reflect.String &&
		h.KeyType == types.ScalarAttributeTypeS && !implements(h.field.Type, avMarshaler)
	return m, nil
}

// buildAttributes reads the attributes and roles of struct type t, without
// requiring a key (an entity's keys come from templates).
func buildAttributes(t reflect.Type) (*Model, error) {
	m := &Model{typ: t}
	for i := range m.roles {
		m.roles[i] = -1
	}
	for _, f := range codec.Fields(t) {
		a := Attribute{Name: f.Name, Field: f.GoName, Type: f.FieldType, field: f}
		a.marshaler = f.Type != nil && implements(f.Type, avMarshaler)
		if reason := checkName(a.Name); reason != "" {
			return nil, modelError(t, "field %s: %s", f.GoName, reason)
		}
		if s, ok := f.StructTag.Lookup(RoleTagKey); ok {
			rt, err := parseRole(s)
			if err != nil {
				return nil, modelError(t, "field %s: %v", f.GoName, err)
			}
			a.Role, a.indexKey, a.legacyTime = rt.role, rt.indexKey, rt.legacyTime
		}
		if a.Role != RoleNone {
			if prev := m.roles[a.Role]; prev >= 0 {
				return nil, modelError(t, "fields %s and %s both have role %q", m.attrs[prev].Field, a.Field, a.Role)
			}
			if err := checkRole(&a); err != nil {
				return nil, modelError(t, "field %s (%s): %v", a.Field, a.Role, err)
			}
			m.roles[a.Role] = len(m.attrs)
		}
		if err := checkKeyOptions(&a); err != nil {
			return nil, modelError(t, "field %s: %v", a.Field, err)
		}
		if a.SortableTime {
			m.sortable = append(m.sortable, a.Name)
			if a.Role != RoleHash && a.Role != RoleRange {
				m.sortableNonKeys = append(m.sortableNonKeys, a.Name)
			}
		}
		m.attrs = append(m.attrs, a)
	}
	return m, nil
}

// roleTag is what a `dynamodel` tag says: a role, and options.
type roleTag struct {
	role       Role
	indexKey   bool // indexkey
	legacyTime bool // legacytime
}

// parseRole reads a `dynamodel` tag: a role (or nothing), then options.
func parseRole(s string) (roleTag, error) {
	var rt roleTag
	role, opts, hasOpts := strings.Cut(s, ",")
	if role = strings.TrimSpace(role); role != "" || !hasOpts {
		i := slices.Index(roleNames[1:], role)
		if i < 0 {
			return rt, fmt.Errorf("unknown role %q in `dynamodel` tag (want one of %s, then options)", role, strings.Join(roleNames[1:], ", "))
		}
		rt.role = Role(i + 1)
	}
	for hasOpts {
		var opt string
		opt, opts, hasOpts = strings.Cut(opts, ",")
		switch strings.TrimSpace(opt) {
		case "indexkey":
			rt.indexKey = true
		case "legacytime":
			rt.legacyTime = true
		default:
			return rt, fmt.Errorf("unknown option %q in `dynamodel` tag (want indexkey or legacytime)", opt)
		}
	}
	return rt, nil
}

// checkKeyOptions checks the indexkey and legacytime options against the
// attribute's type and role, and sets SortableTime.
func checkKeyOptions(a *Attribute) error {
	key := a.Role == RoleHash || a.Role == RoleRange || a.indexKey
	if a.indexKey {
		if _, err := keyType(a.field.Type, a.field.Tag); err != nil {
			return fmt.Errorf("indexkey: %v", err)
		}
	}
	stringTime := a.field.Type == timeType && !a.field.Tag.AsUnixTime
	if a.legacyTime && (!key || !stringTime) {
		return fmt.Errorf("legacytime applies to a time.Time hash, range or indexkey attribute stored as a string, not to %v", a.Type)
	}
	a.SortableTime = key && stringTime && !a.legacyTime
	return nil
}

var (
	timeType    = reflect.TypeFor[time.Time]()
	avMarshaler = reflect.TypeFor[attributevalue.Marshaler]()
)

// checkRole checks that the attribute's type can play its role, and sets
// KeyType for keys.
func checkRole(a *Attribute) error {
	t := a.field.Type // an unnamed pointer's element type
	switch a.Role {
	case RoleHash, RoleRange:
		if err := checkKeyName(a.Name); err != nil {
			return err
		}
		kt, err := keyType(t, a.field.Tag)
		if err != nil {
			return err
		}
		a.KeyType = kt
	case RoleVersion:
		if !isInteger(t.Kind()) || implements(t, avMarshaler) {
			return fmt.Errorf("a version must be an integer type, not %v", a.Type)
		}
		if a.field.Tag.AsString {
			return fmt.Errorf("a version must be stored as a number; drop the string option")
		}
	case RoleTTL:
		if t != timeType && !isInteger(t.Kind()) {
			return fmt.Errorf("a TTL must be a time.Time or an integer of epoch seconds, not %v", a.Type)
		}
		if a.field.Tag.AsString {
			return fmt.Errorf("a TTL must be stored as a number; drop the string option")
		}
	case RoleCreated, RoleUpdated:
		if t != timeType {
			return fmt.Errorf("a timestamp must be a time.Time, not %v", a.Type)
		}
	}
	return nil
}

// keyType returns the scalar type a key field of type t is stored as, or why
// it cannot be a key.
func keyType(t reflect.Type, tag codec.Tag) (types.ScalarAttributeType, error) {
	if implements(t, avMarshaler) {
		// A custom marshaler decides; learn its type from the zero value.
		av, err := attributevalue.Marshal(reflect.New(t).Interface())
		if err == nil {
			switch av.(type) {
			case *types.AttributeValueMemberS:
				return types.ScalarAttributeTypeS, nil
			case *types.AttributeValueMemberN:
				return types.ScalarAttributeTypeN, nil
			case *types.AttributeValueMemberB:
				return types.ScalarAttributeTypeB, nil
			}
		}
		return "", fmt.Errorf("%v marshals itself, and its zero value is not a string, number or binary", t)
	}
	if t == timeType {
		if tag.AsUnixTime {
			return types.ScalarAttributeTypeN, nil
		}
		return types.ScalarAttributeTypeS, nil
	}
	switch k := t.Kind(); {
	case k == reflect.String:
		return types.ScalarAttributeTypeS, nil
	case isInteger(k) || k == reflect.Float32 || k == reflect.Float64:
		if tag.AsString {
			return types.ScalarAttributeTypeS, nil
		}
		return types.ScalarAttributeTypeN, nil
	case (k == reflect.Slice || k == reflect.Array) && t.Elem().Kind() == reflect.Uint8:
		return types.ScalarAttributeTypeB, nil
	}
	return "", fmt.Errorf("a key must be a string, number or []byte, not %v", t)
}

func isInteger(k reflect.Kind) bool {
	switch k {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return true
	}
	return false
}

func implements(t, iface reflect.Type) bool {
	return t.Implements(iface) || reflect.PointerTo(t).Implements(iface)
}

// Type returns the Go struct type the model describes.
func (m *Model) Type() reflect.Type { return m.typ }

// HashKey returns the partition key attribute.
func (m *Model) HashKey() Attribute { return m.attrs[m.roles[RoleHash]] }

// RangeKey returns the sort key attribute; ok is false for a model without one.
func (m *Model) RangeKey() (a Attribute, ok bool) { return m.WithRole(RoleRange) }

// WithRole returns the attribute that has role r; ok is false when none has.
func (m *Model) WithRole(r Role) (a Attribute, ok bool) {
	if r == RoleNone || r >= numRoles || m.roles[r] < 0 {
		return Attribute{}, false
	}
	return m.attrs[m.roles[r]], true
}

// Attributes returns the model's top-level attributes in field order.
func (m *Model) Attributes() []Attribute {
	return append([]Attribute(nil), m.attrs...)
}

// Attribute returns the attribute called name.
func (m *Model) Attribute(name string) (Attribute, bool) {
	if a := m.attribute(name); a != nil {
		return *a, true
	}
	return Attribute{}, false
}

// attribute returns the attribute called name, or nil, without copying it.
func (m *Model) attribute(name string) *Attribute {
	for i := range m.attrs {
		if m.attrs[i].Name == name {
			return &m.attrs[i]
		}
	}
	return nil
}

// attributeNames lists the names of the model's attributes.
func (m *Model) attributeNames() []string {
	out := make([]string, len(m.attrs))
	for i, a := range m.attrs {
		out[i] = a.Name
	}
	return out
}

// role returns the attribute with role r, or nil, without copying it.
func (m *Model) role(r Role) *Attribute {
	if i := m.roles[r]; i >= 0 {
		return &m.attrs[i]
	}
	return nil
}

// roleName returns the name of the attribute with role r, without copying
// the attribute.
func (m *Model) roleName(r Role) (string, bool) {
	if i := m.roles[r]; i >= 0 {
		return m.attrs[i].Name, true
	}
	return "", false
}

// isKey reports whether name is the hash or range key attribute.
func (m *Model) isKey(name string) bool {
	if h, _ := m.roleName(RoleHash); h == name {
		return true
	}
	r, ok := m.roleName(RoleRange)
	return ok && r == name
}

// keyAttrs returns the model's partition key attribute and its sort key
// attribute (nil without one), without copying them.
func (m *Model) keyAttrs() [2]*Attribute {
	keys := [2]*Attribute{&m.attrs[m.roles[RoleHash]], nil}
	if i := m.roles[RoleRange]; i >= 0 {
		keys[1] = &m.attrs[i]
	}
	return keys
}

// keyNames returns the key attribute names, hash first.
func (m *Model) keyNames() []string {
	names := make([]string, 0, 2)
	for _, a := range m.keyAttrs() {
		if a != nil {
			names = append(names, a.Name)
		}
	}
	return names
}

// fieldAt returns the field at index in struct value v, following embedded
// pointers: allocating nil ones when alloc is set (v must then be
// addressable), and otherwise reporting false at the first nil one.
func fieldAt(v reflect.Value, index []int, alloc bool) (reflect.Value, bool) {
	for i, x := range index {
		if i > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				if !alloc {
					return reflect.Value{}, false
				}
				v.Set(reflect.New(v.Type().Elem()))
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	return v, true
}
