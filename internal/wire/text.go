package wire

import (
	"unicode/utf16"
	"unicode/utf8"
)

// LoneSurrogate returns the offset in JSON text b of the first \u escape
// of a UTF-16 surrogate that is not the high half of a high-low pair, or
// -1. encoding/json reads such an escape as U+FFFD; a caller that must
// keep text as written refuses it instead. A backslash is only valid in a
// string, where it starts an escape, so escapes are found by skipping each
// one whole, wherever they are.
func LoneSurrogate(b []byte) int {
	for i := 0; i < len(b)-1; i++ {
		if b[i] != '\\' {
			continue
		}
		r, ok := rune(0), false
		if b[i+1] == 'u' {
			r, ok = hex4(b, i+2)
		}
		switch {
		case !ok:
			i++ // \" \\ \n ...: skip the escaped byte
		case !utf16.IsSurrogate(r):
			i += 5
		case r >= 0xdc00:
			return i // a low half with no high one before it
		default:
			low, ok := rune(0), false
			if i+7 < len(b) && b[i+6] == '\\' && b[i+7] == 'u' {
				low, ok = hex4(b, i+8)
			}
			if !ok || low < 0xdc00 || low > 0xdfff {
				return i
			}
			i += 11
		}
	}
	return -1
}

// InvalidUTF8 returns the offset of the first byte of b that is not part
// of valid UTF-8, or -1.
func InvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return -1
}
