package bulk_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/dynamodel/dynamodel/bulk"
)

func TestBar(t *testing.T) {
	var buf bytes.Buffer
	bar := &bulk.Bar{Out: &buf, Terminal: true, Width: 100}
	p := bulk.Progress{Op: "export", Items: 12345, Bytes: 4_200_000, Total: 50000, Elapsed: 10 * time.Second}
	bar.Update(p)
	assert.Equal(t, "\rexport [========>                               ]  24%  12,345 items, 4.2 MB, 1,235/s, ETA 0:31\x1b[K", buf.String())
	buf.Reset()
	bar.Update(p) // within a tenth of a second: not drawn
	assert.Empty(t, buf.String())
	p.Items, p.Done, p.Failed = 50000, true, 3
	bar.Update(p)
	assert.True(t, strings.HasSuffix(buf.String(), "100%  50,000 items, 4.2 MB, 5,000/s, 3 failed\x1b[K\n"), buf.String())

	// Off a terminal: nothing while running, one summary line at the end.
	buf.Reset()
	plain := bulk.NewBar(&buf)
	assert.False(t, plain.Terminal)
	plain.Update(bulk.Progress{Op: "import", Items: 10, Bytes: 2500, TotalBytes: 5000, Elapsed: time.Second})
	assert.Empty(t, buf.String())
	plain.Update(bulk.Progress{Op: "import", Items: 20, Bytes: 5000, TotalBytes: 5000, Elapsed: 2 * time.Second, Done: true})
	assert.Equal(t, "import: 20 lines, 5.0 kB in 2s (10 items/s)\n", buf.String())
}

func TestProgressETA(t *testing.T) {
	p := bulk.Progress{Items: 300, Resumed: 100, Total: 1000, Elapsed: 10 * time.Second}
	assert.Equal(t, 20.0, p.Rate(), "items done by this process")
	left, ok := p.ETA()
	assert.True(t, ok)
	assert.Equal(t, 35*time.Second, left, "200 items in 10 s, 700 to go")
	_, ok = bulk.Progress{Items: 5, Elapsed: time.Second}.ETA()
	assert.False(t, ok, "no total: no ETA")
	f, ok := bulk.Progress{Bytes: 50, TotalBytes: 200, Items: 999, Total: 1000}.Fraction()
	assert.True(t, ok)
	assert.Equal(t, 0.25, f, "bytes first when known")
}
