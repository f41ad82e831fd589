package bulk

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// TestLineAllocations: an export writes an item's line into a reused
// buffer with a reused encoder without allocating, whatever the item holds.
func TestLineAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	item := map[string]types.AttributeValue{
		"id":  &types.AttributeValueMemberS{Value: "a \"quoted\" id\n"},
		"n":   &types.AttributeValueMemberN{Value: "12.5"},
		"b":   &types.AttributeValueMemberB{Value: []byte{1, 2, 3}},
		"ss":  &types.AttributeValueMemberSS{Value: []string{"x", "y"}},
		"ns":  &types.AttributeValueMemberNS{Value: []string{"1"}},
		"bs":  &types.AttributeValueMemberBS{Value: [][]byte{{1}}},
		"ok":  &types.AttributeValueMemberBOOL{Value: true},
		"nul": &types.AttributeValueMemberNULL{Value: true},
		"l":   &types.AttributeValueMemberL{Value: []types.AttributeValue{&types.AttributeValueMemberS{Value: "é"}}},
		"m": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
			"z": &types.AttributeValueMemberS{Value: ""},
			"a": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{"k": &types.AttributeValueMemberN{Value: "1"}}},
		}},
	}
	var e lineEncoder
	buf, err := e.appendLine(nil, item)
	if err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(100, func() {
		buf, _ = e.appendLine(buf[:0], item)
	})
	if allocs != 0 {
		t.Errorf("appendLine allocated %v times per item, want 0", allocs)
	}
}
