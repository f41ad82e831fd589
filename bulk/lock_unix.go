//go:build unix

package bulk

import (
	"errors"
	"os"
	"syscall"
)

// lockFile takes an exclusive lock on f without waiting, so that two
// exports never write one file at once; errLocked when another process (or
// another open of the file) holds it. The lock ends when f is closed, or
// its process dies.
func lockFile(f *os.File) error {
	err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return errLocked
	}
	return err
}
