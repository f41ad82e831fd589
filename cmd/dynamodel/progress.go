package main

import (
	"io"
	"sync"

	"github.com/dynamodel/dynamodel/bulk"
)

// progress draws an operation's progress with a bulk.Bar and keeps its
// last report, so that an operation that stops before it is done still
// ends its bar (on a terminal, the line the error then starts after) or
// writes its summary line.
type progress struct {
	bar  *bulk.Bar
	mu   sync.Mutex
	last *bulk.Progress // nil before the first report and after Done
}

func newProgress(w io.Writer) *progress { return &progress{bar: bulk.NewBar(w)} }

// update is the operation's Progress callback.
func (p *progress) update(pr bulk.Progress) {
	p.mu.Lock()
	if pr.Done {
		p.last = nil
	} else {
		p.last = &pr
	}
	p.mu.Unlock()
	p.bar.Update(pr)
}

// stop ends the bar where the operation stopped; it does nothing when the
// operation finished, or never reported.
func (p *progress) stop() {
	p.mu.Lock()
	last := p.last
	p.last = nil
	p.mu.Unlock()
	if last != nil {
		p.bar.Finish(*last)
	}
}
