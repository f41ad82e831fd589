package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/dynamotest"
	"github.com/dynamodel/dynamodel/internal/enginetest"
	"github.com/dynamodel/dynamodel/schema"
)

// event loads a recorded API Gateway event and adjusts it.
func event(t *testing.T, file string, edit func(*events.APIGatewayV2HTTPRequest)) events.APIGatewayV2HTTPRequest {
	t.Helper()
	data, err := os.ReadFile("testdata/" + file)
	require.NoError(t, err)
	var e events.APIGatewayV2HTTPRequest
	require.NoError(t, json.Unmarshal(data, &e))
	if edit != nil {
		edit(&e)
	}
	return e
}

func withBody(body string) func(*events.APIGatewayV2HTTPRequest) {
	return func(e *events.APIGatewayV2HTTPRequest) { e.Body, e.IsBase64Encoded = body, false }
}

func forEmail(email string) func(*events.APIGatewayV2HTTPRequest) {
	return func(e *events.APIGatewayV2HTTPRequest) {
		e.PathParameters = map[string]string{"email": email}
		e.RawPath = "/users/" + email
	}
}

func newAPI(t *testing.T, db *dynamotest.DB) *API {
	t.Helper()
	users, err := dynamodel.NewRepository[dynamodel.User](db.Client, db.Table(dynamodel.UserTable))
	require.NoError(t, err)
	return NewAPI(users, slog.New(slog.NewTextHandler(io.Discard, nil)))
}

func userSchema(t *testing.T) func(*dynamotest.Options) {
	s, err := schema.Load("../../testdata/create-user.json")
	require.NoError(t, err)
	return dynamotest.WithSchemas(s)
}

func call(t *testing.T, api *API, e events.APIGatewayV2HTTPRequest) (int, map[string]any, map[string]string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	resp, err := api.Handle(ctx, e)
	require.NoError(t, err)
	var body map[string]any
	if resp.Body != "" {
		require.NoError(t, json.Unmarshal([]byte(resp.Body), &body), resp.Body)
	}
	return resp.StatusCode, body, resp.Headers
}

func TestHandlerWithRecordedEvents(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, db *dynamotest.DB) {
		api := newAPI(t, db)

		status, body, headers := call(t, api, event(t, "post-user.json", nil))
		require.Equal(t, http.StatusCreated, status, body)
		assert.Equal(t, map[string]any{"email": "ada@example.com", "first_name": "Ada", "last_name": "Byron"}, body)
		assert.Equal(t, "/users/ada@example.com", headers["Location"])

		status, body, _ = call(t, api, event(t, "post-user.json", nil))
		assert.Equal(t, http.StatusConflict, status, body)

		status, body, headers = call(t, api, event(t, "get-user.json", nil))
		require.Equal(t, http.StatusOK, status)
		assert.Equal(t, "Byron", body["last_name"])
		tag := headers["ETag"]
		require.NotEmpty(t, tag)

		// The recorded PATCH has a base64 body: {"last_name":"Lovelace"}.
		status, body, _ = call(t, api, event(t, "patch-user.json", nil))
		require.Equal(t, http.StatusOK, status, body)
		assert.Equal(t, map[string]any{"email": "ada@example.com", "first_name": "Ada", "last_name": "Lovelace"}, body)

		// A stale If-Match is refused and changes nothing.
		status, _, _ = call(t, api, event(t, "patch-user.json", func(e *events.APIGatewayV2HTTPRequest) {
			e.Headers["if-match"] = tag
			e.Body, e.IsBase64Encoded = `{"first_name":"Augusta"}`, false
		}))
		assert.Equal(t, http.StatusPreconditionFailed, status)
		_, body, headers = call(t, api, event(t, "get-user.json", nil))
		assert.Equal(t, "Ada", body["first_name"])

		// A current one is taken; null removes a field.
		status, body, _ = call(t, api, event(t, "patch-user.json", func(e *events.APIGatewayV2HTTPRequest) {
			e.Headers["if-match"] = headers["ETag"]
			e.Body, e.IsBase64Encoded = `{"first_name":null}`, false
		}))
		require.Equal(t, http.StatusOK, status, body)
		assert.Equal(t, map[string]any{"email": "ada@example.com", "last_name": "Lovelace"}, body)

		status, _, _ = call(t, api, event(t, "delete-user.json", nil))
		assert.Equal(t, http.StatusNoContent, status)
		status, _, _ = call(t, api, event(t, "get-user.json", nil))
		assert.Equal(t, http.StatusNotFound, status)
		status, _, _ = call(t, api, event(t, "delete-user.json", nil))
		assert.Equal(t, http.StatusNotFound, status)
		status, _, _ = call(t, api, event(t, "patch-user.json", nil))
		assert.Equal(t, http.StatusNotFound, status)
	}, userSchema(t))
}

func TestHandlerRejectsBadInput(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, db *dynamotest.DB) {
		api := newAPI(t, db)
		for _, tc := range []struct {
			name   string
			e      events.APIGatewayV2HTTPRequest
			status int
			msg    string
		}{
			{"not JSON", event(t, "post-user.json", withBody("{")), 400, "body must be a JSON object"},
			{"unknown field", event(t, "post-user.json", withBody(`{"email":"a@b.c","nick":"x"}`)), 400, `unknown field "nick"`},
			{"no email", event(t, "post-user.json", withBody(`{"first_name":"x"}`)), 400, "email must be an email address"},
			{"empty patch", event(t, "patch-user.json", withBody(`{}`)), 400, "nothing to change"},
			{"wrong type", event(t, "patch-user.json", withBody(`{"last_name": 3}`)), 400, "body must be a JSON object"},
			{"no email in path", event(t, "get-user.json", forEmail("")), 405, "use POST /users"},
			{"email too long", event(t, "get-user.json", forEmail(strings.Repeat("a", 2049))), 400, "email is missing or invalid"},
			{"wrong method", event(t, "get-user.json", func(e *events.APIGatewayV2HTTPRequest) { e.RequestContext.HTTP.Method = "PUT" }), 405, "use GET, PATCH or DELETE"},
			{"unknown route", event(t, "get-user.json", func(e *events.APIGatewayV2HTTPRequest) { e.RawPath = "/accounts" }), 404, "no such route"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				status, body, _ := call(t, api, tc.e)
				assert.Equal(t, tc.status, status, body)
				assert.Contains(t, body["error"], tc.msg)
			})
		}
	}, userSchema(t))
}

func TestLocalHTTPServer(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, db *dynamotest.DB) {
		srv := httptest.NewServer(newAPI(t, db).HTTPHandler())
		defer srv.Close()
		do := func(method, path, body string) (*http.Response, string) {
			req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
			require.NoError(t, err)
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			return resp, string(b)
		}
		resp, body := do("POST", "/users", `{"email":"grace@example.com","first_name":"Grace"}`)
		require.Equal(t, http.StatusCreated, resp.StatusCode, body)
		resp, body = do("GET", "/users/grace@example.com", "")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		assert.JSONEq(t, `{"email":"grace@example.com","first_name":"Grace"}`, body)
		assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
		resp, _ = do("PATCH", "/users/grace%40example.com", `{"last_name":"Hopper"}`)
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		resp, _ = do("DELETE", "/users/grace@example.com", "")
		assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	}, userSchema(t))
}
