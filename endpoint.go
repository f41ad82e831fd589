package dynamodel

import (
	"os"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// EndpointEnv is the environment variable that points dynamodel's examples,
// tests and command at a DynamoDB endpoint other than AWS's: dynalite, moto,
// DynamoDB Local or LocalStack, e.g. http://localhost:8000.
const EndpointEnv = "DYNAMODB_ENDPOINT"

// WithEndpoint returns a client option that sends every request to url
// instead of the AWS endpoint, and picks region us-east-1 when none is
// configured (local engines do not care which, but requests are signed with
// one). An empty url changes nothing.
//
//	client := dynamodb.NewFromConfig(cfg, dynamodel.WithEndpoint("http://localhost:8000"))
func WithEndpoint(url string) func(*dynamodb.Options) {
	return func(o *dynamodb.Options) {
		if url == "" {
			return
		}
		o.BaseEndpoint = &url
		if o.Region == "" {
			o.Region = "us-east-1"
		}
	}
}

// WithEndpointFromEnv returns a client option that applies WithEndpoint with
// the value of $DYNAMODB_ENDPOINT, and changes nothing when it is unset, so
// the same binary talks to a local engine on a laptop and to AWS in Lambda.
// The SDK's own setting, AWS_ENDPOINT_URL_DYNAMODB, works too.
func WithEndpointFromEnv() func(*dynamodb.Options) {
	return WithEndpoint(os.Getenv(EndpointEnv))
}
