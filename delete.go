package dynamodel

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// DeleteOptions are the options of Delete and DeleteReturning.
type DeleteOptions struct {
	// Condition must hold for the delete to happen; otherwise the call fails
	// with ErrConditionFailed (a *ConditionFailedError[T] holding the item
	// as it was) and the item stays.
	Condition Condition

	// MustExist makes deleting a missing item fail with ErrNotFound.
	// Without it, deleting a missing item succeeds and does nothing, as in
	// DynamoDB.
	MustExist bool

	// Capacity, when set, adds up the capacity the call consumes (see
	// Capacity). TxDelete rejects it: a transaction's capacity is
	// TransactOptions.Capacity.
	Capacity *Capacity
}

// Delete deletes the item with key. For a versioned model, passing the item
// itself as the key deletes it only if its version is unchanged
// (ErrVersionConflict otherwise).
func (r *Repository[T]) Delete(ctx context.Context, key any, optFns ...func(*DeleteOptions)) error {
	_, _, _, err := r.delete(ctx, key, types.ReturnValueNone, optFns)
	return err
}

// DeleteReturning deletes the item with key and returns it as it was
// (DynamoDB's ReturnValues ALL_OLD, which costs no extra read), or an error
// wrapping ErrNotFound when there was no such item (and so nothing was
// deleted).
func (r *Repository[T]) DeleteReturning(ctx context.Context, key any, optFns ...func(*DeleteOptions)) (T, error) {
	old, k, sink, err := r.delete(ctx, key, types.ReturnValueAllOld, optFns)
	var item T
	if err != nil {
		return item, err
	}
	if sink != nil && sink.took {
		// Decoded on the direct path (direct.go).
		if !sink.found {
			return item, r.opError("DeleteItem", k, ErrNotFound)
		}
		return sink.item, nil
	}
	if old == nil {
		return item, r.opError("DeleteItem", k, ErrNotFound)
	}
	item, err = r.decode(old)
	if err != nil {
		return item, r.opError("DeleteItem", k, err)
	}
	return item, nil
}

// delete deletes the item with key, asking for rv; it returns what
// DynamoDB returned: the old item's attributes, or the sink that decoded
// them on the direct path (when sink.took, the attributes are nil).
func (r *Repository[T]) delete(ctx context.Context, key any, rv types.ReturnValue, optFns []func(*DeleteOptions)) (map[string]types.AttributeValue, itemKey, *itemSink[T], error) {
	in, w, err := r.deleteInput(key, optFns)
	if err != nil {
		return nil, w.key, nil, r.opError("DeleteItem", w.key, err)
	}
	in.ReturnValues = rv
	callCtx, clientOpts, sink := r.returned(ctx, rv, r.opts.ClientOptions)
	out, err := r.client.DeleteItem(callCtx, in, clientOpts...)
	if err != nil {
		return nil, w.key, nil, r.opError("DeleteItem", w.key, r.conditionError(ctx, err, w))
	}
	w.capacity.write(out.ConsumedCapacity)
	return out.Attributes, w.key, sink, nil
}

// deleteInput checks and renders a delete.
func (r *Repository[T]) deleteInput(key any, optFns []func(*DeleteOptions)) (*dynamodb.DeleteItemInput, writeReq, error) {
	opts := collectOptions(DeleteOptions{}, optFns)
	m := r.model
	k, err := m.keyFor(key)
	w := writeReq{mode: writeDelete, key: k, capacity: opts.Capacity}
	if err != nil {
		return nil, w, err
	}
	conds := []Condition{opts.Condition}
	if opts.MustExist {
		w.mode = writeUpdate // a failed existence check reads as ErrNotFound
		conds = append(conds, Exists(Name(m.HashKey().Name)))
	}
	if a, ok := m.WithRole(RoleVersion); ok {
		if want := m.itemVersion(key); want != 0 {
			conds = append(conds, Equal(Name(a.Name), want))
			w.expectVersion(a.Name, want)
		}
	}
	ew := exprWriter{model: r.model}
	cond, err := And(conds...).build(&ew)
	if err == nil {
		err = checkExpression(ErrInvalidCondition, "ConditionExpression", cond)
	}
	if err != nil {
		return nil, w, err
	}
	in := &dynamodb.DeleteItemInput{
		TableName:                 &r.table,
		Key:                       k,
		ExpressionAttributeNames:  ew.attributeNames(),
		ExpressionAttributeValues: ew.attributeValues(),
		ReturnConsumedCapacity:    opts.Capacity.mode(),
	}
	in.ConditionExpression, in.ReturnValuesOnConditionCheckFailure = conditionFields(&cond)
	return in, w, nil
}
