// Package names checks the names DynamoDB gives tables and indexes, for the
// root package (CheckTableName) and package schema (table files) alike.
package names

import "fmt"

// The length DynamoDB allows for a table or index name.
const (
	MinLen = 3
	MaxLen = 255
)

// Check returns what is wrong with a table or index name, or "": it must be
// MinLen to MaxLen characters of a-z, A-Z, 0-9, '_', '-' and '.'.
func Check(name string) string {
	if len(name) < MinLen || len(name) > MaxLen {
		if name == "" {
			return "empty"
		}
		return fmt.Sprintf("must be %d to %d characters long", MinLen, MaxLen)
	}
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.') {
			return fmt.Sprintf("character %q not allowed (use a-z, A-Z, 0-9, '_', '-', '.')", c)
		}
	}
	return ""
}
