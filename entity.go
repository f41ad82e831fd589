package dynamodel

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodel/dynamodel/codec"
)

// An Entity is a Go type T stored in a shared Table, whose key attributes
// (and the keys of the indexes it is in) are made from T's fields by key
// templates, so T needs no key fields of its own:
//
//	users, err := dynamodel.NewEntity[User](table, "User",
//		dynamodel.Keys("USER#{username}", "#METADATA#{username}"))
//	photos, err := dynamodel.NewEntity[Photo](table, "Photo",
//		dynamodel.Keys("USER#{username}", "PHOTO#{username}#{timestamp}"))
//
// An Entity has every operation of a Repository (it embeds one): Get,
// Lookup, Put, Create, Update, Delete, queries, scans, batches and
// transaction actions, with conditions, versions, timestamps and TTL as
// T's tags ask. Where a Repository takes a key, an Entity takes a T (whose
// key fields are used), the value of its one key field, a Key made by
// Entity.Key, or a Key of raw attribute values that fits its templates.
// Every write stores the keys rendered from the item's fields; a field
// value that cannot go into a key (it holds the separator, is empty, or
// does not fit its format) is a *KeyFieldError before any call.
//
// Reads recognise items by their keys: a Get that finds an item of another
// entity fails with a *WrongEntityError (ErrWrongEntity), and queries and
// scans pass over items of other entities, counting them in Page.Skipped
// (and, for iterators, in ReadOptions.Capacity's Usage.Skipped).
// An item is never returned as the wrong type. Get, Lookup, Query and Scan
// take the direct read path unless Options.DecodeWithSDK is set: each
// item is decoded straight from the response body into T while its key
// attributes are read, and recognised from them (with the same results as
// through the SDK's attribute values). A page's items are decoded before
// they are recognised, so a field type's own decoder (an
// attributevalue.Unmarshaler) may be given the attribute of the same name
// of another entity's item, and its result dropped: it must return an
// error, not panic, for a value it does not take. DecodeWithSDK avoids
// it. A Table's own reads
// (Table.Get, Query, Scan, Collection) go through the SDK's values.
type Entity[T any] struct {
	*Repository[T]
	keys *entityKeys
}

// EntityOptions declare an entity's key templates (see NewEntity).
type EntityOptions struct {
	// Templates maps key attribute names to templates: the table's
	// partition and sort keys (Keys), and the key attributes of indexes
	// the entity is in (IndexKeys). An index whose keys are the table's
	// own key attributes (an inverted index) needs no templates.
	Templates map[string]string

	// Separator sets off fields from the text around them in templates,
	// and no string field's value may contain it. It may not be a
	// character that a time or number field renders in its format (a ':'
	// with the default time layout, a '-' with a decimal number): NewEntity
	// refuses that, and a separator outside ASCII or a brace. Default '#'.
	Separator byte

	indexes [][3]string // IndexKeys calls, resolved against the table
}

// Keys declares the templates of the table's partition and sort keys (sort
// is "" for a table without a sort key).
func Keys(partition, sort string) func(*EntityOptions) {
	return func(o *EntityOptions) {
		o.template("", partition)
		o.template(" sort", sort)
	}
}

// IndexKeys declares the templates of a secondary index's partition and
// sort keys, for an index with key attributes of its own (an overloaded
// GSI1PK/GSI1SK, say). An item whose fields for an index key are empty
// (an empty string, a nil pointer, a zero time) is stored without that
// index's keys, so it stays out of the index (a sparse index).
func IndexKeys(index, partition, sort string) func(*EntityOptions) {
	return func(o *EntityOptions) { o.indexes = append(o.indexes, [3]string{index, partition, sort}) }
}

// template records a table key's template under a placeholder name until
// the table's attribute names are known.
func (o *EntityOptions) template(key, text string) {
	if text == "" {
		return
	}
	if o.Templates == nil {
		o.Templates = map[string]string{}
	}
	o.Templates["\x00table"+key] = text
}

// entityKeys is what an entity adds to its model: how its keys are made
// and recognised.
type entityKeys struct {
	name      string
	table     *Table
	sep       byte
	hash, rng *template            // the table's keys (rng nil without a sort key)
	templates map[string]*template // every key attribute the entity renders, by name
	indexes   []entityIndex        // indexes with key attributes of their own
	keyFields []*boundField        // the distinct fields of hash and rng, in order
	typeAttr  string               // Table's EntityType attribute, or ""
	model     *Model
	decode    func(map[string]types.AttributeValue) (any, error)
	wire      *entityWire // what the direct read path looks at (direct_entity.go)

	// encodeWrite is the entity repository's encodeForWrite of a T held in
	// an Item: it returns the T as it will be stored (table_batch.go).
	encodeWrite func(v any, mode writeMode, keyed bool) (any, writeReq, error)
}

// entityIndex is an index whose key attributes the entity renders.
type entityIndex struct {
	name      string
	hash, rng *template // rng nil for an index without a sort key
}

// NewEntity declares an entity of table t: items of type T, named name
// (for errors, and for the entity-type attribute when the table has one),
// with the key templates optFns declare (Keys, IndexKeys). It checks the
// templates against T (unknown fields, fields that cannot be rendered in
// their format) and against the table's other entities (keys that could
// be confused), and makes no network call.
func NewEntity[T any](t *Table, name string, optFns ...func(*EntityOptions)) (*Entity[T], error) {
	typ := reflect.TypeFor[T]()
	if t == nil {
		return nil, fmt.Errorf("dynamodel: NewEntity %s: nil table", name)
	}
	if name == "" || strings.ContainsAny(name, "\x00") {
		return nil, fmt.Errorf("%w %v: an entity needs a name", ErrInvalidModel, typ)
	}
	opts := EntityOptions{Separator: '#'}
	for _, fn := range optFns {
		fn(&opts)
	}
	if c := opts.Separator; c >= 0x80 || c == '{' || c == '}' {
		// A byte of a UTF-8 sequence (a '§' is 0xC2 0xA7) would be found
		// inside other characters ('ç' is 0xC3 0xA7), refusing them.
		return nil, fmt.Errorf("%w %v: entity %s: separator %q: it must be an ASCII character other than a brace", ErrInvalidModel, typ, name, rune(c))
	}
	m, err := entityModel(t, typ)
	if err != nil {
		return nil, err
	}
	e := &entityKeys{name: name, table: t, sep: opts.Separator, templates: map[string]*template{}, typeAttr: t.opts.EntityType}
	if err := e.bind(m, opts); err != nil {
		return nil, err
	}
	e.wire = newEntityWire(e)
	m.keys, e.model = e, m
	if s := t.opts.Schema; s != nil { // the table's schema is known: the entity must fit it now
		if err := e.checkSchema(s); err != nil {
			return nil, fmt.Errorf("%w %v: %w", ErrInvalidModel, typ, err)
		}
	}
	r, err := newRepository[T](t.client, t.name, m, t.repositoryOptions())
	if err != nil {
		return nil, err
	}
	r.shared = t
	r.decode = func(item map[string]types.AttributeValue) (T, error) {
		if err := e.check(item); err != nil {
			var zero T
			return zero, err
		}
		return decodeEntity[T](e, item)
	}
	e.decode = func(item map[string]types.AttributeValue) (any, error) { return decodeEntity[T](e, item) }
	e.encodeWrite = func(v any, mode writeMode, keyed bool) (any, writeReq, error) {
		item := v.(T) // an Item of e holds a T (Entity.Item)
		w, err := r.encodeForWrite(&item, mode, keyed)
		return item, w, err
	}
	if err := t.register(e); err != nil {
		return nil, err
	}
	return &Entity[T]{Repository: r, keys: e}, nil
}

// entityModel is T's model with the table's key attributes added: they
// have the hash and range roles, and no field.
func entityModel(t *Table, typ reflect.Type) (*Model, error) {
	if typ.Kind() != reflect.Struct {
		return nil, fmt.Errorf("%w %v: an entity must be a struct type", ErrInvalidModel, typ)
	}
	m, err := buildAttributes(typ)
	if err != nil {
		return nil, err
	}
	for _, r := range []Role{RoleHash, RoleRange} {
		if a := m.role(r); a != nil {
			return nil, modelError(typ, "field %s is tagged %q, but an entity's keys are made by its key templates: drop the tag", a.Field, r)
		}
	}
	reserved := []string{t.hash, t.rng, t.opts.EntityType}
	for _, ix := range t.indexes {
		reserved = append(reserved, ix.PartitionKey, ix.SortKey)
	}
	for _, a := range m.attrs {
		for _, n := range reserved {
			if n != "" && a.Name == n {
				return nil, modelError(typ, "field %s is stored as %q, an attribute table %s keeps for keys or the entity type", a.Field, n, t.name)
			}
		}
	}
	str := reflect.TypeFor[string]()
	addKey := func(name string, role Role) {
		m.roles[role] = len(m.attrs)
		m.attrs = append(m.attrs, Attribute{Name: name, Type: str, Role: role, KeyType: types.ScalarAttributeTypeS,
			field: codec.Field{Name: name, Type: str, FieldType: str}})
	}
	addKey(t.hash, RoleHash)
	if t.rng != "" {
		addKey(t.rng, RoleRange)
	}
	return m, nil
}

// bind parses and binds the entity's templates.
func (e *entityKeys) bind(m *Model, opts EntityOptions) error {
	t := e.table
	bad := func(text, format string, args ...any) error {
		return &TemplateError{Entity: e.name, Template: text, Reason: fmt.Sprintf(format, args...)}
	}
	texts := map[string]string{}
	for k, v := range opts.Templates {
		switch k {
		case "\x00table":
			k = t.hash
		case "\x00table sort":
			if t.rng == "" {
				return bad(v, "table %s has no sort key", t.name)
			}
			k = t.rng
		}
		texts[k] = v
	}
	for _, ix := range opts.indexes {
		keys, ok := t.indexKeys(ix[0])
		if !ok {
			return bad(ix[1], "table %s has no index %q (name its keys in TableOptions.Indexes, or give the table its schema)", t.name, ix[0])
		}
		if keys.PartitionKey == t.hash || keys.PartitionKey == t.rng || keys.SortKey == t.hash || (keys.SortKey == t.rng && t.rng != "") {
			return bad(ix[1], "index %s is keyed by the table's own key attributes: its keys come from Keys", ix[0])
		}
		texts[keys.PartitionKey] = ix[1]
		switch {
		case keys.SortKey != "" && ix[2] == "":
			return bad(ix[1], "index %s has sort key %s: give its template", ix[0], keys.SortKey)
		case keys.SortKey == "" && ix[2] != "":
			return bad(ix[2], "index %s has no sort key", ix[0])
		case keys.SortKey != "":
			texts[keys.SortKey] = ix[2]
		}
	}
	if texts[t.hash] == "" || (t.rng != "" && texts[t.rng] == "") {
		return bad(texts[t.hash], "the table's keys %s need templates: declare them with dynamodel.Keys", strings.TrimSpace(t.hash+" "+t.rng))
	}
	sortKeys := map[string]bool{t.rng: true}
	for _, ix := range t.indexes {
		if ix.SortKey != "" {
			sortKeys[ix.SortKey] = true
		}
	}
	for _, attr := range slices.Sorted(maps.Keys(texts)) { // sorted: the first error reported is always the same
		text := texts[attr]
		if attr != t.hash && attr != t.rng && !e.isIndexAttr(attr) {
			return bad(text, "%q is not a key attribute of table %s or of its indexes", attr, t.name)
		}
		tm, err := bindTemplate(m, attr, text, e.sep, sortKeys[attr] && attr != t.hash)
		if err == nil {
			err = checkKeyRoles(tm, attr == t.hash || attr == t.rng)
		}
		if err != nil {
			return bad(text, "%v", err)
		}
		e.templates[attr] = tm
	}
	e.hash, e.rng = e.templates[t.hash], e.templates[t.rng]
	for _, ix := range t.indexes {
		if h := e.templates[ix.PartitionKey]; h != nil && ix.PartitionKey != t.hash && ix.PartitionKey != t.rng {
			e.indexes = append(e.indexes, entityIndex{name: ix.Name, hash: h, rng: e.templates[ix.SortKey]})
		}
	}
	seen := map[*Attribute]bool{}
	for _, tm := range []*template{e.hash, e.rng} {
		if tm == nil {
			continue
		}
		for _, f := range tm.fields {
			if f != nil && !seen[f.attr] {
				seen[f.attr] = true
				e.keyFields = append(e.keyFields, f)
			}
		}
	}
	return nil
}

func (e *entityKeys) isIndexAttr(attr string) bool {
	for _, ix := range e.table.indexes {
		if ix.PartitionKey == attr || ix.SortKey == attr {
			return true
		}
	}
	return false
}

// describeKeys renders the entity's table key templates for messages.
func (e *entityKeys) describeKeys() string {
	s := e.table.hash + "=" + e.hash.text
	if e.rng != nil {
		s += " " + e.table.rng + "=" + e.rng.text
	}
	return s
}

// overlaps reports whether an item's key could fit both entities.
func (e *entityKeys) overlaps(o *entityKeys) bool {
	return e.hash.overlaps(o.hash.keyTemplate) && (e.rng == nil || e.rng.overlaps(o.rng.keyTemplate))
}

// matches reports whether item's table key fits the entity's templates.
func (e *entityKeys) matches(item map[string]types.AttributeValue) bool {
	if !matchAttr(e.hash, item[e.table.hash]) {
		return false
	}
	return e.rng == nil || matchAttr(e.rng, item[e.table.rng])
}

func matchAttr(t *template, av types.AttributeValue) bool {
	s, ok := av.(*types.AttributeValueMemberS)
	return ok && t.match(s.Value)
}

// check reports an item that is not of the entity: its key does not fit,
// or its entity-type attribute names another entity.
func (e *entityKeys) check(item map[string]types.AttributeValue) error {
	if !e.matches(item) {
		found := ""
		if o := e.table.recognize(item); o != nil {
			found = o.name
		}
		return &WrongEntityError{Table: e.table.name, Want: e.name, Found: found, Key: e.table.keyString(item)}
	}
	if e.typeAttr != "" {
		if s, ok := item[e.typeAttr].(*types.AttributeValueMemberS); ok && s.Value != e.name {
			return &WrongEntityError{Table: e.table.name, Want: e.name, Found: s.Value, Key: e.table.keyString(item)}
		}
	}
	return nil
}

// keyString renders item's table key for messages.
func (t *Table) keyString(item map[string]types.AttributeValue) string {
	k := itemKey{t.hash: item[t.hash]}
	if t.rng != "" {
		k[t.rng] = item[t.rng]
	}
	return k.String()
}

// fieldError turns a template's renderError into the error callers see.
func (e *entityKeys) fieldError(attr string, re *renderError) error {
	reason := re.reason
	if re.empty {
		reason += ": a key field needs a value"
	}
	return &KeyFieldError{Entity: e.name, Attribute: attr, Field: re.field, Reason: reason}
}

// checkKeyRoles refuses a field whose value every write changes in a key
// template: the version in any (an item's keys would change with it, and
// an update, which adds to it, could not render them), the updated time in
// the table's keys (an index may follow it: an update rewrites its keys).
func checkKeyRoles(tm *template, tableKey bool) error {
	for _, f := range tm.fields {
		switch {
		case f == nil:
		case f.attr.Role == RoleVersion:
			return fmt.Errorf("field %q is the version, which every write changes: no key can hold it", f.attr.Name)
		case f.attr.Role == RoleUpdated && tableKey:
			return fmt.Errorf("field %q is the time of the last write, which every write changes: the table's keys cannot hold it (an index's can)", f.attr.Name)
		}
	}
	return nil
}

// addKeys renders the entity's key attributes from item v into enc: the
// table's keys (every field needs a value), each index's keys (left out,
// for all of that index's attributes, when a field is empty: a sparse
// index), and the entity-type attribute.
func (e *entityKeys) addKeys(v reflect.Value, enc map[string]types.AttributeValue) error {
	src := structSource(v)
	keys := new([2]types.AttributeValueMemberS) // one allocation for both
	for i, tm := range [2]*template{e.hash, e.rng} {
		if tm == nil {
			continue
		}
		s, re := tm.render(src)
		if re != nil {
			return e.fieldError(tm.attr, re)
		}
		keys[i].Value = s
		enc[tm.attr] = &keys[i]
	}
	for _, ix := range e.indexes {
		if err := e.addIndexKeys(ix, src, enc); err != nil {
			return err
		}
	}
	if e.typeAttr != "" {
		enc[e.typeAttr] = &types.AttributeValueMemberS{Value: e.name}
	}
	return nil
}

// added returns how many attributes addKeys may add to an item.
func (e *entityKeys) added() int {
	n := 1 + len(e.indexes)*2
	if e.rng != nil {
		n++
	}
	if e.typeAttr != "" {
		n++
	}
	return n
}

// addIndexKeys renders one index's keys into enc, or none of them when a
// field is empty (see renderIndexKeys).
func (e *entityKeys) addIndexKeys(ix entityIndex, src fieldSource, enc map[string]types.AttributeValue) error {
	keys, sparse, err := e.renderIndexKeys(ix, src)
	if err != nil || sparse {
		return err
	}
	enc[ix.hash.attr] = &types.AttributeValueMemberS{Value: keys[0]}
	if ix.rng != nil {
		enc[ix.rng.attr] = &types.AttributeValueMemberS{Value: keys[1]}
	}
	return nil
}

// renderIndexKeys renders index ix's keys from src, a Put's item or an
// update's fields. sparse reports a field left empty: the item is not in
// the index. A value a key cannot hold is a *KeyFieldError all the same,
// in whichever field, and a key over DynamoDB's length limit for a key
// value an *InvalidKeyError, as the table's keys are.
func (e *entityKeys) renderIndexKeys(ix entityIndex, src fieldSource) (keys [2]string, sparse bool, err error) {
	tms := [2]*template{ix.hash, ix.rng}
	for i, tm := range tms {
		if tm == nil {
			continue
		}
		s, re := tm.render(src)
		if re != nil && !re.empty {
			return keys, false, e.fieldError(tm.attr, re)
		}
		sparse = sparse || re != nil
		keys[i] = s
	}
	if sparse {
		return keys, true, nil
	}
	for i, tm := range tms {
		if tm == nil {
			continue
		}
		if err := checkIndexKey(tm.attr, [2]Role{RoleHash, RoleRange}[i], keys[i]); err != nil {
			return keys, false, err
		}
	}
	return keys, false, nil
}

// checkIndexKey checks the rendered value s of index key attribute name,
// the index's partition (RoleHash) or sort key (RoleRange), as a table's
// key value is checked: within DynamoDB's length limit, valid UTF-8.
func checkIndexKey(name string, role Role, s string) error {
	a := Attribute{Name: name, KeyType: types.ScalarAttributeTypeS, Role: role}
	return checkKeyValue(&a, &types.AttributeValueMemberS{Value: s})
}

// decodeEntity decodes an item of entity e into a T. Fields whose
// attributes the item lacks (an index that projects only keys) are read
// back from the keys that hold them.
func decodeEntity[T any](e *entityKeys, item map[string]types.AttributeValue) (T, error) {
	v, err := decodeItem[T](item)
	if err != nil || !e.lacksFields(item) {
		return v, err
	}
	if err := e.hydrate(reflect.ValueOf(&v).Elem(), attrMap(item)); err != nil {
		return v, fmt.Errorf("%w: decode %T: %w", ErrInvalidItem, v, err)
	}
	return v, nil
}

// lacksFields reports whether item lacks the attribute of a field of one
// of its keys.
func (e *entityKeys) lacksFields(item map[string]types.AttributeValue) bool {
	for _, f := range e.keyFields {
		if _, ok := item[f.attr.Name]; !ok {
			return true
		}
	}
	for _, ix := range e.indexes {
		if _, in := item[ix.hash.attr]; !in {
			continue
		}
		for _, tm := range []*template{ix.hash, ix.rng} {
			for _, f := range tmFields(tm) {
				if _, ok := item[f.attr.Name]; !ok {
					return true
				}
			}
		}
	}
	return false
}

// hydrate sets the fields item lacks from the keys that hold them.
func (e *entityKeys) hydrate(v reflect.Value, item keyView) error {
	set := map[*Attribute]bool{}
	tms := []*template{e.hash, e.rng}
	for _, ix := range e.indexes {
		tms = append(tms, ix.hash, ix.rng)
	}
	for _, tm := range tms {
		if tm == nil {
			continue
		}
		key, ok := item.keyText(tm.attr)
		if !ok {
			continue
		}
		texts := tm.extract(key)
		for i, f := range tm.fields {
			if f == nil || texts == nil || set[f.attr] {
				continue
			}
			if item.has(f.attr.Name) {
				continue
			}
			pv, err := f.parse(texts[i])
			if err != nil {
				return fmt.Errorf("field %q from key %s %q: %w", f.attr.Name, tm.attr, key, err)
			}
			fv, _ := fieldAt(v, f.attr.field.Index, true)
			indirectAlloc(fv).Set(pv)
			set[f.attr] = true
		}
	}
	return nil
}

// A keyView is what hydrate reads of an item: the string values of its key
// attributes, and which attributes it has. The SDK's items are attrMaps;
// the direct path reads a wireView (direct_entity.go).
type keyView interface {
	keyText(attr string) (string, bool) // the attribute's string value
	has(name string) bool
}

// attrMap is an item as the SDK reads it, as a keyView.
type attrMap map[string]types.AttributeValue

func (m attrMap) keyText(attr string) (string, bool) {
	s, ok := m[attr].(*types.AttributeValueMemberS)
	if !ok {
		return "", false
	}
	return s.Value, true
}

func (m attrMap) has(name string) bool {
	_, ok := m[name]
	return ok
}
