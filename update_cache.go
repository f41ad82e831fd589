package dynamodel

import (
	"encoding/binary"
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

	// more, in a template of an update with a caller's condition of text
	// (keyed by condKey), are the names that follow the condition's, in
	// placeholder order (names is then nil: the condition, rendered for
	// each request, gives the first ones).
	more []string
}

// size is the bytes of rendered text t keeps.
func (t *updateTemplate) size() int {
	n := len(t.expr) + len(t.cond)
	for k, v := range t.names {
		n += len(k) + len(v)
	}
	for _, v := range t.more {
		n += len(v) + 16 // the string's header
	}
	return n
}

// updateCache maps shapes to templates: updates without a caller's
// condition by their shape, those with one by condKey. Lookups take no
// lock: a map is replaced, never changed, when a shape is added.
type updateCache struct {
	mu     sync.Mutex // serializes adds
	bytes  int        // the rendered text the templates keep, under mu
	shapes int        // the templates in both maps, under mu
	m      atomic.Pointer[map[updateShape]*updateTemplate]
	conds  atomic.Pointer[map[string]*updateTemplate]
}

func (c *updateCache) get(s *updateShape) *updateTemplate {
	if m := c.m.Load(); m != nil {
		return (*m)[*s]
	}
	return nil
}

// getConditional returns the template of the update with a caller's
// condition whose condKey is key.
func (c *updateCache) getConditional(key []byte) *updateTemplate {
	if m := c.conds.Load(); m != nil {
		return (*m)[string(key)]
	}
	return nil
}

func (c *updateCache) add(s updateShape, t *updateTemplate) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.room(t.size()) {
		return
	}
	next := addTo(c.m.Load(), s, t)
	if next == nil {
		return
	}
	c.m.Store(next)
	c.shapes++
	c.bytes += t.size()
}

func (c *updateCache) addConditional(key []byte, t *updateTemplate) {
	c.mu.Lock()
	defer c.mu.Unlock()
	size := t.size() + len(key)
	if !c.room(size) {
		return
	}
	next := addTo(c.conds.Load(), string(key), t)
	if next == nil {
		return
	}
	c.conds.Store(next)
	c.shapes++
	c.bytes += size
}

// room reports whether a template of size bytes fits in the cache's bounds.
// It is called under mu.
func (c *updateCache) room(size int) bool {
	return c.shapes < maxShapes && c.bytes+size <= maxCacheBytes
}

// addTo returns a copy of old with t under k, nil when k is there already.
func addTo[K comparable](old *map[K]*updateTemplate, k K, t *updateTemplate) *map[K]*updateTemplate {
	var next map[K]*updateTemplate
	if old != nil {
		if _, ok := (*old)[k]; ok {
			return nil
		}
		next = maps.Clone(*old)
	} else {
		next = make(map[K]*updateTemplate, 1)
	}
	next[k] = t
	return &next
}

// The keys of updates with a caller's condition start with the update's
// shape (shapeKey), then say how the condition is keyed: by its form
// (Condition.form) or by the text it rendered to (condKey).
const (
	formTagged byte = 'f'
	textTagged byte = 't'
)

// shapeKey appends shape s to b. Each string is prefixed with its length,
// so no two keys run together.
func shapeKey(b []byte, s *updateShape) []byte {
	b = append(b, byte(s.mode), s.n)
	if s.versionCheck {
		b = append(b, 1)
	} else {
		b = append(b, 0)
	}
	for i := range s.n {
		b = appendKeyString(append(b, byte(s.kinds[i])), s.paths[i])
	}
	return b
}

// condKey appends to b (a shapeKey) what decides the rendering of an
// update with a caller's condition that has no form, once the condition is
// rendered first into the request's writer: the condition's text, the
// names it has placeholders for (in order) and how many values it has.
func condKey(b []byte, cond string, names []string, values int) []byte {
	b = appendKeyString(append(b, textTagged), cond)
	b = binary.AppendUvarint(b, uint64(len(names)))
	for _, n := range names {
		b = appendKeyString(b, n)
	}
	return binary.AppendUvarint(b, uint64(values))
}

// templateValues encodes the values of an update of a cached shape, under
// the placeholders renderUpdate would give them.
func templateValues(n int, want int64, ops []updateOp, a *scalars) (map[string]types.AttributeValue, error) {
	if n == 0 {
		return nil, nil // the service rejects an empty map
	}
	values := make(map[string]types.AttributeValue, n)
	return values, addTemplateValues(values, want, ops, a)
}

// addTemplateValues adds the values of an update of a cached shape to
// values, under the placeholders renderUpdate would give them after those
// values has (a caller's condition's).
func addTemplateValues(values map[string]types.AttributeValue, want int64, ops []updateOp, a *scalars) error {
	i := len(values)
	add := func(av types.AttributeValue) {
		values[placeholder(valuePlaceholders, ":v", i)] = av
		i++
	}
	if want != 0 {
		add(a.versionValue(want))
	}
	for j := range ops {
		if !ops[j].kind.hasValue() {
			continue
		}
		av, err := ops[j].encodeValue(a)
		if err != nil {
			return err
		}
		add(av)
	}
	for j := range ops {
		switch ops[j].kind {
		case opAppend, opPrepend:
			add(emptyList())
		case opIncrement, opDecrement:
			add(a.zeroNumber())
		}
	}
	return nil
}
