package bulk

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodel/dynamodel/internal/retry"
)

// saveTimeout bounds the control-table writes made after ctx has ended
// (storing the last page, giving a segment up).
const saveTimeout = 10 * time.Second

// segment works on segment seg from pos (nil: its start) while this worker
// holds its lease. done reports that the segment is finished; a lost lease
// ends the work without an error.
func (b *backfill[T]) segment(ctx context.Context, seg int, pos map[string]types.AttributeValue, takeover bool) (done bool, err error) {
	o := b.opts
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var lost atomic.Bool
	heartbeat := make(chan struct{})
	go func() {
		defer close(heartbeat)
		t := time.NewTicker(o.Lease / 3)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				err := b.coord.renew(ctx, seg, o.Owner, o.clock.Now().Add(o.Lease))
				if errors.Is(err, errLeaseLost) {
					lost.Store(true)
					cancel()
					return
				}
				// Other errors are retried at the next tick; the lease
				// runs for two more.
			}
		}
	}()
	defer func() {
		cancel()
		<-heartbeat
	}()

	var pending Counts // counts of pages done, not yet stored
	if takeover {
		pending.Takeovers = 1
	}
	detached := func() (context.Context, context.CancelFunc) {
		return context.WithTimeout(context.WithoutCancel(ctx), saveTimeout)
	}
	giveUp := func(err error) (bool, error) {
		if lost.Load() {
			return false, nil
		}
		sctx, scancel := detached()
		defer scancel()
		if rerr := b.coord.release(sctx, seg, o.Owner, o.clock.Now()); rerr != nil && !errors.Is(rerr, errLeaseLost) && err == nil {
			err = rerr
		}
		return false, err
	}
	readCost := 1.0
	for {
		if err := ctx.Err(); err != nil {
			return giveUp(err)
		}
		out, err := b.scan(ctx, seg, pos, &readCost)
		if err != nil {
			return giveUp(err)
		}
		page := Counts{Read: int64(len(out.Items)), ReadUnits: readCost}
		for _, raw := range out.Items {
			if ctx.Err() != nil {
				// Stopped mid-page: the page is done again from its start
				// by whoever takes the segment, skipping what carries the
				// marker.
				return giveUp(ctx.Err())
			}
			page.Bytes += int64(itemBytes(raw))
			if err := b.item(ctx, raw, &page); err != nil {
				return giveUp(err)
			}
		}
		pending.Add(page)
		next := out.LastEvaluatedKey
		finished := len(next) == 0
		sctx, scancel := detached()
		now := o.clock.Now()
		err = b.coord.save(sctx, seg, o.Owner, next, finished, pending, now, now.Add(o.Lease))
		scancel()
		if errors.Is(err, errLeaseLost) {
			return false, nil
		}
		if err != nil {
			return giveUp(err)
		}
		b.mu.Lock()
		b.result.Counts.Add(pending)
		b.mu.Unlock()
		b.pageDone(len(out.Items))
		pending = Counts{}
		if finished {
			return true, nil
		}
		pos = next
	}
}

// scan reads one page of segment seg after pos, within the read budget.
// cost carries the estimate of a page's cost from one page to the next.
func (b *backfill[T]) scan(ctx context.Context, seg int, pos map[string]types.AttributeValue, cost *float64) (*dynamodb.ScanOutput, error) {
	total := b.nsegs
	in := &dynamodb.ScanInput{
		TableName:              aws.String(b.repo.Table()),
		ExclusiveStartKey:      pos,
		Limit:                  aws.Int32(int32(b.opts.PageSize)),
		ConsistentRead:         aws.Bool(b.opts.ConsistentRead),
		ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal,
	}
	if total > 1 {
		in.Segment, in.TotalSegments = aws.Int32(int32(seg)), aws.Int32(int32(total))
	}
	for attempt := 1; ; attempt++ {
		est := *cost
		if err := b.budget.reads.take(ctx, est); err != nil {
			return nil, err
		}
		out, err := b.client.Scan(ctx, in, b.opts.ClientOptions...)
		if retry.Throttled(err) && attempt < throttleAttempts {
			b.budget.reads.adjust(-est)
			b.budget.reads.throttled()
			if err := backoff(ctx, attempt, 50*time.Millisecond, 5*time.Second); err != nil {
				return nil, err
			}
			continue
		}
		if err != nil {
			b.budget.reads.adjust(-est)
			return nil, opError("Scan", b.repo.Table(), err)
		}
		b.budget.reads.ok()
		size := 0
		for _, item := range out.Items {
			size += itemBytes(item)
		}
		used := consumed(out.ConsumedCapacity, readUnits(size, b.opts.ConsistentRead))
		b.budget.reads.adjust(used - est)
		*cost = used
		return out, nil
	}
}

// itemError is a problem with one item: it is reported, and the run goes
// on.
type itemError struct{ err error }

func (e *itemError) Error() string { return e.err.Error() }
func (e *itemError) Unwrap() error { return e.err }

// item processes one item as read, adding what happened to c. Problems
// with the item are recorded as failures; the error returned stops the
// segment.
func (b *backfill[T]) item(ctx context.Context, raw map[string]types.AttributeValue, c *Counts) error {
	key := keyString(raw, b.keys)
	for conflicts := 0; ; {
		if b.marked(raw) {
			c.Skipped++
			return nil
		}
		action, err := b.apply(ctx, raw, c)
		var ie *itemError
		if errors.As(err, &ie) {
			c.Failed++
			b.fail(key, ie.err)
			return nil
		}
		failed, current := isConditionFailed(err)
		if !failed {
			if err != nil {
				return err
			}
			switch action {
			case Keep:
				c.Kept++
			case Rewrite:
				c.Rewritten++
			case Delete:
				c.Deleted++
			}
			return nil
		}
		// The item changed since it was read (or this run's marker
		// appeared): read it again and start over.
		c.Conflicts++
		if conflicts++; conflicts > b.opts.MaxConflicts {
			c.Failed++
			b.fail(key, fmt.Errorf("%w: changed %d times between read and write", ErrTooManyConflicts, conflicts))
			return nil
		}
		if current == nil {
			if current, err = b.get(ctx, raw, c); err != nil {
				return err
			}
		}
		if current == nil {
			c.Skipped++ // deleted in between: nothing to do
			return nil
		}
		raw = current
	}
}

// marked reports whether this run has already rewritten the item.
func (b *backfill[T]) marked(raw map[string]types.AttributeValue) bool {
	s, ok := raw[b.opts.Marker].(*types.AttributeValueMemberS)
	return ok && s.Value == b.marker
}

// get reads an item again, consistently, within the read budget; nil when
// it is gone.
func (b *backfill[T]) get(ctx context.Context, raw map[string]types.AttributeValue, c *Counts) (map[string]types.AttributeValue, error) {
	key := make(map[string]types.AttributeValue, len(b.keys))
	for _, k := range b.keys {
		key[k.name] = raw[k.name]
	}
	est := readUnits(itemBytes(raw), true)
	for attempt := 1; ; attempt++ {
		if err := b.budget.reads.take(ctx, est); err != nil {
			return nil, err
		}
		out, err := b.client.GetItem(ctx, &dynamodb.GetItemInput{
			TableName: aws.String(b.repo.Table()), Key: key, ConsistentRead: aws.Bool(true),
			ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal,
		}, b.opts.ClientOptions...)
		if retry.Throttled(err) && attempt < throttleAttempts {
			b.budget.reads.adjust(-est)
			b.budget.reads.throttled()
			if err := backoff(ctx, attempt, 50*time.Millisecond, 5*time.Second); err != nil {
				return nil, err
			}
			continue
		}
		if err != nil {
			b.budget.reads.adjust(-est)
			return nil, opError("GetItem", b.repo.Table(), err)
		}
		b.budget.reads.ok()
		used := consumed(out.ConsumedCapacity, readUnits(itemBytes(out.Item), true))
		b.budget.reads.adjust(used - est)
		c.ReadUnits += used
		return out.Item, nil
	}
}

// write sends a rewrite or a delete within the write budget, backing off
// when throttled, and counts the capacity it consumed. A failed condition
// consumes capacity too.
func (b *backfill[T]) write(ctx context.Context, est float64, c *Counts, send func() (*types.ConsumedCapacity, error)) error {
	for attempt := 1; ; attempt++ {
		if err := b.budget.writes.take(ctx, est); err != nil {
			return err
		}
		cc, err := send()
		if retry.Throttled(err) && attempt < throttleAttempts {
			b.budget.writes.adjust(-est)
			b.budget.writes.throttled()
			if err := backoff(ctx, attempt, 50*time.Millisecond, 5*time.Second); err != nil {
				return err
			}
			continue
		}
		if err != nil && !isConditionFailedErr(err) {
			b.budget.writes.adjust(-est)
			if isRejected(err) {
				return &itemError{err}
			}
			return opError("write", b.repo.Table(), err)
		}
		b.budget.writes.ok()
		used := consumed(cc, est)
		b.budget.writes.adjust(used - est)
		c.WriteUnits += used
		return err
	}
}

func isConditionFailedErr(err error) bool {
	failed, _ := isConditionFailed(err)
	return failed
}
