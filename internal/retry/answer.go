package retry

import (
	"errors"

	"github.com/aws/smithy-go"
)

// Throttled reports whether err is DynamoDB refusing a request for its
// rate (after the SDK's own retries gave up): nothing of it was applied,
// and it may be sent again after a pause.
func Throttled(err error) bool {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return false
	}
	switch ae.ErrorCode() {
	case "ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded":
		return true
	}
	return false
}

// AnsweredUnapplied reports whether err carries DynamoDB's answer that the
// request was not applied: a 4xx response, or an error the service reports
// as the client's fault (throttling among them). Any other failure (a 5xx,
// a lost or cut response) may have been applied.
func AnsweredUnapplied(err error) bool {
	var status interface{ HTTPStatusCode() int }
	if errors.As(err, &status) {
		return status.HTTPStatusCode() >= 400 && status.HTTPStatusCode() < 500
	}
	var ae smithy.APIError
	return Throttled(err) || (errors.As(err, &ae) && ae.ErrorFault() == smithy.FaultClient)
}
