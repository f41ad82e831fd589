package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
)

// Timeouts of the plain HTTP server. Without ReadTimeout a client that
// sends a byte of body and stalls holds its connection forever; the
// handler's own deadline ends its DynamoDB calls before WriteTimeout cuts
// the answer off.
var serverTimeouts = struct {
	readHeader, read, write, idle, handler time.Duration
}{
	readHeader: 5 * time.Second,
	read:       10 * time.Second,
	write:      30 * time.Second,
	idle:       60 * time.Second,
	handler:    25 * time.Second,
}

// newServer returns the plain HTTP server for h on addr, with every
// timeout set.
func newServer(addr string, h http.Handler) *http.Server {
	t := serverTimeouts
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: t.readHeader,
		ReadTimeout:       t.read,
		WriteTimeout:      t.write,
		IdleTimeout:       t.idle,
		MaxHeaderBytes:    64 << 10,
	}
}

// localAuth is who the plain HTTP server says a request comes from, in
// place of API Gateway's JWT authorizer: the claims of a local token (see
// tokenKey) in the Authorization header, or, with insecure
// (-insecure-no-auth), an admin's for every request.
type localAuth struct {
	key        tokenKey
	insecure   bool
	adminGroup string
	now        func() time.Time
}

// claims returns the claims for r, or nil (the API then answers 401) and
// the reason, for the log.
func (l localAuth) claims(r *http.Request) (map[string]string, error) {
	if l.insecure {
		return map[string]string{"sub": "insecure-no-auth", "cognito:groups": "[" + l.adminGroup + "]"}, nil
	}
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return nil, errors.New("no bearer token")
	}
	if l.key == nil {
		return nil, errors.New("no " + TokenSecretEnv + " to check tokens with")
	}
	return l.key.verify(token, l.now())
}

// HTTPHandler serves the API over plain HTTP, turning each request into the
// event API Gateway would send (its JWT claims from auth) and the handler's
// answer back into a response, so the same code runs on a laptop.
func (a *API) HTTPHandler(auth localAuth) http.Handler {
	if auth.now == nil {
		auth.now = time.Now
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rid := newRequestID()
		w.Header().Set("X-Request-Id", rid)
		log := a.log.With("request_id", rid)
		ctx, cancel := context.WithTimeout(r.Context(), serverTimeouts.handler)
		defer cancel()

		body, err := readBody(w, r)
		if err != nil {
			log.WarnContext(ctx, "request refused", "method", r.Method, "err", err.Error())
			writeResponse(w, private(problemOf(err).response()))
			return
		}
		claims, err := auth.claims(r)
		if err != nil {
			log.WarnContext(ctx, "no identity", "reason", err.Error())
		}
		resp, _ := a.Handle(ctx, toEvent(r, body, rid, claims))
		writeResponse(w, resp)
	})
}

// readBody reads at most maxBody bytes of r's body: more is 413, and a
// body that does not arrive within the server's ReadTimeout is 408.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if r.ContentLength > maxBody {
		return nil, refuse(errTooLarge, "Content-Length %d", r.ContentLength)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return nil, refuse(errTooLarge, "body over %d bytes", maxBody)
	case err != nil:
		return nil, refuse(errSlowBody, "reading the body: %v", err)
	}
	return body, nil
}

func writeResponse(w http.ResponseWriter, resp events.APIGatewayV2HTTPResponse) {
	for k, v := range resp.Headers {
		w.Header().Set(k, v)
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = io.WriteString(w, resp.Body)
}

// toEvent builds the API Gateway HTTP API (payload 2.0) event for r.
func toEvent(r *http.Request, body []byte, requestID string, claims map[string]string) events.APIGatewayV2HTTPRequest {
	headers := make(map[string]string, len(r.Header))
	for k, v := range r.Header {
		headers[strings.ToLower(k)] = strings.Join(v, ",")
	}
	e := events.APIGatewayV2HTTPRequest{
		Version:        "2.0",
		RouteKey:       "$default",
		RawPath:        r.URL.EscapedPath(),
		RawQueryString: r.URL.RawQuery,
		Headers:        headers,
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RouteKey:  "$default",
			Stage:     "$default",
			RequestID: requestID,
			TimeEpoch: time.Now().UnixMilli(),
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{
				Method:    r.Method,
				Path:      r.URL.Path,
				Protocol:  r.Proto,
				SourceIP:  r.RemoteAddr,
				UserAgent: r.UserAgent(),
			},
		},
	}
	if claims != nil {
		e.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
			JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: claims},
		}
	}
	if utf8.Valid(body) {
		e.Body = string(body)
	} else {
		e.Body, e.IsBase64Encoded = base64.StdEncoding.EncodeToString(body), true
	}
	return e
}

// newRequestID returns a random id for a request the plain HTTP server
// serves (API Gateway gives its own in Lambda).
func newRequestID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
