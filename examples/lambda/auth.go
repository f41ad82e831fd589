package main

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/aws/aws-lambda-go/events"
)

// An identity is who a request comes from, as the API Gateway JWT
// authorizer vouches for them in the claims of a token it has verified.
type identity struct {
	subject string // the token's sub claim, for the log
	email   string // the email, only when the token says it is verified
	admin   bool   // a member of the admin group
}

// identify reads the caller's identity from the authorizer's claims
// (payload 2.0: requestContext.authorizer.jwt.claims, every value a
// string). ok is false when there are none: the request did not pass
// through a JWT authorizer, and gets 401.
//
//   - email counts only when email_verified is "true": an address anyone
//     can type into a sign-up form proves nothing until it is verified;
//   - the admin group is a whole word of cognito:groups, which API Gateway
//     passes as one string such as "[admin users]".
func identify(req events.APIGatewayV2HTTPRequest, adminGroup string) (id identity, ok bool) {
	auth := req.RequestContext.Authorizer
	if auth == nil || auth.JWT == nil || len(auth.JWT.Claims) == 0 {
		return identity{}, false
	}
	claims := auth.JWT.Claims
	id.subject = claims["sub"]
	if claims["email_verified"] == "true" {
		id.email = claims["email"]
	}
	id.admin = adminGroup != "" && inGroups(claims["cognito:groups"], adminGroup)
	return id, true
}

// inGroups reports whether group is one of the groups in claim: "[a b]"
// as API Gateway flattens a list, a plain "a b", or a JSON list ["a","b"].
// Only whitespace separates API Gateway's names (Cognito's group names have
// none), so a group named "x,admin" is not the group admin.
func inGroups(claim, group string) bool {
	var groups []string
	if json.Unmarshal([]byte(claim), &groups) != nil {
		groups = strings.Fields(strings.TrimSuffix(strings.TrimPrefix(claim, "["), "]"))
	}
	return slices.Contains(groups, group)
}

// may reports whether id may create, read, change or delete the user with
// this email: an admin may do it to anyone, others only to themselves.
// Emails are compared exactly, as they are stored.
func (id identity) may(email string) bool {
	return id.admin || (id.email != "" && id.email == email)
}
