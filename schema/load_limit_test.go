package schema_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel/schema"
)

// padded returns the seed's table file padded with spaces to size bytes.
func padded(t *testing.T, size int) []byte {
	t.Helper()
	data, err := os.ReadFile("../testdata/create-user.json")
	require.NoError(t, err)
	require.LessOrEqual(t, len(data), size)
	return append(data, bytes.Repeat([]byte(" "), size-len(data))...)
}

// TestLoadCapsFileSize: every way into the loader refuses a file over
// the cap with an error naming the file and the cap; one exactly at the
// cap loads; LoadOptions.MaxFileSize raises it.
func TestLoadCapsFileSize(t *testing.T) {
	dir := t.TempDir()
	atCap, overCap := padded(t, schema.DefaultMaxFileSize), padded(t, schema.DefaultMaxFileSize+1)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "a.json"), atCap, 0o644))
	big := filepath.Join(dir, "big", "b.json")
	require.NoError(t, os.MkdirAll(filepath.Dir(big), 0o755))
	require.NoError(t, os.WriteFile(big, overCap, 0o644))
	raise := func(o *schema.LoadOptions) { o.MaxFileSize = 2 << 20 }

	_, err := schema.Load(filepath.Join(dir, "a.json"))
	require.NoError(t, err, "a file of exactly the cap loads")

	for name, load := range map[string]func(...func(*schema.LoadOptions)) error{
		"Load": func(o ...func(*schema.LoadOptions)) error { _, err := schema.Load(big, o...); return err },
		"LoadAll": func(o ...func(*schema.LoadOptions)) error {
			_, err := schema.LoadAll(big, o...)
			return err
		},
		"LoadDir": func(o ...func(*schema.LoadOptions)) error {
			_, err := schema.LoadDir(filepath.Dir(big), o...)
			return err
		},
		"LoadFS": func(o ...func(*schema.LoadOptions)) error {
			_, err := schema.LoadFS(fstest.MapFS{"t/b.json": {Data: overCap}}, "t", o...)
			return err
		},
		"Read": func(o ...func(*schema.LoadOptions)) error {
			_, err := schema.Read(big, bytes.NewReader(overCap), o...)
			return err
		},
		"Parse": func(o ...func(*schema.LoadOptions)) error { _, err := schema.Parse(big, overCap, o...); return err },
		"ParseAll": func(o ...func(*schema.LoadOptions)) error {
			_, err := schema.ParseAll(big, overCap, o...)
			return err
		},
	} {
		err := load()
		require.ErrorIs(t, err, schema.ErrInvalid, name)
		var se *schema.Error
		require.ErrorAs(t, err, &se, name)
		assert.Contains(t, []string{big, "t/b.json"}, se.File, name)
		assert.Contains(t, err.Error(), "larger than the 1048576-byte cap on table files", name)
		require.NoError(t, load(raise), "%s with MaxFileSize raised", name)
	}
}

// TestLoadOfDevZeroFailsFast links a table file to /dev/zero, which never
// ends: the loader reads no more than the cap allows, and fails. A watchdog
// stops the test process should the memory grow without bound (as reading
// a file whole would), so a regression cannot take the machine down.
func TestLoadOfDevZeroFailsFast(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero:", err)
	}
	dir := t.TempDir()
	zero := filepath.Join(dir, "zero.json")
	require.NoError(t, os.Symlink("/dev/zero", zero))

	done := make(chan struct{})
	defer close(done)
	var start runtime.MemStats
	runtime.ReadMemStats(&start)
	go func() {
		for {
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
			var now runtime.MemStats
			runtime.ReadMemStats(&now)
			if grown := now.TotalAlloc - start.TotalAlloc; grown > 256<<20 {
				panic(fmt.Sprintf("loading a link to /dev/zero allocated %d MiB and counting", grown>>20))
			}
		}
	}()

	var before, after runtime.MemStats
	for name, load := range map[string]func() error{
		"Load":    func() error { _, err := schema.Load(zero); return err },
		"LoadDir": func() error { _, err := schema.LoadDir(dir); return err },
	} {
		runtime.ReadMemStats(&before)
		err := load()
		runtime.ReadMemStats(&after)
		require.ErrorIs(t, err, schema.ErrInvalid, name)
		assert.Contains(t, err.Error(), "zero.json: larger than the 1048576-byte cap", name)
		assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(8<<20), "%s: memory bounded by the cap", name)
	}
}

// TestParseAcceptsByteOrderMark: a file some editors start with a UTF-8
// byte-order mark loads as the same table, and errors keep their lines.
func TestParseAcceptsByteOrderMark(t *testing.T) {
	data, err := os.ReadFile("../testdata/create-user.json")
	require.NoError(t, err)
	bom := append([]byte("\xef\xbb\xbf"), data...)
	want, err := schema.Parse("user.json", data)
	require.NoError(t, err)
	got, err := schema.Parse("user.json", bom)
	require.NoError(t, err)
	assert.Equal(t, want.CreateTableInput(), got.CreateTableInput())

	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "user.json"), bom, 0o644))
	tables, err := schema.LoadDir(dir)
	require.NoError(t, err)
	assert.Equal(t, want.CreateTableInput(), tables[0].CreateTableInput())

	broken := append([]byte("\xef\xbb\xbf{\n  \"TableName\": \"x\",\n  oops\n}"), '\n')
	_, err = schema.Parse("broken.json", broken)
	var se *schema.Error
	require.ErrorAs(t, err, &se)
	assert.Equal(t, 3, se.Line)
	assert.Equal(t, 3, se.Column)

	// A YAML table file may start with one too.
	yaml := "TableName: Docs\nAttributeDefinitions: [{AttributeName: id, AttributeType: S}]\nKeySchema: [{AttributeName: id, KeyType: HASH}]\nBillingMode: PAY_PER_REQUEST\n"
	docs, err := schema.Parse("docs.yaml", append([]byte("\xef\xbb\xbf"), yaml...))
	require.NoError(t, err)
	assert.Equal(t, "Docs", docs.Name())

	// Only a mark at the very start is dropped.
	_, err = schema.Parse("late.json", append([]byte(" \xef\xbb\xbf"), data...))
	require.ErrorIs(t, err, schema.ErrInvalid)
}
