package schema

import (
	"fmt"
	"io"
	"io/fs"
)

// DefaultMaxFileSize is the largest table file the loader reads unless
// LoadOptions.MaxFileSize says otherwise: 1 MiB, far above any create-table
// input DynamoDB accepts.
const DefaultMaxFileSize = 1 << 20

// LoadOptions are the options of Load, LoadDir, LoadFS, Read and Parse.
// Change them with functions passed to the call:
//
//	schema.Load("big.json", func(o *schema.LoadOptions) { o.MaxFileSize = 8 << 20 })
type LoadOptions struct {
	// MaxFileSize is the largest file, in bytes, the loader takes. A larger
	// one is an *Error naming the file and the cap, found after reading at
	// most MaxFileSize+1 bytes, so a file that never ends (a link to
	// /dev/zero) fails at once. 0 means DefaultMaxFileSize.
	MaxFileSize int64
}

// collectLoadOptions applies optFns to the defaults.
func collectLoadOptions(optFns []func(*LoadOptions)) LoadOptions {
	var o LoadOptions
	for _, fn := range optFns {
		fn(&o)
	}
	if o.MaxFileSize <= 0 {
		o.MaxFileSize = DefaultMaxFileSize
	}
	return o
}

// tooLarge is the error of a file over the cap.
func (o LoadOptions) tooLarge(name string) error {
	return &Error{File: name, Msg: fmt.Sprintf("larger than the %d-byte cap on table files (LoadOptions.MaxFileSize)", o.MaxFileSize)}
}

// read reads r whole, but no more than the cap allows: at most
// MaxFileSize+1 bytes. size, when known (a regular file's), fails a file
// over the cap before reading it.
func (o LoadOptions) read(name string, r io.Reader, size int64) ([]byte, error) {
	if size > o.MaxFileSize {
		return nil, o.tooLarge(name)
	}
	data, err := io.ReadAll(io.LimitReader(r, o.MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("dynamodel: schema %s: %w", name, err)
	}
	if int64(len(data)) > o.MaxFileSize {
		return nil, o.tooLarge(name)
	}
	return data, nil
}

// readFile reads the file name of fsys within the cap.
func (o LoadOptions) readFile(fsys fs.FS, name, display string) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, fmt.Errorf("dynamodel: schema: %w", err)
	}
	defer f.Close()
	var size int64
	if info, err := f.Stat(); err == nil && info.Mode().IsRegular() {
		size = info.Size()
	}
	return o.read(display, f, size)
}
