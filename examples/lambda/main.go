// Command lambda is the seed's web app as an AWS Lambda function behind an
// API Gateway HTTP API (see API for the routes), keeping users in the User
// table with dynamodel.
//
// In Lambda (runtime provided.al2023, arm64; make lambda-zip builds
// dist/lambda.zip with the bootstrap binary):
//
//	GOOS=linux GOARCH=arm64 CGO_ENABLED=0 go build -tags lambda.norpc -o bootstrap ./examples/lambda
//
// On a laptop, as a plain HTTP server against a local engine:
//
//	DYNAMODB_ENDPOINT=http://localhost:8000 go run ./examples/lambda -http :8080
//	curl -X POST localhost:8080/users -d '{"email":"ada@example.com","first_name":"Ada"}'
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/schema"
)

func main() {
	addr := flag.String("http", "", "serve HTTP on this address instead of running as a Lambda function")
	schemaFile := flag.String("schema", "testdata/create-user.json", "with -http: create the User table from this file first (\"\": the table exists)")
	flag.Parse()
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))

	if err := run(context.Background(), log, *addr, *schemaFile); err != nil {
		log.Error("not serving", "err", err)
		os.Exit(1)
	}
}

// run serves the API: as a Lambda function, or with addr, over HTTP once
// the User table is there.
func run(ctx context.Context, log *slog.Logger, addr, schemaFile string) error {
	// Everything that can be made once is made once, per cold start: the
	// SDK's default configuration, and $DYNAMODB_ENDPOINT when set.
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return fmt.Errorf("AWS configuration: %w", err)
	}
	client := dynamodb.NewFromConfig(cfg, dynamodel.WithEndpointFromEnv())
	users, err := dynamodel.NewUserRepository(client)
	if err != nil {
		return err
	}
	api := NewAPI(users, log)

	if addr == "" {
		lambda.Start(api.Handle)
		return nil
	}
	if err := createUserTable(ctx, client, schemaFile); err != nil {
		return err
	}
	log.Info("serving", "addr", addr)
	srv := &http.Server{Addr: addr, Handler: api.HTTPHandler(), ReadHeaderTimeout: 10 * time.Second}
	return srv.ListenAndServe()
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
