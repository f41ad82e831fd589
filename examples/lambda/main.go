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
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/internal/awsenv"
	"github.com/dynamodel/dynamodel/schema"
)

func main() {
	addr := flag.String("http", "", "serve HTTP on this address instead of running as a Lambda function")
	schemaFile := flag.String("schema", "testdata/create-user.json", "with -http: create the User table from this file first")
	flag.Parse()
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))

	// Everything that can be made once is made once, per cold start.
	ctx := context.Background()
	client, err := awsenv.FromEnv(ctx) // the SDK's default configuration, and $DYNAMODB_ENDPOINT when set
	if err != nil {
		log.Error("AWS configuration", "err", err)
		os.Exit(1)
	}
	users, err := dynamodel.NewUserRepository(client)
	if err != nil {
		log.Error("repository", "err", err)
		os.Exit(1)
	}
	api := NewAPI(users, log)

	if *addr == "" {
		lambda.Start(api.Handle)
		return
	}
	if s, err := schema.Load(*schemaFile); err == nil {
		if _, err := s.Create(ctx, client); err != nil {
			log.Error("create table", "err", err)
			os.Exit(1)
		}
	}
	log.Info("serving", "addr", *addr)
	srv := &http.Server{Addr: *addr, Handler: api.HTTPHandler(), ReadHeaderTimeout: 10 * time.Second}
	if err := srv.ListenAndServe(); err != nil {
		log.Error("serve", "err", err)
		os.Exit(1)
	}
}
