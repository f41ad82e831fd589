package dynamodel

import (
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodel/dynamodel/schema"
)

// CheckSchema reports whether every entity of the table fits the table s
// defines (see Entity.CheckSchema). The error wraps schema.ErrMismatch and
// lists every problem of every entity. It makes no call.
func (t *Table) CheckSchema(s *schema.Table) error {
	t.mu.RLock()
	entities := append([]*entityKeys(nil), t.entities...)
	t.mu.RUnlock()
	var errs []error
	for _, e := range entities {
		if err := e.checkSchema(s); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// CheckSchema reports whether the entity fits the table s defines: the
// table's key attributes are s's, strings; each index the entity has
// templates for is one of s's, keyed by the attributes the templates
// render, strings; the indexes the entity queries by the table's own keys
// (an inverted index) are there; and T's own attributes that s uses as
// index keys have the index's types (see Model.CheckSchema). The error
// wraps schema.ErrMismatch and lists every problem. It makes no call.
func (e *Entity[T]) CheckSchema(s *schema.Table) error { return e.keys.checkSchema(s) }

func (e *entityKeys) checkSchema(s *schema.Table) error {
	var problems []error
	fail := func(format string, args ...any) { problems = append(problems, fmt.Errorf(format, args...)) }
	h, _ := s.HashKey()
	r, _ := s.RangeKey()
	if h != e.table.hash || r != e.table.rng {
		fail("the table's keys are %s, table %s has %s", keyNames(e.table.hash, e.table.rng), s.Name(), keyNames(h, r))
	}
	e.model.checkIndexAttrs(s, fail)
	defined := map[string]types.ScalarAttributeType{}
	for _, d := range s.CreateTableInput().AttributeDefinitions {
		defined[aws.ToString(d.AttributeName)] = d.AttributeType
	}
	for attr, tm := range e.templates {
		if typ, ok := defined[attr]; ok && typ != "S" {
			fail("key %s (template %q) is a string, table %s defines %s", attr, tm.text, s.Name(), typ)
		}
	}
	for _, ix := range e.table.indexes {
		h, r, ok := s.IndexKeys(ix.Name)
		uses := e.templates[ix.PartitionKey] != nil
		switch {
		case !ok && uses:
			fail("index %s (templates for %s) is not an index of table %s", ix.Name, ix.PartitionKey, s.Name())
		case !ok:
		case h != ix.PartitionKey || r != ix.SortKey:
			fail("index %s: the table declares keys %s, table %s has %s", ix.Name, keyNames(ix.PartitionKey, ix.SortKey), s.Name(), keyNames(h, r))
		}
	}
	if len(problems) == 0 {
		return nil
	}
	return fmt.Errorf("%w: entity %s and %s: %w", schema.ErrMismatch, e.name, s.Source, errors.Join(problems...))
}

func keyNames(h, r string) string {
	if r == "" {
		return h
	}
	return h + "/" + r
}
