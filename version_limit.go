package dynamodel

import (
	"fmt"
	"reflect"
)

// checkNextVersion refuses a write from version current, held in a field of
// type t, when the next version would not fit: the largest value t holds
// (for uint64, math.MaxInt64, which versions are counted in) would wrap to
// a smaller one, a version going backwards that a stale reader's version
// can match again. Without it an int8 version wraps after 127 writes.
func checkNextVersion(t reflect.Type, current int64) error {
	if current >= 0 && current < versionLimit(t) {
		return nil
	}
	if current < 0 && isSigned(t.Kind()) {
		return nil // counting up towards 0 and on
	}
	return fmt.Errorf("%w: version %d leaves no next version a %v holds: it would wrap", ErrInvalidItem, uint64OrInt(t, current), t)
}

// versionLimit is the largest version a field of type t holds, counting
// in int64.
func versionLimit(t reflect.Type) int64 {
	bits := t.Bits()
	if isSigned(t.Kind()) || bits == 64 {
		return int64(uint64(1)<<(bits-1) - 1)
	}
	return int64(uint64(1)<<bits - 1)
}

// uint64OrInt is current as the field holds it, for the error.
func uint64OrInt(t reflect.Type, current int64) any {
	if !isSigned(t.Kind()) {
		return uint64(current)
	}
	return current
}
