// Command photos is the quick-photos app of AWS's tutorial "Design a
// database for a mobile app with Amazon DynamoDB", in its published
// single-table layout, on dynamodel entities: users, photos, reactions and
// friendships in the table quick-photos (keys PK and SK, and InvertedIndex,
// SK as its partition key and PK as its sort key), made from
// quick-photos.json.
//
//	go run ./examples/photos -endpoint http://localhost:8000 create-table
//	go run ./examples/photos -endpoint URL put-user ada "Ada Lovelace"
//	go run ./examples/photos -endpoint URL upload ada 2019-03-02T09:11:30 https://photos.example/1.jpg
//	go run ./examples/photos -endpoint URL user-photos ada 10
//
// Commands: create-table, put-user USERNAME NAME, get-user USERNAME,
// upload USERNAME TIMESTAMP URL, user-photos USERNAME [LIMIT] (1 to 1000,
// default 10),
// react USERNAME OWNER TIMESTAMP TYPE, photo-reactions OWNER TIMESTAMP,
// follow FOLLOWER FOLLOWED, followers USERNAME, following USERNAME.
// Reads print JSON with the attribute names as stored: get-user an
// object; user-photos an array of the user, then the photos newest first;
// photo-reactions an array of the photo, then its reactions; followers and
// following arrays of friendships. An error, and a refused write (a repeated
// reaction or follow, say), exit with status 1 and a one-line message.
//
// react and follow write in transactions, which dynalite does not have (it
// answers UnknownOperationException): run them against moto
// (make engine ENGINE=moto, from the clone), DynamoDB Local or AWS.
package main

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/schema"
)

//go:embed quick-photos.json
var createTableJSON []byte

func main() {
	endpoint := flag.String("endpoint", "", "DynamoDB endpoint URL (default: $DYNAMODB_ENDPOINT, else AWS)")
	table := flag.String("table", "quick-photos", "table name")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: photos [-endpoint URL] [-table NAME] COMMAND ARGS...\n%s\n", usage)
		flag.PrintDefaults()
	}
	flag.Parse()

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := start(ctx, *endpoint, *table, flag.Args(), os.Stdout)
	cancel()
	if err != nil {
		fmt.Fprintln(os.Stderr, "photos: "+err.Error())
		os.Exit(1)
	}
}

func start(ctx context.Context, endpoint, table string, args []string, stdout io.Writer) error {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return err
	}
	opt := dynamodel.WithEndpointFromEnv()
	if endpoint != "" {
		opt = dynamodel.WithEndpoint(endpoint)
	}
	a, err := newApp(dynamodb.NewFromConfig(cfg, opt), table, time.Now)
	if err != nil {
		return err
	}
	return a.run(ctx, args, stdout)
}

const usage = `commands:
  create-table
  put-user USERNAME NAME
  get-user USERNAME
  upload USERNAME TIMESTAMP URL
  user-photos USERNAME [LIMIT]
  react USERNAME OWNER TIMESTAMP TYPE
  photo-reactions OWNER TIMESTAMP
  follow FOLLOWER FOLLOWED
  followers USERNAME
  following USERNAME`

// maxLimit is the most photos user-photos reads (its query asks for one
// item more, the user's).
const maxLimit = 1000

// errUsage is a command line that names no command, or gives it the
// wrong arguments.
var errUsage = errors.New("usage")

// run runs one command, printing what a read finds to stdout.
func (a *app) run(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: no command (one of create-table, put-user, get-user, upload, user-photos, react, photo-reactions, follow, followers, following)", errUsage)
	}
	cmd, args := args[0], args[1:]
	want := func(n int, names string) error {
		if len(args) != n {
			return fmt.Errorf("%w: %s %s", errUsage, cmd, names)
		}
		return nil
	}
	print := func(v any, err error) error {
		if err != nil {
			return err
		}
		return json.NewEncoder(stdout).Encode(v)
	}
	switch cmd {
	case "create-table":
		if err := want(0, ""); err != nil {
			return err
		}
		prefix, ok := strings.CutSuffix(a.table.Name(), a.schema.Name())
		if !ok {
			return fmt.Errorf("%w: create-table makes a table named %s, or with a prefix to it: not %s", errUsage, a.schema.Name(), a.table.Name())
		}
		created, err := a.schema.Create(ctx, a.client, func(o *schema.Options) { o.TablePrefix = prefix })
		if err == nil {
			fmt.Fprintf(stdout, "table %s: %s\n", a.table.Name(), map[bool]string{true: "created", false: "already there"}[created])
		}
		return err
	case "put-user":
		if err := want(2, "USERNAME NAME"); err != nil {
			return err
		}
		_, err := a.putUser(ctx, args[0], args[1])
		return err
	case "get-user":
		if err := want(1, "USERNAME"); err != nil {
			return err
		}
		u, found, err := a.users.Lookup(ctx, args[0])
		if err == nil && !found {
			err = notThere(nil, "user %s", args[0])
		}
		return print(u, err)
	case "upload":
		if err := want(3, "USERNAME TIMESTAMP URL"); err != nil {
			return err
		}
		_, err := a.upload(ctx, args[0], args[1], args[2])
		return err
	case "user-photos":
		limit := 10
		if len(args) == 2 {
			n, err := strconv.Atoi(args[1])
			if err != nil || n < 1 || n > maxLimit {
				return fmt.Errorf("%w: user-photos USERNAME [LIMIT]: LIMIT %q is not a number from 1 to %d", errUsage, args[1], maxLimit)
			}
			limit, args = n, args[:1]
		}
		if err := want(1, "USERNAME [LIMIT]"); err != nil {
			return err
		}
		u, photos, err := a.userPhotos(ctx, args[0], limit)
		out := []any{u}
		for _, p := range photos {
			out = append(out, p)
		}
		return print(out, err)
	case "react":
		if err := want(4, "USERNAME OWNER TIMESTAMP TYPE"); err != nil {
			return err
		}
		return a.react(ctx, args[0], args[1], args[2], args[3])
	case "photo-reactions":
		if err := want(2, "OWNER TIMESTAMP"); err != nil {
			return err
		}
		p, reactions, err := a.photoReactions(ctx, args[0], args[1])
		out := []any{p}
		for _, r := range reactions {
			out = append(out, r)
		}
		return print(out, err)
	case "follow":
		if err := want(2, "FOLLOWER FOLLOWED"); err != nil {
			return err
		}
		return a.follow(ctx, args[0], args[1])
	case "followers", "following":
		if err := want(1, "USERNAME"); err != nil {
			return err
		}
		read := a.followers
		if cmd == "following" {
			read = a.following
		}
		fs, err := read(ctx, args[0])
		if fs == nil {
			fs = []Friendship{}
		}
		return print(fs, err)
	}
	return fmt.Errorf("%w: unknown command %q", errUsage, cmd)
}
