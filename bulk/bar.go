package bulk

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"
)

// A Bar shows Progress: on a terminal as a bar redrawn in place (items,
// bytes, items per second, the part done and the time left when the total
// is known), otherwise as one summary line at the end. The dynamodel
// command draws its export, import and backfill progress with it; a program
// passes Update as an operation's Progress callback and shows the same bar:
//
//	bar := bulk.NewBar(os.Stderr)
//	_, err := bulk.Backfill(ctx, users, "add-login", addLogin, func(o *bulk.BackfillOptions) {
//		o.Progress = bar.Update
//	})
//
// A Bar is safe for concurrent use.
type Bar struct {
	// Out is where the bar is drawn.
	Out io.Writer
	// Terminal draws the bar in place; without it only the summary is
	// written.
	Terminal bool
	// Width is the terminal's width in columns (80 when 0).
	Width int

	mu   sync.Mutex
	last time.Time // when the bar was last drawn
}

// NewBar returns a bar drawing on w, in place when w is a terminal.
func NewBar(w io.Writer) *Bar {
	b := &Bar{Out: w}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		b.Terminal = true
		if width, _, err := term.GetSize(int(f.Fd())); err == nil {
			b.Width = width
		}
	}
	return b
}

// Update draws p, at most ten times a second; with p.Done it finishes the
// bar (see Finish).
func (b *Bar) Update(p Progress) {
	if p.Done {
		b.Finish(p)
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.Terminal || time.Since(b.last) < progressEvery {
		return
	}
	b.last = time.Now()
	fmt.Fprintf(b.Out, "\r%s\x1b[K", b.line(p))
}

// Finish draws p one last time and ends the line; off a terminal it writes
// the summary line.
func (b *Bar) Finish(p Progress) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.Terminal {
		fmt.Fprintf(b.Out, "\r%s\x1b[K\n", b.line(p))
		return
	}
	fmt.Fprintln(b.Out, Summary(p))
}

// line renders the bar for a terminal of b.Width columns.
func (b *Bar) line(p Progress) string {
	width := b.Width
	if width <= 0 {
		width = 80
	}
	stats := stats(p, true)
	f, known := p.Fraction()
	if !known {
		return fitWidth(p.Op+"  "+stats, width)
	}
	pct := fmt.Sprintf("%3d%%", int(f*100))
	room := width - len(p.Op) - len(stats) - len(pct) - 8
	if room < 10 {
		return fitWidth(p.Op+"  "+pct+"  "+stats, width)
	}
	room = min(room, 40)
	full := int(f * float64(room))
	bar := strings.Repeat("=", full) + strings.Repeat(" ", room-full)
	if full < room && full > 0 {
		bar = strings.Repeat("=", full-1) + ">" + strings.Repeat(" ", room-full)
	}
	return fitWidth(p.Op+" ["+bar+"] "+pct+"  "+stats, width)
}

// Summary is the one line a Bar writes at the end off a terminal, e.g.
// "export: 27,000 items, 9.3 MB in 12.4s (2,177 items/s)".
func Summary(p Progress) string {
	return p.Op + ": " + stats(p, false)
}

// stats renders the numbers of p.
func stats(p Progress, live bool) string {
	var b strings.Builder
	b.WriteString(count(p.Items))
	if p.Op == "import" {
		b.WriteString(" lines, ")
	} else {
		b.WriteString(" items, ")
	}
	b.WriteString(byteSize(p.Bytes))
	if !live {
		fmt.Fprintf(&b, " in %s", p.Elapsed.Round(100*time.Millisecond))
		fmt.Fprintf(&b, " (%s items/s)", count(int64(p.Rate()+0.5)))
	} else {
		fmt.Fprintf(&b, ", %s/s", count(int64(p.Rate()+0.5)))
		if left, ok := p.ETA(); ok && !p.Done {
			b.WriteString(", ETA " + hms(left))
		}
	}
	if p.Failed > 0 {
		fmt.Fprintf(&b, ", %s failed", count(p.Failed))
	}
	return b.String()
}

// count renders n with thousands separators: 12,345.
func count(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// byteSize renders n bytes as B, kB, MB or GB (powers of 1000).
func byteSize(n int64) string {
	switch {
	case n < 1000:
		return strconv.FormatInt(n, 10) + " B"
	case n < 1000*1000:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	case n < 1000*1000*1000:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	}
	return fmt.Sprintf("%.2f GB", float64(n)/1e9)
}

// hms renders d as h:mm:ss or m:ss.
func hms(d time.Duration) string {
	s := int64(d.Round(time.Second) / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// fitWidth cuts s to width columns (the bar is ASCII but for the
// operation's name).
func fitWidth(s string, width int) string {
	if len(s) <= width {
		return s
	}
	return s[:width]
}
