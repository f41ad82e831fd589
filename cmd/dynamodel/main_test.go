package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel/dynamotest"
	"github.com/dynamodel/dynamodel/internal/enginetest"
)

// cli runs the command and returns its exit status and output.
func cli(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestUsage(t *testing.T) {
	code, _, stderr := cli(t)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "usage: dynamodel COMMAND")
	code, _, stderr = cli(t, "frobnicate")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, `unknown command "frobnicate"`)
	code, _, stderr = cli(t, "apply")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "name a directory or files")
	code, _, _ = cli(t, "apply", "-no-such-flag", "x")
	assert.Equal(t, 2, code)
	code, _, _ = cli(t, "-help")
	assert.Equal(t, 0, code)
}

// TestHelp: -h asks for the usage, before or after the command, and gets
// it with status 0; a mistake gets a pointer to it and status 2.
func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"--help"}, {"help"}, {"apply", "-h"}, {"export", "-help", "T"}, {"backfill", "status", "--help"}} {
		code, stdout, stderr := cli(t, args...)
		assert.Equal(t, 0, code, args)
		assert.Empty(t, stdout, args)
		assert.True(t, strings.HasPrefix(stderr, "usage: dynamodel COMMAND"), "%v: %s", args, stderr)
		assert.Contains(t, stderr, "exit status: 0 done", args)
		assert.Contains(t, stderr, "-max-file-size", args)
	}
	code, _, stderr := cli(t, "apply", "-no-such-flag", "x")
	assert.Equal(t, 2, code)
	assert.Equal(t, "flag provided but not defined: -no-such-flag\ndynamodel -h lists the commands and flags\n", stderr)
}

// TestFlagOfAnotherCommand: a flag the command does not take is refused
// before anything is read or sent, not ignored.
func TestFlagOfAnotherCommand(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"import", "-resume", "T", "f.json"}, "dynamodel import: -resume is a flag of export, not of import\n"},
		{[]string{"export", "T", "-if-absent"}, "dynamodel export: -if-absent is a flag of import, not of export\n"},
		{[]string{"apply", "-yes", "../../testdata/create-user.json"}, "dynamodel apply: -yes is a flag of delete, not of apply\n"},
		{[]string{"dump", "-format", "json", "T"}, "dynamodel dump: -format is a flag of cloudformation, not of dump\n"},
		{[]string{"delete", "-ttl", "User=x", "../../testdata/create-user.json"}, "dynamodel delete: -ttl is a flag of apply, diff, cloudformation, not of delete\n"},
		{[]string{"cloudformation", "-o", "out", "../../testdata/create-user.json"}, "dynamodel cloudformation: -o is a flag of dump, export, not of cloudformation\n"},
		{[]string{"apply", "-timeout", "-5s", "../../testdata/create-user.json"}, "dynamodel apply: -timeout -5s: a duration cannot be negative (0: no limit)\n"},
	} {
		code, stdout, stderr := cli(t, append(tc.args, "-endpoint", "http://127.0.0.1:1")...)
		assert.Equal(t, 2, code, tc.args)
		assert.Empty(t, stdout, tc.args)
		assert.Equal(t, tc.want, stderr, tc.args)
	}
	// The flags each command takes are still taken.
	code, _, stderr := cli(t, "cloudformation", "-format", "json", "-pitr", "-ttl", "User=expires", "-max-file-size", "2MiB", "-prefix", "dev-", "../../testdata/create-user.json")
	assert.Equal(t, 0, code, stderr)
}

func TestTTLFlag(t *testing.T) {
	code, _, stderr := cli(t, "diff", "-ttl", "User", "../../testdata/create-user.json")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, `invalid value "User" for flag -ttl: want TABLE=ATTR`)
	code, _, stderr = cli(t, "diff", "-ttl", "User=a", "-ttl", "User=b", "../../testdata/create-user.json")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, `table User has time-to-live attribute "a" already`)
	code, _, stderr = cli(t, "diff", "-ttl", "Users=expires", "../../testdata/create-user.json", "-endpoint", "http://127.0.0.1:1")
	assert.Equal(t, 1, code)
	assert.Equal(t, "dynamodel diff: -ttl Users=expires: no file defines table Users\n", stderr)
	// Of several, the first in sorted order is named, every time.
	for range 10 {
		_, _, stderr = cli(t, "diff", "-ttl", "Zs=a", "-ttl", "Bs=b", "-ttl", "As=c", "-ttl", "Cs=d", "../../testdata/create-user.json", "-endpoint", "http://127.0.0.1:1")
		require.Equal(t, "dynamodel diff: -ttl As=c: no file defines table As\n", stderr)
	}
}

func TestMalformedFileStopsEverything(t *testing.T) {
	dir := t.TempDir()
	good, err := os.ReadFile("../../testdata/create-user.json")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "a-user.json"), good, 0o644))
	bad := strings.Replace(string(good), `"KeyType": "HASH"`, `"KeyType": "PRIMARY"`, 1)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "b-broken.json"), []byte(bad), 0o644))

	// No engine is needed: the files are checked before any call.
	code, stdout, stderr := cli(t, "apply", dir, "-endpoint", "http://127.0.0.1:1")
	assert.Equal(t, 1, code)
	assert.Empty(t, stdout)
	assert.Equal(t, "dynamodel apply: dynamodel: schema "+filepath.Join(dir, "b-broken.json")+
		`:3:47: KeySchema[0].KeyType: want one of HASH, RANGE, got "PRIMARY"`+"\n", stderr)
}

func TestCommandIntegration(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, db *dynamotest.DB) {
		common := []string{"-endpoint", db.Engine.Endpoint, "-prefix", db.Prefix}
		guide := "../../schema/testdata/guide"
		t.Cleanup(func() { cli(t, append([]string{"delete", guide, "-yes"}, common...)...) })

		code, stdout, stderr := cli(t, append([]string{"diff", guide}, common...)...)
		assert.Equal(t, 1, code, stderr)
		assert.Contains(t, stdout, db.Prefix+"Music: would be created\n")

		// dynalite drops Music's stream: apply says so, and exits 1.
		dropsStream := db.Engine.Name == "dynalite"
		wantCode := map[bool]int{false: 0, true: 1}[dropsStream]
		code, stdout, stderr = cli(t, append([]string{"apply", guide}, common...)...)
		require.Equal(t, wantCode, code, stdout+stderr)
		assert.Equal(t, 6, strings.Count(stdout, ": created\n"), stdout)
		if dropsStream {
			assert.Contains(t, stdout, db.Prefix+"Music: created\n  Tags: none -> owner=catalog (TagResource)\n  StreamSpecification: disabled -> NEW_AND_OLD_IMAGES not applied by the engine: UpdateTable: ValidationException: At least one of")
		}

		// The second apply changes nothing and says so.
		code, stdout, stderr = cli(t, append([]string{"apply", guide}, common...)...)
		require.Equal(t, wantCode, code, stdout+stderr)
		if dropsStream {
			assert.Equal(t, 5, strings.Count(stdout, ": unchanged\n"), stdout)
			assert.Contains(t, stdout, db.Prefix+"Music: not all changes applied: the engine does not support them\n")
		} else {
			assert.Equal(t, 6, strings.Count(stdout, ": unchanged\n"), stdout)
		}
		code, stdout, _ = cli(t, append([]string{"diff", guide}, common...)...)
		assert.Equal(t, wantCode, code, stdout)

		// dump writes files that apply takes, making the same tables; -o
		// makes its directory, parents and all.
		out := filepath.Join(t.TempDir(), "dumps", "tables")
		code, stdout, stderr = cli(t, append([]string{"dump", "Reply", "GameScores", "-o", out}, common...)...)
		require.Equal(t, 0, code, stderr)
		assert.Contains(t, stdout, "Reply: written to "+filepath.Join(out, "Reply.json"))
		assert.FileExists(t, filepath.Join(out, "GameScores.json"))
		copyPrefix := []string{"-endpoint", db.Engine.Endpoint, "-prefix", "copy-" + db.Prefix}
		t.Cleanup(func() { cli(t, append([]string{"delete", out, "-yes"}, copyPrefix...)...) })
		code, stdout, stderr = cli(t, append([]string{"apply", out}, copyPrefix...)...)
		require.Equal(t, 0, code, stderr)
		assert.Equal(t, 2, strings.Count(stdout, ": created\n"), stdout)
		for _, table := range []string{"Reply", "GameScores"} {
			_, a, _ := cli(t, append([]string{"dump", table}, common...)...)
			_, b, _ := cli(t, append([]string{"dump", table}, copyPrefix...)...)
			assert.JSONEq(t, a, b, table)
		}
		code, _, stderr = cli(t, append([]string{"dump", "NoSuchTable"}, common...)...)
		assert.Equal(t, 1, code)
		assert.Contains(t, stderr, "table not found")

		// delete asks for -yes.
		code, stdout, _ = cli(t, append([]string{"delete", guide}, common...)...)
		assert.Equal(t, 1, code)
		assert.Contains(t, stdout, db.Prefix+"Forum: would be deleted (add -yes to delete)")
		code, stdout, stderr = cli(t, append([]string{"delete", guide, "-yes"}, common...)...)
		require.Equal(t, 0, code, stderr)
		assert.Equal(t, 6, strings.Count(stdout, ": deleted\n"), stdout)
	})
}

// TestOnlyAFlagIsConsent: "-yes" after "--" is a file name, not consent.
// A directory named -yes makes the difference visible: its tables are
// listed as what would be deleted, and nothing is.
func TestOnlyAFlagIsConsent(t *testing.T) {
	dir := t.TempDir()
	good, err := os.ReadFile("../../testdata/create-user.json")
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "tables"), 0o755))
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "-yes"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "tables", "user.json"), good, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "-yes", "orders.json"),
		[]byte(strings.Replace(string(good), `"User"`, `"Orders"`, 1)), 0o644))
	t.Chdir(dir)

	// No engine answers there: a delete that tried would fail differently.
	unreachable := []string{"-endpoint", "http://127.0.0.1:1", "-timeout", "5s"}
	code, stdout, stderr := cli(t, append(append([]string{"delete"}, unreachable...), "--", "tables", "-yes")...)
	assert.Equal(t, 1, code)
	assert.Empty(t, stderr)
	assert.Contains(t, stdout, "User: would be deleted (add -yes to delete)\n")
	assert.Contains(t, stdout, "Orders: would be deleted (add -yes to delete)\n")

	// Flags before "--" still count, "-yes" among them.
	code, _, stderr = cli(t, append(append([]string{"delete"}, unreachable...), "-yes", "--", "tables")...)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "dynamodel delete: ", "it tried to delete")
	assert.NotContains(t, stderr, "would be deleted")

	for _, tc := range []struct {
		args, rest []string
		yes        bool
		prefix     string
	}{
		{[]string{"a", "-yes", "b"}, []string{"a", "b"}, true, ""},
		{[]string{"a", "--", "-yes", "b"}, []string{"a", "-yes", "b"}, false, ""},
		{[]string{"--", "--", "a"}, []string{"--", "a"}, false, ""},
		{[]string{"-prefix", "--", "a", "-yes"}, []string{"a"}, true, "--"}, // a flag's value is no terminator
		{[]string{"-prefix=-x", "a", "-yes=false"}, []string{"a"}, false, "-x"},
		{[]string{"-", "a"}, []string{"-", "a"}, false, ""},
	} {
		var o options
		rest, err := parseInterspersed(flags(&o, io.Discard), tc.args)
		require.NoError(t, err, tc.args)
		assert.Equal(t, tc.rest, rest, tc.args)
		assert.Equal(t, tc.yes, o.yes, tc.args)
		assert.Equal(t, tc.prefix, o.prefix, tc.args)
	}
	_, err = parseInterspersed(flags(new(options), io.Discard), []string{"a", "-prefix"})
	require.Error(t, err, "a flag without its value")
}

// TestMaxFileSize: a table file over 1 MiB is refused, naming the file and
// the cap, before any call; -max-file-size raises the cap.
func TestMaxFileSize(t *testing.T) {
	dir := t.TempDir()
	good, err := os.ReadFile("../../testdata/create-user.json")
	require.NoError(t, err)
	big := filepath.Join(dir, "big.json")
	require.NoError(t, os.WriteFile(big, append(good, bytes.Repeat([]byte(" "), 1<<20)...), 0o644))

	code, stdout, stderr := cli(t, "delete", big, "-endpoint", "http://127.0.0.1:1")
	assert.Equal(t, 1, code)
	assert.Empty(t, stdout)
	assert.Equal(t, "dynamodel delete: dynamodel: schema "+big+": larger than the 1048576-byte cap on table files (LoadOptions.MaxFileSize)\n", stderr)

	code, stdout, stderr = cli(t, "delete", big, "-max-file-size", "2MiB", "-endpoint", "http://127.0.0.1:1")
	assert.Equal(t, 1, code)
	assert.Empty(t, stderr)
	assert.Equal(t, "User: would be deleted (add -yes to delete)\n", stdout)

	for _, bad := range []string{"0", "-1", "1.5MiB", "MiB", "9999999999GiB"} {
		code, _, stderr = cli(t, "delete", big, "-max-file-size", bad)
		assert.Equal(t, 2, code, bad)
		assert.Contains(t, stderr, "want a positive number of bytes", bad)
	}
	var b byteSize
	for in, want := range map[string]string{"1048576": "1MiB", "1536KiB": "1536KiB", "3GiB": "3GiB", "1000": "1000B", "7B": "7B"} {
		require.NoError(t, b.Set(in))
		assert.Equal(t, want, b.String())
	}
}

// TestTableNamesBeforeAnyCall: a table name DynamoDB would refuse, as
// given or with -prefix and -suffix, and -segments out of range, are a
// command line the command cannot run (status 2), found before any
// request; dump makes no file name of such a name.
func TestTableNamesBeforeAnyCall(t *testing.T) {
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		http.Error(w, "no", http.StatusInternalServerError)
	}))
	defer srv.Close()
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"dump", "User", "x!"}, `invalid table name "x!"`},
		{[]string{"dump", "-o", dir, "../escape"}, `invalid table name "../escape": character '/' not allowed`},
		{[]string{"export", "bad name"}, `invalid table name "bad name"`},
		{[]string{"export", "-prefix", "dev!", "User"}, `invalid table name "dev!User"`},
		{[]string{"export", "-segments", "-3", "User"}, "-segments -3: want 1 to 1000000 (0, as none: 4)"},
		{[]string{"export", "-segments", "2000000", "User"}, "-segments 2000000: want 1 to 1000000"},
		{[]string{"import", "ab", "items.json"}, `invalid table name "ab": must be 3 to 255 characters long`},
		{[]string{"backfill", "status", "-control", "a b", "run"}, `-control: dynamodel: invalid table name "a b"`},
	} {
		code, stdout, stderr := cli(t, append(tc.args, "-endpoint", srv.URL)...)
		assert.Equal(t, 2, code, tc.args)
		assert.Empty(t, stdout, tc.args)
		assert.Contains(t, stderr, tc.want, tc.args)
	}
	assert.Zero(t, requests.Load(), "requests sent")
	entries, err := os.ReadDir(filepath.Dir(dir))
	require.NoError(t, err)
	for _, e := range entries {
		assert.NotEqual(t, "escape.json", e.Name())
	}
}
