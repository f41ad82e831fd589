// Package workers runs numbered pieces of work on a bounded pool of
// goroutines, for the root package's parallel scans and package bulk's
// exports.
package workers

import (
	"sync"
	"sync/atomic"
)

// Each calls do for 0 to n-1, at most concurrency (at least 1) at once,
// from as many goroutines however large n is (a parallel scan's segments
// go up to DynamoDB's 1,000,000), and returns when they are done. A
// goroutine whose do returns false takes no further pieces.
func Each(n, concurrency int, do func(i int) bool) {
	var (
		wg   sync.WaitGroup
		next atomic.Int64
	)
	for range min(max(concurrency, 1), n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n || !do(i) {
					return
				}
			}
		}()
	}
	wg.Wait()
}
