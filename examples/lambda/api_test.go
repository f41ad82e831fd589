package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go/middleware"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/dynamotest"
	"github.com/dynamodel/dynamodel/internal/enginetest"
	"github.com/dynamodel/dynamodel/schema"
)

// event loads a hand-written API Gateway event from testdata and adjusts it.
func event(t *testing.T, file string, edits ...func(*events.APIGatewayV2HTTPRequest)) events.APIGatewayV2HTTPRequest {
	t.Helper()
	data, err := os.ReadFile("testdata/" + file)
	require.NoError(t, err)
	var e events.APIGatewayV2HTTPRequest
	require.NoError(t, json.Unmarshal(data, &e))
	for _, edit := range edits {
		edit(&e)
	}
	return e
}

func withBody(body string) func(*events.APIGatewayV2HTTPRequest) {
	return func(e *events.APIGatewayV2HTTPRequest) { e.Body, e.IsBase64Encoded = body, false }
}

func withHeader(name, value string) func(*events.APIGatewayV2HTTPRequest) {
	return func(e *events.APIGatewayV2HTTPRequest) { e.Headers[name] = value }
}

// forEmail points an event of route /users/{email} at another user.
func forEmail(email string) func(*events.APIGatewayV2HTTPRequest) {
	return func(e *events.APIGatewayV2HTTPRequest) {
		e.PathParameters = map[string]string{"email": email}
		e.RawPath = "/users/" + email
	}
}

// recorder records the DynamoDB operations a client calls.
type recorder struct {
	mu  sync.Mutex
	ops map[string]bool
}

// option adds the recording middleware to a client.
func (r *recorder) option(o *dynamodb.Options) {
	o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
		return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("recordOperation",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				r.mu.Lock()
				if r.ops == nil {
					r.ops = map[string]bool{}
				}
				r.ops[awsmiddleware.GetOperationName(ctx)] = true
				r.mu.Unlock()
				return next.HandleInitialize(ctx, in)
			}), middleware.Before)
	})
}

// operations returns the recorded operations, sorted.
func (r *recorder) operations() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var ops []string
	for op := range r.ops {
		ops = append(ops, op)
	}
	slices.Sort(ops)
	return ops
}

// testAPI is the API on a test table, with what it logged and the
// operations it called.
type testAPI struct {
	*API
	users *dynamodel.Repository[dynamodel.User] // the table, read behind the API's back
	ops   *recorder
	logs  *syncBuffer
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func newAPI(t *testing.T, db *dynamotest.DB, optFns ...func(*dynamodel.Options)) *testAPI {
	t.Helper()
	rec := &recorder{}
	opts := append([]func(*dynamodel.Options){func(o *dynamodel.Options) {
		o.ClientOptions = append(o.ClientOptions, rec.option)
	}}, optFns...)
	users, err := dynamodel.NewRepository[dynamodel.User](db.Client, db.Table(dynamodel.UserTable), opts...)
	require.NoError(t, err)
	direct, err := dynamodel.NewRepository[dynamodel.User](db.Client, db.Table(dynamodel.UserTable))
	require.NoError(t, err)
	logs := &syncBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, nil))
	return &testAPI{API: NewAPI(users, log, "admin"), users: direct, ops: rec, logs: logs}
}

func userSchema(t *testing.T) func(*dynamotest.Options) {
	s, err := schema.Load("../../testdata/create-user.json")
	require.NoError(t, err)
	return dynamotest.WithSchemas(s)
}

// reply is the handler's response, its body decoded.
type reply struct {
	status  int
	body    map[string]any
	headers map[string]string
	raw     string
}

func send(t *testing.T, api *testAPI, e events.APIGatewayV2HTTPRequest) reply {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	resp, err := api.Handle(ctx, e)
	require.NoError(t, err)
	r := reply{status: resp.StatusCode, headers: resp.Headers, raw: resp.Body}
	if resp.Body != "" {
		require.NoError(t, json.Unmarshal([]byte(resp.Body), &r.body), resp.Body)
	}
	return r
}

// stored reads a user behind the API's back (zero when missing).
func stored(t *testing.T, api *testAPI, email string) dynamodel.User {
	t.Helper()
	u, err := api.users.Get(context.Background(), email, dynamodel.ConsistentRead)
	if err != nil {
		require.ErrorIs(t, err, dynamodel.ErrNotFound)
	}
	return u
}

// TestReplayEvents replays the hand-written payload 2.0 events of
// testdata, with claims as API Gateway's JWT authorizer passes a Cognito ID
// token's: a user may create, read, change and delete their own record
// only (403 otherwise, and the item is unchanged), an admin may do all and
// list, a request without claims gets 401, an unverified email 403. The
// DynamoDB operations the API called are exactly the actions the
// template's policy allows on the table.
func TestReplayEvents(t *testing.T) {
	policy := templateTableActions(t)
	enginetest.Each(t, func(t *testing.T, db *dynamotest.DB) {
		api := newAPI(t, db)
		ada := "ada@example.com"
		step := func(file string, status int, edits ...func(*events.APIGatewayV2HTTPRequest)) reply {
			t.Helper()
			r := send(t, api, event(t, file, edits...))
			require.Equal(t, status, r.status, "%s: %s", file, r.raw)
			return r
		}

		step("get-no-claims.json", http.StatusUnauthorized)
		step("post-other.json", http.StatusForbidden) // mallory creating ada
		assert.Zero(t, stored(t, api, ada), "a refused create stores nothing")

		r := step("post-own.json", http.StatusCreated)
		assert.Equal(t, map[string]any{"email": ada, "first_name": "Ada", "last_name": "Byron"}, r.body)
		assert.Equal(t, "/users/ada@example.com", r.headers["Location"])
		step("post-own.json", http.StatusConflict)
		r = step("get-own.json", http.StatusOK)
		assert.Equal(t, "Byron", r.body["last_name"])
		before := stored(t, api, ada)

		step("get-unverified.json", http.StatusForbidden)
		for _, file := range []string{"get-other.json", "patch-other.json", "delete-other.json", "post-other.json", "list-user.json"} {
			r = step(file, http.StatusForbidden)
			assert.Equal(t, "forbidden", r.body["code"])
			assert.Equal(t, before, stored(t, api, ada), "%s changed the item", file)
		}

		r = step("patch-own.json", http.StatusOK) // base64 body: {"last_name":"Lovelace"}
		assert.Equal(t, "Lovelace", r.body["last_name"])
		r = step("patch-admin.json", http.StatusOK)
		assert.Equal(t, map[string]any{"email": ada, "first_name": "Augusta Ada", "last_name": "Lovelace"}, r.body)
		r = step("list-admin.json", http.StatusOK)
		assert.Equal(t, []any{map[string]any{"email": ada, "first_name": "Augusta Ada", "last_name": "Lovelace"}}, r.body["users"])
		assert.NotContains(t, r.body, "cursor", "one page holds every user")

		step("delete-own.json", http.StatusNoContent)
		step("get-own.json", http.StatusNotFound)
		step("delete-own.json", http.StatusNotFound)
		step("patch-own.json", http.StatusNotFound)

		assert.Equal(t, policy, api.ops.operations(),
			"the template's policy must allow exactly the operations the API calls")
	}, userSchema(t))
}

// TestEmptyStringsAreNotStored: an empty name is not stored on POST, and a
// PATCH setting one to "" removes it, so the user's ETag keeps working.
func TestEmptyStringsAreNotStored(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, db *dynamotest.DB) {
		api := newAPI(t, db)
		r := send(t, api, event(t, "post-own.json", withBody(`{"email":"ada@example.com","first_name":"","last_name":"Byron"}`)))
		require.Equal(t, http.StatusCreated, r.status, r.raw)
		assert.NotContains(t, rawItem(t, db, "ada@example.com"), "first_name")

		r = send(t, api, event(t, "patch-own.json", withBody(`{"last_name":""}`)))
		require.Equal(t, http.StatusOK, r.status, r.raw)
		assert.Equal(t, map[string]any{"email": "ada@example.com"}, r.body)
		assert.NotContains(t, rawItem(t, db, "ada@example.com"), "last_name", "a PATCH with \"\" must remove, not store \"\"")

		// The fresh ETag is taken: the stored user is the one it describes.
		r = send(t, api, event(t, "patch-own.json", withBody(`{"first_name":"Ada"}`), withHeader("if-match", r.headers["ETag"])))
		assert.Equal(t, http.StatusOK, r.status, r.raw)
	}, userSchema(t))
}

// rawItem reads an item's attributes as stored.
func rawItem(t *testing.T, db *dynamotest.DB, email string) map[string]any {
	t.Helper()
	out, err := db.Client.GetItem(context.Background(), &dynamodb.GetItemInput{
		TableName:      ptr(db.Table(dynamodel.UserTable)),
		Key:            map[string]types.AttributeValue{"email": &types.AttributeValueMemberS{Value: email}},
		ConsistentRead: ptr(true),
	})
	require.NoError(t, err)
	m := map[string]any{}
	for k, v := range out.Item {
		m[k] = v
	}
	return m
}

func ptr[T any](v T) *T { return &v }

// TestIfMatch: a stale ETag is refused with 412 and changes nothing; a
// current one is taken. Two stored states whose names joined with NUL are
// the same string have different ETags, so If-Match tells them apart.
func TestIfMatch(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, db *dynamotest.DB) {
		api := newAPI(t, db)
		r := send(t, api, event(t, "post-own.json", withBody("{\"email\":\"ada@example.com\",\"first_name\":\"a\\u0000\",\"last_name\":\"b\"}")))
		require.Equal(t, http.StatusCreated, r.status, r.raw)
		tag := r.headers["ETag"]
		r = send(t, api, event(t, "get-own.json"))
		require.Equal(t, tag, r.headers["ETag"], "POST and GET give one user one ETag")

		// An admin changes the names so that first+NUL+last is unchanged.
		r = send(t, api, event(t, "patch-admin.json", withBody("{\"first_name\":\"a\",\"last_name\":\"\\u0000b\"}")))
		require.Equal(t, http.StatusOK, r.status, r.raw)
		assert.NotEqual(t, tag, r.headers["ETag"])
		current := r.headers["ETag"]

		r = send(t, api, event(t, "patch-own.json", withBody(`{"first_name":"Ada"}`), withHeader("if-match", tag)))
		assert.Equal(t, http.StatusPreconditionFailed, r.status, r.raw)
		assert.Equal(t, "precondition_failed", r.body["code"])
		assert.Equal(t, "a", stored(t, api, "ada@example.com").FirstName)

		r = send(t, api, event(t, "patch-own.json", withBody(`{"first_name":null}`), withHeader("if-match", `"x", `+current)))
		require.Equal(t, http.StatusOK, r.status, r.raw)
		assert.Equal(t, map[string]any{"email": "ada@example.com", "last_name": "\x00b"}, r.body)
		r = send(t, api, event(t, "patch-own.json", withBody(`{"first_name":"Ada"}`), withHeader("if-match", "*")))
		assert.Equal(t, http.StatusOK, r.status, r.raw)

		// DELETE honours If-Match as PATCH does.
		current = r.headers["ETag"]
		r = send(t, api, event(t, "delete-own.json", withHeader("if-match", tag)))
		assert.Equal(t, http.StatusPreconditionFailed, r.status, r.raw)
		assert.Equal(t, "Ada", stored(t, api, "ada@example.com").FirstName, "a stale If-Match deletes nothing")
		r = send(t, api, event(t, "delete-own.json", withHeader("if-match", current)))
		assert.Equal(t, http.StatusNoContent, r.status, r.raw)
		assert.Zero(t, stored(t, api, "ada@example.com"))
	}, userSchema(t))
}

// TestResponsesAreNotCached: every answer, personal data or refusal, tells
// caches not to keep it and browsers not to sniff it.
func TestResponsesAreNotCached(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, db *dynamotest.DB) {
		api := newAPI(t, db)
		for _, tc := range []struct {
			file   string
			status int
		}{
			{"post-own.json", http.StatusCreated},
			{"get-own.json", http.StatusOK},
			{"patch-own.json", http.StatusOK},
			{"list-admin.json", http.StatusOK},
			{"get-other.json", http.StatusForbidden},
			{"get-no-claims.json", http.StatusUnauthorized},
			{"delete-own.json", http.StatusNoContent},
			{"get-own.json", http.StatusNotFound},
		} {
			r := send(t, api, event(t, tc.file))
			require.Equal(t, tc.status, r.status, "%s: %s", tc.file, r.raw)
			assert.Equal(t, "no-store", r.headers["Cache-Control"], tc.file)
			assert.Equal(t, "nosniff", r.headers["X-Content-Type-Options"], tc.file)
		}
	}, userSchema(t))
}

// TestLegacyEmptyStringKeepsIfMatchWorking: an item some other code stored
// with first_name "" still takes a PATCH with its ETag.
func TestLegacyEmptyStringKeepsIfMatchWorking(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, db *dynamotest.DB) {
		api := newAPI(t, db)
		_, err := db.Client.PutItem(context.Background(), &dynamodb.PutItemInput{
			TableName: ptr(db.Table(dynamodel.UserTable)),
			Item:      map[string]types.AttributeValue{"email": &types.AttributeValueMemberS{Value: "ada@example.com"}, "first_name": &types.AttributeValueMemberS{Value: ""}},
		})
		require.NoError(t, err)
		r := send(t, api, event(t, "get-own.json"))
		require.Equal(t, http.StatusOK, r.status, r.raw)
		r = send(t, api, event(t, "patch-own.json", withBody(`{"last_name":"Byron"}`), withHeader("if-match", r.headers["ETag"])))
		assert.Equal(t, http.StatusOK, r.status, r.raw)
	}, userSchema(t))
}

func TestHandlerRejectsBadInput(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, db *dynamotest.DB) {
		api := newAPI(t, db)
		big := `{"email":"ada@example.com","first_name":"` + string(bytes.Repeat([]byte("x"), maxBody)) + `"}`
		for _, tc := range []struct {
			name   string
			e      events.APIGatewayV2HTTPRequest
			status int
			code   string
		}{
			{"not JSON", event(t, "post-own.json", withBody("{")), 400, "invalid_body"},
			{"unknown field", event(t, "post-own.json", withBody(`{"email":"ada@example.com","nick":"x"}`)), 400, "invalid_body"},
			{"field in another case", event(t, "post-own.json", withBody(`{"EMAIL":"ada@example.com"}`)), 400, "invalid_body"},
			{"field twice", event(t, "post-own.json", withBody(`{"email":"mallory@example.com","email":"ada@example.com"}`)), 400, "invalid_body"},
			{"field twice, another case", event(t, "post-own.json", withBody(`{"email":"mallory@example.com","Email":"ada@example.com"}`)), 400, "invalid_body"},
			{"field twice on patch", event(t, "patch-own.json", withBody(`{"last_name":"B","last_name":null}`)), 400, "invalid_body"},
			{"no email", event(t, "post-own.json", withBody(`{"first_name":"x"}`)), 400, "invalid_email"},
			{"trailing object", event(t, "post-own.json", withBody(`{"email":"ada@example.com"}{}`)), 400, "invalid_body"},
			{"trailing text", event(t, "post-own.json", withBody(`{"email":"ada@example.com"} x`)), 400, "invalid_body"},
			{"trailing data on patch", event(t, "patch-own.json", withBody(`{"last_name":"B"}]`)), 400, "invalid_body"},
			{"invalid UTF-8", event(t, "post-own.json", withBody("{\"email\":\"ada\xff@example.com\"}")), 400, "invalid_utf8"},
			{"invalid UTF-8 in base64", event(t, "post-own.json", func(e *events.APIGatewayV2HTTPRequest) {
				e.Body, e.IsBase64Encoded = "eyJlbWFpbCI6ImFkYf9AZXhhbXBsZS5jb20ifQ==", true // {"email":"ada\xff@example.com"}
			}), 400, "invalid_utf8"},
			{"lone high surrogate", event(t, "post-own.json", withBody(`{"email":"ada\ud800@example.com"}`)), 400, "invalid_utf8"},
			{"lone low surrogate", event(t, "post-own.json", withBody(`{"email":"ada@example.com","first_name":"\uDC00"}`)), 400, "invalid_utf8"},
			{"reversed pair", event(t, "patch-own.json", withBody(`{"last_name":"\udc00\ud800"}`)), 400, "invalid_utf8"},
			{"surrogate in path", event(t, "get-own.json", forEmail("ada%ED%A0%80@example.com")), 400, "invalid_utf8"},
			{"bad escape in path", event(t, "get-own.json", forEmail("ada%zz@example.com")), 400, "invalid_email"},
			{"too large", event(t, "post-own.json", withBody(big)), 413, "body_too_large"},
			{"too large in base64", event(t, "post-own.json", func(e *events.APIGatewayV2HTTPRequest) {
				e.Body, e.IsBase64Encoded = string(bytes.Repeat([]byte("QUFB"), maxBody/3+1)), true
			}), 413, "body_too_large"},
			{"empty patch", event(t, "patch-own.json", withBody(`{}`)), 400, "empty_update"},
			{"wrong type", event(t, "patch-own.json", withBody(`{"last_name": 3}`)), 400, "invalid_body"},
			{"email too long", event(t, "get-own.json", forEmail(string(bytes.Repeat([]byte("a"), 2049)))), 403, "forbidden"},
			{"wrong method", event(t, "get-own.json", func(e *events.APIGatewayV2HTTPRequest) { e.RequestContext.HTTP.Method = "PUT" }), 405, "method_not_allowed"},
			{"unknown route", event(t, "get-own.json", func(e *events.APIGatewayV2HTTPRequest) { e.RawPath = "/accounts" }), 404, "no_route"},
			{"bad limit", event(t, "list-admin.json", func(e *events.APIGatewayV2HTTPRequest) { e.RawQueryString = "limit=0" }), 400, "invalid_limit"},
			{"bad cursor", event(t, "list-admin.json", func(e *events.APIGatewayV2HTTPRequest) { e.RawQueryString = "cursor=abc" }), 400, "invalid_cursor"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := send(t, api, tc.e)
				assert.Equal(t, tc.status, r.status, r.raw)
				assert.Equal(t, tc.code, r.body["code"], r.raw)
				assert.Zero(t, stored(t, api, "ada@example.com"), "a refused request stores nothing")
			})
		}
		// A surrogate pair is a character like any other, and whitespace
		// after the body is not data.
		r := send(t, api, event(t, "post-own.json", withBody("{\"email\":\"ada@example.com\",\"first_name\":\"\\ud83d\\ude00\"} \n")))
		require.Equal(t, http.StatusCreated, r.status, r.raw)
		assert.Equal(t, "\U0001F600", stored(t, api, "ada@example.com").FirstName)
	}, userSchema(t))
}

// TestMethodNotAllowedSaysAllow: a 405 names the methods its route serves
// in Allow, as HTTP requires.
func TestMethodNotAllowedSaysAllow(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, db *dynamotest.DB) {
		api := newAPI(t, db)
		for file, allow := range map[string]string{"get-own.json": "GET, PATCH, DELETE", "list-admin.json": "GET, POST"} {
			r := send(t, api, event(t, file, func(e *events.APIGatewayV2HTTPRequest) { e.RequestContext.HTTP.Method = "PUT" }))
			require.Equal(t, http.StatusMethodNotAllowed, r.status, r.raw)
			assert.Equal(t, allow, r.headers["Allow"], file)
		}
	}, userSchema(t))
}

// TestEmailsMatchExactly: emails are stored and matched as given, case and
// all; a token's email matches only the same bytes.
func TestEmailsMatchExactly(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, db *dynamotest.DB) {
		api := newAPI(t, db)
		r := send(t, api, event(t, "post-own.json"))
		require.Equal(t, http.StatusCreated, r.status, r.raw)
		r = send(t, api, event(t, "get-own.json", forEmail("Ada@example.com")))
		assert.Equal(t, http.StatusForbidden, r.status, "another email to ada's token")
		r = send(t, api, event(t, "list-admin.json", func(e *events.APIGatewayV2HTTPRequest) {
			e.RawPath = "/users/Ada@example.com"
			e.RequestContext.HTTP.Method = "GET"
		}))
		assert.Equal(t, http.StatusNotFound, r.status, "Ada@ is not ada@")
	}, userSchema(t))
}

// TestErrorBodiesHideInternals: what DynamoDB says (its message, the
// request id), the table and the key never reach the client; the log has
// them.
func TestErrorBodiesHideInternals(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, db *dynamotest.DB) {
		faults := &dynamotest.Faults{Next: &itemTooLarge{}}
		faults.Add("GetItem", dynamotest.ServerError, 10)
		api := newAPI(t, db, func(o *dynamodel.Options) { o.ClientOptions = append(o.ClientOptions, faults.Option()) })
		for _, tc := range []struct {
			e      events.APIGatewayV2HTTPRequest
			status int
			code   string
		}{
			{event(t, "post-own.json"), 400, "item_too_large"},
			{event(t, "get-own.json"), 500, "internal"},
		} {
			r := send(t, api, tc.e)
			assert.Equal(t, tc.status, r.status, r.raw)
			assert.Equal(t, tc.code, r.body["code"])
			assert.Len(t, r.body, 2, "a code and a message: %s", r.raw)
			for _, secret := range []string{"ada", "example.com", db.Table(dynamodel.UserTable), "REQ-", "injected", "Item", "PutItem", "GetItem", "exceeded"} {
				assert.NotContains(t, r.raw, secret)
			}
		}
		logs := api.logs.String()
		for _, detail := range []string{"PutItem", "GetItem", "REQ-1234", "Internal server error (injected)", db.Table(dynamodel.UserTable)} {
			assert.Contains(t, logs, detail, "the log has the detail")
		}
	}, userSchema(t))
}

// itemTooLarge answers every PutItem as DynamoDB answers an item over
// 400 KB, with a request id.
type itemTooLarge struct{}

func (itemTooLarge) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Header.Get("X-Amz-Target") != "DynamoDB_20120810.PutItem" {
		return http.DefaultTransport.RoundTrip(req)
	}
	body := `{"__type":"com.amazon.coral.validate#ValidationException","message":"Item size has exceeded the maximum allowed size"}`
	return &http.Response{
		StatusCode: 400, Status: "400 Bad Request", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:        http.Header{"Content-Type": {"application/x-amz-json-1.0"}, "X-Amzn-Requestid": {"REQ-1234"}},
		Body:          io.NopCloser(bytes.NewBufferString(body)),
		ContentLength: int64(len(body)),
		Request:       req,
	}, nil
}

func TestRouteOf(t *testing.T) {
	for _, tc := range []struct {
		rawPath, stage, route, email, code string
	}{
		{rawPath: "/users", route: routeUsers},
		{rawPath: "/users/", route: routeUsers},
		{rawPath: "/users/ada%40example.com", route: routeUser, email: "ada@example.com"},
		{rawPath: "/users/Ada@Example.com/", route: routeUser, email: "Ada@Example.com"},
		{rawPath: "/users/a%2Fb@example.com", route: routeUser, email: "a/b@example.com"},
		{rawPath: "/users/%20ada@example.com", route: routeUser, email: " ada@example.com"},
		{rawPath: "/prod/users/ada@example.com", stage: "prod", route: routeUser, email: "ada@example.com"},
		{rawPath: "/prod/users", stage: "$default", code: "no_route"},
		{rawPath: "/u/users/ada@example.com", stage: "u", route: routeUser, email: "ada@example.com"},
		{rawPath: "/users/ada@example.com", stage: "u", route: routeUser, email: "ada@example.com"},
		{rawPath: "/users", stage: "user", route: routeUsers},
		{rawPath: "/users/a/b", code: "no_route"},
		{rawPath: "/accounts", code: "no_route"},
		{rawPath: "/users/%ff@example.com", code: "invalid_utf8"},
		{rawPath: "/users/%zz", code: "invalid_email"},
	} {
		var req events.APIGatewayV2HTTPRequest
		req.RawPath, req.RequestContext.Stage = tc.rawPath, tc.stage
		route, email, err := routeOf(req)
		if tc.code != "" {
			assert.Equal(t, tc.code, problemOf(err).code, tc.rawPath)
			continue
		}
		assert.NoError(t, err, tc.rawPath)
		assert.Equal(t, tc.route, route, tc.rawPath)
		assert.Equal(t, tc.email, email, tc.rawPath)
	}
}
