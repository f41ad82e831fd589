package dynamodel

import (
	"errors"
	"fmt"
	"reflect"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodel/dynamodel/schema"
)

// A Table is one DynamoDB table shared by several entities (single-table
// design): each entity is a Go type whose key attributes are made from its
// fields by templates (see NewEntity). The table reads items of any of its
// entities, recognising each by its key (Get, Delete, Query, Scan,
// Collection, BatchGet), writes and deletes items of several entities in
// one batch (BatchWrite), and checks when an entity is declared that no two
// entities' keys can be confused.
//
// Declare a table and its entities once, when the program starts; a Table
// is then safe for concurrent use.
type Table struct {
	client  API
	name    string
	opts    TableOptions
	hash    string // the partition key attribute
	rng     string // the sort key attribute; "" for a table without one
	indexes map[string]Index

	mu       sync.RWMutex
	entities []*entityKeys

	raw *Repository[Item] // reads and deletes items of any entity
}

// TableOptions configure a Table. Options are the repository options every
// entity of the table uses (Options.Schema, when set, names the key
// attributes and indexes).
type TableOptions struct {
	Options

	// PartitionKey and SortKey name the table's key attributes, for a
	// table without Options.Schema. Both default to "PK" and "SK"; a
	// PartitionKey without a SortKey is a table without a sort key.
	PartitionKey, SortKey string

	// Indexes name the key attributes of the table's secondary indexes,
	// for a table without Options.Schema.
	Indexes []Index

	// EntityType, when set, is the name of an attribute every write stores
	// the entity's name in (like dynamodb-toolbox's _et), for other
	// readers. dynamodel itself recognises items by their keys, so items
	// without it (written by other clients, or read through an index that
	// does not project it) are read all the same; an item whose attribute
	// names another entity than its key is reported (ErrWrongEntity).
	EntityType string
}

// Index names the key attributes of a secondary index.
type Index struct {
	Name         string
	PartitionKey string
	SortKey      string // "" for an index without a sort key
}

// NewTable returns a table of entities. It makes no network call.
func NewTable(client API, name string, optFns ...func(*TableOptions)) (*Table, error) {
	if client == nil {
		return nil, errors.New("dynamodel: NewTable: nil client")
	}
	if err := CheckTableName(name); err != nil {
		return nil, err
	}
	t := &Table{client: client, name: name, indexes: map[string]Index{}}
	for _, fn := range optFns {
		fn(&t.opts)
	}
	if s := t.opts.Schema; s != nil {
		t.hash, _ = s.HashKey()
		t.rng, _ = s.RangeKey()
		in := s.CreateTableInput()
		for _, g := range in.GlobalSecondaryIndexes {
			t.addIndex(s, aws.ToString(g.IndexName))
		}
		for _, l := range in.LocalSecondaryIndexes {
			t.addIndex(s, aws.ToString(l.IndexName))
		}
	} else {
		t.hash, t.rng = t.opts.PartitionKey, t.opts.SortKey
		if t.hash == "" {
			t.hash, t.rng = "PK", "SK"
		}
	}
	for _, ix := range t.opts.Indexes {
		if ix.Name == "" || ix.PartitionKey == "" {
			return nil, fmt.Errorf("dynamodel: NewTable %s: an index needs a Name and a PartitionKey", name)
		}
		t.indexes[ix.Name] = ix
	}
	for _, n := range []string{t.hash, t.rng, t.opts.EntityType} {
		if err := checkKeyName(n); n != "" && err != nil {
			return nil, fmt.Errorf("dynamodel: NewTable %s: %w", name, err)
		}
	}
	raw, err := t.rawRepository()
	if err != nil {
		return nil, err
	}
	t.raw = raw
	return t, nil
}

func (t *Table) addIndex(s *schema.Table, name string) {
	h, r, _ := s.IndexKeys(name)
	t.indexes[name] = Index{Name: name, PartitionKey: h, SortKey: r}
}

// rawRepository makes the repository behind the table's own reads: its
// model has the table's key attributes alone, and it decodes each item as
// the entity its key says it is.
func (t *Table) rawRepository() (*Repository[Item], error) {
	fields := []reflect.StructField{{Name: "Hash", Type: reflect.TypeFor[string](),
		Tag: reflect.StructTag(fmt.Sprintf(`dynamodbav:%q dynamodel:"hash"`, t.hash))}}
	if t.rng != "" {
		fields = append(fields, reflect.StructField{Name: "Range", Type: reflect.TypeFor[string](),
			Tag: reflect.StructTag(fmt.Sprintf(`dynamodbav:%q dynamodel:"range"`, t.rng))})
	}
	m, err := buildModel(reflect.StructOf(fields))
	if err != nil {
		return nil, fmt.Errorf("dynamodel: NewTable %s: %w", t.name, err)
	}
	m.stringHash = false // keys are Key values, not the struct's
	r, err := newRepository[Item](t.client, t.name, m, t.repositoryOptions())
	if err != nil {
		return nil, err
	}
	r.decode = t.decodeItem
	r.shared = t // it knows the indexes, and takes the entities' key conditions
	// An Item is decoded as whichever entity its key says, from the SDK's
	// attribute values.
	r.opts.DecodeWithSDK = true
	// Its batch writes encode each Item as its entity does (table_batch.go).
	r.encodeWrite = t.encodeWrite
	return r, nil
}

// repositoryOptions are the options of the repositories of the table's
// entities.
func (t *Table) repositoryOptions() func(*Options) {
	return func(o *Options) {
		*o = t.opts.Options
		o.Schema = nil // checked against each entity's templates instead
	}
}

// Name returns the table's name.
func (t *Table) Name() string { return t.name }

// KeyAttributes returns the names of the table's key attributes: its
// partition key, and its sort key ("" for a table without one).
func (t *Table) KeyAttributes() (partition, sort string) { return t.hash, t.rng }

// apart names t in an error about something of other, a different Table
// value: by its table's name, or, when both are declared over one table,
// as another Table of it.
func (t *Table) apart(other *Table) string {
	if other != nil && t.name == other.name {
		return "another Table of table " + t.name
	}
	return "table " + t.name
}

// Client returns the client the table calls.
func (t *Table) Client() API { return t.client }

// indexKeys returns the key attributes of index.
func (t *Table) indexKeys(index string) (Index, bool) {
	ix, ok := t.indexes[index]
	return ix, ok
}

// Entities returns the names of the table's entities, in the order they
// were declared.
func (t *Table) Entities() []string {
	t.mu.RLock()
	defer t.mu.RUnlock()
	out := make([]string, len(t.entities))
	for i, e := range t.entities {
		out[i] = e.name
	}
	return out
}

// register adds an entity, checking that its name is new and that its keys
// cannot be confused with another entity's.
func (t *Table) register(e *entityKeys) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, o := range t.entities {
		if o.name == e.name {
			return fmt.Errorf("%w: table %s already has an entity %s", ErrInvalidModel, t.name, e.name)
		}
		if e.overlaps(o) {
			return &TemplateError{Entity: e.name, Template: e.describeKeys(),
				Reason: fmt.Sprintf("an item could be of entity %s (%s) as well: give one of them a different literal prefix", o.name, o.describeKeys())}
		}
	}
	t.entities = append(t.entities, e)
	return nil
}

// recognize returns the entity whose key templates item's key matches, or
// nil.
func (t *Table) recognize(item map[string]types.AttributeValue) *entityKeys {
	t.mu.RLock()
	defer t.mu.RUnlock()
	for _, e := range t.entities {
		if e.matches(item) {
			return e
		}
	}
	return nil
}
