package streams_test

import (
	"fmt"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/streams"
)

// DecodeJSON reads the event as Lambda delivers it, before aws-lambda-go's
// types: in a handler, take a json.RawMessage and pass it on (or call
// HandleJSON).
func ExampleDecodeJSON() {
	event := []byte(`{"Records":[{"eventID":"1","eventName":"INSERT","dynamodb":{
		"Keys":{"email":{"S":"ada@example.com"}},
		"NewImage":{"email":{"S":"ada@example.com"},"first_name":{"S":"Ada"}},
		"SequenceNumber":"100","StreamViewType":"NEW_AND_OLD_IMAGES"}}]}`)
	recs, err := streams.DecodeJSON[dynamodel.User](event)
	if err != nil {
		panic(err)
	}
	for _, r := range recs {
		fmt.Println(r.EventName, r.New.Email, r.New.FirstName, r.Old == nil)
	}
	// Output: INSERT ada@example.com Ada true
}
