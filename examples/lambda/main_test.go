package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/dynamotest"
	"github.com/dynamodel/dynamodel/internal/enginetest"
)

// env is a getenv over a fixed set of variables.
func env(vars ...string) func(string) string {
	return func(name string) string {
		for i := 0; i+1 < len(vars); i += 2 {
			if vars[i] == name {
				return vars[i+1]
			}
		}
		return ""
	}
}

const testTokenSecret = "0123456789abcdef0123456789abcdef"

// runFails runs the command with o, which must fail before serving.
func runFails(t *testing.T, o options) error {
	t.Helper()
	// Nothing listens here: the run must fail before any call.
	t.Setenv(dynamodel.EndpointEnv, "http://127.0.0.1:1")
	if o.getenv == nil {
		o.getenv = env(TokenSecretEnv, testTokenSecret)
	}
	done := make(chan error, 1)
	go func() { done <- run(context.Background(), slog.New(slog.NewTextHandler(io.Discard, nil)), o) }()
	select {
	case err := <-done:
		require.Error(t, err)
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("run is serving despite bad flags")
	}
	return nil
}

// TestRunRefusesBadSchema: with -http, a -schema file that is missing,
// malformed or not the User table's stops the server before it serves,
// with an error naming the flag and the file, and no call to DynamoDB.
func TestRunRefusesBadSchema(t *testing.T) {
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
			err := runFails(t, options{addr: "127.0.0.1:0", schemaFile: tc.file})
			assert.Contains(t, err.Error(), "-schema "+tc.file+": ")
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

// TestRunNeedsAuth: -http checks local tokens, so it needs their secret,
// unless -insecure-no-auth says to check nothing; that flag means nothing
// in Lambda and is refused there.
func TestRunNeedsAuth(t *testing.T) {
	err := runFails(t, options{addr: "127.0.0.1:0", getenv: env()})
	assert.Contains(t, err.Error(), TokenSecretEnv)
	assert.Contains(t, err.Error(), "-insecure-no-auth")

	err = runFails(t, options{addr: "127.0.0.1:0", getenv: env(TokenSecretEnv, "short")})
	assert.Contains(t, err.Error(), "at least 32 bytes")

	err = runFails(t, options{insecure: true})
	assert.Contains(t, err.Error(), "-insecure-no-auth goes with -http only")
}

// TestRunOutsideLambda: with no mode flag, off Lambda, the command says
// which flags to pass instead of aws-lambda-go's complaint about its
// environment variables.
func TestRunOutsideLambda(t *testing.T) {
	err := runFails(t, options{getenv: env()})
	assert.Contains(t, err.Error(), "not running in AWS Lambda")
	assert.Contains(t, err.Error(), "-http ADDR")
}

// TestFlagsOfAnotherMode: flags of a mode not asked for are refused, not
// ignored.
func TestFlagsOfAnotherMode(t *testing.T) {
	assert.ErrorContains(t, checkFlags(map[string]bool{"admin": true}, false, options{}), "-admin goes with -mint-token only")
	assert.ErrorContains(t, checkFlags(map[string]bool{"token-ttl": true}, false, options{addr: ":8080"}), "-token-ttl goes with -mint-token only")
	assert.ErrorContains(t, checkFlags(map[string]bool{"schema": true}, false, options{event: "e.json"}), "-schema goes with -http only")
	assert.NoError(t, checkFlags(map[string]bool{"admin": true, "token-ttl": true}, true, options{}))
	assert.NoError(t, checkFlags(map[string]bool{"schema": true}, false, options{addr: ":8080"}))
}

// TestMintToken: -mint-token prints a token the local server takes, with
// the admin group when asked.
func TestMintToken(t *testing.T) {
	var out strings.Builder
	require.NoError(t, mintToken(&out, env(TokenSecretEnv, testTokenSecret, "ADMIN_GROUP", "ops"), "ada@example.com", true, time.Minute))
	key, err := newTokenKey(testTokenSecret)
	require.NoError(t, err)
	claims, err := key.verify(strings.TrimSpace(out.String()), time.Now())
	require.NoError(t, err)
	assert.Equal(t, "ada@example.com", claims["email"])
	assert.Equal(t, "true", claims["email_verified"])
	assert.Equal(t, "[ops]", claims["cognito:groups"])

	err = mintToken(&out, env(), "ada@example.com", false, time.Minute)
	assert.ErrorContains(t, err, TokenSecretEnv)

	out.Reset()
	for _, ttl := range []time.Duration{0, -time.Hour} {
		err = mintToken(&out, env(TokenSecretEnv, testTokenSecret), "ada@example.com", false, ttl)
		assert.ErrorContains(t, err, "-token-ttl", "a token expired when made is refused, not printed")
		assert.Empty(t, out.String())
	}
}

// TestEventFlag: -event FILE and -event - run the handler once on a
// payload 2.0 event and print the response as JSON.
func TestEventFlag(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, db *dynamotest.DB) {
		api := newAPI(t, db)
		runOn := func(o options) events.APIGatewayV2HTTPResponse {
			var out strings.Builder
			o.stdout = &out
			require.NoError(t, runEvent(context.Background(), api.API, o))
			var resp events.APIGatewayV2HTTPResponse
			require.NoError(t, json.Unmarshal([]byte(out.String()), &resp), out.String())
			return resp
		}
		resp := runOn(options{event: "testdata/post-own.json"})
		assert.Equal(t, http.StatusCreated, resp.StatusCode, resp.Body)

		data, err := os.ReadFile("testdata/get-own.json")
		require.NoError(t, err)
		resp = runOn(options{event: "-", stdin: strings.NewReader(string(data))})
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		assert.JSONEq(t, `{"email":"ada@example.com","first_name":"Ada","last_name":"Byron"}`, resp.Body)

		err = runEvent(context.Background(), api.API, options{event: "-", stdin: strings.NewReader("{")})
		assert.ErrorContains(t, err, "not an API Gateway payload 2.0 event")
	}, userSchema(t))
}
