// Command lambda is the seed's web app as an AWS Lambda function behind an
// API Gateway HTTP API with a JWT authorizer (see API for the routes and
// who may use them), keeping users in the User table with dynamodel.
//
// In Lambda (runtime provided.al2023, arm64; make lambda-zip builds
// dist/lambda.zip with the bootstrap binary, and template.yaml deploys it
// with its table, API and cursor secret):
//
//	GOOS=linux GOARCH=arm64 CGO_ENABLED=0 go build -tags lambda.norpc -o bootstrap ./examples/lambda
//
// On a laptop, as a plain HTTP server against a local engine, with local
// tokens standing in for the authorizer's:
//
//	export LOCAL_TOKEN_SECRET=$(openssl rand -hex 32)
//	DYNAMODB_ENDPOINT=http://localhost:8000 go run ./examples/lambda -http :8080 &
//	TOKEN=$(go run ./examples/lambda -mint-token ada@example.com)
//	curl -H "Authorization: Bearer $TOKEN" -X POST localhost:8080/users -d '{"email":"ada@example.com","first_name":"Ada"}'
//
// Once, on an API Gateway event, as sam local invoke -e does:
//
//	DYNAMODB_ENDPOINT=http://localhost:8000 go run ./examples/lambda -event examples/lambda/testdata/get-own.json
//
// The environment: DYNAMODB_ENDPOINT (a local engine), ADMIN_GROUP (the
// admins' group, "admin" by default), CURSOR_SECRET or CURSOR_SECRET_ARN
// (see cursorSecret), LOCAL_TOKEN_SECRET (local tokens). Logs are JSON
// lines on stderr, each request's lines with its request id; they never
// hold tokens, bodies or secrets.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/schema"
)

// options are the command's flags and surroundings.
type options struct {
	addr, schemaFile, event string
	insecure                bool
	getenv                  func(string) string
	stdin                   io.Reader
	stdout                  io.Writer
}

func main() {
	o := options{getenv: os.Getenv, stdin: os.Stdin, stdout: os.Stdout}
	flag.StringVar(&o.addr, "http", "", "serve HTTP on this address instead of running as a Lambda function")
	flag.StringVar(&o.schemaFile, "schema", "testdata/create-user.json", "with -http: create the User table from this file first (\"\": the table exists)")
	flag.StringVar(&o.event, "event", "", "run the handler once on the API Gateway (payload 2.0) event in this file (- for stdin) and print the response")
	flag.BoolVar(&o.insecure, "insecure-no-auth", false, "with -http: serve every request as an admin's, WITHOUT ANY CHECK (never expose it)")
	mint := flag.String("mint-token", "", "print a local token for this email, signed with $"+TokenSecretEnv+", and exit")
	admin := flag.Bool("admin", false, "with -mint-token: the token's user is an admin")
	ttl := flag.Duration("token-ttl", time.Hour, "with -mint-token: how long the token is valid")
	flag.Parse()
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	given := map[string]bool{}
	flag.Visit(func(f *flag.Flag) { given[f.Name] = true })

	err := checkFlags(given, *mint != "", o)
	if err == nil && *mint != "" {
		err = mintToken(o.stdout, o.getenv, *mint, *admin, *ttl)
	} else if err == nil {
		err = run(context.Background(), log, o)
	}
	if err != nil {
		log.Error("stopped", "err", err.Error())
		os.Exit(1)
	}
}

// checkFlags refuses flags that belong to a mode the command line does not
// ask for, which would otherwise be ignored: -admin and -token-ttl go with
// -mint-token, -schema with -http.
func checkFlags(given map[string]bool, minting bool, o options) error {
	for _, name := range []string{"admin", "token-ttl"} {
		if given[name] && !minting {
			return fmt.Errorf("-%s goes with -mint-token only", name)
		}
	}
	if given["schema"] && o.addr == "" {
		return errors.New("-schema goes with -http only")
	}
	return nil
}

// adminGroup is the group whose members are admins.
func adminGroup(getenv func(string) string) string {
	if g := getenv("ADMIN_GROUP"); g != "" {
		return g
	}
	return "admin"
}

// mintToken prints a local token for email.
func mintToken(w io.Writer, getenv func(string) string, email string, admin bool, ttl time.Duration) error {
	if ttl <= 0 {
		return fmt.Errorf("-token-ttl %v: a token must be valid for some time", ttl)
	}
	key, err := newTokenKey(getenv(TokenSecretEnv))
	if err != nil {
		return err
	}
	var groups []string
	if admin {
		groups = []string{adminGroup(getenv)}
	}
	token, err := key.mint(email, groups, time.Now(), ttl)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(w, token)
	return err
}

// run serves the API: as a Lambda function, once on an event, or over HTTP
// once the User table is there.
func run(ctx context.Context, log *slog.Logger, o options) error {
	if o.insecure && o.addr == "" {
		return errors.New("-insecure-no-auth goes with -http only")
	}
	if o.addr == "" && o.event == "" && o.getenv("AWS_LAMBDA_RUNTIME_API") == "" && o.getenv("_LAMBDA_SERVER_PORT") == "" {
		return errors.New("not running in AWS Lambda (AWS_LAMBDA_RUNTIME_API is not set): pass -http ADDR to serve over HTTP, -event FILE to handle one event, or -mint-token EMAIL for a local token (-h lists the flags)")
	}
	var auth localAuth
	if o.addr != "" {
		var err error
		if auth, err = newLocalAuth(log, o); err != nil {
			return err
		}
	}
	// Everything that can be made once is made once, per cold start: the
	// SDK's default configuration, $DYNAMODB_ENDPOINT when set, the cursor
	// secret.
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return fmt.Errorf("AWS configuration: %w", err)
	}
	client := dynamodb.NewFromConfig(cfg, dynamodel.WithEndpointFromEnv())
	secrets, err := cursorSecret(ctx, log, o.getenv, func() secretsClient { return secretsmanager.NewFromConfig(cfg) })
	if err != nil {
		return err
	}
	users, err := dynamodel.NewUserRepository(client, secrets.options)
	if err != nil {
		return err
	}
	api := NewAPI(users, log, adminGroup(o.getenv))

	switch {
	case o.event != "":
		return runEvent(ctx, api, o)
	case o.addr == "":
		lambda.Start(api.Handle)
		return nil
	}
	if err := createUserTable(ctx, client, o.schemaFile); err != nil {
		return err
	}
	log.Info("serving", "addr", o.addr)
	return newServer(o.addr, api.HTTPHandler(auth)).ListenAndServe()
}

// newLocalAuth checks local tokens with $LOCAL_TOKEN_SECRET, or, with
// -insecure-no-auth, not at all, which it logs loudly.
func newLocalAuth(log *slog.Logger, o options) (localAuth, error) {
	auth := localAuth{adminGroup: adminGroup(o.getenv), insecure: o.insecure}
	if o.insecure {
		log.Warn("INSECURE: -insecure-no-auth: every request is served as an admin's, with no check at all; never let anyone else reach this server")
		return auth, nil
	}
	key, err := newTokenKey(o.getenv(TokenSecretEnv))
	if err != nil {
		return auth, fmt.Errorf("-http checks local tokens: %w; or pass -insecure-no-auth to serve without checks", err)
	}
	auth.key = key
	return auth, nil
}

// runEvent runs the handler once on the event in o.event and prints the
// response as JSON.
func runEvent(ctx context.Context, api *API, o options) error {
	var data []byte
	var err error
	if o.event == "-" {
		data, err = io.ReadAll(o.stdin)
	} else {
		data, err = os.ReadFile(o.event)
	}
	if err != nil {
		return fmt.Errorf("-event: %w", err)
	}
	var e events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(data, &e); err != nil {
		return fmt.Errorf("-event %s: not an API Gateway payload 2.0 event: %w", o.event, err)
	}
	resp, err := api.Handle(ctx, e)
	if err != nil {
		return err
	}
	out, err := json.MarshalIndent(resp, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(o.stdout, "%s\n", out)
	return err
}

// createUserTable creates the User table from file, unless file is empty or
// the table exists. A file that is missing, malformed, or not the User
// table's is an error, so the server never starts only to answer 500.
func createUserTable(ctx context.Context, client *dynamodb.Client, file string) error {
	if file == "" {
		return nil
	}
	s, err := schema.Load(file)
	if err == nil && s.Name() != dynamodel.UserTable {
		err = fmt.Errorf("the file defines table %s, not %s", s.Name(), dynamodel.UserTable)
	}
	if err == nil {
		_, err = dynamodel.NewUserRepository(client, func(o *dynamodel.Options) { o.Schema = s })
	}
	if err != nil {
		return fmt.Errorf("-schema %s: %w (pass the User table's create-table JSON, e.g. testdata/create-user.json from the repository root, or -schema \"\" when the table exists)", file, err)
	}
	if _, err := s.Create(ctx, client); err != nil {
		return fmt.Errorf("create table %s: %w", s.Name(), err)
	}
	return nil
}
