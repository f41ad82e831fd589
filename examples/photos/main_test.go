package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel/dynamotest"
	"github.com/dynamodel/dynamodel/internal/enginetest"
	"github.com/dynamodel/dynamodel/schema"
)

// fixturesPython loads hand-written items in the tutorial's attribute
// names and formats with boto3, as the tutorial's own scripts load theirs.
const fixturesPython = `
import os, boto3
client = boto3.client("dynamodb", endpoint_url=os.environ["ENDPOINT"], region_name="us-east-1",
                      aws_access_key_id="local", aws_secret_access_key="local")
table = os.environ["TABLE"]
S = lambda v: {"S": v}
N = lambda v: {"N": str(v)}
items = [
    {"PK": S("USER#jacksonjason"), "SK": S("#METADATA#jacksonjason"), "username": S("jacksonjason"),
     "name": S("Jason Jackson"), "email": S("jjackson@example.com"), "birthdate": S("1971-01-02"),
     "address": S("2 Main St, Springfield"), "status": S("Busy"), "followers": N(2), "following": N(1)},
    {"PK": S("USER#jacksonjason"), "SK": S("PHOTO#jacksonjason#2018-05-30T15:42:38"), "username": S("jacksonjason"),
     "timestamp": S("2018-05-30T15:42:38"), "location": S("https://photos.example/jacksonjason/1.jpg"),
     "reactions": {"M": {"heart": N(1), "smiley": N(0), "sunglasses": N(0), "thumbsup": N(1)}}},
    {"PK": S("USER#jacksonjason"), "SK": S("PHOTO#jacksonjason#2018-06-09T13:49:13"), "username": S("jacksonjason"),
     "timestamp": S("2018-06-09T13:49:13"), "location": S("https://photos.example/jacksonjason/2.jpg"),
     "reactions": {"M": {"heart": N(0), "smiley": N(0), "sunglasses": N(0), "thumbsup": N(0)}}},
    {"PK": S("USER#jacksonjason"), "SK": S("PHOTO#jacksonjason#2018-08-12T06:17:52"), "username": S("jacksonjason"),
     "timestamp": S("2018-08-12T06:17:52"), "location": S("https://photos.example/jacksonjason/3.jpg"),
     "reactions": {"M": {"heart": N(0), "smiley": N(0), "sunglasses": N(0), "thumbsup": N(0)}}},
    {"PK": S("USER#jacksonjason"), "SK": S("#FRIEND#ogilbert"), "followedUser": S("jacksonjason"),
     "followingUser": S("ogilbert"), "timestamp": S("2018-04-20T16:03:57")},
    {"PK": S("USER#jacksonjason"), "SK": S("#FRIEND#kennedyheather"), "followedUser": S("jacksonjason"),
     "followingUser": S("kennedyheather"), "timestamp": S("2018-03-11T01:26:52")},
    {"PK": S("USER#ogilbert"), "SK": S("#METADATA#ogilbert"), "username": S("ogilbert"), "name": S("Olivia Gilbert"),
     "email": S("ogilbert@example.com"), "birthdate": S("1990-11-21"), "address": S("7 Elm St, Shelbyville"),
     "status": S("Away"), "followers": N(1), "following": N(1)},
    {"PK": S("USER#ogilbert"), "SK": S("#FRIEND#jacksonjason"), "followedUser": S("ogilbert"),
     "followingUser": S("jacksonjason"), "timestamp": S("2018-05-01T09:12:00")},
    {"PK": S("REACTION#ogilbert#heart"), "SK": S("PHOTO#jacksonjason#2018-05-30T15:42:38"), "reactingUser": S("ogilbert"),
     "reactionType": S("heart"), "photo": S("PHOTO#jacksonjason#2018-05-30T15:42:38"), "timestamp": S("2018-06-01T08:00:00")},
    {"PK": S("REACTION#kennedyheather#thumbsup"), "SK": S("PHOTO#jacksonjason#2018-05-30T15:42:38"),
     "reactingUser": S("kennedyheather"), "reactionType": S("thumbsup"),
     "photo": S("PHOTO#jacksonjason#2018-05-30T15:42:38"), "timestamp": S("2018-06-02T10:30:00")},
]
for item in items:
    client.put_item(TableName=table, Item=item)
`

// photosEngine runs fn on each engine with the quick-photos table made
// from the example's own create-table JSON.
func photosEngine(t *testing.T, fn func(t *testing.T, db *dynamotest.DB, a *app)) {
	s, err := schema.Parse("quick-photos.json", createTableJSON)
	require.NoError(t, err)
	enginetest.Each(t, func(t *testing.T, db *dynamotest.DB) {
		a, err := newApp(db.Client, db.Table("quick-photos"), func() time.Time { return time.Date(2026, 3, 1, 12, 0, 0, 123456000, time.UTC) })
		require.NoError(t, err)
		fn(t, db, a)
	}, dynamotest.WithSchemas(s))
}

// command runs one command line, returning what it printed.
func command(t *testing.T, a *app, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := a.run(ctx, args, &out)
	return out.String(), err
}

// read runs a read command, which must succeed, and decodes its JSON.
func read(t *testing.T, a *app, args ...string) any {
	t.Helper()
	out, err := command(t, a, args...)
	require.NoError(t, err, strings.Join(args, " "))
	var v any
	require.NoError(t, json.Unmarshal([]byte(out), &v), out)
	return v
}

func jsonOf(t *testing.T, s string) any {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal([]byte(s), &v), s)
	return v
}

// TestReadsTutorialItems loads the fixtures with boto3 and reads them back
// through every read command.
func TestReadsTutorialItems(t *testing.T) {
	python := enginetest.Python(t)
	photosEngine(t, func(t *testing.T, db *dynamotest.DB, a *app) {
		cmd := exec.Command(python, "-c", fixturesPython)
		cmd.Env = append(os.Environ(), "ENDPOINT="+db.Engine.Endpoint, "TABLE="+db.Table("quick-photos"))
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s", out)

		jason := `{"username":"jacksonjason","name":"Jason Jackson","email":"jjackson@example.com","birthdate":"1971-01-02",
			"address":"2 Main St, Springfield","status":"Busy","followers":2,"following":1}`
		photo := func(ts string, n int, heart, thumbs int) string {
			return fmt.Sprintf(`{"username":"jacksonjason","timestamp":%q,"location":"https://photos.example/jacksonjason/%d.jpg",
				"reactions":{"heart":%d,"smiley":0,"sunglasses":0,"thumbsup":%d}}`, ts, n, heart, thumbs)
		}
		p1, p2, p3 := photo("2018-05-30T15:42:38", 1, 1, 1), photo("2018-06-09T13:49:13", 2, 0, 0), photo("2018-08-12T06:17:52", 3, 0, 0)

		assert.Equal(t, jsonOf(t, jason), read(t, a, "get-user", "jacksonjason"))
		assert.Equal(t, jsonOf(t, "["+jason+","+p3+","+p2+","+p1+"]"), read(t, a, "user-photos", "jacksonjason"),
			"the user, then the photos newest first")
		assert.Equal(t, jsonOf(t, "["+jason+","+p3+","+p2+"]"), read(t, a, "user-photos", "jacksonjason", "2"),
			"the page ends before the user, who is read by key")
		assert.Equal(t, jsonOf(t, "["+p1+`,
			{"reactingUser":"kennedyheather","reactionType":"thumbsup","photo":"PHOTO#jacksonjason#2018-05-30T15:42:38","timestamp":"2018-06-02T10:30:00"},
			{"reactingUser":"ogilbert","reactionType":"heart","photo":"PHOTO#jacksonjason#2018-05-30T15:42:38","timestamp":"2018-06-01T08:00:00"}]`),
			read(t, a, "photo-reactions", "jacksonjason", "2018-05-30T15:42:38"))
		assert.Equal(t, jsonOf(t, `[
			{"followedUser":"jacksonjason","followingUser":"kennedyheather","timestamp":"2018-03-11T01:26:52"},
			{"followedUser":"jacksonjason","followingUser":"ogilbert","timestamp":"2018-04-20T16:03:57"}]`),
			read(t, a, "followers", "jacksonjason"))
		assert.Equal(t, jsonOf(t, `[{"followedUser":"ogilbert","followingUser":"jacksonjason","timestamp":"2018-05-01T09:12:00"}]`),
			read(t, a, "following", "jacksonjason"))
		assert.Equal(t, []any{}, read(t, a, "following", "nobody"))

		_, err = command(t, a, "get-user", "nobody")
		require.ErrorIs(t, err, errRefused)
		assert.Equal(t, `refused: user nobody is not there`, err.Error())
	})
}

// rawItem reads an item as stored.
func rawItem(t *testing.T, db *dynamotest.DB, pk, sk string) map[string]types.AttributeValue {
	t.Helper()
	out, err := db.Client.GetItem(context.Background(), &dynamodb.GetItemInput{
		TableName: aws.String(db.Table("quick-photos")), ConsistentRead: aws.Bool(true),
		Key: map[string]types.AttributeValue{"PK": s(pk), "SK": s(sk)},
	})
	require.NoError(t, err)
	return out.Item
}

func s(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
func n(v string) types.AttributeValue { return &types.AttributeValueMemberN{Value: v} }

func reactions(heart, smiley, sunglasses, thumbsup string) types.AttributeValue {
	return &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
		"heart": n(heart), "smiley": n(smiley), "sunglasses": n(sunglasses), "thumbsup": n(thumbsup)}}
}

// TestWritesTutorialItems runs the write commands; each item written
// equals, attribute for attribute, the item the tutorial's code writes.
func TestWritesTutorialItems(t *testing.T) {
	photosEngine(t, func(t *testing.T, db *dynamotest.DB, a *app) {
		for _, args := range [][]string{
			{"put-user", "ada", "Ada Byron"}, {"put-user", "ada", "Ada Lovelace"}, {"put-user", "bob", "Bob"},
			{"upload", "ada", "2019-03-02T09:11:30", "https://photos.example/ada/1.jpg"},
			{"upload", "ada", "2019-04-01T10:00:00", "https://photos.example/ada/2.jpg"},
		} {
			out, err := command(t, a, args...)
			require.NoError(t, err, args)
			assert.Empty(t, out)
		}
		assert.Equal(t, map[string]types.AttributeValue{
			"PK": s("USER#ada"), "SK": s("#METADATA#ada"), "username": s("ada"), "name": s("Ada Lovelace"),
			"followers": n("0"), "following": n("0"),
		}, rawItem(t, db, "USER#ada", "#METADATA#ada"), "created, then renamed")
		assert.Equal(t, map[string]types.AttributeValue{
			"PK": s("USER#ada"), "SK": s("PHOTO#ada#2019-03-02T09:11:30"), "username": s("ada"),
			"timestamp": s("2019-03-02T09:11:30"), "location": s("https://photos.example/ada/1.jpg"),
			"reactions": reactions("0", "0", "0", "0"),
		}, rawItem(t, db, "USER#ada", "PHOTO#ada#2019-03-02T09:11:30"))
		_, err := command(t, a, "upload", "ada", "2019-03-02T09:11:30", "https://photos.example/other.jpg")
		require.ErrorIs(t, err, errRefused, "a photo is not replaced")
		_, err = command(t, a, "upload", "nobody", "2019-03-02T09:11:30", "https://photos.example/x.jpg")
		require.ErrorIs(t, err, errRefused)

		_, err = command(t, a, "react", "bob", "ada", "2019-03-02T09:11:30", "love")
		require.ErrorIs(t, err, errRefused, "not one of the four types, before any call")

		// The transactional patterns (dynalite has no transactions).
		if db.Require(dynamotest.Transactions); t.Skipped() {
			return
		}
		_, err = command(t, a, "react", "bob", "ada", "2019-03-02T09:11:30", "heart")
		require.NoError(t, err)
		_, err = command(t, a, "react", "ada", "ada", "2019-03-02T09:11:30", "heart")
		require.NoError(t, err)
		assert.Equal(t, map[string]types.AttributeValue{
			"PK": s("REACTION#bob#heart"), "SK": s("PHOTO#ada#2019-03-02T09:11:30"), "reactingUser": s("bob"),
			"reactionType": s("heart"), "photo": s("PHOTO#ada#2019-03-02T09:11:30"), "timestamp": s("2026-03-01T12:00:00.123456"),
		}, rawItem(t, db, "REACTION#bob#heart", "PHOTO#ada#2019-03-02T09:11:30"))
		assert.Equal(t, reactions("2", "0", "0", "0"), rawItem(t, db, "USER#ada", "PHOTO#ada#2019-03-02T09:11:30")["reactions"])
		_, err = command(t, a, "react", "bob", "ada", "2019-03-02T09:11:30", "heart")
		require.ErrorIs(t, err, errRefused)
		assert.Equal(t, "refused: bob already reacted heart to ada's photo 2019-03-02T09:11:30", err.Error())
		_, err = command(t, a, "react", "bob", "ada", "2000-01-01T00:00:00", "smiley")
		require.ErrorIs(t, err, errRefused)
		assert.Nil(t, rawItem(t, db, "REACTION#bob#smiley", "PHOTO#ada#2000-01-01T00:00:00"), "no reaction to a missing photo")
		assert.Equal(t, reactions("2", "0", "0", "0"), rawItem(t, db, "USER#ada", "PHOTO#ada#2019-03-02T09:11:30")["reactions"])
		_, err = command(t, a, "react", "ghost", "ada", "2019-03-02T09:11:30", "heart")
		require.ErrorIs(t, err, errRefused, "a user who is not there cannot react")
		assert.Equal(t, "refused: user ghost is not there", err.Error())
		assert.Nil(t, rawItem(t, db, "REACTION#ghost#heart", "PHOTO#ada#2019-03-02T09:11:30"), "no reaction by a missing user")
		assert.Equal(t, reactions("2", "0", "0", "0"), rawItem(t, db, "USER#ada", "PHOTO#ada#2019-03-02T09:11:30")["reactions"], "not counted")

		_, err = command(t, a, "follow", "bob", "ada")
		require.NoError(t, err)
		assert.Equal(t, map[string]types.AttributeValue{
			"PK": s("USER#ada"), "SK": s("#FRIEND#bob"), "followedUser": s("ada"), "followingUser": s("bob"),
			"timestamp": s("2026-03-01T12:00:00.123456"),
		}, rawItem(t, db, "USER#ada", "#FRIEND#bob"))
		assert.Equal(t, n("1"), rawItem(t, db, "USER#ada", "#METADATA#ada")["followers"])
		assert.Equal(t, n("1"), rawItem(t, db, "USER#bob", "#METADATA#bob")["following"])
		_, err = command(t, a, "follow", "bob", "ada")
		require.ErrorIs(t, err, errRefused)
		assert.Equal(t, "refused: bob already follows ada", err.Error())
		assert.Equal(t, n("1"), rawItem(t, db, "USER#ada", "#METADATA#ada")["followers"], "counted once")
		_, err = command(t, a, "follow", "nobody", "ada")
		require.ErrorIs(t, err, errRefused)

		// The reads see the writes.
		assert.Equal(t, jsonOf(t, `[{"followedUser":"ada","followingUser":"bob","timestamp":"2026-03-01T12:00:00.123456"}]`), read(t, a, "following", "bob"))
		photos := read(t, a, "photo-reactions", "ada", "2019-03-02T09:11:30").([]any)
		assert.Len(t, photos, 3, "the photo and two reactions")
		assert.Len(t, read(t, a, "user-photos", "ada", "1").([]any), 2)
	})
}

// noClient is a client for tests that make no call.
type noClient struct{ client }

// TestCommandLine: usage errors before any call.
func TestCommandLine(t *testing.T) {
	a, err := newApp(noClient{}, "quick-photos", time.Now)
	require.NoError(t, err)
	for _, args := range [][]string{{}, {"nope"}, {"get-user"}, {"user-photos", "ada", "x"}, {"follow", "a"},
		{"user-photos", "ada", "0"}, {"user-photos", "ada", "1001"}, {"user-photos", "ada", "9223372036854775807"}} {
		_, err := command(t, a, args...)
		require.ErrorIs(t, err, errUsage, args)
		assert.NotContains(t, err.Error(), "\n")
	}
	b, err := newApp(noClient{}, "photos", time.Now)
	require.NoError(t, err)
	_, err = command(t, b, "create-table")
	require.ErrorIs(t, err, errUsage, "create-table makes quick-photos, with a prefix")
}
