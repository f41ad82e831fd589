package dynamodel

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodel/dynamodel/codec"
	"github.com/dynamodel/dynamodel/internal/attr"
)

// UpdateOptions are the options of Update.
type UpdateOptions struct {
	// Condition must hold for the update to happen; otherwise the call fails
	// with ErrConditionFailed (a *ConditionFailedError[T] holding the item
	// as it was) and nothing changes.
	Condition Condition

	// Upsert creates the item when it is missing. Without it, updating a
	// missing item fails with ErrNotFound and creates nothing.
	Upsert bool

	// ReadIndexFields lets an entity's Update read the item (one strongly
	// consistent GetItem) when the update changes a field an index key is
	// made from but gives neither that key's other fields nor (through
	// the key passed) has them. The update is then conditioned on the
	// fields read being unchanged, so a concurrent change fails it with
	// ErrConditionFailed instead of leaving a key made from stale fields.
	// Without it, such an update is an *IndexFieldsError before any call.
	// Transactions cannot read first, so TxUpdate ignores it.
	ReadIndexFields bool

	// Return says which item Update gives back: by default the whole item
	// after the update (ReturnAllNew). It is part of the request, not of
	// the update's shape, so any choice uses the same cached expressions.
	// A transaction gives nothing back, so TxUpdate rejects any other
	// choice.
	Return ReturnValue

	// Version, for a versioned model, is the version the item must have
	// (ErrVersionConflict otherwise). Zero means the one of the item passed
	// as the key, or no check when the key is not an item.
	Version int64

	// Capacity, when set, adds up the capacity the call consumes (see
	// Capacity). Like Return, it is part of the request, not of the
	// update's shape. TxUpdate rejects it: a transaction's capacity is
	// TransactOptions.Capacity.
	Capacity *Capacity
}

// indexRead is what an entity's Update read for its index keys: the
// fields, and the condition that they are unchanged.
type indexRead struct {
	fields fieldValues
	cond   Condition
}

// Update applies a prepared update to the item with key and returns the
// item as stored afterwards, or what UpdateOptions.Return asks for instead.
// The update must change something (ErrEmptyUpdate) and must not touch the
// key (ErrInvalidUpdate); both are checked before any network call. A
// versioned model's version is incremented, and checked when the key is an
// item of T or UpdateOptions.Version is set; an "updated" timestamp is set.
//
// The repository renders the expressions of each update shape (which
// attributes change, and how) once and keeps them, for up to 128 shapes;
// later updates of a shape only encode their values. A Condition's form
// (its kinds, operators and paths) completes the shape, so a condition of
// a form seen before, with other values, is not rendered either; a
// condition of text (RawCondition, FromExpression) is rendered for every
// request, and the rest is kept under what it rendered to.
func (r *Repository[T]) Update(ctx context.Context, key any, upd Update, optFns ...func(*UpdateOptions)) (T, error) {
	var zero T
	in, w, err := r.updateInput(key, upd, optFns)
	if ife, ok := err.(*IndexFieldsError); ok && ife.fields != nil && collectOptions(UpdateOptions{}, optFns).ReadIndexFields {
		vals, cond, rerr := r.readIndexFields(ctx, w.key, ife.fields, w.mode == writeUpsert)
		if rerr != nil {
			return zero, r.opError("GetItem", w.key, rerr)
		}
		in, w, err = r.updateInputRead(key, upd, optFns, indexRead{vals, cond})
	}
	if err != nil {
		return zero, r.opError("UpdateItem", w.key, err)
	}
	callCtx, clientOpts, sink := r.returned(ctx, in.ReturnValues, r.opts.ClientOptions)
	out, err := r.client.UpdateItem(callCtx, in, clientOpts...)
	if err != nil {
		return zero, r.opError("UpdateItem", w.key, r.conditionError(ctx, err, w))
	}
	w.capacity.write(out.ConsumedCapacity)
	if sink != nil && sink.took {
		// Decoded on the direct path (direct.go). An empty item is none.
		return sink.item, nil
	}
	if len(out.Attributes) == 0 {
		return zero, nil // ReturnNone, or ReturnAllOld of an item the update created
	}
	item, err := r.decode(out.Attributes)
	if err != nil {
		return zero, r.opError("UpdateItem", w.key, err)
	}
	return item, nil
}

// UpdateItemInput returns the UpdateItem request Update would send, without
// sending it: for code that calls the SDK itself (with its own middleware,
// say) but wants dynamodel's checks, roles and placeholders.
func (r *Repository[T]) UpdateItemInput(key any, upd Update, optFns ...func(*UpdateOptions)) (*dynamodb.UpdateItemInput, error) {
	in, _, err := r.updateInput(key, upd, optFns)
	return in, err
}

// updateRequest is an UpdateItem request together with the strings and
// the first scalar values it points to, so that preparing an update
// allocates once for all of them.
type updateRequest struct {
	in      dynamodb.UpdateItemInput
	expr    string
	cond    string
	scalars scalars
}

// fill completes the request with its expressions and the names and
// values their placeholders stand for, and returns it.
func (req *updateRequest) fill(expr, cond string, names map[string]string, values map[string]types.AttributeValue) *dynamodb.UpdateItemInput {
	req.expr, req.cond = expr, cond
	in := &req.in
	in.ExpressionAttributeNames, in.ExpressionAttributeValues = names, values
	in.ConditionExpression, in.ReturnValuesOnConditionCheckFailure = conditionFields(&req.cond)
	return in
}

// updateRequestOptions is an updateRequest with the options it was built
// with: an option function is given a pointer to them, which escapes, so
// they share the request's allocation rather than have one of their own.
type updateRequestOptions struct {
	updateRequest
	opts UpdateOptions
}

// updateInput applies the options, checks an update against the model,
// adds what the model's roles require, and renders the request. It also
// returns what a failed condition must be explained with. On an error the
// returned writeReq has the key when the key was valid.
func (r *Repository[T]) updateInput(keyArg any, upd Update, optFns []func(*UpdateOptions)) (*dynamodb.UpdateItemInput, writeReq, error) {
	return r.updateInputRead(keyArg, upd, optFns, indexRead{})
}

// updateInputRead is updateInput with the fields an entity's Update read
// for its index keys.
func (r *Repository[T]) updateInputRead(keyArg any, upd Update, optFns []func(*UpdateOptions), read indexRead) (*dynamodb.UpdateItemInput, writeReq, error) {
	var none UpdateOptions // stays on the stack: only opts points to it
	req, opts := newUpdateRequest(optFns, &none)
	k, err := r.model.keyWith(keyArg, &req.scalars)
	if err != nil {
		return nil, writeReq{}, err
	}
	w := writeReq{mode: writeUpdate, key: k, capacity: opts.Capacity}
	if opts.Upsert {
		w.mode = writeUpsert
	}
	ret, err := opts.Return.sdk()
	if err != nil {
		return nil, w, err
	}
	if upd.IsEmpty() {
		return nil, w, ErrEmptyUpdate
	}
	var buf [maxShapeOps]updateOp
	ops, want, err := r.withRoles(upd.appendOps(buf[:0]), keyArg, opts, &w, &req.scalars, read)
	if err != nil && ops == nil {
		return nil, w, err
	}
	lacking := err // with changes, the fields to read: the rest is checked first
	in := &req.in
	// Field by field: the request is on the heap already, and a composite
	// literal would be built aside and copied over.
	in.TableName = &r.table
	in.Key = k
	in.UpdateExpression = &req.expr
	in.ReturnValues = ret
	in.ReturnConsumedCapacity = opts.Capacity.mode()
	if err := r.expressions(req, opts.Condition, w.mode, want, ops); err != nil {
		return nil, w, err
	}
	if lacking != nil {
		return nil, w, lacking
	}
	return in, w, nil
}

// newUpdateRequest allocates a request and applies optFns to its options,
// which share its allocation; without options, the options are none.
func newUpdateRequest(optFns []func(*UpdateOptions), none *UpdateOptions) (*updateRequest, *UpdateOptions) {
	if len(optFns) == 0 {
		return new(updateRequest), none
	}
	both := new(updateRequestOptions)
	for _, fn := range optFns {
		fn(&both.opts)
	}
	return &both.updateRequest, &both.opts
}

// withRoles checks a caller's changes against the model and adds what its
// roles require: the version incremented (and in w, checked when the key
// is an item or the options give one), the update and creation times, an
// entity's key attributes (and, when its fields were read, the condition
// that they are unchanged, added to opts). It returns the changes and the
// version the item must have (0 for none). When the update lacks fields
// that opts let it read, it returns the changes it has so far along with
// the *IndexFieldsError naming them, for them to be checked before the
// read.
func (r *Repository[T]) withRoles(ops []updateOp, keyArg any, opts *UpdateOptions, w *writeReq, sc *scalars, read indexRead) ([]updateOp, int64, error) {
	m := r.model
	if err := m.checkUpdate(ops); err != nil {
		return nil, 0, err
	}
	var want int64
	if ver := m.role(RoleVersion); ver != nil {
		if want = opts.Version; want == 0 {
			want = m.itemVersion(keyArg)
		}
		if want != 0 {
			if err := checkNextVersion(ver.field.Type, want); err != nil {
				return nil, 0, err
			}
			w.expectVersion(ver.Name, want)
		}
		ops = append(ops, updateOp{kind: opAdd, path: Name(ver.Name), value: sc.num("1")})
	}
	if a := m.role(RoleUpdated); a != nil && !touches(ops, a.Name) {
		ops = append(ops, updateOp{kind: opSet, path: Name(a.Name), value: stampValue(r.now(), *a)})
	}
	if a := m.role(RoleCreated); a != nil && w.mode == writeUpsert && !touches(ops, a.Name) {
		ops = append(ops, updateOp{kind: opSetIfMissing, path: Name(a.Name), value: stampValue(r.now(), *a)})
	}
	e := m.keys
	if e == nil {
		return ops, want, nil
	}
	ops, err := e.rewriteUpdate(m, keyArg, ops, read.fields)
	if err != nil && !(opts.ReadIndexFields && readable(err)) {
		return nil, 0, err
	}
	if !read.cond.IsZero() {
		opts.Condition = And(opts.Condition, read.cond)
	}
	if w.mode == writeUpsert {
		ops = e.upsertKeyFields(m, keyArg, w.key, ops)
		if e.typeAttr != "" {
			ops = append(ops, updateOp{kind: opSet, path: Name(e.typeAttr), value: &types.AttributeValueMemberS{Value: e.name}})
		}
	}
	return ops, want, err
}

// readable reports whether err is an *IndexFieldsError for fields a read
// can give.
func readable(err error) bool {
	ife, ok := err.(*IndexFieldsError)
	return ok && ife.fields != nil
}

// expressions fills in req's expressions, names and values for the
// changes ops and the caller's condition cond: from the cache when it has
// seen the update's shape (and cond's form, or the text cond rendered to),
// and otherwise rendered, and then stored in the cache.
//
// A caller's condition is not a shape: the shape is completed with the
// condition's form (Condition.form), which also encodes its values, so a
// known form only adds the update's values. A condition without a form
// (text written by hand) is rendered, and the rest of the update is cached
// under what it rendered to.
func (r *Repository[T]) expressions(req *updateRequest, cond Condition, mode writeMode, want int64, ops []updateOp) error {
	conditional := !cond.IsZero()
	// Without a caller's condition, the shape alone decides the rendering.
	shape, cacheable := shapeOf(mode, want != 0, ops)
	if cacheable && !conditional {
		if t := r.updates.get(&shape); t != nil {
			values, err := templateValues(t.values, want, ops, &req.scalars)
			if err != nil {
				return err
			}
			req.fill(t.expr, t.cond, maps.Clone(t.names), values)
			return nil
		}
	}
	// The writer and the key's buffer stay on the stack.
	var ew0 exprWriter
	var keyBuf [160]byte
	ew := &ew0
	ew.model = r.model
	ew.scalars = &req.scalars
	var key []byte
	if cacheable && conditional {
		// Only the values are needed if the form is known.
		ew.values = make(map[string]types.AttributeValue, len(ops)+4)
		formKey, err := cond.form(ew, append(shapeKey(keyBuf[:0], &shape), formTagged))
		if err == nil {
			key = formKey
			if t := r.updates.getConditional(key); t != nil {
				if err := addTemplateValues(ew.values, want, ops, &req.scalars); err != nil {
					return err
				}
				req.fill(t.expr, t.cond, maps.Clone(t.names), ew.attributeValues())
				return nil
			}
		}
		clear(ew.values)
	}
	ew.grow(len(ops)+3, len(ops)+2)
	// The caller's condition comes first, then the model's own. Without a
	// caller's condition, placeholders are handed out in the order
	// templateValues relies on: the version checked, then the changes'
	// values, then an empty list for each append.
	userCond, err := cond.build(ew)
	if err != nil {
		return err
	}
	textKeyed := cacheable && conditional && key == nil
	if textKeyed {
		key = condKey(shapeKey(keyBuf[:0], &shape), userCond, ew.order, len(ew.values))
		if t := r.updates.getConditional(key); t != nil {
			base := len(ew.order)
			for i, n := range t.more {
				ew.names[placeholder(namePlaceholders, "#n", base+i)] = n
			}
			if err := addTemplateValues(ew.values, want, ops, &req.scalars); err != nil {
				return err
			}
			req.fill(t.expr, t.cond, ew.attributeNames(), ew.attributeValues())
			return nil
		}
	}
	condNames := len(ew.order)
	if err := r.render(req, ew, userCond, mode, want, ops); err != nil {
		return err
	}
	switch {
	case textKeyed:
		r.updates.addConditional(key, &updateTemplate{expr: req.expr, cond: req.cond, values: len(ew.values), more: slices.Clone(ew.order[condNames:])})
	case cacheable && conditional:
		r.updates.addConditional(key, &updateTemplate{expr: req.expr, cond: req.cond, names: maps.Clone(ew.names), values: len(ew.values)})
	case cacheable:
		r.updates.add(shape, &updateTemplate{expr: req.expr, cond: req.cond, names: maps.Clone(ew.names), values: len(ew.values)})
	}
	return nil
}

// render renders the update's expressions with ew, which holds the
// caller's condition rendered (userCond): the changes, and the model's
// own conditions after the caller's (the item exists, unless upserting;
// its version is want, when not 0), and fills req with them.
func (r *Repository[T]) render(req *updateRequest, ew *exprWriter, userCond string, mode writeMode, want int64, ops []updateOp) error {
	m := r.model
	var own [2]string
	conds := own[:0]
	if mode == writeUpdate {
		conds = append(conds, ew.exists(m.attrs[m.roles[RoleHash]].Name))
	}
	if want != 0 {
		ver := m.role(RoleVersion)
		conds = append(conds, ew.name(ver.Name)+" = "+ew.value(ew.scalars.versionValue(want)))
	}
	expr, err := renderUpdate(ew, ops)
	if err != nil {
		return err
	}
	cond := joinConditions(userCond, conds)
	if err := checkExpression(ErrInvalidUpdate, "UpdateExpression", expr); err != nil {
		return err
	}
	if err := checkExpression(ErrInvalidCondition, "ConditionExpression", cond); err != nil {
		return err
	}
	req.fill(expr, cond, ew.attributeNames(), ew.attributeValues())
	return nil
}

// joinConditions joins rendered conditions with AND, each in parentheses
// when there is more than one.
func joinConditions(first string, rest []string) string {
	n := len(rest)
	if first != "" {
		n++
	}
	switch {
	case n == 0:
		return ""
	case n == 1 && first != "":
		return first
	case n == 1:
		return rest[0]
	}
	var b strings.Builder
	add := func(s string) {
		if b.Len() > 0 {
			b.WriteString(" AND ")
		}
		b.WriteByte('(')
		b.WriteString(s)
		b.WriteByte(')')
	}
	if first != "" {
		add(first)
	}
	for _, s := range rest {
		add(s)
	}
	return b.String()
}

// touches reports whether a change is to attribute name or inside it.
func touches(ops []updateOp, name string) bool {
	for _, op := range ops {
		if pathRoot(op.path) == name {
			return true
		}
	}
	return false
}

// checkUpdate rejects changes to the key or the version (or inside them),
// and rewrites, in place, a TTL set from a time as epoch seconds and a
// sortable time (an index key) with codec.SortableTimeLayout.
func (m *Model) checkUpdate(ops []updateOp) error {
	ttl, hasTTL := m.roleName(RoleTTL)
	ver, hasVer := m.roleName(RoleVersion)
	for i := range ops {
		op := &ops[i]
		root := pathRoot(op.path)
		switch {
		case op.kind == opInvalid:
			return op.value.(error)
		case root == "":
			// Not a path: renderUpdate says why.
		case m.isKey(root):
			return fmt.Errorf("%w: %s a key attribute and cannot be changed", ErrInvalidUpdate, pathIn(op.path, root))
		case hasVer && root == ver:
			return fmt.Errorf("%w: %s the version attribute, which dynamodel maintains", ErrInvalidUpdate, pathIn(op.path, root))
		case hasTTL && root == ttl && isAttribute(op.path, ttl) && (op.kind == opSet || op.kind == opSetIfMissing):
			av, err := ttlValue(*op)
			if err != nil {
				return fmt.Errorf("%w: TTL %q: %v", ErrInvalidUpdate, ttl, err)
			}
			if av == nil {
				*op = updateOp{kind: opRemove, path: op.path}
			} else {
				op.value = av
			}
		case m.sortableNonKeys != nil && (op.kind == opSet || op.kind == opSetIfMissing) &&
			slices.Contains(m.sortableNonKeys, root) && isAttribute(op.path, root):
			av, err := sortableValue(op.value)
			if err != nil {
				return fmt.Errorf("%w: %q: %v", ErrInvalidUpdate, op.path, err)
			}
			op.value = av
		}
	}
	return nil
}

// sortableValue is the value a sortable time attribute is set to: a time
// (or a string attributevalue's form, as a change set gives it) with
// codec.SortableTimeLayout. Anything else is left as it is.
func sortableValue(v any) (any, error) {
	var t time.Time
	switch x := v.(type) {
	case time.Time:
		t = x
	case *time.Time:
		if x == nil {
			return v, nil
		}
		t = *x
	case *types.AttributeValueMemberS:
		parsed, err := time.Parse(time.RFC3339, x.Value)
		if err != nil {
			return v, nil
		}
		t = parsed
	default:
		return v, nil
	}
	s, err := codec.FormatSortableTime(t)
	if err != nil {
		return nil, err
	}
	return &types.AttributeValueMemberS{Value: s}, nil
}

// pathIn says how path relates to attribute root, for an error message:
// `"version" is` or `"version.x" is inside "version",`.
func pathIn(path, root string) string {
	if isAttribute(path, root) {
		return fmt.Sprintf("%q is", root)
	}
	return fmt.Sprintf("%q is inside %q,", path, root)
}

// isAttribute reports whether path is exactly the top-level attribute name.
func isAttribute(path, name string) bool {
	if path == name {
		return !needsQuotes(name)
	}
	r := readPath(path)
	first, ok := r.next()
	if !ok || first.name != name {
		return false
	}
	_, more := r.next()
	return !more && r.err == nil
}

// isAnyAttribute reports whether path is exactly one of the top-level
// attributes names.
func isAnyAttribute(path string, names []string) bool {
	for _, n := range names {
		if isAttribute(path, n) {
			return true
		}
	}
	return false
}

// ttlValue encodes a TTL being set as epoch seconds; nil means remove (a zero
// time never expires).
func ttlValue(op updateOp) (types.AttributeValue, error) {
	var t time.Time
	switch v := op.value.(type) {
	case time.Time:
		t = v
	case *time.Time:
		if v != nil {
			t = *v
		}
	default:
		av, err := op.encode(nil)
		if err != nil {
			return nil, err
		}
		switch a := av.(type) {
		case *types.AttributeValueMemberN:
			return a, nil
		case *types.AttributeValueMemberS:
			parsed, err := time.Parse(time.RFC3339Nano, a.Value)
			if err != nil {
				return nil, fmt.Errorf("want a time or epoch seconds, got %q", a.Value)
			}
			t = parsed
		case *types.AttributeValueMemberNULL:
		default:
			return nil, fmt.Errorf("want a time or epoch seconds, got %s", attr.TypeName(av))
		}
	}
	if t.IsZero() {
		return nil, nil
	}
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(t.Unix(), 10)}, nil
}

// stampValue is a timestamp as the attribute stores it.
func stampValue(now time.Time, a Attribute) types.AttributeValue {
	t := stamp(now, a)
	switch {
	case a.field.Tag.AsUnixTime:
		return &types.AttributeValueMemberN{Value: strconv.FormatInt(t.Unix(), 10)}
	case a.SortableTime:
		return &types.AttributeValueMemberS{Value: t.UTC().Format(codec.SortableTimeLayout)}
	}
	return &types.AttributeValueMemberS{Value: t.Format(time.RFC3339Nano)}
}
