package bulk

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodel/dynamodel/internal/workers"
)

// ExportOptions are the options of Export and ExportFile.
type ExportOptions struct {
	// Segments is how many segments the table is scanned in, in parallel
	// (DynamoDB's TotalSegments). Default 4; a resumed export keeps the
	// count it started with.
	Segments int
	// Concurrency bounds how many segments are read at once, at most
	// Segments. Default Segments, at most 16. Above 10, make the client with
	// dynamodel.WithConnections: the SDK's default HTTP client keeps only
	// 10 idle connections and opens new ones for the rest.
	Concurrency int
	// ConsistentRead scans with strongly consistent reads.
	ConsistentRead bool
	// PageSize is how many items each Scan request asks for (DynamoDB's
	// Limit); 0 means as many as fit in DynamoDB's 1 MB page.
	PageSize int
	// Progress, when set, is called as the export goes (see Progress).
	Progress func(Progress)
	// Resume makes ExportFile continue the export its checkpoint records
	// instead of starting over. Export ignores it.
	Resume bool
	// CheckpointEvery is how often ExportFile flushes its output and
	// records a checkpoint. Default 5 seconds.
	CheckpointEvery time.Duration
	// ClientOptions are passed to every SDK call.
	ClientOptions []func(*dynamodb.Options)
}

// MaxSegments is the most segments DynamoDB scans a table in
// (TotalSegments): ExportOptions.Segments may not exceed it.
const MaxSegments = 1000000

// checkScan checks the scan options exports and backfills share.
func checkScan(segments, pageSize int) error {
	switch {
	case segments > MaxSegments:
		return fmt.Errorf("%w: %d segments: DynamoDB scans in at most %d", ErrInvalidOptions, segments, MaxSegments)
	case pageSize > math.MaxInt32:
		return fmt.Errorf("%w: a page size of %d: at most %d", ErrInvalidOptions, pageSize, math.MaxInt32)
	}
	return nil
}

func (o ExportOptions) withDefaults() ExportOptions {
	if o.Segments <= 0 {
		o.Segments = 4
	}
	if o.Concurrency <= 0 {
		o.Concurrency = min(o.Segments, 16)
	}
	o.Concurrency = min(o.Concurrency, o.Segments) // no more readers than segments
	if o.CheckpointEvery <= 0 {
		o.CheckpointEvery = 5 * time.Second
	}
	return o
}

// ExportResult says what an export wrote.
type ExportResult struct {
	// Items is how many items the output holds (with a resumed export's
	// earlier ones).
	Items int64
	// Bytes is the size of the lines written, uncompressed.
	Bytes int64
	// Resumed is set when ExportFile continued an earlier export.
	Resumed bool
}

// Export writes every item of table to w, one line of DynamoDB JSON each
// (see AppendLine): the format of DynamoDB's own export to S3. The table is
// scanned in Segments segments in parallel, so lines come in no particular
// order. It returns when every item is written, or at the first error.
// Writing to a file that should survive an interruption is ExportFile's
// job.
func Export(ctx context.Context, client API, table string, w io.Writer, optFns ...func(*ExportOptions)) (ExportResult, error) {
	opts := collect(ExportOptions{}, optFns).withDefaults()
	if err := checkScan(opts.Segments, opts.PageSize); err != nil {
		return ExportResult{}, err
	}
	total, err := itemCount(ctx, client, table, opts.ClientOptions)
	if err != nil {
		return ExportResult{}, opError("DescribeTable", table, err)
	}
	bw := bufio.NewWriterSize(w, 256<<10)
	x := &exporter{client: client, table: table, opts: opts, total: total, positions: make([]position, opts.Segments)}
	err = x.run(ctx, bw, nil)
	if ferr := bw.Flush(); err == nil && ferr != nil {
		err = ferr
	}
	return ExportResult{Items: x.items, Bytes: x.bytes}, err
}

// itemCount returns the table's item count as DynamoDB last reported it.
func itemCount(ctx context.Context, client describer, table string, optFns []func(*dynamodb.Options)) (int64, error) {
	out, err := client.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: &table}, optFns...)
	if err != nil {
		return 0, err
	}
	return aws.ToInt64(out.Table.ItemCount), nil
}

// position is where a segment's scan stands.
type position struct {
	Done  bool                            // read to its end
	After map[string]types.AttributeValue // the last key read; nil at the start
}

// exporter runs one export.
type exporter struct {
	client    API
	table     string
	opts      ExportOptions
	total     int64
	positions []position // per segment, as far as the output holds
	items     int64      // items in the output
	bytes     int64      // bytes of lines in the output
	resumed   int64      // items written before this process
}

// page is one Scan page of a segment, encoded.
type page struct {
	segment int
	lines   []byte
	items   int64
	next    map[string]types.AttributeValue
	err     error
}

var linePool = sync.Pool{New: func() any { b := make([]byte, 0, 64<<10); return &b }}

// run scans the segments not done yet and writes their lines to w in the
// order pages arrive. Every checkpointEvery it calls checkpoint (when not
// nil), at a point where the output holds exactly the pages the positions
// say; and once more at the end, error or not.
func (x *exporter) run(ctx context.Context, w io.Writer, checkpoint func() error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pages := make(chan page, x.opts.Concurrency)
	type segStart struct {
		seg   int
		after map[string]types.AttributeValue
	}
	var todo []segStart
	for seg, pos := range x.positions {
		if !pos.Done {
			todo = append(todo, segStart{seg, pos.After})
		}
	}
	// Concurrency readers take the segments in turn: a goroutine per
	// segment would be a million of them at DynamoDB's most segments.
	go func() {
		workers.Each(len(todo), x.opts.Concurrency, func(i int) bool {
			if ctx.Err() != nil {
				return false
			}
			x.readSegment(ctx, todo[i].seg, todo[i].after, pages)
			return true
		})
		close(pages)
	}()

	start := time.Now()
	lastCheckpoint, lastProgress := start, time.Time{}
	report := func(done bool) {
		if x.opts.Progress == nil {
			return
		}
		now := time.Now()
		if !done && now.Sub(lastProgress) < progressEvery {
			return
		}
		lastProgress = now
		x.opts.Progress(Progress{Op: "export", Items: x.items, Bytes: x.bytes, Resumed: x.resumed,
			Total: x.total, Elapsed: now.Sub(start), Done: done})
	}
	var err error
	for p := range pages {
		if err != nil {
			continue // drain: the readers stop once cancelled
		}
		if p.err != nil {
			err = p.err
			cancel()
			continue
		}
		if _, werr := w.Write(p.lines); werr != nil {
			err = werr
			cancel()
			continue
		}
		x.items += p.items
		x.bytes += int64(len(p.lines))
		x.positions[p.segment] = position{Done: len(p.next) == 0, After: p.next}
		buf := p.lines[:0]
		linePool.Put(&buf)
		report(false)
		if checkpoint != nil && time.Since(lastCheckpoint) >= x.opts.CheckpointEvery {
			if err = checkpoint(); err != nil {
				cancel()
			}
			lastCheckpoint = time.Now()
		}
	}
	if err == nil {
		err = ctx.Err()
	}
	if checkpoint != nil {
		if cerr := checkpoint(); err == nil {
			err = cerr
		}
	}
	lastProgress = time.Time{} // the last report is made whenever it comes
	report(err == nil)         // a stopped export ends without Done (see Progress)
	if err == nil {
		return nil
	}
	return opError("export", x.table, err)
}

// readSegment scans one segment from after, sending each page's lines.
func (x *exporter) readSegment(ctx context.Context, seg int, after map[string]types.AttributeValue, pages chan<- page) {
	in := &dynamodb.ScanInput{
		TableName:      &x.table,
		ConsistentRead: aws.Bool(x.opts.ConsistentRead),
	}
	if len(x.positions) > 1 {
		in.Segment, in.TotalSegments = aws.Int32(int32(seg)), aws.Int32(int32(len(x.positions)))
	}
	if x.opts.PageSize > 0 {
		in.Limit = aws.Int32(int32(x.opts.PageSize))
	}
	var enc lineEncoder
	for {
		in.ExclusiveStartKey = after
		var out *dynamodb.ScanOutput
		err := retryThrottled(ctx, func() (err error) {
			out, err = x.client.Scan(ctx, in, x.opts.ClientOptions...)
			return err
		})
		p := page{segment: seg, err: err}
		if err == nil {
			buf := *linePool.Get().(*[]byte)
			for _, item := range out.Items {
				if buf, err = enc.appendLine(buf, item); err != nil {
					p.err = err
					break
				}
			}
			p.lines, p.items, p.next = buf, int64(len(out.Items)), out.LastEvaluatedKey
		}
		select {
		case pages <- p:
		case <-ctx.Done():
			return
		}
		if p.err != nil || len(p.next) == 0 {
			return
		}
		after = p.next
	}
}

// collect applies optFns to opts.
func collect[O any](opts O, optFns []func(*O)) O {
	for _, fn := range optFns {
		fn(&opts)
	}
	return opts
}
