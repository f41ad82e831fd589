package schema

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// Load reads the table definition in the file at name. The file:// form the
// AWS CLI takes (file://testdata/create-user.json) is accepted too.
func Load(name string) (*Table, error) {
	p := strings.TrimPrefix(name, "file://")
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("dynamodel: schema: %w", err)
	}
	return Parse(p, data)
}

// Read reads a table definition from r; name identifies it in errors.
func Read(name string, r io.Reader) (*Table, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("dynamodel: schema %s: %w", name, err)
	}
	return Parse(name, data)
}

// LoadDir reads every *.json file in dir, in name order. Two files defining
// the same table is an error.
func LoadDir(dir string) ([]*Table, error) {
	dir = strings.TrimPrefix(dir, "file://")
	tables, err := LoadFS(os.DirFS(dir), ".")
	for _, t := range tables {
		t.Source = filepath.Join(dir, t.Source)
	}
	var se *Error
	if errors.As(err, &se) {
		se.File = filepath.Join(dir, se.File)
	}
	return tables, err
}

// LoadFS reads every *.json file in directory dir of fsys, in name order;
// with go:embed, a Lambda binary carries its table definitions:
//
//	//go:embed tables
//	var files embed.FS
//	tables, err := schema.LoadFS(files, "tables")
//
// Two files defining the same table is an error.
func LoadFS(fsys fs.FS, dir string) ([]*Table, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.json"))
	if err != nil {
		return nil, fmt.Errorf("dynamodel: schema %s: %w", dir, err)
	}
	slices.Sort(names)
	var out []*Table
	seen := map[string]string{}
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("dynamodel: schema: %w", err)
		}
		t, err := Parse(name, data)
		if err != nil {
			return nil, err
		}
		if prev, dup := seen[t.Name()]; dup {
			return nil, &Error{File: name, Path: "TableName",
				Msg: fmt.Sprintf("table %q is also defined in %s", t.Name(), prev)}
		}
		seen[t.Name()] = name
		out = append(out, t)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: no *.json files in %s", ErrInvalid, dir)
	}
	return out, nil
}
