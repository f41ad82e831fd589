package dynamotest

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEnginesSkipsOnlyWithoutAnEngine: no engine at all (or engines turned
// off) skips the test; a $DYNAMODEL_TEST_ENGINES that cannot be read fails
// it, where it skipped every integration test and let the run pass.
func TestEnginesSkipsOnlyWithoutAnEngine(t *testing.T) {
	t.Setenv(RequireEnv, "")
	for value, want := range map[string]string{
		"dynalite:http://127.0.0.1:8000": "fatal",
		"=http://127.0.0.1:8000":         "fatal",
		"none":                           "skip",
		"a=http://127.0.0.1:1":           "",
	} {
		t.Setenv(EnginesEnv, value)
		tb := &endingTB{TB: t}
		assert.Equal(t, want, endsAs(tb, func() { Engines(tb) }), value)
	}
}

// TestEnginesFailsWhenDynaliteDoesNotStart: a dynalite that is installed
// but does not start fails the test instead of skipping it.
func TestEnginesFailsWhenDynaliteDoesNotStart(t *testing.T) {
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("needs node")
	}
	modules := filepath.Join(t.TempDir(), "node_modules")
	require.NoError(t, os.MkdirAll(filepath.Join(modules, "dynalite"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(modules, "dynalite", "package.json"), []byte(`{"name":"dynalite","main":"index.js"}`), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(modules, "dynalite", "index.js"), []byte(`process.exit(3)`), 0o644))
	t.Setenv("DYNALITE_PATH", modules)
	t.Chdir(t.TempDir()) // node looks in the node_modules above its directory first
	t.Setenv(EnginesEnv, "")
	t.Setenv(RequireEnv, "")
	t.Setenv("DYNAMODB_ENDPOINT", "")
	saved := dynalite.engine
	dynalite.once, dynalite.engine, dynalite.err = sync.Once{}, Engine{}, nil
	t.Cleanup(func() { dynalite.once, dynalite.engine, dynalite.err = sync.Once{}, saved, nil })
	tb := &endingTB{TB: t}
	assert.Equal(t, "fatal", endsAs(tb, func() { Engines(tb) }))
}
