package bulk_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/bulk"
	"github.com/dynamodel/dynamodel/dynamotest"
)

// childEnv names the role a copy of the test binary plays when the
// multi-process tests start it: "backfill" (a worker), "writer" (live
// traffic) or "export".
const childEnv = "BULK_TEST_CHILD"

func TestMain(m *testing.M) {
	switch os.Getenv(childEnv) {
	case "":
		os.Exit(m.Run())
	case "backfill":
		os.Exit(childBackfill())
	case "writer":
		os.Exit(childWriter())
	case "export":
		os.Exit(childExport())
	default:
		fmt.Fprintf(os.Stderr, "unknown %s=%q\n", childEnv, os.Getenv(childEnv))
		os.Exit(2)
	}
}

// childConfig is what a child is told through its environment.
type childConfig struct {
	Endpoint, Table, Control, Run, Owner, Path string
	Segments, Items                            int
}

func childConfigFromEnv() childConfig {
	var c childConfig
	if err := json.Unmarshal([]byte(os.Getenv("BULK_TEST_CONFIG")), &c); err != nil {
		panic(err)
	}
	return c
}

// childBackfill is a backfill worker: it runs addOne over the table and
// prints its result as JSON.
func childBackfill() int {
	c := childConfigFromEnv()
	client := dynamotest.Engine{Name: "child", Endpoint: c.Endpoint}.Client()
	repo, err := dynamodel.NewRepository[Account](client, c.Table)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	res, err := bulk.Backfill(context.Background(), repo, c.Run, addOne, func(o *bulk.BackfillOptions) {
		o.ControlTable, o.Segments, o.Concurrency, o.Owner = c.Control, c.Segments, 2, c.Owner
		o.Lease, o.PageSize = 2*time.Second, 50
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, c.Owner+":", err)
		return 1
	}
	_ = json.NewEncoder(os.Stdout).Encode(res)
	return 0
}

// writerReport is what the live-traffic child saw: per item, the writes
// it made that were acknowledged, and those whose outcome it does not
// know.
type writerReport struct {
	Acked   map[string][]string
	Unknown map[string][]string
}

// childWriter appends "wN" to the log of random accounts, one update at a
// time, until its standard input closes; then it prints what it did.
func childWriter() int {
	c := childConfigFromEnv()
	client := dynamotest.Engine{Name: "child", Endpoint: c.Endpoint}.Client()
	repo, err := dynamodel.NewRepository[Account](client, c.Table)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ctx, stop := context.WithCancel(context.Background())
	go func() {
		_, _ = bufio.NewReader(os.Stdin).ReadString('\n') // EOF when the test closes it
		stop()
	}()
	rep := writerReport{Acked: map[string][]string{}, Unknown: map[string][]string{}}
	var mu sync.Mutex
	for n := 0; ctx.Err() == nil; n++ {
		id := accountID(rand.IntN(c.Items))
		w := "w" + strconv.Itoa(n)
		wctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		_, err := repo.Update(wctx, id, dynamodel.Update{}.Append("log", w))
		cancel()
		mu.Lock()
		if err == nil {
			rep.Acked[id] = append(rep.Acked[id], w)
		} else {
			rep.Unknown[id] = append(rep.Unknown[id], w)
			fmt.Fprintln(os.Stderr, "writer:", err)
		}
		mu.Unlock()
		time.Sleep(5 * time.Millisecond)
	}
	_ = json.NewEncoder(os.Stdout).Encode(rep)
	return 0
}

func accountID(i int) string { return fmt.Sprintf("acct-%06d", i) }

// childExport exports a table to a file with frequent checkpoints, slowly
// enough to be killed in the middle.
func childExport() int {
	c := childConfigFromEnv()
	client := dynamotest.Engine{Name: "child", Endpoint: c.Endpoint}.Client()
	_, err := bulk.ExportFile(context.Background(), &slowScan{API: client}, c.Table, c.Path, func(o *bulk.ExportOptions) {
		o.Segments, o.PageSize, o.Concurrency = c.Segments, 20, 2
		o.CheckpointEvery = 20 * time.Millisecond
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// slowScan pauses before each Scan.
type slowScan struct{ bulk.API }

func (s *slowScan) Scan(ctx context.Context, in *dynamodb.ScanInput, optFns ...func(*dynamodb.Options)) (*dynamodb.ScanOutput, error) {
	time.Sleep(10 * time.Millisecond)
	return s.API.Scan(ctx, in, optFns...)
}
