package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

// The cursor secret seals the cursors of GET /users (dynamodel's
// Options.CursorSecret). Give every instance the same one, so a cursor one
// instance gave out works on the next.
const (
	// CursorSecretEnv holds the secret itself, for local runs.
	CursorSecretEnv = "CURSOR_SECRET"
	// CursorSecretARNEnv names a Secrets Manager secret holding it, read
	// once at start-up: what template.yaml sets.
	CursorSecretARNEnv = "CURSOR_SECRET_ARN"
	// minCursorSecret is the shortest secret taken, in bytes.
	minCursorSecret = 32
)

// secretsClient is the part of the Secrets Manager client that
// cursorSecret uses.
type secretsClient interface {
	GetSecretValue(context.Context, *secretsmanager.GetSecretValueInput, ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
}

// cursorSecret returns the cursor secret: $CURSOR_SECRET, else the value of
// the Secrets Manager secret $CURSOR_SECRET_ARN names (secrets makes the
// client, only when needed), else nil: Options.CursorSecret stays unset,
// dynamodel seals cursors with a random key of the process (see
// Options.CursorSecret), and the log says so. The log never holds the
// secret.
func cursorSecret(ctx context.Context, log *slog.Logger, getenv func(string) string, secrets func() secretsClient) ([]byte, error) {
	value, arn := getenv(CursorSecretEnv), getenv(CursorSecretARNEnv)
	switch {
	case value != "" && arn != "":
		return nil, fmt.Errorf("set %s or %s, not both", CursorSecretEnv, CursorSecretARNEnv)
	case arn != "":
		out, err := secrets().GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: &arn})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", CursorSecretARNEnv, err)
		}
		secret := out.SecretBinary
		if out.SecretString != nil {
			secret = []byte(*out.SecretString)
		}
		if len(secret) < minCursorSecret {
			return nil, fmt.Errorf("%s: the secret holds %d bytes; cursors need at least %d", CursorSecretARNEnv, len(secret), minCursorSecret)
		}
		log.InfoContext(ctx, "cursor secret from Secrets Manager", "secret_arn", arn)
		return secret, nil
	case value != "":
		if len(value) < minCursorSecret {
			return nil, fmt.Errorf("%s holds %d bytes; cursors need at least %d (openssl rand -hex 32)", CursorSecretEnv, len(value), minCursorSecret)
		}
		log.InfoContext(ctx, "cursor secret from the environment", "variable", CursorSecretEnv)
		return []byte(value), nil
	}
	log.WarnContext(ctx, "no cursor secret: cursors are sealed with a random key of this process, so they do not survive a restart and other instances reject them",
		"set", CursorSecretEnv+" or "+CursorSecretARNEnv)
	return nil, nil
}
