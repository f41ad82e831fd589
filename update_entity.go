package dynamodel

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// IndexFieldsError is an entity's update that changes a field an index key
// is made from, but does not give (or lets dynamodel read) the other
// fields of that key. It matches ErrIndexKeyFields and ErrInvalidUpdate.
type IndexFieldsError struct {
	Entity  string
	Index   string   // the index whose key cannot be rendered
	Changed []string // the fields the update changes
	Missing []string // the fields it would need
	Reason  string   // set when a field is changed in a way that gives no value

	fields []*boundField // the missing fields, for a read
}

// Error names the index and the fields.
func (e *IndexFieldsError) Error() string {
	if e.Reason != "" {
		return fmt.Sprintf("dynamodel: entity %s: index %s: %s", e.Entity, e.Index, e.Reason)
	}
	return fmt.Sprintf("dynamodel: entity %s: the update changes %s, which index %s's keys are made from, without %s: set them too, or allow a read (UpdateOptions.ReadIndexFields)",
		e.Entity, strings.Join(e.Changed, ", "), e.Index, strings.Join(e.Missing, ", "))
}

// Is reports whether target is ErrIndexKeyFields or ErrInvalidUpdate.
func (e *IndexFieldsError) Is(target error) bool {
	return target == ErrIndexKeyFields || target == ErrInvalidUpdate
}

// keySource returns the values of the key fields of a key argument, when
// it has them (a T, an EntityKey, the one key field's value).
func (e *entityKeys) keySource(m *Model, arg any) fieldSource {
	none := func(*boundField) (reflect.Value, bool) { return reflect.Value{}, false }
	switch v := arg.(type) {
	case EntityKey:
		return v.fields.source
	case *EntityKey:
		if v != nil {
			return v.fields.source
		}
		return none
	case Key, *Key, nil:
		return none
	}
	rv := reflect.ValueOf(arg)
	if rv.Kind() == reflect.Pointer && rv.Type().Elem() == m.typ && !rv.IsNil() {
		rv = rv.Elem()
	}
	if rv.Type() == m.typ {
		return structSource(rv)
	}
	if len(e.keyFields) == 1 {
		if fv, err := e.bindValues(e.keyFields, []any{arg}); err == nil {
			return fv.source
		}
	}
	return none
}

// rewriteUpdate checks an entity's update and adds to it the index keys it
// changes: a change to a field of the table's key templates is refused;
// a change to a field an index key is made from sets that index's keys
// anew, rendered from the update's values, the key's fields and read
// (fields a consistent read found), or removes them when a field is left
// empty (the item leaves a sparse index). It returns the fields it lacks
// for some index, which only a read can give, as an *IndexFieldsError
// together with the update as far as it could rewrite it, so that the
// rest of the update can be checked before the read.
func (e *entityKeys) rewriteUpdate(m *Model, keyArg any, ops []updateOp, read fieldValues) ([]updateOp, error) {
	changed := map[*Attribute]int{} // the op that changes each field
	for i, op := range ops {
		root := pathRoot(op.path)
		if root == "" {
			continue
		}
		if e.isIndexAttr(root) || root == e.typeAttr {
			return nil, fmt.Errorf("%w: %q is a key attribute of an index, made by entity %s's templates", ErrInvalidUpdate, root, e.name)
		}
		a := m.attribute(root)
		if a == nil || a.field.Index == nil {
			continue
		}
		for _, f := range e.keyFields {
			if f.attr == a {
				return nil, fmt.Errorf("%w: field %q is part of entity %s's key (%s), which cannot change: delete the item and create it anew", ErrInvalidUpdate, root, e.name, e.describeKeys())
			}
		}
		changed[a] = i
	}
	if len(changed) == 0 {
		return ops, nil
	}
	keys := e.keySource(m, keyArg)
	var missing *IndexFieldsError
	for _, ix := range e.indexes {
		vals := fieldValues{}
		var lacking []*boundField
		var uses []string // the changed fields of this index
		emptied := false  // a changed field is left empty: the index keys go
		var bad error     // the first changed value the keys cannot hold
		for _, tm := range []*template{ix.hash, ix.rng} {
			for _, f := range tmFields(tm) {
				if i, ok := changed[f.attr]; ok && !slices.Contains(uses, f.attr.Name) {
					uses = append(uses, f.attr.Name)
					empties, err := e.changedEmpties(ix, tm, f, ops[i])
					if _, ok := err.(*IndexFieldsError); ok {
						return nil, err
					}
					emptied = emptied || empties
					if bad == nil {
						bad = err
					}
				}
			}
		}
		if len(uses) == 0 {
			continue
		}
		// A value the keys cannot hold is refused before anything is read,
		// even when another field takes the item out of the index, as a
		// Put refuses it.
		if bad != nil {
			return nil, bad
		}
		if emptied {
			ops = removeIndexKeys(ix, ops)
			continue
		}
		var ifMissing []*boundField // fields set only if missing, with no stored value read
		plain := false              // a field is changed whatever is stored
		for _, tm := range []*template{ix.hash, ix.rng} {
			for _, f := range tmFields(tm) {
				if _, done := vals[f.attr]; done || containsField(lacking, f) {
					continue
				}
				if i, ok := changed[f.attr]; ok {
					if ops[i].kind == opSetIfMissing {
						v, wasRead := read[f.attr]
						if v.IsValid() {
							vals[f.attr] = v // as stored, which the update keeps
							continue
						}
						if !wasRead {
							ifMissing = append(ifMissing, f)
						} // else read as absent: set, as the update sets it
					} else {
						plain = true
					}
					v, err := changedValue(ops[i], f)
					if err != nil {
						return nil, &IndexFieldsError{Entity: e.name, Index: ix.name, Reason: fmt.Sprintf("field %q: %v", f.attr.Name, err)}
					}
					vals[f.attr] = v
					continue
				}
				if v, ok := keys(f); ok && containsField(e.keyFields, f) {
					vals[f.attr] = v
					continue
				}
				if v, ok := read[f.attr]; ok {
					vals[f.attr] = asDecoded(f, v)
					continue
				}
				lacking = append(lacking, f)
			}
		}
		// A field set only if missing keeps a stored value the update
		// cannot see. One alone, with a value, makes the index keys set
		// only if missing too (an upsert's creation time in a "recent"
		// index): they exist exactly when it does; without a value, it
		// leaves them as they are. Beside another, or a field that changes
		// anyway, the stored values decide the keys, and must be read.
		keyKind := opSet
		switch {
		case len(ifMissing) == 1 && !plain && isEmptyField(ifMissing[0], vals[ifMissing[0].attr], e.sep):
			continue
		case len(ifMissing) > 1 || len(ifMissing) == 1 && plain:
			for _, f := range ifMissing {
				delete(vals, f.attr)
			}
			lacking = append(lacking, ifMissing...)
		case len(ifMissing) == 1:
			keyKind = opSetIfMissing
		}
		if len(lacking) > 0 {
			if missing == nil {
				missing = &IndexFieldsError{Entity: e.name, Index: ix.name, Changed: uses}
			}
			for _, f := range lacking {
				if !containsField(missing.fields, f) {
					missing.fields = append(missing.fields, f)
					missing.Missing = append(missing.Missing, f.attr.Name)
				}
			}
			continue
		}
		var err error
		if ops, err = e.indexOps(ix, vals, keyKind, ops); err != nil {
			return nil, err
		}
	}
	if missing != nil {
		return ops, missing
	}
	return ops, nil
}

// changedEmpties checks the value op gives field f of index ix's template
// tm, as rendering the key would: it reports whether the value leaves the
// field empty (a value set if missing leaves a stored one: it empties
// nothing for sure), or returns the *KeyFieldError of a value the key
// cannot hold (the separator in it, say), or the *IndexFieldsError of a
// change that gives no value.
func (e *entityKeys) changedEmpties(ix entityIndex, tm *template, f *boundField, op updateOp) (bool, error) {
	v, err := changedValue(op, f) // valid: none is the field's zero value (asDecoded)
	if err != nil {
		return false, &IndexFieldsError{Entity: e.name, Index: ix.name, Reason: fmt.Sprintf("field %q: %v", f.attr.Name, err)}
	}
	_, re := f.format(v, tm.sep)
	switch {
	case re == nil:
		return false, nil
	case re.empty:
		return op.kind != opSetIfMissing, nil
	}
	return false, e.fieldError(tm.attr, re.named(f.attr.Name))
}

// isEmptyField reports whether v leaves field f empty in a key: removed,
// or a value a key cannot hold for being empty.
func isEmptyField(f *boundField, v reflect.Value, sep byte) bool {
	if !v.IsValid() {
		return true
	}
	_, re := f.format(v, sep)
	return re != nil && re.empty
}

func tmFields(tm *template) []*boundField {
	if tm == nil {
		return nil
	}
	return tm.distinctFields()
}

// changedValue is the value an update gives field f, as decoding the
// item afterwards gives it: set whole (or set if missing), or removed (the
// field's zero value).
func changedValue(op updateOp, f *boundField) (reflect.Value, error) {
	if !isAttribute(op.path, f.attr.Name) {
		return reflect.Value{}, fmt.Errorf("changed inside (%q), which gives no value to render its key from: set the whole field", op.path)
	}
	switch op.kind {
	case opRemove:
		return asDecoded(f, reflect.Value{}), nil
	case opSet, opSetIfMissing:
		v, err := convertField(*f.attr, op.value)
		if err != nil {
			return reflect.Value{}, err
		}
		return asDecoded(f, v), nil
	}
	return reflect.Value{}, fmt.Errorf("changed by %v, which gives no value to render its key from: set it", op.kind)
}

// asDecoded is v, a value of field f, as decoding an item gives it: none
// (an invalid v: the attribute absent, NULL or set to nil) is the field's
// zero value. Its key then renders as a Put of the item renders it: a
// number as 0, while an empty string, a nil pointer or a zero time leave
// the key empty.
func asDecoded(f *boundField, v reflect.Value) reflect.Value {
	if v.IsValid() {
		return v
	}
	return reflect.Zero(f.attr.field.Type)
}

// indexOps adds to ops the setting, by kind (opSet or opSetIfMissing), or,
// for an empty field, the removal of an index's key attributes (see
// renderIndexKeys).
func (e *entityKeys) indexOps(ix entityIndex, vals fieldValues, kind opKind, ops []updateOp) ([]updateOp, error) {
	keys, sparse, err := e.renderIndexKeys(ix, vals.source)
	if err != nil {
		return nil, err
	}
	if sparse {
		return removeIndexKeys(ix, ops), nil
	}
	for i, tm := range [2]*template{ix.hash, ix.rng} {
		if tm != nil {
			ops = append(ops, updateOp{kind: kind, path: Name(tm.attr), value: &types.AttributeValueMemberS{Value: keys[i]}})
		}
	}
	return ops, nil
}

// removeIndexKeys adds to ops the removal of an index's key attributes:
// the item leaves the (sparse) index.
func removeIndexKeys(ix entityIndex, ops []updateOp) []updateOp {
	for _, tm := range []*template{ix.hash, ix.rng} {
		if tm != nil {
			ops = append(ops, updateOp{kind: opRemove, path: Name(tm.attr)})
		}
	}
	return ops
}

// readIndexFields reads, with a consistent read, the fields an entity's
// update lacks for its index keys, and returns them with the condition
// that they are unchanged when the update is applied. For an upsert, an
// item that does not exist has every field absent, on the condition that
// it still does not exist.
func (r *Repository[T]) readIndexFields(ctx context.Context, key itemKey, fields []*boundField, upsert bool) (fieldValues, Condition, error) {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.attr.Name
	}
	var w exprWriter
	proj := make([]string, len(names))
	for i, n := range names {
		proj[i] = w.name(n)
	}
	projection := strings.Join(proj, ", ")
	out, err := r.client.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: &r.table, Key: key, ConsistentRead: aws.Bool(true),
		ProjectionExpression: &projection, ExpressionAttributeNames: w.attributeNames(),
	}, r.opts.ClientOptions...)
	if err != nil {
		return nil, Condition{}, classify(err)
	}
	if out.Item == nil && !upsert {
		return nil, Condition{}, ErrNotFound
	}
	if out.Item == nil {
		// An upsert creates it: every field but the key's is absent, while
		// it still is.
		vals := fieldValues{}
		for _, f := range fields {
			vals[f.attr], _ = r.model.keys.fieldFromKey(key, f)
		}
		return vals, NotExists(Name(r.model.attrs[r.model.roles[RoleHash]].Name)), nil
	}
	vals := fieldValues{}
	var conds []Condition
	for _, f := range fields {
		av, ok := out.Item[f.attr.Name]
		if !ok {
			// A key field's value is in the key even when the item lacks
			// its attribute (written by another client), as reads find it.
			vals[f.attr], _ = r.model.keys.fieldFromKey(key, f)
			conds = append(conds, NotExists(Name(f.attr.Name)))
			continue
		}
		v, err := convertField(*f.attr, av)
		if err != nil {
			return nil, Condition{}, fmt.Errorf("%w: field %q as stored: %w", ErrInvalidItem, f.attr.Name, err)
		}
		vals[f.attr] = v
		conds = append(conds, Equal(Name(f.attr.Name), av))
	}
	return vals, And(conds...), nil
}

// fieldFromKey reads the value of field f from key, when f is a field of
// the table's key templates.
func (e *entityKeys) fieldFromKey(key itemKey, f *boundField) (reflect.Value, bool) {
	for _, tm := range []*template{e.hash, e.rng} {
		if tm == nil {
			continue
		}
		text, ok := attrMap(key).keyText(tm.attr)
		if !ok {
			continue
		}
		texts := tm.extract(text)
		for i, g := range tm.fields {
			if g == nil || g.attr != f.attr || texts == nil {
				continue
			}
			if v, err := g.parse(texts[i]); err == nil {
				return v, true
			}
		}
	}
	return reflect.Value{}, false
}

// upsertKeyFields adds to an upsert's ops the key fields' attributes, set
// if missing, so that an item the upsert creates holds them as a Put's
// does: from the key argument's fields, or read from the key.
func (e *entityKeys) upsertKeyFields(m *Model, keyArg any, key itemKey, ops []updateOp) []updateOp {
	keys := e.keySource(m, keyArg)
	for _, f := range e.keyFields {
		v, ok := keys(f)
		if !ok {
			v, ok = e.fieldFromKey(key, f)
		}
		if ok {
			ops = append(ops, updateOp{kind: opSetIfMissing, path: Name(f.attr.Name), value: v.Interface()})
		}
	}
	return ops
}
