package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/schema"
)

// The quick-photos entities, in the layout of AWS's tutorial "Design a
// database for a mobile app with Amazon DynamoDB". The structs have no key
// fields: PK and SK are made from their fields by the templates in newApp.
// No entity-type attribute: the items are exactly the tutorial's.
type (
	// User is a user profile: PK=USER#<username>, SK=#METADATA#<username>.
	User struct {
		Username  string `dynamodbav:"username" json:"username"`
		Name      string `dynamodbav:"name" json:"name"`
		Email     string `dynamodbav:"email,omitempty" json:"email,omitempty"`
		Birthdate string `dynamodbav:"birthdate,omitempty" json:"birthdate,omitempty"`
		Address   string `dynamodbav:"address,omitempty" json:"address,omitempty"`
		Status    string `dynamodbav:"status,omitempty" json:"status,omitempty"`
		Followers int    `dynamodbav:"followers" json:"followers"`
		Following int    `dynamodbav:"following" json:"following"`
	}
	// Photo is an uploaded photo: PK=USER#<username>,
	// SK=PHOTO#<username>#<timestamp>, with a count per reaction type.
	Photo struct {
		Username  string         `dynamodbav:"username" json:"username"`
		Timestamp string         `dynamodbav:"timestamp" json:"timestamp"`
		Location  string         `dynamodbav:"location" json:"location"`
		Reactions map[string]int `dynamodbav:"reactions" json:"reactions"`
	}
	// Reaction is one user's reaction of one type to a photo:
	// PK=REACTION#<reactingUser>#<reactionType>, SK=the photo's SK.
	Reaction struct {
		ReactingUser string `dynamodbav:"reactingUser" json:"reactingUser"`
		ReactionType string `dynamodbav:"reactionType" json:"reactionType"`
		Photo        string `dynamodbav:"photo" json:"photo"`
		Timestamp    string `dynamodbav:"timestamp" json:"timestamp"`
	}
	// Friendship is a follow: PK=USER#<followedUser>,
	// SK=#FRIEND#<followingUser>.
	Friendship struct {
		FollowedUser  string `dynamodbav:"followedUser" json:"followedUser"`
		FollowingUser string `dynamodbav:"followingUser" json:"followingUser"`
		Timestamp     string `dynamodbav:"timestamp" json:"timestamp"`
	}
)

// reactionTypes are the four reactions a photo counts.
var reactionTypes = []string{"heart", "smiley", "sunglasses", "thumbsup"}

// errRefused is a write the data refuses: a repeated reaction or follow, a
// user or photo that is not there, an unknown reaction type.
var errRefused = errors.New("refused")

// client is what the app calls: data operations, and CreateTable.
type client interface {
	dynamodel.API
	schema.API
}

// app holds the table and its entities.
type app struct {
	client     client
	schema     *schema.Table
	table      *dynamodel.Table
	users      *dynamodel.Entity[User]
	photos     *dynamodel.Entity[Photo]
	reactions  *dynamodel.Entity[Reaction]
	friendship *dynamodel.Entity[Friendship]
	now        func() time.Time
}

// newApp declares the table (named name, made from the tutorial's layout
// in quick-photos.json) and its entities. It makes no network call.
func newApp(c client, name string, now func() time.Time) (*app, error) {
	s, err := schema.Parse("quick-photos.json", createTableJSON)
	if err != nil {
		return nil, err
	}
	t, err := dynamodel.NewTable(c, name, func(o *dynamodel.TableOptions) { o.Schema = s })
	if err != nil {
		return nil, err
	}
	a := &app{client: c, schema: s, table: t, now: now}
	if a.users, err = dynamodel.NewEntity[User](t, "User", dynamodel.Keys("USER#{username}", "#METADATA#{username}")); err != nil {
		return nil, err
	}
	if a.photos, err = dynamodel.NewEntity[Photo](t, "Photo", dynamodel.Keys("USER#{username}", "PHOTO#{username}#{timestamp}")); err != nil {
		return nil, err
	}
	// The reaction's sort key is the photo's sort key, kept in "photo".
	if a.reactions, err = dynamodel.NewEntity[Reaction](t, "Reaction", dynamodel.Keys("REACTION#{reactingUser}#{reactionType}", "{photo:raw}")); err != nil {
		return nil, err
	}
	if a.friendship, err = dynamodel.NewEntity[Friendship](t, "Friendship", dynamodel.Keys("USER#{followedUser}", "#FRIEND#{followingUser}")); err != nil {
		return nil, err
	}
	return a, nil
}

// timestamp is the time now as the tutorial's code writes it (Python's
// datetime.isoformat(), to the microsecond), in UTC.
func (a *app) timestamp() string { return a.now().UTC().Format("2006-01-02T15:04:05.000000") }

// putUser creates a user with no followers, or renames one.
func (a *app) putUser(ctx context.Context, username, name string) (User, error) {
	u, err := a.users.Create(ctx, User{Username: username, Name: name})
	if errors.Is(err, dynamodel.ErrAlreadyExists) {
		return a.users.Update(ctx, username, dynamodel.Set("name", name))
	}
	return u, err
}

// upload stores a photo with every reaction count at zero.
func (a *app) upload(ctx context.Context, username, timestamp, url string) (Photo, error) {
	if _, found, err := a.users.Lookup(ctx, username); err != nil || !found {
		return Photo{}, notThere(err, "user %s", username)
	}
	p := Photo{Username: username, Timestamp: timestamp, Location: url, Reactions: map[string]int{}}
	for _, t := range reactionTypes {
		p.Reactions[t] = 0
	}
	p, err := a.photos.Create(ctx, p)
	if errors.Is(err, dynamodel.ErrAlreadyExists) {
		return p, fmt.Errorf("%w: %s already has a photo at %s", errRefused, username, timestamp)
	}
	return p, err
}

// userPhotos returns a user and their limit most recent photos, newest
// first, with one query: the range from the user's #METADATA# item to
// "PHOTO$" read backwards holds the photos, then the user. When the page
// ends before the user, the user is read by key.
func (a *app) userPhotos(ctx context.Context, username string, limit int) (User, []Photo, error) {
	var users []User
	var photos []Photo
	kc := dynamodel.Partition(a.users.PartitionKey(username)).SortBetween(a.users.SortKey(username), "PHOTO$")
	_, err := a.table.Collection(dynamodel.AppendTo(a.users, &users), dynamodel.AppendTo(a.photos, &photos)).
		Query(ctx, kc, func(o *dynamodel.QueryOptions) { o.Descending, o.Limit = true, limit+1 })
	if err != nil {
		return User{}, nil, err
	}
	if len(photos) > limit {
		photos = photos[:limit]
	}
	if len(users) == 1 {
		return users[0], photos, nil
	}
	u, found, err := a.users.Lookup(ctx, username)
	if err != nil || !found {
		return u, nil, notThere(err, "user %s", username)
	}
	return u, photos, nil
}

// react adds a user's reaction to a photo and counts it on the photo, in
// one transaction: the reaction only if the user has not reacted so yet,
// the count only if the photo is there, and both only if the reacting user
// is there.
func (a *app) react(ctx context.Context, username, owner, timestamp, reactionType string) error {
	if !isReactionType(reactionType) {
		return fmt.Errorf("%w: reaction type %q is not one of %v", errRefused, reactionType, reactionTypes)
	}
	photo := a.photos.SortKey(owner, timestamp)
	if err := photo.Err(); err != nil {
		return err
	}
	r := Reaction{ReactingUser: username, ReactionType: reactionType, Photo: photo.String(), Timestamp: a.timestamp()}
	err := dynamodel.TransactWrite(ctx, a.client, []dynamodel.TxAction{
		a.reactions.TxCreate(r),
		a.photos.TxUpdate(a.photos.Key(owner, timestamp), dynamodel.Increment(dynamodel.Path("reactions", reactionType), 1)),
		a.users.TxCheck(username, dynamodel.Exists("username")),
	})
	switch failedAction(err) {
	case 0:
		return fmt.Errorf("%w: %s already reacted %s to %s's photo %s", errRefused, username, reactionType, owner, timestamp)
	case 1:
		return fmt.Errorf("%w: %s has no photo %s", errRefused, owner, timestamp)
	case 2:
		return notThere(nil, "user %s", username)
	}
	return err
}

// photoReactions returns a photo and its reactions, with one query of the
// inverted index: the photo's sort key is the partition of both.
func (a *app) photoReactions(ctx context.Context, owner, timestamp string) (Photo, []Reaction, error) {
	var photos []Photo
	var reactions []Reaction
	kc := dynamodel.PartitionAttr("SK", a.photos.SortKey(owner, timestamp))
	_, err := a.table.Collection(dynamodel.AppendTo(a.photos, &photos), dynamodel.AppendTo(a.reactions, &reactions)).
		Query(ctx, kc, func(o *dynamodel.QueryOptions) { o.Index = "InvertedIndex" })
	if err != nil {
		return Photo{}, nil, err
	}
	if len(photos) == 0 {
		return Photo{}, nil, notThere(nil, "photo %s %s", owner, timestamp)
	}
	return photos[0], reactions, nil
}

// follow makes follower follow followed, in one transaction: the
// friendship only if it is new, and both users' counts.
func (a *app) follow(ctx context.Context, follower, followed string) error {
	if follower == followed {
		return fmt.Errorf("%w: %s cannot follow themself", errRefused, follower)
	}
	f := Friendship{FollowedUser: followed, FollowingUser: follower, Timestamp: a.timestamp()}
	err := dynamodel.TransactWrite(ctx, a.client, []dynamodel.TxAction{
		a.friendship.TxCreate(f),
		a.users.TxUpdate(followed, dynamodel.Increment("followers", 1)),
		a.users.TxUpdate(follower, dynamodel.Increment("following", 1)),
	})
	switch failedAction(err) {
	case 0:
		return fmt.Errorf("%w: %s already follows %s", errRefused, follower, followed)
	case 1:
		return notThere(nil, "user %s", followed)
	case 2:
		return notThere(nil, "user %s", follower)
	}
	return err
}

// followers returns the friendships of the users who follow username.
func (a *app) followers(ctx context.Context, username string) ([]Friendship, error) {
	return dynamodel.Collect(a.friendship.Query(ctx, a.friendship.Partition(username)), 0)
}

// following returns the friendships of the users username follows, from
// the inverted index.
func (a *app) following(ctx context.Context, username string) ([]Friendship, error) {
	return dynamodel.Collect(a.friendship.Query(ctx, a.friendship.IndexPartition("InvertedIndex", username)), 0)
}

func isReactionType(t string) bool {
	for _, r := range reactionTypes {
		if r == t {
			return true
		}
	}
	return false
}

// failedAction is the position of the first action whose condition
// failed in the transaction err canceled, or -1.
func failedAction(err error) int {
	var tce *dynamodel.TransactionCanceledError
	if errors.As(err, &tce) {
		for _, r := range tce.Failed() {
			if r.Code == "ConditionalCheckFailed" {
				return r.Index
			}
		}
	}
	return -1
}

// notThere is err, or errRefused naming what is not there.
func notThere(err error, format string, args ...any) error {
	if err != nil {
		return err
	}
	return fmt.Errorf("%w: "+format+" is not there", append([]any{errRefused}, args...)...)
}
