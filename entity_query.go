package dynamodel

import (
	"fmt"
	"reflect"
)

// Partition selects the entity's items in one partition of the table,
// given the values of the partition key template's fields, in order:
//
//	photos.Query(ctx, photos.Partition("ada"))                              // PK = "USER#ada" AND begins_with(SK, "PHOTO#ada#")
//	photos.Query(ctx, photos.Partition("ada").SortBeginsWith("2019-03"))    // ... begins_with(SK, "PHOTO#ada#2019-03")
//	photos.Query(ctx, photos.Partition("ada").SortGreater("2019-03-02"))    // ... SK > "PHOTO#ada#2019-03-02"
//
// Without a sort condition, the query keeps to the entity's sort keys:
// those that begin with the sort template's text up to its first field the
// partition does not give. A sort condition's value is the value of that
// field (a string is used as it is, so it may be a prefix of the field's
// text); fields the partition shares with the sort key are filled in. On a
// field that more of the template follows, SortEqual selects the keys of
// that value, and a value of the field's type bounds SortGreater,
// SortLessOrEqual and SortBetween by the field's value, whatever follows.
func (e *Entity[T]) Partition(vals ...any) KeyCondition {
	return KeyCondition{entity: e.keys, hash: vals, hasHash: true}
}

// IndexPartition is Partition on a secondary index: the values are those
// of the index's partition key template's fields. For an index keyed by
// the table's own key attributes (an inverted index), the templates are
// the table's, swapped as the index swaps them:
//
//	// The users ada follows: InvertedIndex has SK as its partition key.
//	follows.Query(ctx, follows.IndexPartition("InvertedIndex", "ada"))
func (e *Entity[T]) IndexPartition(index string, vals ...any) KeyCondition {
	return KeyCondition{entity: e.keys, index: index, hash: vals, hasHash: true}
}

// resolveKeyCondition renders an entity's key condition into one of key
// values, and sets the query's index from it.
func (r *Repository[T]) resolveKeyCondition(kc KeyCondition, opts *QueryOptions) (KeyCondition, error) {
	fail := func(format string, args ...any) (KeyCondition, error) {
		return kc, r.opError("Query", nil, fmt.Errorf("%w: %s", ErrInvalidQuery, fmt.Sprintf(format, args...)))
	}
	e := kc.entity
	if e == nil {
		return kc, nil
	}
	if e.table != r.shared {
		return fail("a key condition of entity %s, of %s", e.name, e.table.apart(r.shared))
	}
	if kc.index != "" {
		if opts.Index != "" && opts.Index != kc.index {
			return fail("the key condition is on index %s, QueryOptions.Index is %s", kc.index, opts.Index)
		}
		opts.Index = kc.index
	}
	hashAttr, rangeAttr := e.table.hash, e.table.rng
	if kc.index != "" {
		ix, ok := e.table.indexKeys(kc.index)
		if !ok {
			return fail("table %s has no index %q", e.table.name, kc.index)
		}
		hashAttr, rangeAttr = ix.PartitionKey, ix.SortKey
	}
	ht := e.templates[hashAttr]
	if ht == nil {
		return fail("entity %s has no template for %s, the partition key of index %s", e.name, hashAttr, kc.index)
	}
	vals, _ := kc.hash.([]any)
	fields := ht.distinctFields()
	if len(vals) != len(fields) {
		return fail("entity %s's partition key %q has %d fields, got %d values", e.name, ht.text, len(fields), len(vals))
	}
	fv, err := e.bindValues(fields, vals)
	if err != nil {
		return kc, r.opError("Query", nil, err)
	}
	hv, re := ht.render(fv.source)
	if re != nil {
		return kc, r.opError("Query", nil, e.fieldError(hashAttr, re))
	}
	out := KeyCondition{hashName: hashAttr, hash: hv, hasHash: true, rangeName: rangeAttr}
	rt := e.templates[rangeAttr]
	if rangeAttr == "" || rt == nil {
		if kc.op != "" {
			return fail("entity %s has no sort key template on %s", e.name, firstOf(kc.index, "the table"))
		}
		return out, nil
	}
	if kc.op == "" {
		prefix, full, err := rt.renderPrefix(fv.source, reflect.Value{})
		switch {
		case err != nil:
			return kc, r.opError("Query", nil, e.fieldError(rangeAttr, err.(*renderError)))
		case full:
			out.op, out.values = "=", []any{prefix}
		case prefix != "":
			out.op, out.values = "begins_with", []any{prefix}
		}
		return out, nil
	}
	out.op = kc.op
	for _, v := range kc.values {
		s, _, err := rt.renderPrefix(fv.source, reflect.ValueOf(v))
		if err != nil {
			return kc, r.opError("Query", nil, e.fieldError(rangeAttr, err.(*renderError)))
		}
		out.values = append(out.values, s)
	}
	f, last := rt.conditionField(fv.source)
	if f != nil && f.unordered && kc.op != "=" && kc.op != "begins_with" {
		return fail("field %q of %s's template %q does not sort as its values do (a number in decimal, or a time layout out of order), so %s on it would select the wrong items: give it a width, ordered, or a layout from the year down",
			f.attr.Name, rangeAttr, rt.text, kc.op)
	}
	if f != nil && !last {
		out.op, out.values = fieldBounds(out.op, out.values, rt.sep, f.exact(reflect.ValueOf(kc.values[len(kc.values)-1])))
	}
	return out, nil
}

// conditionField returns the field a sort condition's value is for (the
// first src does not give), and whether it ends the template.
func (t *template) conditionField(src fieldSource) (*boundField, bool) {
	for i, f := range t.fields {
		if f == nil {
			continue
		}
		if _, ok := src(f); !ok {
			return f, i == len(t.fields)-1
		}
	}
	return nil, true
}

// exact reports whether a condition's value v renders the field's whole
// text (a value of its type), rather than being used as it is (a string,
// which may be a prefix of the text).
func (f *boundField) exact(v reflect.Value) bool {
	return v.Kind() != reflect.String || (f.kind != renderString && f.kind != renderRaw && f.kind != renderTime)
}

// fieldBounds turns a sort condition on a field that more of the template
// follows into one on the keys: a key whose field has value x is x, the
// separator and more, so it is greater than x itself. Equality is then a
// prefix; and, for a value that renders the field whole, "> x" and "<= x"
// (and BETWEEN's upper bound) move past every key of x.
func fieldBounds(op string, vals []any, sep byte, exact bool) (string, []any) {
	past := func(x any) any { return prefixEnd(x.(string) + string(sep)) }
	switch {
	case op == "=":
		return "begins_with", []any{vals[0].(string) + string(sep)}
	case !exact:
	case op == ">":
		return ">=", []any{past(vals[0])}
	case op == "<=":
		return "<", []any{past(vals[0])}
	case op == "BETWEEN":
		return op, []any{vals[0], past(vals[1])}
	}
	return op, vals
}
