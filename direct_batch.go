package dynamodel

import (
	"context"
	"encoding/binary"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodel/dynamodel/codec"
	"github.com/dynamodel/dynamodel/internal/attr"
	"github.com/dynamodel/dynamodel/internal/wire"
)

// batchSink decodes the items of a BatchGetItem response on the direct
// path (direct.go): "Responses": {"<table>": [items]}, the one table
// BatchGet asks. Each item is matched to the key asked for by its key
// attributes as the response spells them (type and text), read from its
// own bytes: the match BatchGet makes from the SDK's attribute values
// (itemKey.String tells keys apart by the same type and text). A response
// it does not take (an item without a key attribute, a binary key,
// another table) goes to the SDK whole. Its items are set only when it
// took the response, and are the last response's.
type batchSink[T any] struct {
	sinkContext
	table    string
	keyNames []string       // the model's key attributes
	index    map[string]int // the keys asked for (keyText), to their positions
	items    []T
	at       []int // where each item's key is in the call's keys; -1 for none
	took     bool
}

// keyText appends to b the key attributes' types and texts, in the order
// of names, each as its type (S or N), its length and its text; ok is
// false for a key that has another type or misses one.
func keyText(b []byte, names []string, k itemKey) ([]byte, bool) {
	for _, name := range names {
		switch v := k[name].(type) {
		case *types.AttributeValueMemberS:
			b = appendKeyPart(b, 'S', v.Value)
		case *types.AttributeValueMemberN:
			b = appendKeyPart(b, 'N', attr.CanonicalNumber(v.Value))
		default:
			return b, false
		}
	}
	return b, true
}

func appendKeyPart[S string | []byte](b []byte, kind byte, text S) []byte {
	b = append(b, kind)
	b = binary.AppendUvarint(b, uint64(len(text)))
	return append(b, text...)
}

// batchKeys returns the keys of a BatchGet, by keyText, to their
// positions; ok is false when a key has another type than S and N.
func batchKeys(names []string, keys []map[string]types.AttributeValue) (map[string]int, bool) {
	index := make(map[string]int, len(keys))
	var b []byte
	for i, k := range keys {
		var ok bool
		if b, ok = keyText(b[:0], names, k); !ok {
			return nil, false
		}
		index[string(b)] = i
	}
	return index, true
}

func (p *batchSink[T]) withParent(ctx context.Context) context.Context {
	p.sinkContext = sinkContext{ctx, p}
	return &p.sinkContext
}

func (p *batchSink[T]) take(body []byte) ([]byte, bool) {
	p.items, p.at, p.took = nil, nil, false
	rest, ok := splice(body, "Responses", p.responses)
	if !ok {
		p.items, p.at = nil, nil
		return nil, false
	}
	p.took = true
	return rest, true
}

// responses reads the value of "Responses": an object with the table's
// items, or no member at all.
func (p *batchSink[T]) responses(data []byte, _ int) (int, bool) {
	s := wire.New(data)
	if !s.Byte('{') {
		return 0, false
	}
	if s.Byte('}') {
		return s.Pos(), true
	}
	var scratch []byte
	name, ok := s.Key(&scratch)
	if !ok || string(name) != p.table {
		return 0, false
	}
	s.Peek()
	start := s.Pos()
	at, ok := p.positions(data[start:])
	if !ok {
		return 0, false
	}
	items, n, ok := codec.For[T]().AppendJSON(make([]T, 0, len(at)), data[start:])
	if !ok || len(items) != len(at) {
		return 0, false
	}
	s.Advance(n)
	if !s.Byte('}') {
		return 0, false
	}
	p.items, p.at = items, at
	return s.Pos(), true
}

// positions reads an array of items and returns where each one's key is
// among the keys asked for (-1: not asked for).
func (p *batchSink[T]) positions(data []byte) ([]int, bool) {
	s := wire.New(data)
	if !s.Byte('[') {
		return nil, false
	}
	at := make([]int, 0, len(p.index))
	if s.Byte(']') {
		return at, true
	}
	var scratch, key []byte
	var parts [2][]byte // each key attribute's keyText, in the order of keyNames
	for {
		var seen [2]bool
		if !s.Byte('{') {
			return nil, false
		}
		if !s.Byte('}') {
			for {
				name, ok := s.Key(&scratch)
				if !ok {
					return nil, false
				}
				if j := p.keyName(name); j >= 0 {
					if seen[j] {
						return nil, false
					}
					if parts[j], ok = keyValue(&s, &scratch, parts[j][:0]); !ok {
						return nil, false
					}
					seen[j] = true
				} else if !s.Skip() {
					return nil, false
				}
				if s.Byte(',') {
					continue
				}
				if !s.Byte('}') {
					return nil, false
				}
				break
			}
		}
		key = key[:0]
		for j := range p.keyNames {
			if !seen[j] {
				return nil, false
			}
			key = append(key, parts[j]...)
		}
		i, ok := p.index[string(key)]
		if !ok {
			i = -1
		}
		at = append(at, i)
		if s.Byte(',') {
			continue
		}
		if !s.Byte(']') {
			return nil, false
		}
		return at, true
	}
}

// keyName returns which key attribute is named name, or -1.
func (p *batchSink[T]) keyName(name []byte) int {
	for j, k := range p.keyNames {
		if k == string(name) {
			return j
		}
	}
	return -1
}

// keyValue reads a key attribute's value, {"S": text} or {"N": text}, and
// appends its keyText to b.
func keyValue(s *wire.Scanner, scratch *[]byte, b []byte) ([]byte, bool) {
	if !s.Byte('{') {
		return b, false
	}
	kind, ok := s.Key(scratch)
	if !ok || len(kind) != 1 || (kind[0] != 'S' && kind[0] != 'N') {
		return b, false
	}
	k := kind[0]
	text, ok := s.String(scratch)
	if !ok || !s.Byte('}') {
		return b, false
	}
	if k == 'N' && !attr.PlainDecimal(text) {
		return appendKeyPart(b, k, attr.CanonicalNumber(string(text))), true
	}
	return appendKeyPart(b, k, text), true
}
