package dynamodel

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// A KeyValue is the value of a key attribute rendered by an entity's
// template (Entity.PartitionKey, SortKey, SortPrefix), for key conditions
// and conditions that span entities:
//
//	dynamodel.Partition(users.PartitionKey(name)).
//		SortBetween(users.SortKey(name), photos.SortPrefix().End())
//
// A value that could not be rendered carries its error, which the call it
// is passed to returns before any network call.
type KeyValue struct {
	s   string
	err error
}

// String returns the rendered value ("" when it could not be rendered).
func (k KeyValue) String() string { return k.s }

// Err returns why the value could not be rendered, or nil.
func (k KeyValue) Err() error { return k.err }

// End returns the least string greater than every string that begins with
// k: the end of a range of keys with prefix k ("PHOTO#" gives "PHOTO$").
func (k KeyValue) End() KeyValue {
	if k.err != nil {
		return k
	}
	end := prefixEnd(k.s)
	if end == "" {
		return KeyValue{err: &InvalidKeyError{Reason: fmt.Sprintf("no string follows every string that begins with %q", k.s)}}
	}
	return KeyValue{s: end}
}

// MarshalDynamoDBAttributeValue stores the value as a string, so a
// KeyValue goes wherever a value does.
func (k KeyValue) MarshalDynamoDBAttributeValue() (types.AttributeValue, error) {
	if k.err != nil {
		return nil, k.err
	}
	return &types.AttributeValueMemberS{Value: k.s}, nil
}

// An EntityKey is the key of one item of an entity, made by Entity.Key
// from the values of its key fields.
type EntityKey struct {
	entity *entityKeys
	key    itemKey
	fields fieldValues // the key fields' values
	err    error
}

// fieldValues are values of template fields, by attribute.
type fieldValues map[*Attribute]reflect.Value

func (fv fieldValues) source(f *boundField) (reflect.Value, bool) {
	v, ok := fv[f.attr]
	return v, ok && v.IsValid()
}

// Name returns the entity's name.
func (e *Entity[T]) Name() string { return e.keys.name }

// Key returns the key of the item whose key fields (the fields of the
// table's key templates, in the order they first appear) have vals:
//
//	photos.Get(ctx, photos.Key("ada", "2019-03-02T09:11:30"))
//
// A value may be of the field's type or convert to it without loss.
func (e *Entity[T]) Key(vals ...any) EntityKey {
	k := EntityKey{entity: e.keys}
	if len(vals) != len(e.keys.keyFields) {
		k.err = &InvalidKeyError{Reason: fmt.Sprintf("entity %s's key has %d fields (%s), got %d values",
			e.keys.name, len(e.keys.keyFields), e.keys.keyFieldNames(), len(vals))}
		return k
	}
	fv, err := e.keys.bindValues(e.keys.keyFields, vals)
	if err != nil {
		k.err = err
		return k
	}
	k.fields = fv
	k.key, k.err = e.keys.renderKey(fv.source)
	return k
}

// keyFieldNames lists the key fields' attribute names.
func (e *entityKeys) keyFieldNames() string {
	names := make([]string, len(e.keyFields))
	for i, f := range e.keyFields {
		names[i] = f.attr.Name
	}
	return strings.Join(names, ", ")
}

// bindValues converts vals to the types of fields, in order.
func (e *entityKeys) bindValues(fields []*boundField, vals []any) (fieldValues, error) {
	fv := make(fieldValues, len(vals))
	for i, v := range vals {
		f := fields[i]
		cv, err := convertField(*f.attr, v)
		if err != nil {
			return nil, &KeyFieldError{Entity: e.name, Field: f.attr.Name, Reason: err.Error()}
		}
		if !cv.IsValid() {
			return nil, &KeyFieldError{Entity: e.name, Field: f.attr.Name, Reason: "no value (nil)"}
		}
		fv[f.attr] = cv
	}
	return fv, nil
}

// renderKey renders the table's key from src, and checks it as a key.
func (e *entityKeys) renderKey(src fieldSource) (itemKey, error) {
	k := itemKey{}
	for _, tm := range []*template{e.hash, e.rng} {
		if tm == nil {
			continue
		}
		s, re := tm.render(src)
		if re != nil {
			return nil, e.fieldError(tm.attr, re)
		}
		k[tm.attr] = &types.AttributeValueMemberS{Value: s}
	}
	return k, e.checkKey(k)
}

// checkKey checks a rendered key against DynamoDB's limits.
func (e *entityKeys) checkKey(k itemKey) error {
	for _, name := range []string{e.table.hash, e.table.rng} {
		if name == "" {
			continue
		}
		a := Attribute{Name: name, KeyType: types.ScalarAttributeTypeS, Role: RoleHash}
		if name == e.table.rng {
			a.Role = RoleRange
		}
		if err := checkKeyValue(&a, k[name]); err != nil {
			return err
		}
	}
	return nil
}

// keyFor turns what a caller passed as an entity's key into its encoded
// key: a T or *T, an EntityKey of this entity, a Key of raw attribute
// values that fits the templates, or the value of the one key field.
func (e *entityKeys) keyFor(m *Model, arg any) (itemKey, error) {
	switch v := arg.(type) {
	case EntityKey:
		return e.ownKey(v)
	case *EntityKey:
		if v == nil {
			return nil, &InvalidKeyError{Reason: "nil *EntityKey"}
		}
		return e.ownKey(*v)
	case Key:
		return e.rawKey(v)
	case *Key:
		if v == nil {
			return nil, &InvalidKeyError{Reason: "nil *Key"}
		}
		return e.rawKey(*v)
	case nil:
		return nil, &InvalidKeyError{Reason: fmt.Sprintf("missing (nil) key of entity %s", e.name)}
	}
	rv := reflect.ValueOf(arg)
	if rv.Type() == m.typ || (rv.Kind() == reflect.Pointer && rv.Type().Elem() == m.typ) {
		if rv.Kind() == reflect.Pointer {
			if rv.IsNil() {
				return nil, &InvalidKeyError{Reason: fmt.Sprintf("nil *%v", m.typ)}
			}
			rv = rv.Elem()
		}
		return e.renderKey(structSource(rv))
	}
	if len(e.keyFields) == 1 {
		fv, err := e.bindValues(e.keyFields, []any{arg})
		if err != nil {
			return nil, err
		}
		return e.renderKey(fv.source)
	}
	return nil, &InvalidKeyError{Reason: fmt.Sprintf("entity %s's key has fields %s: pass a %v, or the entity's Key(...)", e.name, e.keyFieldNames(), m.typ)}
}

func (e *entityKeys) ownKey(k EntityKey) (itemKey, error) {
	if k.entity != nil && k.entity != e && k.err == nil {
		return nil, &InvalidKeyError{Reason: k.entity.notOwn(e)}
	}
	return k.encoded()
}

// encoded returns the key k holds, or the error Entity.Key made it with;
// a zero EntityKey (not made by Entity.Key) is an *InvalidKeyError.
func (k EntityKey) encoded() (itemKey, error) {
	if k.entity == nil && k.err == nil {
		return nil, &InvalidKeyError{Reason: "a zero EntityKey: make keys with Entity.Key"}
	}
	return k.key, k.err
}

// notOwn says that a key of o was given to entity e, naming o's table
// when they share a name (a table holds one entity of a name).
func (o *entityKeys) notOwn(e *entityKeys) string {
	if o.name != e.name {
		return fmt.Sprintf("a key of entity %s, not of %s", o.name, e.name)
	}
	return fmt.Sprintf("a key of entity %s of %s", o.name, o.table.apart(e.table))
}

// rawKey takes a Key of strings as the table's key attributes, if it fits
// the entity's templates.
func (e *entityKeys) rawKey(k Key) (itemKey, error) {
	out := itemKey{}
	for _, p := range []struct {
		tm  *template
		val any
	}{{e.hash, k.Hash}, {e.rng, k.Range}} {
		if p.tm == nil {
			if p.val != nil {
				return nil, &InvalidKeyError{Reason: fmt.Sprintf("table %s has no sort key, but one was given", e.table.name)}
			}
			continue
		}
		s, ok := p.val.(string)
		if kv, isKV := p.val.(KeyValue); isKV {
			if kv.err != nil {
				return nil, kv.err
			}
			s, ok = kv.s, true
		}
		if !ok {
			return nil, &InvalidKeyError{Attribute: p.tm.attr, Reason: fmt.Sprintf("want the key's string, got %T", p.val)}
		}
		if !p.tm.match(s) {
			return nil, &InvalidKeyError{Attribute: p.tm.attr, Reason: fmt.Sprintf("%q does not fit entity %s's template %q", s, e.name, p.tm.text)}
		}
		out[p.tm.attr] = &types.AttributeValueMemberS{Value: s}
	}
	return out, e.checkKey(out)
}

// PartitionKey renders the partition key template from the values of its
// fields, in order: users.PartitionKey("ada") is "USER#ada".
func (e *Entity[T]) PartitionKey(vals ...any) KeyValue {
	return e.keys.renderValue(e.keys.hash, vals, false)
}

// SortKey renders the sort key template from the values of its fields, in
// order: photos.SortKey("ada", "2019-03-02T09:11:30") is
// "PHOTO#ada#2019-03-02T09:11:30".
func (e *Entity[T]) SortKey(vals ...any) KeyValue {
	return e.keys.renderValue(e.keys.rng, vals, false)
}

// SortPrefix renders the sort key template up to the first field vals do
// not give: photos.SortPrefix() is "PHOTO#", photos.SortPrefix("ada") is
// "PHOTO#ada#". Its End bounds a range of the entity's sort keys.
func (e *Entity[T]) SortPrefix(vals ...any) KeyValue {
	return e.keys.renderValue(e.keys.rng, vals, true)
}

// renderValue renders tm from vals, given to its fields in order; with
// prefix, fewer values render the text up to the first field missing.
func (e *entityKeys) renderValue(tm *template, vals []any, prefix bool) KeyValue {
	if tm == nil {
		return KeyValue{err: &InvalidKeyError{Reason: fmt.Sprintf("table %s has no sort key", e.table.name)}}
	}
	fields := tm.distinctFields()
	if len(vals) > len(fields) || (!prefix && len(vals) != len(fields)) {
		return KeyValue{err: &InvalidKeyError{Attribute: tm.attr, Reason: fmt.Sprintf("template %q has %d fields, got %d values", tm.text, len(fields), len(vals))}}
	}
	fv, err := e.bindValues(fields, vals)
	if err != nil {
		return KeyValue{err: err}
	}
	if !prefix {
		s, re := tm.render(fv.source)
		if re != nil {
			return KeyValue{err: e.fieldError(tm.attr, re)}
		}
		return KeyValue{s: s}
	}
	s, _, err := tm.renderPrefix(fv.source, reflect.Value{})
	if err != nil {
		return KeyValue{err: e.fieldError(tm.attr, err.(*renderError))}
	}
	return KeyValue{s: s}
}

// distinctFields returns the template's fields, each once, in order.
func (t *template) distinctFields() []*boundField {
	var out []*boundField
	for _, f := range t.fields {
		if f != nil && !containsField(out, f) {
			out = append(out, f)
		}
	}
	return out
}

func containsField(fs []*boundField, f *boundField) bool {
	for _, g := range fs {
		if g.attr == f.attr {
			return true
		}
	}
	return false
}

// Encode returns item as the entity stores it: its attributes, its keys
// and index keys rendered from its fields, and the entity-type attribute
// when the table has one. It applies no version or timestamp.
func (e *Entity[T]) Encode(item T) (map[string]types.AttributeValue, error) {
	enc, err := encodeSized(e.items, &item, e.keys.added())
	if err != nil {
		return nil, err
	}
	v := reflect.ValueOf(&item).Elem()
	if err := e.model.storeTTL(v, enc); err != nil {
		return nil, err
	}
	if err := e.keys.addKeys(v, enc); err != nil {
		return nil, err
	}
	return enc, nil
}
