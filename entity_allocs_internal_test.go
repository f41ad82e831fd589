package dynamodel

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// TestEntityAllocations: an entity's Put allocates at most its two keys
// (the strings and their attribute values) more than the same struct's in
// a plain Repository, and its Get no more.
func TestEntityAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	type plainPhoto struct {
		Username  string `dynamodbav:"username" dynamodel:"hash"`
		Timestamp string `dynamodbav:"timestamp" dynamodel:"range"`
		Location  string `dynamodbav:"location"`
	}
	type photo struct {
		Username  string `dynamodbav:"username"`
		Timestamp string `dynamodbav:"timestamp"`
		Location  string `dynamodbav:"location"`
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
	if entityPut > plainPut+4 {
		t.Errorf("entity Put: %v allocations, want at most %v", entityPut, plainPut+4)
	}
	if entityGet > plainGet {
		t.Errorf("entity Get: %v allocations, want at most %v", entityGet, plainGet)
	}
}
