package dynamodel

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// A TxGetAction is one read of TransactGet: a *TxGetItem[T], made by a
// repository's TxGet. Reads of repositories of different types mix in one
// TransactGet.
type TxGetAction interface {
	// txGet returns the read's request, nil for a nil handle.
	txGet() *txGet
	// receive stores the item read (nil: there is none).
	receive(item map[string]types.AttributeValue) error
	// takeJSON and receiveTaken are receive on the direct path
	// (direct_transact.go).
	takeJSON(item []byte) bool
	receiveTaken()
}

// txGet is the request of one read of a transaction.
type txGet struct {
	item  types.TransactGetItem
	table string
	key   itemKey
	err   error // what is wrong with the read, found when it was made
}

// A TxGetItem is a read of one item for TransactGet, and after the call its
// result:
//
//	ada := users.TxGet("ada@example.com")
//	o1 := orders.TxGet(dynamodel.Key{Hash: "ada@example.com", Range: "o1"})
//	err := dynamodel.TransactGet(ctx, client, []dynamodel.TxGetAction{ada, o1})
//	user, found := ada.Result()
//
// A TxGetItem belongs to one TransactGet at a time.
type TxGetItem[T any] struct {
	get    txGet
	item   T
	found  bool
	decode decodeFunc[T]
	direct bool // decode on the direct path (Repository.decodesDirect)

	taken      T // the item the direct path decoded, until the call succeeds
	takenFound bool
}

var _ TxGetAction = (*TxGetItem[User])(nil)

// TxGet returns a read of the item with key, for TransactGet. Of the
// options, Projection applies; the read is strongly consistent whatever
// ConsistentRead says, and Capacity is an error (count the transaction's in
// TransactOptions.Capacity). A bad key is reported by TransactGet, before
// any call.
func (r *Repository[T]) TxGet(key any, optFns ...func(*GetOptions)) *TxGetItem[T] {
	g := &TxGetItem[T]{get: txGet{table: r.table}, decode: r.decode, direct: r.decodesDirect()}
	k, err := r.model.keyFor(key)
	if err != nil {
		g.get.err = err
		return g
	}
	opts := collectOptions(GetOptions{ReadOptions: r.readDefaults()}, optFns)
	g.get.key = k
	if opts.Capacity != nil {
		g.get.err = fmt.Errorf("%w: a transaction's capacity is counted by TransactOptions.Capacity, not by the options of one read", ErrInvalidQuery)
		return g
	}
	get := &types.Get{TableName: &r.table, Key: k}
	if opts.hasProjection() {
		var w exprWriter
		p, err := opts.projection(&w)
		if err != nil {
			g.get.err = err
			return g
		}
		get.ProjectionExpression, get.ExpressionAttributeNames = &p, w.attributeNames()
	}
	g.get.item.Get = get
	return g
}

// Result returns the item read and true, or the zero T and false when there
// is no such item or TransactGet has not read it (yet, or because it
// failed).
func (g *TxGetItem[T]) Result() (T, bool) { return g.item, g.found }

func (g *TxGetItem[T]) txGet() *txGet {
	if g == nil {
		return nil
	}
	return &g.get
}

func (g *TxGetItem[T]) receive(m map[string]types.AttributeValue) error {
	var zero T
	g.item, g.found = zero, false
	if m == nil {
		return nil
	}
	item, err := g.decode(m)
	if err != nil {
		return err
	}
	g.item, g.found = item, true
	return nil
}

// TransactGet reads items (up to 100, of any tables) as one consistent
// snapshot; afterwards each TxGetItem's Result holds its item, or reports
// that there is none. Bad reads, too many, or two of one item
// (ErrDuplicateKey) are reported before any call. When the call fails, no
// read has a result. Of the options, ConflictRetries (with its delays),
// Capacity and ClientOptions apply.
func TransactGet(ctx context.Context, client API, gets []TxGetAction, optFns ...func(*TransactOptions)) error {
	opts := collectOptions(TransactOptions{}, optFns)
	if len(gets) == 0 || len(gets) > maxTransactItems {
		return fmt.Errorf("%w: a transaction takes 1 to %d reads, got %d", ErrInvalidQuery, maxTransactItems, len(gets))
	}
	items := make([]types.TransactGetItem, len(gets))
	seen := make(map[string]int, len(gets))
	direct := true
	for i, g := range gets {
		var get *txGet
		if g != nil {
			get = g.txGet()
		}
		if get == nil {
			return fmt.Errorf("dynamodel: TransactGetItems: %w: read %d is nil", ErrInvalidQuery, i)
		}
		if get.err != nil {
			return fmt.Errorf("dynamodel: TransactGetItems: read %d (%s): %w", i, get.table, get.err)
		}
		if get.item.Get == nil {
			return fmt.Errorf("dynamodel: TransactGetItems: %w: read %d is a zero TxGetItem (make reads with a repository's TxGet)", ErrInvalidQuery, i)
		}
		id := get.table + " " + get.key.String()
		if j, dup := seen[id]; dup {
			return fmt.Errorf("dynamodel: TransactGetItems: %w: reads %d and %d both read %s", ErrDuplicateKey, j, i, id)
		}
		seen[id] = i
		items[i] = get.item
		direct = direct && g.takeJSON(nil)
	}
	for _, g := range gets {
		_ = g.receive(nil) // no result from an earlier call stays
	}
	in := &dynamodb.TransactGetItemsInput{TransactItems: items, ReturnConsumedCapacity: opts.Capacity.mode()}
	// directItems checks the body's CRC32 on either path; when every read
	// decodes on the direct path, it decodes the items (direct_transact.go).
	callCtx, clientOpts, sink := ctx, append(slices.Clip(opts.ClientOptions), addDirectItems), (*txGetSink)(nil)
	if direct {
		sink = &txGetSink{gets: gets}
		callCtx = sink.withParent(ctx)
	}
	var out *dynamodb.TransactGetItemsOutput
	for attempt := 1; ; attempt++ {
		var err error
		out, err = client.TransactGetItems(callCtx, in, clientOpts...)
		if err == nil {
			break
		}
		var tce *types.TransactionCanceledException
		if !errors.As(err, &tce) {
			return fmt.Errorf("dynamodel: TransactGetItems: %w", classify(err))
		}
		canceled := &TransactionCanceledError{Err: err, Reasons: reasons(tce)}
		for i := range canceled.Reasons {
			if i < len(gets) {
				get := gets[i].txGet()
				canceled.Reasons[i].Action = fmt.Sprintf("Get %s %s", get.table, get.key)
			}
		}
		if attempt > opts.ConflictRetries || !onlyConflicts(err) {
			return canceled
		}
		if berr := opts.backoff(ctx, attempt); berr != nil {
			return fmt.Errorf("%w; %w", canceled, berr)
		}
	}
	opts.Capacity.reads(out.ConsumedCapacity)
	if sink != nil && sink.took && len(out.Responses) == 0 {
		for _, g := range gets {
			g.receiveTaken()
		}
		return nil
	}
	for i, g := range gets {
		var item map[string]types.AttributeValue
		if i < len(out.Responses) {
			item = out.Responses[i].Item
		}
		if err := g.receive(item); err != nil {
			for _, g := range gets[:i] {
				_ = g.receive(nil)
			}
			get := g.txGet()
			return fmt.Errorf("dynamodel: TransactGetItems: read %d (%s %s): %w", i, get.table, get.key, err)
		}
	}
	return nil
}
