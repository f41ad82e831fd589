package bulk_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/bulk"
	"github.com/dynamodel/dynamodel/dynamotest"
)

// TestExportImportRoundTrip exports a table holding every attribute type
// (to a writer, to a file and to a gzip file), imports the file into an
// empty table, and checks that every copy holds exactly the table's items.
func TestExportImportRoundTrip(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := testContext(t)
		items, copyTable := db.Table("Items"), db.Table("Copy")
		putItems(t, db.Client, items, sampleItems(60))
		want := scanLines(t, db.Client, items)
		require.Len(t, want, 60)

		var buf bytes.Buffer
		var last bulk.Progress
		res, err := bulk.Export(ctx, db.Client, items, &buf, func(o *bulk.ExportOptions) {
			o.Segments, o.PageSize = 3, 7
			o.Progress = func(p bulk.Progress) { last = p }
		})
		require.NoError(t, err)
		assert.Equal(t, want, textLines(t, buf.String()))
		assert.Equal(t, int64(60), res.Items)
		assert.Equal(t, int64(buf.Len()), res.Bytes)
		assert.True(t, last.Done)
		assert.Equal(t, bulk.Progress{Op: "export", Items: 60, Bytes: res.Bytes, Total: last.Total, Elapsed: last.Elapsed, Done: true}, last)

		dir := t.TempDir()
		for _, name := range []string{"items.json", "items.json.gz"} {
			path := filepath.Join(dir, name)
			res, err := bulk.ExportFile(ctx, db.Client, items, path, func(o *bulk.ExportOptions) { o.Segments, o.PageSize = 4, 10 })
			require.NoError(t, err, name)
			assert.Equal(t, int64(60), res.Items)
			assert.Equal(t, want, fileLines(t, path), name)
			assert.NoFileExists(t, path+bulk.CheckpointSuffix, "the checkpoint goes when the export is complete")
		}

		path := filepath.Join(dir, "items.json.gz")
		var progress []bulk.Progress
		imp, err := bulk.Import(ctx, db.Client, copyTable, []string{path}, func(o *bulk.ImportOptions) {
			o.Progress = func(p bulk.Progress) { progress = append(progress, p) }
		})
		require.NoError(t, err)
		assert.Equal(t, bulk.ImportResult{Lines: 60, Written: 60}, imp)
		assert.Equal(t, want, scanLines(t, db.Client, copyTable))
		require.NotEmpty(t, progress)
		end := progress[len(progress)-1]
		assert.True(t, end.Done)
		info, err := os.Stat(path)
		require.NoError(t, err)
		assert.Equal(t, info.Size(), end.Bytes, "import counts the bytes of the file as stored")
		assert.Equal(t, info.Size(), end.TotalBytes)
	})
}

// TestExportEmptyTable writes an empty file, and for gzip a valid one.
func TestExportEmptyTable(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := testContext(t)
		dir := t.TempDir()
		for _, name := range []string{"empty.json", "empty.json.gz"} {
			path := filepath.Join(dir, name)
			res, err := bulk.ExportFile(ctx, db.Client, db.Table("Items"), path)
			require.NoError(t, err)
			assert.Equal(t, bulk.ExportResult{}, res)
			assert.Empty(t, fileLines(t, path))
		}
		_, err := bulk.ExportFile(ctx, db.Client, db.Table("Missing"), filepath.Join(dir, "missing.json"))
		assert.ErrorIs(t, err, dynamodel.ErrTableNotFound)
		assert.NoFileExists(t, filepath.Join(dir, "missing.json"), "nothing is created for a missing table")
	})
}

// TestExportFileStoppedOnEmptyPages: a gzip export stopped after pages
// without items resumes, where the empty pages had opened a gzip member
// and its checkpoint recorded the member's bytes with no items, which a
// resume refused as damaged.
func TestExportFileStoppedOnEmptyPages(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := testContext(t)
		items := db.Table("Items")
		path := filepath.Join(t.TempDir(), "empty.json.gz")
		cctx, cancel := context.WithCancel(ctx)
		defer cancel()
		_, err := bulk.ExportFile(cctx, db.Client, items, path, func(o *bulk.ExportOptions) {
			o.Segments, o.Concurrency = 2, 1
			o.Progress = func(bulk.Progress) { cancel() }
		})
		require.ErrorIs(t, err, context.Canceled)
		require.FileExists(t, path+bulk.CheckpointSuffix)
		res, err := bulk.ExportFile(ctx, db.Client, items, path, func(o *bulk.ExportOptions) { o.Resume = true })
		require.NoError(t, err)
		assert.True(t, res.Resumed)
		assert.Empty(t, fileLines(t, path))
	})
}

// segmentScans answers every Scan at once with an empty last page, noting
// each segment read, the most calls at once and the most goroutines the
// process had during a call.
type segmentScans struct {
	bulk.API
	mu           sync.Mutex
	read         map[int32]int
	active, peak atomic.Int32
	goroutines   atomic.Int64
}

func (s *segmentScans) Scan(ctx context.Context, in *dynamodb.ScanInput, _ ...func(*dynamodb.Options)) (*dynamodb.ScanOutput, error) {
	n := s.active.Add(1)
	defer s.active.Add(-1)
	for p := s.peak.Load(); n > p && !s.peak.CompareAndSwap(p, n); p = s.peak.Load() {
	}
	for g, p := int64(runtime.NumGoroutine()), s.goroutines.Load(); g > p && !s.goroutines.CompareAndSwap(p, g); p = s.goroutines.Load() {
	}
	s.mu.Lock()
	s.read[aws.ToInt32(in.Segment)]++
	s.mu.Unlock()
	return &dynamodb.ScanOutput{}, ctx.Err()
}

func (s *segmentScans) DescribeTable(context.Context, *dynamodb.DescribeTableInput, ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error) {
	return &dynamodb.DescribeTableOutput{Table: &types.TableDescription{ItemCount: aws.Int64(0)}}, nil
}

// TestExportReadsManySegmentsWithFewGoroutines exports in 20,000 segments,
// 3 at once: every segment is read once, from as many goroutines as read
// at once (Export started a goroutine per segment, 19,999 of them waiting:
// up to a million for DynamoDB's bound).
func TestExportReadsManySegmentsWithFewGoroutines(t *testing.T) {
	const segments = 20000
	api := &segmentScans{read: map[int32]int{}}
	before := runtime.NumGoroutine()
	_, err := bulk.Export(context.Background(), api, "T", io.Discard, func(o *bulk.ExportOptions) {
		o.Segments, o.Concurrency = segments, 3
	})
	require.NoError(t, err)
	require.Len(t, api.read, segments)
	for seg, n := range api.read {
		require.Equal(t, 1, n, "segment %d", seg)
	}
	assert.LessOrEqual(t, api.peak.Load(), int32(3), "at most Concurrency at once")
	assert.Less(t, api.goroutines.Load(), int64(before+20), "goroutines during the export")
}

// TestExportFileCheckpoints: a file with a checkpoint is not overwritten
// without Resume, resuming needs a checkpoint of the same table and
// segments, and a gzip file is complete at every checkpoint.
func TestExportFileCheckpoints(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := testContext(t)
		items := db.Table("Items")
		putItems(t, db.Client, items, sampleItems(30))
		dir := t.TempDir()
		path := filepath.Join(dir, "out.json.gz")

		// An export stopped by its context keeps its checkpoint; the file
		// holds whole gzip members up to it.
		cctx, cancel := context.WithCancel(ctx)
		stopping := &scanHook{API: db.Client, after: 3, hook: cancel}
		_, err := bulk.ExportFile(cctx, stopping, items, path, func(o *bulk.ExportOptions) {
			o.Segments, o.PageSize, o.Concurrency = 2, 5, 1
		})
		require.Error(t, err)
		require.FileExists(t, path+bulk.CheckpointSuffix)
		partial := fileLines(t, path)
		assert.NotEmpty(t, partial)
		assert.Less(t, len(partial), 30)
		// What a process killed after the checkpoint may have left: the
		// start of a gzip member. A resume cuts it off.
		f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
		require.NoError(t, err)
		_, err = f.Write([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff, 'x'})
		require.NoError(t, err)
		require.NoError(t, f.Close())

		_, err = bulk.ExportFile(ctx, db.Client, items, path)
		assert.ErrorIs(t, err, bulk.ErrCheckpoint, "no silent restart over a checkpoint")
		_, err = bulk.ExportFile(ctx, db.Client, items, path, func(o *bulk.ExportOptions) { o.Resume, o.Segments = true, 3 })
		assert.ErrorIs(t, err, bulk.ErrCheckpoint, "a resume keeps the segment count")
		assert.Contains(t, err.Error(), "started with 2 segments, not 3")
		_, err = bulk.ExportFile(ctx, db.Client, db.Table("Copy"), path, func(o *bulk.ExportOptions) { o.Resume = true })
		assert.ErrorIs(t, err, bulk.ErrCheckpoint, "a resume keeps the table")

		res, err := bulk.ExportFile(ctx, db.Client, items, path, func(o *bulk.ExportOptions) { o.Resume = true })
		require.NoError(t, err)
		assert.True(t, res.Resumed)
		assert.Equal(t, int64(30), res.Items)
		assert.Equal(t, scanLines(t, db.Client, items), fileLines(t, path))
		assert.NoFileExists(t, path+bulk.CheckpointSuffix)

		// The finished file has no checkpoint: resuming it again is an
		// error, not a duplicate export.
		_, err = bulk.ExportFile(ctx, db.Client, items, path, func(o *bulk.ExportOptions) { o.Resume = true })
		assert.ErrorIs(t, err, bulk.ErrCheckpoint)

		// The gzip file is several members: standard readers read them
		// all.
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		br := bytes.NewReader(data)
		zr, err := gzip.NewReader(br)
		require.NoError(t, err)
		members := 0
		for {
			zr.Multistream(false)
			_, err := io.Copy(io.Discard, zr)
			require.NoError(t, err)
			members++
			if err := zr.Reset(br); err == io.EOF {
				break
			}
		}
		assert.Greater(t, members, 1)
	})
}

// scanHook is a client that calls hook once, when its Scan has answered
// after times.
type scanHook struct {
	bulk.API
	after int
	hook  func()
	mu    sync.Mutex
	calls int
}

func (c *scanHook) Scan(ctx context.Context, in *dynamodb.ScanInput, optFns ...func(*dynamodb.Options)) (*dynamodb.ScanOutput, error) {
	out, err := c.API.Scan(ctx, in, optFns...)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.calls++; c.calls == c.after {
		c.hook()
	}
	return out, err
}

// TestExportFileCrashBeforeFirstCheckpoint: an export has a checkpoint
// before its file holds a line, so one killed before its first timed
// checkpoint is resumed, not taken for a finished file. The test copies
// the file and its checkpoint in the middle of the export, as a crash
// would leave them, and resumes the copy.
func TestExportFileCrashBeforeFirstCheckpoint(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := testContext(t)
		items := db.Table("Items")
		putItems(t, db.Client, items, sampleItems(30))
		for _, name := range []string{"out.json", "out.json.gz"} {
			dir, crashed := t.TempDir(), t.TempDir()
			path := filepath.Join(dir, name)
			snapshot := func() {
				for _, suffix := range []string{"", bulk.CheckpointSuffix} {
					data, err := os.ReadFile(path + suffix)
					if err == nil {
						err = os.WriteFile(filepath.Join(crashed, name+suffix), data, 0o666)
					}
					assert.NoError(t, err)
				}
			}
			_, err := bulk.ExportFile(ctx, &scanHook{API: db.Client, after: 3, hook: snapshot}, items, path, func(o *bulk.ExportOptions) {
				o.Segments, o.PageSize, o.Concurrency = 2, 5, 1
				o.CheckpointEvery = time.Hour
			})
			require.NoError(t, err)

			res, err := bulk.ExportFile(ctx, db.Client, items, filepath.Join(crashed, name), func(o *bulk.ExportOptions) { o.Resume = true })
			require.NoError(t, err, name)
			assert.True(t, res.Resumed)
			assert.Equal(t, scanLines(t, db.Client, items), fileLines(t, filepath.Join(crashed, name)), name)
		}
	})
}

// TestExportFileOneWriter: a second export to a file another export is
// writing fails (ErrFileInUse, or ErrCheckpoint without Resume) and leaves
// the first one's file alone.
func TestExportFileOneWriter(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := testContext(t)
		items := db.Table("Items")
		putItems(t, db.Client, items, sampleItems(30))
		path := filepath.Join(t.TempDir(), "out.json.gz")
		var second, third error
		meanwhile := func() {
			_, second = bulk.ExportFile(ctx, db.Client, items, path, func(o *bulk.ExportOptions) { o.Resume = true })
			_, third = bulk.ExportFile(ctx, db.Client, items, path)
		}
		res, err := bulk.ExportFile(ctx, &scanHook{API: db.Client, after: 2, hook: meanwhile}, items, path, func(o *bulk.ExportOptions) {
			o.Segments, o.PageSize, o.Concurrency = 2, 5, 1
			o.CheckpointEvery = time.Nanosecond
		})
		require.NoError(t, err)
		assert.Equal(t, int64(30), res.Items)
		assert.ErrorIs(t, second, bulk.ErrFileInUse)
		assert.ErrorContains(t, second, "another export is writing "+path)
		assert.ErrorIs(t, third, bulk.ErrCheckpoint)
		assert.Equal(t, scanLines(t, db.Client, items), fileLines(t, path))
	})
}

// TestImportUnfinishedExport: an export stopped part way is not imported
// (ErrUnfinishedExport, nothing written), where its file, which ends at a
// checkpoint, imported as a clean but partial copy; once resumed to its
// end, it is.
func TestImportUnfinishedExport(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := testContext(t)
		items := db.Table("Items")
		putItems(t, db.Client, items, sampleItems(30))
		path := filepath.Join(t.TempDir(), "out.json")
		cctx, cancel := context.WithCancel(ctx)
		_, err := bulk.ExportFile(cctx, &scanHook{API: db.Client, after: 2, hook: cancel}, items, path, func(o *bulk.ExportOptions) {
			o.Segments, o.PageSize, o.Concurrency = 1, 5, 1
		})
		require.ErrorIs(t, err, context.Canceled)

		_, err = bulk.Import(ctx, db.Client, db.Table("Copy"), []string{path})
		require.ErrorIs(t, err, bulk.ErrUnfinishedExport)
		assert.ErrorContains(t, err, path+" has a checkpoint")
		assert.Empty(t, scanItems(t, db.Client, db.Table("Copy")))

		_, err = bulk.ExportFile(ctx, db.Client, items, path, func(o *bulk.ExportOptions) { o.Resume = true })
		require.NoError(t, err)
		res, err := bulk.Import(ctx, db.Client, db.Table("Copy"), []string{path})
		require.NoError(t, err)
		assert.Equal(t, int64(30), res.Written)
	})
}

// emptyTable is a client of a table with no items that counts its calls.
type emptyTable struct {
	bulk.API
	calls atomic.Int64
}

func (e *emptyTable) DescribeTable(_ context.Context, in *dynamodb.DescribeTableInput, _ ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error) {
	e.calls.Add(1)
	return &dynamodb.DescribeTableOutput{Table: &types.TableDescription{TableName: in.TableName}}, nil
}

func (e *emptyTable) Scan(context.Context, *dynamodb.ScanInput, ...func(*dynamodb.Options)) (*dynamodb.ScanOutput, error) {
	e.calls.Add(1)
	return &dynamodb.ScanOutput{}, nil
}

// TestExportFileDamagedCheckpoint: a checkpoint no export could have
// written (negative counts, more segments than DynamoDB scans in, a plain
// file's offset that disagrees with its bytes or is not at a line's end)
// is refused with ErrCheckpoint, saying what is wrong, before any scan and
// without touching the file, where it was resumed from (a million and one
// segments, each a goroutine and a Scan DynamoDB refuses; a truncate to a
// negative size; lines cut in the middle).
func TestExportFileDamagedCheckpoint(t *testing.T) {
	const lines = `{"Item":{"id":{"S":"a"}}}` + "\n" + `{"Item":{"id":{"S":"b"}}}` + "\n"
	many := strings.Repeat(`{},`, 1000000) + `{}`
	for _, tc := range []struct {
		name, checkpoint, why string
	}{
		{"truncated", `"offset": 52, "items": 2, "bytes": 52, "positions": [{}`, "is damaged: invalid character"},
		{"no segments", `"offset": 52, "items": 2, "bytes": 52, "positions": []`, "is damaged: no segments"},
		{"negative offset", `"offset": -5, "items": 2, "bytes": 52, "positions": [{}]`, "offset -5, 2 items, 52 bytes"},
		{"too many segments", `"offset": 52, "items": 2, "bytes": 52, "positions": [` + many + `]`, "1000001 segments"},
		{"bytes of no items", `"offset": 52, "items": 0, "bytes": 52, "positions": [{}]`, "52 bytes of no items"},
		{"offset not bytes", `"offset": 26, "items": 2, "bytes": 52, "positions": [{}]`, "a plain file of 26 bytes holding 52 bytes of lines"},
		{"mid-line", `"offset": 30, "items": 2, "bytes": 30, "positions": [{}]`, "offset 30 is not at the end of a line"},
	} {
		path := filepath.Join(t.TempDir(), "out.json")
		require.NoError(t, os.WriteFile(path, []byte(lines), 0o644))
		cp := `{"format": "dynamodel-export-checkpoint/1", "table": "T", "gzip": false, ` + tc.checkpoint + `}`
		require.NoError(t, os.WriteFile(path+bulk.CheckpointSuffix, []byte(cp), 0o644))
		client := &emptyTable{}
		_, err := bulk.ExportFile(testContext(t), client, "T", path, func(o *bulk.ExportOptions) { o.Resume = true })
		require.ErrorIs(t, err, bulk.ErrCheckpoint, tc.name)
		assert.Contains(t, err.Error(), tc.why, tc.name)
		assert.LessOrEqual(t, client.calls.Load(), int64(1), "no scan: %s", tc.name)
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		assert.Equal(t, lines, string(data), "the file is left alone: %s", tc.name)
	}
}

// TestExportConcurrencyBounded: a Concurrency above the segment count
// reads the segments all at once, where it sized a channel by it and
// panicked (makechan: size out of range).
func TestExportConcurrencyBounded(t *testing.T) {
	var out bytes.Buffer
	res, err := bulk.Export(testContext(t), &emptyTable{}, "T", &out, func(o *bulk.ExportOptions) {
		o.Segments, o.Concurrency = 2, math.MaxInt
	})
	require.NoError(t, err)
	assert.Zero(t, res.Items)
	assert.Empty(t, out.String())
}

// TestExportFileKeepsOldFileUntilCheckpoint: a new export over a finished
// one records its checkpoint before it empties the file, so one stopped in
// between (here its checkpoint cannot be written) leaves the old export
// whole, where it left an empty file without a checkpoint: a finished
// export of no items.
func TestExportFileKeepsOldFileUntilCheckpoint(t *testing.T) {
	const old = `{"Item":{"id":{"S":"a"}}}` + "\n"
	path := filepath.Join(t.TempDir(), "out.json")
	require.NoError(t, os.WriteFile(path, []byte(old), 0o644))
	require.NoError(t, os.Mkdir(path+bulk.CheckpointSuffix+".tmp", 0o755)) // the checkpoint cannot be written
	_, err := bulk.ExportFile(testContext(t), &emptyTable{}, "T", path)
	require.Error(t, err)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, old, string(data))
	assert.NoFileExists(t, path+bulk.CheckpointSuffix)
}
