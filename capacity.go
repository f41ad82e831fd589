package dynamodel

import (
	"fmt"
	"maps"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Capacity adds up the capacity calls consume, as DynamoDB reports it, and
// for queries and scans the items they evaluated and returned. Give a call
// one in its options, and it asks DynamoDB for its consumed capacity
// (ReturnConsumedCapacity INDEXES) and adds what every response reports:
// every page of a Query or Scan, every request of a batch (resends
// included), a transaction's, and the read dynamodel makes after a failed
// condition on an engine that does not return the item. Failed requests
// report nothing, so they add nothing (a canceled transaction or a failed
// condition still consumes capacity on DynamoDB's side).
//
//	var c dynamodel.Capacity
//	n, err := orders.QueryCount(ctx, kc, func(o *dynamodel.QueryOptions) { o.Capacity = &c })
//	log.Print(c.Usage()) // 1.5 capacity units (1.5 read, 0 write) in 2 requests; 310 items evaluated, 12 returned, 0 skipped
//
// Every call's options have the field: ReadOptions (so Get, Lookup, Query,
// QueryPage, QueryCount, Scan, ScanPage, ScanCount, BatchGet), PutOptions,
// UpdateOptions, DeleteOptions, BatchWriteOptions and TransactOptions (the
// actions of a transaction count in its TransactOptions). A call without
// one leaves ReturnConsumedCapacity out of its requests and allocates
// nothing for it.
//
// A Capacity is safe for concurrent use: parallel scans, batches and
// goroutines may share one. Its zero value is empty and ready to use.
type Capacity struct {
	mu sync.Mutex
	u  Usage
}

// Usage is what a Capacity has added up.
type Usage struct {
	// Requests counts the responses added, whether or not they reported
	// capacity (some engines report none for some operations).
	Requests int

	// Units are the capacity units of every table and index together.
	Units Units

	// Tables breaks Units down by table name; nil until a response names
	// a table.
	Tables map[string]TableUsage

	// Evaluated counts the items queries and scans evaluated, before any
	// filter (DynamoDB's ScannedCount): what their reads paid for.
	// Returned counts the items they returned, or counted, after filters
	// (DynamoDB's Count). Other calls add to neither.
	Evaluated, Returned int

	// Skipped counts the items returned that a read passed over instead
	// of yielding: an entity's reads, items of other entities; a Table's,
	// items whose entity-type attribute contradicts their key (see Entity
	// and Page.Skipped). They are in Returned too. An iterator stopped
	// part-way through a page may have counted the whole page's: the
	// direct read path recognises a page's items as it arrives.
	Skipped int
}

// Units are capacity units: the total, and the read and write units in it.
// DynamoDB may report only the total; the total is then the operation's
// kind: read units for a read (and for the read dynamodel makes after a
// failed condition), write units for a write or a write transaction.
type Units struct {
	Total, Read, Write float64
}

// TableUsage is the capacity consumed on one table.
type TableUsage struct {
	Units   Units            // the table and its indexes together
	Table   Units            // the table itself
	Indexes map[string]Units // each global or local secondary index, by name
}

// Usage returns what c has added up so far: a copy, which later calls do
// not change.
func (c *Capacity) Usage() Usage {
	c.mu.Lock()
	defer c.mu.Unlock()
	u := c.u
	if u.Tables != nil {
		u.Tables = make(map[string]TableUsage, len(c.u.Tables))
		for name, t := range c.u.Tables {
			t.Indexes = maps.Clone(t.Indexes)
			u.Tables[name] = t
		}
	}
	return u
}

// String sums u up in one line, for logs.
func (u Usage) String() string {
	return fmt.Sprintf("%g capacity units (%g read, %g write) in %d requests; %d items evaluated, %d returned, %d skipped",
		u.Units.Total, u.Units.Read, u.Units.Write, u.Requests, u.Evaluated, u.Returned, u.Skipped)
}

// mode is the ReturnConsumedCapacity of a request whose capacity goes to c:
// nothing (left out of the request) when c is nil.
func (c *Capacity) mode() types.ReturnConsumedCapacity {
	if c == nil {
		return ""
	}
	return types.ReturnConsumedCapacityIndexes
}

// read adds one response of a read (nil: no capacity reported); write
// adds one of a write. Like every method that adds, they do nothing when c
// is nil.
func (c *Capacity) read(cc *types.ConsumedCapacity)  { c.add(cc, 0, 0, readUnits) }
func (c *Capacity) write(cc *types.ConsumedCapacity) { c.add(cc, 0, 0, writeUnits) }

// page adds one page of a query or scan: its capacity and its counts.
func (c *Capacity) page(cc *types.ConsumedCapacity, evaluated, returned int32) {
	c.add(cc, evaluated, returned, readUnits)
}

// reads adds one response of a read over several tables (BatchGetItem,
// TransactGetItems); writes adds one of a write.
func (c *Capacity) reads(ccs []types.ConsumedCapacity)  { c.addAll(ccs, readUnits) }
func (c *Capacity) writes(ccs []types.ConsumedCapacity) { c.addAll(ccs, writeUnits) }

// skip adds n items a read passed over (Usage.Skipped).
func (c *Capacity) skip(n int) {
	if c == nil || n == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.u.Skipped += n
}

// unitKind says which units an operation consumes, for responses that
// report only a total.
type unitKind uint8

const (
	readUnits unitKind = iota
	writeUnits
)

func (c *Capacity) add(cc *types.ConsumedCapacity, evaluated, returned int32, kind unitKind) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.u.Requests++
	c.u.Evaluated += int(evaluated)
	c.u.Returned += int(returned)
	if cc != nil {
		c.u.addConsumed(cc, kind)
	}
}

func (c *Capacity) addAll(ccs []types.ConsumedCapacity, kind unitKind) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.u.Requests++
	for i := range ccs {
		c.u.addConsumed(&ccs[i], kind)
	}
}

func (u *Usage) addConsumed(cc *types.ConsumedCapacity, kind unitKind) {
	units := unitsOf(cc.CapacityUnits, cc.ReadCapacityUnits, cc.WriteCapacityUnits, kind)
	u.Units = u.Units.plus(units)
	if u.Tables == nil {
		u.Tables = make(map[string]TableUsage)
	}
	name := aws.ToString(cc.TableName)
	t := u.Tables[name]
	t.Units = t.Units.plus(units)
	if c := cc.Table; c != nil {
		t.Table = t.Table.plus(unitsOf(c.CapacityUnits, c.ReadCapacityUnits, c.WriteCapacityUnits, kind))
	}
	for _, indexes := range []map[string]types.Capacity{cc.GlobalSecondaryIndexes, cc.LocalSecondaryIndexes} {
		for index, c := range indexes {
			if t.Indexes == nil {
				t.Indexes = make(map[string]Units)
			}
			t.Indexes[index] = t.Indexes[index].plus(unitsOf(c.CapacityUnits, c.ReadCapacityUnits, c.WriteCapacityUnits, kind))
		}
	}
	u.Tables[name] = t
}

// unitsOf reads reported units. When only the total is reported, it is of
// the kind the operation consumes.
func unitsOf(total, read, write *float64, kind unitKind) Units {
	u := Units{Total: aws.ToFloat64(total), Read: aws.ToFloat64(read), Write: aws.ToFloat64(write)}
	if read == nil && write == nil {
		if kind == readUnits {
			u.Read = u.Total
		} else {
			u.Write = u.Total
		}
	}
	return u
}

func (u Units) plus(v Units) Units {
	return Units{u.Total + v.Total, u.Read + v.Read, u.Write + v.Write}
}
