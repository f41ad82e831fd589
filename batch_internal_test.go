package dynamodel

import (
	"bytes"
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
)

// goroutineID returns the id runtime.Stack prints for the calling goroutine.
func goroutineID() string {
	buf := make([]byte, 64)
	buf = buf[:runtime.Stack(buf, false)]
	id, _, _ := bytes.Cut(bytes.TrimPrefix(buf, []byte("goroutine ")), []byte(" "))
	return string(id)
}

// TestRunChunksReusesGoroutines checks that runChunks runs its chunks on
// at most concurrency goroutines, each running many, and never more than
// concurrency chunks at once.
func TestRunChunksReusesGoroutines(t *testing.T) {
	const n, concurrency = 200, 4
	var (
		mu         sync.Mutex
		ran        = map[int]bool{}
		workers    = map[string]bool{}
		running    atomic.Int32
		mostAtOnce atomic.Int32
	)
	skipped, err := runChunks(context.Background(), n, concurrency, func(_ context.Context, c int) error {
		now := running.Add(1)
		defer running.Add(-1)
		for old := mostAtOnce.Load(); now > old && !mostAtOnce.CompareAndSwap(old, now); old = mostAtOnce.Load() {
		}
		mu.Lock()
		defer mu.Unlock()
		ran[c] = true
		workers[goroutineID()] = true
		return nil
	})
	require.NoError(t, err)
	require.Empty(t, skipped)
	require.Len(t, ran, n)
	require.LessOrEqual(t, len(workers), concurrency, "goroutines that ran chunks")
	require.LessOrEqual(t, mostAtOnce.Load(), int32(concurrency))
}

// TestRunChunksStopsAfterFailure checks that no chunk starts after one
// fails, and that every chunk not started is reported skipped.
func TestRunChunksStopsAfterFailure(t *testing.T) {
	boom := errors.New("boom")
	var started atomic.Int32
	skipped, err := runChunks(context.Background(), 50, 1, func(_ context.Context, c int) error {
		started.Add(1)
		if c == 3 {
			return boom
		}
		return nil
	})
	require.ErrorIs(t, err, boom)
	require.Equal(t, int32(4), started.Load())
	require.Len(t, skipped, 46)
	require.Equal(t, 4, skipped[0])
}

// TestRunChunksStopsWhenCancelled checks that a context ended before the
// call starts no chunk and reports every one skipped, with its error.
func TestRunChunksStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	skipped, err := runChunks(ctx, 10, 3, func(context.Context, int) error {
		t.Error("a chunk started after the context ended")
		return nil
	})
	require.ErrorIs(t, err, context.Canceled)
	require.Len(t, skipped, 10)
}
