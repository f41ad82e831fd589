// Package streams decodes DynamoDB Streams events, as AWS Lambda delivers
// them (github.com/aws/aws-lambda-go/events.DynamoDBEvent), into typed
// records: the keys, and the old and new images of the item as values of the
// model type T, decoded with the same codec a dynamodel.Repository uses, so
// a stream image of an item equals what Get returns for it.
//
//	func handle(ctx context.Context, e events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
//		return streams.Handle(ctx, e, func(ctx context.Context, r streams.Record[dynamodel.User]) error {
//			if r.EventName == streams.Insert {
//				return sendWelcome(ctx, r.Keys.Email) // r.New is nil on a KEYS_ONLY stream
//			}
//			return nil
//		}), nil
//	}
package streams

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodel/dynamodel/codec"
)

// The kinds of change a record reports.
const (
	Insert = "INSERT" // a new item
	Modify = "MODIFY" // an item changed
	Remove = "REMOVE" // an item was deleted
)

// Record is one change of a DynamoDB stream with its item decoded.
type Record[T any] struct {
	// EventID identifies the record.
	EventID string
	// EventName is Insert, Modify or Remove.
	EventName string
	// Keys holds the item's key attributes (other fields are zero). When
	// T is a model (dynamodel.ModelOf), a record whose Keys lack one of
	// its key attributes is an error wrapping ErrMalformedEvent.
	Keys T
	// Old is the item before the change, and New the item after it; nil
	// when the record carries no such image (Old for an INSERT, New for a
	// REMOVE, both for a KEYS_ONLY stream, one of them for NEW_IMAGE and
	// OLD_IMAGE streams).
	Old, New *T
	// SequenceNumber orders the records of one item.
	SequenceNumber string
	// At is the approximate time of the change.
	At time.Time
	// StreamViewType is the stream's view type: KEYS_ONLY, NEW_IMAGE,
	// OLD_IMAGE or NEW_AND_OLD_IMAGES.
	StreamViewType string
	// ByTTL reports a REMOVE made by DynamoDB's time to live.
	ByTTL bool
}

// Decode decodes every record of a stream event.
func Decode[T any](e events.DynamoDBEvent) ([]Record[T], error) {
	out := make([]Record[T], 0, len(e.Records))
	decode, keyNames := codec.For[T]().Decode, modelKeys[T]()
	for i, r := range e.Records {
		rec, err := decodeRecord(r, decode, keyNames)
		if err != nil {
			return out, fmt.Errorf("streams: record %d (%s): %w", i, r.EventID, err)
		}
		out = append(out, rec)
	}
	return out, nil
}

// DecodeRecord decodes one stream record. When T is a model
// (dynamodel.ModelOf), a record whose Keys lack one of its key attributes
// (a record of another table's stream) is an error wrapping
// ErrMalformedEvent.
func DecodeRecord[T any](r events.DynamoDBEventRecord) (Record[T], error) {
	return decodeRecord(r, codec.For[T]().Decode, modelKeys[T]())
}

// decodeRecord decodes one stream record, its images with decode; its Keys
// must have every attribute of keyNames.
func decodeRecord[T any](r events.DynamoDBEventRecord, decode func(map[string]types.AttributeValue) (T, error), keyNames []string) (Record[T], error) {
	if err := checkRecord(r.EventName, r.Change.Keys != nil); err != nil {
		return Record[T]{EventID: r.EventID, EventName: r.EventName, SequenceNumber: r.Change.SequenceNumber}, err
	}
	rec := Record[T]{
		EventID:        r.EventID,
		EventName:      r.EventName,
		SequenceNumber: r.Change.SequenceNumber,
		At:             r.Change.ApproximateCreationDateTime.Time,
		StreamViewType: r.Change.StreamViewType,
		ByTTL:          r.UserIdentity != nil && r.UserIdentity.Type == "Service" && r.UserIdentity.PrincipalID == "dynamodb.amazonaws.com",
	}
	image := func(what string, image map[string]events.DynamoDBAttributeValue) (*T, error) {
		if image == nil {
			return nil, nil
		}
		item, err := Item(image)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		if what == "Keys" {
			if err := checkKeys(item, keyNames); err != nil {
				return nil, err
			}
		}
		v, err := decode(item)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		return &v, nil
	}
	keys, err := image("Keys", r.Change.Keys)
	if err != nil {
		return rec, err
	}
	if keys != nil {
		rec.Keys = *keys
	}
	if rec.Old, err = image("OldImage", r.Change.OldImage); err != nil {
		return rec, err
	}
	if rec.New, err = image("NewImage", r.Change.NewImage); err != nil {
		return rec, err
	}
	return rec, nil
}

// checkRecord refuses a record that is no change of a DynamoDB stream: one
// whose event name is not INSERT, MODIFY or REMOVE, or that carries no Keys
// (DynamoDB's records always do, whatever the stream's view type). Such a
// record, of a Kinesis, SQS or SNS event given to a stream handler, would
// otherwise decode as a record with nothing in it, and a handler would
// skip it as handled.
func checkRecord(eventName string, hasKeys bool) error {
	switch eventName {
	case Insert, Modify, Remove:
	default:
		return fmt.Errorf("%w: event name %q is not INSERT, MODIFY or REMOVE (not a DynamoDB stream record)", ErrMalformedEvent, eventName)
	}
	if !hasKeys {
		return fmt.Errorf("%w: a %s record without Keys", ErrMalformedEvent, eventName)
	}
	return nil
}

// Item converts a stream image into the SDK's attribute value map.
func Item(image map[string]events.DynamoDBAttributeValue) (map[string]types.AttributeValue, error) {
	out := make(map[string]types.AttributeValue, len(image))
	var bad string // of several attributes that cannot be converted, the least: the same every time
	var badErr error
	for name, av := range image {
		v, err := AttributeValue(av)
		if err != nil && (badErr == nil || name < bad) {
			bad, badErr = name, err
		}
		out[name] = v
	}
	if badErr != nil {
		return nil, fmt.Errorf("attribute %q: %w", bad, badErr)
	}
	return out, nil
}

// ErrUnknownType reports a stream attribute value of a type DynamoDB does
// not have.
var ErrUnknownType = errors.New("streams: unknown attribute value type")

// AttributeValue converts one aws-lambda-go attribute value into the SDK's.
// A zero events.DynamoDBAttributeValue, which has no type (aws-lambda-go's
// accessors panic on it), is an error wrapping ErrUnknownType.
func AttributeValue(av events.DynamoDBAttributeValue) (out types.AttributeValue, err error) {
	defer func() {
		if p := recover(); p != nil {
			out, err = nil, fmt.Errorf("%w: a zero events.DynamoDBAttributeValue (%v)", ErrUnknownType, p)
		}
	}()
	switch av.DataType() {
	case events.DataTypeString:
		return &types.AttributeValueMemberS{Value: av.String()}, nil
	case events.DataTypeNumber:
		return &types.AttributeValueMemberN{Value: av.Number()}, nil
	case events.DataTypeBinary:
		return &types.AttributeValueMemberB{Value: av.Binary()}, nil
	case events.DataTypeBoolean:
		return &types.AttributeValueMemberBOOL{Value: av.Boolean()}, nil
	case events.DataTypeNull:
		return &types.AttributeValueMemberNULL{Value: true}, nil
	case events.DataTypeStringSet:
		return &types.AttributeValueMemberSS{Value: av.StringSet()}, nil
	case events.DataTypeNumberSet:
		return &types.AttributeValueMemberNS{Value: av.NumberSet()}, nil
	case events.DataTypeBinarySet:
		return &types.AttributeValueMemberBS{Value: av.BinarySet()}, nil
	case events.DataTypeList:
		l := av.List()
		out := make([]types.AttributeValue, len(l))
		for i, e := range l {
			v, err := AttributeValue(e)
			if err != nil {
				return nil, fmt.Errorf("[%d]: %w", i, err)
			}
			out[i] = v
		}
		return &types.AttributeValueMemberL{Value: out}, nil
	case events.DataTypeMap:
		m, err := Item(av.Map())
		if err != nil {
			return nil, err
		}
		return &types.AttributeValueMemberM{Value: m}, nil
	}
	return nil, fmt.Errorf("%w: %v", ErrUnknownType, av.DataType())
}

// Handle decodes each record of a stream event and passes it to fn, in
// order. At the first record that fails to decode, or that fn fails, it
// stops and reports that record as the batch's first failure, so Lambda
// (with ReportBatchItemFailures on) retries from there and never skips a
// change. Return the response from the Lambda handler.
func Handle[T any](ctx context.Context, e events.DynamoDBEvent, fn func(context.Context, Record[T]) error) events.DynamoDBEventResponse {
	var resp events.DynamoDBEventResponse
	for _, r := range e.Records {
		rec, err := DecodeRecord[T](r)
		if err == nil {
			err = fn(ctx, rec)
		}
		if err != nil {
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.DynamoDBBatchItemFailure{ItemIdentifier: r.Change.SequenceNumber})
			return resp
		}
	}
	return resp
}

// ImageJSON renders an SDK item in the JSON form stream events carry it
// ({"S": "..."}, {"N": "..."}, {"B": base64}...), for tests that build
// events the way Lambda delivers them.
func ImageJSON(item map[string]types.AttributeValue) map[string]any {
	out := make(map[string]any, len(item))
	for k, v := range item {
		out[k] = valueJSON(v)
	}
	return out
}

func valueJSON(av types.AttributeValue) map[string]any {
	switch v := av.(type) {
	case *types.AttributeValueMemberS:
		return map[string]any{"S": v.Value}
	case *types.AttributeValueMemberN:
		return map[string]any{"N": v.Value}
	case *types.AttributeValueMemberB:
		return map[string]any{"B": base64.StdEncoding.EncodeToString(v.Value)}
	case *types.AttributeValueMemberBOOL:
		return map[string]any{"BOOL": v.Value}
	case *types.AttributeValueMemberNULL:
		return map[string]any{"NULL": true}
	case *types.AttributeValueMemberSS:
		return map[string]any{"SS": v.Value}
	case *types.AttributeValueMemberNS:
		return map[string]any{"NS": v.Value}
	case *types.AttributeValueMemberBS:
		bs := make([]string, len(v.Value))
		for i, b := range v.Value {
			bs[i] = base64.StdEncoding.EncodeToString(b)
		}
		return map[string]any{"BS": bs}
	case *types.AttributeValueMemberL:
		l := make([]any, len(v.Value))
		for i, e := range v.Value {
			l[i] = valueJSON(e)
		}
		return map[string]any{"L": l}
	case *types.AttributeValueMemberM:
		return map[string]any{"M": ImageJSON(v.Value)}
	}
	return map[string]any{"NULL": true}
}
