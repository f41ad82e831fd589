package dynamodel

import (
	"context"
	"iter"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// An Item is an item of a shared Table, decoded as the entity its key says
// it is. Take the typed value out with As:
//
//	it, err := table.Get(ctx, dynamodel.Key{Hash: pk, Range: sk})
//	if p, ok := dynamodel.As(photos, it); ok {
//		...
//	}
type Item struct {
	entity *entityKeys
	value  any
	raw    map[string]types.AttributeValue
}

// Entity returns the name of the item's entity, or "" for an item of no
// entity the table declares.
func (it Item) Entity() string {
	if it.entity == nil {
		return ""
	}
	return it.entity.name
}

// Raw returns the item's attributes as read, or, for an Item
// Table.BatchWrite returns, as written; nil for an Item made by
// Entity.Item.
func (it Item) Raw() map[string]types.AttributeValue { return it.raw }

// As returns the item as a T and true when it is an item of entity e, and
// the zero T and false otherwise.
func As[T any](e *Entity[T], it Item) (T, bool) {
	if it.entity != nil && it.entity == e.keys {
		if v, ok := it.value.(T); ok {
			return v, true
		}
	}
	var zero T
	return zero, false
}

// Decode decodes raw, an item of the table read by other means (a stream
// image, say), as the entity its key says it is: an item of no declared
// entity is an Item whose Entity is "", never decoded into another
// entity's type. Fields an image lacks but its keys hold (a KEYS_ONLY
// image) are read from the keys.
func (t *Table) Decode(raw map[string]types.AttributeValue) (Item, error) { return t.decodeItem(raw) }

// decodeItem decodes an item as the entity its key says it is; an item of
// no declared entity is an Item whose Entity is "".
func (t *Table) decodeItem(raw map[string]types.AttributeValue) (Item, error) {
	return t.decodeAs(t.recognize(raw), raw)
}

// decodeAs is decodeItem of an item recognized as entity e (nil: of no
// declared entity). An item it cannot decode comes back with its error as
// an Item holding only its Raw attributes, so that what a Delete removed
// is not lost.
func (t *Table) decodeAs(e *entityKeys, raw map[string]types.AttributeValue) (Item, error) {
	if e == nil {
		return Item{raw: raw}, nil
	}
	if e.typeAttr != "" { // checked first: never decoded as the wrong type
		if s, ok := raw[e.typeAttr].(*types.AttributeValueMemberS); ok && s.Value != e.name {
			return Item{raw: raw}, &WrongEntityError{Table: t.name, Want: e.name, Found: s.Value, Key: t.keyString(raw)}
		}
	}
	v, err := e.decode(raw)
	if err != nil {
		return Item{raw: raw}, err
	}
	return Item{entity: e, value: v, raw: raw}, nil
}

// Get returns the item with key, decoded as whichever entity it is. The
// key is a Key of the table's key attribute values (strings or KeyValues),
// or any entity's EntityKey. A missing item is ErrNotFound; an item of no
// declared entity is a *WrongEntityError (ErrWrongEntity), with the Item
// still holding its Raw attributes.
func (t *Table) Get(ctx context.Context, key any, optFns ...func(*GetOptions)) (Item, error) {
	if err := t.checkKey(key); err != nil {
		return Item{}, t.raw.opError("GetItem", nil, err)
	}
	it, err := t.raw.Get(ctx, key, optFns...)
	if err == nil && it.entity == nil {
		err = &WrongEntityError{Table: t.name, Key: t.keyString(it.raw)}
	}
	return it, err
}

// Delete deletes the item with key and returns it as it was, decoded as
// whichever entity it is (Entity "" for an item of no declared entity), or
// an error wrapping ErrNotFound when there was none. An item deleted that
// cannot be decoded (its entity-type attribute names another entity than
// its key, or a field does not fit its attribute) comes back with the
// error as an Item holding its Raw attributes: it is deleted all the same.
func (t *Table) Delete(ctx context.Context, key any, optFns ...func(*DeleteOptions)) (Item, error) {
	if err := t.checkKey(key); err != nil {
		return Item{}, t.raw.opError("DeleteItem", nil, err)
	}
	return t.raw.DeleteReturning(ctx, key, optFns...)
}

// Query returns the items kc selects, each decoded as the entity its key
// says it is (Entity "" for items of no declared entity), lazily, in key
// order. kc may be an entity's (Entity.Partition), or a KeyCondition of
// key values (KeyValue, or strings). With TableOptions.EntityType, an
// item whose entity-type attribute names another entity than its key is
// passed over, never decoded, and counted in ReadOptions.Capacity
// (Usage.Skipped); QueryPage counts it in Page.Skipped.
func (t *Table) Query(ctx context.Context, kc KeyCondition, optFns ...func(*QueryOptions)) iter.Seq2[Item, error] {
	return t.raw.Query(ctx, kc, optFns...)
}

// QueryPage returns one page of up to Limit items of Query, and the cursor
// that resumes after it.
func (t *Table) QueryPage(ctx context.Context, kc KeyCondition, optFns ...func(*QueryOptions)) (Page[Item], error) {
	return t.raw.QueryPage(ctx, kc, optFns...)
}

// Scan returns every item of the table (or index), each decoded as its
// entity, lazily; with ScanOptions.Segments, in parallel. It passes over
// and counts items as Query does.
func (t *Table) Scan(ctx context.Context, optFns ...func(*ScanOptions)) iter.Seq2[Item, error] {
	return t.raw.Scan(ctx, optFns...)
}
