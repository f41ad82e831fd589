package dynamodel

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// GetOptions are the options of Get, Lookup and TxGet: those every read
// has (ReadOptions).
type GetOptions struct {
	ReadOptions
}

// Get returns the item with key, or an error wrapping ErrNotFound when there
// is none. The key is a Key, the hash key value, or an item whose key fields
// are set; it is checked before any network call (ErrInvalidKey).
func (r *Repository[T]) Get(ctx context.Context, key any, optFns ...func(*GetOptions)) (T, error) {
	item, k, err := r.lookup(ctx, key, optFns)
	if err == nil && k != nil {
		err = r.opError("GetItem", k, ErrNotFound)
	}
	return item, err
}

// Lookup returns the item with key and true, or the zero T and false when
// there is none: a missing item is not an error.
func (r *Repository[T]) Lookup(ctx context.Context, key any, optFns ...func(*GetOptions)) (T, bool, error) {
	item, missing, err := r.lookup(ctx, key, optFns)
	return item, err == nil && missing == nil, err
}

// lookup reads one item; missing is its key when there is no such item.
func (r *Repository[T]) lookup(ctx context.Context, key any, optFns []func(*GetOptions)) (item T, missing itemKey, err error) {
	k, err := r.model.keyFor(key)
	if err != nil {
		return item, nil, r.opError("GetItem", nil, err)
	}
	opts := collectOptions(GetOptions{ReadOptions: r.readDefaults()}, optFns)
	in := &dynamodb.GetItemInput{
		TableName:      &r.table,
		Key:            k,
		ConsistentRead: aws.Bool(opts.ConsistentRead),

		ReturnConsumedCapacity: opts.Capacity.mode(),
	}
	if opts.hasProjection() {
		var w exprWriter
		p, err := opts.projection(&w, r.projectionKeys("")...)
		if err == nil {
			err = r.checkReadPaths(&w, nil, &p, "")
		}
		if err != nil {
			return item, nil, r.opError("GetItem", k, err)
		}
		in.ProjectionExpression = &p
		in.ExpressionAttributeNames = w.attributeNames()
	}
	sink := &itemSink[T]{keys: r.model.keys}
	callCtx, clientOpts := r.direct(ctx, sink)
	out, err := r.client.GetItem(callCtx, in, clientOpts...)
	if err != nil {
		return item, nil, r.opError("GetItem", k, classify(err))
	}
	opts.Capacity.read(out.ConsumedCapacity)
	if sink.took && len(out.Item) == 0 {
		// Decoded on the direct path (direct.go).
		if !sink.found {
			return item, k, nil
		}
		return sink.item, nil, nil
	}
	if out.Item == nil {
		return item, k, nil
	}
	item, err = r.decode(out.Item)
	if err != nil {
		return item, nil, r.opError("GetItem", k, err)
	}
	return item, nil, nil
}
