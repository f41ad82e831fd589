package dynamodel

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodel/dynamodel/codec"
	"github.com/dynamodel/dynamodel/internal/wire"
)

// batchSink decodes the items of a BatchGetItem response on the direct
// path (direct.go): "Responses": {"<table>": [items]}, the one table
// BatchGet asks. Each item is matched to the key asked for by its key
// attributes as the response spells them, read from its own bytes, so the
// match is the one BatchGet makes from the SDK's attribute values. A
// response it does not take (an item without a key attribute, a binary
// key, another table) goes to the SDK whole. Its items are set only when
// it took the response, and are the last response's.
type batchSink[T any] struct {
	sinkContext
	table    string
	keyNames []string       // the model's key attributes
	index    map[string]int // the keys asked for (itemKey.String), to their positions
	items    []T
	at       []int // where each item's key is in the call's keys; -1 for none
	took     bool
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
	var at []int
	if s.Byte(']') {
		return at, true
	}
	var scratch []byte
	key := make(itemKey, len(p.keyNames))
	for {
		clear(key)
		if !s.Byte('{') {
			return nil, false
		}
		if !s.Byte('}') {
			for {
				name, ok := s.Key(&scratch)
				if !ok {
					return nil, false
				}
				if a := p.keyName(name); a != "" {
					if _, twice := key[a]; twice {
						return nil, false
					}
					av, ok := keyValue(&s, &scratch)
					if !ok {
						return nil, false
					}
					key[a] = av
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
		if len(key) != len(p.keyNames) {
			return nil, false
		}
		i, ok := p.index[key.String()]
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

// keyName returns the key attribute named name, or "".
func (p *batchSink[T]) keyName(name []byte) string {
	for _, k := range p.keyNames {
		if k == string(name) {
			return k
		}
	}
	return ""
}

// keyValue reads a key attribute's value, {"S": text} or {"N": text}, as
// the SDK reads it.
func keyValue(s *wire.Scanner, scratch *[]byte) (types.AttributeValue, bool) {
	if !s.Byte('{') {
		return nil, false
	}
	kind, ok := s.Key(scratch)
	if !ok || len(kind) != 1 || (kind[0] != 'S' && kind[0] != 'N') {
		return nil, false
	}
	number := kind[0] == 'N'
	text, ok := s.String(scratch)
	if !ok || !s.Byte('}') {
		return nil, false
	}
	if number {
		return &types.AttributeValueMemberN{Value: string(text)}, true
	}
	return &types.AttributeValueMemberS{Value: string(text)}, true
}
