package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel"
)

// TestRunRefusesBadSchema: with -http, a -schema file that is missing,
// malformed or not the User table's stops the server before it serves,
// with an error naming the flag and the file, and no call to DynamoDB.
func TestRunRefusesBadSchema(t *testing.T) {
	// Nothing listens here: the run must fail before any call.
	t.Setenv(dynamodel.EndpointEnv, "http://127.0.0.1:1")
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
		return p
	}
	for _, tc := range []struct {
		name, file, want string
	}{
		{"missing", filepath.Join(dir, "missing.json"), "no such file or directory"},
		{"malformed", write("malformed.json", `{"TableName": "User",`), "dynamodel: schema"},
		{"another table", write("orders.json", `{"TableName": "Orders",
			"KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
			"AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
			"BillingMode": "PAY_PER_REQUEST"}`), "defines table Orders, not User"},
		{"another key", write("user-by-id.json", `{"TableName": "User",
			"KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
			"AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
			"BillingMode": "PAY_PER_REQUEST"}`), "email"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			done := make(chan error, 1)
			go func() {
				done <- run(context.Background(), slog.New(slog.NewTextHandler(io.Discard, nil)), "127.0.0.1:0", tc.file)
			}()
			select {
			case err := <-done:
				require.Error(t, err)
				assert.Contains(t, err.Error(), "-schema "+tc.file+": ")
				assert.Contains(t, err.Error(), tc.want)
			case <-time.After(10 * time.Second):
				t.Fatal("run is serving despite a bad -schema file")
			}
		})
	}
}
