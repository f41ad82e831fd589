package bulk

// Counts are what a backfill did: in one segment, in one process, or in a
// whole run.
type Counts struct {
	Read      int64 // items read from the table
	Kept      int64 // items the function kept as they were
	Rewritten int64 // items rewritten
	Deleted   int64 // items deleted
	// Skipped counts items found already done by this run (rewritten by a
	// worker whose segment was then taken over) or gone when re-read after
	// a conflict.
	Skipped int64
	// Failed counts items not processed: the function failed, the item
	// would not decode, kept changing, or DynamoDB refused the write.
	Failed int64
	// Conflicts counts writes refused because the item changed after it
	// was read: each was read again and the function run again.
	Conflicts int64
	// Bytes is the size of the items read (as DynamoDB counts item size).
	Bytes int64
	// Takeovers counts segments taken over from a worker whose lease
	// expired.
	Takeovers int64
	// ReadUnits and WriteUnits are the capacity consumed: as DynamoDB
	// reports it, or computed from item sizes where the engine reports
	// none. The control table's own requests are not counted.
	ReadUnits, WriteUnits float64
}

// Done returns how many items are finished: kept, rewritten, deleted,
// skipped or failed.
func (c Counts) Done() int64 { return c.Kept + c.Rewritten + c.Deleted + c.Skipped + c.Failed }

// get returns count i, in countAttrs' order.
func (c *Counts) get(i int) float64 {
	switch i {
	case 9:
		return c.ReadUnits
	case 10:
		return c.WriteUnits
	}
	return float64(*c.int(i))
}

// set sets count i, in countAttrs' order.
func (c *Counts) set(i int, v float64) {
	switch i {
	case 9:
		c.ReadUnits = v
	case 10:
		c.WriteUnits = v
	default:
		*c.int(i) = int64(v)
	}
}

func (c *Counts) int(i int) *int64 {
	return [...]*int64{&c.Read, &c.Kept, &c.Rewritten, &c.Deleted, &c.Skipped, &c.Failed, &c.Conflicts, &c.Bytes, &c.Takeovers}[i]
}

// Add adds d to c.
func (c *Counts) Add(d Counts) {
	for i := range countAttrs {
		c.set(i, c.get(i)+d.get(i))
	}
}
