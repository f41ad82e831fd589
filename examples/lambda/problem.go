package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/aws/aws-lambda-go/events"

	"github.com/dynamodel/dynamodel"
)

// A problem is what a client is told when a request fails: a status, a
// stable code to branch on and a fixed message for people. It never
// carries an error's text: details (the SDK's message, request ids, the
// table, the key) go to the log only.
type problem struct {
	status  int
	code    string
	message string
}

// The problems the API answers with. Codes are part of the API: keep them.
var (
	errInvalidBody   = problem{http.StatusBadRequest, "invalid_body", "the body must be one JSON object with only email, first_name and last_name, as strings"}
	errInvalidUTF8   = problem{http.StatusBadRequest, "invalid_utf8", "the request is not valid UTF-8 (or has a lone surrogate escape)"}
	errInvalidEmail  = problem{http.StatusBadRequest, "invalid_email", "email must be an email address of at most 2048 bytes"}
	errEmptyUpdate   = problem{http.StatusBadRequest, "empty_update", "nothing to change: give first_name or last_name"}
	errInvalidUpdate = problem{http.StatusBadRequest, "invalid_update", "the change cannot be stored"}
	errItemTooLarge  = problem{http.StatusBadRequest, "item_too_large", "the user is too large to store"}
	errTooLarge      = problem{http.StatusRequestEntityTooLarge, "body_too_large", "the body is larger than 16 KiB"}
	errSlowBody      = problem{http.StatusRequestTimeout, "request_timeout", "the body did not arrive in time"}
	errInvalidCursor = problem{http.StatusBadRequest, "invalid_cursor", "the cursor is not one this API gave out, or has expired"}
	errInvalidLimit  = problem{http.StatusBadRequest, "invalid_limit", "limit must be a whole number from 1 to 100"}
	errInvalidQuery  = problem{http.StatusBadRequest, "invalid_query", "the query string is malformed"}
	errUnauthorized  = problem{http.StatusUnauthorized, "unauthorized", "sign in: the request carries no identity"}
	errForbidden     = problem{http.StatusForbidden, "forbidden", "you may only create, read, change and delete your own user"}
	errAdminOnly     = problem{http.StatusForbidden, "forbidden", "only an admin may list users"}
	errNotFound      = problem{http.StatusNotFound, "not_found", "no such user"}
	errExists        = problem{http.StatusConflict, "already_exists", "a user with this email exists"}
	errChanged       = problem{http.StatusPreconditionFailed, "precondition_failed", "the user changed since it was read"}
	errNoRoute       = problem{http.StatusNotFound, "no_route", "no such route"}
	errMethod        = problem{http.StatusMethodNotAllowed, "method_not_allowed", "method not allowed on this route"}
	errInternal      = problem{http.StatusInternalServerError, "internal", "internal error"}
)

// response renders p as the JSON body {"code": ..., "error": ...}.
func (p problem) response() events.APIGatewayV2HTTPResponse {
	body, _ := json.Marshal(map[string]string{"code": p.code, "error": p.message})
	resp := events.APIGatewayV2HTTPResponse{
		StatusCode: p.status,
		Headers:    map[string]string{"Content-Type": "application/json"},
		Body:       string(body),
	}
	if p.status == http.StatusUnauthorized {
		resp.Headers["WWW-Authenticate"] = "Bearer"
	}
	return resp
}

// A refusal is a request the API turns down before calling DynamoDB: the
// problem for the client, and the reason for the log.
type refusal struct {
	problem
	reason string
}

// refuse returns the refusal of a request with p; the reason, formatted as
// by fmt.Sprintf, must not quote the request's body, tokens or secrets.
func refuse(p problem, format string, args ...any) error {
	return &refusal{p, fmt.Sprintf(format, args...)}
}

func (r *refusal) Error() string { return r.code + ": " + r.reason }

// problemOf maps an error to the problem clients see: a refusal's own,
// or the one for an error of dynamodel.
func problemOf(err error) problem {
	var r *refusal
	if errors.As(err, &r) {
		return r.problem
	}
	switch {
	case errors.Is(err, dynamodel.ErrInvalidKey):
		return errInvalidEmail
	case errors.Is(err, dynamodel.ErrEmptyUpdate):
		return errEmptyUpdate
	case errors.Is(err, dynamodel.ErrItemTooLarge):
		return errItemTooLarge
	case errors.Is(err, dynamodel.ErrInvalidUpdate), errors.Is(err, dynamodel.ErrInvalidItem):
		return errInvalidUpdate
	case errors.Is(err, dynamodel.ErrInvalidCursor):
		return errInvalidCursor
	case errors.Is(err, dynamodel.ErrNotFound):
		return errNotFound
	case errors.Is(err, dynamodel.ErrAlreadyExists):
		return errExists
	case errors.Is(err, dynamodel.ErrConditionFailed):
		return errChanged
	}
	return errInternal
}

// notAllowed answers a request whose method route does not serve with
// 405 and, as HTTP requires of a 405, the methods it does serve in Allow.
func (c *call) notAllowed(route, allow string) events.APIGatewayV2HTTPResponse {
	resp := c.fail(refuse(errMethod, "%s %s", c.req.RequestContext.HTTP.Method, route))
	resp.Headers["Allow"] = allow
	return resp
}

// fail answers err with its problem and logs the detail: at error level
// when it is the API's fault (500), else as a warning.
func (c *call) fail(err error) events.APIGatewayV2HTTPResponse {
	p := problemOf(err)
	level := slog.LevelWarn
	if p.status >= 500 {
		level = slog.LevelError
	}
	c.log.Log(c.ctx, level, "request failed", "code", p.code, "err", err.Error())
	return p.response()
}
