package bulk

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/dynamodel/dynamodel"
)

// StatusOptions are the options of Status.
type StatusOptions struct {
	// ControlTable is the control table's name. Default DefaultControlTable.
	ControlTable string
	// ClientOptions are passed to every SDK call.
	ClientOptions []func(*dynamodb.Options)
}

// RunStatus is where a backfill run stands, as its control table records
// it.
type RunStatus struct {
	Run      string
	Table    string    // the table the run is over
	Created  time.Time // when the first worker started it
	Finished time.Time // when its last segment was done; zero while it runs
	// ReadUnits and WriteUnits are the run's budget per second (0: none).
	ReadUnits, WriteUnits float64
	// Segments has one entry per segment, in order; a segment no worker
	// has leased yet is "pending".
	Segments []SegmentStatus
	// Total adds up the segments' counts.
	Total Counts
}

// SegmentStatus is where one segment of a run stands.
type SegmentStatus struct {
	Segment int
	// State is "pending" (never leased), "active" (leased, the lease
	// running), "expired" (leased, the lease run out or given up: the next
	// worker to look takes it) or "done".
	State string
	Owner string    // the worker holding the lease, if any
	Lease time.Time // when the lease runs out
	// Updated is when a worker last stored the segment's position.
	Updated time.Time
	Counts
}

// Segment states.
const (
	StatePending = "pending"
	StateActive  = "active"
	StateExpired = "expired"
	StateDone    = "done"
)

// Done counts the segments done.
func (s RunStatus) Done() int {
	n := 0
	for _, seg := range s.Segments {
		if seg.State == StateDone {
			n++
		}
	}
	return n
}

// Progress returns the run's progress as Backfill reports it. Elapsed is
// the time since the run was created, or until it finished.
func (s RunStatus) Progress() Progress {
	end := s.Finished
	if end.IsZero() {
		end = time.Now()
	}
	return Progress{Op: "backfill", Items: s.Total.Read, Bytes: s.Total.Bytes, Failed: s.Total.Failed,
		Elapsed: end.Sub(s.Created), Done: !s.Finished.IsZero()}
}

// Status reads where the backfill run called run stands from the control
// table (the same records its workers keep). A run that never started is
// ErrNoRun.
func Status(ctx context.Context, client dynamodel.API, run string, optFns ...func(*StatusOptions)) (RunStatus, error) {
	o := collect(StatusOptions{}, optFns)
	if o.ControlTable == "" {
		o.ControlTable = DefaultControlTable
	}
	c := &controlTable{client: client, table: o.ControlTable, run: run, options: o.ClientOptions}
	h, rows, err := c.rows(ctx)
	if err != nil {
		return RunStatus{}, err
	}
	if !h.initialized {
		return RunStatus{}, fmt.Errorf("%w %q in control table %s", ErrNoRun, run, o.ControlTable)
	}
	s := RunStatus{Run: run, Table: h.table, Created: h.created, ReadUnits: h.readUnits, WriteUnits: h.writeUnits,
		Segments: make([]SegmentStatus, h.segments)}
	if h.finished {
		s.Finished = h.finishedAt
	}
	for i := range s.Segments {
		s.Segments[i] = SegmentStatus{Segment: i, State: StatePending}
	}
	now := time.Now()
	for _, r := range rows {
		if r.segment < 0 || r.segment >= len(s.Segments) {
			continue
		}
		seg := SegmentStatus{Segment: r.segment, Owner: r.owner, Lease: r.lease, Updated: r.updated, Counts: r.counts}
		switch {
		case r.state == stateDone:
			seg.State = StateDone
		case r.owner != "" && r.lease.After(now):
			seg.State = StateActive
		default:
			seg.State = StateExpired
		}
		s.Segments[r.segment] = seg
		s.Total.Add(r.counts)
	}
	return s, nil
}
