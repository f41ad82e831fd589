package bulk

import (
	"bytes"
	"context"
	_ "embed" // the control table's definition
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/internal/attr"
	"github.com/dynamodel/dynamodel/schema"
)

// DefaultControlTable is the name of the control table backfills use unless
// BackfillOptions.ControlTable names another.
const DefaultControlTable = "dynamodel-backfill"

//go:embed control-table.json
var controlTableJSON []byte

// ControlTableJSON returns the control table's definition in the format of
// `aws dynamodb create-table --cli-input-json` (and of `dynamodel apply`),
// under the name DefaultControlTable: a partition key "run" (S) and a sort
// key "segment" (N), billed per request. The file is control-table.json in
// this package's directory.
func ControlTableJSON() []byte { return bytes.Clone(controlTableJSON) }

// ControlTable returns the control table's definition (see
// ControlTableJSON) under the name table; "" means DefaultControlTable.
func ControlTable(table string) (*schema.Table, error) {
	data := controlTableJSON
	if table != "" && table != DefaultControlTable {
		if err := dynamodel.CheckTableName(table); err != nil {
			return nil, err
		}
		data = bytes.Replace(data, []byte(`"`+DefaultControlTable+`"`), []byte(strconv.Quote(table)), 1)
	}
	return schema.Parse("control-table.json", data)
}

// CreateControlTable creates the control table called table ("" means
// DefaultControlTable) unless it exists, and waits until it is ACTIVE.
func CreateControlTable(ctx context.Context, client schema.API, table string, optFns ...func(*schema.Options)) error {
	t, err := ControlTable(table)
	if err != nil {
		return err
	}
	_, err = t.Create(ctx, client, optFns...)
	return err
}

// Control table attributes. A run has a header item (segment -1) and an
// item per segment, made when the segment is first leased.
const (
	attrRun        = "run"
	attrSegment    = "segment"
	attrTable      = "table"       // header: the table the run is over
	attrSegments   = "segments"    // header: the run's segment count
	attrID         = "id"          // header: a random id, part of the marker
	attrMarker     = "marker"      // header: the attribute rewrites store the marker in
	attrCreated    = "created"     // header
	attrFinished   = "finished"    // header: when the last segment was done
	attrReadUnits  = "read_units"  // header: the run's read budget per second
	attrWriteUnits = "write_units" // header: the run's write budget per second
	attrState      = "state"       // "running"/"done" (header), "active"/"done" (segment)
	attrOwner      = "owner"       // segment: the worker holding the lease
	attrLease      = "lease"       // segment: lease expiry, Unix milliseconds
	attrPosition   = "position"    // segment: the last key of the last page done (a map)
	attrUpdated    = "updated"     // segment: when last saved
	attrSave       = "save"        // segment: a random id of the last save, which a resent save finds
)

const (
	stateRunning = "running"
	stateActive  = "active"
	stateDone    = "done"
	headerSeg    = -1
)

// countAttrs names the control attribute of each count, in Counts' order.
var countAttrs = [...]string{"read", "kept", "rewritten", "deleted", "skipped", "failed", "conflicts", "bytes", "takeovers", "read_capacity", "write_capacity"}

// errLeaseLost reports that another worker holds a segment now.
var errLeaseLost = errors.New("bulk: lease lost")

// runHeader is a run's header item.
type runHeader struct {
	table       string
	segments    int
	id          string
	marker      string // the marker attribute; "" in runs started before it was recorded
	created     time.Time
	readUnits   float64
	writeUnits  float64
	finished    bool
	finishedAt  time.Time
	initialized bool // the header exists
}

// segmentRow is a segment's item.
type segmentRow struct {
	segment  int
	state    string
	owner    string
	lease    time.Time
	position map[string]types.AttributeValue
	counts   Counts
	updated  time.Time
}

// coordinator keeps a run's shared state: a control table, or a fake in
// tests.
type coordinator interface {
	// start creates the run's header, or reads the existing one.
	start(ctx context.Context, h runHeader) (runHeader, error)
	// rows reads the header and the segment items.
	rows(ctx context.Context) (runHeader, []segmentRow, error)
	// claim leases segment seg to owner until until, unless it is done or
	// another worker's lease on it runs after now. It returns the segment
	// as it was.
	claim(ctx context.Context, seg int, owner string, now, until time.Time) (old segmentRow, ok bool, err error)
	// save records a page done: the position after it (nil when the
	// segment is done), counts to add, and a renewed lease.
	save(ctx context.Context, seg int, owner string, pos map[string]types.AttributeValue, done bool, add Counts, now, until time.Time) error
	// renew extends owner's lease on seg.
	renew(ctx context.Context, seg int, owner string, until time.Time) error
	// release gives seg up, so any worker may take it at once.
	release(ctx context.Context, seg int, owner string, now time.Time) error
	// finish marks the run done.
	finish(ctx context.Context, now time.Time) error
}

// controlTable is the coordinator on a DynamoDB table.
type controlTable struct {
	client  dynamodel.API
	table   string
	run     string
	options []func(*dynamodb.Options)
}

func (c *controlTable) key(seg int) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{attrRun: sv(c.run), attrSegment: nv(int64(seg))}
}

// fail wraps a control table error; a missing table is ErrNoControlTable.
func (c *controlTable) fail(op string, err error) error {
	var nf *types.ResourceNotFoundException
	if errors.As(err, &nf) {
		return fmt.Errorf("%w: %s (create it with bulk.CreateControlTable, or `dynamodel apply` on the package's control-table.json): %v",
			ErrNoControlTable, c.table, err)
	}
	return fmt.Errorf("bulk: control table %s: %s run %q: %w", c.table, op, c.run, err)
}

func (c *controlTable) start(ctx context.Context, h runHeader) (runHeader, error) {
	// Read first: segment records without a header are an error (rows),
	// where creating a header would start the run again under a new
	// marker.
	old, _, err := c.rows(ctx)
	if err != nil || old.initialized {
		return c.started(ctx, h, old, err)
	}
	item := c.key(headerSeg)
	item[attrTable] = sv(h.table)
	item[attrSegments] = nv(int64(h.segments))
	item[attrID] = sv(h.id)
	item[attrMarker] = sv(h.marker)
	item[attrCreated] = sv(h.created.UTC().Format(time.RFC3339Nano))
	item[attrState] = sv(stateRunning)
	item[attrReadUnits] = fv(h.readUnits)
	item[attrWriteUnits] = fv(h.writeUnits)
	_, err = c.client.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: &c.table, Item: item,
		ConditionExpression:      aws.String("attribute_not_exists(#r)"),
		ExpressionAttributeNames: map[string]string{"#r": attrRun},
	}, c.options...)
	if err == nil {
		h.initialized = true
		return h, nil
	}
	if failed, _ := isConditionFailed(err); !failed {
		return runHeader{}, c.fail("create", err)
	}
	old, _, err = c.rows(ctx) // another worker created it meanwhile
	return c.started(ctx, h, old, err)
}

// started joins a run whose header (old, read with err) exists; a worker
// started with a budget (in h) sets the run's.
func (c *controlTable) started(ctx context.Context, h, old runHeader, err error) (runHeader, error) {
	if err != nil {
		return runHeader{}, err
	}
	budget := (h.readUnits != 0 && h.readUnits != old.readUnits) || (h.writeUnits != 0 && h.writeUnits != old.writeUnits)
	if budget && old.table == h.table {
		// A worker started with a budget sets the run's budget.
		old.readUnits = cmp(h.readUnits, old.readUnits)
		old.writeUnits = cmp(h.writeUnits, old.writeUnits)
		_, err := c.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{
			TableName: &c.table, Key: c.key(headerSeg),
			UpdateExpression:          aws.String("SET #ru = :ru, #wu = :wu"),
			ExpressionAttributeNames:  map[string]string{"#ru": attrReadUnits, "#wu": attrWriteUnits},
			ExpressionAttributeValues: map[string]types.AttributeValue{":ru": fv(old.readUnits), ":wu": fv(old.writeUnits)},
		}, c.options...)
		if err != nil {
			return runHeader{}, c.fail("set budget", err)
		}
	}
	return old, nil
}

// cmp returns a when it is set, else b.
func cmp(a, b float64) float64 {
	if a != 0 {
		return a
	}
	return b
}

func (c *controlTable) rows(ctx context.Context) (runHeader, []segmentRow, error) {
	in := &dynamodb.QueryInput{
		TableName:                 &c.table,
		KeyConditionExpression:    aws.String("#r = :r"),
		ExpressionAttributeNames:  map[string]string{"#r": attrRun},
		ExpressionAttributeValues: map[string]types.AttributeValue{":r": sv(c.run)},
		ConsistentRead:            aws.Bool(true),
	}
	var (
		h    runHeader
		rows []segmentRow
	)
	for {
		out, err := c.client.Query(ctx, in, c.options...)
		if err != nil {
			return h, nil, c.fail("read", err)
		}
		for _, item := range out.Items {
			seg := int(num(item[attrSegment]))
			if seg == headerSeg {
				h = readHeader(item)
				if h.segments < 1 || h.segments > MaxSegments {
					return h, nil, c.fail("read", fmt.Errorf("%w: its header says %d segments, not a count from 1 to %d (was it edited?)",
						ErrRunMismatch, h.segments, MaxSegments))
				}
				continue
			}
			if err := checkRow(item); err != nil {
				return h, nil, c.fail("read", err)
			}
			rows = append(rows, readRow(seg, item))
		}
		if len(out.LastEvaluatedKey) == 0 {
			if err := checkRows(h, rows); err != nil {
				return h, nil, c.fail("read", err)
			}
			return h, rows, nil
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
}

// checkRow reports a segment item no worker writes: a segment that is not
// a whole number below MaxSegments (a larger one would not fit an int), a
// position that is not a map.
func checkRow(item map[string]types.AttributeValue) error {
	seg := num(item[attrSegment])
	if seg != math.Trunc(seg) || seg < 0 || seg >= MaxSegments {
		return fmt.Errorf("%w: a record of segment %s, not a segment number (was it edited?)", ErrRunMismatch, numText(item[attrSegment]))
	}
	if p, ok := item[attrPosition]; ok {
		if _, ok := p.(*types.AttributeValueMemberM); !ok {
			return fmt.Errorf("%w: segment %d's position is a %s, not a map (was it edited?)", ErrRunMismatch, int(seg), attr.TypeName(p))
		}
	}
	return nil
}

// checkRows reports segment items that do not belong to the run's header:
// a segment past its count, or items without a header (it was deleted: a
// new one would give the run a new marker, and its items would be
// rewritten again).
func checkRows(h runHeader, rows []segmentRow) error {
	for _, r := range rows {
		switch {
		case !h.initialized:
			return fmt.Errorf("%w: the run has segment records but no header (was it deleted?)", ErrRunMismatch)
		case r.segment >= h.segments:
			return fmt.Errorf("%w: a record of segment %d, past the header's %d segments (was it edited?)", ErrRunMismatch, r.segment, h.segments)
		}
	}
	return nil
}

func readHeader(item map[string]types.AttributeValue) runHeader {
	h := runHeader{
		table: str(item[attrTable]), segments: int(num(item[attrSegments])), id: str(item[attrID]), marker: str(item[attrMarker]),
		readUnits: num(item[attrReadUnits]), writeUnits: num(item[attrWriteUnits]),
		finished: str(item[attrState]) == stateDone, initialized: true,
	}
	h.created, _ = time.Parse(time.RFC3339Nano, str(item[attrCreated]))
	h.finishedAt, _ = time.Parse(time.RFC3339Nano, str(item[attrFinished]))
	return h
}

func readRow(seg int, item map[string]types.AttributeValue) segmentRow {
	r := segmentRow{segment: seg, state: str(item[attrState]), owner: str(item[attrOwner])}
	if ms := num(item[attrLease]); ms > 0 {
		r.lease = time.UnixMilli(int64(ms))
	}
	if m, ok := item[attrPosition].(*types.AttributeValueMemberM); ok {
		r.position = m.Value
	}
	r.updated, _ = time.Parse(time.RFC3339Nano, str(item[attrUpdated]))
	for i, name := range countAttrs {
		r.counts.set(i, num(item[name]))
	}
	return r
}

func (c *controlTable) claim(ctx context.Context, seg int, owner string, now, until time.Time) (segmentRow, bool, error) {
	out, err := c.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:        &c.table,
		Key:              c.key(seg),
		UpdateExpression: aws.String("SET #o = :me, #l = :until, #s = :active, #u = :now"),
		ConditionExpression: aws.String("attribute_not_exists(#s) OR (#s <> :done AND " +
			"(attribute_not_exists(#o) OR #l < :nowms OR #o = :me))"),
		ExpressionAttributeNames: map[string]string{"#o": attrOwner, "#l": attrLease, "#s": attrState, "#u": attrUpdated},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":me": sv(owner), ":until": nv(until.UnixMilli()), ":active": sv(stateActive), ":done": sv(stateDone),
			":now": sv(now.UTC().Format(time.RFC3339Nano)), ":nowms": nv(now.UnixMilli()),
		},
		ReturnValues: types.ReturnValueAllOld,
	}, c.options...)
	if failed, _ := isConditionFailed(err); failed {
		return segmentRow{}, false, nil
	}
	if err != nil {
		return segmentRow{}, false, c.fail("lease segment "+strconv.Itoa(seg), err)
	}
	return readRow(seg, out.Attributes), true, nil
}

// save stores a page done. It is idempotent: the update also stores a
// random save id, so that when an answer is lost and the SDK sends the
// update again (which then fails its condition: the counts are not added
// twice), the segment's row tells that the save was applied.
func (c *controlTable) save(ctx context.Context, seg int, owner string, pos map[string]types.AttributeValue, done bool, add Counts, now, until time.Time) error {
	id := randomID(8)
	names := map[string]string{"#o": attrOwner, "#u": attrUpdated, "#p": attrPosition, "#l": attrLease, "#v": attrSave}
	values := map[string]types.AttributeValue{":me": sv(owner), ":now": sv(now.UTC().Format(time.RFC3339Nano)), ":save": sv(id)}
	var expr strings.Builder
	if done {
		names["#s"] = attrState
		values[":done"] = sv(stateDone)
		expr.WriteString("SET #s = :done, #u = :now, #v = :save REMOVE #o, #l, #p")
	} else {
		values[":until"] = nv(until.UnixMilli())
		values[":pos"] = &types.AttributeValueMemberM{Value: pos}
		expr.WriteString("SET #l = :until, #u = :now, #p = :pos, #v = :save")
	}
	sep := " ADD "
	for i, name := range countAttrs {
		v := add.get(i)
		if v == 0 {
			continue
		}
		ph := strconv.Itoa(i)
		names["#c"+ph] = name
		values[":c"+ph] = fv(v)
		expr.WriteString(sep + "#c" + ph + " :c" + ph)
		sep = ", "
	}
	_, err := c.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: &c.table, Key: c.key(seg),
		UpdateExpression:          aws.String(expr.String()),
		ConditionExpression:       aws.String("#o = :me AND (attribute_not_exists(#v) OR #v <> :save)"),
		ExpressionAttributeNames:  names,
		ExpressionAttributeValues: values,
	}, c.options...)
	if failed, _ := isConditionFailed(err); failed {
		return c.saved(ctx, seg, id)
	}
	if err != nil {
		return c.fail("save segment "+strconv.Itoa(seg), err)
	}
	return nil
}

// saved tells a save whose condition failed that was applied all the same
// (an earlier send of it, whose answer was lost) from one refused because
// another worker holds the segment now (errLeaseLost).
func (c *controlTable) saved(ctx context.Context, seg int, id string) error {
	out, err := c.client.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: &c.table, Key: c.key(seg), ConsistentRead: aws.Bool(true),
		ProjectionExpression:     aws.String("#v"),
		ExpressionAttributeNames: map[string]string{"#v": attrSave},
	}, c.options...)
	if err != nil {
		return c.fail("save segment "+strconv.Itoa(seg), err)
	}
	if str(out.Item[attrSave]) == id {
		return nil
	}
	return errLeaseLost
}

func (c *controlTable) renew(ctx context.Context, seg int, owner string, until time.Time) error {
	_, err := c.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: &c.table, Key: c.key(seg),
		UpdateExpression:          aws.String("SET #l = :until"),
		ConditionExpression:       aws.String("#o = :me"),
		ExpressionAttributeNames:  map[string]string{"#o": attrOwner, "#l": attrLease},
		ExpressionAttributeValues: map[string]types.AttributeValue{":me": sv(owner), ":until": nv(until.UnixMilli())},
	}, c.options...)
	if failed, _ := isConditionFailed(err); failed {
		return errLeaseLost
	}
	if err != nil {
		return c.fail("renew lease on segment "+strconv.Itoa(seg), err)
	}
	return nil
}

func (c *controlTable) release(ctx context.Context, seg int, owner string, now time.Time) error {
	_, err := c.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: &c.table, Key: c.key(seg),
		UpdateExpression:          aws.String("SET #u = :now REMOVE #o, #l"),
		ConditionExpression:       aws.String("#o = :me"),
		ExpressionAttributeNames:  map[string]string{"#o": attrOwner, "#l": attrLease, "#u": attrUpdated},
		ExpressionAttributeValues: map[string]types.AttributeValue{":me": sv(owner), ":now": sv(now.UTC().Format(time.RFC3339Nano))},
	}, c.options...)
	if failed, _ := isConditionFailed(err); failed {
		return errLeaseLost
	}
	if err != nil {
		return c.fail("release segment "+strconv.Itoa(seg), err)
	}
	return nil
}

func (c *controlTable) finish(ctx context.Context, now time.Time) error {
	_, err := c.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: &c.table, Key: c.key(headerSeg),
		UpdateExpression:          aws.String("SET #s = :done, #f = :now"),
		ConditionExpression:       aws.String("attribute_exists(#r)"),
		ExpressionAttributeNames:  map[string]string{"#s": attrState, "#f": attrFinished, "#r": attrRun},
		ExpressionAttributeValues: map[string]types.AttributeValue{":done": sv(stateDone), ":now": sv(now.UTC().Format(time.RFC3339Nano))},
	}, c.options...)
	if err != nil {
		return c.fail("finish", err)
	}
	return nil
}

func sv(s string) types.AttributeValue { return &types.AttributeValueMemberS{Value: s} }
func nv(n int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(n, 10)}
}
func fv(f float64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatFloat(f, 'f', -1, 64)}
}

// numText returns a number attribute's text, or its type's name.
func numText(av types.AttributeValue) string {
	if n, ok := av.(*types.AttributeValueMemberN); ok {
		return n.Value
	}
	return attr.TypeName(av)
}

// str returns a string attribute's value; "" for anything else.
func str(av types.AttributeValue) string {
	if s, ok := av.(*types.AttributeValueMemberS); ok {
		return s.Value
	}
	return ""
}

// num returns a number attribute's value; 0 for anything else.
func num(av types.AttributeValue) float64 {
	if n, ok := av.(*types.AttributeValueMemberN); ok {
		f, _ := strconv.ParseFloat(n.Value, 64)
		return f
	}
	return 0
}
