package retry_test

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/stretchr/testify/assert"

	"github.com/dynamodel/dynamodel/internal/retry"
)

// answered is err as the SDK returns it with an HTTP response of status.
func answered(status int, err error) error {
	return &awshttp.ResponseError{ResponseError: &smithyhttp.ResponseError{
		Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status}}, Err: err,
	}}
}

func TestThrottled(t *testing.T) {
	for _, code := range []string{"ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded"} {
		err := fmt.Errorf("call: %w", &smithy.GenericAPIError{Code: code})
		assert.True(t, retry.Throttled(err), code)
	}
	assert.False(t, retry.Throttled(&smithy.GenericAPIError{Code: "ValidationException"}))
	assert.False(t, retry.Throttled(errors.New("connection reset")))
}

func TestAnsweredUnapplied(t *testing.T) {
	cases := []struct {
		err  error
		want bool
	}{
		{answered(400, &smithy.GenericAPIError{Code: "ValidationException"}), true},
		{answered(400, &smithy.GenericAPIError{Code: "ThrottlingException"}), true},
		{answered(500, &smithy.GenericAPIError{Code: "InternalServerError", Fault: smithy.FaultServer}), false},
		{answered(503, errors.New("unavailable")), false},
		{&smithy.GenericAPIError{Code: "ThrottlingException"}, true}, // no status: the code says it
		{&smithy.GenericAPIError{Code: "ValidationException", Fault: smithy.FaultClient}, true},
		{errors.New("read: connection reset by peer"), false}, // no answer: it may have been applied
	}
	for _, c := range cases {
		assert.Equal(t, c.want, retry.AnsweredUnapplied(c.err), "%v", c.err)
	}
}
