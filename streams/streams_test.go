package streams_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/dynamotest"
	"github.com/dynamodel/dynamodel/internal/enginetest"
	"github.com/dynamodel/dynamodel/schema"
	"github.com/dynamodel/dynamodel/streams"
)

func load(t *testing.T, file string) events.DynamoDBEvent {
	t.Helper()
	data, err := os.ReadFile("testdata/" + file)
	require.NoError(t, err)
	var e events.DynamoDBEvent
	require.NoError(t, json.Unmarshal(data, &e))
	return e
}

func TestDecodeUserEvents(t *testing.T) {
	recs, err := streams.Decode[dynamodel.User](load(t, "user-events.json"))
	require.NoError(t, err)
	require.Len(t, recs, 3)

	ins := recs[0]
	assert.Equal(t, streams.Insert, ins.EventName)
	assert.Nil(t, ins.Old)
	assert.Equal(t, &dynamodel.User{Email: "ada@example.com", FirstName: "Ada", LastName: "Byron"}, ins.New)
	assert.Equal(t, dynamodel.User{Email: "ada@example.com"}, ins.Keys)
	assert.Equal(t, time.Unix(1795599000, 0).UTC(), ins.At.UTC())
	assert.Equal(t, "NEW_AND_OLD_IMAGES", ins.StreamViewType)
	assert.False(t, ins.ByTTL)

	mod := recs[1]
	assert.Equal(t, "Byron", mod.Old.LastName)
	assert.Equal(t, "Lovelace", mod.New.LastName)

	rem := recs[2]
	assert.Equal(t, streams.Remove, rem.EventName)
	assert.Nil(t, rem.New, "a REMOVE has no new image")
	assert.Equal(t, "Lovelace", rem.Old.LastName)
	assert.True(t, rem.ByTTL, "deleted by TTL")
}

type order struct {
	Customer string `dynamodbav:"customer" dynamodel:"hash"`
	ID       string `dynamodbav:"id" dynamodel:"range"`
	Total    int    `dynamodbav:"total"`
}

func TestDecodeKeysOnly(t *testing.T) {
	recs, err := streams.Decode[order](load(t, "keys-only.json"))
	require.NoError(t, err)
	require.Len(t, recs, 1)
	assert.Equal(t, order{Customer: "c1", ID: "o7"}, recs[0].Keys)
	assert.Nil(t, recs[0].Old)
	assert.Nil(t, recs[0].New)
}

func TestDecodeReportsBadImages(t *testing.T) {
	e := load(t, "user-events.json")
	e.Records[1].Change.NewImage["first_name"] = events.NewBooleanAttribute(true)
	_, err := streams.Decode[dynamodel.User](e)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "record 1")
	assert.Contains(t, err.Error(), "NewImage")
}

// TestZeroAttributeValueIsAnError: an event built in code with a zero
// events.DynamoDBAttributeValue (whose accessors panic) is an error naming
// the attribute, not a crash of the handler.
func TestZeroAttributeValueIsAnError(t *testing.T) {
	for _, image := range []map[string]events.DynamoDBAttributeValue{
		{"email": {}},
		{"email": events.NewStringAttribute("a"), "tags": events.NewListAttribute([]events.DynamoDBAttributeValue{{}})},
	} {
		e := events.DynamoDBEvent{Records: []events.DynamoDBEventRecord{{EventID: "1", EventName: streams.Insert,
			Change: events.DynamoDBStreamRecord{Keys: image, SequenceNumber: "7"}}}}
		_, err := streams.Decode[dynamodel.User](e)
		assert.ErrorIs(t, err, streams.ErrUnknownType)
		assert.Contains(t, err.Error(), "record 0 (1): Keys: attribute")
		resp := streams.Handle(context.Background(), e, func(context.Context, streams.Record[dynamodel.User]) error { return nil })
		assert.Equal(t, []events.DynamoDBBatchItemFailure{{ItemIdentifier: "7"}}, resp.BatchItemFailures)
	}
}

// TestFirstBadAttributeInOrder: of several attributes of an image that
// cannot be converted, the least name is reported, every time.
func TestFirstBadAttributeInOrder(t *testing.T) {
	image := map[string]events.DynamoDBAttributeValue{"zeta": {}, "mu": {}, "alpha": {}, "kappa": {}}
	for range 20 {
		_, err := streams.Item(image)
		require.ErrorIs(t, err, streams.ErrUnknownType)
		require.Contains(t, err.Error(), `attribute "alpha"`)
	}
}

// TestMalformedEventIsAnError: bytes that are no stream event are an
// error wrapping ErrMalformedEvent (and the JSON error, when there is
// one), also where aws-lambda-go's types panic (a number in a binary set):
// a handler is not crashed.
func TestMalformedEventIsAnError(t *testing.T) {
	handle := func(context.Context, streams.Record[dynamodel.User]) error { return nil }
	for _, event := range []string{
		`{"Records":[{"eventID":"1","dynamodb":{"NewImage":{"email":{"S":"a"},"b":{"BS":[1]}}}}]}`,
		`{"Records":[{"eventID":"1","dynamodb":{"NewImage":{"email":{"S":"a"},"b":{"NS":[true]}}}}]}`,
		`{"Records":[`,
	} {
		_, err := streams.DecodeJSON[dynamodel.User]([]byte(event))
		assert.ErrorIs(t, err, streams.ErrMalformedEvent, event)
		_, err = streams.HandleJSON(context.Background(), []byte(event), handle)
		assert.ErrorIs(t, err, streams.ErrMalformedEvent, event)
	}
	_, err := streams.DecodeJSON[dynamodel.User]([]byte(`{"Records":[`))
	var syntax *json.SyntaxError
	assert.ErrorAs(t, err, &syntax)
}

// TestOtherEventsAreRefused: an event of another source given to a stream
// handler (Kinesis, including a Kinesis stream of DynamoDB changes; SQS),
// a record with no event name or no Keys, and an event with no Records are
// errors wrapping ErrMalformedEvent, never records with nothing in them
// that a handler would take as handled.
func TestOtherEventsAreRefused(t *testing.T) {
	for _, event := range []string{
		`{"Records":[{"kinesis":{"kinesisSchemaVersion":"1.0","partitionKey":"k","sequenceNumber":"4959","data":"eyJldmVudE5hbWUiOiJJTlNFUlQifQ==","approximateArrivalTimestamp":1.6e9},` +
			`"eventSource":"aws:kinesis","eventVersion":"1.0","eventID":"shardId-000:4959","eventName":"aws:kinesis:record","awsRegion":"us-east-1"}]}`,
		`{"Records":[{"messageId":"m1","receiptHandle":"r","body":"{}","eventSource":"aws:sqs","awsRegion":"us-east-1"}]}`,
		`{"Records":[{"eventID":"1","eventName":"INSERT","dynamodb":{"NewImage":{"email":{"S":"a"}},"SequenceNumber":"7"}}]}`,
		`{"Records":[{"eventID":"1","eventName":"insert","dynamodb":{"Keys":{"email":{"S":"a"}},"SequenceNumber":"7"}}]}`,
		`{"version":"0","detail-type":"Scheduled Event","detail":{}}`,
		`{}`,
		`null`,
	} {
		called := false
		handle := func(context.Context, streams.Record[dynamodel.User]) error { called = true; return nil }
		_, err := streams.DecodeJSON[dynamodel.User]([]byte(event))
		assert.ErrorIs(t, err, streams.ErrMalformedEvent, event)
		_, err = streams.HandleJSON(context.Background(), []byte(event), handle)
		assert.ErrorIs(t, err, streams.ErrMalformedEvent, event)

		var e events.DynamoDBEvent
		require.NoError(t, json.Unmarshal([]byte(event), &e))
		if len(e.Records) > 0 {
			_, err = streams.Decode[dynamodel.User](e)
			assert.ErrorIs(t, err, streams.ErrMalformedEvent, event)
			resp := streams.Handle(context.Background(), e, handle)
			assert.Len(t, resp.BatchItemFailures, 1, event)
		}
		assert.False(t, called, "fn saw a record of %s", event)
	}
}

// TestKeysOfAnotherTableAreRefused decodes the records of one table's
// stream as the model of another, whose key attributes their Keys lack: an
// error wrapping ErrMalformedEvent naming the attribute, on every path,
// where they decoded with zero keys. A type that is no model decodes them
// as before.
func TestKeysOfAnotherTableAreRefused(t *testing.T) {
	orderEvent, err := os.ReadFile("testdata/keys-only.json")
	require.NoError(t, err)
	userEvent, err := os.ReadFile("testdata/user-events.json")
	require.NoError(t, err)

	_, err = streams.Decode[dynamodel.User](load(t, "keys-only.json"))
	require.ErrorIs(t, err, streams.ErrMalformedEvent)
	assert.Contains(t, err.Error(), `its Keys lack "email"`)
	_, err = streams.DecodeJSON[dynamodel.User](orderEvent)
	require.ErrorIs(t, err, streams.ErrMalformedEvent)
	assert.Contains(t, err.Error(), `its Keys lack "email"`)
	_, err = streams.DecodeJSON[order](userEvent)
	require.ErrorIs(t, err, streams.ErrMalformedEvent)
	assert.Contains(t, err.Error(), `its Keys lack "customer"`)

	called := false
	resp, err := streams.HandleJSON(context.Background(), orderEvent, func(context.Context, streams.Record[dynamodel.User]) error { called = true; return nil })
	require.NoError(t, err)
	assert.Len(t, resp.BatchItemFailures, 1)
	assert.False(t, called)

	// One key attribute of two missing.
	e := load(t, "keys-only.json")
	delete(e.Records[0].Change.Keys, "id")
	_, err = streams.Decode[order](e)
	require.ErrorIs(t, err, streams.ErrMalformedEvent)
	assert.Contains(t, err.Error(), `its Keys lack "id"`)

	type noModel struct {
		Email string `dynamodbav:"email"`
	}
	recs, err := streams.DecodeJSON[noModel](orderEvent)
	require.NoError(t, err)
	assert.Equal(t, noModel{}, recs[0].Keys)
}

func TestHandleStopsAtTheFirstFailure(t *testing.T) {
	e := load(t, "user-events.json")
	var seen []string
	resp := streams.Handle(context.Background(), e, func(_ context.Context, r streams.Record[dynamodel.User]) error {
		seen = append(seen, r.EventName)
		if r.EventName == streams.Modify {
			return errors.New("downstream unavailable")
		}
		return nil
	})
	assert.Equal(t, []string{streams.Insert, streams.Modify}, seen, "nothing after the failure")
	require.Len(t, resp.BatchItemFailures, 1)
	assert.Equal(t, "4421584600000000017450439092", resp.BatchItemFailures[0].ItemIdentifier)

	resp = streams.Handle(context.Background(), e, func(context.Context, streams.Record[dynamodel.User]) error { return nil })
	assert.Empty(t, resp.BatchItemFailures)
}

// Every holds an attribute of every DynamoDB type.
type Every struct {
	ID      string                `dynamodbav:"id" dynamodel:"hash"`
	S       string                `dynamodbav:"s"`
	N       int64                 `dynamodbav:"n"`
	F       float64               `dynamodbav:"f"`
	B       []byte                `dynamodbav:"b"`
	Bool    bool                  `dynamodbav:"bool"`
	Null    *string               `dynamodbav:"null"`
	L       []any                 `dynamodbav:"l"`
	M       map[string]int        `dynamodbav:"m"`
	SS      []string              `dynamodbav:"ss,stringset"`
	NS      []float64             `dynamodbav:"ns,numberset"`
	BS      [][]byte              `dynamodbav:"bs"`
	Nested  struct{ A, B string } `dynamodbav:"nested"`
	When    time.Time             `dynamodbav:"when"`
	Expires time.Time             `dynamodbav:"expires,unixtime"`
}

// TestStreamImageEqualsGet stores an item of every attribute type, reads it
// back with Get, and decodes the same item as a stream record built the way
// Lambda delivers it: the two values are equal.
func TestStreamImageEqualsGet(t *testing.T) {
	s, err := schema.Parse("every.json", []byte(`{"TableName": "Every",
		"AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
		"KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}], "BillingMode": "PAY_PER_REQUEST"}`))
	require.NoError(t, err)
	enginetest.Each(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := context.Background()
		repo, err := dynamodel.NewRepository[Every](db.Client, db.Table("Every"))
		require.NoError(t, err)
		v := Every{
			ID: "e1", S: "text ✓", N: -42, F: 3.25, B: []byte{0, 1, 254}, Bool: true,
			L:       []any{"x", 1.5, true, nil, []any{"nested"}, map[string]any{"k": "v"}},
			M:       map[string]int{"a": 1, "b": 2},
			SS:      []string{"red", "green"},
			NS:      []float64{1.5, 2},
			BS:      [][]byte{{1}, {2, 3}},
			When:    time.Date(2026, 11, 25, 9, 30, 0, 123000000, time.UTC),
			Expires: time.Unix(1800000000, 0),
		}
		v.Nested.A, v.Nested.B = "a", "b"
		_, err = repo.Put(ctx, v)
		require.NoError(t, err)
		got, err := repo.Get(ctx, "e1")
		require.NoError(t, err)

		raw, err := db.Client.GetItem(ctx, &dynamodb.GetItemInput{
			TableName: aws.String(db.Table("Every")),
			Key:       map[string]types.AttributeValue{"id": &types.AttributeValueMemberS{Value: "e1"}},
		})
		require.NoError(t, err)
		body, err := json.Marshal(map[string]any{"Records": []any{map[string]any{
			"eventID": "1", "eventName": "INSERT", "eventSource": "aws:dynamodb",
			"dynamodb": map[string]any{
				"Keys":           streams.ImageJSON(map[string]types.AttributeValue{"id": raw.Item["id"]}),
				"NewImage":       streams.ImageJSON(raw.Item),
				"SequenceNumber": "1", "StreamViewType": "NEW_IMAGE",
			},
		}}})
		require.NoError(t, err)
		var e events.DynamoDBEvent
		require.NoError(t, json.Unmarshal(body, &e), "the event parses as Lambda's runtime parses it")
		recs, err := streams.Decode[Every](e)
		require.NoError(t, err)
		require.Len(t, recs, 1)
		assert.Equal(t, got, *recs[0].New)
		assert.Equal(t, "e1", recs[0].Keys.ID)
	}, dynamotest.WithSchemas(s))
}
