//go:build unix

package bulk_test

import (
	"os"
	"syscall"
)

// pause stops process p (SIGSTOP) until resume, so that what it holds
// cannot change while the test looks.
func pause(p *os.Process) error { return p.Signal(syscall.SIGSTOP) }

// resume lets a paused process run again (SIGCONT).
func resume(p *os.Process) error { return p.Signal(syscall.SIGCONT) }
