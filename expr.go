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
	order  []string          // attribute names, in placeholder order
	values map[string]types.AttributeValue
}

// Placeholders for the first names and values of a request, so the common
// case allocates no strings for them.
var (
	namePlaceholders  = placeholders("#n", 32)
	valuePlaceholders = placeholders(":v", 32)
)

func placeholders(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = prefix + strconv.Itoa(i)
	}
	return out
}

func placeholder(table []string, prefix string, i int) string {
	if i < len(table) {
		return table[i]
	}
	return prefix + strconv.Itoa(i)
}

// grow makes room for the names and values a request will have.
func (w *exprWriter) grow(names, values int) {
	if w.names == nil {
		w.names = make(map[string]string, names)
		w.order = make([]string, 0, names)
	}
	if w.values == nil {
		w.values = make(map[string]types.AttributeValue, values)
	}
}

// name returns the placeholder of attribute name n, reusing it when n was
// seen before.
func (w *exprWriter) name(n string) string {
	for i, seen := range w.order {
		if seen == n {
			return placeholder(namePlaceholders, "#n", i)
		}
	}
	if w.names == nil {
		w.names = make(map[string]string, 4)
	}
	p := placeholder(namePlaceholders, "#n", len(w.order))
	w.names[p] = n
	w.order = append(w.order, n)
	return p
}

// value returns a fresh placeholder for av.
func (w *exprWriter) value(av types.AttributeValue) string {
	if w.values == nil {
		w.values = make(map[string]types.AttributeValue, 4)
	}
	p := placeholder(valuePlaceholders, ":v", len(w.values))
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
