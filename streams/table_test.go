package streams_test

import (
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/streams"
)

type (
	appUser struct {
		Username string `dynamodbav:"username"`
		Name     string `dynamodbav:"name"`
	}
	appPhoto struct {
		Username  string `dynamodbav:"username"`
		Timestamp string `dynamodbav:"timestamp"`
		Location  string `dynamodbav:"location"`
	}
)

func photosTable(t *testing.T, optFns ...func(*dynamodel.TableOptions)) (*dynamodel.Table, *dynamodel.Entity[appUser], *dynamodel.Entity[appPhoto]) {
	t.Helper()
	tbl, err := dynamodel.NewTable(dynamodb.New(dynamodb.Options{}), "quick-photos", optFns...)
	require.NoError(t, err)
	users, err := dynamodel.NewEntity[appUser](tbl, "User", dynamodel.Keys("USER#{username}", "#METADATA#{username}"))
	require.NoError(t, err)
	photos, err := dynamodel.NewEntity[appPhoto](tbl, "Photo", dynamodel.Keys("USER#{username}", "PHOTO#{username}#{timestamp}"))
	require.NoError(t, err)
	return tbl, users, photos
}

// TestDecodeTable decodes the records of one table's stream into the
// entity each key says it is, and leaves an item of no entity undecoded.
func TestDecodeTable(t *testing.T) {
	tbl, users, photos := photosTable(t)
	recs, err := streams.DecodeTable(tbl, load(t, "single-table-events.json"))
	require.NoError(t, err)
	require.Len(t, recs, 4)

	p, ok := dynamodel.As(photos, *recs[0].New)
	require.True(t, ok)
	assert.Equal(t, appPhoto{Username: "ada", Timestamp: "2019-03-02T09:11:30", Location: "https://photos.example/1.jpg"}, p)
	assert.Nil(t, recs[0].Old)
	_, ok = dynamodel.As(users, *recs[0].New)
	assert.False(t, ok, "never decoded as another entity")

	old, _ := dynamodel.As(users, *recs[1].Old)
	updated, ok := dynamodel.As(users, *recs[1].New)
	require.True(t, ok)
	assert.Equal(t, "Ada Byron", old.Name)
	assert.Equal(t, "Ada Lovelace", updated.Name)
	assert.Equal(t, streams.Modify, recs[1].EventName)

	// A KEYS_ONLY record: the fields the key templates hold are set.
	k, ok := dynamodel.As(photos, recs[2].Keys)
	require.True(t, ok)
	assert.Equal(t, appPhoto{Username: "ada", Timestamp: "2019-01-01T00:00:00"}, k)
	assert.Nil(t, recs[2].New)

	assert.Equal(t, "", recs[3].New.Entity())
	assert.Equal(t, "of no entity", recs[3].New.Raw()["text"].(*types.AttributeValueMemberS).Value)
}

// TestDecodeTableWrongEntity: an image whose entity-type attribute names
// another entity than its key is an error, not a decoded item.
func TestDecodeTableWrongEntity(t *testing.T) {
	tbl, _, _ := photosTable(t, func(o *dynamodel.TableOptions) { o.EntityType = "_et" })
	e := load(t, "single-table-events.json")
	e.Records = e.Records[:1]
	e.Records[0].Change.NewImage["_et"] = events.NewStringAttribute("User")
	_, err := streams.DecodeTable(tbl, e)
	require.ErrorIs(t, err, dynamodel.ErrWrongEntity)
	assert.Contains(t, err.Error(), "record 0 (1): NewImage")
}

// TestDecodeTableForeignRecord: a record whose Keys lack the table's key
// attributes (PK, SK), a record of another table's stream, is an error
// wrapping ErrMalformedEvent, as with Decode, not an item of no entity.
func TestDecodeTableForeignRecord(t *testing.T) {
	tbl, _, _ := photosTable(t)
	e := load(t, "single-table-events.json")
	e.Records = e.Records[:1]
	email := events.NewStringAttribute("ada@example.com")
	e.Records[0].Change.Keys = map[string]events.DynamoDBAttributeValue{"email": email}
	e.Records[0].Change.NewImage = map[string]events.DynamoDBAttributeValue{"email": email}
	_, err := streams.DecodeTable(tbl, e)
	require.ErrorIs(t, err, streams.ErrMalformedEvent)
	assert.Contains(t, err.Error(), `"PK"`)
}
