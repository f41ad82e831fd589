package enginetest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/dynamodel/dynamodel/dynamotest"
)

// Python returns the Python interpreter of the repository's virtualenv
// (.venv, made by `make deps` with moto's pinned requirements, boto3
// among them), found from the test's directory upwards. Without one the
// test is skipped, saying how to install it, or fails when
// $DYNAMODEL_REQUIRE_ENGINES is 1, as under `make test`.
func Python(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			if p := filepath.Join(dir, ".venv", "bin", "python"); exists(p) {
				return p
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	const msg = "boto3 comes with moto's virtualenv (.venv), which is not installed: run make deps"
	if os.Getenv(dynamotest.RequireEnv) == "1" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
