package dynamodel

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// writeMode says what kind of write a request is, which decides the
// conditions the model adds and how a failed condition is reported.
type writeMode uint8

const (
	writePut    writeMode = iota // replace or create
	writeCreate                  // create only
	writeUpdate                  // change an existing item
	writeUpsert                  // change or create
	writeDelete                  // delete
)

// writeReq is a write checked and ready to send.
type writeReq struct {
	mode      writeMode
	item      map[string]types.AttributeValue // the encoded item, for puts
	key       itemKey
	condition Condition // what the model itself requires (no overwrite, version)
	version   int64     // the version the item must have, when checked
	versionAt string    // the version attribute when checked, else ""
	capacity  *Capacity // where the call adds the capacity it consumed, if anywhere
}

// expectVersion records that the write checks attribute attr for version v.
func (w *writeReq) expectVersion(attr string, v int64) {
	w.version, w.versionAt = v, attr
}

// encodeForWrite encodes an item for Put or Create: it applies the model's
// roles to item (version, timestamps), encodes it, stores TTLs as epoch
// seconds, and checks the key and the size. item is updated in place to what
// will be stored. Unless keyed, the key is checked but w.key is left nil (a
// batch identifies items by the encoded item itself).
func (r *Repository[T]) encodeForWrite(item *T, mode writeMode, keyed bool) (writeReq, error) {
	if r.encodeWrite != nil {
		return r.encodeWrite(item, mode, keyed)
	}
	w := writeReq{mode: mode}
	m := r.model
	if item == nil {
		return w, fmt.Errorf("%w: nil *%v", ErrInvalidItem, m.typ)
	}
	v := reflect.ValueOf(item).Elem()
	now := r.now()

	if a, ok := m.WithRole(RoleVersion); ok {
		f, _ := fieldAt(v, a.field.Index, true)
		f = indirectAlloc(f)
		current := versionOf(f)
		if mode != writeCreate {
			if err := checkNextVersion(f.Type(), current); err != nil {
				return w, err
			}
		}
		switch {
		case mode == writeCreate:
			// A new item starts at version 1, whatever the value says.
		case current == 0:
			// Version 0 means "not stored yet": the write must create.
			w.condition = NotExists(Name(m.HashKey().Name))
			w.expectVersion(a.Name, current)
		default:
			w.condition = Equal(Name(a.Name), current)
			w.expectVersion(a.Name, current)
		}
		setVersion(f, nextVersion(mode, current))
	}
	if a, ok := m.WithRole(RoleCreated); ok {
		f, _ := fieldAt(v, a.field.Index, true)
		f = indirectAlloc(f)
		if f.Interface().(time.Time).IsZero() {
			f.Set(reflect.ValueOf(stamp(now, a)))
		}
	}
	if a, ok := m.WithRole(RoleUpdated); ok {
		f, _ := fieldAt(v, a.field.Index, true)
		indirectAlloc(f).Set(reflect.ValueOf(stamp(now, a)))
	}
	if mode == writeCreate {
		w.condition = NotExists(Name(m.HashKey().Name))
	}

	extra := 0
	if m.keys != nil {
		extra = m.keys.added()
	}
	enc, err := encodeSized(r.items, item, extra)
	if err != nil {
		return w, err
	}
	if err := r.model.storeTTL(v, enc); err != nil {
		return w, err
	}
	if m.keys != nil {
		if err := m.keys.addKeys(v, enc); err != nil {
			return w, err
		}
	}
	w.item = enc
	if keyed {
		w.key, err = m.keyOfItem(enc)
	} else {
		err = m.checkKeyOfItem(enc)
	}
	if err != nil {
		return w, err
	}
	if err := checkItem(enc); err != nil {
		return w, err
	}
	return w, nil
}

func (r *Repository[T]) now() time.Time { return r.opts.Clock().UTC().Round(0) }

// stamp is now as a timestamp attribute stores it: whole seconds for a
// unixtime attribute, so the value returned equals the value read back.
func stamp(now time.Time, a Attribute) time.Time {
	if a.field.Tag.AsUnixTime {
		return now.Truncate(time.Second)
	}
	return now
}

// indirectAlloc follows (and allocates) pointers down to a settable value.
func indirectAlloc(f reflect.Value) reflect.Value {
	for f.Kind() == reflect.Pointer {
		if f.IsNil() {
			f.Set(reflect.New(f.Type().Elem()))
		}
		f = f.Elem()
	}
	return f
}

// itemVersion returns the version of keyArg when it is an item of the
// model's type (or a pointer to one), and 0 otherwise.
func (m *Model) itemVersion(keyArg any) int64 {
	a := m.role(RoleVersion)
	if a == nil {
		return 0
	}
	v := reflect.ValueOf(keyArg)
	if v.Kind() == reflect.Pointer && !v.IsNil() {
		v = v.Elem()
	}
	if !v.IsValid() || v.Type() != m.typ {
		return 0
	}
	f, ok := fieldValue(v, a)
	if !ok {
		return 0
	}
	return versionOf(f)
}

// fieldValue returns the value of attribute a's field in struct value v,
// through embedded and field pointers; ok is false when a nil pointer is in
// the way.
func fieldValue(v reflect.Value, a *Attribute) (reflect.Value, bool) {
	f, ok := fieldAt(v, a.field.Index, false)
	for ok && f.Kind() == reflect.Pointer {
		if ok = !f.IsNil(); ok {
			f = f.Elem()
		}
	}
	return f, ok
}

func versionOf(f reflect.Value) int64 {
	if isSigned(f.Kind()) {
		return f.Int()
	}
	return int64(f.Uint())
}

func setVersion(f reflect.Value, n int64) {
	if isSigned(f.Kind()) {
		f.SetInt(n)
	} else {
		f.SetUint(uint64(n))
	}
}

func nextVersion(mode writeMode, current int64) int64 {
	if mode == writeCreate {
		return 1
	}
	return current + 1
}

// storeTTL rewrites the TTL attribute of an encoded item as epoch seconds
// (the only form DynamoDB's TTL reads), and drops it for a zero time, which
// means "never expires".
func (m *Model) storeTTL(v reflect.Value, item map[string]types.AttributeValue) error {
	a := m.role(RoleTTL)
	if a == nil {
		return nil
	}
	f, ok := fieldValue(v, a)
	if !ok {
		delete(item, a.Name)
		return nil
	}
	var secs int64
	if t, isTime := f.Interface().(time.Time); isTime {
		if t.IsZero() {
			delete(item, a.Name)
			return nil
		}
		secs = t.Unix()
	} else {
		secs = versionOf(f)
		if secs == 0 {
			delete(item, a.Name)
			return nil
		}
	}
	item[a.Name] = &types.AttributeValueMemberN{Value: strconv.FormatInt(secs, 10)}
	return nil
}

// conditionFields returns a write request's condition expression, and asks
// for the item as it was when the condition fails (nil and "" for none).
func conditionFields(cond *string) (*string, types.ReturnValuesOnConditionCheckFailure) {
	if *cond == "" {
		return nil, ""
	}
	return cond, types.ReturnValuesOnConditionCheckFailureAllOld
}

// conditionError turns a failed condition into a *ConditionFailedError[T]
// carrying the item as it was and the sentinel the caller can act on
// (ErrAlreadyExists, ErrNotFound, ErrVersionConflict or
// ErrConditionFailed). Other errors are classified as usual. The item is
// the one DynamoDB returns with the error; an engine that does not return
// it is asked with a consistent read.
func (r *Repository[T]) conditionError(ctx context.Context, err error, w writeReq) error {
	var ccf *types.ConditionalCheckFailedException
	if !errors.As(err, &ccf) {
		return classify(err)
	}
	old, readErr := ccf.Item, error(nil)
	if old == nil {
		old, readErr = currentItem(ctx, r.client, r.table, w.key, r.opts.ClientOptions, w.capacity)
	}
	return conditionFailed[T](w, old, readErr, err)
}

// conditionFailed is the error of write w, whose condition failed, given the
// item as it was (nil when there was none, or when reading it failed with
// readErr). cause is the SDK's error, nil in a transaction.
func conditionFailed[T any](w writeReq, old map[string]types.AttributeValue, readErr, cause error) error {
	e := &ConditionFailedError[T]{Found: old != nil, ItemErr: readErr, Err: mark(conditionSentinel(w, old), cause)}
	if old != nil {
		if item, err := decodeItem[T](old); err != nil {
			e.ItemErr = err
		} else {
			e.Item = item
		}
	}
	return e
}

// currentItem reads an item with a consistent read, for judging a failed
// condition: nil when it is missing, or when the read fails (err).
func currentItem(ctx context.Context, client API, table string, key itemKey, optFns []func(*dynamodb.Options), c *Capacity) (map[string]types.AttributeValue, error) {
	out, err := client.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: &table, Key: key, ConsistentRead: aws.Bool(true),
		ReturnConsumedCapacity: c.mode(),
	}, optFns...)
	if err != nil {
		return nil, fmt.Errorf("reading the item after its condition failed: %w", err)
	}
	c.read(out.ConsumedCapacity)
	return out.Item, nil
}

// conditionSentinel decides why a write's condition failed, given the item
// as it was (nil when there was none): the sentinel returned also matches
// ErrConditionFailed.
func conditionSentinel(w writeReq, old map[string]types.AttributeValue) error {
	switch {
	case w.mode == writeCreate && old != nil:
		return mark(ErrAlreadyExists, ErrConditionFailed)
	case w.versionAt != "" && versionChanged(old, w.versionAt, w.version):
		return mark(ErrVersionConflict, ErrConditionFailed)
	case w.mode == writeUpdate && old == nil:
		return mark(ErrNotFound, ErrConditionFailed)
	}
	return ErrConditionFailed
}

// versionChanged reports whether old (nil when missing) does not have
// version want in attribute attr.
func versionChanged(old map[string]types.AttributeValue, attr string, want int64) bool {
	if old == nil {
		return want != 0
	}
	n, ok := old[attr].(*types.AttributeValueMemberN)
	if !ok {
		return want != 0
	}
	got, err := strconv.ParseInt(n.Value, 10, 64)
	return err != nil || got != want
}
