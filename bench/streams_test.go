package bench

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/dynamodel/dynamodel/streams"
)

var recordsSink []streams.Record[Order]

// streamEvent returns a Lambda stream event of n MODIFY records of orders,
// with keys and both images, as Lambda delivers it.
func streamEvent(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"Records":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"eventID":"%032x","eventName":"MODIFY","eventVersion":"1.1","eventSource":"aws:dynamodb","awsRegion":"us-east-1",`+
			`"dynamodb":{"ApproximateCreationDateTime":1795599060,"Keys":{"customer":{"S":"customer-%06d"},"id":{"S":"order-%010d-2026-11-25T09:30:00Z"}},`+
			`"NewImage":%s,"OldImage":%s,"SequenceNumber":"44215846000000000174504%05d","SizeBytes":700,"StreamViewType":"NEW_AND_OLD_IMAGES"},`+
			`"eventSourceARN":"arn:aws:dynamodb:us-east-1:123456789012:table/Orders/stream/2026-11-25T09:00:00.000"}`,
			i, i%500, i, orderJSON(i), orderJSON(n+i), i)
	}
	b.WriteString(`]}`)
	return []byte(b.String())
}

// orderJSON returns order i in DynamoDB's JSON.
func orderJSON(i int) string {
	s := OrderItemsJSON(i, 1)
	return s[1 : len(s)-1]
}

func TestStreamEvent(t *testing.T) {
	raw := streamEvent(100)
	direct, err := streams.DecodeJSON[Order](raw)
	if err != nil {
		t.Fatal(err)
	}
	var e events.DynamoDBEvent
	if err := json.Unmarshal(raw, &e); err != nil {
		t.Fatal(err)
	}
	want, err := streams.Decode[Order](e)
	if err != nil || len(want) != 100 || want[7].New.Quantity == 0 {
		t.Fatal(len(want), err)
	}
	if !reflect.DeepEqual(direct, want) {
		t.Fatalf("DecodeJSON and Decode differ")
	}
}

// BenchmarkStream100 decodes a Lambda event of 100 MODIFY records of
// orders (keys and both images) into typed records: aws-lambda-go's
// events.DynamoDBEvent then streams.Decode (events), against
// streams.DecodeJSON from the raw bytes (dynamodel).
func BenchmarkStream100(b *testing.B) {
	raw := streamEvent(100)
	b.Run("impl=events", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var e events.DynamoDBEvent
			if err := json.Unmarshal(raw, &e); err != nil {
				b.Fatal(err)
			}
			recs, err := streams.Decode[Order](e)
			if err != nil {
				b.Fatal(err)
			}
			recordsSink = recs
		}
	})
	b.Run("impl=dynamodel", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			recs, err := streams.DecodeJSON[Order](raw)
			if err != nil {
				b.Fatal(err)
			}
			recordsSink = recs
		}
	})
}
