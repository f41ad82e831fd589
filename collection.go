package dynamodel

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// A Collection reads the items of several entities that share a partition
// (of the table or of an index) with one query, handing each item, in key
// order, to the handler of its entity, decoded as that entity's Go type:
//
//	var user User
//	var photos []Photo
//	res, err := table.Collection(
//		dynamodel.On(users, func(u User) error { user = u; return nil }),
//		dynamodel.AppendTo(photoEntity, &photos),
//	).Query(ctx, kc, func(o *dynamodel.QueryOptions) { o.Descending = true })
//
// Items of entities the collection has no handler for, items of no entity
// the table declares, and items whose entity-type attribute names another
// entity than their key are not decoded: they are counted in
// CollectionResult.Unknown.
type Collection struct {
	table    *Table
	handlers map[*entityKeys]Handler
	err      error
}

// A Handler takes the items of one entity in a Collection: made by On or
// AppendTo.
type Handler interface {
	handlerEntity() *entityKeys
	handle(Item) error
}

type handlerFunc[T any] struct {
	e  *Entity[T]
	fn func(T) error
}

func (h handlerFunc[T]) handlerEntity() *entityKeys { return h.e.keys }

func (h handlerFunc[T]) handle(it Item) error {
	v, _ := As(h.e, it)
	return h.fn(v)
}

// On returns a Handler that calls fn with each item of entity e. An error
// from fn stops the read and is returned; ErrStop stops it without one.
func On[T any](e *Entity[T], fn func(T) error) Handler { return handlerFunc[T]{e: e, fn: fn} }

// AppendTo returns a Handler that appends each item of entity e to dst.
func AppendTo[T any](e *Entity[T], dst *[]T) Handler {
	return handlerFunc[T]{e: e, fn: func(v T) error { *dst = append(*dst, v); return nil }}
}

// CollectionResult is what a Collection's Query read.
type CollectionResult struct {
	// Items counts the items handed to handlers.
	Items int
	// Unknown counts the items read that no handler takes: of another
	// entity of the table, or of none it declares.
	Unknown int
	// Cursor resumes the read (QueryOptions.Cursor) after the last item
	// read, when Limit or a handler's ErrStop stopped it with more to
	// read; "" when the read reached the end. As with Page.Cursor, a read
	// that Limit ends exactly at the end may still have one (DynamoDB
	// cannot tell there is nothing after it); it then reads nothing more.
	Cursor string
}

// Collection returns a collection of the entities of handlers, each of
// which must be an entity of t, with one handler each.
func (t *Table) Collection(handlers ...Handler) *Collection {
	c := &Collection{table: t, handlers: map[*entityKeys]Handler{}}
	for _, h := range handlers {
		e := h.handlerEntity()
		switch {
		case e.table != t:
			c.err = fmt.Errorf("%w: entity %s is of %s, not of the collection's", ErrInvalidQuery, e.name, e.table.apart(t))
		case c.handlers[e] != nil:
			c.err = fmt.Errorf("%w: two handlers for entity %s", ErrInvalidQuery, e.name)
		}
		c.handlers[e] = h
	}
	return c
}

// Query reads the items kc selects, page by page as the handlers take
// them, in key order (QueryOptions.Descending reverses it), and hands
// each to its entity's handler. With QueryOptions.Limit it reads at most
// that many items (those it counts as Unknown included) and returns a
// Cursor when more are left; with QueryOptions.MaxEvaluated, an error
// wrapping ErrMaxEvaluated and a Cursor when that many were evaluated
// with more left. kc is a KeyCondition of key values or an
// entity's; the query may be on an index (QueryOptions.Index).
func (c *Collection) Query(ctx context.Context, kc KeyCondition, optFns ...func(*QueryOptions)) (CollectionResult, error) {
	var res CollectionResult
	r := c.table.raw
	if c.err != nil {
		return res, r.opError("Query", nil, c.err)
	}
	opts := r.queryOptions(optFns)
	kc, err := r.resolveKeyCondition(kc, &opts)
	if err != nil {
		return res, err
	}
	fetch, start, err := r.queryFetch(kc, opts, types.SelectAllAttributes)
	if err != nil {
		return res, err
	}
	read, err := r.queryCursor(kc, opts)
	if err != nil {
		return res, r.opError("Query", nil, err)
	}
	b := bounds{opts.Limit, opts.PageSize, opts.MaxEvaluated}
	seen, evaluated := 0, 0
	for {
		page, err := fetch(ctx, start, b.request(seen, evaluated))
		if err != nil {
			return res, err
		}
		evaluated += page.evaluated
		for i, raw := range page.items {
			seen++
			// Items no handler takes are counted, not decoded.
			e := c.table.recognize(raw)
			h := c.handlers[e]
			if h == nil {
				res.Unknown++
				continue
			}
			it, err := c.table.decodeAs(e, raw)
			if isOtherEntity(err) { // its entity-type attribute names another
				res.Unknown++
				continue
			}
			if err != nil {
				return res, r.opError("Query", c.table.keyItem(raw), err)
			}
			res.Items++
			if err := h.handle(it); err != nil {
				if errors.Is(err, ErrStop) {
					err = nil
					if i < len(page.items)-1 || len(page.next) > 0 {
						res.Cursor, err = r.sealCursor("Query", read, r.lastKey(raw, opts.Index))
					}
				}
				return res, err
			}
		}
		if len(page.next) == 0 {
			return res, nil
		}
		if opts.Limit > 0 && seen >= opts.Limit {
			res.Cursor, err = r.sealCursor("Query", read, page.next)
			return res, err
		}
		if b.spent(evaluated) {
			if res.Cursor, err = r.sealCursor("Query", read, page.next); err != nil {
				return res, err
			}
			return res, r.opError("Query", nil, maxEvaluatedError(evaluated))
		}
		start = page.next
	}
}

// keyItem is the table key of an item, for errors.
func (t *Table) keyItem(raw map[string]types.AttributeValue) itemKey {
	k := itemKey{t.hash: raw[t.hash]}
	if t.rng != "" {
		k[t.rng] = raw[t.rng]
	}
	return k
}

// lastKey is the LastEvaluatedKey a read of index (or of the table) would
// give after item: its table and index key attributes.
func (r *Repository[T]) lastKey(item map[string]types.AttributeValue, index string) map[string]types.AttributeValue {
	names, _ := r.cursorKeyNames(index, nil)
	return projectKey(item, names)
}
