//go:build !unix

package bulk_test

import "os"

// pause does nothing where processes cannot be stopped by a signal: the
// multi-process test then looks at a process that keeps running.
func pause(*os.Process) error { return nil }

// resume does nothing, as pause.
func resume(*os.Process) error { return nil }
