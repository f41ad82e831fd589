package dynamodel

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// PutOptions are the options of Put and Create.
type PutOptions struct {
	// Condition must hold for the write to happen; otherwise the call fails
	// with ErrConditionFailed and nothing is written.
	Condition Condition
}

// Put stores item, replacing any item with the same key, and returns it as
// stored (with its version and timestamps, for models that have them). The
// key and the item's size are checked before any network call.
func (r *Repository[T]) Put(ctx context.Context, item T, optFns ...func(*PutOptions)) (T, error) {
	return r.put(ctx, item, writePut, optFns)
}

// Create stores item only when no item has its key; otherwise it fails with
// an error matching both ErrAlreadyExists and ErrConditionFailed and writes
// nothing.
func (r *Repository[T]) Create(ctx context.Context, item T, optFns ...func(*PutOptions)) (T, error) {
	return r.put(ctx, item, writeCreate, optFns)
}

func (r *Repository[T]) put(ctx context.Context, item T, mode writeMode, optFns []func(*PutOptions)) (T, error) {
	in, w, err := r.putInput(&item, mode, optFns)
	if err != nil {
		return item, r.opError("PutItem", w.key, err)
	}
	if _, err := r.client.PutItem(ctx, in, r.opts.ClientOptions...); err != nil {
		return item, r.opError("PutItem", w.key, r.conditionError(ctx, err, w))
	}
	return item, nil
}

// putInput checks and renders a put; item is updated to what will be
// stored (version, timestamps).
func (r *Repository[T]) putInput(item *T, mode writeMode, optFns []func(*PutOptions)) (*dynamodb.PutItemInput, writeReq, error) {
	opts := collectOptions(PutOptions{}, optFns)
	w, err := r.encodeForWrite(item, mode)
	if err != nil {
		return nil, w, err
	}
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
	}
	in.ConditionExpression, in.ReturnValuesOnConditionCheckFailure = conditionFields(&cond)
	return in, w, nil
}
