package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Local tokens stand in for the JWT authorizer when the API runs as a
// plain HTTP server: HS256 JSON Web Tokens signed with a secret from the
// environment, checked here with crypto/hmac, their claims flattened to
// strings as API Gateway flattens a verified token's. They are for a
// laptop; in Lambda only the authorizer's claims count.
const (
	// TokenSecretEnv names the variable holding the local token secret,
	// at least 32 bytes (openssl rand -hex 32 makes one).
	TokenSecretEnv = "LOCAL_TOKEN_SECRET"
	// localIssuer and localAudience are what every local token must say
	// in iss and aud.
	localIssuer   = "dynamodel-example-local"
	localAudience = "dynamodel-users-api"
)

// errToken is every reason a local token is refused; the reason is for the
// log, and the client gets 401.
var errToken = errors.New("local token refused")

// A tokenKey signs and checks local tokens.
type tokenKey []byte

// newTokenKey returns the key for secret, which must be at least 32 bytes.
func newTokenKey(secret string) (tokenKey, error) {
	if len(secret) < 32 {
		return nil, fmt.Errorf("%s must hold at least 32 bytes (openssl rand -hex 32), not %d", TokenSecretEnv, len(secret))
	}
	return tokenKey(secret), nil
}

var b64 = base64.RawURLEncoding.Strict()

// mint returns a token for email, verified, valid for ttl from now, in the
// groups given (an admin's token has the admin group).
func (k tokenKey) mint(email string, groups []string, now time.Time, ttl time.Duration) (string, error) {
	claims := map[string]any{
		"iss": localIssuer, "aud": localAudience,
		"sub": email, "email": email, "email_verified": true,
		"iat": now.Unix(), "exp": now.Add(ttl).Unix(),
	}
	if len(groups) > 0 {
		claims["cognito:groups"] = groups
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	signed := b64.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." + b64.EncodeToString(payload)
	return signed + "." + b64.EncodeToString(k.sign(signed)), nil
}

func (k tokenKey) sign(signed string) []byte {
	m := hmac.New(sha256.New, k)
	m.Write([]byte(signed))
	return m.Sum(nil)
}

// verify checks token and returns its claims as API Gateway would pass
// them: alg must be HS256, the signature this key's, iss and aud the local
// ones, exp present and in the future (and nbf, if present, past).
func (k tokenKey) verify(token string, now time.Time) (map[string]string, error) {
	refuse := func(format string, args ...any) (map[string]string, error) {
		return nil, fmt.Errorf("%w: %s", errToken, fmt.Sprintf(format, args...))
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return refuse("not a JSON Web Token")
	}
	var header struct {
		Alg string `json:"alg"`
	}
	if err := decodePart(parts[0], &header); err != nil {
		return refuse("header: %v", err)
	}
	if header.Alg != "HS256" {
		return refuse("alg must be HS256")
	}
	sig, err := b64.DecodeString(parts[2])
	if err != nil || !hmac.Equal(sig, k.sign(parts[0]+"."+parts[1])) {
		return refuse("bad signature")
	}
	var claims map[string]any
	if err := decodePart(parts[1], &claims); err != nil {
		return refuse("claims: %v", err)
	}
	if claims["iss"] != localIssuer {
		return refuse("iss must be %s", localIssuer)
	}
	if !audienceIs(claims["aud"], localAudience) {
		return refuse("aud must be %s", localAudience)
	}
	if exp, ok := seconds(claims["exp"]); !ok || !now.Before(time.Unix(exp, 0)) {
		return refuse("expired, or no exp")
	}
	if nbf, present := claims["nbf"]; present {
		if t, ok := seconds(nbf); !ok || now.Before(time.Unix(t, 0)) {
			return refuse("not valid yet")
		}
	}
	flat := make(map[string]string, len(claims))
	for name, v := range claims {
		flat[name] = flatten(v)
	}
	return flat, nil
}

// decodePart decodes one base64url part of a token as JSON, numbers kept
// as json.Number.
func decodePart(part string, v any) error {
	data, err := b64.DecodeString(part)
	if err != nil {
		return errors.New("not base64url")
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return errors.New("not a JSON object")
	}
	return nil
}

func audienceIs(aud any, want string) bool {
	switch a := aud.(type) {
	case string:
		return a == want
	case []any:
		return slices.Contains(a, any(want))
	}
	return false
}

// seconds reads a NumericDate claim.
func seconds(v any) (int64, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	s, err := n.Int64()
	return s, err == nil
}

// flatten renders a claim as API Gateway passes it to the function: a
// string as is, a list as "[a b]", anything else as its JSON text.
func flatten(v any) string {
	switch c := v.(type) {
	case string:
		return c
	case []any:
		parts := make([]string, len(c))
		for i, e := range c {
			parts[i] = flatten(e)
		}
		return "[" + strings.Join(parts, " ") + "]"
	}
	b, _ := json.Marshal(v)
	return string(b)
}
