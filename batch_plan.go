package dynamodel

import (
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// batchPlan is what a BatchWrite sends, once every write is checked and
// before the first request: its writes are numbered puts first, in order,
// then deletes, and requests are built from them as they are sent.
type batchPlan[T any] struct {
	puts     []T                               // the caller's
	items    []map[string]types.AttributeValue // puts encoded; nil when each is encoded as it is sent (see batch_defer.go)
	keys     []map[string]types.AttributeValue // the deletes' keys
	keyNames []string

	stored []T           // puts as stored, once copied is closed
	copied chan struct{} // nil when stored was ready at once
}

// len returns the number of writes.
func (p *batchPlan[T]) len() int { return len(p.puts) + len(p.keys) }

// storedItems returns the puts as stored.
func (p *batchPlan[T]) storedItems() []T {
	if p.copied != nil {
		<-p.copied
	}
	return p.stored
}

// planWrites checks every put and every delete and plans them, or returns
// the first error found: the item or key to blame, or a key that appears
// twice (ErrDuplicateKey).
func (r *Repository[T]) planWrites(puts []T, deletes []any) (*batchPlan[T], error) {
	p := &batchPlan[T]{puts: puts, keyNames: r.model.keyNames()}
	if len(deletes) > 0 {
		p.keys = make([]map[string]types.AttributeValue, len(deletes))
	}
	if r.planDeferred(p, deletes) {
		// Nothing in an item changes as it is stored: copy the items while
		// the requests go.
		p.copied = make(chan struct{})
		go func() {
			defer close(p.copied)
			p.stored = slices.Clone(puts)
		}()
		return p, nil
	}
	p.stored = slices.Clone(puts)
	return p, r.planEncoded(p, deletes)
}

// planEncoded encodes every put (p.stored, stamping them) up front, and
// checks and plans them and the deletes. Of an item or key that fails and
// a key that appears twice, the error is of whichever write comes first.
func (r *Repository[T]) planEncoded(p *batchPlan[T], deletes []any) error {
	encoded, errs := r.encodeAll(p.stored)
	ids := make([]string, 0, p.len()) // keyID of every write before the first that fails
	var buf []byte
	var failed error
	for i := range encoded {
		if errs != nil && errs[i] != nil {
			failed = fmt.Errorf("item %d: %w", i, errs[i])
			break
		}
		ids = append(ids, keyID(encoded[i], p.keyNames, &buf))
	}
	if failed == nil {
		ids, failed = r.appendDeleteIDs(ids, p, deletes)
	}
	if d := firstDuplicate(ids); d >= 0 {
		var k map[string]types.AttributeValue
		if d < len(encoded) {
			k = encoded[d]
		} else {
			k = p.keys[d-len(encoded)]
		}
		return fmt.Errorf("%w: %s appears twice in one batch", ErrDuplicateKey, projectKey(k, p.keyNames))
	}
	if failed != nil {
		return failed
	}
	p.items = encoded
	return nil
}

// planDeferred plans every put as a request to encode when it is sent
// (see batch_defer.go), and every delete as planEncoded does, and reports
// true; or false when it cannot: the model does not defer puts, a put is
// not sure to encode, a delete's key is invalid, or a key appears twice.
// planEncoded then finds out which and why.
func (r *Repository[T]) planDeferred(p *batchPlan[T], deletes []any) bool {
	if len(p.puts) == 0 || r.flatKeys == nil {
		return false
	}
	ids := make([]string, len(p.puts), p.len()) // every write's keyID
	if !r.sureOfAll(p.puts, ids) {
		return false
	}
	ids, err := r.appendDeleteIDs(ids, p, deletes)
	return err == nil && firstDuplicate(ids) < 0
}

// appendDeleteIDs checks the key of each delete, puts it in p.keys and
// appends its keyID to ids, up to the first key that fails, and returns
// ids and why that key failed.
func (r *Repository[T]) appendDeleteIDs(ids []string, p *batchPlan[T], deletes []any) ([]string, error) {
	var buf []byte
	for i, key := range deletes {
		k, err := r.model.keyFor(key)
		if err != nil {
			return ids, fmt.Errorf("delete %d: %w", i, err)
		}
		ids = append(ids, keyID(k, p.keyNames, &buf))
		p.keys[i] = k
	}
	return ids, nil
}

// requests returns the requests of writes [from, to) of p, encoding the
// puts left to encode as they are sent.
func (r *Repository[T]) requests(p *batchPlan[T], from, to int) ([]types.WriteRequest, error) {
	reqs := make([]types.WriteRequest, 0, to-from)
	for i := from; i < to; i++ {
		if i >= len(p.puts) {
			reqs = append(reqs, types.WriteRequest{DeleteRequest: &types.DeleteRequest{Key: p.keys[i-len(p.puts)]}})
			continue
		}
		var item map[string]types.AttributeValue
		if p.items != nil {
			item, p.items[i] = p.items[i], nil // the request holds it from here
		} else {
			// What encodeForWrite returns for a model that defers puts,
			// without the checks sureToEncode has made.
			var err error
			if item, err = encodeItem(r.items, &p.puts[i]); err != nil {
				return nil, err // not reached: sureToEncode said it would succeed
			}
		}
		reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: item}})
	}
	return reqs, nil
}

// find returns the positions of the writes in left among reqs, the
// requests of writes from on: all of them, or those whose keys left holds.
func (p *batchPlan[T]) find(from int, reqs, left []types.WriteRequest) []int {
	if len(left) == len(reqs) {
		return span(from, from+len(reqs))
	}
	var at []int
	var buf []byte
	want := make(map[string]bool, len(left))
	for _, req := range left {
		want[keyID(requestKey(req), p.keyNames, &buf)] = true
	}
	for j, req := range reqs {
		if want[keyID(requestKey(req), p.keyNames, &buf)] {
			at = append(at, from+j)
		}
	}
	return at
}

// span returns the positions [from, to).
func span(from, to int) []int {
	at := make([]int, 0, to-from)
	for i := from; i < to; i++ {
		at = append(at, i)
	}
	return at
}

// requestKey returns the item of a put, or the key of a delete.
func requestKey(req types.WriteRequest) map[string]types.AttributeValue {
	if req.PutRequest != nil {
		return req.PutRequest.Item
	}
	return req.DeleteRequest.Key
}
