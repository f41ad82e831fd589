package streams

import (
	"fmt"

	"github.com/aws/aws-lambda-go/events"

	"github.com/dynamodel/dynamodel"
)

// DecodeTable decodes every record of an event of the stream of t, a table
// shared by several entities: each image is a dynamodel.Item, decoded as
// the entity its key says it is (Item.Entity; "" for an item of no entity
// t declares, which is left undecoded). Take the typed value out with
// dynamodel.As:
//
//	recs, err := streams.DecodeTable(table, e)
//	for _, r := range recs {
//		if p, ok := dynamodel.As(photos, r.Keys); ok && r.EventName == streams.Insert {
//			...
//		}
//	}
func DecodeTable(t *dynamodel.Table, e events.DynamoDBEvent) ([]Record[dynamodel.Item], error) {
	out := make([]Record[dynamodel.Item], 0, len(e.Records))
	for i, r := range e.Records {
		rec, err := DecodeTableRecord(t, r)
		if err != nil {
			return out, fmt.Errorf("streams: record %d (%s): %w", i, r.EventID, err)
		}
		out = append(out, rec)
	}
	return out, nil
}

// DecodeTableRecord decodes one record of the stream of t (see
// DecodeTable). Keys is the item's keys decoded as its entity: the fields
// its key templates hold are set. Keys that lack one of t's key attributes
// (a record of another table's stream) are an error wrapping
// ErrMalformedEvent, as with Decode.
func DecodeTableRecord(t *dynamodel.Table, r events.DynamoDBEventRecord) (Record[dynamodel.Item], error) {
	partition, sort := t.KeyAttributes()
	keyNames := []string{partition}
	if sort != "" {
		keyNames = append(keyNames, sort)
	}
	return decodeRecord(r, t.Decode, keyNames)
}
