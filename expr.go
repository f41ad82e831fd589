package dynamodel

import (
	"strconv"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// exprWriter hands out expression placeholders for attribute names (#n0,
// #n1, ...) and values (:v0, :v1, ...), so no name or value is ever spliced
// into an expression: an attribute called "name", "status" or "first-name"
// works like any other. One writer serves all the expressions of one request
// (key condition, filter, projection, update and condition share their maps).
type exprWriter struct {
	names  map[string]string // placeholder -> attribute name
	byName map[string]string // attribute name -> placeholder
	values map[string]types.AttributeValue
	buf    []byte // scratch for placeholders
}

// name returns the placeholder of attribute name n, reusing it when n was
// seen before.
func (w *exprWriter) name(n string) string {
	if p, ok := w.byName[n]; ok {
		return p
	}
	if w.names == nil {
		w.names = make(map[string]string, 4)
		w.byName = make(map[string]string, 4)
	}
	w.buf = append(w.buf[:0], "#n"...)
	w.buf = strconv.AppendInt(w.buf, int64(len(w.names)), 10)
	p := string(w.buf)
	w.names[p] = n
	w.byName[n] = p
	return p
}

// value returns a fresh placeholder for av.
func (w *exprWriter) value(av types.AttributeValue) string {
	if w.values == nil {
		w.values = make(map[string]types.AttributeValue, 4)
	}
	w.buf = append(w.buf[:0], ":v"...)
	w.buf = strconv.AppendInt(w.buf, int64(len(w.values)), 10)
	p := string(w.buf)
	w.values[p] = av
	return p
}

// attributeNames returns the name map for a request, nil when empty (the
// service rejects an empty map).
func (w *exprWriter) attributeNames() map[string]string {
	if len(w.names) == 0 {
		return nil
	}
	return w.names
}

// attributeValues returns the value map for a request, nil when empty.
func (w *exprWriter) attributeValues() map[string]types.AttributeValue {
	if len(w.values) == 0 {
		return nil
	}
	return w.values
}
