package schema

import (
	"errors"
	"fmt"
	"strings"
)

// The package's sentinel errors, for errors.Is.
var (
	// ErrInvalid reports a create-table file that fails to parse or
	// validate. The error is an *Error naming the file and field.
	ErrInvalid = errors.New("dynamodel: invalid schema")

	// ErrMismatch reports a live table, or a model (see the root package's
	// Model.CheckSchema), that differs from a table definition.
	ErrMismatch = errors.New("dynamodel: schema mismatch")

	// ErrUnsupported reports a table setting the engine did not apply: it
	// does not know the operation or parameter, or accepted the change and
	// left the table as it was (local engines drop some settings). Each
	// such change is listed in Change.Unsupported with the engine's
	// evidence. It also matches errors.ErrUnsupported.
	ErrUnsupported error = unsupported{}
)

// unsupported is ErrUnsupported: it matches errors.ErrUnsupported too.
type unsupported struct{}

func (unsupported) Error() string { return "dynamodel: table setting not applied by the engine" }

func (unsupported) Is(target error) bool { return target == errors.ErrUnsupported }

// Error is a problem with a table file. It names the file, the JSON path of
// the field (KeySchema[0].KeyType) and its line when there is one, and what
// is wrong. It matches ErrInvalid.
type Error struct {
	File   string // the file, as given to the loader
	Line   int    // the line of the field (or of a syntax error), from 1; 0 when not known
	Column int    // and the column, from 1
	Path   string // the JSON path of the field, e.g. GlobalSecondaryIndexes[0].IndexName
	Msg    string // what is wrong
}

// Error renders "dynamodel: schema FILE[:LINE:COL]: PATH: MESSAGE".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("dynamodel: schema ")
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", e.Line, e.Column)
	}
	b.WriteString(": ")
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Is reports whether target is ErrInvalid.
func (e *Error) Is(target error) bool { return target == ErrInvalid }
