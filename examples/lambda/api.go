package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/aws/aws-lambda-go/events"

	"github.com/dynamodel/dynamodel"
)

// API is the seed's web app as an API Gateway HTTP API handler:
//
//	POST   /users           create a user: {"email", "first_name", "last_name"}
//	GET    /users/{email}   read a user
//	PATCH  /users/{email}   change some fields; null removes one; If-Match guards against lost updates
//	DELETE /users/{email}   delete a user
//
// Bodies are JSON with the seed's field names. Errors are {"error": "..."}
// with the status a client expects: 400 bad input, 404 no such user, 409 the
// user exists, 412 the user changed since the client read it (If-Match).
type API struct {
	users *dynamodel.Repository[dynamodel.User]
	log   *slog.Logger
}

// NewAPI returns the handler for users. Make it once per cold start.
func NewAPI(users *dynamodel.Repository[dynamodel.User], log *slog.Logger) *API {
	return &API{users: users, log: log}
}

// Handle serves one API Gateway HTTP API (payload 2.0) request.
func (a *API) Handle(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	method := req.RequestContext.HTTP.Method
	path := strings.TrimSuffix(req.RawPath, "/")
	switch {
	case path == "/users":
		if method != http.MethodPost {
			return errorResponse(http.StatusMethodNotAllowed, "use POST /users"), nil
		}
		return a.create(ctx, req)
	case strings.HasPrefix(path, "/users/"):
		email := req.PathParameters["email"]
		if email == "" {
			var err error
			if email, err = url.PathUnescape(strings.TrimPrefix(path, "/users/")); err != nil {
				return errorResponse(http.StatusBadRequest, "bad email in path"), nil
			}
		}
		switch method {
		case http.MethodGet:
			return a.get(ctx, email)
		case http.MethodPatch:
			return a.patch(ctx, email, req)
		case http.MethodDelete:
			return a.delete(ctx, email)
		}
		return errorResponse(http.StatusMethodNotAllowed, "use GET, PATCH or DELETE /users/{email}"), nil
	}
	return errorResponse(http.StatusNotFound, "no such route"), nil
}

func (a *API) create(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	var u dynamodel.User
	if err := decodeBody(req, &u); err != nil {
		return errorResponse(http.StatusBadRequest, err.Error()), nil
	}
	if !strings.Contains(u.Email, "@") {
		return errorResponse(http.StatusBadRequest, "email must be an email address"), nil
	}
	created, err := a.users.Create(ctx, u)
	if err != nil {
		return a.failure(err)
	}
	resp := userResponse(http.StatusCreated, created)
	resp.Headers["Location"] = "/users/" + url.PathEscape(created.Email)
	return resp, nil
}

func (a *API) get(ctx context.Context, email string) (events.APIGatewayV2HTTPResponse, error) {
	u, err := a.users.Get(ctx, email)
	if err != nil {
		return a.failure(err)
	}
	return userResponse(http.StatusOK, u), nil
}

// patch applies a partial change. With If-Match, the change is made only if
// the user is still the one the client read: the current values are read,
// compared with the tag, and made the update's condition, so a concurrent
// change in between is caught too.
func (a *API) patch(ctx context.Context, email string, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	var changes dynamodel.UserChanges
	if err := decodeBody(req, &changes); err != nil {
		return errorResponse(http.StatusBadRequest, err.Error()), nil
	}
	upd, err := dynamodel.PrepareUpdate(changes)
	if err == nil && upd.IsEmpty() {
		err = dynamodel.ErrEmptyUpdate // before reading the user for If-Match
	}
	if err != nil {
		return a.failure(err)
	}
	var opts []func(*dynamodel.UpdateOptions)
	if tag := header(req, "If-Match"); tag != "" {
		current, err := a.users.Get(ctx, email, dynamodel.ConsistentRead)
		if err != nil {
			return a.failure(err)
		}
		if tag != "*" && tag != etag(current) {
			return errorResponse(http.StatusPreconditionFailed, "the user changed since it was read"), nil
		}
		opts = append(opts, func(o *dynamodel.UpdateOptions) { o.Condition = unchanged(current) })
	}
	u, err := a.users.Update(ctx, email, upd, opts...)
	if err != nil {
		return a.failure(err)
	}
	return userResponse(http.StatusOK, u), nil
}

func (a *API) delete(ctx context.Context, email string) (events.APIGatewayV2HTTPResponse, error) {
	err := a.users.Delete(ctx, email, func(o *dynamodel.DeleteOptions) { o.MustExist = true })
	if err != nil {
		return a.failure(err)
	}
	return events.APIGatewayV2HTTPResponse{StatusCode: http.StatusNoContent}, nil
}

// failure maps dynamodel's errors to statuses; anything unexpected is a 500
// with the detail logged, not shown.
func (a *API) failure(err error) (events.APIGatewayV2HTTPResponse, error) {
	switch {
	case errors.Is(err, dynamodel.ErrInvalidKey):
		return errorResponse(http.StatusBadRequest, "email is missing or invalid"), nil
	case errors.Is(err, dynamodel.ErrEmptyUpdate):
		return errorResponse(http.StatusBadRequest, "nothing to change: give first_name or last_name"), nil
	case errors.Is(err, dynamodel.ErrInvalidUpdate), errors.Is(err, dynamodel.ErrItemTooLarge):
		return errorResponse(http.StatusBadRequest, err.Error()), nil
	case errors.Is(err, dynamodel.ErrNotFound):
		return errorResponse(http.StatusNotFound, "no such user"), nil
	case errors.Is(err, dynamodel.ErrAlreadyExists):
		return errorResponse(http.StatusConflict, "a user with this email exists"), nil
	case errors.Is(err, dynamodel.ErrConditionFailed):
		return errorResponse(http.StatusPreconditionFailed, "the user changed since it was read"), nil
	}
	a.log.Error("request failed", "err", err)
	return errorResponse(http.StatusInternalServerError, "internal error"), nil
}

// etag is a version tag of a user's stored fields.
func etag(u dynamodel.User) string {
	sum := sha256.Sum256([]byte(u.Email + "\x00" + u.FirstName + "\x00" + u.LastName))
	return `"` + hex.EncodeToString(sum[:8]) + `"`
}

// unchanged holds when the stored user still has u's names.
func unchanged(u dynamodel.User) dynamodel.Condition {
	same := func(attr, v string) dynamodel.Condition {
		if v == "" {
			return dynamodel.NotExists(attr)
		}
		return dynamodel.Equal(attr, v)
	}
	return same("first_name", u.FirstName).And(same("last_name", u.LastName))
}

func decodeBody(req events.APIGatewayV2HTTPRequest, v any) error {
	body := []byte(req.Body)
	if req.IsBase64Encoded {
		var err error
		if body, err = decodeBase64(req.Body); err != nil {
			return errors.New("body is not valid base64")
		}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return errors.New("body must be a JSON object with email, first_name and last_name: " + err.Error())
	}
	return nil
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
	body, _ := json.Marshal(u)
	return events.APIGatewayV2HTTPResponse{
		StatusCode: status,
		Headers:    map[string]string{"Content-Type": "application/json", "ETag": etag(u)},
		Body:       string(body),
	}
}

func errorResponse(status int, msg string) events.APIGatewayV2HTTPResponse {
	body, _ := json.Marshal(map[string]string{"error": msg})
	return events.APIGatewayV2HTTPResponse{
		StatusCode: status,
		Headers:    map[string]string{"Content-Type": "application/json"},
		Body:       string(body),
	}
}
