package dynamodel

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// A cursor is an opaque string for API clients: where a query or scan
// stopped (DynamoDB's LastEvaluatedKey), which table, index and kind of read
// it belongs to, and a MAC over all of it. With Options.CursorSecret the MAC
// is keyed by that secret, so cursors cannot be forged; without one it still
// catches any edit made without dynamodel's code.
type cursor struct {
	Kind  string              `json:"o"`           // "query" or "scan"
	Table string              `json:"t"`           // the table
	Index string              `json:"i,omitempty"` // the index, if any
	Key   map[string][]string `json:"k"`           // attribute -> [type, value]; B values in base64
}

const macSize = 16

// cursorMAC computes the MAC of a cursor body.
func cursorMAC(secret, body []byte) []byte {
	if len(secret) == 0 {
		secret = []byte("dynamodel cursor v1")
	}
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return m.Sum(nil)[:macSize]
}

// encodeCursor turns LastEvaluatedKey into a cursor string ("" for none).
func encodeCursor(secret []byte, kind, table, index string, lek map[string]types.AttributeValue) (string, error) {
	if len(lek) == 0 {
		return "", nil
	}
	c := cursor{Kind: kind, Table: table, Index: index, Key: make(map[string][]string, len(lek))}
	for name, av := range lek {
		switch v := av.(type) {
		case *types.AttributeValueMemberS:
			c.Key[name] = []string{"S", v.Value}
		case *types.AttributeValueMemberN:
			c.Key[name] = []string{"N", v.Value}
		case *types.AttributeValueMemberB:
			c.Key[name] = []string{"B", base64.StdEncoding.EncodeToString(v.Value)}
		default:
			return "", fmt.Errorf("dynamodel: cursor: key attribute %q is %s, not a key type", name, avType(av))
		}
	}
	body, err := json.Marshal(c)
	if err != nil {
		return "", err
	}
	enc := base64.RawURLEncoding
	return enc.EncodeToString(body) + "." + enc.EncodeToString(cursorMAC(secret, body)), nil
}

// decodeCursor checks a cursor and returns its ExclusiveStartKey. The
// cursor must be unaltered and belong to the same kind of read on the same
// table and index, and hold the table's key attributes.
func decodeCursor(secret []byte, s, kind, table, index string, m *Model) (map[string]types.AttributeValue, error) {
	fail := func(format string, args ...any) (map[string]types.AttributeValue, error) {
		return nil, fmt.Errorf("%w: %s", ErrInvalidCursor, fmt.Sprintf(format, args...))
	}
	enc := base64.RawURLEncoding
	bodyPart, macPart, ok := strings.Cut(s, ".")
	body, err1 := enc.DecodeString(bodyPart)
	mac, err2 := enc.DecodeString(macPart)
	if !ok || err1 != nil || err2 != nil {
		return fail("not a dynamodel cursor")
	}
	if !hmac.Equal(mac, cursorMAC(secret, body)) {
		return fail("it was altered, or made with another CursorSecret")
	}
	var c cursor
	if err := json.Unmarshal(body, &c); err != nil {
		return fail("not a dynamodel cursor")
	}
	where := func(kind, table, index string) string {
		if index == "" {
			return fmt.Sprintf("a %s of table %s", kind, table)
		}
		return fmt.Sprintf("a %s of index %s of table %s", kind, index, table)
	}
	if c.Kind != kind || c.Table != table || c.Index != index {
		return fail("it belongs to %s, not %s", where(c.Kind, c.Table, c.Index), where(kind, table, index))
	}
	key := make(map[string]types.AttributeValue, len(c.Key))
	for name, tv := range c.Key {
		if len(tv) != 2 {
			return fail("malformed key")
		}
		switch tv[0] {
		case "S":
			key[name] = &types.AttributeValueMemberS{Value: tv[1]}
		case "N":
			key[name] = &types.AttributeValueMemberN{Value: tv[1]}
		case "B":
			b, err := base64.StdEncoding.DecodeString(tv[1])
			if err != nil {
				return fail("malformed key")
			}
			key[name] = &types.AttributeValueMemberB{Value: b}
		default:
			return fail("malformed key")
		}
	}
	if _, err := m.keyOfItem(key); err != nil {
		return fail("its key does not fit table %s: %v", table, err)
	}
	return key, nil
}
