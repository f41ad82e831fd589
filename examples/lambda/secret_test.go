package main

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel/dynamotest"
)

// fakeSecrets answers GetSecretValue with a fixed value for AWSCURRENT, and
// previous for AWSPREVIOUS (none: ResourceNotFoundException, as for a
// secret never rotated); err fails the stage it names.
type fakeSecrets struct {
	value, previous string
	err             map[string]error
	calls           int
}

func (f *fakeSecrets) GetSecretValue(ctx context.Context, in *secretsmanager.GetSecretValueInput, _ ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
	f.calls++
	stage := aws.ToString(in.VersionStage)
	if err := f.err[stage]; err != nil {
		return nil, err
	}
	v := f.value
	if stage == "AWSPREVIOUS" {
		if v = f.previous; v == "" {
			return nil, &smtypes.ResourceNotFoundException{Message: aws.String("no version with staging label AWSPREVIOUS")}
		}
	}
	return &secretsmanager.GetSecretValueOutput{ARN: in.SecretId, SecretString: &v}, nil
}

func TestCursorSecret(t *testing.T) {
	long, older := strings.Repeat("k", 40), strings.Repeat("o", 40)
	arn := "arn:aws:secretsmanager:us-east-1:123456789012:secret:cursor-AbCdEf"
	denied := errors.New("AccessDeniedException")
	for _, tc := range []struct {
		name    string
		env     []string
		secrets *fakeSecrets
		want    string
		old     []string
		err     string
		log     string
	}{
		{name: "from the environment", env: []string{CursorSecretEnv, long}, want: long, log: "cursor secret from the environment"},
		{name: "from Secrets Manager", env: []string{CursorSecretARNEnv, arn}, secrets: &fakeSecrets{value: long}, want: long, log: arn},
		{name: "rotated in Secrets Manager", env: []string{CursorSecretARNEnv, arn}, secrets: &fakeSecrets{value: long, previous: older},
			want: long, old: []string{older}, log: `"previous_version":true`},
		{name: "previous version unreadable", env: []string{CursorSecretARNEnv, arn},
			secrets: &fakeSecrets{value: long, previous: older, err: map[string]error{"AWSPREVIOUS": denied}}, want: long, log: "previous version is unreadable"},
		{name: "previous version short", env: []string{CursorSecretARNEnv, arn}, secrets: &fakeSecrets{value: long, previous: "short"},
			want: long, log: "previous version is unreadable"},
		{name: "none", log: "no cursor secret"},
		{name: "both", env: []string{CursorSecretEnv, long, CursorSecretARNEnv, arn}, err: "not both"},
		{name: "short", env: []string{CursorSecretEnv, "short"}, err: "at least 32"},
		{name: "short in Secrets Manager", env: []string{CursorSecretARNEnv, arn}, secrets: &fakeSecrets{value: "short"}, err: "at least 32"},
		{name: "Secrets Manager fails", env: []string{CursorSecretARNEnv, arn}, secrets: &fakeSecrets{err: map[string]error{"AWSCURRENT": denied}}, err: "AccessDeniedException"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs bytes.Buffer
			made := false
			secrets := func() secretsClient {
				made = true
				require.NotNil(t, tc.secrets, "no Secrets Manager client without %s", CursorSecretARNEnv)
				return tc.secrets
			}
			got, err := cursorSecret(context.Background(), slog.New(slog.NewJSONHandler(&logs, nil)), env(tc.env...), secrets)
			if tc.err != "" {
				assert.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, string(got.current))
			var old []string
			for _, o := range got.old {
				old = append(old, string(o))
			}
			assert.Equal(t, tc.old, old)
			assert.Equal(t, tc.secrets != nil, made)
			assert.Contains(t, logs.String(), tc.log)
			for _, secret := range []string{long, older} {
				assert.NotContains(t, logs.String(), secret, "the log never holds a secret")
			}
		})
	}
}

// TestCursorSecretFromSecretsManager reads the secret from an engine that
// serves Secrets Manager (moto); others are skipped with their answer.
func TestCursorSecretFromSecretsManager(t *testing.T) {
	for _, e := range dynamotest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			client := secretsmanager.New(secretsmanager.Options{
				Region:       "us-east-1",
				Credentials:  credentials.NewStaticCredentialsProvider("local", "local", ""),
				BaseEndpoint: aws.String(e.Endpoint),
			})
			value := strings.Repeat("v", 48)
			created, err := client.CreateSecret(ctx, &secretsmanager.CreateSecretInput{
				Name:         aws.String("cursor-" + strings.ReplaceAll(t.Name(), "/", "-")),
				SecretString: &value,
			})
			if err != nil {
				t.Skipf("%s serves no Secrets Manager: %v", e.Name, err)
			}
			t.Cleanup(func() {
				_, _ = client.DeleteSecret(ctx, &secretsmanager.DeleteSecretInput{SecretId: created.ARN, ForceDeleteWithoutRecovery: aws.Bool(true)})
			})
			var logs bytes.Buffer
			read := func() cursorSecrets {
				t.Helper()
				got, err := cursorSecret(ctx, slog.New(slog.NewJSONHandler(&logs, nil)),
					env(CursorSecretARNEnv, *created.ARN), func() secretsClient { return client })
				require.NoError(t, err)
				return got
			}
			got := read()
			assert.Equal(t, value, string(got.current))
			assert.Empty(t, got.old, "never rotated")

			// Rotated: the new value seals, the old one still opens.
			rotated := strings.Repeat("w", 48)
			_, err = client.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{SecretId: created.ARN, SecretString: &rotated})
			require.NoError(t, err)
			got = read()
			assert.Equal(t, rotated, string(got.current))
			require.Len(t, got.old, 1)
			assert.Equal(t, value, string(got.old[0]))
			assert.NotContains(t, logs.String(), value)
			assert.NotContains(t, logs.String(), rotated)
		})
	}
}
