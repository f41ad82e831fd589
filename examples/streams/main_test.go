package main

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReactToRecordedEvents(t *testing.T) {
	data, err := os.ReadFile("../../streams/testdata/user-events.json")
	require.NoError(t, err)
	var out bytes.Buffer
	log := slog.New(slog.NewTextHandler(&out, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}}))
	resp, err := handler(log)(context.Background(), data)
	require.NoError(t, err)
	assert.Empty(t, resp.BatchItemFailures)
	assert.Equal(t, "level=INFO msg=welcome email=ada@example.com first_name=Ada\n"+
		"level=INFO msg=renamed email=ada@example.com from=Byron to=Lovelace\n"+
		"level=INFO msg=goodbye email=ada@example.com expired=true\n", out.String())
}

// TestReactWithoutImages: records of a KEYS_ONLY stream (and of an
// OLD_IMAGE one, for an INSERT) carry no new image; the handler uses the
// keys instead of crashing on a nil image, which would fail the whole batch
// again on every retry.
func TestReactWithoutImages(t *testing.T) {
	var out bytes.Buffer
	log := slog.New(slog.NewTextHandler(&out, nil))
	event := []byte(`{"Records":[` +
		`{"eventID":"1","eventName":"INSERT","dynamodb":{"Keys":{"email":{"S":"ada@example.com"}},"SequenceNumber":"1","StreamViewType":"KEYS_ONLY"}},` +
		`{"eventID":"2","eventName":"MODIFY","dynamodb":{"Keys":{"email":{"S":"ada@example.com"}},"SequenceNumber":"2","StreamViewType":"KEYS_ONLY"}},` +
		`{"eventID":"3","eventName":"REMOVE","dynamodb":{"Keys":{"email":{"S":"ada@example.com"}},"SequenceNumber":"3","StreamViewType":"KEYS_ONLY"}}]}`)
	resp, err := handler(log)(context.Background(), event)
	require.NoError(t, err)
	assert.Empty(t, resp.BatchItemFailures)
	assert.Contains(t, out.String(), "msg=welcome email=ada@example.com")
	assert.Contains(t, out.String(), "msg=goodbye email=ada@example.com")
}
