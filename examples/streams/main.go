// Command streams is a Lambda function for the User table's stream: it
// decodes each change into dynamodel.User values, straight from the bytes
// Lambda delivers (streams.HandleJSON), and reacts to it (here, by
// logging what a real function would do: welcome new users, note renames,
// say goodbye). Failures are reported per record, so Lambda retries from
// the first failed change and skips none (enable ReportBatchItemFailures
// on the event source mapping).
//
// Build it like examples/lambda:
//
//	GOOS=linux GOARCH=arm64 CGO_ENABLED=0 go build -tags lambda.norpc -o bootstrap ./examples/streams
package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/streams"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	lambda.Start(handler(log))
}

// handler returns the function Lambda calls with each event's bytes.
func handler(log *slog.Logger) func(context.Context, json.RawMessage) (events.DynamoDBEventResponse, error) {
	return func(ctx context.Context, event json.RawMessage) (events.DynamoDBEventResponse, error) {
		return streams.HandleJSON(ctx, event, func(ctx context.Context, r streams.Record[dynamodel.User]) error {
			return react(ctx, log, r)
		})
	}
}

// react handles one change of a user. An image is nil when the stream's
// view type does not carry it (KEYS_ONLY has neither; NEW_IMAGE no Old,
// OLD_IMAGE no New); the keys are always there.
func react(_ context.Context, log *slog.Logger, r streams.Record[dynamodel.User]) error {
	switch r.EventName {
	case streams.Insert:
		var first string
		if r.New != nil {
			first = r.New.FirstName
		}
		log.Info("welcome", "email", r.Keys.Email, "first_name", first)
	case streams.Modify:
		if r.Old != nil && r.New != nil && r.Old.LastName != r.New.LastName {
			log.Info("renamed", "email", r.Keys.Email, "from", r.Old.LastName, "to", r.New.LastName)
		}
	case streams.Remove:
		log.Info("goodbye", "email", r.Keys.Email, "expired", r.ByTTL)
	}
	return nil
}
