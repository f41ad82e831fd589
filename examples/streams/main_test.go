package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/streams"
)

func TestReactToRecordedEvents(t *testing.T) {
	data, err := os.ReadFile("../../streams/testdata/user-events.json")
	require.NoError(t, err)
	var e events.DynamoDBEvent
	require.NoError(t, json.Unmarshal(data, &e))
	var out bytes.Buffer
	log := slog.New(slog.NewTextHandler(&out, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}}))
	resp := streams.Handle(context.Background(), e, func(ctx context.Context, r streams.Record[dynamodel.User]) error {
		return react(ctx, log, r)
	})
	assert.Empty(t, resp.BatchItemFailures)
	assert.Equal(t, "level=INFO msg=welcome email=ada@example.com first_name=Ada\n"+
		"level=INFO msg=renamed email=ada@example.com from=Byron to=Lovelace\n"+
		"level=INFO msg=goodbye email=ada@example.com expired=true\n", out.String())
}
