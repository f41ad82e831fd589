package bulk

import (
	"time"
)

// Progress is how far an export, import or backfill has come. Each passes
// it to its Progress callback as it goes (at most every tenth of a second,
// and once more with Done set when it finishes; an export or import that
// stops reports once more where it stopped, without Done); Bar draws it.
type Progress struct {
	// Op is "export", "import" or "backfill".
	Op string
	// Items counts items written (export), lines read (import) or items
	// read (backfill, all workers of the run together).
	Items int64
	// Bytes counts bytes written (export), input bytes read (import, as
	// stored: compressed for gzip files), or the size of the items read
	// (backfill).
	Bytes int64
	// Failed counts items or lines not done: lines not written (import),
	// items a backfill could not process.
	Failed int64
	// Resumed is how much of Items was done before this process began (a
	// resumed export, a backfill run other workers had started): rates
	// count only the rest.
	Resumed int64
	// Total is how many items there are to do: the table's item count,
	// which DynamoDB updates about every six hours (0 when unknown).
	Total int64
	// TotalBytes is the size of an import's input (0 when unknown); when
	// known, the fraction done is counted in bytes.
	TotalBytes int64
	// Elapsed is the time since this process began the operation.
	Elapsed time.Duration
	// Done is set on the last call, made when the operation has finished
	// (an operation that fails or is stopped ends without one).
	Done bool
}

// Rate returns the items done per second by this process.
func (p Progress) Rate() float64 {
	if p.Elapsed <= 0 {
		return 0
	}
	return float64(p.Items-p.Resumed) / p.Elapsed.Seconds()
}

// Fraction returns the part done, from 0 to 1: bytes of TotalBytes when it
// is known, else items of Total; ok is false when neither is known.
func (p Progress) Fraction() (f float64, ok bool) {
	switch {
	case p.Done:
		return 1, true
	case p.TotalBytes > 0:
		f = float64(p.Bytes) / float64(p.TotalBytes)
	case p.Total > 0:
		f = float64(p.Items) / float64(p.Total)
	default:
		return 0, false
	}
	return min(f, 1), true
}

// ETA estimates the time left from the rate so far; ok is false when
// nothing tells how much is left, or nothing is done yet.
func (p Progress) ETA() (left time.Duration, ok bool) {
	f, ok := p.Fraction()
	if !ok || p.Elapsed <= 0 {
		return 0, false
	}
	startF := 0.0
	if p.TotalBytes <= 0 && p.Total > 0 {
		startF = float64(p.Resumed) / float64(p.Total)
	}
	doneF := f - startF
	if doneF <= 0 {
		return 0, false
	}
	secs := p.Elapsed.Seconds() * (1 - f) / doneF
	return time.Duration(secs * float64(time.Second)).Round(time.Second), true
}

// progressEvery is how often a running operation reports progress.
const progressEvery = 100 * time.Millisecond
