package retry_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/dynamodel/dynamodel/internal/retry"
)

// TestMayHaveAppliedWithoutAWatch: with no attempt seen (an API that is not
// the SDK's client), an answered call (nil) was not applied unanswered,
// and a failure that is no answer may have been applied.
func TestMayHaveAppliedWithoutAWatch(t *testing.T) {
	var s retry.SendWatch
	assert.False(t, s.MayHaveApplied(nil))
	assert.False(t, s.Uncertain())
	assert.True(t, s.MayHaveApplied(errors.New("connection reset")))
}
