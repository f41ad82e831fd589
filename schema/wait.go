package schema

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// WaitActive waits until table and all its global secondary indexes are
// ACTIVE, polling DescribeTable, and gives up with the context. The name is
// taken as it is: Options.TablePrefix and TableSuffix are not added.
func WaitActive(ctx context.Context, client API, table string, optFns ...func(*Options)) error {
	return waitActive(ctx, client, collectOptions(optFns), table)
}

// waitActive polls the tables, all in each round, until each of them and
// all its indexes are ACTIVE.
func waitActive(ctx context.Context, client API, o Options, tables ...string) error {
	if len(tables) == 0 {
		return nil
	}
	pending := slices.Clone(tables)
	return poll(ctx, o, func() (bool, error) {
		var still []string
		for _, name := range pending {
			live, err := liveTable(ctx, client, name, o)
			if err != nil {
				return false, err
			}
			if !isActive(live) {
				still = append(still, name)
			}
		}
		pending = still
		return len(pending) == 0, nil
	}, "dynamodel: waiting for table "+strings.Join(tables, ", ")+" to become ACTIVE")
}

// isActive reports whether a table and all its indexes are ACTIVE, and
// its encryption is not changing.
func isActive(live *types.TableDescription) bool {
	if live == nil || live.TableStatus != types.TableStatusActive {
		return false
	}
	if sse := live.SSEDescription; sse != nil && (sse.Status == types.SSEStatusUpdating || sse.Status == types.SSEStatusEnabling || sse.Status == types.SSEStatusDisabling) {
		return false
	}
	for _, ix := range live.GlobalSecondaryIndexes {
		if ix.IndexStatus != "" && ix.IndexStatus != types.IndexStatusActive {
			return false
		}
	}
	return true
}

// poll calls done until it reports true, pausing between calls, and gives
// up with the context.
func poll(ctx context.Context, o Options, done func() (bool, error), what string) error {
	pause := o.PollInterval
	for {
		ok, err := done()
		if err != nil || ok {
			return err
		}
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("%s: %w", what, ctx.Err())
		case <-t.C:
		}
		pause = min(pause*2, 2*time.Second)
	}
}
