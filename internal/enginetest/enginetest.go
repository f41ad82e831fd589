// Package enginetest runs dynamodel's own integration tests once per engine
// (dynalite and moto under `make test`), each in a subtest named after the
// engine, with tables of its own.
package enginetest

import (
	"testing"

	"github.com/dynamodel/dynamodel/dynamotest"
)

// Each runs fn in a subtest per engine of dynamotest.Engines, each with a
// fresh DB holding the tables optFns ask for. The engines' subtests run in
// parallel with each other (their tables never overlap); tests do not, since
// timing-sensitive ones would then wait on a busy single-threaded dynalite.
func Each(t *testing.T, fn func(t *testing.T, db *dynamotest.DB), optFns ...func(*dynamotest.Options)) {
	t.Helper()
	for _, e := range dynamotest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			db := dynamotest.New(t, append([]func(*dynamotest.Options){dynamotest.WithEngine(e)}, optFns...)...)
			fn(t, db)
		})
	}
}
