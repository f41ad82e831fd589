package dynamodel

import (
	"context"
	"fmt"
	"strconv"
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

// updateInput checks an update against the model, adds what the model's
// roles require, and renders the request.
func (r *Repository[T]) updateInput(keyArg any, k itemKey, upd Update, opts UpdateOptions, w *writeReq) (*dynamodb.UpdateItemInput, error) {
	if upd.IsEmpty() {
		return nil, ErrEmptyUpdate
	}
	m := r.model
	upd, err := m.checkUpdate(upd)
	if err != nil {
		return nil, err
	}
	now := r.now()
	conds := []Condition{opts.Condition}
	if w.mode == writeUpdate {
		conds = append(conds, Exists(m.HashKey().Name))
	}
	if a, ok := m.WithRole(RoleVersion); ok {
		want := opts.Version
		if want == 0 {
			want = m.itemVersion(keyArg)
		}
		if want != 0 {
			conds = append(conds, Equal(a.Name, want))
			w.expectVersion(a.Name, want)
		}
		upd = upd.Add(a.Name, 1)
	}
	if a, ok := m.WithRole(RoleUpdated); ok && !upd.touches(a.Name) {
		upd = upd.Set(a.Name, stampValue(now, a))
	}
	if a, ok := m.WithRole(RoleCreated); ok && w.mode == writeUpsert && !upd.touches(a.Name) {
		upd = upd.SetIfMissing(a.Name, stampValue(now, a))
	}
	var ew exprWriter
	expr, err := upd.build(&ew)
	if err != nil {
		return nil, err
	}
	cond, err := And(conds...).build(&ew)
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
	if cond != "" {
		in.ConditionExpression = &cond
		in.ReturnValuesOnConditionCheckFailure = types.ReturnValuesOnConditionCheckFailureAllOld
	}
	return in, nil
}

// touches reports whether the update changes attribute name.
func (u Update) touches(name string) bool {
	for _, op := range u.ops {
		if op.name == name {
			return true
		}
	}
	return false
}

// checkUpdate rejects changes to the key or the version, and stores a TTL
// set from a time as epoch seconds.
func (m *Model) checkUpdate(u Update) (Update, error) {
	ttl, hasTTL := m.WithRole(RoleTTL)
	ver, hasVer := m.WithRole(RoleVersion)
	out := Update{ops: make([]updateOp, 0, len(u.ops))}
	for _, op := range u.ops {
		switch {
		case m.isKey(op.name):
			return Update{}, fmt.Errorf("%w: %q is a key attribute and cannot be changed", ErrInvalidUpdate, op.name)
		case hasVer && op.name == ver.Name:
			return Update{}, fmt.Errorf("%w: %q is the version attribute, which dynamodel maintains", ErrInvalidUpdate, op.name)
		case hasTTL && op.name == ttl.Name && (op.kind == opSet || op.kind == opSetIfMissing):
			av, err := ttlValue(op)
			if err != nil {
				return Update{}, fmt.Errorf("%w: TTL %q: %v", ErrInvalidUpdate, op.name, err)
			}
			if av == nil {
				op = updateOp{kind: opRemove, name: op.name}
			} else {
				op.av = av
			}
		}
		out.ops = append(out.ops, op)
	}
	return out, nil
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
