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

	// model is the repository's model, nil outside one: a time compared
	// with one of its sortable time attributes (Attribute.SortableTime) is
	// encoded with codec.SortableTimeLayout. (A pointer keeps the writer
	// in its allocation size class.)
	model *Model

	// scalars, when not nil, gives the request's string and number values.
	scalars *scalars
}

// Placeholders for the first names and values of a request, so the common
// case allocates no strings for them.
var (
	namePlaceholders  = placeholders("#n", "", 32)
	valuePlaceholders = placeholders(":v", "", 32)
	existsConditions  = placeholders("attribute_exists(#n", ")", 32)
)

func placeholders(prefix, suffix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = prefix + strconv.Itoa(i) + suffix
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
	return placeholder(namePlaceholders, "#n", w.nameIndex(n))
}

// exists returns the condition "attribute n exists".
func (w *exprWriter) exists(n string) string {
	if i := w.nameIndex(n); i < len(existsConditions) {
		return existsConditions[i]
	}
	return "attribute_exists(" + w.name(n) + ")"
}

// nameIndex returns the number of attribute name n's placeholder, handing
// out the next one when n is new.
func (w *exprWriter) nameIndex(n string) int {
	for i, seen := range w.order {
		if seen == n {
			return i
		}
	}
	if w.names == nil {
		w.names = make(map[string]string, 4)
	}
	i := len(w.order)
	w.names[placeholder(namePlaceholders, "#n", i)] = n
	w.order = append(w.order, n)
	return i
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
