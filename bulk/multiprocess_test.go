package bulk_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel/bulk"
	"github.com/dynamodel/dynamodel/dynamotest"
)

// ItemsEnv sets how many items the multi-process backfill test puts in
// its table, on every engine (see backfillItems).
const itemsEnv = "BULK_BACKFILL_ITEMS"

// backfillItems is the size of the multi-process test's table: 20,000 on
// dynalite and 2,000 on moto with BULK_BACKFILL_ITEMS=full (make
// test-bulk-full, one to two minutes); otherwise 1,000 and 300, or the
// number the variable gives, which keeps `make test` within its time.
func backfillItems(t testing.TB, engine string) int {
	switch v := os.Getenv(itemsEnv); v {
	case "full":
		if engine == "moto" {
			return 2000
		}
		return 20000
	case "":
		if engine == "moto" {
			return 300
		}
		return 1000
	default:
		n, err := strconv.Atoi(v)
		require.NoError(t, err, itemsEnv)
		return n
	}
}

// child is a copy of the test binary started in a role.
type child struct {
	name   string
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout bytes.Buffer
	stderr bytes.Buffer
	done   chan error
}

func startChild(t *testing.T, role, name string, cfg childConfig) *child {
	t.Helper()
	conf, err := json.Marshal(cfg)
	require.NoError(t, err)
	c := &child{name: name, done: make(chan error, 1)}
	c.cmd = exec.Command(os.Args[0], "-test.run=^$")
	c.cmd.Env = append(os.Environ(), childEnv+"="+role, "BULK_TEST_CONFIG="+string(conf))
	c.cmd.Stdout, c.cmd.Stderr = &c.stdout, &c.stderr
	c.stdin, err = c.cmd.StdinPipe()
	require.NoError(t, err)
	require.NoError(t, c.cmd.Start())
	go func() { c.done <- c.cmd.Wait() }()
	t.Cleanup(func() {
		_ = c.cmd.Process.Kill() // by its own PID; a no-op once it has exited
	})
	return c
}

// wait waits for the child to exit, at most limit.
func (c *child) wait(t *testing.T, limit time.Duration) error {
	t.Helper()
	select {
	case err := <-c.done:
		return err
	case <-time.After(limit):
		_ = c.cmd.Process.Kill()
		t.Fatalf("%s did not finish within %v; stderr:\n%s", c.name, limit, c.stderr.String())
		return nil
	}
}

// TestBackfillProcesses: three worker processes share one backfill (lease
// 2 s); one is killed with SIGKILL in the middle, while a fourth process
// keeps updating random items. At the end every item was backfilled
// exactly once, its version is 1 (the backfill; the items were stored
// without one) plus the live writes acknowledged to it, and its log holds
// each of those writes: none was lost.
func TestBackfillProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes; -short skips it")
	}
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		n := backfillItems(t, db.Engine.Name)
		table, control := db.Table("Items"), db.Table(bulk.DefaultControlTable)
		began := time.Now()
		populate(t, db, table, n)
		t.Logf("%s: %d items stored in %v", db.Engine.Name, n, time.Since(began).Round(time.Millisecond))

		cfg := childConfig{Endpoint: db.Engine.Endpoint, Table: table, Control: control, Run: "processes", Segments: 12, Items: n}
		writer := startChild(t, "writer", "writer", cfg)
		began = time.Now()
		workers := make([]*child, 3)
		for i := range workers {
			c := cfg
			c.Owner = fmt.Sprint("worker-", i+1)
			workers[i] = startChild(t, "backfill", c.Owner, c)
		}

		// Kill worker 1 once a quarter of the items are done, while it
		// holds segments. Once the status says so, worker 1 is paused and
		// the status read again (after a request it may have sent just
		// before has been answered), so the segment it is seen to hold is
		// still its own when it is killed: otherwise it could finish and
		// release it in between, and no segment would be left to take over.
		statusOpts := func(o *bulk.StatusOptions) { o.ControlTable = control }
		ctx := testContext(t)
		deadline := time.Now().Add(5 * time.Minute)
		for {
			require.True(t, time.Now().Before(deadline), "the run did not get a quarter done")
			if killable(ctx, db, n, statusOpts) {
				require.NoError(t, pause(workers[0].cmd.Process))
				time.Sleep(settle)
				if killable(ctx, db, n, statusOpts) {
					break
				}
				require.NoError(t, resume(workers[0].cmd.Process))
			}
			select {
			case err := <-workers[0].done:
				t.Fatalf("worker 1 ended before it could be killed: %v\n%s", err, workers[0].stderr.String())
			case <-time.After(50 * time.Millisecond):
			}
		}
		require.NoError(t, workers[0].cmd.Process.Kill())
		killedAt := time.Now()
		assert.Error(t, workers[0].wait(t, time.Minute), "killed")

		for _, w := range workers[1:] {
			require.NoError(t, w.wait(t, 10*time.Minute), "%s: %s", w.name, w.stderr.String())
		}
		elapsed := time.Since(began)
		require.NoError(t, writer.stdin.Close())
		require.NoError(t, writer.wait(t, 2*time.Minute), writer.stderr.String())
		var live writerReport
		require.NoError(t, json.Unmarshal(writer.stdout.Bytes(), &live), writer.stdout.String())

		st, err := bulk.Status(ctx, db.Client, "processes", statusOpts)
		require.NoError(t, err)
		assert.False(t, st.Finished.IsZero(), "the run is finished")
		assert.Equal(t, 12, st.Done())
		assert.Positive(t, st.Total.Takeovers, "worker 1's segments were taken over")
		var results [2]bulk.BackfillResult
		for i, w := range workers[1:] {
			require.NoError(t, json.Unmarshal(w.stdout.Bytes(), &results[i]), w.stdout.String())
			assert.True(t, results[i].Finished)
		}

		acked, unknown := 0, 0
		items := scanItems(t, db.Client, table)
		require.Len(t, items, n)
		for _, item := range items {
			id := item["id"].(*types.AttributeValueMemberS).Value
			assert.Equal(t, "1", numAttr(item, "backfilled"), "%s: backfilled once", id)
			var log []string
			if l, ok := item["log"].(*types.AttributeValueMemberL); ok {
				for _, e := range l.Value {
					log = append(log, e.(*types.AttributeValueMemberS).Value)
				}
			}
			assert.Equal(t, 1, count(log, "bf"), "%s: %v", id, log)
			for _, w := range live.Acked[id] {
				assert.Equal(t, 1, count(log, w), "%s: acknowledged write %s kept once: %v", id, w, log)
			}
			acked += len(live.Acked[id])
			unknown += len(live.Unknown[id])
			version, _ := strconv.Atoi(numAttr(item, "version"))
			applied := len(live.Acked[id])
			for _, w := range live.Unknown[id] {
				applied += count(log, w) // a write whose answer was lost may have been applied
			}
			assert.Equal(t, 1+applied, version, "%s: version = the backfill + the live writes", id)
			assert.Len(t, log, 1+applied, "%s: %v", id, log)
		}
		assert.Positive(t, acked, "the writer got writes through during the run")
		t.Logf("%s: %d items backfilled by 3 processes (one killed %v in) in %v; %d live writes (%d unknown), %d takeovers, %d conflicts",
			db.Engine.Name, n, killedAt.Sub(began).Round(time.Millisecond), elapsed.Round(time.Millisecond),
			acked, unknown, st.Total.Takeovers, st.Total.Conflicts)
	})
}

// killable reports whether a quarter of the run's n items are done and
// worker 1 holds a segment.
func killable(ctx context.Context, db *dynamotest.DB, n int, statusOpts func(*bulk.StatusOptions)) bool {
	st, err := bulk.Status(ctx, db.Client, "processes", statusOpts)
	return err == nil && st.Total.Done() >= int64(n/4) && holds(st, "worker-1")
}

// settle is how long the test lets an engine answer a request a paused
// worker sent just before it was paused.
const settle = 100 * time.Millisecond

// holds reports whether owner holds a segment's lease.
func holds(st bulk.RunStatus, owner string) bool {
	for _, s := range st.Segments {
		if s.State == bulk.StateActive && s.Owner == owner {
			return true
		}
	}
	return false
}

func count(list []string, s string) int {
	n := 0
	for _, x := range list {
		if x == s {
			n++
		}
	}
	return n
}

// populate stores n accounts without versions, as a table written before
// its model had one, several batches at a time.
func populate(t *testing.T, db *dynamotest.DB, table string, n int) {
	items := make([]map[string]types.AttributeValue, n)
	for i := range items {
		items[i] = map[string]types.AttributeValue{
			"id":      &types.AttributeValueMemberS{Value: accountID(i)},
			"payload": &types.AttributeValueMemberS{Value: fmt.Sprintf("payload %d", i)},
		}
	}
	var wg sync.WaitGroup
	for part := range slices.Chunk(items, (n+3)/4) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			putItems(t, db.Client, table, part)
		}()
	}
	wg.Wait()
}

// TestExportKilledAndResumed: an export process killed with SIGKILL in the
// middle leaves a file and a checkpoint; resuming gives a file with every
// item of the table exactly once.
func TestExportKilledAndResumed(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes; -short skips it")
	}
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := testContext(t)
		table := db.Table("Items")
		n := 600
		populate(t, db, table, n)
		for _, name := range []string{"out.json.gz", "out.json"} {
			path := filepath.Join(t.TempDir(), name)
			c := startChild(t, "export", "export", childConfig{Endpoint: db.Engine.Endpoint, Table: table, Path: path, Segments: 3})
			var done int64
			deadline := time.Now().Add(2 * time.Minute)
			for {
				require.True(t, time.Now().Before(deadline), "no checkpoint in time")
				var cp struct{ Items int64 }
				if data, err := os.ReadFile(path + bulk.CheckpointSuffix); err == nil && json.Unmarshal(data, &cp) == nil && cp.Items >= int64(n/4) {
					done = cp.Items
					break
				}
				select {
				case err := <-c.done:
					t.Fatalf("the export ended before it could be killed: %v\n%s", err, c.stderr.String())
				case <-time.After(5 * time.Millisecond):
				}
			}
			require.NoError(t, c.cmd.Process.Kill())
			assert.Error(t, c.wait(t, time.Minute), "killed")
			require.FileExists(t, path+bulk.CheckpointSuffix)

			res, err := bulk.ExportFile(ctx, db.Client, table, path, func(o *bulk.ExportOptions) { o.Resume = true })
			require.NoError(t, err)
			assert.True(t, res.Resumed)
			assert.Equal(t, int64(n), res.Items)
			lines := fileLines(t, path)
			assert.Len(t, lines, n, "%s: every item once (killed after %d)", name, done)
			assert.Equal(t, scanLines(t, db.Client, table), lines, name)
		}
	})
}
