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
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel/dynamotest"
)

// fakeSecrets answers GetSecretValue with a fixed value.
type fakeSecrets struct {
	value string
	err   error
	calls int
}

func (f *fakeSecrets) GetSecretValue(ctx context.Context, in *secretsmanager.GetSecretValueInput, _ ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
	f.calls++
	if f.err != nil {
		return nil, f.err
	}
	return &secretsmanager.GetSecretValueOutput{ARN: in.SecretId, SecretString: &f.value}, nil
}

func TestCursorSecret(t *testing.T) {
	long := strings.Repeat("k", 40)
	arn := "arn:aws:secretsmanager:us-east-1:123456789012:secret:cursor-AbCdEf"
	for _, tc := range []struct {
		name    string
		env     []string
		secrets *fakeSecrets
		want    string
		err     string
		log     string
	}{
		{name: "from the environment", env: []string{CursorSecretEnv, long}, want: long, log: "cursor secret from the environment"},
		{name: "from Secrets Manager", env: []string{CursorSecretARNEnv, arn}, secrets: &fakeSecrets{value: long}, want: long, log: arn},
		{name: "none", log: "no cursor secret"},
		{name: "both", env: []string{CursorSecretEnv, long, CursorSecretARNEnv, arn}, err: "not both"},
		{name: "short", env: []string{CursorSecretEnv, "short"}, err: "at least 32"},
		{name: "short in Secrets Manager", env: []string{CursorSecretARNEnv, arn}, secrets: &fakeSecrets{value: "short"}, err: "at least 32"},
		{name: "Secrets Manager fails", env: []string{CursorSecretARNEnv, arn}, secrets: &fakeSecrets{err: errors.New("AccessDeniedException")}, err: "AccessDeniedException"},
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
			assert.Equal(t, tc.want, string(got))
			assert.Equal(t, tc.secrets != nil, made)
			assert.Contains(t, logs.String(), tc.log)
			assert.NotContains(t, logs.String(), long, "the log never holds the secret")
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
			got, err := cursorSecret(ctx, slog.New(slog.NewJSONHandler(&logs, nil)),
				env(CursorSecretARNEnv, *created.ARN), func() secretsClient { return client })
			require.NoError(t, err)
			assert.Equal(t, value, string(got))
			assert.NotContains(t, logs.String(), value)
		})
	}
}
