package dynamodel

import (
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodel/dynamodel/schema"
)

// CheckSchema reports whether the model can live in the table t defines:
// the hash and range key attributes have the same names and scalar types in
// both, and every index key attribute the model has is of the index's type
// (and, for a time stored as a string, tagged indexkey; see RoleTagKey).
// The error wraps schema.ErrMismatch and lists every problem.
func (m *Model) CheckSchema(t *schema.Table) error {
	var problems []error
	fail := func(format string, args ...any) {
		problems = append(problems, fmt.Errorf(format, args...))
	}
	checkKey := func(role string, fileName string, fileType types.ScalarAttributeType, a Attribute, ok bool) {
		switch {
		case fileName == "" && !ok:
		case fileName == "":
			fail("the model's %s key %q (field %s) is not a key of table %s", role, a.Name, a.Field, t.Name())
		case !ok:
			fail("table %s has %s key %q, which the model lacks", t.Name(), role, fileName)
		case a.Name != fileName:
			fail("%s key: the model has %q (field %s), table %s has %q", role, a.Name, a.Field, t.Name(), fileName)
		case a.KeyType != fileType:
			fail("%s key %q: the model stores %s (field %s is %v), table %s defines %s", role, a.Name, a.KeyType, a.Field, a.Type, t.Name(), fileType)
		}
	}
	hashName, hashType := t.HashKey()
	checkKey("hash", hashName, hashType, m.HashKey(), true)
	rangeName, rangeType := t.RangeKey()
	r, hasRange := m.RangeKey()
	checkKey("range", rangeName, rangeType, r, hasRange)

	m.checkIndexAttrs(t, fail)
	if len(problems) > 0 {
		return fmt.Errorf("%w: model %v and %s: %w", schema.ErrMismatch, m.typ, t.Source, errors.Join(problems...))
	}
	return nil
}

// CheckSchema reports whether the repository's model fits the table t
// defines (see Model.CheckSchema). It makes no call.
func (r *Repository[T]) CheckSchema(t *schema.Table) error { return r.model.CheckSchema(t) }

// checkIndexAttrs checks that each index key attribute of t that the model
// stores has the index's type.
func (m *Model) checkIndexAttrs(t *schema.Table, fail func(format string, args ...any)) {
	for _, d := range t.CreateTableInput().AttributeDefinitions {
		name := aws.ToString(d.AttributeName)
		if m.isKey(name) {
			continue
		}
		a, ok := m.Attribute(name)
		if !ok {
			continue
		}
		kt, err := keyType(a.field.Type, a.field.Tag)
		switch {
		case err != nil:
			fail("index key %q: field %s cannot be an index key: %v", name, a.Field, err)
		case kt != d.AttributeType:
			fail("index key %q: the model stores %s (field %s is %v), table %s defines %s", name, kt, a.Field, a.Type, t.Name(), d.AttributeType)
		case kt == types.ScalarAttributeTypeS && a.field.Type == timeType && !a.indexKey:
			fail("index key %q: field %s is a time: tag it `dynamodel:\",indexkey\"` to store it sortably like a table key (add legacytime to keep attributevalue's form)", name, a.Field)
		}
	}
}
