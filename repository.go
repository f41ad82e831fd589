package dynamodel

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodel/dynamodel/codec"
	"github.com/dynamodel/dynamodel/internal/names"
	"github.com/dynamodel/dynamodel/schema"
)

// A Repository reads and writes the items of one table as values of the
// model type T: it encodes T into attribute value maps and back, builds every
// expression with placeholders, checks keys and sizes before any network
// call, and returns errors that work with errors.Is and errors.As.
//
// A Repository is safe for concurrent use; make one per table when the
// program starts (in a Lambda handler, outside the handler function).
type Repository[T any] struct {
	client API
	table  string
	model  *Model
	opts   Options
	items  *codec.Codec[T]           // encodes items, with the model's sortable times
	reads  []func(*dynamodb.Options) // ClientOptions and the direct read path's (direct.go)

	updates updateCache // rendered update expressions, by shape
	cursors cursorKeys  // seal and open pagination cursors

	// decode decodes an item read: decodeItem[T], or for an entity, that
	// after checking that the item is of the entity (*WrongEntityError).
	decode func(map[string]types.AttributeValue) (T, error)
	// shared is the table of an entity's repository (or a table's own),
	// which knows its indexes; nil for a plain repository.
	shared *Table
	// flatKeys, when set, are the key attributes as BatchWrite reads them to
	// check puts without encoding them (see batch_defer.go).
	flatKeys []flatKey
	// encodeWrite, when set, encodes a put in encodeForWrite's place: a
	// Table's own repository encodes each Item as its entity does
	// (table_batch.go).
	encodeWrite func(item *T, mode writeMode, keyed bool) (writeReq, error)
}

// Options configure a Repository. Change them with functions passed to
// NewRepository, in the style of the SDK's client options.
type Options struct {
	// ConsistentRead makes reads strongly consistent unless a call's own
	// options say otherwise.
	ConsistentRead bool

	// Clock returns the current time, for created and updated timestamps.
	// Nil means time.Now.
	Clock func() time.Time

	// ClientOptions are passed to every SDK call the repository makes, e.g.
	// a retryer or middleware for one table.
	ClientOptions []func(*dynamodb.Options)

	// Schema is the table's definition. NewRepository checks the model
	// against it (schema.ErrMismatch), and queries on its indexes find the
	// index key attributes in it.
	Schema *schema.Table

	// CursorSecret is the secret pagination cursors (Page.Cursor) are
	// sealed with: authenticated encryption (AES-256-GCM, its key derived
	// from the secret with HKDF-SHA256), so clients can neither read a
	// cursor nor make or alter one. Give every instance that serves one API
	// the same secret, of at least 32 random bytes.
	//
	// Without it, cursors are sealed with a key of this process: 32 random
	// bytes drawn once, the first time a cursor is sealed or opened, and
	// shared by the process's repositories without a secret. Such cursors
	// are as safe, but do not survive a restart and do not cross instances
	// (another instance rejects them with ErrInvalidCursor).
	CursorSecret []byte

	// OldCursorSecrets are earlier CursorSecrets, for rotation: cursors
	// sealed with any of them still open, and new cursors are sealed with
	// CursorSecret alone. Rotate by moving the secret here, setting a new
	// CursorSecret, and dropping the old one once its cursors no longer
	// matter. It needs a CursorSecret.
	OldCursorSecrets [][]byte

	// Batch tunes BatchGet and BatchWrite.
	Batch BatchOptions

	// DecodeWithSDK turns the direct read path off: Get, Lookup, Query,
	// Scan, BatchGet and TxGet responses, and the items PutReturning,
	// DeleteReturning and Update return, are then read by the SDK into
	// attribute values, and decoded from those, as code of the SDK's own
	// does. By default the items of those responses are decoded from the
	// response body straight into T, inside the SDK's middleware stack (so
	// retries, signing and the body's CRC32 check still apply), with the
	// same values and errors; middleware of the caller's then sees their
	// outputs without Items (or with an empty Item, Attributes or
	// Responses). A TransactGet decodes directly when all of its reads
	// do. Either way, a client that is not a *dynamodb.Client is called as
	// it is.
	DecodeWithSDK bool
}

// NewRepository returns a repository for the items of table, stored as
// values of T. It checks T's model (see ModelOf) and the table name, and
// makes no network call.
func NewRepository[T any](client API, table string, optFns ...func(*Options)) (*Repository[T], error) {
	if client == nil {
		return nil, errors.New("dynamodel: NewRepository: nil client")
	}
	if err := CheckTableName(table); err != nil {
		return nil, err
	}
	m, err := ModelOf[T]()
	if err != nil {
		return nil, err
	}
	r, err := newRepository[T](client, table, m, optFns...)
	if err != nil {
		return nil, err
	}
	if r.opts.Schema != nil {
		if err := m.CheckSchema(r.opts.Schema); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// newRepository makes a repository of model m, which describes T (or, for
// a table's own reads, T's keys).
func newRepository[T any](client API, table string, m *Model, optFns ...func(*Options)) (*Repository[T], error) {
	r := &Repository[T]{client: client, table: table, model: m,
		items: codec.New[T](codec.SortableTimes(m.sortable...)), decode: decodeItem[T]}
	for _, fn := range optFns {
		fn(&r.opts)
	}
	if r.opts.Clock == nil {
		r.opts.Clock = time.Now
	}
	r.reads = append(slices.Clip(r.opts.ClientOptions), addDirectItems)
	r.opts.Batch = r.opts.Batch.withDefaults()
	r.flatKeys = r.flatKeysOf()
	var err error
	if r.cursors, err = newCursorKeys(r.opts.CursorSecret, r.opts.OldCursorSecrets); err != nil {
		return nil, fmt.Errorf("dynamodel: NewRepository: %w", err)
	}
	return r, nil
}

// Table returns the name of the repository's table.
func (r *Repository[T]) Table() string { return r.table }

// Model returns the model of T.
func (r *Repository[T]) Model() *Model { return r.model }

// Client returns the client the repository calls.
func (r *Repository[T]) Client() API { return r.client }

func (r *Repository[T]) opError(op string, k itemKey, err error) error {
	e := &OpError{Op: op, Table: r.table, Err: err}
	if k != nil {
		e.Key = k.String()
	}
	return e
}

// CheckTableName returns an error wrapping ErrInvalidTable when name is not
// a valid DynamoDB table name: 3 to 255 characters of a-z, A-Z, 0-9, '_',
// '-' and '.'.
func CheckTableName(name string) error {
	if msg := names.Check(name); msg != "" {
		return fmt.Errorf("%w %q: %s", ErrInvalidTable, name, msg)
	}
	return nil
}

// collectOptions returns opts as optFns change it. The options go to the
// heap only when there are functions to call (they could keep a pointer),
// so a call without options allocates none for them. Taking &opts instead
// would move opts to the heap on every call: escape analysis does not see
// that the pointer is made only when there are functions.
func collectOptions[O any](opts O, optFns []func(*O)) O {
	if len(optFns) == 0 {
		return opts
	}
	p := new(O)
	*p = opts
	for _, fn := range optFns {
		fn(p)
	}
	return *p
}
