package dynamodel_test

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/ec2rolecreds"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel"
)

// noAWSConfig leaves the test with no AWS configuration at all: HOME is an
// empty directory, every AWS_* variable is unset but those naming the shared
// files, which name files in it that do not exist (the SDK reads HOME once,
// when the process starts), and the instance-metadata service is a listener
// that fails the test if anything connects to it.
func noAWSConfig(t *testing.T) {
	t.Helper()
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "AWS_") {
			t.Setenv(k, "") // restored when the test ends
			require.NoError(t, os.Unsetenv(k))
		}
	}
	t.Setenv(dynamodel.EndpointEnv, "")
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(home, ".aws", "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(home, ".aws", "credentials"))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var hits atomic.Int32
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			hits.Add(1)
			c.Close()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		assert.Zero(t, hits.Load(), "the client asked the instance-metadata service")
	})
	t.Setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://"+l.Addr().String())
}

// defaultClient is a client as the README makes it.
func defaultClient(t *testing.T) *dynamodb.Client {
	t.Helper()
	cfg, err := config.LoadDefaultConfig(context.Background())
	require.NoError(t, err)
	return dynamodb.NewFromConfig(cfg, dynamodel.WithEndpointFromEnv())
}

func credentialsOf(t *testing.T, c *dynamodb.Client) aws.Credentials {
	t.Helper()
	creds, err := c.Options().Credentials.Retrieve(context.Background())
	require.NoError(t, err)
	return creds
}

func asksInstanceMetadata(c *dynamodb.Client) bool {
	return aws.IsCredentialsProvider(c.Options().Credentials, (*ec2rolecreds.Provider)(nil))
}

func TestWithEndpointLocalWithoutConfiguration(t *testing.T) {
	for _, endpoint := range []string{"http://localhost:8000", "http://127.0.0.1:8000", "http://[::1]:8000", "http://dynamodb-local:8000"} {
		t.Run(endpoint, func(t *testing.T) {
			noAWSConfig(t)
			t.Setenv(dynamodel.EndpointEnv, endpoint)
			c := defaultClient(t)
			assert.Equal(t, endpoint, aws.ToString(c.Options().BaseEndpoint))
			assert.Equal(t, "us-east-1", c.Options().Region)
			assert.Equal(t, "local", credentialsOf(t, c).AccessKeyID)
		})
	}
}

func TestWithEndpointKeepsConfiguredCredentials(t *testing.T) {
	t.Run("environment", func(t *testing.T) {
		noAWSConfig(t)
		t.Setenv(dynamodel.EndpointEnv, "http://localhost:8000")
		t.Setenv("AWS_ACCESS_KEY_ID", "AKIDMINE")
		t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
		t.Setenv("AWS_REGION", "eu-west-1")
		c := defaultClient(t)
		assert.Equal(t, "AKIDMINE", credentialsOf(t, c).AccessKeyID)
		assert.Equal(t, "eu-west-1", c.Options().Region)
	})
	t.Run("shared credentials file", func(t *testing.T) {
		noAWSConfig(t)
		t.Setenv(dynamodel.EndpointEnv, "http://localhost:8000")
		dir := filepath.Join(os.Getenv("HOME"), ".aws")
		require.NoError(t, os.MkdirAll(dir, 0o700))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "credentials"),
			[]byte("[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = secret\n"), 0o600))
		c := defaultClient(t)
		assert.Equal(t, "AKIDFILE", credentialsOf(t, c).AccessKeyID)
		assert.Equal(t, "us-east-1", c.Options().Region)
	})
	t.Run("provider of your own", func(t *testing.T) {
		mine := aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "AKIDFUNC", SecretAccessKey: "secret"}, nil
		})
		c := dynamodb.New(dynamodb.Options{Credentials: mine}, dynamodel.WithEndpoint("http://localhost:8000"))
		assert.Equal(t, "AKIDFUNC", credentialsOf(t, c).AccessKeyID)
	})
}

func TestWithEndpointSDKSetting(t *testing.T) {
	noAWSConfig(t)
	t.Setenv("AWS_ENDPOINT_URL_DYNAMODB", "http://localhost:8000")
	c := defaultClient(t)
	assert.Equal(t, "http://localhost:8000", aws.ToString(c.Options().BaseEndpoint))
	assert.Equal(t, "local", credentialsOf(t, c).AccessKeyID)
}

func TestWithEndpointNoConfigAtAll(t *testing.T) {
	c := dynamodb.New(dynamodb.Options{}, dynamodel.WithEndpoint("http://localhost:8000"))
	assert.Equal(t, "local", credentialsOf(t, c).AccessKeyID)
	assert.Equal(t, "us-east-1", c.Options().Region)
}

// An endpoint without a scheme (localhost:8000) cannot be used: the error
// says so, naming it, at once, instead of reporting that the
// instance-metadata service has no credentials (noAWSConfig fails the test
// if the client asks it).
func TestWithEndpointWithoutScheme(t *testing.T) {
	for _, endpoint := range []string{"localhost:8000", "127.0.0.1:8000"} {
		t.Run(endpoint, func(t *testing.T) {
			noAWSConfig(t)
			t.Setenv(dynamodel.EndpointEnv, endpoint)
			c := defaultClient(t)
			_, err := c.ListTables(context.Background(), &dynamodb.ListTablesInput{}, func(o *dynamodb.Options) { o.RetryMaxAttempts = 1 })
			require.Error(t, err)
			assert.NotContains(t, err.Error(), "IMDS")
			assert.Regexp(t, `unsupported protocol scheme "localhost"|parse uri: 127\.0\.0\.1:8000`, err.Error())
		})
	}
}

// Other hosts may be AWS behind a proxy, and AWS itself needs no option:
// the SDK's credential chain stays as it is.
func TestWithEndpointLeavesOtherHostsAlone(t *testing.T) {
	noAWSConfig(t)
	c := defaultClient(t)
	assert.Nil(t, c.Options().BaseEndpoint)
	assert.Empty(t, c.Options().Region)
	assert.True(t, asksInstanceMetadata(c))

	t.Setenv(dynamodel.EndpointEnv, "https://dynamodb.proxy.example.com")
	c = defaultClient(t)
	assert.Equal(t, "https://dynamodb.proxy.example.com", aws.ToString(c.Options().BaseEndpoint))
	assert.Equal(t, "us-east-1", c.Options().Region)
	assert.True(t, asksInstanceMetadata(c))
}
