package workers_test

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/dynamodel/dynamodel/internal/workers"
)

// TestEachBoundsItsGoroutines: every piece runs once, never more than
// concurrency at once, from at most concurrency goroutines.
func TestEachBoundsItsGoroutines(t *testing.T) {
	const n, concurrency = 10000, 3
	before := runtime.NumGoroutine()
	var mu sync.Mutex
	runs := map[int]int{}
	var active, peak, goroutines atomic.Int64
	workers.Each(n, concurrency, func(i int) bool {
		a := active.Add(1)
		defer active.Add(-1)
		for p := peak.Load(); a > p && !peak.CompareAndSwap(p, a); p = peak.Load() {
		}
		for g, p := int64(runtime.NumGoroutine()), goroutines.Load(); g > p && !goroutines.CompareAndSwap(p, g); p = goroutines.Load() {
		}
		mu.Lock()
		runs[i]++
		mu.Unlock()
		return true
	})
	assert.Len(t, runs, n)
	for i, c := range runs {
		assert.Equal(t, 1, c, "piece %d", i)
	}
	assert.LessOrEqual(t, peak.Load(), int64(concurrency))
	assert.LessOrEqual(t, goroutines.Load(), int64(before+concurrency))
}

// TestEachStops: a goroutine whose piece returns false takes no more.
func TestEachStops(t *testing.T) {
	var ran atomic.Int64
	workers.Each(100, 1, func(i int) bool { ran.Add(1); return i < 4 })
	assert.Equal(t, int64(5), ran.Load())
	workers.Each(0, 4, func(int) bool { t.Fatal("no pieces"); return true })
}
