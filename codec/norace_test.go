//go:build !race

package codec_test

// raceEnabled skips allocation counts, which the race detector changes.
const raceEnabled = false
