package streams

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodel/dynamodel"
)

// modelKeys returns the key attributes of T's model (dynamodel.ModelOf),
// nil when T is no model: such a T is decoded as any struct is.
func modelKeys[T any]() []string {
	m, err := dynamodel.ModelOf[T]()
	if err != nil {
		return nil
	}
	names := []string{m.HashKey().Name}
	if r, ok := m.RangeKey(); ok {
		names = append(names, r.Name)
	}
	return names
}

// checkKeys refuses a record whose Keys lack one of names, the key
// attributes of the model it is decoded as: a record of another table's
// stream, which would otherwise give Keys of zero values.
func checkKeys(keys map[string]types.AttributeValue, names []string) error {
	for _, n := range names {
		if _, ok := keys[n]; !ok {
			return fmt.Errorf("%w: its Keys lack %q, a key attribute of the model (a record of another table's stream?)", ErrMalformedEvent, n)
		}
	}
	return nil
}
