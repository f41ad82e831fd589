package dynamodel_test

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel"
)

// fuzzNames are the names fuzzed paths are made of: plain ones, reserved
// words, the model's key and version, and names holding the characters a
// path gives meaning to.
var fuzzNames = []string{"a", "b", "name", "status", "customer", "id", "version", "x.y", "[0]", `"`, `q"`, "]", "a b", "ö", "#n0", ":v0"}

// fuzzSeg is one segment of a fuzzed path: a name, or a list index.
type fuzzSeg struct {
	name  string
	index int // when name is ""
}

// FuzzUpdatePaths builds updates from bytes: every kind of change, on paths
// made of random segments (names that need quoting, reserved words, the
// key, list indexes), written through Path, Name, plain text or text taken
// straight from the input. Whatever the input, the request is built with
// no call (the stub fails the test on any), and:
//
//   - when it is built, the update expression is placeholders, keywords,
//     function names, digits in brackets and punctuation, nothing else,
//     and each change's path, read back through the name map, is exactly
//     the path asked for;
//   - it is refused exactly when DynamoDB would refuse it (an invalid path
//     or value, two overlapping paths, a path inside the key or the
//     version), with ErrInvalidUpdate.
func FuzzUpdatePaths(f *testing.F) {
	f.Add([]byte{0, 1, 0, 2, 1, 1, 3})
	f.Add([]byte{4, 2, 0, 9, 1, 3, 5, 1, 0, 9})
	f.Add([]byte{8, 3, 0, 7, 2, 1, 0, 12, 6, 1, 0, 1})
	f.Add([]byte{2, 1, 3, 'a', '.', '[', 7, 1, 0, 4})
	f.Add([]byte{5, 2, 0, 0, 1, 2, 5, 2, 0, 0, 1, 3})
	grammar := regexp.MustCompile(`^(#n\d+|:v\d+|\[\d+\]|SET|REMOVE|ADD|DELETE|if_not_exists|list_append|[.,=()+\- ])*$`)
	f.Fuzz(func(t *testing.T, data []byte) {
		orders, err := dynamodel.NewRepository[Order](newStub(t), "Orders")
		require.NoError(t, err)
		var (
			upd      dynamodel.Update
			want     [][]fuzzSeg // each change's path, nil when only the parser knows it
			clauses  []string    // each change's clause
			problems []string    // why DynamoDB would refuse the update
		)
		for len(data) >= 3 && len(want) < 64 {
			kind, nsegs, form := data[0]%9, int(data[1]%4)+1, data[2]%4
			data = data[3:]
			var segs []fuzzSeg
			for range nsegs {
				if len(data) == 0 {
					break
				}
				b := data[0]
				data = data[1:]
				if b >= 0xF0 && len(segs) > 0 {
					segs = append(segs, fuzzSeg{index: int(b & 0x0F)})
				} else {
					segs = append(segs, fuzzSeg{name: fuzzNames[int(b)%len(fuzzNames)]})
				}
			}
			if len(segs) == 0 {
				segs = []fuzzSeg{{name: "a"}}
			}
			path, known := writePath(segs, form, &data)
			if known {
				want = append(want, segs)
			} else {
				want = append(want, nil)
			}
			clauses = append(clauses, [...]string{"SET", "SET", "REMOVE", "SET", "SET", "SET", "SET", "ADD", "DELETE"}[kind])
			var value any = len(want)
			if kind == 3 && len(data) > 0 && data[0] == 0xEE { // now and then a value DynamoDB refuses
				value = math.NaN()
				problems = append(problems, "NaN")
			}
			switch kind {
			case 0:
				upd = upd.Set(path, value)
			case 1:
				upd = upd.SetIfMissing(path, value)
			case 2:
				upd = upd.Remove(path)
			case 3:
				upd = upd.Increment(path, value)
			case 4:
				upd = upd.Decrement(path, len(want))
			case 5:
				upd = upd.Append(path, value)
			case 6:
				upd = upd.Prepend(path, value)
			case 7:
				upd = upd.Add(path, []int{len(want)})
			case 8:
				upd = upd.Delete(path, []string{"x"})
			}
		}
		if upd.IsEmpty() {
			return
		}
		problems = append(problems, refusals(want)...)
		in, err := orders.UpdateItemInput(dynamodel.Key{Hash: "c", Range: "o"}, upd)
		known := !slices.ContainsFunc(want, func(segs []fuzzSeg) bool { return segs == nil })
		if err != nil {
			require.ErrorIs(t, err, dynamodel.ErrInvalidUpdate)
			if known && !strings.Contains(err.Error(), "over DynamoDB's limit of 4096") {
				require.NotEmpty(t, problems, "refused for no reason DynamoDB has: %v", err)
			}
			if errors.Is(err, dynamodel.ErrInvalidPath) {
				var pe *dynamodel.PathError
				require.ErrorAs(t, err, &pe)
			}
			return
		}
		if known {
			require.Empty(t, problems, "accepted, but DynamoDB refuses it")
		}
		expr := aws.ToString(in.UpdateExpression)
		require.Regexp(t, grammar, expr, "only placeholders and the language's own words")
		require.LessOrEqual(t, len(expr), 4096)
		for _, name := range in.ExpressionAttributeNames {
			require.NotEmpty(t, name)
		}
		// Each change's path, read back, is what was asked for. A clause
		// lists its changes in the order given, then the model's own (the
		// version, the stamp).
		actions := renderedActions(expr, in.ExpressionAttributeNames)
		seen := map[string]int{}
		for i, segs := range want {
			c := clauses[i]
			got := actions[c][seen[c]]
			seen[c]++
			if segs != nil {
				require.Equal(t, segs, got, "change %d", i)
			}
		}
	})
}

// writePath writes segs as a path in one of four ways; known is false when
// the path is text from the input, whose meaning only the parser knows.
func writePath(segs []fuzzSeg, form byte, data *[]byte) (path string, known bool) {
	args := make([]any, len(segs))
	plain := true
	for i, s := range segs {
		if s.name == "" {
			args[i] = s.index
			continue
		}
		args[i] = s.name
		plain = plain && dynamodel.Name(s.name) == s.name
	}
	switch {
	case form == 0 || form == 1 && !plain:
		return dynamodel.Path(args...), true
	case form == 1:
		var b strings.Builder
		for i, s := range segs {
			if s.name == "" {
				fmt.Fprintf(&b, "[%d]", s.index)
				continue
			}
			if i > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s.name)
		}
		return b.String(), true
	case form == 2 && len(segs) == 1 && segs[0].name != "":
		return dynamodel.Name(segs[0].name), true
	}
	n := min(len(*data), 6)
	text := string((*data)[:n])
	*data = (*data)[n:]
	return text, false
}

// refusals says why DynamoDB would refuse changes of these paths.
func refusals(want [][]fuzzSeg) []string {
	var out []string
	for i, a := range want {
		if a == nil {
			continue
		}
		switch a[0].name {
		case "customer", "id":
			out = append(out, "inside the key")
		case "version":
			out = append(out, "inside the version")
		}
		if len(a) > 32 {
			out = append(out, "too deep")
		}
		for _, b := range want[:i] {
			if b != nil && (isPrefix(a, b) || isPrefix(b, a)) {
				out = append(out, "overlap")
			}
		}
	}
	return out
}

func isPrefix(short, long []fuzzSeg) bool {
	return len(short) <= len(long) && slices.Equal(short, long[:len(short)])
}

var (
	clauseStart = regexp.MustCompile(`(^| )(SET|REMOVE|ADD|DELETE) `)
	actionPath  = regexp.MustCompile(`^#n\d+((\.#n\d+)|(\[\d+\]))*`)
	pathPart    = regexp.MustCompile(`#n\d+|\[\d+\]`)
)

// renderedActions reads back the path each action of expr changes, by
// clause, in order.
func renderedActions(expr string, names map[string]string) map[string][][]fuzzSeg {
	out := map[string][][]fuzzSeg{}
	starts := clauseStart.FindAllStringSubmatchIndex(expr, -1)
	for i, m := range starts {
		end := len(expr)
		if i+1 < len(starts) {
			end = starts[i+1][0]
		}
		clause := expr[m[4]:m[5]]
		for _, action := range splitTop(expr[m[1]:end]) {
			var segs []fuzzSeg
			for _, part := range pathPart.FindAllString(actionPath.FindString(action), -1) {
				if part[0] == '[' {
					var n int
					fmt.Sscanf(part, "[%d]", &n)
					segs = append(segs, fuzzSeg{index: n})
				} else {
					segs = append(segs, fuzzSeg{name: names[part]})
				}
			}
			out[clause] = append(out[clause], segs)
		}
	}
	return out
}

// splitTop splits a clause's actions at commas outside parentheses.
func splitTop(s string) []string {
	var out []string
	depth, start := 0, 0
	for i, c := range s {
		switch c {
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, strings.TrimSpace(s[start:i]))
				start = i + 1
			}
		}
	}
	return append(out, strings.TrimSpace(s[start:]))
}
