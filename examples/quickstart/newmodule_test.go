package main

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/dynamotest"
)

// TestExamplesInNewModule follows the README as a newcomer does: an empty
// module that requires dynamodel (through a replace to this checkout), the
// quickstart's code copied in as it is (and the other examples in
// directories of their own), go mod tidy, go build, and a run of the
// quickstart against a local engine on a machine with no AWS configuration:
// HOME is an empty directory, no AWS_* variable is set, and the
// instance-metadata service, where the SDK's credential chain ends, is a
// listener that fails the test if anything connects to it.
//
// The go commands run with GOPROXY=off: the modules come from the module
// cache (`go mod download` in this checkout fills it), never the network.
// The module starts with this checkout's go.sum, so that go mod tidy checks
// the cached modules against it instead of asking the checksum database.
// The test lives here because it shares the engine's User table with
// TestQuickstart, and the tests of one package run one at a time.
func TestExamplesInNewModule(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the examples in a module of their own (-short)")
	}
	engines := dynamotest.Engines(t)
	root, err := filepath.Abs("../..")
	require.NoError(t, err)

	dir := t.TempDir()
	writeNewModule(t, dir, root)
	copyFile(t, filepath.Join(root, "go.sum"), filepath.Join(dir, "go.sum"))
	copyFile(t, filepath.Join(root, "testdata", "create-user.json"), filepath.Join(dir, "testdata", "create-user.json"))
	copySources(t, ".", dir)
	copySources(t, "../lambda", filepath.Join(dir, "lambda"))
	copySources(t, "../streams", filepath.Join(dir, "streams"))
	copySources(t, "../photos", filepath.Join(dir, "photos"))
	copyFile(t, "../photos/quick-photos.json", filepath.Join(dir, "photos", "quick-photos.json"))

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	bin := filepath.Join(dir, "quickstart")
	for _, args := range [][]string{
		{"mod", "tidy"},
		{"build", "-o", bin, "."},
		{"build", "./lambda", "./streams", "./photos"}, // compiled, not linked
	} {
		cmd := exec.CommandContext(ctx, "go", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOPROXY=off", "GOFLAGS=-mod=mod", "GOWORK=off")
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "go %s:\n%s", strings.Join(args, " "), out)
	}

	for _, e := range engines {
		t.Run(e.Name, func(t *testing.T) {
			cmd := exec.CommandContext(ctx, bin)
			cmd.Dir = dir
			cmd.Env = append(withoutAWS(os.Environ()),
				"HOME="+t.TempDir(),
				dynamodel.EndpointEnv+"="+e.Endpoint,
				"AWS_EC2_METADATA_SERVICE_ENDPOINT="+metadataTrap(t),
			)
			out, err := cmd.CombinedOutput()
			require.NoError(t, err, "the quickstart in a new module:\n%s", out)
			// The table it makes sure of is there.
			_, err = e.Client().DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(dynamodel.UserTable)})
			assert.NoError(t, err)
		})
	}
}

// copySources copies the Go files of example dir, but not its tests, into to.
func copySources(t *testing.T, dir, to string) {
	t.Helper()
	sources, err := filepath.Glob(filepath.Join(dir, "*.go"))
	require.NoError(t, err)
	require.NotEmpty(t, sources, "no Go files in %s", dir)
	for _, src := range sources {
		if !strings.HasSuffix(src, "_test.go") {
			copyFile(t, src, filepath.Join(to, filepath.Base(src)))
		}
	}
}

// writeNewModule writes the go.mod a newcomer writes while dynamodel is
// unpublished: a require, and a replace to the clone at root.
func writeNewModule(t *testing.T, dir, root string) {
	t.Helper()
	ours, err := os.ReadFile(filepath.Join(root, "go.mod"))
	require.NoError(t, err)
	goLine := regexp.MustCompile(`(?m)^go \S+$`).Find(ours)
	require.NotNil(t, goLine, "no go line in %s/go.mod", root)
	gomod := "module example.com/firsthour\n\n" + string(goLine) + "\n\n" +
		"require github.com/dynamodel/dynamodel v0.0.0\n\n" +
		"replace github.com/dynamodel/dynamodel => " + root + "\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644))
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(filepath.Dir(to), 0o755))
	require.NoError(t, os.WriteFile(to, data, 0o644))
}

// withoutAWS returns env without HOME, $DYNAMODB_ENDPOINT and any AWS_*
// variable.
func withoutAWS(env []string) []string {
	var out []string
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		if k != "HOME" && k != dynamodel.EndpointEnv && !strings.HasPrefix(k, "AWS_") {
			out = append(out, kv)
		}
	}
	return out
}

// metadataTrap returns the URL of a listener standing in for the EC2
// instance-metadata service: the test fails if anything connects to it.
func metadataTrap(t *testing.T) string {
	t.Helper()
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
		assert.Zero(t, hits.Load(), "the quickstart asked the instance-metadata service for credentials")
	})
	return "http://" + l.Addr().String()
}
