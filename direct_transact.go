package dynamodel

import (
	"context"

	"github.com/dynamodel/dynamodel/codec"
	"github.com/dynamodel/dynamodel/internal/wire"
)

// txGetSink decodes the items of a TransactGetItems response on the direct
// path (direct.go): "Responses": [{"Item": {...}}, {}, ...], one per read
// in order, each into its own read's type (TxGetItem.takeJSON). The reads
// keep what they decoded aside until the call succeeded (receiveTaken).
// A response it does not take (more responses than reads, a member other
// than "Item", an item a read does not take) goes to the SDK whole.
type txGetSink struct {
	sinkContext
	gets []TxGetAction
	took bool
}

func (p *txGetSink) withParent(ctx context.Context) context.Context {
	p.sinkContext = sinkContext{ctx, p}
	return &p.sinkContext
}

func (p *txGetSink) take(body []byte) ([]byte, bool) {
	p.took = false
	for _, g := range p.gets {
		g.takeJSON(nil)
	}
	rest, ok := splice(body, "Responses", p.responses)
	if !ok {
		for _, g := range p.gets {
			g.takeJSON(nil)
		}
		return nil, false
	}
	p.took = true
	return rest, true
}

// responses reads the array of responses, one per read.
func (p *txGetSink) responses(data []byte, _ int) (int, bool) {
	s := wire.New(data)
	if !s.Byte('[') {
		return 0, false
	}
	if s.Byte(']') {
		return s.Pos(), true
	}
	var scratch []byte
	for i := 0; ; i++ {
		if i >= len(p.gets) || !s.Byte('{') {
			return 0, false
		}
		if !s.Byte('}') {
			name, ok := s.Key(&scratch)
			if !ok || string(name) != "Item" {
				return 0, false
			}
			s.Peek()
			start := s.Pos()
			if !s.Skip() || !p.gets[i].takeJSON(data[start:s.Pos()]) || !s.Byte('}') {
				return 0, false
			}
		}
		if s.Byte(',') {
			continue
		}
		if !s.Byte(']') {
			return 0, false
		}
		return s.Pos(), true
	}
}

// takeJSON decodes the item of the read's response, in DynamoDB's JSON,
// and keeps it aside for receiveTaken. It reports false for an item it
// does not take, or when the read does not decode on the direct path. nil
// clears what it kept and reports whether the read decodes on the direct
// path.
func (g *TxGetItem[T]) takeJSON(item []byte) bool {
	var zero T
	g.taken, g.takenFound = zero, false
	if item == nil || !g.direct {
		return g.direct && item == nil
	}
	v, ok := codec.For[T]().DecodeJSON(item)
	if !ok {
		return false
	}
	g.taken, g.takenFound = v, true
	return true
}

// receiveTaken makes what takeJSON kept the read's result.
func (g *TxGetItem[T]) receiveTaken() {
	var zero T
	g.item, g.found = g.taken, g.takenFound
	g.taken, g.takenFound = zero, false
}
