package dynamodel

import (
	"bytes"
	"context"
	"fmt"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// plainPhoto and photo are one struct in a plain Repository and as an
// entity, for the allocation tests.
type (
	plainPhoto struct {
		Username  string `dynamodbav:"username" dynamodel:"hash"`
		Timestamp string `dynamodbav:"timestamp" dynamodel:"range"`
		Location  string `dynamodbav:"location"`
	}
	photo struct {
		Username  string `dynamodbav:"username"`
		Timestamp string `dynamodbav:"timestamp"`
		Location  string `dynamodbav:"location"`
	}
)

// TestEntityAllocations: an entity's Put allocates at most its two keys
// (the strings, and their attribute values in one allocation) more than
// the same struct's in a plain Repository, and its Get no more.
func TestEntityAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	s := func(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
	plainAPI := &fixedAPI{item: map[string]types.AttributeValue{"username": s("ada"), "timestamp": s("2019"), "location": s("x")}}
	entityAPI := &fixedAPI{item: map[string]types.AttributeValue{"PK": s("USER#ada"), "SK": s("PHOTO#ada#2019"),
		"username": s("ada"), "timestamp": s("2019"), "location": s("x")}}
	plain, err := NewRepository[plainPhoto](plainAPI, "photos")
	if err != nil {
		t.Fatal(err)
	}
	table, err := NewTable(entityAPI, "quick-photos")
	if err != nil {
		t.Fatal(err)
	}
	photos, err := NewEntity[photo](table, "Photo", Keys("USER#{username}", "PHOTO#{username}#{timestamp}"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	plainKey, key := Key{Hash: "ada", Range: "2019"}, photos.Key("ada", "2019")
	count := func(fn func() error) float64 {
		if err := fn(); err != nil {
			t.Fatal(err)
		}
		return testing.AllocsPerRun(100, func() { _ = fn() })
	}
	plainPut := count(func() error { _, err := plain.Put(ctx, plainPhoto{"ada", "2019", "x"}); return err })
	entityPut := count(func() error { _, err := photos.Put(ctx, photo{"ada", "2019", "x"}); return err })
	plainGet := count(func() error { _, err := plain.Get(ctx, plainKey); return err })
	entityGet := count(func() error { _, err := photos.Get(ctx, key); return err })
	t.Logf("Put: repository %v, entity %v allocations; Get: repository %v, entity %v", plainPut, entityPut, plainGet, entityGet)
	if entityPut > plainPut+3 {
		t.Errorf("entity Put: %v allocations, want at most %v", entityPut, plainPut+3)
	}
	if entityGet > plainGet {
		t.Errorf("entity Get: %v allocations, want at most %v", entityGet, plainGet)
	}
}

// stubTransport answers each operation with its body.
type stubTransport map[string][]byte

func (s stubTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	op := strings.TrimPrefix(req.Header.Get("X-Amz-Target"), "DynamoDB_20120810.")
	body := s[op]
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/x-amz-json-1.0"}},
		Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)), Request: req}, nil
}

func stubDynamoDB(rt http.RoundTripper) *dynamodb.Client {
	return dynamodb.New(dynamodb.Options{Region: "us-east-1", Credentials: aws.AnonymousCredentials{},
		BaseEndpoint: aws.String("http://stub.invalid"), HTTPClient: &http.Client{Transport: rt}, RetryMaxAttempts: 1})
}

// TestEntityDirectAllocations: on the direct read path an entity's Get
// allocates no more than the same struct's in a plain Repository; its
// QueryPage as many per item (pages of 10 and 100 items), and per page at
// most 2 more than the SDK's path saves a plain Repository (the view of an
// item's keys, and their bounds).
func TestEntityDirectAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	item := func(i int, keys bool) string {
		s := fmt.Sprintf(`{"username":{"S":"ada"},"timestamp":{"S":"2019-%04d"},"location":{"S":"loc%d"}`, i, i)
		if keys {
			s += fmt.Sprintf(`,"PK":{"S":"USER#ada"},"SK":{"S":"PHOTO#ada#2019-%04d"}`, i)
		}
		return s + "}"
	}
	page := func(n int, keys bool) []byte {
		items := make([]string, n)
		for i := range items {
			items[i] = item(i, keys)
		}
		return []byte(fmt.Sprintf(`{"Count":%d,"Items":[%s],"ScannedCount":%d}`, n, strings.Join(items, ","), n))
	}
	ctx := context.Background()
	count := func(fn func() (int, error)) float64 {
		t.Helper()
		if n, err := fn(); err != nil || n == 0 {
			t.Fatal(n, err)
		}
		return testing.AllocsPerRun(50, func() { _, _ = fn() })
	}
	// [path: direct, SDK][page of 10, 100]
	var plainGet, entityGet float64
	var plainPage, entityPage [2][2]float64
	for path, sdk := range []bool{false, true} {
		for i, n := range []int{10, 100} {
			plainRT := stubTransport{"GetItem": []byte(`{"Item":` + item(1, false) + `}`), "Query": page(n, false)}
			entityRT := stubTransport{"GetItem": []byte(`{"Item":` + item(1, true) + `}`), "Query": page(n, true)}
			plain, err := NewRepository[plainPhoto](stubDynamoDB(plainRT), "photos", func(o *Options) { o.DecodeWithSDK = sdk })
			if err != nil {
				t.Fatal(err)
			}
			table, err := NewTable(stubDynamoDB(entityRT), "quick-photos", func(o *TableOptions) { o.DecodeWithSDK = sdk })
			if err != nil {
				t.Fatal(err)
			}
			photos, err := NewEntity[photo](table, "Photo", Keys("USER#{username}", "PHOTO#{username}#{timestamp}"))
			if err != nil {
				t.Fatal(err)
			}
			if !sdk {
				plainKey, key := Key{Hash: "ada", Range: "2019"}, photos.Key("ada", "2019")
				plainGet = count(func() (int, error) { p, err := plain.Get(ctx, plainKey); return len(p.Location), err })
				entityGet = count(func() (int, error) { p, err := photos.Get(ctx, key); return len(p.Location), err })
			}
			plainPage[path][i] = count(func() (int, error) { p, err := plain.QueryPage(ctx, Partition("ada")); return len(p.Items), err })
			entityPage[path][i] = count(func() (int, error) {
				p, err := photos.QueryPage(ctx, photos.Partition("ada"))
				return len(p.Items), err
			})
		}
	}
	t.Logf("Get: repository %v, entity %v allocations; QueryPage of 10, 100 items [direct, SDK]: repository %v, entity %v", plainGet, entityGet, plainPage, entityPage)
	if entityGet > plainGet {
		t.Errorf("entity Get: %v allocations, want at most %v", entityGet, plainGet)
	}
	direct, sdk := 0, 1
	if perItem, plainPerItem := (entityPage[direct][1]-entityPage[direct][0])/90, (plainPage[direct][1]-plainPage[direct][0])/90; perItem > plainPerItem+0.02 {
		t.Errorf("entity QueryPage: %.2f allocations per item, want at most the repository's %.2f", perItem, plainPerItem)
	}
	saved, plainSaved := entityPage[sdk][0]-entityPage[direct][0], plainPage[sdk][0]-plainPage[direct][0]
	if saved < plainSaved-2 {
		t.Errorf("entity QueryPage of 10 items: the direct path saves %v allocations, want at least %v", saved, plainSaved-2)
	}
}
