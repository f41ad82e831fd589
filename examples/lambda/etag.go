package main

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodel/dynamodel"
)

// etag is the entity tag of a user: a hash of every attribute the user
// is stored with (as dynamodel stores it), each name and value written with
// its length in front, so two different stored users never share the input
// (joined with a separator instead, first "a\x00" with last "b" and first
// "a" with last "\x00b" would).
func etag(u dynamodel.User) string {
	item, err := attributevalue.MarshalMap(u)
	if err != nil { // a User of strings always encodes
		panic(err)
	}
	h := sha256.New()
	writeItem(h, item)
	return `"` + hex.EncodeToString(h.Sum(nil)[:16]) + `"`
}

// matches reports whether an If-Match header names tag: "*", or a list of
// tags one of which is tag. (Weak tags never match, as for If-Match.)
func matches(ifMatch, tag string) bool {
	for t := range strings.SplitSeq(ifMatch, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || t == tag {
			return true
		}
	}
	return false
}

// writeItem writes item's attributes in name order.
func writeItem(h hash.Hash, item map[string]types.AttributeValue) {
	names := make([]string, 0, len(item))
	for name := range item {
		names = append(names, name)
	}
	slices.Sort(names)
	writeLen(h, len(names))
	for _, name := range names {
		writeBytes(h, []byte(name))
		writeValue(h, item[name])
	}
}

// writeValue writes one attribute value: its type, then its content, every
// variable part with its length in front. Sets are written sorted, since
// DynamoDB keeps no order in them.
func writeValue(h hash.Hash, av types.AttributeValue) {
	strs := func(tag string, vs []string) {
		h.Write([]byte(tag))
		vs = slices.Sorted(slices.Values(vs))
		writeLen(h, len(vs))
		for _, v := range vs {
			writeBytes(h, []byte(v))
		}
	}
	switch v := av.(type) {
	case *types.AttributeValueMemberS:
		h.Write([]byte("S"))
		writeBytes(h, []byte(v.Value))
	case *types.AttributeValueMemberN:
		h.Write([]byte("N"))
		writeBytes(h, []byte(v.Value))
	case *types.AttributeValueMemberB:
		h.Write([]byte("B"))
		writeBytes(h, v.Value)
	case *types.AttributeValueMemberBOOL:
		h.Write([]byte{'T', boolByte(v.Value)})
	case *types.AttributeValueMemberNULL:
		h.Write([]byte("0"))
	case *types.AttributeValueMemberSS:
		strs("s", v.Value)
	case *types.AttributeValueMemberNS:
		strs("n", v.Value)
	case *types.AttributeValueMemberBS:
		bs := make([]string, len(v.Value))
		for i, b := range v.Value {
			bs[i] = string(b)
		}
		strs("b", bs)
	case *types.AttributeValueMemberL:
		h.Write([]byte("L"))
		writeLen(h, len(v.Value))
		for _, e := range v.Value {
			writeValue(h, e)
		}
	case *types.AttributeValueMemberM:
		h.Write([]byte("M"))
		writeItem(h, v.Value)
	}
}

func writeBytes(h hash.Hash, b []byte) {
	writeLen(h, len(b))
	h.Write(b)
}

func writeLen(h hash.Hash, n int) {
	h.Write(binary.AppendUvarint(nil, uint64(n)))
}

func boolByte(b bool) byte {
	if b {
		return 1
	}
	return 0
}
