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
	awsretry "github.com/aws/aws-sdk-go-v2/aws/retry"
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
		require.Len(t, res.Existing, 2, "the repeated key's later line finds the earlier one's item (see TestImportIfAbsentRepeatedKey)")
		assert.Equal(t, path+`:1: id="1": dynamodel: item already exists: not written`, res.Existing[0].Error())
		assert.Equal(t, path+`:3: id="2": dynamodel: item already exists: not written`, res.Existing[1].Error())
		assert.ErrorIs(t, res.Existing[0], dynamodel.ErrAlreadyExists)
		assert.Equal(t, []string{
			canonical(t, []byte(line(t, item("1", "v", "stored")))),
			canonical(t, []byte(line(t, item("2", "v", "first")))),
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

// indexedTable is a table whose key is id (S) and n (N), with a global
// index keyed by email (S) and a local one by date (S); it records the
// items written and answers every write.
type indexedTable struct {
	bulk.API
	cancel context.CancelFunc // when set, called after each batch
	mu     sync.Mutex
	sent   []map[string]types.AttributeValue
}

func (x *indexedTable) DescribeTable(_ context.Context, in *dynamodb.DescribeTableInput, _ ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error) {
	def := func(name string, typ types.ScalarAttributeType) types.AttributeDefinition {
		return types.AttributeDefinition{AttributeName: aws.String(name), AttributeType: typ}
	}
	key := func(name string, typ types.KeyType) types.KeySchemaElement {
		return types.KeySchemaElement{AttributeName: aws.String(name), KeyType: typ}
	}
	return &dynamodb.DescribeTableOutput{Table: &types.TableDescription{TableName: in.TableName,
		AttributeDefinitions: []types.AttributeDefinition{def("id", "S"), def("n", "N"), def("email", "S"), def("date", "S")},
		KeySchema:            []types.KeySchemaElement{key("n", types.KeyTypeRange), key("id", types.KeyTypeHash)},
		GlobalSecondaryIndexes: []types.GlobalSecondaryIndexDescription{{IndexName: aws.String("byEmail"),
			KeySchema: []types.KeySchemaElement{key("email", types.KeyTypeHash)}}},
		LocalSecondaryIndexes: []types.LocalSecondaryIndexDescription{{IndexName: aws.String("byDate"),
			KeySchema: []types.KeySchemaElement{key("id", types.KeyTypeHash), key("date", types.KeyTypeRange)}}},
	}}, nil
}

func (x *indexedTable) BatchWriteItem(_ context.Context, in *dynamodb.BatchWriteItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, reqs := range in.RequestItems {
		for _, r := range reqs {
			x.sent = append(x.sent, r.PutRequest.Item)
		}
	}
	if x.cancel != nil {
		x.cancel()
	}
	return &dynamodb.BatchWriteItemOutput{}, nil
}

func (x *indexedTable) PutItem(_ context.Context, in *dynamodb.PutItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.sent = append(x.sent, in.Item)
	return &dynamodb.PutItemOutput{}, nil
}

// TestImportChecksKeysBeforeSending: a key value DynamoDB refuses (empty,
// over its length limit), an index key attribute of the wrong type, empty
// or too long, and an attribute name over 64 KB are reported as malformed
// lines and never sent, where they went to DynamoDB (the batch refused,
// then each item of it sent alone).
func TestImportChecksKeysBeforeSending(t *testing.T) {
	long := func(n int) string { return strings.Repeat("k", n) }
	lines := []string{
		`{"Item":{"id":{"S":"ok"},"n":{"N":"1"},"email":{"S":"a@b"}}}`,
		`{"Item":{"id":{"S":""},"n":{"N":"1"}}}`,
		`{"Item":{"id":{"S":"` + long(2049) + `"},"n":{"N":"1"}}}`,
		`{"Item":{"id":{"S":"e"},"n":{"N":"1"},"email":{"N":"5"}}}`,
		`{"Item":{"id":{"S":"e"},"n":{"N":"1"},"email":{"S":""}}}`,
		`{"Item":{"id":{"S":"d"},"n":{"N":"1"},"date":{"S":"` + long(1025) + `"}}}`,
		`{"Item":{"id":{"S":"d"},"n":{"N":"1"},"date":{"NULL":true}}}`,
		`{"Item":{"id":{"S":"` + long(2048) + `"},"n":{"N":"2"},"date":{"S":"` + long(1024) + `"}}}`, // at the limits
		`{"Item":{"id":{"S":"x"},"n":{"N":"3"},"m":{"M":{"` + long(65536) + `":{"S":"v"}}}}}`,
		`{"Item":{"id":{"B":"AAE="},"n":{"N":"1"}}}`,
	}
	path := filepath.Join(t.TempDir(), "in.json")
	writeFile(t, path, strings.Join(lines, "\n")+"\n")
	table := &indexedTable{}
	res, err := bulk.Import(testContext(t), table, "Indexed", []string{path})
	require.ErrorIs(t, err, bulk.ErrNotWritten)
	var got []string
	for _, le := range res.Failed {
		assert.ErrorIs(t, le, bulk.ErrMalformedItem, le.Error())
		got = append(got, strings.TrimPrefix(le.Error(), path+":"))
	}
	assert.Equal(t, []string{
		`2: bulk: malformed item: key attribute "id": empty: DynamoDB takes no empty key value`,
		`3: bulk: malformed item: key attribute "id": 2049 bytes, over DynamoDB's 2048-byte limit`,
		`4: id="e" n=1: bulk: malformed item: attribute "email", a key of index byEmail: want type S, got N`,
		`5: id="e" n=1: bulk: malformed item: attribute "email", a key of index byEmail: empty: DynamoDB takes no empty key value`,
		`6: id="d" n=1: bulk: malformed item: attribute "date", a key of index byDate: 1025 bytes, over DynamoDB's 1024-byte limit`,
		`7: id="d" n=1: bulk: malformed item: attribute "date", a key of index byDate: want type S, got NULL`,
		`9: bulk: malformed item: attribute "m": an attribute name of 65536 bytes, over DynamoDB's limit of 65535`,
		`10: bulk: malformed item: key attribute "id": want type S, got B`,
	}, got)
	assert.Len(t, table.sent, 2, "only the good lines are sent")
	assert.Equal(t, int64(2), res.Written)
}

// TestImportIfAbsentRepeatedKey: with IfAbsent, of two lines with one key
// the earlier one is written and the later one is in Existing, whether the
// lines are in one batch or far apart (the later line of a batch took the
// earlier one's place, so which line won depended on the distance).
func TestImportIfAbsentRepeatedKey(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		var text strings.Builder
		text.WriteString(line(t, item("near", "v", "first")) + line(t, item("near", "v", "second")))
		text.WriteString(line(t, item("far", "v", "first")))
		for i := range 30 {
			text.WriteString(line(t, item(fmt.Sprint("filler", i))))
		}
		text.WriteString(line(t, item("far", "v", "second")))
		path := filepath.Join(t.TempDir(), "in.json")
		writeFile(t, path, text.String())
		res, err := bulk.Import(testContext(t), db.Client, db.Table("Copy"), []string{path}, func(o *bulk.ImportOptions) { o.IfAbsent = true })
		require.NoError(t, err)
		assert.Equal(t, int64(32), res.Written)
		assert.Equal(t, int64(2), res.Duplicates)
		var existing []int
		for _, le := range res.Existing {
			assert.ErrorIs(t, le, dynamodel.ErrAlreadyExists)
			existing = append(existing, le.Line)
		}
		assert.Equal(t, []int{2, 34}, existing)
		stored := itemsByID(t, db, "Copy")
		for _, id := range []string{"near", "far"} {
			assert.Equal(t, "first", stored[id]["v"].(*types.AttributeValueMemberS).Value, id)
		}
	})
}

// importIfAbsent imports path into the Copy table with IfAbsent, through
// a client of db whose requests go through f and whose SDK retries pause
// briefly.
func importIfAbsent(ctx context.Context, db *dynamotest.DB, f *dynamotest.Faults, path string) (bulk.ImportResult, error) {
	client := db.Engine.Client(f.Option(), func(o *dynamodb.Options) {
		o.Retryer = awsretry.AddWithMaxBackoffDelay(awsretry.NewStandard(), 20*time.Millisecond)
	})
	return bulk.Import(ctx, client, db.Table("Copy"), []string{path}, func(o *bulk.ImportOptions) {
		o.IfAbsent = true
	})
}

// TestImportIfAbsentRefusedConnection: with IfAbsent, a line whose first
// attempt's connection is refused never left, so the item the resend
// finds, though the very item of the line, was there before: Existing,
// not Written (a lost answer would have made it the line's own).
func TestImportIfAbsentRefusedConnection(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := testContext(t)
		same := item("same", "v", "1")
		putItems(t, db.Client, db.Table("Copy"), []map[string]types.AttributeValue{same})
		path := filepath.Join(t.TempDir(), "in.json")
		writeFile(t, path, line(t, same))
		f := &dynamotest.Faults{}
		f.Add("PutItem", dynamotest.ConnectionRefused, 1)
		res, err := importIfAbsent(ctx, db, f, path)
		require.NoError(t, err)
		assert.Equal(t, 1, f.Injected("PutItem"))
		assert.Zero(t, res.Written)
		require.Len(t, res.Existing, 1)
		assert.Equal(t, 1, res.Existing[0].Line)
	})
}

// TestImportStoppedIsNotDone: an import stopped by its context ends its
// progress without Done, as Progress says (it reported Done, so a bar
// showed 100% and "done" for an import that stopped part way), with a last
// report of where it stopped.
func TestImportStoppedIsNotDone(t *testing.T) {
	ctx, cancel := context.WithCancel(testContext(t))
	var text strings.Builder
	for i := range 200 {
		fmt.Fprintf(&text, `{"Item":{"id":{"S":"i%03d"},"n":{"N":"1"}}}`+"\n", i)
	}
	path := filepath.Join(t.TempDir(), "in.json")
	writeFile(t, path, text.String())
	var last bulk.Progress
	res, err := bulk.Import(ctx, &indexedTable{cancel: cancel}, "Indexed", []string{path}, func(o *bulk.ImportOptions) {
		o.Batch.Concurrency = 1
		o.Progress = func(p bulk.Progress) { last = p }
	})
	require.ErrorIs(t, err, context.Canceled)
	assert.False(t, last.Done, "stopped, not done")
	assert.Equal(t, res.Lines, last.Items, "the last report says where it stopped")
	assert.Equal(t, int64(len(res.Failed)), last.Failed)
}

// TestImportIfAbsentLostResponse: with IfAbsent, a put whose answer is
// lost after the engine applied it is resent by the SDK, and the resend's
// condition fails on the line's own item: the line is written, not in
// Existing (it was reported as an item that was already there, not
// written). An item that was there before, even found after a lost answer,
// is still in Existing.
func TestImportIfAbsentLostResponse(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := testContext(t)
		putItems(t, db.Client, db.Table("Copy"), []map[string]types.AttributeValue{item("old", "v", "before")})
		path := filepath.Join(t.TempDir(), "in.json")
		writeFile(t, path, line(t, item("a", "v", "1", "w", "x"))+line(t, item("old", "v", "line")))
		f := &dynamotest.Faults{}
		f.Add("PutItem", dynamotest.LoseResponse, 1) // each line's first attempt
		f.Add("PutItem", dynamotest.PassThrough, 1)
		f.Add("PutItem", dynamotest.LoseResponse, 1)
		res, err := importIfAbsent(ctx, db, f, path)
		require.NoError(t, err)
		assert.Equal(t, 2, f.Injected("PutItem"), "two answers lost")
		assert.GreaterOrEqual(t, f.Attempts("PutItem"), 4, "each lost one resent")
		assert.Equal(t, int64(1), res.Written)
		require.Len(t, res.Existing, 1)
		assert.Equal(t, 2, res.Existing[0].Line)
		stored := itemsByID(t, db, "Copy")
		assert.Equal(t, "1", stored["a"]["v"].(*types.AttributeValueMemberS).Value)
		assert.Equal(t, "before", stored["old"]["v"].(*types.AttributeValueMemberS).Value)
	})
}

// TestImportFailedBatchSaysWhetherItLeft: a batch whose every attempt is
// refused at the dial never reached DynamoDB, so its lines are "not
// written"; one whose every answer is lost may have been applied, so its
// lines are "outcome unknown" (every failure was reported as unknown).
func TestImportFailedBatchSaysWhetherItLeft(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		for _, c := range []struct {
			kind dynamotest.FaultKind
			want string
		}{
			{dynamotest.ConnectionRefused, "not written: "},
			{dynamotest.LoseResponse, "outcome unknown: "},
		} {
			path := filepath.Join(t.TempDir(), "in.json")
			writeFile(t, path, line(t, item("a", "v", "1")))
			f := &dynamotest.Faults{}
			f.Add("BatchWriteItem", c.kind, 100)
			client := db.Engine.Client(f.Option(), func(o *dynamodb.Options) {
				o.Retryer = awsretry.AddWithMaxBackoffDelay(awsretry.NewStandard(), 20*time.Millisecond)
			})
			res, err := bulk.Import(testContext(t), client, db.Table("Copy"), []string{path}, func(o *bulk.ImportOptions) {
				o.Batch.MaxAttempts = 1
			})
			var ie *bulk.ImportError
			require.ErrorAs(t, err, &ie, c.kind)
			require.Len(t, res.Failed, 1, c.kind)
			assert.Contains(t, res.Failed[0].Error(), c.want, c.kind)
		}
	})
}

// TestImportUnprocessedAfterALostAnswerIsUnknown: the SDK resent a batch
// whose answer was lost (the engine had applied it), and what DynamoDB
// then left unprocessed stays so until the attempts run out: the lost
// send may have written those lines, so their outcome is unknown (they
// were reported "still unprocessed", as if surely not written).
func TestImportUnprocessedAfterALostAnswerIsUnknown(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		path := filepath.Join(t.TempDir(), "in.json")
		writeFile(t, path, line(t, item("a"))+line(t, item("stuck")))
		f := &dynamotest.Faults{}
		f.Add("BatchWriteItem", dynamotest.LoseResponse, 1)
		inner := db.Engine.Client(f.Option(), func(o *dynamodb.Options) {
			o.Retryer = awsretry.AddWithMaxBackoffDelay(awsretry.NewStandard(), 20*time.Millisecond)
		})
		client := &stubborn{API: inner}
		client.calls.Store(1) // no throttled first call
		res, err := bulk.Import(testContext(t), client, db.Table("Copy"), []string{path}, func(o *bulk.ImportOptions) {
			o.Batch.MaxAttempts, o.Batch.BaseDelay = 3, time.Millisecond
		})
		require.ErrorIs(t, err, bulk.ErrNotWritten)
		require.Len(t, res.Failed, 1)
		assert.Equal(t, path+`:2: id="stuck": outcome unknown: still unprocessed after 3 attempts`, res.Failed[0].Error())
		assert.Equal(t, 1, f.Injected("BatchWriteItem"))
	})
}
