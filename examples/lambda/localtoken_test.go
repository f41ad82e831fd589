package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// signed makes a token from a raw header and claims, signed with key.
func signed(key tokenKey, header string, claims map[string]any) string {
	payload, _ := json.Marshal(claims)
	s := b64.EncodeToString([]byte(header)) + "." + b64.EncodeToString(payload)
	m := hmac.New(sha256.New, key)
	m.Write([]byte(s))
	return s + "." + b64.EncodeToString(m.Sum(nil))
}

func TestLocalTokens(t *testing.T) {
	key, err := newTokenKey(testTokenSecret)
	require.NoError(t, err)
	now := time.Unix(1795598400, 0)
	good := func() map[string]any {
		return map[string]any{"iss": localIssuer, "aud": localAudience, "exp": now.Add(time.Minute).Unix(),
			"sub": "ada", "email": "ada@example.com", "email_verified": true, "cognito:groups": []string{"admin", "users"}}
	}
	with := func(edit func(map[string]any)) map[string]any {
		c := good()
		edit(c)
		return c
	}
	hs256 := `{"alg":"HS256","typ":"JWT"}`

	claims, err := key.verify(signed(key, hs256, good()), now)
	require.NoError(t, err)
	assert.Equal(t, "ada@example.com", claims["email"])
	assert.Equal(t, "true", claims["email_verified"], "flattened as API Gateway does")
	assert.Equal(t, "[admin users]", claims["cognito:groups"])

	minted, err := key.mint("ada@example.com", nil, now, time.Minute)
	require.NoError(t, err)
	claims, err = key.verify(minted, now)
	require.NoError(t, err)
	assert.NotContains(t, claims, "cognito:groups")

	other, err := newTokenKey(strings.Repeat("z", 32))
	require.NoError(t, err)
	tamper := func(tok string) string {
		parts := strings.Split(tok, ".")
		payload, _ := b64.DecodeString(parts[1])
		payload = []byte(strings.Replace(string(payload), "ada@example.com", "eve@example.com", 1))
		return parts[0] + "." + b64.EncodeToString(payload) + "." + parts[2]
	}
	for _, tc := range []struct {
		name, token, why string
	}{
		{"alg none", signed(key, `{"alg":"none"}`, good()), "alg must be HS256"},
		{"alg none, no signature", func() string {
			p := strings.Split(signed(key, `{"alg":"none"}`, good()), ".")
			return p[0] + "." + p[1] + "."
		}(), "alg must be HS256"},
		{"alg HS512", signed(key, `{"alg":"HS512"}`, good()), "alg must be HS256"},
		{"alg RS256", signed(key, `{"alg":"RS256"}`, good()), "alg must be HS256"},
		{"alg hs256", signed(key, `{"alg":"hs256"}`, good()), "alg must be HS256"},
		{"another key", signed(other, hs256, good()), "bad signature"},
		{"tampered claims", tamper(signed(key, hs256, good())), "bad signature"},
		{"no exp", signed(key, hs256, with(func(c map[string]any) { delete(c, "exp") })), "no exp"},
		{"exp as a string", signed(key, hs256, with(func(c map[string]any) { c["exp"] = "99999999999" })), "no exp"},
		{"expired", signed(key, hs256, with(func(c map[string]any) { c["exp"] = now.Unix() })), "expired"},
		{"not yet valid", signed(key, hs256, with(func(c map[string]any) { c["nbf"] = now.Add(time.Minute).Unix() })), "not valid yet"},
		{"another issuer", signed(key, hs256, with(func(c map[string]any) { c["iss"] = "https://evil.example" })), "iss must be"},
		{"no issuer", signed(key, hs256, with(func(c map[string]any) { delete(c, "iss") })), "iss must be"},
		{"another audience", signed(key, hs256, with(func(c map[string]any) { c["aud"] = "other" })), "aud must be"},
		{"two parts", "a.b", "not a JSON Web Token"},
		{"padded base64", func() string {
			p := strings.Split(signed(key, hs256, good()), ".")
			return p[0] + "." + p[1] + "." + base64.URLEncoding.EncodeToString(mustB64(t, p[2]))
		}(), "bad signature"},
		{"header not JSON", b64.EncodeToString([]byte("x")) + ".e30.sig", "header"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := key.verify(tc.token, now)
			require.ErrorIs(t, err, errToken)
			assert.ErrorContains(t, err, tc.why)
		})
	}

	// An audience list naming ours is taken.
	_, err = key.verify(signed(key, hs256, with(func(c map[string]any) { c["aud"] = []string{"x", localAudience} })), now)
	assert.NoError(t, err)

	_, err = newTokenKey("short")
	assert.ErrorContains(t, err, "at least 32 bytes")
}

func mustB64(t *testing.T, s string) []byte {
	b, err := b64.DecodeString(s)
	require.NoError(t, err)
	return b
}
