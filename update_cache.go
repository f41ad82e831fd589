package dynamodel

import (
	"maps"
	"sync"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// An update's expressions depend on its shape (which attributes change, and
// how), not on its values. A repository keeps the expressions of the shapes
// it has rendered, so an update of a known shape only encodes its values.

// maxShapeOps is the most changes (with those the model's roles add) an
// update may have and still be cached.
const maxShapeOps = 8

// maxShapes and maxCacheBytes bound a repository's cache: code that makes
// attribute names up at run time renders every update afresh instead of
// growing it forever. The bytes are those of the rendered text a shape
// keeps: its expressions and its name map (the names in the shape itself
// are the same strings).
const (
	maxShapes     = 128
	maxCacheBytes = 1 << 20
)

// updateShape is everything an update's expressions are rendered from when
// there is no caller's condition: the kind and the path of each change (a
// path's text decides its structure: reactions.heart and
// "reactions.heart" are different shapes).
type updateShape struct {
	mode         writeMode
	versionCheck bool // the condition compares the version
	n            uint8
	kinds        [maxShapeOps]opKind
	paths        [maxShapeOps]string
}

// shapeOf returns the shape of ops, false when they cannot be cached: too
// many, or some written by hand (Raw).
func shapeOf(mode writeMode, versionCheck bool, ops []updateOp) (updateShape, bool) {
	s := updateShape{mode: mode, versionCheck: versionCheck, n: uint8(len(ops))}
	if len(ops) > maxShapeOps {
		return s, false
	}
	for i := range ops {
		if ops[i].kind.isRaw() || ops[i].kind == opInvalid {
			return s, false
		}
		s.kinds[i] = ops[i].kind
		s.paths[i] = ops[i].path
	}
	return s, true
}

// updateTemplate is what a shape renders to. Its name map is a prototype,
// cloned for every request, since callers may change a request's maps.
type updateTemplate struct {
	expr, cond string
	names      map[string]string
	values     int // how many values the request carries
}

// size is the bytes of rendered text t keeps.
func (t *updateTemplate) size() int {
	n := len(t.expr) + len(t.cond)
	for k, v := range t.names {
		n += len(k) + len(v)
	}
	return n
}

// updateCache maps shapes to templates. Lookups take no lock: the map is
// replaced, never changed, when a shape is added.
type updateCache struct {
	mu    sync.Mutex // serializes adds
	bytes int        // the rendered text the templates keep, under mu
	m     atomic.Pointer[map[updateShape]*updateTemplate]
}

func (c *updateCache) get(s *updateShape) *updateTemplate {
	if m := c.m.Load(); m != nil {
		return (*m)[*s]
	}
	return nil
}

func (c *updateCache) add(s updateShape, t *updateTemplate) {
	size := t.size()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.bytes+size > maxCacheBytes {
		return
	}
	var next map[updateShape]*updateTemplate
	if old := c.m.Load(); old != nil {
		if len(*old) >= maxShapes {
			return
		}
		if _, ok := (*old)[s]; ok {
			return
		}
		next = maps.Clone(*old)
	} else {
		next = make(map[updateShape]*updateTemplate, 1)
	}
	next[s] = t
	c.bytes += size
	c.m.Store(&next)
}

// templateValues encodes the values of an update of a cached shape, under
// the placeholders renderUpdate would give them.
func templateValues(n int, want int64, ops []updateOp) (map[string]types.AttributeValue, error) {
	if n == 0 {
		return nil, nil // the service rejects an empty map
	}
	values := make(map[string]types.AttributeValue, n)
	i := 0
	add := func(av types.AttributeValue) {
		values[placeholder(valuePlaceholders, ":v", i)] = av
		i++
	}
	if want != 0 {
		add(versionValue(want))
	}
	for j := range ops {
		if !ops[j].kind.hasValue() {
			continue
		}
		av, err := ops[j].encodeValue()
		if err != nil {
			return nil, err
		}
		add(av)
	}
	for j := range ops {
		switch ops[j].kind {
		case opAppend, opPrepend:
			add(emptyList())
		case opIncrement, opDecrement:
			add(zeroNumber())
		}
	}
	return values, nil
}
