package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/dynamodel/dynamodel"
)

// API is the seed's web app as an API Gateway HTTP API handler:
//
//	GET    /users?limit=&cursor=  list users, a page at a time (admins only)
//	POST   /users                 create a user: {"email", "first_name", "last_name"}
//	GET    /users/{email}         read a user
//	PATCH  /users/{email}         change names; null or "" removes one; If-Match guards against lost updates
//	DELETE /users/{email}         delete a user; If-Match guards against deleting a changed user
//
// Who may do what comes from the JWT authorizer's claims (see identify): a
// user may create, read, change and delete only the user with their own
// email; an admin may do all of it to anyone, and only an admin may list.
// Emails are stored and matched exactly as given: no case folding, no
// trimming, so Ada@example.com and ada@example.com are two users.
//
// Bodies are JSON with the seed's field names, at most 16 KiB of valid
// UTF-8. Errors are {"code": "...", "error": "..."}: a stable code and a
// fixed message (see problem), with the status a client expects.
type API struct {
	users      *dynamodel.Repository[dynamodel.User]
	log        *slog.Logger
	adminGroup string
}

// NewAPI returns the handler for users; members of adminGroup (in the
// token's cognito:groups) are admins. Make it once per cold start.
func NewAPI(users *dynamodel.Repository[dynamodel.User], log *slog.Logger, adminGroup string) *API {
	return &API{users: users, log: log, adminGroup: adminGroup}
}

// A call is one request being served.
type call struct {
	ctx context.Context
	log *slog.Logger // with the request id on every line
	req events.APIGatewayV2HTTPRequest
	who identity
}

// Routes, as the template declares them.
const (
	routeUsers = "/users"
	routeUser  = "/users/{email}"
)

// Handle serves one API Gateway HTTP API (payload 2.0) request. It never
// returns an error: every failure is an answer, its detail logged.
func (a *API) Handle(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	start := time.Now()
	c := &call{ctx: ctx, log: a.requestLog(ctx, req), req: req}
	route, email, err := routeOf(req)
	var resp events.APIGatewayV2HTTPResponse
	if err != nil {
		resp = c.fail(err)
	} else {
		resp = a.serve(c, route, email)
	}
	resp = private(resp)
	c.log.InfoContext(ctx, "request", "method", req.RequestContext.HTTP.Method, "route", route,
		"status", resp.StatusCode, "sub", c.who.subject, "admin", c.who.admin,
		"ms", time.Since(start).Milliseconds())
	return resp, nil
}

// requestLog returns the log for one request: every line names the API
// Gateway request id and, in Lambda, the invocation's.
func (a *API) requestLog(ctx context.Context, req events.APIGatewayV2HTTPRequest) *slog.Logger {
	log := a.log.With("request_id", req.RequestContext.RequestID)
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		log = log.With("aws_request_id", lc.AwsRequestID)
	}
	return log
}

// serve authenticates, checks the method, authorizes and dispatches.
func (a *API) serve(c *call, route, email string) events.APIGatewayV2HTTPResponse {
	who, ok := identify(c.req, a.adminGroup)
	if !ok {
		return c.fail(refuse(errUnauthorized, "no JWT claims in the request"))
	}
	c.who = who
	method := c.req.RequestContext.HTTP.Method
	if route == routeUsers {
		switch method {
		case http.MethodGet:
			if !who.admin {
				return c.fail(refuse(errAdminOnly, "listing by a non-admin"))
			}
			return a.list(c)
		case http.MethodPost:
			return a.create(c)
		}
		return c.notAllowed(route, "GET, POST")
	}
	if method != http.MethodGet && method != http.MethodPatch && method != http.MethodDelete {
		return c.notAllowed(route, "GET, PATCH, DELETE")
	}
	if !who.may(email) {
		return c.fail(refuse(errForbidden, "%s of another user's record", method))
	}
	switch method {
	case http.MethodGet:
		return a.get(c, email)
	case http.MethodPatch:
		return a.patch(c, email)
	}
	return a.delete(c, email)
}

// routeOf finds the route of req and the email in its path. The email is
// taken from rawPath, still percent-encoded as the client sent it, so a
// byte that is not UTF-8 is seen and refused rather than replaced.
func routeOf(req events.APIGatewayV2HTTPRequest) (route, email string, err error) {
	path := req.RawPath
	if path == "" {
		path = req.RequestContext.HTTP.Path
	}
	// With a named stage, rawPath starts with it: a whole segment, so stage
	// "u" leaves "/users" alone.
	if st := req.RequestContext.Stage; st != "" && st != "$default" {
		if rest, ok := strings.CutPrefix(path, "/"+st); ok && (rest == "" || rest[0] == '/') {
			path = rest
		}
	}
	path = strings.TrimSuffix(path, "/")
	if path == "/users" {
		return routeUsers, "", nil
	}
	rest, ok := strings.CutPrefix(path, "/users/")
	if !ok || strings.Contains(rest, "/") {
		return "", "", refuse(errNoRoute, "no route for the path")
	}
	if email, err = url.PathUnescape(rest); err != nil {
		return routeUser, "", refuse(errInvalidEmail, "bad percent-encoding in the path")
	}
	if !utf8.ValidString(email) {
		return routeUser, "", refuse(errInvalidUTF8, "invalid UTF-8 in the path")
	}
	return routeUser, email, nil
}

func (a *API) create(c *call) events.APIGatewayV2HTTPResponse {
	var u dynamodel.User
	body, err := bodyOf(c.req)
	if err == nil {
		err = decodeJSON(body, &u)
	}
	if err == nil && !strings.Contains(u.Email, "@") {
		err = refuse(errInvalidEmail, "no @ in the email")
	}
	if err == nil && !c.who.may(u.Email) {
		err = refuse(errForbidden, "creating another user's record")
	}
	if err != nil {
		return c.fail(err)
	}
	created, err := a.users.Create(c.ctx, u)
	if err != nil {
		return c.fail(err)
	}
	resp := userResponse(http.StatusCreated, created)
	resp.Headers["Location"] = "/users/" + url.PathEscape(created.Email)
	return resp
}

func (a *API) get(c *call, email string) events.APIGatewayV2HTTPResponse {
	u, err := a.users.Get(c.ctx, email)
	if err != nil {
		return c.fail(err)
	}
	return userResponse(http.StatusOK, u)
}

// patch applies a partial change, only if the user still matches If-Match
// when the request has one (see precondition).
func (a *API) patch(c *call, email string) events.APIGatewayV2HTTPResponse {
	var changes dynamodel.UserChanges
	body, err := bodyOf(c.req)
	if err == nil {
		err = decodeJSON(body, &changes)
	}
	var upd dynamodel.Update
	if err == nil {
		upd, err = dynamodel.PrepareUpdate(changes)
	}
	if err == nil && upd.IsEmpty() {
		err = dynamodel.ErrEmptyUpdate // before reading the user for If-Match
	}
	var cond dynamodel.Condition
	if err == nil {
		cond, err = a.precondition(c, email)
	}
	if err != nil {
		return c.fail(err)
	}
	u, err := a.users.Update(c.ctx, email, upd, func(o *dynamodel.UpdateOptions) { o.Condition = cond })
	if err != nil {
		return c.fail(err)
	}
	return userResponse(http.StatusOK, u)
}

// delete deletes a user, only if the user still matches If-Match when the
// request has one (see precondition).
func (a *API) delete(c *call, email string) events.APIGatewayV2HTTPResponse {
	cond, err := a.precondition(c, email)
	if err == nil {
		err = a.users.Delete(c.ctx, email, func(o *dynamodel.DeleteOptions) { o.MustExist, o.Condition = true, cond })
	}
	if err != nil {
		return c.fail(err)
	}
	return events.APIGatewayV2HTTPResponse{StatusCode: http.StatusNoContent}
}

// precondition is the condition a change of the user is made under: none
// without If-Match; with it, the current values are read, compared with the
// tags (412 when none matches), and made the condition, so a concurrent
// change in between is caught too.
func (a *API) precondition(c *call, email string) (dynamodel.Condition, error) {
	tag := header(c.req, "If-Match")
	if tag == "" {
		return dynamodel.Condition{}, nil
	}
	current, err := a.users.Get(c.ctx, email, dynamodel.ConsistentRead)
	if err != nil {
		return dynamodel.Condition{}, err
	}
	if !matches(tag, etag(current)) {
		return dynamodel.Condition{}, refuse(errChanged, "If-Match does not match the stored user")
	}
	return unchanged(current), nil
}

// unchanged holds when the stored user still has u's names. An absent
// name and an empty one are the same user (empty names are not stored, but
// an item written by other code may hold one).
func unchanged(u dynamodel.User) dynamodel.Condition {
	same := func(attr, v string) dynamodel.Condition {
		if v == "" {
			return dynamodel.NotExists(attr).Or(dynamodel.Equal(attr, ""))
		}
		return dynamodel.Equal(attr, v)
	}
	return same("first_name", u.FirstName).And(same("last_name", u.LastName))
}

// private marks a response as for its requester only: no cache, shared or
// the browser's, may keep it (it holds a user's data, or says whether a user
// exists), and no browser may read it as anything but its Content-Type.
func private(resp events.APIGatewayV2HTTPResponse) events.APIGatewayV2HTTPResponse {
	if resp.Headers == nil {
		resp.Headers = map[string]string{}
	}
	resp.Headers["Cache-Control"] = "no-store"
	resp.Headers["X-Content-Type-Options"] = "nosniff"
	return resp
}

func header(req events.APIGatewayV2HTTPRequest, name string) string {
	for k, v := range req.Headers {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

func userResponse(status int, u dynamodel.User) events.APIGatewayV2HTTPResponse {
	return jsonResponse(status, u, map[string]string{"ETag": etag(u)})
}

func jsonResponse(status int, v any, headers map[string]string) events.APIGatewayV2HTTPResponse {
	body, _ := json.Marshal(v)
	if headers == nil {
		headers = map[string]string{}
	}
	headers["Content-Type"] = "application/json"
	return events.APIGatewayV2HTTPResponse{StatusCode: status, Headers: headers, Body: string(body)}
}
