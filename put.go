package dynamodel

import (
	"context"
	"slices"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodel/dynamodel/internal/retry"
)

// PutOptions are the options of Put, PutReturning and Create.
type PutOptions struct {
	// Condition must hold for the write to happen; otherwise the call fails
	// with ErrConditionFailed (a *ConditionFailedError[T] holding the item
	// as it was) and nothing is written.
	Condition Condition

	// Capacity, when set, adds up the capacity the call consumes (see
	// Capacity). TxPut and TxCreate reject it: a transaction's capacity is
	// TransactOptions.Capacity.
	Capacity *Capacity
}

// A PutResult is what PutReturning gives back.
type PutResult[T any] struct {
	Item     T    // the item as stored, as Put returns it
	Old      T    // the item it replaced; the zero T when there was none
	Replaced bool // whether there was an item with the key
}

// Put stores item, replacing any item with the same key, and returns it as
// stored (with its version and timestamps, for models that have them). The
// key and the item's size are checked before any network call.
func (r *Repository[T]) Put(ctx context.Context, item T, optFns ...func(*PutOptions)) (T, error) {
	item, _, _, err := r.put(ctx, item, writePut, types.ReturnValueNone, optFns)
	return item, err
}

// PutReturning is Put that also returns the item it replaced, as it was
// (DynamoDB's ReturnValues ALL_OLD, which costs no extra read): res.Old,
// with res.Replaced false and res.Old zero when the key was free. res.Item
// is the item as stored.
func (r *Repository[T]) PutReturning(ctx context.Context, item T, optFns ...func(*PutOptions)) (res PutResult[T], err error) {
	var old map[string]types.AttributeValue
	var sink *itemSink[T]
	res.Item, old, sink, err = r.put(ctx, item, writePut, types.ReturnValueAllOld, optFns)
	if err == nil && sink != nil && sink.took {
		// Decoded on the direct path (direct.go).
		if sink.found && !sink.empty {
			res.Old, res.Replaced = sink.item, true
		}
		return res, nil
	}
	if err != nil || len(old) == 0 {
		return res, err
	}
	res.Replaced = true
	if res.Old, err = decodeItem[T](old); err != nil {
		k, _ := r.model.keyOfItem(old)
		return res, r.opError("PutItem", k, err)
	}
	return res, nil
}

// Create stores item only when no item has its key; otherwise it fails with
// an error matching both ErrAlreadyExists and ErrConditionFailed and writes
// nothing. When the SDK resent the request because an answer was lost, and
// the item found is exactly the one this call sent, the earlier attempt
// stored it: Create succeeds. A Put with a condition (a version, or
// PutOptions.Condition) does the same; PutReturning does not, as it cannot
// know what the lost answer said was replaced.
func (r *Repository[T]) Create(ctx context.Context, item T, optFns ...func(*PutOptions)) (T, error) {
	item, _, _, err := r.put(ctx, item, writeCreate, types.ReturnValueNone, optFns)
	return item, err
}

// put stores item, asking for rv; it returns the item as stored and what
// DynamoDB returned: its attributes, or the sink that decoded them on the
// direct path (when sink.took, the attributes are empty).
func (r *Repository[T]) put(ctx context.Context, item T, mode writeMode, rv types.ReturnValue, optFns []func(*PutOptions)) (T, map[string]types.AttributeValue, *itemSink[T], error) {
	in, w, err := r.putInput(&item, mode, optFns)
	if err != nil {
		return item, nil, nil, r.opError("PutItem", w.key, err)
	}
	if rv != types.ReturnValueNone {
		in.ReturnValues = rv
	}
	callCtx, clientOpts, sink := r.returned(ctx, rv, r.opts.ClientOptions)
	var sent *retry.SendWatch
	if in.ConditionExpression != nil && rv == types.ReturnValueNone {
		sent = &retry.SendWatch{}
		clientOpts = append(slices.Clip(clientOpts), sent.Option)
	}
	out, err := r.client.PutItem(callCtx, in, clientOpts...)
	if err != nil {
		if r.storedBySelf(ctx, err, sent, w) {
			return item, nil, nil, nil
		}
		return item, nil, nil, r.opError("PutItem", w.key, r.conditionError(ctx, err, w))
	}
	w.capacity.write(out.ConsumedCapacity)
	return item, out.Attributes, sink, nil
}

// putInput checks and renders a put; item is updated to what will be
// stored (version, timestamps).
func (r *Repository[T]) putInput(item *T, mode writeMode, optFns []func(*PutOptions)) (*dynamodb.PutItemInput, writeReq, error) {
	opts := collectOptions(PutOptions{}, optFns)
	w, err := r.encodeForWrite(item, mode, true)
	if err != nil {
		return nil, w, err
	}
	w.capacity = opts.Capacity
	ew := exprWriter{model: r.model}
	cond, err := And(w.condition, opts.Condition).build(&ew)
	if err == nil {
		err = checkExpression(ErrInvalidCondition, "ConditionExpression", cond)
	}
	if err != nil {
		return nil, w, err
	}
	in := &dynamodb.PutItemInput{
		TableName:                 &r.table,
		Item:                      w.item,
		ExpressionAttributeNames:  ew.attributeNames(),
		ExpressionAttributeValues: ew.attributeValues(),
		ReturnConsumedCapacity:    opts.Capacity.mode(),
	}
	in.ConditionExpression, in.ReturnValuesOnConditionCheckFailure = conditionFields(&cond)
	return in, w, nil
}
