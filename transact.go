package dynamodel

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// DynamoDB's limits per transaction.
const (
	maxTransactItems = 100
	maxTransactBytes = 4 * 1024 * 1024
)

// A TxAction is one write of a transaction, made by a repository's TxPut,
// TxCreate, TxUpdate, TxDelete or TxCheck. Actions of repositories of
// different types mix in one TransactWrite.
type TxAction struct {
	item  types.TransactWriteItem
	table string
	op    string
	w     writeReq
	err   error

	// failed makes the error of the action's failed condition, with the
	// item decoded as the repository's type (conditionFailed[T]).
	failed func(w writeReq, old map[string]types.AttributeValue, readErr, cause error) error
}

// errTxCapacity rejects a Capacity in the options of one action of a
// transaction.
var errTxCapacity = fmt.Errorf("%w: a transaction's capacity is counted by TransactOptions.Capacity, not by the options of one action", ErrInvalidUpdate)

// label names the action for errors: operation, table and key, as in
// `Update Orders customer="c1" id="o1"`.
func (a TxAction) label() string {
	return fmt.Sprintf("%s %s %s", a.op, a.table, a.w.key)
}

// TxPut is Put as a transaction action.
func (r *Repository[T]) TxPut(item T, optFns ...func(*PutOptions)) TxAction {
	return r.txPut(item, writePut, optFns)
}

// TxCreate is Create as a transaction action: the transaction is canceled
// when the key is taken.
func (r *Repository[T]) TxCreate(item T, optFns ...func(*PutOptions)) TxAction {
	return r.txPut(item, writeCreate, optFns)
}

func (r *Repository[T]) txPut(item T, mode writeMode, optFns []func(*PutOptions)) TxAction {
	in, w, err := r.putInput(&item, mode, optFns)
	if err == nil && w.capacity != nil {
		err = errTxCapacity
	}
	a := TxAction{table: r.table, op: "Put", w: w, err: err, failed: conditionFailed[T]}
	if err == nil {
		a.item.Put = &types.Put{
			TableName: in.TableName, Item: in.Item,
			ConditionExpression:                 in.ConditionExpression,
			ExpressionAttributeNames:            in.ExpressionAttributeNames,
			ExpressionAttributeValues:           in.ExpressionAttributeValues,
			ReturnValuesOnConditionCheckFailure: in.ReturnValuesOnConditionCheckFailure,
		}
	}
	return a
}

// TxUpdate is Update as a transaction action. A transaction gives no item
// back, so UpdateOptions.Return must be left at its default.
func (r *Repository[T]) TxUpdate(key any, upd Update, optFns ...func(*UpdateOptions)) TxAction {
	a := TxAction{table: r.table, op: "Update", failed: conditionFailed[T]}
	in, w, err := r.updateInput(key, upd, optFns)
	a.w = w // with the key, when it was valid, for the error's label
	if err == nil && in.ReturnValues != types.ReturnValueAllNew {
		err = fmt.Errorf("%w: a transaction gives no item back, so UpdateOptions.Return (%s) does not apply", ErrInvalidUpdate, in.ReturnValues)
	}
	if err == nil && w.capacity != nil {
		err = errTxCapacity
	}
	if err != nil {
		a.err = err
		return a
	}
	a.item.Update = &types.Update{
		TableName: in.TableName, Key: in.Key, UpdateExpression: in.UpdateExpression,
		ConditionExpression:                 in.ConditionExpression,
		ExpressionAttributeNames:            in.ExpressionAttributeNames,
		ExpressionAttributeValues:           in.ExpressionAttributeValues,
		ReturnValuesOnConditionCheckFailure: in.ReturnValuesOnConditionCheckFailure,
	}
	return a
}

// TxDelete is Delete as a transaction action.
func (r *Repository[T]) TxDelete(key any, optFns ...func(*DeleteOptions)) TxAction {
	in, w, err := r.deleteInput(key, optFns)
	if err == nil && w.capacity != nil {
		err = errTxCapacity
	}
	a := TxAction{table: r.table, op: "Delete", w: w, err: err, failed: conditionFailed[T]}
	if err == nil {
		a.item.Delete = &types.Delete{
			TableName: in.TableName, Key: in.Key,
			ConditionExpression:                 in.ConditionExpression,
			ExpressionAttributeNames:            in.ExpressionAttributeNames,
			ExpressionAttributeValues:           in.ExpressionAttributeValues,
			ReturnValuesOnConditionCheckFailure: in.ReturnValuesOnConditionCheckFailure,
		}
	}
	return a
}

// TxCheck is a transaction action that writes nothing: the transaction is
// canceled unless the item with key satisfies cond.
func (r *Repository[T]) TxCheck(key any, cond Condition) TxAction {
	a := TxAction{table: r.table, op: "ConditionCheck", failed: conditionFailed[T]}
	k, err := r.model.keyFor(key)
	if err != nil {
		a.err = err
		return a
	}
	a.w = writeReq{mode: writeDelete, key: k}
	if cond.IsZero() {
		a.err = fmt.Errorf("%w: a condition check needs a condition", ErrInvalidCondition)
		return a
	}
	ew := exprWriter{model: r.model}
	c, err := cond.build(&ew)
	if err == nil {
		err = checkExpression(ErrInvalidCondition, "ConditionExpression", c)
	}
	if err != nil {
		a.err = err
		return a
	}
	a.item.ConditionCheck = &types.ConditionCheck{
		TableName: &r.table, Key: k, ConditionExpression: &c,
		ExpressionAttributeNames:            ew.attributeNames(),
		ExpressionAttributeValues:           ew.attributeValues(),
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	}
	return a
}

// TransactOptions are the options of TransactWrite and TransactGet.
type TransactOptions struct {
	// ClientRequestToken makes TransactWrite idempotent across calls: a
	// transaction sent again with the same token within ten minutes of its
	// success is not applied again. Empty makes TransactWrite generate one
	// for the call. Either way every attempt of the call sends the same
	// token, the SDK's retries and ConflictRetries alike, so a transaction
	// whose response was lost and that is sent again is applied once.
	ClientRequestToken string

	// ConflictRetries is how many times the transaction is sent again when
	// DynamoDB cancels it only because other transactions or writes were
	// changing its items (every failed action's reason is
	// TransactionConflict), after a pause with backoff. 0, the default,
	// returns such a cancellation at once; it matches
	// ErrTransactionConflict. Cancellations for any other reason are never
	// retried.
	ConflictRetries int

	// BaseDelay and MaxDelay bound the pause before each retry: exponential
	// from BaseDelay, capped at MaxDelay, with full jitter. Defaults 25ms
	// and 2s.
	BaseDelay, MaxDelay time.Duration

	// Capacity, when set, adds up the capacity the transaction consumes
	// (see Capacity), over every table it touches.
	Capacity *Capacity

	// ClientOptions are passed to the SDK call.
	ClientOptions []func(*dynamodb.Options)
}

// backoff pauses before retry attempt (counted from 1), as batches pause,
// or returns the context's error. ConflictRetries bounds the attempts.
func (o TransactOptions) backoff(ctx context.Context, attempt int) error {
	b := BatchOptions{BaseDelay: o.BaseDelay, MaxDelay: o.MaxDelay, MaxAttempts: attempt + 1}.withDefaults()
	return b.pause(ctx, attempt, time.Now())
}

// TransactWrite applies actions (up to 100, each on a different item) all
// together or not at all. Bad actions, too many, two on one item
// (ErrDuplicateKey), or more than 4 MB of items, keys and values
// (ErrItemTooLarge) are reported before any call. When DynamoDB cancels the
// transaction, the error is a *TransactionCanceledError naming the action
// that failed and why; it also matches ErrConditionFailed,
// ErrVersionConflict, ErrAlreadyExists or ErrNotFound as the failing action
// implies, and errors.As finds the failed action's
// *ConditionFailedError[T], with the item as it was. A transaction canceled
// only by conflicts (ErrTransactionConflict) is sent again up to
// TransactOptions.ConflictRetries times, with the same ClientRequestToken.
func TransactWrite(ctx context.Context, client API, actions []TxAction, optFns ...func(*TransactOptions)) error {
	opts := collectOptions(TransactOptions{}, optFns)
	if len(actions) == 0 || len(actions) > maxTransactItems {
		return fmt.Errorf("%w: a transaction takes 1 to %d actions, got %d", ErrInvalidUpdate, maxTransactItems, len(actions))
	}
	items := make([]types.TransactWriteItem, len(actions))
	seen := make(map[string]int, len(actions))
	size := 0
	for i, a := range actions {
		if a.err != nil {
			return fmt.Errorf("dynamodel: TransactWriteItems: action %d (%s): %w", i, a.label(), a.err)
		}
		if a.item.Put == nil && a.item.Update == nil && a.item.Delete == nil && a.item.ConditionCheck == nil {
			return fmt.Errorf("dynamodel: TransactWriteItems: %w: action %d is the zero TxAction (make actions with a repository's TxPut, TxCreate, TxUpdate, TxDelete or TxCheck)", ErrInvalidUpdate, i)
		}
		id := a.table + " " + a.w.key.String()
		if j, dup := seen[id]; dup {
			return fmt.Errorf("dynamodel: TransactWriteItems: %w: actions %d and %d both touch %s", ErrDuplicateKey, j, i, id)
		}
		seen[id] = i
		size += txActionSize(a.item)
		items[i] = a.item
	}
	if size > maxTransactBytes {
		return fmt.Errorf("dynamodel: TransactWriteItems: %w: %d bytes of items, over the 4 MB limit of a transaction", ErrItemTooLarge, size)
	}
	token := opts.ClientRequestToken
	if token == "" {
		token = newRequestToken()
	}
	in := &dynamodb.TransactWriteItemsInput{
		TransactItems:          items,
		ClientRequestToken:     &token,
		ReturnConsumedCapacity: opts.Capacity.mode(),
	}
	for attempt := 1; ; attempt++ {
		out, err := client.TransactWriteItems(ctx, in, opts.ClientOptions...)
		if err == nil {
			opts.Capacity.writes(out.ConsumedCapacity)
			return nil
		}
		if attempt > opts.ConflictRetries || !onlyConflicts(err) {
			return transactionError(ctx, client, err, actions, opts)
		}
		if berr := opts.backoff(ctx, attempt); berr != nil {
			return fmt.Errorf("%w; %w", transactionError(ctx, client, err, actions, opts), berr)
		}
	}
}

// newRequestToken returns a ClientRequestToken for one TransactWrite call:
// 32 random hex digits (DynamoDB takes up to 36 characters).
func newRequestToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}

// onlyConflicts reports whether err is a cancellation whose every failed
// action failed with TransactionConflict.
func onlyConflicts(err error) bool {
	var tce *types.TransactionCanceledException
	if !errors.As(err, &tce) {
		return false
	}
	conflicts := 0
	for _, r := range tce.CancellationReasons {
		switch code := aws.ToString(r.Code); code {
		case "", "None":
		case "TransactionConflict":
			conflicts++
		default:
			return false
		}
	}
	return conflicts > 0
}

// TransactionCanceledError is a transaction DynamoDB canceled, with the
// reason for each action. It matches ErrTransactionCanceled, and the
// sentinel of the first action that failed (ErrConditionFailed and
// ErrVersionConflict, ErrAlreadyExists or ErrNotFound as it implies); the
// SDK's *types.TransactionCanceledException stays reachable.
type TransactionCanceledError struct {
	Reasons []CancellationReason // one per action, in order, when the engine gives them
	Err     error                // the SDK's error
}

// CancellationReason is why DynamoDB canceled a transaction, for one action.
type CancellationReason struct {
	Index   int    // the action's position
	Action  string // e.g. `Update Orders customer="c1" id="o1"`
	Code    string // "None" for actions that did not fail; else e.g. ConditionalCheckFailed, TransactionConflict
	Message string
	// Item is the item as it was, for a failed condition, when the engine
	// returns it.
	Item map[string]types.AttributeValue

	// Err is the action's failure as an error: for a failed condition, a
	// *ConditionFailedError[T] of the action's repository, with the item as
	// it was (read, when the engine did not return it) and the sentinel the
	// failure implies; ErrTransactionConflict for a conflict; nil when the
	// action did not fail, or for other codes.
	Err error
}

// Error lists each failed action with its code and message.
func (e *TransactionCanceledError) Error() string {
	var parts []string
	for _, r := range e.Reasons {
		if r.Code == "" || r.Code == "None" {
			continue
		}
		s := fmt.Sprintf("action %d (%s): %s", r.Index, r.Action, r.Code)
		if r.Message != "" {
			s += ": " + r.Message
		}
		parts = append(parts, s)
	}
	if len(parts) == 0 {
		return "dynamodel: transaction canceled: " + e.Err.Error()
	}
	return "dynamodel: transaction canceled: " + strings.Join(parts, "; ")
}

// Failed returns the reasons of the actions that failed.
func (e *TransactionCanceledError) Failed() []CancellationReason {
	var out []CancellationReason
	for _, r := range e.Reasons {
		if r.Code != "" && r.Code != "None" {
			out = append(out, r)
		}
	}
	return out
}

// Unwrap returns the SDK's error.
func (e *TransactionCanceledError) Unwrap() error { return e.Err }

// Is reports whether target is ErrTransactionCanceled or matches the Err of
// a failed action (ErrConditionFailed, ErrTransactionConflict...).
func (e *TransactionCanceledError) Is(target error) bool {
	if target == ErrTransactionCanceled {
		return true
	}
	for _, r := range e.Reasons {
		if r.Err != nil && errors.Is(r.Err, target) {
			return true
		}
	}
	return false
}

// As finds target in the Err of the failed actions, in order: with it,
// errors.As(err, &cf) finds the first failed action's
// *ConditionFailedError[T] whose T is cf's.
func (e *TransactionCanceledError) As(target any) bool {
	for _, r := range e.Reasons {
		if r.Err != nil && errors.As(r.Err, target) {
			return true
		}
	}
	return false
}

// transactionError turns a TransactionCanceledException into a
// *TransactionCanceledError; other errors are classified as usual. A failed
// condition is judged from the item as it was, read when the engine did not
// return it.
func transactionError(ctx context.Context, client API, err error, actions []TxAction, opts TransactOptions) error {
	var tce *types.TransactionCanceledException
	if !errors.As(err, &tce) {
		return fmt.Errorf("dynamodel: TransactWriteItems: %w", classify(err))
	}
	out := &TransactionCanceledError{Err: err, Reasons: reasons(tce)}
	for i := range out.Reasons {
		r := &out.Reasons[i]
		if i >= len(actions) {
			continue
		}
		a := actions[i]
		r.Action = a.label()
		if r.Code != "ConditionalCheckFailed" {
			continue
		}
		old, readErr := r.Item, error(nil)
		if old == nil {
			old, readErr = currentItem(ctx, client, a.table, a.w.key, opts.ClientOptions, opts.Capacity)
		}
		if a.failed != nil {
			r.Err = a.failed(a.w, old, readErr, nil)
		} else {
			r.Err = conditionSentinel(a.w, old)
		}
	}
	return out
}

// reasons copies a cancellation's reasons; a conflict's Err is
// ErrTransactionConflict.
func reasons(tce *types.TransactionCanceledException) []CancellationReason {
	out := make([]CancellationReason, len(tce.CancellationReasons))
	for i, cr := range tce.CancellationReasons {
		out[i] = CancellationReason{Index: i, Item: cr.Item}
		if cr.Code != nil {
			out[i].Code = *cr.Code
		}
		if cr.Message != nil {
			out[i].Message = *cr.Message
		}
		if out[i].Code == "TransactionConflict" {
			out[i].Err = ErrTransactionConflict
		}
	}
	return out
}

// txActionSize is what an action adds to a transaction's 4 MB: a put's
// item, and the key and values an update, delete or condition check sends
// (an update's values are written into its item).
func txActionSize(item types.TransactWriteItem) int {
	switch {
	case item.Put != nil:
		return ItemSize(item.Put.Item)
	case item.Update != nil:
		return ItemSize(item.Update.Key) + ItemSize(item.Update.ExpressionAttributeValues)
	case item.Delete != nil:
		return ItemSize(item.Delete.Key) + ItemSize(item.Delete.ExpressionAttributeValues)
	case item.ConditionCheck != nil:
		return ItemSize(item.ConditionCheck.Key) + ItemSize(item.ConditionCheck.ExpressionAttributeValues)
	}
	return 0
}
