package retry_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/dynamodel/dynamodel/internal/retry"
)

func TestDelayIsBounded(t *testing.T) {
	for attempt := 1; attempt < 80; attempt++ {
		ceiling := min(10*time.Millisecond<<min(attempt-1, 20), time.Second)
		for range 20 {
			d := retry.Delay(attempt, 10*time.Millisecond, time.Second)
			assert.True(t, d >= 0 && d <= ceiling, "attempt %d: %v over %v", attempt, d, ceiling)
		}
	}
}

func TestSleepEndsWithTheContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.ErrorIs(t, retry.Sleep(ctx, time.Hour), context.Canceled)
	assert.NoError(t, retry.Sleep(context.Background(), time.Millisecond))
}
