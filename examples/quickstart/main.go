// Command quickstart runs the seed's flow against DynamoDB, printing each
// step: it creates the User table from testdata/create-user.json, creates a
// user, reads it back, updates the last name, looks for a user who is not
// there, and deletes the user.
//
//	make example                                  # starts dynalite on :8000 when nothing answers there
//	DYNAMODB_ENDPOINT=http://localhost:8000 go run ./examples/quickstart
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/schema"
)

func main() {
	schemaFile := flag.String("schema", "testdata/create-user.json", "create-table JSON file of the User table")
	flag.Parse()
	log.SetFlags(0)

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := run(ctx, *schemaFile); err != nil {
		log.Fatalf("quickstart: %v", err)
	}
}

func run(ctx context.Context, schemaFile string) error {
	// The SDK's default configuration; with $DYNAMODB_ENDPOINT set, the
	// client talks to that engine instead, and a local engine gets a region
	// and placeholder credentials when none are configured.
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return err
	}
	client := dynamodb.NewFromConfig(cfg, dynamodel.WithEndpointFromEnv())
	fmt.Printf("endpoint: %s\n", endpointName())

	// 1. The table, from the same JSON file `aws dynamodb create-table --cli-input-json` takes.
	table, err := schema.Load(schemaFile)
	if err != nil {
		return err
	}
	created, err := table.Create(ctx, client)
	if err != nil {
		return err
	}
	fmt.Printf("1. table %s from %s: %s\n", table.Name(), schemaFile, map[bool]string{true: "created", false: "already there"}[created])

	users, err := dynamodel.NewUserRepository(client)
	if err != nil {
		return err
	}

	// 2. Create a user; Create never overwrites.
	ada := dynamodel.User{Email: "ada@example.com", FirstName: "Ada", LastName: "Byron"}
	if _, err := users.Create(ctx, ada); errors.Is(err, dynamodel.ErrAlreadyExists) {
		fmt.Printf("2. user %s was left by an earlier run; replacing it\n", ada.Email)
		if _, err := users.Put(ctx, ada); err != nil {
			return err
		}
	} else if err != nil {
		return err
	} else {
		fmt.Printf("2. created user %+v\n", ada)
	}

	// 3. Get it back: the seed's get_user.
	got, err := users.Get(ctx, ada.Email)
	if err != nil {
		return err
	}
	fmt.Printf("3. got user %+v (login id %s)\n", got, got.ID())

	// 4. Update the last name: the seed's prepare_user, then an update.
	upd, err := dynamodel.PrepareUpdate(dynamodel.UserChanges{LastName: dynamodel.Some("Lovelace")})
	if err != nil {
		return err
	}
	updated, err := users.Update(ctx, ada.Email, upd)
	if err != nil {
		return err
	}
	fmt.Printf("4. updated last name: %+v\n", updated)

	// 5. A user who is not there is not found, not an error.
	missing, found, err := users.Lookup(ctx, "nobody@example.com")
	if err != nil {
		return err
	}
	fmt.Printf("5. user nobody@example.com: %v\n", userOrNil(missing, found))

	// 6. Delete the user; with MustExist, a user who is not there is ErrNotFound.
	err = users.Delete(ctx, ada.Email, func(o *dynamodel.DeleteOptions) { o.MustExist = true })
	deleted := err == nil
	if err != nil && !errors.Is(err, dynamodel.ErrNotFound) {
		return err
	}
	after, found, err := users.Lookup(ctx, ada.Email)
	if err != nil {
		return err
	}
	fmt.Printf("6. deleted user %s: %v; now: %v\n", ada.Email, deleted, userOrNil(after, found))
	return nil
}

// userOrNil is what the seed's get_user returns: the user, or nil when
// there is none.
func userOrNil(u dynamodel.User, found bool) *dynamodel.User {
	if !found {
		return nil
	}
	return &u
}

func endpointName() string {
	if e := os.Getenv(dynamodel.EndpointEnv); e != "" {
		return e
	}
	return "AWS (DYNAMODB_ENDPOINT is not set)"
}
