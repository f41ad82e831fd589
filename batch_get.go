package dynamodel

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// BatchGetError reports the keys a BatchGet could not read, exactly as the
// caller passed them. It matches ErrBatchIncomplete.
type BatchGetError struct {
	Table string
	Keys  []any // keys not read
	Err   error // why
}

// Error says how many keys were not read, and why.
func (e *BatchGetError) Error() string {
	return fmt.Sprintf("dynamodel: BatchGetItem %s: %d key(s) not read: %v", e.Table, len(e.Keys), e.Err)
}

// Unwrap returns ErrBatchIncomplete and the cause.
func (e *BatchGetError) Unwrap() []error { return []error{ErrBatchIncomplete, e.Err} }

// BatchGetOptions are the options of BatchGet: those every read has
// (ReadOptions), and how the batch is sent (BatchOptions, which start as
// the repository's Options.Batch).
type BatchGetOptions struct {
	ReadOptions
	BatchOptions
}

// BatchGet reads the items with keys, in requests of 100, several at once,
// resending what DynamoDB leaves unprocessed with backoff. It returns the
// items found, in the order of keys; keys without an item are skipped. Keys
// are checked, and duplicates rejected (ErrDuplicateKey), before any call.
// On failure it returns what it read and a *BatchGetError listing the keys
// not read.
func (r *Repository[T]) BatchGet(ctx context.Context, keys []any, optFns ...func(*BatchGetOptions)) ([]T, error) {
	opts := collectOptions(BatchGetOptions{ReadOptions: r.readDefaults(), BatchOptions: r.opts.Batch}, optFns)
	batch := opts.BatchOptions.withDefaults()
	m := r.model
	encoded := make([]map[string]types.AttributeValue, len(keys))
	index := make(map[string]int, len(keys))
	for i, key := range keys {
		k, err := m.keyFor(key)
		if err != nil {
			return nil, r.opError("BatchGetItem", nil, fmt.Errorf("key %d: %w", i, err))
		}
		s := k.String()
		if _, dup := index[s]; dup {
			return nil, r.opError("BatchGetItem", k, fmt.Errorf("%w: %s appears twice in one batch", ErrDuplicateKey, s))
		}
		index[s] = i
		encoded[i] = k
	}
	var w exprWriter
	var proj *string
	if len(opts.Projection) > 0 {
		names := m.keyNames()
		for _, n := range opts.Projection {
			if !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
		p := projection(&w, names)
		proj = &p
	}
	base := types.KeysAndAttributes{
		ConsistentRead:           aws.Bool(opts.ConsistentRead),
		ProjectionExpression:     proj,
		ExpressionAttributeNames: w.attributeNames(),
	}

	var (
		mu       sync.Mutex
		found    = make([]map[string]types.AttributeValue, len(keys))
		notRead  []map[string]types.AttributeValue
		lastErr  error
		keyNames = m.keyNames()
	)
	chunks := chunk(encoded, maxBatchGet)
	skipped, err := runChunks(ctx, len(chunks), batch.Concurrency, func(ctx context.Context, c int) error {
		left := chunks[c]
		for attempt := 1; ; attempt++ {
			req := base
			req.Keys = left
			out, err := r.client.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{
				RequestItems: map[string]types.KeysAndAttributes{r.table: req},
			}, r.opts.ClientOptions...)
			if err == nil {
				mu.Lock()
				for _, item := range out.Responses[r.table] {
					if i, ok := index[projectKey(item, keyNames).String()]; ok {
						found[i] = item
					}
				}
				mu.Unlock()
				left = out.UnprocessedKeys[r.table].Keys
				if len(left) == 0 {
					return nil
				}
				if attempt >= batch.MaxAttempts {
					err = fmt.Errorf("%d key(s) still unprocessed after %d attempts", len(left), attempt)
				} else {
					err = batch.backoff(ctx, attempt)
				}
			} else {
				err = classify(err)
			}
			if err != nil {
				mu.Lock()
				notRead = append(notRead, left...)
				lastErr = err
				mu.Unlock()
				return err
			}
		}
	})
	for _, c := range skipped {
		notRead = append(notRead, chunks[c]...)
	}
	items := make([]T, 0, len(keys))
	for _, raw := range found {
		if raw == nil {
			continue
		}
		item, derr := decodeItem[T](raw)
		if derr != nil {
			return items, r.opError("BatchGetItem", projectKey(raw, keyNames), derr)
		}
		items = append(items, item)
	}
	if err == nil {
		return items, nil
	}
	if lastErr == nil {
		lastErr = err
	}
	be := &BatchGetError{Table: r.table, Err: lastErr}
	for _, k := range notRead {
		be.Keys = append(be.Keys, keys[index[itemKey(k).String()]])
	}
	return items, be
}
