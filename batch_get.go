package dynamodel

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodel/dynamodel/internal/retry"
)

// BatchGetError reports a BatchGet that did not finish. It sorts the keys
// into two sets, each as the caller passed them and in the caller's order:
// Read (answered: the item was found, and is among the items returned, or
// there is none) and NotRead (never sent, throttled or left unprocessed
// until the retry bounds ran out, or sent without an answer). A read
// changes nothing, so a request without an answer is simply not read:
// BatchGet(ctx, e.NotRead) finishes the job. It matches ErrBatchIncomplete,
// and its cause (Err) with errors.Is and errors.As.
type BatchGetError struct {
	Table   string
	Read    []any // keys read: their items, if any, are among those returned
	NotRead []any // keys not read
	Err     error // why the call stopped: the context's error, a request's, or the retry bound's
}

// Error says how many keys were not read, and why.
func (e *BatchGetError) Error() string {
	return fmt.Sprintf("dynamodel: BatchGetItem %s: %d key(s) not read, %d read: %v", e.Table, len(e.NotRead), len(e.Read), e.Err)
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
// resending what DynamoDB throttles or leaves unprocessed with backoff (see
// BatchOptions). It returns the items found, in the order of keys; keys
// without an item are skipped. Keys are checked, and duplicates rejected
// (ErrDuplicateKey), before any call. On failure it returns what it read
// and a *BatchGetError sorting the keys into read and not read. An item
// read that cannot be decoded (ErrInvalidItem, or for an entity
// ErrWrongEntity) is left out of the items returned, which are all the
// others, and the error names it (in a *BatchGetError, among the causes).
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
	if opts.hasProjection() {
		always := r.projectionKeys("") // an entity's (or a table's): its EntityType attribute too
		if always == nil {
			always = m.keyNames()
		}
		p, err := opts.ReadOptions.projection(&w, always...)
		if err != nil {
			return nil, r.opError("BatchGetItem", nil, err)
		}
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
		decoded  []T    // items the direct path decoded (direct_batch.go), by key
		got      []bool // which of decoded are set
		notRead  = make([]bool, len(keys))
		keyNames = m.keyNames()
		direct   = r.decodesDirect()
		byText   map[string]int // the keys by keyText, for the direct path
	)
	if direct {
		byText, direct = batchKeys(keyNames, encoded)
	}
	markNotRead := func(left []map[string]types.AttributeValue) {
		for _, k := range left {
			notRead[index[itemKey(k).String()]] = true
		}
	}
	chunks := chunk(encoded, maxBatchGet)
	skipped, err := runChunks(ctx, len(chunks), batch.Concurrency, func(ctx context.Context, c int) error {
		left, first := chunks[c], time.Now()
		for attempt := 1; ; attempt++ {
			req := base
			req.Keys = left
			// r.reads has directItems, which checks the body's CRC32 on
			// either path.
			callCtx, sink := ctx, (*batchSink[T])(nil)
			if direct {
				sink = &batchSink[T]{table: r.table, keyNames: keyNames, index: byText}
				callCtx = sink.withParent(ctx)
			}
			out, err := r.client.BatchGetItem(callCtx, &dynamodb.BatchGetItemInput{
				RequestItems:           map[string]types.KeysAndAttributes{r.table: req},
				ReturnConsumedCapacity: opts.Capacity.mode(),
			}, r.reads...)
			switch {
			case err == nil:
				opts.Capacity.reads(out.ConsumedCapacity)
				mu.Lock()
				for _, item := range out.Responses[r.table] {
					if i, ok := index[projectKey(item, keyNames).String()]; ok {
						found[i] = item
					}
				}
				if sink != nil && sink.took && len(out.Responses[r.table]) == 0 {
					for j, i := range sink.at {
						if i < 0 {
							continue
						}
						if decoded == nil {
							decoded, got = make([]T, len(keys)), make([]bool, len(keys))
						}
						decoded[i], got[i], found[i] = sink.items[j], true, nil
					}
				}
				mu.Unlock()
				if left = out.UnprocessedKeys[r.table].Keys; len(left) == 0 {
					return nil
				}
				if stop := batch.pause(ctx, attempt, first); stop != nil {
					err = stopError(stop, fmt.Errorf("%d key(s) still unprocessed %v", len(left), stop))
				}
			case retry.Throttled(err):
				if stop := batch.pause(ctx, attempt, first); stop != nil {
					err = stopError(stop, fmt.Errorf("throttled %v: %w", stop, err))
				} else {
					err = nil
				}
			default:
				err = classify(err)
			}
			if err != nil {
				mu.Lock()
				markNotRead(left)
				mu.Unlock()
				return err
			}
		}
	})
	for _, c := range skipped {
		markNotRead(chunks[c])
	}
	items, derr := r.decodeFound(found, decoded, got, keyNames)
	if err == nil {
		return items, derr
	}
	if derr != nil {
		err = errors.Join(err, derr)
	}
	be := &BatchGetError{Table: r.table, Err: err}
	for i, key := range keys {
		if notRead[i] {
			be.NotRead = append(be.NotRead, key)
		} else {
			be.Read = append(be.Read, key)
		}
	}
	return items, be
}

// decodeFound returns the items found, by key: decoded on the direct path
// (got), or from their attributes. An item that cannot be decoded is left
// out, and the others are kept: the error names each such item.
func (r *Repository[T]) decodeFound(found []map[string]types.AttributeValue, decoded []T, got []bool, keyNames []string) ([]T, error) {
	items := make([]T, 0, len(found))
	var errs []error
	for i, raw := range found {
		if got != nil && got[i] {
			items = append(items, decoded[i])
			continue
		}
		if raw == nil {
			continue
		}
		item, err := r.decode(raw)
		if err != nil {
			errs = append(errs, r.opError("BatchGetItem", projectKey(raw, keyNames), err))
			continue
		}
		items = append(items, item)
	}
	return items, errors.Join(errs...)
}
