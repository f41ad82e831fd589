package bench

import (
	"context"
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodel/dynamodel"
)

// PlainPhoto is a photo in a table of its own: keys are its fields.
type PlainPhoto struct {
	Username  string         `dynamodbav:"username" dynamodel:"hash"`
	Timestamp string         `dynamodbav:"timestamp" dynamodel:"range"`
	Location  string         `dynamodbav:"location"`
	Reactions map[string]int `dynamodbav:"reactions"`
}

// EntityPhoto is the same photo as an entity of a shared table: its keys
// PK=USER#<username> and SK=PHOTO#<username>#<timestamp> are rendered
// from its fields.
type EntityPhoto struct {
	Username  string         `dynamodbav:"username"`
	Timestamp string         `dynamodbav:"timestamp"`
	Location  string         `dynamodbav:"location"`
	Reactions map[string]int `dynamodbav:"reactions"`
}

var (
	samplePhoto = PlainPhoto{Username: "ada", Timestamp: "2019-03-02T09:11:30", Location: "https://photos.example/ada/1.jpg",
		Reactions: map[string]int{"heart": 3, "smiley": 0, "sunglasses": 1, "thumbsup": 7}}
	plainPhotoSink  PlainPhoto
	entityPhotoSink EntityPhoto
)

// itemAPI is a client that answers GetItem with a fixed item and PutItem
// with nothing, so a benchmark measures dynamodel's own work: encoding,
// keys and request building, decoding.
type itemAPI struct {
	dynamodel.API
	item map[string]types.AttributeValue
}

func (c itemAPI) GetItem(context.Context, *dynamodb.GetItemInput, ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	return &dynamodb.GetItemOutput{Item: c.item}, nil
}

func (c itemAPI) PutItem(context.Context, *dynamodb.PutItemInput, ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	return &dynamodb.PutItemOutput{}, nil
}

func plainPhotos(tb testing.TB) *dynamodel.Repository[PlainPhoto] {
	tb.Helper()
	item := sdkItem(map[string]types.AttributeValue{
		"username": &types.AttributeValueMemberS{Value: "ada"}, "timestamp": &types.AttributeValueMemberS{Value: samplePhoto.Timestamp},
		"location": &types.AttributeValueMemberS{Value: samplePhoto.Location}, "reactions": reactionsAV(),
	})
	r, err := dynamodel.NewRepository[PlainPhoto](itemAPI{item: item}, "photos")
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

func entityPhotos(tb testing.TB) *dynamodel.Entity[EntityPhoto] {
	tb.Helper()
	item := sdkItem(map[string]types.AttributeValue{
		"PK": &types.AttributeValueMemberS{Value: "USER#ada"}, "SK": &types.AttributeValueMemberS{Value: "PHOTO#ada#" + samplePhoto.Timestamp},
		"username": &types.AttributeValueMemberS{Value: "ada"}, "timestamp": &types.AttributeValueMemberS{Value: samplePhoto.Timestamp},
		"location": &types.AttributeValueMemberS{Value: samplePhoto.Location}, "reactions": reactionsAV(),
	})
	t, err := dynamodel.NewTable(itemAPI{item: item}, "quick-photos")
	if err != nil {
		tb.Fatal(err)
	}
	e, err := dynamodel.NewEntity[EntityPhoto](t, "Photo", dynamodel.Keys("USER#{username}", "PHOTO#{username}#{timestamp}"))
	if err != nil {
		tb.Fatal(err)
	}
	return e
}

func reactionsAV() types.AttributeValue {
	return &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
		"heart": &types.AttributeValueMemberN{Value: "3"}, "smiley": &types.AttributeValueMemberN{Value: "0"},
		"sunglasses": &types.AttributeValueMemberN{Value: "1"}, "thumbsup": &types.AttributeValueMemberN{Value: "7"}}}
}

// TestEntityBenchmarkAgrees: both implementations read the same photo.
func TestEntityBenchmarkAgrees(t *testing.T) {
	ctx := context.Background()
	p, err := plainPhotos(t).Get(ctx, dynamodel.Key{Hash: "ada", Range: samplePhoto.Timestamp})
	if err != nil || !reflect.DeepEqual(p, samplePhoto) {
		t.Fatalf("plain: %v %#v", err, p)
	}
	photos := entityPhotos(t)
	e, err := photos.Get(ctx, photos.Key("ada", samplePhoto.Timestamp))
	if err != nil || !reflect.DeepEqual(PlainPhoto(e), samplePhoto) {
		t.Fatalf("entity: %v %#v", err, e)
	}
	enc, err := photos.Encode(EntityPhoto(samplePhoto))
	if err != nil || len(enc) != 6 {
		t.Fatalf("entity encode: %v %v", err, enc)
	}
}

// BenchmarkEntityPut stores a photo: a plain Repository[T] against an
// entity whose keys are rendered from its fields (no SDK, no network).
func BenchmarkEntityPut(b *testing.B) {
	ctx := context.Background()
	b.Run("impl=repository", func(b *testing.B) {
		r := plainPhotos(b)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := r.Put(ctx, samplePhoto); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=entity", func(b *testing.B) {
		e := entityPhotos(b)
		p := EntityPhoto(samplePhoto)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := e.Put(ctx, p); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkEntityGet reads a photo: a plain Repository[T] against an
// entity that also recognises the item by its key.
func BenchmarkEntityGet(b *testing.B) {
	ctx := context.Background()
	b.Run("impl=repository", func(b *testing.B) {
		r := plainPhotos(b)
		key := dynamodel.Key{Hash: "ada", Range: samplePhoto.Timestamp}
		b.ReportAllocs()
		for b.Loop() {
			var err error
			if plainPhotoSink, err = r.Get(ctx, key); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=entity", func(b *testing.B) {
		e := entityPhotos(b)
		key := e.Key("ada", samplePhoto.Timestamp)
		b.ReportAllocs()
		for b.Loop() {
			var err error
			if entityPhotoSink, err = e.Get(ctx, key); err != nil {
				b.Fatal(err)
			}
		}
	})
}
