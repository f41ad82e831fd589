package dynamodel_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/dynamotest"
	"github.com/dynamodel/dynamodel/internal/enginetest"
	"github.com/dynamodel/dynamodel/schema"
)

// The quick-photos entities, in the layout of AWS's tutorial "Design a
// database for a mobile app with Amazon DynamoDB": no key fields of their
// own, keys made by templates.
type (
	AppUser struct {
		Username  string `dynamodbav:"username"`
		Name      string `dynamodbav:"name"`
		Followers int    `dynamodbav:"followers"`
		Following int    `dynamodbav:"following"`
	}
	AppPhoto struct {
		Username  string         `dynamodbav:"username"`
		Timestamp string         `dynamodbav:"timestamp"`
		Location  string         `dynamodbav:"location"`
		Reactions map[string]int `dynamodbav:"reactions"`
	}
	AppReaction struct {
		ReactingUser string `dynamodbav:"reactingUser"`
		ReactionType string `dynamodbav:"reactionType"`
		Photo        string `dynamodbav:"photo"`
		Timestamp    string `dynamodbav:"timestamp"`
	}
	AppFollow struct {
		Followed  string `dynamodbav:"followedUser"`
		Following string `dynamodbav:"followingUser"`
		Timestamp string `dynamodbav:"timestamp"`
	}
)

// quickPhotos declares the tutorial's table and entities for db (a stub
// client when db is nil).
type quickPhotos struct {
	table     *dynamodel.Table
	users     *dynamodel.Entity[AppUser]
	photos    *dynamodel.Entity[AppPhoto]
	reactions *dynamodel.Entity[AppReaction]
	follows   *dynamodel.Entity[AppFollow]
}

func newQuickPhotos(t *testing.T, client dynamodel.API, table string, optFns ...func(*dynamodel.TableOptions)) quickPhotos {
	t.Helper()
	s, err := schema.Load("testdata/quick-photos.json")
	require.NoError(t, err)
	tbl, err := dynamodel.NewTable(client, table, append([]func(*dynamodel.TableOptions){func(o *dynamodel.TableOptions) { o.Schema = s }}, optFns...)...)
	require.NoError(t, err)
	q := quickPhotos{table: tbl}
	q.users, err = dynamodel.NewEntity[AppUser](tbl, "User", dynamodel.Keys("USER#{username}", "#METADATA#{username}"))
	require.NoError(t, err)
	q.photos, err = dynamodel.NewEntity[AppPhoto](tbl, "Photo", dynamodel.Keys("USER#{username}", "PHOTO#{username}#{timestamp}"))
	require.NoError(t, err)
	q.reactions, err = dynamodel.NewEntity[AppReaction](tbl, "Reaction", dynamodel.Keys("REACTION#{reactingUser}#{reactionType}", "{photo:raw}"))
	require.NoError(t, err)
	q.follows, err = dynamodel.NewEntity[AppFollow](tbl, "Friendship", dynamodel.Keys("USER#{followedUser}", "#FRIEND#{followingUser}"))
	require.NoError(t, err)
	return q
}

func quickPhotosEngine(t *testing.T, fn func(t *testing.T, db *dynamotest.DB, q quickPhotos)) {
	s, err := schema.Load("testdata/quick-photos.json")
	require.NoError(t, err)
	enginetest.Each(t, func(t *testing.T, db *dynamotest.DB) {
		fn(t, db, newQuickPhotos(t, db.Client, db.Table("quick-photos")))
	}, dynamotest.WithSchemas(s))
}

func rawItem(t *testing.T, db *dynamotest.DB, pk, sk string) map[string]types.AttributeValue {
	t.Helper()
	out, err := db.Client.GetItem(context.Background(), &dynamodb.GetItemInput{
		TableName: aws.String(db.Table("quick-photos")),
		Key:       map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: pk}, "SK": &types.AttributeValueMemberS{Value: sk}},
	})
	require.NoError(t, err)
	return out.Item
}

func s(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
func n(v string) types.AttributeValue { return &types.AttributeValueMemberN{Value: v} }

// TestEntityIntegration writes and reads the quick-photos entities: the
// items stored have the keys the templates make and T's attributes, and
// every read finds them by their own key fields.
func TestEntityIntegration(t *testing.T) {
	quickPhotosEngine(t, func(t *testing.T, db *dynamotest.DB, q quickPhotos) {
		ctx := ctxT(t)
		_, err := q.users.Create(ctx, AppUser{Username: "ada", Name: "Ada Lovelace"})
		require.NoError(t, err)
		assert.Equal(t, map[string]types.AttributeValue{
			"PK": s("USER#ada"), "SK": s("#METADATA#ada"),
			"username": s("ada"), "name": s("Ada Lovelace"), "followers": n("0"), "following": n("0"),
		}, rawItem(t, db, "USER#ada", "#METADATA#ada"))

		_, err = q.users.Create(ctx, AppUser{Username: "ada"})
		require.ErrorIs(t, err, dynamodel.ErrAlreadyExists)

		for _, ts := range []string{"2019-03-01T10:00:00", "2019-03-02T09:11:30", "2019-04-01T00:00:00"} {
			_, err := q.photos.Create(ctx, AppPhoto{Username: "ada", Timestamp: ts, Location: "https://photos.example/" + ts,
				Reactions: map[string]int{"heart": 0, "smiley": 0, "sunglasses": 0, "thumbsup": 0}})
			require.NoError(t, err)
		}
		_, err = q.follows.Create(ctx, AppFollow{Followed: "ada", Following: "bob", Timestamp: "2019-03-05T00:00:00"})
		require.NoError(t, err)

		u, err := q.users.Get(ctx, "ada", dynamodel.ConsistentRead)
		require.NoError(t, err)
		assert.Equal(t, AppUser{Username: "ada", Name: "Ada Lovelace"}, u)
		p, err := q.photos.Get(ctx, q.photos.Key("ada", "2019-03-02T09:11:30"), dynamodel.ConsistentRead)
		require.NoError(t, err)
		assert.Equal(t, "https://photos.example/2019-03-02T09:11:30", p.Location)
		_, err = q.photos.Get(ctx, AppPhoto{Username: "ada", Timestamp: "2019-03-02T09:11:30"}, dynamodel.ConsistentRead)
		require.NoError(t, err)
		_, found, err := q.photos.Lookup(ctx, q.photos.Key("ada", "1999"), dynamodel.ConsistentRead)
		require.NoError(t, err)
		assert.False(t, found)

		// A query of one entity keeps to its own sort keys: the user's
		// partition also holds the user and a friendship.
		var stamps []string
		for p, err := range q.photos.Query(ctx, q.photos.Partition("ada"), dynamodel.ConsistentRead) {
			require.NoError(t, err)
			stamps = append(stamps, p.Timestamp)
		}
		assert.Equal(t, []string{"2019-03-01T10:00:00", "2019-03-02T09:11:30", "2019-04-01T00:00:00"}, stamps)
		march, err := dynamodel.Collect(q.photos.Query(ctx, q.photos.Partition("ada").SortBeginsWith("2019-03"), dynamodel.ConsistentRead), 0)
		require.NoError(t, err)
		assert.Len(t, march, 2)
		later, err := dynamodel.Collect(q.photos.Query(ctx, q.photos.Partition("ada").SortGreater("2019-03-01T10:00:00"), dynamodel.ConsistentRead), 0)
		require.NoError(t, err)
		assert.Len(t, later, 2, "the photos after the first")
		n, err := q.photos.QueryCount(ctx, q.photos.Partition("ada"), dynamodel.ConsistentRead)
		require.NoError(t, err)
		assert.Equal(t, 3, n)

		// The users ada is followed by, and (inverted index) whom bob follows.
		followers, err := dynamodel.Collect(q.follows.Query(ctx, q.follows.Partition("ada"), dynamodel.ConsistentRead), 0)
		require.NoError(t, err)
		assert.Equal(t, []AppFollow{{Followed: "ada", Following: "bob", Timestamp: "2019-03-05T00:00:00"}}, followers)
		following, err := dynamodel.Collect(q.follows.Query(ctx, q.follows.IndexPartition("InvertedIndex", "bob")), 0)
		require.NoError(t, err)
		assert.Equal(t, followers, following)

		// A scan of one entity passes over the others, counting them.
		page, err := q.photos.ScanPage(ctx, dynamodel.ConsistentRead)
		require.NoError(t, err)
		assert.Len(t, page.Items, 3)
		assert.Equal(t, 2, page.Skipped, "the user and the friendship")
		// The iterators count what they pass over in Capacity.
		for _, segments := range []int{1, 3} {
			var c dynamodel.Capacity
			all, err := dynamodel.Collect(q.photos.Scan(ctx, dynamodel.ConsistentRead, func(o *dynamodel.ScanOptions) {
				o.Capacity, o.Segments = &c, segments
			}), 0)
			require.NoError(t, err)
			assert.Len(t, all, 3)
			assert.Equal(t, 2, c.Usage().Skipped, "%d segment(s): the user and the friendship", segments)
		}
		var qc dynamodel.Capacity
		_, err = dynamodel.Collect(q.photos.Query(ctx, dynamodel.Partition(q.photos.PartitionKey("ada")), dynamodel.ConsistentRead,
			func(o *dynamodel.QueryOptions) { o.Capacity = &qc }), 0)
		require.NoError(t, err)
		assert.Equal(t, 2, qc.Usage().Skipped, "the user and the friendship in ada's whole partition")

		// Table-level reads return whichever entity the key is.
		it, err := q.table.Get(ctx, dynamodel.Key{Hash: "USER#ada", Range: "#FRIEND#bob"}, dynamodel.ConsistentRead)
		require.NoError(t, err)
		assert.Equal(t, "Friendship", it.Entity())
		f, ok := dynamodel.As(q.follows, it)
		assert.True(t, ok)
		assert.Equal(t, "bob", f.Following)
		_, ok = dynamodel.As(q.users, it)
		assert.False(t, ok)

		// An entity's Get of a key holding another entity's item.
		_, err = q.users.Get(ctx, dynamodel.Key{Hash: "USER#ada", Range: "#FRIEND#bob"})
		require.ErrorIs(t, err, dynamodel.ErrInvalidKey, "a raw key that does not fit the templates is refused before any call")

		// Update and delete by key fields.
		u, err = q.users.Update(ctx, "ada", dynamodel.Increment("followers", 1))
		require.NoError(t, err)
		assert.Equal(t, 1, u.Followers)
		_, err = q.users.Update(ctx, "ada", dynamodel.Set("username", "eve"))
		require.ErrorIs(t, err, dynamodel.ErrInvalidUpdate, "a field of the primary key cannot change")
		deleted, err := q.table.Delete(ctx, q.photos.Key("ada", "2019-04-01T00:00:00"))
		require.NoError(t, err)
		assert.Equal(t, "Photo", deleted.Entity())
		require.NoError(t, q.follows.Delete(ctx, AppFollow{Followed: "ada", Following: "bob"}))
		assert.Nil(t, rawItem(t, db, "USER#ada", "#FRIEND#bob"))
	})
}

// TestEntityReadsOtherClientsItems reads items another client wrote in the
// same layout (no entity-type attribute), and reports an item of no
// declared entity instead of decoding it.
func TestEntityReadsOtherClientsItems(t *testing.T) {
	quickPhotosEngine(t, func(t *testing.T, db *dynamotest.DB, q quickPhotos) {
		ctx := ctxT(t)
		for _, item := range []map[string]types.AttributeValue{
			{"PK": s("USER#bob"), "SK": s("#METADATA#bob"), "username": s("bob"), "name": s("Bob"), "followers": n("3"), "following": n("1")},
			{"PK": s("USER#bob"), "SK": s("PHOTO#bob#2019-01-01T00:00:00"), "username": s("bob"), "timestamp": s("2019-01-01T00:00:00")},
			{"PK": s("USER#bob"), "SK": s("NOTE#1"), "text": s("not an entity")},
		} {
			_, err := db.Client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(db.Table("quick-photos")), Item: item})
			require.NoError(t, err)
		}
		u, err := q.users.Get(ctx, "bob", dynamodel.ConsistentRead)
		require.NoError(t, err)
		assert.Equal(t, AppUser{Username: "bob", Name: "Bob", Followers: 3, Following: 1}, u)

		it, err := q.table.Get(ctx, dynamodel.Key{Hash: "USER#bob", Range: "NOTE#1"}, dynamodel.ConsistentRead)
		require.ErrorIs(t, err, dynamodel.ErrWrongEntity)
		var we *dynamodel.WrongEntityError
		require.ErrorAs(t, err, &we)
		assert.Equal(t, "", we.Found)
		assert.Equal(t, "not an entity", it.Raw()["text"].(*types.AttributeValueMemberS).Value)

		var kinds []string
		for it, err := range q.table.Query(ctx, dynamodel.Partition(q.users.PartitionKey("bob")), dynamodel.ConsistentRead) {
			require.NoError(t, err)
			kinds = append(kinds, it.Entity())
		}
		assert.Equal(t, []string{"User", "", "Photo"}, kinds, "key order: #METADATA#, NOTE#, PHOTO#")
	})
}

// TestEntityDeclaration checks templates when an entity is declared.
func TestEntityDeclaration(t *testing.T) {
	q := newQuickPhotos(t, newStub(t), "quick-photos")
	for name, opt := range map[string]func(*dynamodel.EntityOptions){
		"collides with User":       dynamodel.Keys("USER#{username}", "#METADATA#{name}"),
		"unknown field":            dynamodel.Keys("USER#{nope}", "#X#{username}"),
		"no sort key":              dynamodel.Keys("X#{username}", ""),
		"number without format":    dynamodel.Keys("X#{username}", "N#{followers}"),
		"not separated":            dynamodel.Keys("X{username}", "N"),
		"index keyed by table key": dynamodel.IndexKeys("InvertedIndex", "A#{username}", "B"),
		"unknown index":            dynamodel.IndexKeys("GSI9", "A#{username}", "B"),
	} {
		_, err := dynamodel.NewEntity[AppUser](q.table, "Other", opt)
		require.Error(t, err, name)
		assert.ErrorIs(t, err, dynamodel.ErrInvalidModel, name)
	}
	// Of several bad templates, the one of the first key attribute in
	// sorted order (PK before SK) is reported, every time.
	for range 20 {
		_, err := dynamodel.NewEntity[AppUser](q.table, "Other", dynamodel.Keys("A#{nope}", "B#{alsoNope}"))
		var te *dynamodel.TemplateError
		require.ErrorAs(t, err, &te)
		require.Equal(t, "A#{nope}", te.Template)
	}
	_, err := dynamodel.NewEntity[AppUser](q.table, "User", dynamodel.Keys("U2#{username}", "M"))
	assert.ErrorContains(t, err, "already has an entity User")
	type keyed struct {
		ID string `dynamodbav:"id" dynamodel:"hash"`
	}
	_, err = dynamodel.NewEntity[keyed](q.table, "Keyed", dynamodel.Keys("K#{id}", "K"))
	assert.ErrorContains(t, err, "drop the tag")
	type clash struct {
		PK string `dynamodbav:"PK"`
	}
	_, err = dynamodel.NewEntity[clash](q.table, "Clash", dynamodel.Keys("C#{PK}", "C"))
	assert.ErrorContains(t, err, "keeps for keys")
	type dated struct {
		At time.Time `dynamodbav:"at"`
	}
	_, err = dynamodel.NewEntity[dated](q.table, "Dated", dynamodel.Keys("D:{at}", "D"), func(o *dynamodel.EntityOptions) { o.Separator = ':' })
	assert.ErrorIs(t, err, dynamodel.ErrInvalidModel)
	assert.ErrorContains(t, err, `renders the separator ":"`, "a time would read back as several fields")
	// A separator outside ASCII is one byte of a UTF-8 sequence, found in
	// other characters: '§' (0xA7) is the last byte of 'ç'.
	for _, sep := range []byte{'§', 0xC3, '{', '}'} {
		_, err = dynamodel.NewEntity[dated](q.table, "Sep", dynamodel.Keys("S"+string(rune(sep))+"{at}", "D"), func(o *dynamodel.EntityOptions) { o.Separator = sep })
		assert.ErrorIs(t, err, dynamodel.ErrInvalidModel)
		assert.ErrorContains(t, err, "must be an ASCII character other than a brace")
	}
	assert.Equal(t, []string{"User", "Photo", "Reaction", "Friendship"}, q.table.Entities())
}

// TestEntityBadFieldsBeforeCall refuses values that cannot go into a key,
// naming the field, with no call made (the stub fails on any).
func TestEntityBadFieldsBeforeCall(t *testing.T) {
	q := newQuickPhotos(t, newStub(t), "quick-photos")
	ctx := context.Background()
	_, err := q.users.Put(ctx, AppUser{Username: "a#b"})
	var kfe *dynamodel.KeyFieldError
	require.ErrorAs(t, err, &kfe)
	assert.Equal(t, "username", kfe.Field)
	assert.ErrorIs(t, err, dynamodel.ErrInvalidKey)
	assert.Contains(t, err.Error(), `field "username": the value "a#b" contains the separator "#"`)
	_, err = q.users.Put(ctx, AppUser{})
	require.ErrorAs(t, err, &kfe)
	assert.Contains(t, kfe.Reason, "a key field needs a value")
	_, err = q.photos.Get(ctx, q.photos.Key("ada"))
	assert.ErrorIs(t, err, dynamodel.ErrInvalidKey)
	_, err = q.photos.Get(ctx, "ada")
	assert.ErrorContains(t, err, "pass a dynamodel_test.AppPhoto")
	_, err = q.photos.Get(ctx, q.users.Key("ada"))
	assert.ErrorContains(t, err, "a key of entity User, not of Photo")
	// Entities of one name are told apart: by table, or as declarations.
	other := newQuickPhotos(t, newStub(t), "other-photos")
	_, err = q.users.Get(ctx, other.users.Key("ada"))
	assert.ErrorContains(t, err, "a key of entity User of table other-photos")
	again := newQuickPhotos(t, newStub(t), "quick-photos")
	_, err = q.users.Get(ctx, again.users.Key("ada"))
	assert.ErrorContains(t, err, "a key of entity User of another Table of table quick-photos")
	assert.ErrorIs(t, err, dynamodel.ErrInvalidKey)
	_, err = dynamodel.Collect(q.photos.Query(ctx, again.photos.Partition("ada")), 0)
	assert.ErrorContains(t, err, "a key condition of entity Photo, of another Table of table quick-photos")
	assert.ErrorIs(t, err, dynamodel.ErrInvalidQuery)
	_, err = q.table.Collection(dynamodel.On(other.photos, func(AppPhoto) error { return nil })).Query(ctx, q.photos.Partition("ada"))
	assert.ErrorContains(t, err, "entity Photo is of table other-photos, not of the collection's")
	_, err = q.table.Collection(dynamodel.On(again.photos, func(AppPhoto) error { return nil })).Query(ctx, q.photos.Partition("ada"))
	assert.ErrorContains(t, err, "entity Photo is of another Table of table quick-photos, not of the collection's")
	var op *dynamodel.OpError
	assert.ErrorAs(t, err, &op, "a Collection's errors are *OpErrors, as a Query's are")
	assert.ErrorIs(t, err, dynamodel.ErrInvalidQuery)
	_, err = dynamodel.Collect(q.photos.Query(ctx, q.photos.Partition("a#b")), 0)
	assert.ErrorIs(t, err, dynamodel.ErrInvalidKey)
	_, err = dynamodel.Collect(q.photos.Query(ctx, q.photos.Partition()), 0)
	assert.ErrorIs(t, err, dynamodel.ErrInvalidQuery)
	_, err = dynamodel.Collect(q.photos.Query(ctx, q.photos.Partition("ada"), func(o *dynamodel.QueryOptions) { o.Index = "X" }), 0)
	assert.ErrorIs(t, err, dynamodel.ErrInvalidQuery)
	_, err = q.table.Get(ctx, dynamodel.Key{Hash: q.users.PartitionKey("a#b"), Range: "x"})
	assert.ErrorIs(t, err, dynamodel.ErrInvalidKey)
	assert.Empty(t, newStub(t).Calls())
	assert.True(t, errors.Is(err, dynamodel.ErrInvalidKey))
	_ = time.Now
}

// TestEntityRangeOnUnorderedField: an inverted index makes the table's
// partition key a sort key, whose template may hold a number in decimal or
// a time layout out of order; a range condition on such a field is refused
// before any call (it would select by string order), equality is not.
func TestEntityRangeOnUnorderedField(t *testing.T) {
	type ticket struct {
		Number int       `dynamodbav:"number"`
		Day    time.Time `dynamodbav:"day"`
		Owner  string    `dynamodbav:"owner"`
	}
	stub := newStub(t)
	tbl, err := dynamodel.NewTable(stub, "tickets", func(o *dynamodel.TableOptions) {
		o.Indexes = []dynamodel.Index{{Name: "Inverted", PartitionKey: "SK", SortKey: "PK"}}
	})
	require.NoError(t, err)
	tickets, err := dynamodel.NewEntity[ticket](tbl, "Ticket", dynamodel.Keys("T#{number}#{day:02-01-2006}", "OWNER#{owner}"))
	require.NoError(t, err)
	ctx := context.Background()
	inv := tickets.IndexPartition("Inverted", "ada")
	for _, kc := range []dynamodel.KeyCondition{inv.SortGreater(5), inv.SortBetween(1, 10), inv.SortLess(5)} {
		_, err = dynamodel.Collect(tickets.Query(ctx, kc), 0)
		assert.ErrorIs(t, err, dynamodel.ErrInvalidQuery)
		assert.ErrorContains(t, err, `field "number" of PK's template "T#{number}#{day:02-01-2006}" does not sort as its values do`)
	}
	assert.Empty(t, stub.Calls())
}
