package dynamodel

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// DynamoDB's limits per batch request.
const (
	maxBatchWrite = 25
	maxBatchGet   = 100
)

// BatchWriteError reports the part of a BatchWrite that was not done: the
// items not stored and the keys not deleted, exactly as the caller passed
// them. Everything else was written, once. It matches ErrBatchIncomplete.
// Writing the reported work again is safe: puts and deletes are idempotent.
type BatchWriteError[T any] struct {
	Table   string
	Puts    []T   // items not stored
	Deletes []any // keys not deleted
	Err     error // why: the last request's error, the context's, or unprocessed items after the last attempt
}

// Error says how many writes were not done, and why.
func (e *BatchWriteError[T]) Error() string {
	return fmt.Sprintf("dynamodel: BatchWriteItem %s: %d put(s) and %d delete(s) not done: %v",
		e.Table, len(e.Puts), len(e.Deletes), e.Err)
}

// Unwrap returns ErrBatchIncomplete and the cause.
func (e *BatchWriteError[T]) Unwrap() []error { return []error{ErrBatchIncomplete, e.Err} }

// BatchWriteOptions are the options of BatchPut, BatchDelete and
// BatchWrite: how the batch is sent (BatchOptions, which start as the
// repository's Options.Batch).
type BatchWriteOptions struct {
	BatchOptions
}

// BatchPut stores items (replacing any with the same keys) in requests of 25,
// several at once, resending what DynamoDB leaves unprocessed with backoff.
// Keys and sizes are checked, and duplicate keys rejected (ErrDuplicateKey),
// before any call. It returns the items as stored (with their versions and
// timestamps, for models that have them), in the order given, and leaves
// items itself unchanged, as Put does.
//
// On failure the error is a *BatchWriteError[T] listing exactly the items
// not stored, as the caller passed them, and the items returned are all of
// them as they were (or would have been) stored; an error found before any
// call returns none.
func (r *Repository[T]) BatchPut(ctx context.Context, items []T, optFns ...func(*BatchWriteOptions)) ([]T, error) {
	return r.BatchWrite(ctx, items, nil, optFns...)
}

// BatchDelete deletes the items with keys, as BatchPut stores them. On
// failure the error is a *BatchWriteError[T] listing the keys not deleted.
func (r *Repository[T]) BatchDelete(ctx context.Context, keys []any, optFns ...func(*BatchWriteOptions)) error {
	_, err := r.BatchWrite(ctx, nil, keys, optFns...)
	return err
}

// BatchWrite stores puts and deletes keys, in requests of 25, and returns
// the puts as stored (see BatchPut). No key may appear twice in one call.
// Batches cannot carry conditions, so a versioned model needs
// SkipVersionCheck.
func (r *Repository[T]) BatchWrite(ctx context.Context, puts []T, deletes []any, optFns ...func(*BatchWriteOptions)) ([]T, error) {
	opts := collectOptions(BatchWriteOptions{BatchOptions: r.opts.Batch}, optFns)
	batch := opts.BatchOptions.withDefaults()
	m := r.model
	if _, versioned := m.WithRole(RoleVersion); versioned && len(puts) > 0 && !batch.SkipVersionCheck {
		return nil, r.opError("BatchWriteItem", nil, fmt.Errorf("%w: %v is versioned and a batch cannot check versions: use Put, a transaction, or SkipVersionCheck (Options.Batch, or the call's BatchWriteOptions)", ErrInvalidItem, m.typ))
	}
	type origin struct {
		put    int // index into puts, or -1
		delete int // index into deletes, or -1
	}
	reqs := make([]types.WriteRequest, 0, len(puts)+len(deletes))
	origins := make(map[string]origin, len(puts)+len(deletes))
	add := func(k itemKey, req types.WriteRequest, o origin) error {
		s := k.String()
		if _, dup := origins[s]; dup {
			return fmt.Errorf("%w: %s appears twice in one batch", ErrDuplicateKey, s)
		}
		origins[s] = o
		reqs = append(reqs, req)
		return nil
	}
	stored := slices.Clone(puts)
	for i := range stored {
		w, err := r.encodeForWrite(&stored[i], writePut)
		if err != nil {
			return nil, r.opError("BatchWriteItem", w.key, fmt.Errorf("item %d: %w", i, err))
		}
		if err := add(w.key, types.WriteRequest{PutRequest: &types.PutRequest{Item: w.item}}, origin{i, -1}); err != nil {
			return nil, r.opError("BatchWriteItem", nil, err)
		}
	}
	for i, key := range deletes {
		k, err := m.keyFor(key)
		if err != nil {
			return nil, r.opError("BatchWriteItem", nil, fmt.Errorf("delete %d: %w", i, err))
		}
		if err := add(k, types.WriteRequest{DeleteRequest: &types.DeleteRequest{Key: k}}, origin{-1, i}); err != nil {
			return nil, r.opError("BatchWriteItem", nil, err)
		}
	}

	chunks := chunk(reqs, maxBatchWrite)
	var (
		mu       sync.Mutex
		notDone  []types.WriteRequest
		lastErr  error
		keyNames = m.keyNames()
	)
	skipped, err := runChunks(ctx, len(chunks), batch.Concurrency, func(ctx context.Context, c int) error {
		left, err := r.writeChunk(ctx, batch, chunks[c])
		if err != nil {
			mu.Lock()
			notDone = append(notDone, left...)
			lastErr = err
			mu.Unlock()
		}
		return err
	})
	for _, c := range skipped {
		notDone = append(notDone, chunks[c]...)
	}
	if err == nil {
		return stored, nil
	}
	if lastErr == nil {
		lastErr = err
	}
	be := &BatchWriteError[T]{Table: r.table, Err: lastErr}
	for _, req := range notDone {
		var k itemKey
		if req.PutRequest != nil {
			k = projectKey(req.PutRequest.Item, keyNames)
		} else {
			k = req.DeleteRequest.Key
		}
		o := origins[k.String()]
		if o.put >= 0 {
			be.Puts = append(be.Puts, puts[o.put])
		} else {
			be.Deletes = append(be.Deletes, deletes[o.delete])
		}
	}
	return stored, be
}

// writeChunk sends one request's worth of writes until all are processed or
// the attempts run out; it returns what was not done.
func (r *Repository[T]) writeChunk(ctx context.Context, opt BatchOptions, reqs []types.WriteRequest) ([]types.WriteRequest, error) {
	for attempt := 1; ; attempt++ {
		out, err := r.client.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{
			RequestItems: map[string][]types.WriteRequest{r.table: reqs},
		}, r.opts.ClientOptions...)
		if err != nil {
			return reqs, classify(err)
		}
		reqs = out.UnprocessedItems[r.table]
		if len(reqs) == 0 {
			return nil, nil
		}
		if attempt >= opt.MaxAttempts {
			return reqs, fmt.Errorf("%d write(s) still unprocessed after %d attempts", len(reqs), attempt)
		}
		if err := opt.backoff(ctx, attempt); err != nil {
			return reqs, err
		}
	}
}

// projectKey keeps the key attributes of an item.
func projectKey(item map[string]types.AttributeValue, names []string) itemKey {
	k := make(itemKey, len(names))
	for _, n := range names {
		k[n] = item[n]
	}
	return k
}

// chunk splits s into slices of at most n.
func chunk[E any](s []E, n int) [][]E {
	var out [][]E
	for len(s) > n {
		out = append(out, s[:n:n])
		s = s[n:]
	}
	if len(s) > 0 {
		out = append(out, s)
	}
	return out
}
