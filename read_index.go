package dynamodel

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// checkConsistentIndex refuses a consistent read of a global secondary
// index, as DynamoDB does ("Consistent reads are not supported on global
// secondary indexes"; dynalite takes it for a scan), when the repository
// knows the index is global (see globalIndex). partition is the index's
// partition key as the key condition names it ("" for a scan).
func (r *Repository[T]) checkConsistentIndex(index, partition string, consistent bool) error {
	if !consistent || index == "" || !r.globalIndex(index, partition) {
		return nil
	}
	return fmt.Errorf("%w: ConsistentRead on index %s, a global secondary index: DynamoDB reads only tables and local indexes consistently", ErrInvalidQuery, index)
}

// globalIndex reports whether index is known to be a global secondary
// index: the repository's schema says so, or its partition key is not the
// table's (a local index's always is).
func (r *Repository[T]) globalIndex(index, partition string) bool {
	if s := r.opts.Schema; s != nil {
		for _, ix := range s.CreateTableInput().GlobalSecondaryIndexes {
			if aws.ToString(ix.IndexName) == index {
				return true
			}
		}
		return false
	}
	tableHash := r.model.HashKey().Name
	if r.shared != nil {
		tableHash = r.shared.hash
		if ix, ok := r.shared.indexKeys(index); ok && partition == "" {
			partition = ix.PartitionKey
		}
	}
	return partition != "" && partition != tableHash
}
