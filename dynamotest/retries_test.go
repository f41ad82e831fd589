package dynamotest_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/dynamotest"
)

// logTB is a testing.TB whose log lines a test can read.
type logTB struct {
	testing.TB
	mu    sync.Mutex
	lines []string
}

func (l *logTB) Logf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
}

// TestResentCallsAreLogged: a call the SDK sent twice (its first answer
// lost) leaves a line in the test's log naming the operation and the
// attempt's error; calls sent once leave none.
func TestResentCallsAreLogged(t *testing.T) {
	fsys := fstest.MapFS{"tables/user.json": {Data: []byte(userTable)}}
	f := &dynamotest.Faults{}
	tb := &logTB{TB: t}
	db := dynamotest.New(tb, dynamotest.WithSchemaFS(fsys, "tables"), func(o *dynamotest.Options) {
		o.ClientOptions = append(o.ClientOptions, f.Option())
	})
	users := mustRepo(t, db)
	ctx := context.Background()
	_, err := users.Put(ctx, dynamodel.User{Email: "a@example.com"})
	require.NoError(t, err)
	assert.Empty(t, tb.lines)

	f.Add("PutItem", dynamotest.LoseResponse, 1)
	_, err = users.Put(ctx, dynamodel.User{Email: "b@example.com"})
	require.NoError(t, err)
	require.Len(t, tb.lines, 1)
	assert.True(t, strings.HasPrefix(tb.lines[0], "dynamotest: PutItem attempt 1 of 2 failed (the SDK resent it): "), tb.lines[0])
}
