package bulk

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"reflect"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// CheckpointSuffix is added to an export file's name to name its
// checkpoint: out.json.gz has out.json.gz.checkpoint.
const CheckpointSuffix = ".checkpoint"

// ExportFile exports table to the file at path, as Export does, gzipped
// when path ends in ".gz". It survives interruption: every CheckpointEvery
// it flushes the file (for gzip, ending a gzip member, so the file is a
// valid multi-member gzip stream at every checkpoint), syncs it, and
// records in path+CheckpointSuffix the file's size and where each
// segment's scan stands. With Resume it truncates the file to the
// checkpoint's size and continues from there, so the finished file holds
// every item exactly once. The checkpoint is written before the file holds
// a line (and before a file it replaces is emptied) and removed when the
// export ends: a file without one is a finished export, and an interrupted
// one (an error, a cancelled context, a killed process) keeps it. On Unix
// the file is locked while it is written: a second export to it, in any
// process, fails with ErrFileInUse.
//
// Without Resume, an existing file is replaced, unless it has a checkpoint:
// then ExportFile refuses (ErrCheckpoint) rather than throw the earlier
// work away. With Resume and no checkpoint, an export starts when there is
// no file yet, and otherwise fails with ErrCheckpoint.
func ExportFile(ctx context.Context, client API, table, path string, optFns ...func(*ExportOptions)) (ExportResult, error) {
	opts := collect(ExportOptions{}, optFns)
	if err := checkScan(opts.Segments, opts.PageSize); err != nil {
		return ExportResult{}, err
	}
	cp, err := readCheckpoint(path)
	switch {
	case err != nil:
		return ExportResult{}, err
	case cp != nil && !opts.Resume:
		return ExportResult{}, fmt.Errorf("%w: %s has a checkpoint from an interrupted export (%s): resume it, or remove both files to start over",
			ErrCheckpoint, path, path+CheckpointSuffix)
	case cp == nil && opts.Resume:
		if _, err := os.Stat(path); err == nil {
			return ExportResult{}, fmt.Errorf("%w: %s exists without a checkpoint (%s): it is complete, or was not written by ExportFile",
				ErrCheckpoint, path, path+CheckpointSuffix)
		}
	}
	if cp != nil {
		if cp.Table != table {
			return ExportResult{}, fmt.Errorf("%w: %s is an export of table %s, not %s", ErrCheckpoint, path, cp.Table, table)
		}
		if opts.Segments > 0 && opts.Segments != len(cp.Positions) {
			return ExportResult{}, fmt.Errorf("%w: %s was started with %d segments, not %d", ErrCheckpoint, path, len(cp.Positions), opts.Segments)
		}
		opts.Segments = len(cp.Positions)
	}
	opts = opts.withDefaults()
	total, err := itemCount(ctx, client, table, opts.ClientOptions)
	if err != nil {
		return ExportResult{}, opError("DescribeTable", table, err)
	}
	out, err := openOutput(path, cp)
	if err != nil {
		return ExportResult{}, err
	}
	defer out.file.Close()
	x := &exporter{client: client, table: table, opts: opts, total: total, positions: make([]position, opts.Segments)}
	if cp == nil {
		// A file without a checkpoint is a finished export: a new one
		// gets its checkpoint before it holds a line, and before the
		// file it replaces is emptied.
		if err := out.checkpoint(x); err != nil {
			return ExportResult{}, err
		}
		if err := out.file.Truncate(0); err != nil {
			return ExportResult{}, err
		}
	}
	if cp != nil {
		x.items, x.bytes, x.resumed = cp.Items, cp.Bytes, cp.Items
		for i, p := range cp.Positions {
			x.positions[i] = position{Done: p.Done}
			if len(p.After) > 0 {
				if x.positions[i].After, err = parseAttributes(p.After); err != nil {
					return ExportResult{}, fmt.Errorf("%w: %s: segment %d: %v", ErrCheckpoint, path+CheckpointSuffix, i, err)
				}
			}
		}
	}
	err = x.run(ctx, out, func() error { return out.checkpoint(x) })
	res := ExportResult{Items: x.items, Bytes: x.bytes, Resumed: cp != nil}
	if err != nil {
		return res, err
	}
	if err := out.finish(); err != nil {
		return res, err
	}
	return res, nil
}

// errLocked reports a file another export holds locked.
var errLocked = errors.New("locked")

// checkpointFormat names the checkpoint file's format and version.
const checkpointFormat = "dynamodel-export-checkpoint/1"

// checkpointFile is the JSON form of a checkpoint.
type checkpointFile struct {
	Format    string           `json:"format"`
	Table     string           `json:"table"`
	Offset    int64            `json:"offset"` // the file's size at the checkpoint
	Items     int64            `json:"items"`  // items in the file up to Offset
	Bytes     int64            `json:"bytes"`  // uncompressed bytes of those items' lines
	Gzip      bool             `json:"gzip"`
	Positions []positionRecord `json:"positions"` // one per segment
}

// positionRecord is a segment's position in a checkpoint: done, or the
// last key read in DynamoDB JSON (absent at the start).
type positionRecord struct {
	Done  bool            `json:"done,omitempty"`
	After json.RawMessage `json:"after,omitempty"`
}

// readCheckpoint reads path's checkpoint; nil when there is none.
func readCheckpoint(path string) (*checkpointFile, error) {
	data, err := os.ReadFile(path + CheckpointSuffix)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCheckpoint, err)
	}
	var cp checkpointFile
	if err := json.Unmarshal(data, &cp); err != nil {
		return nil, fmt.Errorf("%w: %s is damaged: %v", ErrCheckpoint, path+CheckpointSuffix, err)
	}
	if cp.Format != checkpointFormat {
		return nil, fmt.Errorf("%w: %s is not a checkpoint of this version (%s)", ErrCheckpoint, path+CheckpointSuffix, checkpointFormat)
	}
	if why := cp.check(); why != "" {
		return nil, fmt.Errorf("%w: %s is damaged: %s", ErrCheckpoint, path+CheckpointSuffix, why)
	}
	return &cp, nil
}

// check returns what no checkpoint ExportFile writes could hold, or "".
func (cp *checkpointFile) check() string {
	switch {
	case len(cp.Positions) == 0:
		return "no segments"
	case cp.Offset < 0 || cp.Items < 0 || cp.Bytes < 0:
		return fmt.Sprintf("offset %d, %d items, %d bytes", cp.Offset, cp.Items, cp.Bytes)
	case len(cp.Positions) > MaxSegments:
		return fmt.Sprintf("%d segments: DynamoDB scans in at most %d", len(cp.Positions), MaxSegments)
	case cp.Items == 0 && (cp.Bytes > 0 || cp.Offset > 0):
		return fmt.Sprintf("%d bytes of no items", max(cp.Bytes, cp.Offset))
	case !cp.Gzip && cp.Offset != cp.Bytes:
		return fmt.Sprintf("a plain file of %d bytes holding %d bytes of lines", cp.Offset, cp.Bytes)
	}
	return ""
}

// output is an export file: lines go through gzip (for .gz) and a buffer
// into the file, whose size it counts.
type output struct {
	path   string
	file   *os.File
	buf    *bufio.Writer
	gz     *gzip.Writer // nil for plain files
	member bool         // the current gzip member has data
	offset int64        // bytes in the file, flushed or not
}

// openOutput opens the file and locks it (see lockFile); for a resumed
// export it truncates it to the checkpoint's size (a new export empties it
// once its first checkpoint is recorded: see ExportFile). The checkpoint,
// read again under the lock, must be the one the export was planned on
// (cp): another export may have changed it in between.
func openOutput(path string, cp *checkpointFile) (_ *output, err error) {
	zip := strings.HasSuffix(path, ".gz")
	if cp != nil && cp.Gzip != zip {
		return nil, fmt.Errorf("%w: %s: the checkpoint says gzip is %v", ErrCheckpoint, path, cp.Gzip)
	}
	flag := os.O_RDWR
	if cp == nil {
		flag |= os.O_CREATE
	}
	f, err := os.OpenFile(path, flag, 0o666)
	if err != nil {
		if cp != nil {
			err = fmt.Errorf("%w: %v", ErrCheckpoint, err)
		}
		return nil, err
	}
	defer func() {
		if err != nil {
			f.Close()
		}
	}()
	o := &output{path: path, file: f}
	if err := lockFile(o.file); err != nil {
		if errors.Is(err, errLocked) {
			return nil, fmt.Errorf("%w: another export is writing %s", ErrFileInUse, path)
		}
		return nil, fmt.Errorf("bulk: lock %s: %w", path, err)
	}
	now, err := readCheckpoint(path)
	if err != nil {
		return nil, err
	}
	// The same checkpoint, or none both times (DeepEqual of two pointers
	// is true for two nil ones, false for nil and another).
	if !reflect.DeepEqual(cp, now) {
		return nil, fmt.Errorf("%w: another export changed %s while this one started", ErrFileInUse, path+CheckpointSuffix)
	}
	if cp != nil {
		info, err := o.file.Stat()
		if err == nil && info.Size() < cp.Offset {
			err = fmt.Errorf("%w: %s has %d bytes, fewer than the %d its checkpoint records", ErrCheckpoint, path, info.Size(), cp.Offset)
		}
		if err == nil && !cp.Gzip && cp.Offset > 0 {
			err = endsLine(o.file, cp.Offset)
		}
		if err != nil {
			return nil, err
		}
		o.offset = cp.Offset
	}
	if cp != nil { // a new export empties the file once it has a checkpoint
		if err := o.file.Truncate(o.offset); err != nil {
			return nil, err
		}
	}
	if _, err := o.file.Seek(o.offset, io.SeekStart); err != nil {
		return nil, err
	}
	o.buf = bufio.NewWriterSize(countingWriter{o.file, &o.offset}, 256<<10)
	if zip {
		o.gz, _ = gzip.NewWriterLevel(o.buf, gzip.DefaultCompression)
	}
	return o, nil
}

// Write writes lines. A page without items writes nothing: it opens no
// gzip member, whose bytes a checkpoint would record with no items.
func (o *output) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if o.gz != nil {
		o.member = true
		return o.gz.Write(p)
	}
	return o.buf.Write(p)
}

// flush puts everything written so far in the file and syncs it, ending
// the gzip member when it has data.
func (o *output) flush() error {
	if o.gz != nil && o.member {
		if err := o.gz.Close(); err != nil {
			return err
		}
		o.gz.Reset(o.buf)
		o.member = false
	}
	if err := o.buf.Flush(); err != nil {
		return err
	}
	return o.file.Sync()
}

// checkpoint flushes the output and records where the export stands.
func (o *output) checkpoint(x *exporter) error {
	if err := o.flush(); err != nil {
		return err
	}
	cp := checkpointFile{Format: checkpointFormat, Table: x.table, Offset: o.offset, Items: x.items, Bytes: x.bytes, Gzip: o.gz != nil,
		Positions: make([]positionRecord, len(x.positions))}
	for i, p := range x.positions {
		cp.Positions[i].Done = p.Done
		if len(p.After) > 0 {
			var enc lineEncoder
			after, err := enc.appendMap(nil, p.After)
			if err != nil {
				return err
			}
			cp.Positions[i].After = after
		}
	}
	data, err := json.MarshalIndent(cp, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(o.path+CheckpointSuffix, append(data, '\n'))
}

// finish ends the file (a gzip file of no items still gets one, empty,
// member) and removes the checkpoint.
func (o *output) finish() error {
	if o.gz != nil && (o.member || o.offset == 0) {
		if err := o.gz.Close(); err != nil {
			return err
		}
		o.member = false
	}
	if err := o.buf.Flush(); err != nil {
		return err
	}
	if err := o.file.Sync(); err != nil {
		return err
	}
	// The checkpoint goes while the file is locked: another export waiting
	// for the lock finds the file finished, not a checkpoint to resume.
	if err := os.Remove(o.path + CheckpointSuffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return o.file.Close()
}

// endsLine checks that the byte before offset in a plain export file ends
// a line, as every checkpoint's offset does.
func endsLine(f *os.File, offset int64) error {
	var b [1]byte
	if _, err := f.ReadAt(b[:], offset-1); err != nil {
		return err
	}
	if b[0] != '\n' {
		return fmt.Errorf("%w: %s: its checkpoint's offset %d is not at the end of a line", ErrCheckpoint, f.Name(), offset)
	}
	return nil
}

// writeFileAtomic replaces the file at path with data: a crash leaves the
// old file or the new one, never a mix.
func writeFileAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n *int64
}

func (c countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	*c.n += int64(n)
	return n, err
}

// parseAttributes reads a map of attributes in DynamoDB JSON, such as a
// checkpoint's last key.
func parseAttributes(data []byte) (map[string]types.AttributeValue, error) {
	p := lineParser{dec: json.NewDecoder(strings.NewReader(string(data)))}
	return p.attributes("")
}
