package dynamodel

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Sentinel errors. Every error dynamodel returns wraps one of these where one
// applies, so callers test with errors.Is; the SDK's own error, when there was
// one, stays reachable with errors.As.
var (
	// ErrNotFound reports that no item has the requested key.
	ErrNotFound = errors.New("dynamodel: item not found")

	// ErrAlreadyExists reports that Create found an item with the same key.
	// It also matches ErrConditionFailed.
	ErrAlreadyExists = errors.New("dynamodel: item already exists")

	// ErrConditionFailed reports that a write's condition did not hold, so
	// nothing was written.
	ErrConditionFailed = errors.New("dynamodel: condition check failed")

	// ErrVersionConflict reports that a versioned item changed since it was
	// read: the write lost a race and wrote nothing. It also matches
	// ErrConditionFailed.
	ErrVersionConflict = errors.New("dynamodel: version conflict")

	// ErrInvalidKey reports a key that is empty, of the wrong type or too
	// long. It is returned before any network call.
	ErrInvalidKey = errors.New("dynamodel: invalid key")

	// ErrInvalidModel reports a Go type that cannot be a model: no hash key,
	// a key of a type DynamoDB keys cannot hold, conflicting tags.
	ErrInvalidModel = errors.New("dynamodel: invalid model")

	// ErrInvalidTable reports a table name that DynamoDB would reject.
	ErrInvalidTable = errors.New("dynamodel: invalid table name")

	// ErrTableNotFound reports that the table does not exist (the service's
	// ResourceNotFoundException).
	ErrTableNotFound = errors.New("dynamodel: table not found")

	// ErrItemTooLarge reports an item over DynamoDB's 400 KB limit.
	ErrItemTooLarge = errors.New("dynamodel: item too large")

	// ErrInvalidItem reports an item that cannot be encoded or decoded, or
	// a LastEvaluatedKey that cannot make a cursor (a key attribute
	// missing, one too many, or a value of no key type).
	ErrInvalidItem = errors.New("dynamodel: invalid item")

	// ErrInvalidCondition reports a condition that cannot be rendered, such
	// as a value that does not encode or an empty attribute name.
	ErrInvalidCondition = errors.New("dynamodel: invalid condition")

	// ErrInvalidQuery reports a query or scan that cannot be sent: a key
	// condition without a partition value, an index whose key attributes are
	// unknown, options that do not go together; or, after the call, one of
	// an index the table does not have.
	ErrInvalidQuery = errors.New("dynamodel: invalid query")

	// ErrInvalidCursor reports a pagination cursor that is not a cursor in
	// canonical form, was altered, was sealed with a key the repository
	// does not hold (another CursorSecret; without one, another process),
	// belongs to another read (kind, table, index, partition, sort
	// condition, direction, filter or projection), or whose key lacks or
	// adds attributes. It is returned before any network call.
	ErrInvalidCursor = errors.New("dynamodel: invalid cursor")

	// ErrTooManyItems reports that Collect met more items than its bound.
	ErrTooManyItems = errors.New("dynamodel: more items than the bound")

	// ErrDuplicateKey reports a batch or transaction that names one item
	// twice. DynamoDB rejects such a request; dynamodel rejects it before
	// any call.
	ErrDuplicateKey = errors.New("dynamodel: duplicate key")

	// ErrBatchIncomplete reports that a batch call ended with some of its
	// work not done, or not known to be done. The error is a
	// *BatchGetError (keys read, not read) or a *BatchWriteError (writes
	// done, not done, unknown) accounting for every item.
	ErrBatchIncomplete = errors.New("dynamodel: batch incomplete")

	// ErrTransactionCanceled reports a transaction DynamoDB canceled:
	// nothing in it was written. The error is a *TransactionCanceledError
	// saying which action failed and why.
	ErrTransactionCanceled = errors.New("dynamodel: transaction canceled")

	// ErrTransactionConflict reports a transaction canceled because another
	// transaction or write was changing one of its items at the same time
	// (the reason TransactionConflict). Sending it again may succeed:
	// TransactOptions.ConflictRetries does so. It comes with
	// ErrTransactionCanceled.
	ErrTransactionConflict = errors.New("dynamodel: transaction conflict")

	// ErrMaxEvaluated reports that a query, scan or count stopped at its
	// MaxEvaluated bound with items left to read: the items (or the count)
	// it gave are those of the part it read.
	ErrMaxEvaluated = errors.New("dynamodel: MaxEvaluated reached")

	// ErrEmptyUpdate reports an update with nothing to set, remove, add or
	// delete. No call is made.
	ErrEmptyUpdate = errors.New("dynamodel: empty update")

	// ErrInvalidUpdate reports an update DynamoDB would reject: a key
	// attribute changed, one attribute changed twice, a bad value.
	ErrInvalidUpdate = errors.New("dynamodel: invalid update")

	// ErrWrongEntity reports an item of a shared table that is not of the
	// entity a call expected: of another entity, or of none the table
	// declares. The error is a *WrongEntityError. The item is never
	// decoded into the wrong type.
	ErrWrongEntity = errors.New("dynamodel: item of another entity")

	// ErrIndexKeyFields reports an update that changes a field an index
	// key is made from without the other fields of that key, when the
	// caller did not allow dynamodel to read them (UpdateOptions.ReadIndexFields),
	// or changes it in a way that gives no value to render (an increment).
	// Nothing is written.
	ErrIndexKeyFields = errors.New("dynamodel: update misses fields of an index key")

	// ErrInvalidPath reports an attribute name or document path that
	// cannot be used: empty, not valid UTF-8, too long, or not a path (see
	// Path). The error is a *PathError, and also matches the sentinel of
	// what it was for (ErrInvalidUpdate, ErrInvalidCondition,
	// ErrInvalidQuery).
	ErrInvalidPath = errors.New("dynamodel: invalid path")

	// ErrStop, returned by a Collection's handler, stops the read without
	// an error; CollectionResult.Cursor then resumes after the item handled
	// last.
	ErrStop = errors.New("dynamodel: stop")
)

// PathError is an attribute name or document path that cannot be used,
// found before any network call. It matches ErrInvalidPath.
type PathError struct {
	Path   string // the path as given (shortened in Error when long)
	Reason string // what is wrong with it
}

// Error names the path (its first 64 bytes when longer) and the problem.
func (e *PathError) Error() string {
	p := e.Path
	if len(p) > 64 {
		cut := 64
		for cut > 0 && !utf8.RuneStart(p[cut]) {
			cut--
		}
		p = fmt.Sprintf("%s... (%d bytes)", p[:cut], len(e.Path))
	}
	return fmt.Sprintf("path %q: %s", p, e.Reason)
}

// Is reports whether target is ErrInvalidPath.
func (e *PathError) Is(target error) bool { return target == ErrInvalidPath }

// InvalidKeyError is a key problem found before any network call. It matches
// ErrInvalidKey.
type InvalidKeyError struct {
	Attribute string // the key attribute, e.g. "email"
	Reason    string // what is wrong with it
}

// Error names the key attribute and the problem.
func (e *InvalidKeyError) Error() string {
	if e.Attribute == "" {
		return "dynamodel: invalid key: " + e.Reason
	}
	return fmt.Sprintf("dynamodel: invalid key %q: %s", e.Attribute, e.Reason)
}

// Is reports whether target is ErrInvalidKey.
func (e *InvalidKeyError) Is(target error) bool { return target == ErrInvalidKey }

// ConditionFailedError is a write whose condition did not hold, with the
// item as it was then, decoded as the repository's T. Every write that has a
// condition (Put, Create, Update, Delete, and their transaction actions)
// returns one when it fails, inside its *OpError or, for a transaction, in
// the failed action's CancellationReason.Err:
//
//	_, err := users.Create(ctx, u)
//	var cf *dynamodel.ConditionFailedError[dynamodel.User]
//	if errors.As(err, &cf) && cf.Found {
//		log.Printf("taken by %s %s", cf.Item.FirstName, cf.Item.LastName)
//	}
//
// The item is the one DynamoDB returns with the failure
// (ReturnValuesOnConditionCheckFailure, which dynamodel always asks for);
// an engine that does not return it is asked with a consistent read, which
// may see a later state. The error matches ErrConditionFailed and the
// sentinel the failure implies (ErrAlreadyExists, ErrVersionConflict,
// ErrNotFound), and the SDK's error stays reachable.
type ConditionFailedError[T any] struct {
	Item  T    // the item as it was; the zero T when Found is false
	Found bool // whether there was an item with the key

	// ItemErr says why Item is zero although there may have been an item:
	// the engine did not return it and reading it failed, or it does not
	// decode as T.
	ItemErr error

	Err error // the sentinels and, for a single write, the SDK's error
}

// Error describes the failure as its Err does.
func (e *ConditionFailedError[T]) Error() string { return e.Err.Error() }

// Unwrap returns Err.
func (e *ConditionFailedError[T]) Unwrap() error { return e.Err }

// OpError records the operation, table and key of a failed call. It wraps
// both a dynamodel sentinel error (when one applies) and the SDK's error, so
// errors.Is(err, ErrNotFound) and errors.As(err, &apiErr) both work.
type OpError struct {
	Op    string // the DynamoDB operation, e.g. "PutItem"
	Table string // the table name
	Key   string // a readable form of the key, when the call had one
	Err   error  // the sentinel, the SDK error, or both joined
}

// Error renders "dynamodel: OP TABLE KEY: cause".
func (e *OpError) Error() string {
	var b strings.Builder
	b.WriteString("dynamodel: ")
	b.WriteString(e.Op)
	if e.Table != "" {
		b.WriteString(" ")
		b.WriteString(e.Table)
	}
	if e.Key != "" {
		b.WriteString(" ")
		b.WriteString(e.Key)
	}
	b.WriteString(": ")
	b.WriteString(strings.TrimPrefix(e.Err.Error(), "dynamodel: "))
	return b.String()
}

// Unwrap returns the wrapped error.
func (e *OpError) Unwrap() error { return e.Err }

// withSentinel wraps err so that it also matches sentinel.
type withSentinel struct {
	sentinel error
	err      error
}

func (e *withSentinel) Error() string {
	return strings.TrimPrefix(e.sentinel.Error(), "dynamodel: ") + ": " + e.err.Error()
}
func (e *withSentinel) Unwrap() []error { return []error{e.sentinel, e.err} }

// mark returns err wrapped so that errors.Is(result, sentinel) holds, keeping
// err reachable.
func mark(sentinel, err error) error {
	if err == nil {
		return sentinel
	}
	return &withSentinel{sentinel: sentinel, err: err}
}

// classify marks an SDK error with the sentinel it corresponds to.
func classify(err error) error {
	var (
		notFound  *types.ResourceNotFoundException
		condition *types.ConditionalCheckFailedException
		canceled  *types.TransactionCanceledException
	)
	switch {
	case isMissingIndex(err):
		return mark(ErrInvalidQuery, err)
	case errors.As(err, &notFound):
		return mark(ErrTableNotFound, err)
	case errors.As(err, &condition):
		return mark(ErrConditionFailed, err)
	case errors.As(err, &canceled):
		return err
	case isItemSizeError(err):
		return mark(ErrItemTooLarge, err)
	}
	return err
}

// isMissingIndex recognises the answer to a query or scan of an index the
// table does not have: DynamoDB's (and dynalite's) ValidationException, and
// moto's ResourceNotFoundException, which is no missing table.
func isMissingIndex(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "The table does not have the specified index") ||
		strings.Contains(msg, "ResourceNotFoundException: Invalid index")
}

// isItemSizeError recognises the ValidationException DynamoDB returns for an
// item over the size limit.
func isItemSizeError(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "ValidationException") &&
		(strings.Contains(msg, "Item size has exceeded") ||
			strings.Contains(msg, "Item size to update has exceeded"))
}

// WrongEntityError is an item that is not of the entity a call expected.
// It matches ErrWrongEntity.
type WrongEntityError struct {
	Table string // the table
	Want  string // the entity expected; "" when any declared entity would do
	Found string // the entity the item is, by its key; "" for none the table declares
	Key   string // the item's key, e.g. `PK="USER#ada" SK="#METADATA#ada"`
}

// Error names the entity expected, the one found, and the key.
func (e *WrongEntityError) Error() string {
	found := e.Found
	if found == "" {
		found = "of no entity table " + e.Table + " declares"
	} else {
		found = "of entity " + found
	}
	if e.Want == "" {
		return fmt.Sprintf("dynamodel: item %s is %s", e.Key, found)
	}
	return fmt.Sprintf("dynamodel: item %s is %s, not %s", e.Key, found, e.Want)
}

// Is reports whether target is ErrWrongEntity.
func (e *WrongEntityError) Is(target error) bool { return target == ErrWrongEntity }

// isOtherEntity reports whether a decoding error says the item is of
// another entity (reads skip such items and count them).
func isOtherEntity(err error) bool {
	_, ok := err.(*WrongEntityError)
	return ok
}
