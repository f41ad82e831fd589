// Package scripts_test runs scripts/engines as make does, against engines
// and against a server that is not one.
package scripts_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/dynamotest"
)

// engines returns scripts/engines with args, in an environment with no
// endpoint set and installs turned into errors.
func engines(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, "./engines", args...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, dynamodel.EndpointEnv+"=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "ENGINES_NO_INSTALL=1")
	return cmd
}

func portOf(t *testing.T, endpoint string) string {
	t.Helper()
	u, err := url.Parse(endpoint)
	require.NoError(t, err)
	return u.Port()
}

// TestEnginesRefuseOtherServers: a port where an HTTP server that is not
// DynamoDB answers is neither used nor started on, and the error says so.
func TestEnginesRefuseOtherServers(t *testing.T) {
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "<html>a web app</html>")
	}))
	defer other.Close()
	port := portOf(t, other.URL)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	for _, args := range [][]string{{"example", port, "--", "true"}, {"serve", "dynalite", port}} {
		var stderr bytes.Buffer
		cmd := engines(ctx, args...)
		cmd.Stderr = &stderr
		err := cmd.Run()
		var exit *exec.ExitError
		require.ErrorAs(t, err, &exit, "scripts/engines %v used a server that is not DynamoDB", args)
		assert.Equal(t, 1, exit.ExitCode())
		assert.Contains(t, stderr.String(), "not a DynamoDB engine answers at http://localhost:"+port)
	}
}

// TestEnginesExampleUsesRunningEngine: an engine already answering on the
// port is used, and the command is pointed at it.
func TestEnginesExampleUsesRunningEngine(t *testing.T) {
	e := dynamotest.Engines(t)[0]
	port := portOf(t, e.Endpoint)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := engines(ctx, "example", port, "--", "sh", "-c", "echo $DYNAMODB_ENDPOINT").Output()
	require.NoError(t, err)
	assert.Equal(t, "http://localhost:"+port+"\n", string(out))
}

// TestEnginesServe is `make engine`: dynalite on the port until Ctrl-C, its
// endpoint printed, and no process left behind.
func TestEnginesServe(t *testing.T) {
	if _, err := os.Stat("../node_modules/.bin/dynalite"); err != nil {
		if os.Getenv(dynamotest.RequireEnv) == "1" {
			t.Fatalf("dynalite is not installed: %v", err)
		}
		t.Skipf("dynalite is not installed (make deps): %v", err)
	}
	port := freePort(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := engines(ctx, "serve", "dynalite", port)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // a process group, as in a terminal
	var stderr syncBuffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	defer func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }()

	// The endpoint is printed once the engine answers.
	endpoint := "http://localhost:" + port
	export := "export DYNAMODB_ENDPOINT=" + endpoint
	found := make(chan bool, 1)
	go func() {
		s := bufio.NewScanner(stdout)
		for s.Scan() {
			if strings.TrimSpace(s.Text()) == export {
				found <- true
			}
		}
		close(found)
	}()
	select {
	case ok := <-found:
		require.True(t, ok, "scripts/engines serve ended without printing %q:\n%s", export, stderr.String())
	case <-ctx.Done():
		t.Fatalf("no %q within a minute:\n%s", export, stderr.String())
	}
	client := dynamotest.Engine{Name: "dynalite", Endpoint: endpoint}.Client()
	_, err = client.ListTables(ctx, &dynamodb.ListTablesInput{})
	require.NoError(t, err, "scripts/engines serve:\n%s", stderr.String())
	m := regexp.MustCompile(`dynalite answers at \S+ \(pid (\d+)\)`).FindStringSubmatch(stderr.String())
	require.NotNil(t, m, "no pid in:\n%s", stderr.String())
	pid, err := strconv.Atoi(m[1])
	require.NoError(t, err)

	// Ctrl-C: SIGINT to the process group. Where this test runs with SIGINT
	// ignored (which its children would inherit), SIGTERM stands in.
	sig := syscall.SIGINT
	if signal.Ignored(syscall.SIGINT) {
		t.Log("SIGINT is ignored here; sending SIGTERM")
		sig = syscall.SIGTERM
	}
	require.NoError(t, syscall.Kill(-cmd.Process.Pid, sig))
	err = cmd.Wait()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "scripts/engines serve:\n%s", stderr.String())
	assert.Contains(t, []int{130, 143}, exit.ExitCode(), "%v; scripts/engines serve:\n%s", err, stderr.String())
	assert.Eventually(t, func() bool { return errors.Is(syscall.Kill(pid, 0), syscall.ESRCH) }, 5*time.Second, 50*time.Millisecond,
		"dynalite (pid %d) outlived scripts/engines serve", pid)
}

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}

// syncBuffer is a bytes.Buffer safe for a process to write while the test
// reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
