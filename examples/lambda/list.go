package main

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/aws/aws-lambda-go/events"

	"github.com/dynamodel/dynamodel"
)

// Page sizes of GET /users.
const (
	defaultLimit = 25
	maxLimit     = 100
)

// userPage is the body of GET /users: a page of users, and the cursor that
// asks for the next page (absent on the last one).
type userPage struct {
	Users  []dynamodel.User `json:"users"`
	Cursor string           `json:"cursor,omitempty"`
}

// list answers GET /users?limit=N&cursor=C with one page of a scan. The
// cursor is dynamodel's: sealed, so a client can neither read the key it
// holds nor make one that starts the scan elsewhere.
func (a *API) list(c *call) events.APIGatewayV2HTTPResponse {
	q, err := url.ParseQuery(c.req.RawQueryString)
	if err != nil {
		return c.fail(refuse(errInvalidQuery, "malformed query string"))
	}
	limit := defaultLimit
	if s := q.Get("limit"); s != "" {
		if limit, err = strconv.Atoi(s); err != nil || limit < 1 || limit > maxLimit {
			return c.fail(refuse(errInvalidLimit, "limit out of range"))
		}
	}
	page, err := a.users.ScanPage(c.ctx, func(o *dynamodel.ScanOptions) {
		o.Limit = limit
		o.Cursor = q.Get("cursor")
	})
	if err != nil {
		return c.fail(err)
	}
	if page.Items == nil {
		page.Items = []dynamodel.User{}
	}
	return jsonResponse(http.StatusOK, userPage{Users: page.Items, Cursor: page.Cursor}, nil)
}
