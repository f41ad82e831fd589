package dynamodel

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// UpdateOptions are the options of Update.
type UpdateOptions struct {
	// Condition must hold for the update to happen; otherwise the call fails
	// with ErrConditionFailed and nothing changes.
	Condition Condition

	// Upsert creates the item when it is missing. Without it, updating a
	// missing item fails with ErrNotFound and creates nothing.
	Upsert bool

	// Version, for a versioned model, is the version the item must have
	// (ErrVersionConflict otherwise). Zero means the one of the item passed
	// as the key, or no check when the key is not an item.
	Version int64
}

// Update applies a prepared update to the item with key and returns the
// item as stored afterwards. The update must change something (ErrEmptyUpdate)
// and must not touch the key (ErrInvalidUpdate); both are checked before any
// network call. A versioned model's version is incremented, and checked when
// the key is an item of T or UpdateOptions.Version is set; an "updated"
// timestamp is set.
func (r *Repository[T]) Update(ctx context.Context, key any, upd Update, optFns ...func(*UpdateOptions)) (T, error) {
	var zero T
	var opts UpdateOptions
	for _, fn := range optFns {
		fn(&opts)
	}
	k, err := r.model.keyFor(key)
	if err != nil {
		return zero, r.opError("UpdateItem", nil, err)
	}
	w := writeReq{mode: writeUpdate, key: k}
	if opts.Upsert {
		w.mode = writeUpsert
	}
	in, err := r.updateInput(key, k, upd, opts, &w)
	if err != nil {
		return zero, r.opError("UpdateItem", k, err)
	}
	out, err := r.client.UpdateItem(ctx, in, r.opts.ClientOptions...)
	if err != nil {
		return zero, r.opError("UpdateItem", k, r.conditionError(ctx, err, w))
	}
	item, err := decodeItem[T](out.Attributes)
	if err != nil {
		return zero, r.opError("UpdateItem", k, err)
	}
	return item, nil
}

// UpdateItemInput returns the UpdateItem request Update would send, without
// sending it: for code that calls the SDK itself (with its own middleware,
// say) but wants dynamodel's checks, roles and placeholders.
func (r *Repository[T]) UpdateItemInput(key any, upd Update, optFns ...func(*UpdateOptions)) (*dynamodb.UpdateItemInput, error) {
	var opts UpdateOptions
	for _, fn := range optFns {
		fn(&opts)
	}
	k, err := r.model.keyFor(key)
	if err != nil {
		return nil, err
	}
	w := writeReq{mode: writeUpdate, key: k}
	if opts.Upsert {
		w.mode = writeUpsert
	}
	return r.updateInput(key, k, upd, opts, &w)
}

// updateInput checks an update against the model, adds what the model's
// roles require, and renders the request.
func (r *Repository[T]) updateInput(keyArg any, k itemKey, upd Update, opts UpdateOptions, w *writeReq) (*dynamodb.UpdateItemInput, error) {
	if upd.IsEmpty() {
		return nil, ErrEmptyUpdate
	}
	m := r.model
	var buf [8]updateOp
	ops := upd.appendOps(buf[:0])
	if err := m.checkUpdate(ops); err != nil {
		return nil, err
	}
	var ew exprWriter
	ew.grow(len(ops)+3, len(ops)+2)
	// The caller's condition comes first, then the model's own, rendered
	// directly: they are on every update's path.
	userCond, err := opts.Condition.build(&ew)
	if err != nil {
		return nil, err
	}
	var own [2]string
	conds := own[:0]
	if w.mode == writeUpdate {
		conds = append(conds, "attribute_exists("+ew.name(m.attrs[m.roles[RoleHash]].Name)+")")
	}
	if a := m.role(RoleVersion); a != nil {
		want := opts.Version
		if want == 0 {
			want = m.itemVersion(keyArg)
		}
		if want != 0 {
			conds = append(conds, ew.name(a.Name)+" = "+ew.value(&types.AttributeValueMemberN{Value: strconv.FormatInt(want, 10)}))
			w.expectVersion(a.Name, want)
		}
		ops = append(ops, updateOp{kind: opAdd, name: a.Name, av: &types.AttributeValueMemberN{Value: "1"}})
	}
	if a := m.role(RoleUpdated); a != nil && !touches(ops, a.Name) {
		ops = append(ops, updateOp{kind: opSet, name: a.Name, av: stampValue(r.now(), *a)})
	}
	if a := m.role(RoleCreated); a != nil && w.mode == writeUpsert && !touches(ops, a.Name) {
		ops = append(ops, updateOp{kind: opSetIfMissing, name: a.Name, av: stampValue(r.now(), *a)})
	}
	expr, err := renderUpdate(&ew, ops)
	if err != nil {
		return nil, err
	}
	in := &dynamodb.UpdateItemInput{
		TableName:                 &r.table,
		Key:                       k,
		UpdateExpression:          &expr,
		ExpressionAttributeNames:  ew.attributeNames(),
		ExpressionAttributeValues: ew.attributeValues(),
		ReturnValues:              types.ReturnValueAllNew,
	}
	in.ConditionExpression, in.ReturnValuesOnConditionCheckFailure = conditionFields(joinConditions(userCond, conds))
	return in, nil
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

// touches reports whether the changes touch attribute name.
func touches(ops []updateOp, name string) bool {
	for _, op := range ops {
		if op.name == name {
			return true
		}
	}
	return false
}

// checkUpdate rejects changes to the key or the version, and rewrites a TTL
// set from a time as epoch seconds, in place.
func (m *Model) checkUpdate(ops []updateOp) error {
	ttl, hasTTL := m.roleName(RoleTTL)
	ver, hasVer := m.roleName(RoleVersion)
	for i, op := range ops {
		switch {
		case m.isKey(op.name):
			return fmt.Errorf("%w: %q is a key attribute and cannot be changed", ErrInvalidUpdate, op.name)
		case hasVer && op.name == ver:
			return fmt.Errorf("%w: %q is the version attribute, which dynamodel maintains", ErrInvalidUpdate, op.name)
		case hasTTL && op.name == ttl && (op.kind == opSet || op.kind == opSetIfMissing):
			av, err := ttlValue(op)
			if err != nil {
				return fmt.Errorf("%w: TTL %q: %v", ErrInvalidUpdate, op.name, err)
			}
			if av == nil {
				ops[i] = updateOp{kind: opRemove, name: op.name}
			} else {
				ops[i].av = av
			}
		}
	}
	return nil
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
		av, err := op.encode()
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
			return nil, fmt.Errorf("want a time or epoch seconds, got %s", avType(av))
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
	if a.field.Tag.AsUnixTime {
		return &types.AttributeValueMemberN{Value: strconv.FormatInt(t.Unix(), 10)}
	}
	return &types.AttributeValueMemberS{Value: t.Format(time.RFC3339Nano)}
}
