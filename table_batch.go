package dynamodel

import (
	"context"
	"fmt"
	"reflect"
	"time"
)

// Batches across the entities of a Table. A Table's own repository (see
// rawRepository) reads and deletes any entity's items by key; for its
// puts, its encodeForWrite hands each Item to the repository of the
// Item's entity, so keys, index keys, the entity-type attribute, versions,
// timestamps and TTL are rendered as that entity's own BatchPut renders
// them, and one batch loop (Repository.BatchWrite) sends them all.

// Item returns an Item of entity e holding v, to be stored with the other
// entities' items of one Table.BatchWrite or BatchPut:
//
//	stored, err := table.BatchPut(ctx, []dynamodel.Item{users.Item(u), photos.Item(p)})
//
// The Item's Raw is nil until it is written.
func (e *Entity[T]) Item(v T) Item { return Item{entity: e.keys, value: v} }

// BatchGet reads the items with keys, keys of any of the table's entities
// (EntityKeys made by Entity.Key, or Keys of the table's key attribute
// values), as Repository.BatchGet does: in requests of 100, resending what
// DynamoDB throttles or leaves unprocessed. It returns the items found, in
// the order of keys, each decoded as the entity its key says it is; an
// item of no declared entity is an Item whose Entity is "" (with its Raw
// attributes), as in Query. Keys are checked before any call: an EntityKey
// of another Table's entity, or a zero EntityKey, is ErrInvalidKey, and a
// key given twice ErrDuplicateKey. On failure it returns what it read and a
// *BatchGetError sorting the keys into read and not read. An item whose
// entity-type attribute names another entity than its key is left out, as
// Table.Get reports it: a *WrongEntityError names it, and the other items
// are returned.
func (t *Table) BatchGet(ctx context.Context, keys []any, optFns ...func(*BatchGetOptions)) ([]Item, error) {
	if err := t.checkKeys(keys, "key"); err != nil {
		return nil, t.raw.opError("BatchGetItem", nil, err)
	}
	return t.raw.BatchGet(ctx, keys, optFns...)
}

// BatchPut stores items of any of the table's entities (made by
// Entity.Item, or read by the table's own reads), replacing any with the
// same keys, as Table.BatchWrite does.
func (t *Table) BatchPut(ctx context.Context, items []Item, optFns ...func(*BatchWriteOptions)) ([]Item, error) {
	return t.BatchWrite(ctx, items, nil, optFns...)
}

// BatchDelete deletes the items with keys, keys of any of the table's
// entities, as Table.BatchWrite does. On failure the error is a
// *BatchWriteError[Item] sorting the keys into done, not done and unknown.
func (t *Table) BatchDelete(ctx context.Context, keys []any, optFns ...func(*BatchWriteOptions)) error {
	_, err := t.BatchWrite(ctx, nil, keys, optFns...)
	return err
}

// BatchWrite stores puts, items of any of the table's entities, and
// deletes the items with keys deletes (EntityKeys of any of its entities,
// or Keys of its key attribute values), as Repository.BatchWrite does: in
// requests of 25, several at once, resending what DynamoDB throttles or
// leaves unprocessed (see BatchOptions). Each put is stored as its entity
// stores it: keys and index keys rendered from its fields, the
// entity-type attribute when the table has one, version, timestamps and
// TTL as its type's tags ask. It returns the puts as stored, in the order
// given, each holding its value as stored (As) and its attributes as
// written (Raw); the Items passed are left unchanged.
//
// Every write is checked before any call: a put is ErrInvalidItem when it
// is an Item of no entity (the zero Item, or one read back with Entity
// ""), of another Table's entity, or of a versioned entity without
// SkipVersionCheck (a batch cannot check versions); a key field that
// cannot go into a key is a *KeyFieldError; a zero EntityKey or another
// Table's is ErrInvalidKey; and a key given twice, by one entity or two,
// is ErrDuplicateKey. On failure the error is a *BatchWriteError[Item]
// sorting the puts and deletes, as passed, into done, not done and
// unknown.
func (t *Table) BatchWrite(ctx context.Context, puts []Item, deletes []any, optFns ...func(*BatchWriteOptions)) ([]Item, error) {
	opts := collectOptions(BatchWriteOptions{BatchOptions: t.raw.opts.Batch}, optFns)
	for i := range puts {
		if err := t.checkPut(&puts[i], opts.SkipVersionCheck); err != nil {
			return nil, t.raw.opError("BatchWriteItem", nil, fmt.Errorf("item %d: %w", i, err))
		}
	}
	if err := t.checkKeys(deletes, "delete"); err != nil {
		return nil, t.raw.opError("BatchWriteItem", nil, err)
	}
	return t.raw.BatchWrite(ctx, puts, deletes, func(o *BatchWriteOptions) { *o = opts })
}

// checkPut checks that it is an Item of an entity of t that a batch can
// write.
func (t *Table) checkPut(it *Item, skipVersionCheck bool) error {
	e := it.entity
	switch {
	case e == nil:
		what := "the zero Item"
		if it.raw != nil {
			what = fmt.Sprintf("item %s, of no entity table %s declares", t.keyString(it.raw), t.name)
		}
		return fmt.Errorf("%w: %s: make an Item to write with Entity.Item", ErrInvalidItem, what)
	case e.table != t:
		return fmt.Errorf("%w: an Item of entity %s of %s", ErrInvalidItem, e.name, e.table.apart(t))
	}
	if _, versioned := e.model.WithRole(RoleVersion); versioned && !skipVersionCheck {
		return fmt.Errorf("%w: entity %s is versioned and a batch cannot check versions: use Put, a transaction, or SkipVersionCheck (Options.Batch, or the call's BatchWriteOptions)", ErrInvalidItem, e.name)
	}
	return nil
}

// checkKeys checks keys with checkKey; what names a key in the error
// ("key", "delete").
func (t *Table) checkKeys(keys []any, what string) error {
	for i, k := range keys {
		if err := t.checkKey(k); err != nil {
			return fmt.Errorf("%s %d: %w", what, i, err)
		}
	}
	return nil
}

// checkKey checks that an EntityKey is of one of t's entities, and that a
// struct is a key at all; the table's own model checks the rest (Keys,
// and a partition key's value for a table without a sort key).
func (t *Table) checkKey(k any) error {
	var ek EntityKey
	switch v := k.(type) {
	case EntityKey:
		ek = v
	case *EntityKey:
		if v == nil {
			return nil // the model reports it
		}
		ek = *v
	case Key, *Key, KeyValue, *KeyValue, time.Time, *time.Time, nil:
		return nil
	default:
		if reflect.Indirect(reflect.ValueOf(k)).Kind() == reflect.Struct {
			return &InvalidKeyError{Reason: fmt.Sprintf(
				"a key of table %s is an EntityKey (Entity.Key) or a Key of its key attributes' values, not a %T", t.name, k)}
		}
		return nil
	}
	if ek.entity != nil && ek.entity.table != t { // a zero one the model reports
		return &InvalidKeyError{Reason: fmt.Sprintf("a key of entity %s of %s", ek.entity.name, ek.entity.table.apart(t))}
	}
	return nil
}

// encodeWrite is the encodeForWrite of the table's own repository: it
// encodes it as its entity does, and updates it in place to the Item as
// stored (its value, as the entity stores it, and the attributes written).
func (t *Table) encodeWrite(it *Item, mode writeMode, keyed bool) (writeReq, error) {
	if err := t.checkPut(it, true); err != nil { // Table.BatchWrite has checked it
		return writeReq{mode: mode}, err
	}
	v, w, err := it.entity.encodeWrite(it.value, mode, keyed)
	if err != nil {
		return w, err
	}
	it.value, it.raw = v, w.item
	return w, nil
}
