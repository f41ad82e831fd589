package dynamodel

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodel/dynamodel/internal/attr"
	"github.com/dynamodel/dynamodel/internal/retry"
)

// storedBySelf reports whether a conditional put that failed with err was
// in fact stored by an earlier attempt of the same call whose answer was
// lost: the SDK resent it (sent saw an attempt that may have been applied)
// and the item found now is the item the call sent. Without this, a Create
// whose first answer is lost reports ErrAlreadyExists for its own item.
func (r *Repository[T]) storedBySelf(ctx context.Context, err error, sent *retry.SendWatch, w writeReq) bool {
	var ccf *types.ConditionalCheckFailedException
	if sent == nil || !sent.Uncertain() || !errors.As(err, &ccf) {
		return false
	}
	found := ccf.Item
	if found == nil {
		var readErr error
		if found, readErr = currentItem(ctx, r.client, r.table, w.key, r.opts.ClientOptions, w.capacity); readErr != nil {
			return false
		}
	}
	return attr.SameItem(found, w.item)
}
