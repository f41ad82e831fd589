package bulk_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/bulk"
	"github.com/dynamodel/dynamodel/dynamotest"
)

func line(t testing.TB, item map[string]types.AttributeValue) string {
	t.Helper()
	l, err := bulk.AppendLine(nil, item)
	require.NoError(t, err)
	return string(l)
}

func writeFile(t testing.TB, path, text string) {
	t.Helper()
	if strings.HasSuffix(path, ".gz") {
		f, err := os.Create(path)
		require.NoError(t, err)
		zw := gzip.NewWriter(f)
		_, err = zw.Write([]byte(text))
		require.NoError(t, err)
		require.NoError(t, zw.Close())
		require.NoError(t, f.Close())
		return
	}
	require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
}

func item(id string, attrs ...string) map[string]types.AttributeValue {
	m := map[string]types.AttributeValue{"id": &types.AttributeValueMemberS{Value: id}}
	for i := 0; i+1 < len(attrs); i += 2 {
		m[attrs[i]] = &types.AttributeValueMemberS{Value: attrs[i+1]}
	}
	return m
}

// TestImportReportsEveryLine: malformed lines, missing or mistyped keys
// and oversized items are reported by file and line, and never stop the
// lines around them; a later line with the same key wins.
func TestImportReportsEveryLine(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := testContext(t)
		dir := t.TempDir()
		a := filepath.Join(dir, "a.json")
		b := filepath.Join(dir, "b.json.gz") // gzip, told by its first bytes
		big := strings.Repeat("x", dynamodel.MaxItemSize)
		var fillers strings.Builder
		for i := range 30 {
			fillers.WriteString(line(t, item(fmt.Sprint("f", i))))
		}
		writeFile(t, a, line(t, item("1", "v", "first"))+
			`{"Item":{"id":{"S":"2"},"v":{"N":"not a number"}}}`+"\n"+
			"\n"+ // blank lines are skipped
			line(t, item("3", "v", "three"))+
			`{"Item":{"v":{"S":"no key"}}}`+"\n"+
			`{"Item":{"id":{"N":"5"}}}`+"\n"+
			line(t, item("6", "v", big))+
			line(t, item("1", "v", "second"))+ // a duplicate in the batch being filled: it takes the earlier line's place
			fillers.String()+ // lines 9 to 38: the first batch goes
			`{"Item":{"id":{"S":"8"}}`) // truncated last line, no newline
		writeFile(t, b, line(t, item("1", "v", "third"))+ // a duplicate of a line already sent: written after it
			line(t, item("9", "v", "nine")))

		res, err := bulk.Import(ctx, db.Client, db.Table("Copy"), []string{a, b})
		var ie *bulk.ImportError
		require.ErrorAs(t, err, &ie)
		assert.ErrorIs(t, err, bulk.ErrNotWritten)
		assert.Equal(t, res.Failed, ie.Lines)
		var got []string
		for _, le := range res.Failed {
			got = append(got, le.Error())
		}
		assert.Equal(t, []string{
			a + `:2: bulk: malformed item: attribute "v": "not a number" is not a number DynamoDB accepts`,
			a + `:5: bulk: malformed item: no key attribute "id"`,
			a + `:6: bulk: malformed item: key attribute "id": want type S, got N`,
			a + fmt.Sprintf(`:7: id="6": dynamodel: item too large: %d bytes, over DynamoDB's 409600-byte limit`, dynamodel.MaxItemSize+len("id6v")),
			a + `:39: bulk: malformed item: unexpected end of line`,
		}, got)
		assert.Equal(t, int64(40), res.Lines)
		assert.Equal(t, int64(2), res.Duplicates)
		assert.Equal(t, int64(34), res.Written, "item 1 twice (the second line replaced the first before it was sent), 3, 9 and 30 fillers")
		assert.Empty(t, res.Existing)
		stored := scanLines(t, db.Client, db.Table("Copy"))
		assert.Len(t, stored, 33)
		assert.Contains(t, stored, canonical(t, []byte(line(t, item("1", "v", "third")))), "the last line wins")
		assert.Contains(t, stored, canonical(t, []byte(line(t, item("9", "v", "nine")))))
	})
}

// TestImportIfAbsent writes only items whose key is free and reports the
// others, which is not a failure.
func TestImportIfAbsent(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := testContext(t)
		table := db.Table("Copy")
		putItems(t, db.Client, table, []map[string]types.AttributeValue{item("1", "v", "stored")})
		path := filepath.Join(t.TempDir(), "in.json")
		writeFile(t, path, line(t, item("1", "v", "new"))+line(t, item("2", "v", "first"))+line(t, item("2", "v", "second")))
		res, err := bulk.Import(ctx, db.Client, table, []string{path}, func(o *bulk.ImportOptions) { o.IfAbsent = true })
		require.NoError(t, err)
		assert.Equal(t, int64(3), res.Lines)
		assert.Equal(t, int64(1), res.Duplicates)
		require.Len(t, res.Existing, 1, "the duplicate was merged before it was sent")
		assert.Equal(t, path+`:1: id="1": dynamodel: item already exists: not written`, res.Existing[0].Error())
		assert.ErrorIs(t, res.Existing[0], dynamodel.ErrAlreadyExists)
		assert.Equal(t, []string{
			canonical(t, []byte(line(t, item("1", "v", "stored")))),
			canonical(t, []byte(line(t, item("2", "v", "second")))),
		}, scanLines(t, db.Client, table))
	})
}

// rejecting is a client whose BatchWriteItem refuses any batch holding an
// item with attribute "bad", as DynamoDB refuses a whole batch for one
// invalid item, and whose PutItem refuses such an item alone.
type rejecting struct {
	bulk.API
	batches atomic.Int32
}

var errValidation = &smithy.GenericAPIError{Code: "ValidationException", Message: "one or more parameter values were invalid"}

func hasBad(item map[string]types.AttributeValue) bool {
	_, bad := item["bad"]
	return bad
}

func (c *rejecting) BatchWriteItem(ctx context.Context, in *dynamodb.BatchWriteItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error) {
	c.batches.Add(1)
	for _, reqs := range in.RequestItems {
		for _, r := range reqs {
			if hasBad(r.PutRequest.Item) {
				return nil, errValidation
			}
		}
	}
	return c.API.BatchWriteItem(ctx, in, optFns...)
}

func (c *rejecting) PutItem(ctx context.Context, in *dynamodb.PutItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	if hasBad(in.Item) {
		return nil, errValidation
	}
	return c.API.PutItem(ctx, in, optFns...)
}

// TestImportRejectedBatch: one item DynamoDB refuses fails alone; the rest
// of its batch is written.
func TestImportRejectedBatch(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := testContext(t)
		var text strings.Builder
		for i := range 30 {
			it := item(fmt.Sprint(i))
			if i == 7 {
				it["bad"] = &types.AttributeValueMemberS{Value: "x"}
			}
			text.WriteString(line(t, it))
		}
		path := filepath.Join(t.TempDir(), "in.json")
		writeFile(t, path, text.String())
		client := &rejecting{API: db.Client}
		res, err := bulk.Import(ctx, client, db.Table("Copy"), []string{path})
		require.ErrorIs(t, err, bulk.ErrNotWritten)
		require.Len(t, res.Failed, 1)
		assert.Equal(t, 8, res.Failed[0].Line)
		assert.ErrorIs(t, res.Failed[0], errValidation)
		assert.Equal(t, int64(29), res.Written)
		assert.Len(t, scanItems(t, db.Client, db.Table("Copy")), 29)
	})
}

// stubborn is a client whose BatchWriteItem throttles the first request
// and then always leaves the item with id "stuck" unprocessed.
type stubborn struct {
	bulk.API
	calls atomic.Int32
}

func (c *stubborn) BatchWriteItem(ctx context.Context, in *dynamodb.BatchWriteItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error) {
	if c.calls.Add(1) == 1 {
		return nil, &smithy.GenericAPIError{Code: "ProvisionedThroughputExceededException", Message: "slow down", Fault: smithy.FaultClient}
	}
	for table, reqs := range in.RequestItems {
		var send, left []types.WriteRequest
		for _, r := range reqs {
			if r.PutRequest.Item["id"].(*types.AttributeValueMemberS).Value == "stuck" {
				left = append(left, r)
			} else {
				send = append(send, r)
			}
		}
		if len(send) > 0 {
			if _, err := c.API.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{table: send}}, optFns...); err != nil {
				return nil, err
			}
		}
		return &dynamodb.BatchWriteItemOutput{UnprocessedItems: map[string][]types.WriteRequest{table: left}}, nil
	}
	return &dynamodb.BatchWriteItemOutput{}, nil
}

// TestImportLeftovers: a throttled batch is sent again; an item still
// unprocessed when the attempts run out is reported with its line.
func TestImportLeftovers(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := testContext(t)
		path := filepath.Join(t.TempDir(), "in.json")
		writeFile(t, path, line(t, item("a"))+line(t, item("stuck"))+line(t, item("b")))
		client := &stubborn{API: db.Client}
		res, err := bulk.Import(ctx, client, db.Table("Copy"), []string{path}, func(o *bulk.ImportOptions) {
			o.Batch.MaxAttempts, o.Batch.BaseDelay = 4, time.Millisecond
		})
		require.ErrorIs(t, err, bulk.ErrNotWritten)
		require.Len(t, res.Failed, 1)
		assert.Equal(t, path+`:2: id="stuck": still unprocessed after 4 attempts`, res.Failed[0].Error())
		assert.Equal(t, int64(2), res.Written)
		assert.Equal(t, int32(4), client.calls.Load(), "the throttled send counts as an attempt")
		assert.Len(t, scanItems(t, db.Client, db.Table("Copy")), 2)
	})
}

// TestImportStopsAtAFileItCannotRead: a gzip file cut short (an export
// copied half way) stops the import at the line it could not read, and
// the error says so and names the files not read, whatever other lines
// failed.
func TestImportStopsAtAFileItCannotRead(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := testContext(t)
		dir := t.TempDir()
		bad, cut, after := filepath.Join(dir, "bad.json"), filepath.Join(dir, "cut.json.gz"), filepath.Join(dir, "after.json")
		writeFile(t, bad, line(t, item("a"))+`{"Item":{"id":{"S":"b"},"n":{"N":"two"}}}`+"\n")
		writeFile(t, after, line(t, item("z")))
		cutGzip(t, cut, 500)

		res, err := bulk.Import(ctx, db.Client, db.Table("Copy"), []string{bad, cut, after})
		require.Error(t, err)
		var ie *bulk.ImportError
		assert.False(t, errors.As(err, &ie), "the reason it stopped, not the lines not written: %v", err)
		assert.Regexp(t, `^bulk: import `+db.Table("Copy")+`: `+regexp.QuoteMeta(cut)+`:\d+: unexpected EOF \(not read: `+regexp.QuoteMeta(after)+`\)$`, err.Error())
		require.Len(t, res.Failed, 1)
		assert.Equal(t, bad+`:2: bulk: malformed item: attribute "n": "two" is not a number DynamoDB accepts`, res.Failed[0].Error())
		stored := scanItems(t, db.Client, db.Table("Copy"))
		assert.Equal(t, res.Written, int64(len(stored)))
		assert.Less(t, len(stored), 500, "the lines of cut.json.gz after the cut, and after.json, are not written")
	})
}

// cutGzip writes a gzip file of n lines cut at half its length.
func cutGzip(t *testing.T, path string, n int) {
	t.Helper()
	var text strings.Builder
	for i := range n {
		text.WriteString(line(t, item(fmt.Sprintf("item-%04d", i), "v", strings.Repeat("x", i%64))))
	}
	writeFile(t, path, text.String())
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, data[:len(data)/2], 0o644))
}

// numberTable is a table keyed by a number "n", in memory, that stores
// items by the key's value as DynamoDB does ("1" and "1.0" are one key).
// The write of the item whose "v" is "first" is held until another write
// arrives (or 300 ms pass), so that a later write of the same key sent
// before it is answered would be overtaken by it.
type numberTable struct {
	bulk.API
	mu      sync.Mutex
	stored  map[string]string // by the key's value, as big.Rat text
	arrived chan struct{}
	once    sync.Once
}

func (n *numberTable) DescribeTable(ctx context.Context, in *dynamodb.DescribeTableInput, _ ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error) {
	return &dynamodb.DescribeTableOutput{Table: &types.TableDescription{TableName: in.TableName,
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("n"), KeyType: types.KeyTypeHash}},
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("n"), AttributeType: types.ScalarAttributeTypeN}}}}, nil
}

func (n *numberTable) BatchWriteItem(ctx context.Context, in *dynamodb.BatchWriteItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error) {
	var puts []types.WriteRequest
	for _, reqs := range in.RequestItems {
		puts = append(puts, reqs...)
	}
	if slices.ContainsFunc(puts, func(r types.WriteRequest) bool {
		return r.PutRequest.Item["v"].(*types.AttributeValueMemberS).Value == "first"
	}) {
		select {
		case <-n.arrived:
		case <-time.After(300 * time.Millisecond):
		}
	} else {
		defer n.once.Do(func() { close(n.arrived) })
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, r := range puts {
		key, _ := new(big.Rat).SetString(r.PutRequest.Item["n"].(*types.AttributeValueMemberN).Value)
		n.stored[key.RatString()] = r.PutRequest.Item["v"].(*types.AttributeValueMemberS).Value
	}
	return &dynamodb.BatchWriteItemOutput{}, nil
}

// TestImportNumberKeySpelledTwoWays: "1" and "1.0" are one key, so the
// later line is a repetition: it is counted, and wins.
func TestImportNumberKeySpelledTwoWays(t *testing.T) {
	var text strings.Builder
	text.WriteString(`{"Item":{"n":{"N":"1"},"v":{"S":"first"}}}` + "\n")
	for i := range 24 { // the rest of the first batch
		fmt.Fprintf(&text, `{"Item":{"n":{"N":"%d"},"v":{"S":"filler"}}}`+"\n", 100+i)
	}
	text.WriteString(`{"Item":{"n":{"N":"1.0"},"v":{"S":"second"}}}` + "\n")
	path := filepath.Join(t.TempDir(), "in.json")
	writeFile(t, path, text.String())
	table := &numberTable{stored: map[string]string{}, arrived: make(chan struct{})}
	res, err := bulk.Import(testContext(t), table, "Numbers", []string{path})
	require.NoError(t, err)
	assert.Equal(t, int64(1), res.Duplicates)
	assert.Equal(t, "second", table.stored["1"], "the later line wins")
	assert.Len(t, table.stored, 25)
}

// TestImportDamagedGzipMember: a gzip member damaged in the middle writes
// none of its lines, though they still parse (here a value changed in a
// stored block); the members before it are written, and the import stops
// at the damaged member's first line.
func TestImportDamagedGzipMember(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := testContext(t)
		path := filepath.Join(t.TempDir(), "damaged.json.gz")
		var data []byte
		for m := range 3 {
			var text strings.Builder
			for i := range 40 {
				text.WriteString(line(t, item(fmt.Sprintf("m%d-%02d", m, i), "v", fmt.Sprintf("value-%d-%02d", m, i))))
			}
			var member bytes.Buffer
			zw, err := gzip.NewWriterLevel(&member, gzip.NoCompression)
			require.NoError(t, err)
			_, err = zw.Write([]byte(text.String()))
			require.NoError(t, err)
			require.NoError(t, zw.Close())
			data = append(data, member.Bytes()...)
		}
		at := bytes.Index(data, []byte("value-1-30"))
		require.Positive(t, at)
		data[at] = 'V' // the line still parses: only the checksum tells
		require.NoError(t, os.WriteFile(path, data, 0o644))

		res, err := bulk.Import(ctx, db.Client, db.Table("Copy"), []string{path})
		require.Error(t, err)
		assert.Equal(t, "bulk: import "+db.Table("Copy")+": "+path+":41: gzip: invalid checksum", err.Error())
		assert.Equal(t, int64(40), res.Written)
		stored := scanItems(t, db.Client, db.Table("Copy"))
		assert.Len(t, stored, 40)
		for _, it := range stored {
			assert.True(t, strings.HasPrefix(it["id"].(*types.AttributeValueMemberS).Value, "m0-"), "only the first member's items")
		}
	})
}

// cancelAfter is a client that cancels the import's context after its
// first batch is written.
type cancelAfter struct {
	bulk.API
	cancel context.CancelFunc
}

func (c *cancelAfter) BatchWriteItem(ctx context.Context, in *dynamodb.BatchWriteItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error) {
	out, err := c.API.BatchWriteItem(ctx, in, optFns...)
	c.cancel()
	return out, err
}

// TestImportStoppedSaysWhere: an import stopped by its context names the
// file and line it stopped at, and the files not read.
func TestImportStoppedSaysWhere(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx, cancel := context.WithCancel(testContext(t))
		dir := t.TempDir()
		first, second := filepath.Join(dir, "first.json"), filepath.Join(dir, "second.json")
		var text strings.Builder
		for i := range 200 {
			text.WriteString(line(t, item(fmt.Sprintf("i%03d", i))))
		}
		writeFile(t, first, text.String())
		writeFile(t, second, line(t, item("z")))
		_, err := bulk.Import(ctx, &cancelAfter{API: db.Client, cancel: cancel}, db.Table("Copy"), []string{first, second}, func(o *bulk.ImportOptions) {
			o.Batch.Concurrency = 1 // the reading waits for the first batch
		})
		require.ErrorIs(t, err, context.Canceled)
		assert.Regexp(t, `^bulk: import `+db.Table("Copy")+`: `+regexp.QuoteMeta(first)+`:\d+: context canceled \(not read: `+regexp.QuoteMeta(second)+`\)$`, err.Error())
	})
}
