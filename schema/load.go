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

// Load reads the table definition in the file at name (see Parse: a
// table file, or a template with one table). The file:// form the AWS CLI
// takes (file://testdata/create-user.json) is accepted too. Files over
// LoadOptions.MaxFileSize (1 MiB unless set) are refused.
func Load(name string, optFns ...func(*LoadOptions)) (*Table, error) {
	p := strings.TrimPrefix(name, "file://")
	data, err := collectLoadOptions(optFns).readFile(osFS{}, p, p)
	if err != nil {
		return nil, err
	}
	return Parse(p, data, optFns...)
}

// LoadAll reads every table the file at name defines (see ParseAll): the
// one of a table file, or all of a CloudFormation or SAM template's.
func LoadAll(name string, optFns ...func(*LoadOptions)) ([]*Table, error) {
	p := strings.TrimPrefix(name, "file://")
	data, err := collectLoadOptions(optFns).readFile(osFS{}, p, p)
	if err != nil {
		return nil, err
	}
	return ParseAll(p, data, optFns...)
}

// Read reads a table definition from r, up to LoadOptions.MaxFileSize
// bytes; name identifies it in errors.
func Read(name string, r io.Reader, optFns ...func(*LoadOptions)) (*Table, error) {
	data, err := collectLoadOptions(optFns).read(name, r, 0)
	if err != nil {
		return nil, err
	}
	return Parse(name, data, optFns...)
}

// LoadDir reads every *.json, *.yaml and *.yml file in dir, in name order:
// each is a table file (JSON, or YAML as the AWS CLI's --cli-input-yaml
// takes it) or a CloudFormation or SAM template, whose tables are read in
// the template's order (see ParseAll). Every such file must define a table;
// two defining the same table is an error.
func LoadDir(dir string, optFns ...func(*LoadOptions)) ([]*Table, error) {
	dir = strings.TrimPrefix(dir, "file://")
	tables, err := LoadFS(os.DirFS(dir), ".", optFns...)
	for _, t := range tables {
		t.Source = filepath.Join(dir, t.Source)
	}
	var se *Error
	if errors.As(err, &se) {
		se.File = filepath.Join(dir, se.File)
	}
	return tables, err
}

// tableFilePatterns are the files LoadDir and LoadFS read.
var tableFilePatterns = []string{"*.json", "*.yaml", "*.yml"}

// LoadFS reads every *.json, *.yaml and *.yml file in directory dir of
// fsys, in name order, as LoadDir does; with go:embed, a Lambda binary
// carries its table definitions:
//
//	//go:embed tables
//	var files embed.FS
//	tables, err := schema.LoadFS(files, "tables")
//
// Two files defining the same table is an error. Files over
// LoadOptions.MaxFileSize (1 MiB unless set) are refused.
func LoadFS(fsys fs.FS, dir string, optFns ...func(*LoadOptions)) ([]*Table, error) {
	opts := collectLoadOptions(optFns)
	var names []string
	for _, pattern := range tableFilePatterns {
		found, err := fs.Glob(fsys, path.Join(dir, pattern))
		if err != nil {
			return nil, fmt.Errorf("dynamodel: schema %s: %w", dir, err)
		}
		names = append(names, found...)
	}
	slices.Sort(names)
	var out []*Table
	seen := map[string]string{}
	for _, name := range names {
		data, err := opts.readFile(fsys, name, name)
		if err != nil {
			return nil, err
		}
		tables, err := ParseAll(name, data, optFns...)
		if err != nil {
			return nil, err
		}
		for _, t := range tables {
			if prev, dup := seen[t.Name()]; dup {
				return nil, &Error{File: t.Source, Path: "TableName",
					Msg: fmt.Sprintf("table %q is also defined in %s", t.Name(), prev)}
			}
			seen[t.Name()] = t.Source
		}
		out = append(out, tables...)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: no *.json, *.yaml or *.yml files in %s", ErrInvalid, dir)
	}
	return out, nil
}

// osFS opens names as the os package does, relative to the working
// directory or absolute, for Load and LoadAll.
type osFS struct{}

func (osFS) Open(name string) (fs.File, error) { return os.Open(name) }
