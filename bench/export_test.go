package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodel/dynamodel/dynamotest"
	"github.com/dynamodel/dynamodel/schema"
)

const exportTable = `{
  "TableName": "Export",
  "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
  "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
  "BillingMode": "PAY_PER_REQUEST"
}`

// exportItem is item i of the export benchmarks' table: about 700 bytes of
// the attribute types a typical table holds, nested values included.
func exportItem(i int) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		"id":      &types.AttributeValueMemberS{Value: fmt.Sprintf("order-%07d", i)},
		"email":   &types.AttributeValueMemberS{Value: fmt.Sprintf("customer%d@example.com", i%997)},
		"status":  &types.AttributeValueMemberS{Value: []string{"placed", "paid", "shipped"}[i%3]},
		"total":   &types.AttributeValueMemberN{Value: fmt.Sprintf("%d.%02d", i%500, i%100)},
		"items":   &types.AttributeValueMemberN{Value: fmt.Sprint(i%7 + 1)},
		"paid":    &types.AttributeValueMemberBOOL{Value: i%2 == 0},
		"note":    &types.AttributeValueMemberS{Value: strings.Repeat("lorem ipsum dolor sit amet ", 6)},
		"tags":    &types.AttributeValueMemberSS{Value: []string{"gift", fmt.Sprint("batch-", i%13)}},
		"digest":  &types.AttributeValueMemberB{Value: bytes.Repeat([]byte{byte(i), 0x5a}, 16)},
		"created": &types.AttributeValueMemberS{Value: time.Date(2026, 1, 1, 0, 0, i%86400, 0, time.UTC).Format(time.RFC3339)},
		"address": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
			"street": &types.AttributeValueMemberS{Value: fmt.Sprintf("%d Main Street", i%1000)},
			"city":   &types.AttributeValueMemberS{Value: "Springfield"},
			"zip":    &types.AttributeValueMemberS{Value: fmt.Sprintf("%05d", i%99999)},
		}},
		"lines": &types.AttributeValueMemberL{Value: []types.AttributeValue{
			&types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
				"sku": &types.AttributeValueMemberS{Value: fmt.Sprint("sku-", i%321)},
				"qty": &types.AttributeValueMemberN{Value: "2"},
			}},
			&types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
				"sku": &types.AttributeValueMemberS{Value: fmt.Sprint("sku-", i%123)},
				"qty": &types.AttributeValueMemberN{Value: "1"},
			}},
		}},
	}
}

// exportDB returns a DB whose Export table holds n items.
func exportDB(tb testing.TB, n int) *dynamotest.DB {
	tb.Helper()
	s, err := schema.Parse("export.json", []byte(exportTable))
	if err != nil {
		tb.Fatal(err)
	}
	db := dynamotest.New(tb, dynamotest.WithSchemas(s))
	table := db.Table("Export")
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for start := w * 25; start < n; start += 100 {
				var reqs []types.WriteRequest
				for i := start; i < min(start+25, n); i++ {
					reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: exportItem(i)}})
				}
				for len(reqs) > 0 {
					out, err := db.Client.BatchWriteItem(context.Background(), &dynamodb.BatchWriteItemInput{
						RequestItems: map[string][]types.WriteRequest{table: reqs}})
					if err != nil {
						errs <- err
						return
					}
					reqs = out.UnprocessedItems[table]
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		tb.Fatal(err)
	}
	return db
}

// exporter is a program that writes a table's items to a file.
type exporter struct {
	name string
	// command returns the command that exports table to out.
	command func(endpoint, table, out string) *exec.Cmd
}

// exporters builds the dynamodel command and the raw SDK loop, and finds
// the AWS CLI (the list leaves it out when it is not installed).
func exporters(tb testing.TB) []exporter {
	tb.Helper()
	dir := tb.TempDir()
	build := func(name, moduleDir, pkg string) string {
		bin := filepath.Join(dir, name)
		cmd := exec.Command("go", "build", "-C", moduleDir, "-o", bin, pkg)
		if out, err := cmd.CombinedOutput(); err != nil {
			tb.Fatalf("go build %s: %v\n%s", pkg, err, out)
		}
		return bin
	}
	dynamodelBin := build("dynamodel", "..", "./cmd/dynamodel")
	rawscanBin := build("rawscan", ".", "./cmd/rawscan")
	list := []exporter{
		{"dynamodel", func(endpoint, table, out string) *exec.Cmd {
			return exec.Command(dynamodelBin, "export", "-endpoint", endpoint, "-segments", "1", "-o", out, table)
		}},
		{"dynamodel-4-segments", func(endpoint, table, out string) *exec.Cmd {
			return exec.Command(dynamodelBin, "export", "-endpoint", endpoint, "-segments", "4", "-o", out, table)
		}},
		{"sdk-scan-loop", func(endpoint, table, out string) *exec.Cmd {
			return toFile(exec.Command(rawscanBin, endpoint, table), out)
		}},
	}
	if aws, err := exec.LookPath("aws"); err == nil {
		list = append(list, exporter{"aws-cli-scan", func(endpoint, table, out string) *exec.Cmd {
			return toFile(exec.Command(aws, "dynamodb", "scan", "--table-name", table, "--endpoint-url", endpoint, "--output", "json"), out)
		}})
	}
	return list
}

// toFile sends cmd's standard output to the file out (opened when the
// command starts).
func toFile(cmd *exec.Cmd, out string) *exec.Cmd {
	cmd.Env = append(os.Environ(), "BENCH_STDOUT="+out)
	return cmd
}

// run runs an exporter and returns the CPU time (user and system) of its
// process: the engine's is not counted.
func run(tb testing.TB, e exporter, endpoint, table, out string) time.Duration {
	tb.Helper()
	cmd := e.command(endpoint, table, out)
	cmd.Env = append(cmd.Environ(), "AWS_ACCESS_KEY_ID=local", "AWS_SECRET_ACCESS_KEY=local",
		"AWS_DEFAULT_REGION=us-east-1", "AWS_REGION=us-east-1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	for _, kv := range cmd.Env {
		if path, ok := strings.CutPrefix(kv, "BENCH_STDOUT="); ok {
			f, err := os.Create(path)
			if err != nil {
				tb.Fatal(err)
			}
			defer f.Close()
			cmd.Stdout = f
		}
	}
	if err := cmd.Run(); err != nil {
		tb.Fatalf("%s: %v\n%s", e.name, err, stderr.String())
	}
	return cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
}

// itemLines reads an exporter's output as one canonical JSON item per
// line, sorted: lines of DynamoDB JSON, or the AWS CLI's scan document.
func itemLines(tb testing.TB, path string) []string {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var items []json.RawMessage
	var doc struct{ Items []json.RawMessage }
	if json.Unmarshal(data, &doc) == nil && doc.Items != nil {
		items = doc.Items
	} else {
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(nil, 16<<20)
		for sc.Scan() {
			var line struct{ Item json.RawMessage }
			if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
				tb.Fatalf("%s: %v", path, err)
			}
			items = append(items, line.Item)
		}
	}
	lines := make([]string, len(items))
	for i, item := range items {
		var v any
		d := json.NewDecoder(bytes.NewReader(item))
		d.UseNumber()
		if err := d.Decode(&v); err != nil {
			tb.Fatal(err)
		}
		out, _ := json.Marshal(v)
		lines[i] = string(out)
	}
	slices.Sort(lines)
	return lines
}

// TestExportersAgree checks that the export benchmark compares like with
// like: every exporter writes the same items.
func TestExportersAgree(t *testing.T) {
	db := exportDB(t, 60)
	table := db.Table("Export")
	var want []string
	for _, e := range exporters(t) {
		out := filepath.Join(t.TempDir(), e.name+".json")
		run(t, e, db.Engine.Endpoint, table, out)
		got := itemLines(t, out)
		if want == nil {
			want = got
			if len(want) != 60 {
				t.Fatalf("%s wrote %d items, want 60", e.name, len(want))
			}
			continue
		}
		if !slices.Equal(want, got) {
			t.Errorf("%s wrote other items than dynamodel", e.name)
		}
	}
}

// BenchmarkExportCPU compares the CPU an exporting process spends per MB
// of DynamoDB JSON lines (user and system time of the process, from the
// operating system; the engine's time is not counted): dynamodel export
// (one segment, as the others read, and four), a raw SDK Scan loop that
// writes the same lines with encoding/json, and `aws dynamodb scan`.
// The table holds 10,000 items of about 700 bytes.
func BenchmarkExportCPU(b *testing.B) {
	const n = 10000
	db := exportDB(b, n)
	table := db.Table("Export")
	list := exporters(b)
	// The MB counted is the size of dynamodel's lines, for every exporter.
	probe := filepath.Join(b.TempDir(), "probe.json")
	run(b, list[0], db.Engine.Endpoint, table, probe)
	info, err := os.Stat(probe)
	if err != nil {
		b.Fatal(err)
	}
	mb := float64(info.Size()) / 1e6
	for _, e := range list {
		b.Run("impl="+e.name, func(b *testing.B) {
			out := filepath.Join(b.TempDir(), "out.json")
			var cpu time.Duration
			for b.Loop() {
				cpu += run(b, e, db.Engine.Endpoint, table, out)
			}
			b.ReportMetric(cpu.Seconds()/float64(b.N)/mb, "cpu-s/MB")
			b.ReportMetric(mb, "MB")
		})
	}
}
