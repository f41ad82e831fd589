package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"

	"github.com/dynamodel/dynamodel"
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

// cursorSecrets are the secrets of Options.CursorSecret and
// Options.OldCursorSecrets.
type cursorSecrets struct {
	current []byte
	old     [][]byte
}

// cursorSecret returns the cursor secret: $CURSOR_SECRET, else the value of
// the Secrets Manager secret $CURSOR_SECRET_ARN names (secrets makes the
// client, only when needed), else none: Options.CursorSecret stays unset,
// dynamodel seals cursors with a random key of the process (see
// Options.CursorSecret), and the log says so. The log never holds the
// secret.
//
// From Secrets Manager, the version labelled AWSPREVIOUS, when there is
// one, is an old secret (Options.OldCursorSecrets): after a rotation,
// cursors sealed before it still open.
func cursorSecret(ctx context.Context, log *slog.Logger, getenv func(string) string, secrets func() secretsClient) (cursorSecrets, error) {
	value, arn := getenv(CursorSecretEnv), getenv(CursorSecretARNEnv)
	switch {
	case value != "" && arn != "":
		return cursorSecrets{}, fmt.Errorf("set %s or %s, not both", CursorSecretEnv, CursorSecretARNEnv)
	case arn != "":
		client := secrets()
		secret, err := secretVersion(ctx, client, arn, "AWSCURRENT")
		if err != nil {
			return cursorSecrets{}, fmt.Errorf("%s: %w", CursorSecretARNEnv, err)
		}
		s := cursorSecrets{current: secret}
		switch old, err := secretVersion(ctx, client, arn, "AWSPREVIOUS"); {
		case err == nil:
			s.old = [][]byte{old}
		case !errors.As(err, new(*types.ResourceNotFoundException)):
			log.WarnContext(ctx, "the cursor secret's previous version is unreadable: cursors sealed before the last rotation are refused",
				"secret_arn", arn, "err", err.Error())
		}
		log.InfoContext(ctx, "cursor secret from Secrets Manager", "secret_arn", arn, "previous_version", len(s.old) > 0)
		return s, nil
	case value != "":
		if len(value) < minCursorSecret {
			return cursorSecrets{}, fmt.Errorf("%s holds %d bytes; cursors need at least %d (openssl rand -hex 32)", CursorSecretEnv, len(value), minCursorSecret)
		}
		log.InfoContext(ctx, "cursor secret from the environment", "variable", CursorSecretEnv)
		return cursorSecrets{current: []byte(value)}, nil
	}
	log.WarnContext(ctx, "no cursor secret: cursors are sealed with a random key of this process, so they do not survive a restart and other instances reject them",
		"set", CursorSecretEnv+" or "+CursorSecretARNEnv)
	return cursorSecrets{}, nil
}

// secretVersion reads the version of secret arn labelled stage, which must
// hold at least minCursorSecret bytes.
func secretVersion(ctx context.Context, client secretsClient, arn, stage string) ([]byte, error) {
	out, err := client.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: &arn, VersionStage: &stage})
	if err != nil {
		return nil, err
	}
	secret := out.SecretBinary
	if out.SecretString != nil {
		secret = []byte(*out.SecretString)
	}
	if len(secret) < minCursorSecret {
		return nil, fmt.Errorf("the secret's %s version holds %d bytes; cursors need at least %d", stage, len(secret), minCursorSecret)
	}
	return secret, nil
}

// options sets the repository's cursor secrets.
func (s cursorSecrets) options(o *dynamodel.Options) {
	o.CursorSecret, o.OldCursorSecrets = s.current, s.old
}
