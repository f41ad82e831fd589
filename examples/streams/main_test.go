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
