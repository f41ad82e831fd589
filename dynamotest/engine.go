package dynamotest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/dynamodel/dynamodel"
)

// Engine is a DynamoDB endpoint tests talk to.
type Engine struct {
	// Name says which engine it is, e.g. "dynalite" or "moto"; "endpoint"
	// for one given by $DYNAMODB_ENDPOINT without a name.
	Name string
	// Endpoint is its URL, e.g. http://127.0.0.1:41234.
	Endpoint string
}

// String names the engine and its endpoint.
func (e Engine) String() string { return e.Name + " at " + e.Endpoint }

// Client returns a client for the engine, signing with placeholder
// credentials (local engines accept any) unless AWS credentials are in the
// environment, in region us-east-1 unless AWS_REGION says otherwise. It
// keeps up to ClientConnections idle connections (dynamodel.WithConnections),
// so tests that run batches or parallel scans concurrently reuse them;
// optFns apply after that.
func (e Engine) Client(optFns ...func(*dynamodb.Options)) *dynamodb.Client {
	region := os.Getenv("AWS_REGION")
	if region == "" {
		region = "us-east-1"
	}
	creds := aws.Credentials{AccessKeyID: "dynamotest", SecretAccessKey: "dynamotest", Source: "dynamotest"}
	if id, secret := os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY"); id != "" && secret != "" {
		creds = aws.Credentials{AccessKeyID: id, SecretAccessKey: secret, SessionToken: os.Getenv("AWS_SESSION_TOKEN"), Source: "environment"}
	}
	opts := dynamodb.Options{
		Region:       region,
		BaseEndpoint: aws.String(e.Endpoint),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return creds, nil
		}),
	}
	return dynamodb.New(opts, append([]func(*dynamodb.Options){dynamodel.WithConnections(ClientConnections)}, optFns...)...)
}

// ClientConnections is how many idle connections an Engine's client keeps:
// enough for the requests a test keeps in flight (a batch's or a parallel
// scan's concurrency, parallel subtests).
const ClientConnections = 64

// EnginesEnv lists engines for tests that run against several at once, as
// name=url pairs separated by commas (dynamodel's `make test` sets it to
// its dynalite and moto). The value "none" means no engine: tests that need
// one are skipped.
const EnginesEnv = "DYNAMODEL_TEST_ENGINES"

// RequireEnv, set to 1, turns "no engine available" from a skip into a
// failure, so CI cannot pass by skipping its integration tests.
const RequireEnv = "DYNAMODEL_REQUIRE_ENGINES"

// Engines returns the engines tests should run against:
//
//   - those listed in $DYNAMODEL_TEST_ENGINES;
//   - else the one at $DYNAMODB_ENDPOINT (named by $DYNAMODEL_ENGINE, or
//     "endpoint");
//   - else a dynalite started for this test process on a free port, when
//     Node.js and the dynalite package can be found (in a node_modules
//     directory here or above, or through $DYNALITE_PATH). It is shared by
//     the tests of the process and stops when the process ends.
//
// When there is none, tb is skipped with what to install, or failed when
// $DYNAMODEL_REQUIRE_ENGINES is 1. A $DYNAMODEL_TEST_ENGINES it cannot read,
// or a dynalite that was found but did not start, fails tb: skipping would
// let the tests pass without running.
func Engines(tb testing.TB) []Engine {
	tb.Helper()
	engines, err := allEngines()
	if err != nil {
		if os.Getenv(RequireEnv) == "1" || !errors.Is(err, errNoEngine) && !errors.Is(err, errDisabled) {
			tb.Fatalf("dynamotest: no DynamoDB engine: %v", err)
		}
		tb.Skipf("dynamotest: no DynamoDB engine, skipping: %v", err)
	}
	return engines
}

func allEngines() ([]Engine, error) {
	engines, err := configuredEngines()
	if err == nil && len(engines) == 0 {
		var e Engine
		e, err = sharedDynalite()
		engines = []Engine{e}
	}
	return engines, err
}

// Default returns the first engine Engines would return, for code that has
// no testing.TB: Example functions, benchmarks' setup, tools.
func Default() (Engine, error) {
	engines, err := allEngines()
	if err != nil {
		return Engine{}, err
	}
	return engines[0], nil
}

// errNoEngine says why no engine could be found, and what to do.
var errNoEngine = errors.New(`set DYNAMODB_ENDPOINT to a running engine (dynalite, moto, DynamoDB Local, LocalStack), ` +
	`or install dynalite for dynamotest to start: npm install --save-dev dynalite (Node.js 20 or newer)`)

var errDisabled = errors.New(EnginesEnv + "=none")

func configuredEngines() ([]Engine, error) {
	if list := os.Getenv(EnginesEnv); list != "" {
		if list == "none" {
			return nil, errDisabled
		}
		var out []Engine
		for _, part := range strings.Split(list, ",") {
			name, url, ok := strings.Cut(strings.TrimSpace(part), "=")
			if !ok || name == "" || url == "" {
				return nil, fmt.Errorf("%s: want name=url pairs separated by commas, got %q", EnginesEnv, part)
			}
			out = append(out, Engine{Name: name, Endpoint: url})
		}
		return out, nil
	}
	if url := os.Getenv(dynamodel.EndpointEnv); url != "" {
		name := os.Getenv("DYNAMODEL_ENGINE")
		if name == "" {
			name = "endpoint"
		}
		return []Engine{{Name: name, Endpoint: url}}, nil
	}
	return nil, nil
}

// dynalite is the process's shared engine, started on first use.
var dynalite struct {
	once   sync.Once
	engine Engine
	err    error
}

// stdins keeps the standard inputs of started dynalites open: each one
// stops when its input closes, at the latest when this process exits.
var stdins struct {
	sync.Mutex
	list []io.Closer
}

// sharedDynalite starts one dynalite for the test process.
func sharedDynalite() (Engine, error) {
	dynalite.once.Do(func() {
		dynalite.engine, dynalite.err = StartDynalite()
	})
	return dynalite.engine, dynalite.err
}

// dynaliteScript starts dynalite on a free port, prints the port, and exits
// when its standard input closes, which happens when the test process ends
// however it ends: no dynalite is left behind. A client that hangs up in the
// middle of a request (a cancelled or timed-out call) would otherwise end
// dynalite, which rethrows the request's error (architect/dynalite#183).
const dynaliteScript = `
process.on('uncaughtException', (err) => {
  if (err && err.code === 'ECONNRESET') return;
  console.error(err);
  process.exit(1);
});
const dynalite = require('dynalite');
const server = dynalite({createTableMs: 0, deleteTableMs: 0, updateTableMs: 0});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
`

// StartDynalite starts a dynalite on a free port of 127.0.0.1 and returns it
// once it answers. It runs until the calling process ends. Node.js must be on
// PATH, and the dynalite package in a node_modules directory in or above the
// working directory, or in $DYNALITE_PATH (a node_modules directory).
func StartDynalite() (Engine, error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return Engine{}, fmt.Errorf("node not found on PATH: %w", errNoEngine)
	}
	modules := findNodeModules()
	if modules == "" {
		return Engine{}, fmt.Errorf("the dynalite package was not found: %w", errNoEngine)
	}
	cmd := exec.Command(node, "-e", dynaliteScript)
	cmd.Env = append(os.Environ(), "NODE_PATH="+modules)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return Engine{}, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return Engine{}, err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return Engine{}, fmt.Errorf("start dynalite: %w", err)
	}
	// stdin stays open for the life of the process; closing it stops dynalite.
	stdins.Lock()
	stdins.list = append(stdins.list, stdin)
	stdins.Unlock()
	go func() { _ = cmd.Wait() }()

	port := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		port <- strings.TrimSpace(line)
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case p := <-port:
		if p == "" {
			return Engine{}, errors.New("dynalite exited before listening")
		}
		e := Engine{Name: "dynalite", Endpoint: "http://127.0.0.1:" + p}
		return e, waitAnswer(e.Endpoint, 10*time.Second)
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		return Engine{}, errors.New("dynalite did not start within 30s")
	}
}

// findNodeModules returns the node_modules directory that holds dynalite.
func findNodeModules() string {
	if p := os.Getenv("DYNALITE_PATH"); p != "" {
		return p
	}
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		nm := filepath.Join(dir, "node_modules")
		if _, err := os.Stat(filepath.Join(nm, "dynalite", "package.json")); err == nil {
			return nm
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// waitAnswer waits until an HTTP server answers at url.
func waitAnswer(url string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	client := &http.Client{Timeout: time.Second}
	for {
		resp, err := client.Get(url)
		if err == nil {
			resp.Body.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no answer at %s: %w", url, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
