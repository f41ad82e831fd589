package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
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

// localServer serves api over HTTP with local tokens signed by
// testTokenSecret.
func localServer(t *testing.T, api *testAPI) *httptest.Server {
	t.Helper()
	key, err := newTokenKey(testTokenSecret)
	require.NoError(t, err)
	srv := httptest.NewServer(api.HTTPHandler(localAuth{key: key, adminGroup: "admin"}))
	t.Cleanup(srv.Close)
	return srv
}

// token mints a local token for email.
func token(t *testing.T, email string, groups ...string) string {
	t.Helper()
	key, err := newTokenKey(testTokenSecret)
	require.NoError(t, err)
	tok, err := key.mint(email, groups, time.Now(), time.Minute)
	require.NoError(t, err)
	return tok
}

// do sends a request to srv, with a bearer token unless it is empty.
func do(t *testing.T, srv *httptest.Server, tok, method, path string, body io.Reader) (*http.Response, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, body)
	require.NoError(t, err)
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var m map[string]any
	if len(data) > 0 {
		require.NoError(t, json.Unmarshal(data, &m), string(data))
	}
	return resp, m
}

func TestLocalHTTPServer(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, db *dynamotest.DB) {
		srv := localServer(t, newAPI(t, db))
		grace, admin := token(t, "grace@example.com"), token(t, "root@example.com", "admin")

		resp, body := do(t, srv, "", "GET", "/users/grace@example.com", nil)
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
		assert.Equal(t, "Bearer", resp.Header.Get("WWW-Authenticate"))
		assert.Equal(t, "unauthorized", body["code"])
		assert.NotEmpty(t, resp.Header.Get("X-Request-Id"))
		other, err := newTokenKey(strings.Repeat("x", 32))
		require.NoError(t, err)
		forged, err := other.mint("grace@example.com", []string{"admin"}, time.Now(), time.Minute)
		require.NoError(t, err)
		resp, _ = do(t, srv, forged, "GET", "/users", nil)
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "a token signed with another secret")

		resp, body = do(t, srv, grace, "POST", "/users", strings.NewReader(`{"email":"grace@example.com","first_name":"Grace"}`))
		require.Equal(t, http.StatusCreated, resp.StatusCode, body)
		assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
		resp, body = do(t, srv, grace, "PATCH", "/users/grace%40example.com", strings.NewReader(`{"last_name":"Hopper"}`))
		assert.Equal(t, http.StatusOK, resp.StatusCode, body)
		assert.Equal(t, "Hopper", body["last_name"])
		resp, _ = do(t, srv, grace, "GET", "/users", nil)
		assert.Equal(t, http.StatusForbidden, resp.StatusCode, "only admins list")
		resp, _ = do(t, srv, grace, "GET", "/users/root@example.com", nil)
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)

		resp, body = do(t, srv, grace, "POST", "/users", strings.NewReader(`{"email":"grace@example.com","first_name":"`+strings.Repeat("x", maxBody)+`"}`))
		assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
		assert.Equal(t, "body_too_large", body["code"])
		assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"), "refused before the handler, still not cached")
		chunked := io.MultiReader(strings.NewReader(`{"email":"grace@example.com","first_name":"`), strings.NewReader(strings.Repeat("x", maxBody)))
		resp, _ = do(t, srv, grace, "PATCH", "/users/grace@example.com", struct{ io.Reader }{chunked}) // no Content-Length
		assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
		resp, body = do(t, srv, grace, "PATCH", "/users/grace@example.com", strings.NewReader("{\"last_name\":\"Hop\xffper\"}"))
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
		assert.Equal(t, "invalid_utf8", body["code"])

		// An admin lists every user, a page at a time.
		for _, email := range []string{"ada@example.com", "root@example.com"} {
			resp, body = do(t, srv, admin, "POST", "/users", strings.NewReader(`{"email":"`+email+`"}`))
			require.Equal(t, http.StatusCreated, resp.StatusCode, body)
		}
		seen := map[string]bool{}
		path := "/users?limit=2"
		for pages := 0; path != ""; pages++ {
			require.Less(t, pages, 3)
			resp, body = do(t, srv, admin, "GET", path, nil)
			require.Equal(t, http.StatusOK, resp.StatusCode, body)
			for _, u := range body["users"].([]any) {
				seen[u.(map[string]any)["email"].(string)] = true
			}
			path = ""
			if c, ok := body["cursor"].(string); ok {
				path = "/users?limit=2&cursor=" + c
			}
		}
		assert.Equal(t, map[string]bool{"ada@example.com": true, "grace@example.com": true, "root@example.com": true}, seen)

		resp, _ = do(t, srv, grace, "DELETE", "/users/grace@example.com", nil)
		assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	}, userSchema(t))
}

// TestCursorsNeedTheSecret: a cursor works on any API with the secret that
// sealed it, and on no other.
func TestCursorsNeedTheSecret(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, db *dynamotest.DB) {
		secret := func(s string) func(*dynamodel.Options) {
			return func(o *dynamodel.Options) { o.CursorSecret = []byte(strings.Repeat(s, 32)) }
		}
		a, b, other := newAPI(t, db, secret("a")), newAPI(t, db, secret("a")), newAPI(t, db, secret("b"))
		for _, email := range []string{"a@example.com", "b@example.com", "c@example.com"} {
			_, err := a.users.Create(context.Background(), dynamodel.User{Email: email})
			require.NoError(t, err)
		}
		r := send(t, a, event(t, "list-admin.json", func(e *events.APIGatewayV2HTTPRequest) { e.RawQueryString = "limit=2" }))
		require.Equal(t, http.StatusOK, r.status, r.raw)
		cursor := r.body["cursor"].(string)
		next := func(e *events.APIGatewayV2HTTPRequest) { e.RawQueryString = "cursor=" + cursor }
		r = send(t, b, event(t, "list-admin.json", next))
		assert.Equal(t, http.StatusOK, r.status, r.raw)
		assert.Len(t, r.body["users"], 1)
		r = send(t, other, event(t, "list-admin.json", next))
		assert.Equal(t, http.StatusBadRequest, r.status, r.raw)
		assert.Equal(t, "invalid_cursor", r.body["code"])

		// After a rotation to secret c, a's cursors still open.
		rotated := newAPI(t, db, cursorSecrets{current: []byte(strings.Repeat("c", 32)), old: [][]byte{[]byte(strings.Repeat("a", 32))}}.options)
		r = send(t, rotated, event(t, "list-admin.json", next))
		assert.Equal(t, http.StatusOK, r.status, r.raw)
		assert.Len(t, r.body["users"], 1)
	}, userSchema(t))
}

// offlineAPI is an API whose table is never reached: for requests that
// must be answered before any call.
func offlineAPI(t *testing.T) *testAPI {
	t.Helper()
	db := &dynamotest.DB{Client: dynamotest.Engine{Name: "none", Endpoint: "http://127.0.0.1:1"}.Client()}
	return newAPI(t, db)
}

// TestSlowClientsAreCutOff: the plain HTTP server drops a client that sends
// part of a body and stalls, and one that keeps an idle connection, once
// their timeouts pass, instead of holding the connection forever.
func TestSlowClientsAreCutOff(t *testing.T) {
	saved := serverTimeouts
	t.Cleanup(func() { serverTimeouts = saved })
	serverTimeouts.readHeader, serverTimeouts.read, serverTimeouts.idle = 300*time.Millisecond, 300*time.Millisecond, 300*time.Millisecond
	api := offlineAPI(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := newServer(ln.Addr().String(), api.HTTPHandler(localAuth{adminGroup: "admin"}))
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })

	closedWithin := func(t *testing.T, conn net.Conn, limit time.Duration) {
		t.Helper()
		require.NoError(t, conn.SetReadDeadline(time.Now().Add(limit)))
		_, err := io.Copy(io.Discard, conn)
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Fatalf("the server kept the connection open for %v", limit)
		}
	}
	t.Run("slow body", func(t *testing.T) {
		conn, err := net.Dial("tcp", ln.Addr().String())
		require.NoError(t, err)
		defer conn.Close()
		_, err = io.WriteString(conn, "POST /users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
		require.NoError(t, err)
		closedWithin(t, conn, 5*time.Second)
	})
	t.Run("idle connection", func(t *testing.T) {
		conn, err := net.Dial("tcp", ln.Addr().String())
		require.NoError(t, err)
		defer conn.Close()
		_, err = io.WriteString(conn, "GET /users/ada@example.com HTTP/1.1\r\nHost: x\r\n\r\n")
		require.NoError(t, err)
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		require.NoError(t, err)
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
		_, _ = io.Copy(io.Discard, resp.Body)
		closedWithin(t, conn, 5*time.Second)
	})
	t.Run("every timeout set", func(t *testing.T) {
		s := newServer(":0", http.NotFoundHandler())
		for name, d := range map[string]time.Duration{"ReadHeaderTimeout": s.ReadHeaderTimeout, "ReadTimeout": s.ReadTimeout, "WriteTimeout": s.WriteTimeout, "IdleTimeout": s.IdleTimeout} {
			assert.Positive(t, d, name)
		}
		assert.Less(t, saved.handler, saved.write, "the handler gives up before the answer would be cut off")
	})
}

// TestInsecureNoAuth: -insecure-no-auth serves every request as an
// admin's, and says so loudly in the log.
func TestInsecureNoAuth(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logs, nil))
	auth, err := newLocalAuth(log, options{insecure: true, getenv: env()})
	require.NoError(t, err)
	assert.Contains(t, logs.String(), `"level":"WARN"`)
	assert.Contains(t, logs.String(), "INSECURE")

	api := offlineAPI(t)
	srv := httptest.NewServer(api.HTTPHandler(auth))
	defer srv.Close()
	resp, body := do(t, srv, "", "GET", "/users?limit=0", nil)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "past authorization, as an admin")
	assert.Equal(t, "invalid_limit", body["code"])
}

// TestLogs: every line the API logs for a request is JSON with the request
// id, and no line holds a token, a body or a secret.
func TestLogs(t *testing.T) {
	cursorSecretValue := "cursor-secret-" + strings.Repeat("s", 32)
	enginetest.Each(t, func(t *testing.T, db *dynamotest.DB) {
		api := newAPI(t, db, func(o *dynamodel.Options) { o.CursorSecret = []byte(cursorSecretValue) })
		srv := localServer(t, api)
		ada, admin := token(t, "ada@example.com"), token(t, "root@example.com", "admin")
		bodies := []string{
			`{"email":"ada@example.com","first_name":"BodyMarkerFirst","last_name":"BodyMarkerLast"}`,
			`{"email":"ada@example.com","first_name":"BodyMarkerFirst"}`,                            // 409
			`{"email":"ada@example.com","nick":"BodyMarkerField"}`,                                  // unknown field
			`{"email":"ada@example.com","first_name":"BodyMarkerFirst"} BodyMarkerTrail`,            // trailing data
			`{"email":"ada@example.com","first_name":BodyMarkerSyntax}`,                             // syntax error
			"{\"email\":\"ada@example.com\",\"first_name\":\"BodyMarker\xff\"}",                     // invalid UTF-8
			`{"email":"ada@example.com","first_name":"BodyMarker\ud800"}`,                           // lone surrogate
			`{"email":"mallory@example.com","first_name":"BodyMarkerFirst"}`,                        // another's
			`{"email":"ada@example.com","first_name":"` + strings.Repeat("BodyMarker", 2000) + `"}`, // too large
		}
		for _, b := range bodies {
			do(t, srv, ada, "POST", "/users", strings.NewReader(b))
		}
		do(t, srv, ada, "PATCH", "/users/ada@example.com", strings.NewReader(`{"last_name":"BodyMarkerPatch"}`))
		do(t, srv, ada+"x", "GET", "/users/ada@example.com", nil)
		do(t, srv, "BearerMarker.not.atoken", "GET", "/users/ada@example.com", nil)
		_, page := do(t, srv, admin, "GET", "/users?limit=1", nil)
		do(t, srv, admin, "GET", "/users?cursor=CursorMarker", nil)
		// And in Lambda, with the authorizer's claims and the client's
		// Authorization header in the event.
		e := event(t, "patch-own.json", withBody(`{"first_name":"BodyMarkerLambda"}`))
		send(t, api, e)

		lines := strings.Split(strings.TrimSpace(api.logs.String()), "\n")
		require.Greater(t, len(lines), 15)
		for _, line := range lines {
			var entry map[string]any
			require.NoError(t, json.Unmarshal([]byte(line), &entry), line)
			assert.NotEmpty(t, entry["request_id"], line)
			for _, secret := range []string{"BodyMarker", "BearerMarker", ada, admin, testTokenSecret, cursorSecretValue, e.Headers["authorization"][len("Bearer "):]} {
				assert.NotContains(t, line, secret)
			}
			if c, ok := page["cursor"].(string); ok {
				assert.NotContains(t, line, c, "cursors are the client's")
			}
		}
	}, userSchema(t))
}
