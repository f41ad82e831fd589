package dynamotest

import (
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// endingTB records how a test would end (Fatalf or Skipf) instead of
// ending the caller's test.
type endingTB struct {
	testing.TB
	how string
}

func (tb *endingTB) Helper() {}
func (tb *endingTB) Fatalf(format string, args ...any) {
	tb.how = "fatal"
	runtime.Goexit()
}
func (tb *endingTB) Skipf(format string, args ...any) {
	tb.how = "skip"
	runtime.Goexit()
}

// endsAs runs fn, which uses tb, and says how it ended ("" if it returned).
func endsAs(tb *endingTB, fn func()) string {
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	<-done
	return tb.how
}

// requireAs runs db.Require(f) as tb and says how it ended.
func requireAs(db *DB, tb *endingTB, f Feature) string {
	db.tb = tb
	return endsAs(tb, func() { db.Require(f) })
}

// TestRequireProbesWithItsOwnClient: the probe does not go through the
// DB's client, whose Faults belong to the test (a rule for any operation
// would be used up by the probe, and its attempt counted).
func TestRequireProbesWithItsOwnClient(t *testing.T) {
	f := &Faults{}
	db := New(t, func(o *Options) { o.ClientOptions = append(o.ClientOptions, f.Option()) })
	f.Add("", Hang, 1)
	probes.Delete(db.Engine.Endpoint + " " + string(Transactions))
	how := requireAs(db, &endingTB{TB: t}, Transactions)
	assert.NotEqual(t, "fatal", how)
	assert.Zero(t, f.Attempts("TransactGetItems"), "the probe went through the test's faults")
}

// TestRequireFailsWhenTheEngineCannotBeAsked: an engine that does not
// answer fails the test (it is not taken as supporting the feature, nor as
// lacking it), and the failure is not cached.
func TestRequireFailsWhenTheEngineCannotBeAsked(t *testing.T) {
	gone := Engine{Name: "gone", Endpoint: "http://127.0.0.1:1"}
	db := &DB{Engine: gone, Client: gone.Client()}
	assert.Equal(t, "fatal", requireAs(db, &endingTB{TB: t}, Transactions))
	_, cached := probes.Load(gone.Endpoint + " " + string(Transactions))
	assert.False(t, cached)
	assert.Equal(t, "fatal", requireAs(db, &endingTB{TB: t}, Feature("transaction")))

	err := Supports(gone, gone.Client(), TTL)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "supports TTL")
}
