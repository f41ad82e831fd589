package streams

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/dynamodel/dynamodel/codec"
	"github.com/dynamodel/dynamodel/internal/wire"
)

// DecodeJSON decodes a stream event from the bytes Lambda delivers (the
// JSON of an events.DynamoDBEvent), as Decode decodes the event they
// unmarshal to, with the same records and errors. The images go straight
// from the bytes into values of T (codec.DecodeJSON), with no
// events.DynamoDBAttributeValue or SDK attribute value in between; an
// event that path does not take (one it finds malformed, or in a form
// encoding/json reads more loosely) is unmarshalled and decoded with
// Decode. Bytes that are no stream event are an error wrapping
// ErrMalformedEvent.
func DecodeJSON[T any](event []byte) ([]Record[T], error) {
	if out, ok := directRecords[T](event); ok {
		return out, nil
	}
	e, err := unmarshalEvent(event)
	if err != nil {
		return nil, err
	}
	return Decode[T](e)
}

// HandleJSON is Handle for the bytes Lambda delivers, decoded as
// DecodeJSON does; its error, before fn sees any record, is for bytes that
// are no stream event (ErrMalformedEvent: not JSON, no Records, or a record
// of another kind, such as a Kinesis or SQS record), which Lambda then logs
// and retries as a whole. In a handler that takes the raw event:
//
//	lambda.Start(func(ctx context.Context, event json.RawMessage) (events.DynamoDBEventResponse, error) {
//		return streams.HandleJSON(ctx, event, handleUser)
//	})
func HandleJSON[T any](ctx context.Context, event []byte, fn func(context.Context, Record[T]) error) (events.DynamoDBEventResponse, error) {
	var resp events.DynamoDBEventResponse
	recs, ok := directRecords[T](event)
	if !ok {
		e, err := unmarshalEvent(event)
		if err != nil {
			return resp, err
		}
		for i, r := range e.Records {
			if err := checkRecord(r.EventName, r.Change.Keys != nil); err != nil {
				return resp, fmt.Errorf("streams: record %d (%s): %w", i, r.EventID, err)
			}
		}
		return Handle(ctx, e, fn), nil
	}
	for _, r := range recs {
		if err := fn(ctx, r); err != nil {
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.DynamoDBBatchItemFailure{ItemIdentifier: r.SequenceNumber})
			break
		}
	}
	return resp, nil
}

// ErrMalformedEvent reports bytes that are not a stream event's JSON (or
// have no Records), a record that is no change of a DynamoDB stream (see
// Record.EventName; a Kinesis or SQS record, for one), and a record whose
// Keys lack a key attribute of the model it is decoded as (a record of
// another table's stream).
var ErrMalformedEvent = errors.New("streams: malformed event")

// unmarshalEvent reads an event with encoding/json and aws-lambda-go's
// types. Those panic on some malformed values (a number in a binary set),
// which is an error here, not a crash of the handler.
func unmarshalEvent(event []byte) (e events.DynamoDBEvent, err error) {
	defer func() {
		if p := recover(); p != nil {
			e, err = events.DynamoDBEvent{}, fmt.Errorf("%w: %v", ErrMalformedEvent, p)
		}
	}()
	if err := json.Unmarshal(event, &e); err != nil {
		return e, fmt.Errorf("%w: %w", ErrMalformedEvent, err)
	}
	if e.Records == nil {
		return e, fmt.Errorf("%w: no Records", ErrMalformedEvent)
	}
	return e, nil
}

// eventReader reads an event's JSON strictly: members of the
// events.DynamoDBEvent types by their exact names, each at most once and of
// its JSON type, others skipped. It reports false for anything else (a
// member whose name matches one only ignoring case, which encoding/json
// would take; a null; a value encoding/json would refuse), and the event
// then goes to encoding/json.
type eventReader struct {
	s       wire.Scanner
	buf     []byte
	scratch []byte
}

// directRecords decodes an event on the direct path, ok false when it does
// not take it.
func directRecords[T any](event []byte) ([]Record[T], bool) {
	r := &eventReader{s: wire.New(event), buf: event}
	keyNames := modelKeys[T]()
	var out []Record[T]
	records := false
	ok := r.object([]string{"Records"}, func(i int) bool {
		if records = r.s.Byte('['); !records {
			return false
		}
		if r.s.Byte(']') {
			return true
		}
		for {
			rec, ok := directRecord[T](r, keyNames)
			if !ok {
				return false
			}
			out = append(out, rec)
			if r.s.Byte(',') {
				continue
			}
			return r.s.Byte(']')
		}
	})
	if !ok || !records || !r.s.End() {
		return nil, false
	}
	if out == nil {
		out = []Record[T]{} // as Decode returns for no records
	}
	return out, true
}

var (
	recordMembers = []string{"awsRegion", "dynamodb", "eventID", "eventName", "eventSource", "eventVersion", "eventSourceARN", "userIdentity"}
	changeMembers = []string{"ApproximateCreationDateTime", "Keys", "NewImage", "OldImage", "SequenceNumber", "SizeBytes", "StreamViewType"}
	userMembers   = []string{"type", "principalId"}
)

// directRecord reads one record; a record whose Keys lack one of keyNames
// is left to Decode, which says so.
func directRecord[T any](r *eventReader, keyNames []string) (rec Record[T], ok bool) {
	c := codec.For[T]()
	var userType, principal string
	keys := false
	ok = r.object(recordMembers, func(i int) bool {
		switch recordMembers[i] {
		case "dynamodb":
			return r.object(changeMembers, func(j int) bool {
				switch changeMembers[j] {
				case "ApproximateCreationDateTime":
					num, ok := r.s.Number()
					if !ok {
						return false
					}
					epoch, err := strconv.ParseFloat(string(num), 64)
					if err != nil {
						return false
					}
					// As events.SecondsEpochTime reads it.
					sec := int64(epoch)
					rec.At = time.Unix(sec, int64((epoch-float64(sec))*1e9))
					return true
				case "Keys":
					k, raw, ok := image(r, c)
					if keys = ok && hasMembers(raw, keyNames, &r.scratch); keys {
						rec.Keys = *k
					}
					return keys
				case "NewImage":
					rec.New, _, ok = image(r, c)
					return ok
				case "OldImage":
					rec.Old, _, ok = image(r, c)
					return ok
				case "SequenceNumber":
					return r.str(&rec.SequenceNumber)
				case "StreamViewType":
					return r.str(&rec.StreamViewType)
				case "SizeBytes":
					num, ok := r.s.Number()
					if !ok {
						return false
					}
					_, err := strconv.ParseInt(string(num), 10, 64)
					return err == nil
				}
				return false
			})
		case "eventID":
			return r.str(&rec.EventID)
		case "eventName":
			return r.str(&rec.EventName)
		case "userIdentity":
			return r.object(userMembers, func(j int) bool {
				if j == 0 {
					return r.str(&userType)
				}
				return r.str(&principal)
			})
		default:
			var ignored string
			return r.str(&ignored)
		}
	})
	rec.ByTTL = userType == "Service" && principal == "dynamodb.amazonaws.com"
	// A record checkRecord refuses is left to Decode, which says why.
	return rec, ok && checkRecord(rec.EventName, keys) == nil
}

// object reads an object whose members named in names each go to member
// (with the name's index); others are skipped.
func (r *eventReader) object(names []string, member func(i int) bool) bool {
	if !r.s.Byte('{') {
		return false
	}
	if r.s.Byte('}') {
		return true
	}
	var seen uint64
	for {
		k, ok := r.s.Key(&r.scratch)
		if !ok {
			return false
		}
		i := -1
		for j, n := range names {
			if string(k) == n {
				i = j
				break
			}
			if strings.EqualFold(string(k), n) {
				return false
			}
		}
		if i >= 0 {
			if seen&(1<<i) != 0 || !member(i) {
				return false
			}
			seen |= 1 << i
		} else if !r.s.Skip() {
			return false
		}
		if r.s.Byte(',') {
			continue
		}
		return r.s.Byte('}')
	}
}

// str reads a string into *dst.
func (r *eventReader) str(dst *string) bool {
	text, ok := r.s.String(&r.scratch)
	if ok {
		*dst = string(text)
	}
	return ok
}

// image reads an image (an item in DynamoDB's JSON) into a new T, and
// returns its JSON too.
func image[T any](r *eventReader, c *codec.Codec[T]) (*T, []byte, bool) {
	if r.s.Peek() != '{' {
		return nil, nil, false
	}
	start := r.s.Pos()
	if !r.s.Skip() {
		return nil, nil, false
	}
	raw := r.buf[start:r.s.Pos()]
	v, ok := c.DecodeJSON(raw)
	if !ok {
		return nil, nil, false
	}
	return &v, raw, true
}

// hasMembers reports whether JSON object obj, one the codec took, has a
// member named each of names (at most 64).
func hasMembers(obj []byte, names []string, scratch *[]byte) bool {
	if len(names) == 0 {
		return true
	}
	s := wire.New(obj)
	if !s.Byte('{') || s.Byte('}') {
		return false
	}
	var found uint64
	for {
		k, ok := s.Key(scratch)
		if !ok {
			return false
		}
		for i, n := range names {
			if string(k) == n {
				found |= 1 << i
			}
		}
		if !s.Skip() {
			return false
		}
		if !s.Byte(',') {
			return found == 1<<len(names)-1
		}
	}
}
