package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/dynamotest"
)

// TestQuickstart runs the example against each engine and checks what it
// prints at every step.
func TestQuickstart(t *testing.T) {
	for _, e := range dynamotest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Setenv(dynamodel.EndpointEnv, e.Endpoint)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			out := captureStdout(t, func() {
				require.NoError(t, run(ctx, "../../testdata/create-user.json"))
			})
			for _, want := range []string{
				"1. table User from ../../testdata/create-user.json: ",
				"3. got user {Email:ada@example.com FirstName:Ada LastName:Byron} (login id ada@example.com)",
				"4. updated last name: {Email:ada@example.com FirstName:Ada LastName:Lovelace}",
				"5. user nobody@example.com: <nil>",
				"6. deleted user ada@example.com: true; now: <nil>",
			} {
				assert.Contains(t, out, want)
			}
			// Run twice: the table is there and the user was deleted, so the
			// flow works again.
			out = captureStdout(t, func() {
				require.NoError(t, run(ctx, "../../testdata/create-user.json"))
			})
			assert.Contains(t, out, "1. table User from ../../testdata/create-user.json: already there")
			assert.Contains(t, out, "2. created user")
			assert.Equal(t, 7, strings.Count(out, "\n"))
		})
	}
}

func captureStdout(t *testing.T, fn func()) string {
	t.Helper()
	r, w, err := os.Pipe()
	require.NoError(t, err)
	saved := os.Stdout
	os.Stdout = w
	done := make(chan string)
	go func() {
		var b bytes.Buffer
		_, _ = io.Copy(&b, r)
		done <- b.String()
	}()
	defer func() { os.Stdout = saved }()
	fn()
	require.NoError(t, w.Close())
	return <-done
}
