package main

import (
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/stretchr/testify/assert"
)

func withClaims(claims map[string]string) events.APIGatewayV2HTTPRequest {
	var req events.APIGatewayV2HTTPRequest
	if claims != nil {
		req.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
			JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: claims},
		}
	}
	return req
}

func TestIdentify(t *testing.T) {
	for _, tc := range []struct {
		name   string
		req    events.APIGatewayV2HTTPRequest
		ok     bool
		email  string
		admin  bool
		groups string
	}{
		{name: "no authorizer", req: events.APIGatewayV2HTTPRequest{}},
		{name: "IAM authorizer only", req: events.APIGatewayV2HTTPRequest{RequestContext: events.APIGatewayV2HTTPRequestContext{
			Authorizer: &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{IAM: &events.APIGatewayV2HTTPRequestContextAuthorizerIAMDescription{}}}}},
		{name: "empty claims", req: withClaims(map[string]string{})},
		{name: "verified", req: withClaims(map[string]string{"email": "a@x", "email_verified": "true"}), ok: true, email: "a@x"},
		{name: "unverified", req: withClaims(map[string]string{"email": "a@x", "email_verified": "false"}), ok: true},
		{name: "verified, not a string true", req: withClaims(map[string]string{"email": "a@x", "email_verified": "True"}), ok: true},
		{name: "no email_verified", req: withClaims(map[string]string{"email": "a@x"}), ok: true},
		{name: "admin", req: withClaims(map[string]string{"cognito:groups": "[admin users]"}), ok: true, admin: true},
		{name: "admin last", req: withClaims(map[string]string{"cognito:groups": "[users admin]"}), ok: true, admin: true},
		{name: "admin alone", req: withClaims(map[string]string{"cognito:groups": "admin"}), ok: true, admin: true},
		{name: "admin, JSON list", req: withClaims(map[string]string{"cognito:groups": `["users","admin"]`}), ok: true, admin: true},
		{name: "admins is another group", req: withClaims(map[string]string{"cognito:groups": "[admins users]"}), ok: true},
		{name: "superadmin is another group", req: withClaims(map[string]string{"cognito:groups": "[superadmin]"}), ok: true},
		{name: "admin-readonly is another group", req: withClaims(map[string]string{"cognito:groups": "[admin-readonly]"}), ok: true},
		{name: "a group whose name holds a comma", req: withClaims(map[string]string{"cognito:groups": "[billing,admin users]"}), ok: true},
		{name: "a group whose name ends in a comma", req: withClaims(map[string]string{"cognito:groups": "[admin, users]"}), ok: true},
		{name: "a group named with quotes", req: withClaims(map[string]string{"cognito:groups": `[users "admin"]`}), ok: true},
		{name: "Admin is another group", req: withClaims(map[string]string{"cognito:groups": "[Admin]"}), ok: true},
		{name: "the admin group is a claim of its own only", req: withClaims(map[string]string{"custom:role": "admin", "email": "admin", "email_verified": "true"}), ok: true, email: "admin"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id, ok := identify(tc.req, "admin")
			assert.Equal(t, tc.ok, ok)
			assert.Equal(t, tc.email, id.email)
			assert.Equal(t, tc.admin, id.admin)
		})
	}
}

func TestMay(t *testing.T) {
	ada := identity{email: "ada@example.com"}
	assert.True(t, ada.may("ada@example.com"))
	assert.False(t, ada.may("Ada@example.com"), "emails match exactly")
	assert.False(t, ada.may("grace@example.com"))
	assert.False(t, identity{}.may(""), "no verified email is no one's")
	assert.True(t, identity{admin: true}.may("grace@example.com"))
}
