package dynamodel

import (
	"net"
	"net/url"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/ec2rolecreds"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// EndpointEnv is the environment variable that points dynamodel's examples,
// tests and command at a DynamoDB endpoint other than AWS's: dynalite, moto,
// DynamoDB Local or LocalStack, e.g. http://localhost:8000.
const EndpointEnv = "DYNAMODB_ENDPOINT"

// endpointRegion is the region a client of an explicit endpoint signs with
// when none is configured. Local engines accept any; requests need one.
const endpointRegion = "us-east-1"

// WithEndpoint returns a client option that sends every request to url
// instead of the AWS endpoint (an empty url keeps the endpoint the SDK's
// configuration gives, such as AWS_ENDPOINT_URL_DYNAMODB), so that
//
//	cfg, err := config.LoadDefaultConfig(ctx)
//	client := dynamodb.NewFromConfig(cfg, dynamodel.WithEndpoint("http://localhost:8000"))
//
// works on a laptop with no AWS configuration at all:
//
//   - With an endpoint and no region configured, the client signs for
//     us-east-1.
//   - With a local endpoint and no credentials configured, the client signs
//     with placeholder credentials instead of asking the EC2 instance
//     metadata service, which the SDK's default chain ends with (off EC2,
//     that costs seconds and then fails). Credentials you configured
//     (environment, shared files, SSO, a container role, or a provider of
//     your own) are kept; only the instance-metadata fallback is replaced.
//
// An endpoint is local when its host is localhost or a name under
// .localhost, host.docker.internal, a name without dots (a container or
// compose service such as dynamodb-local), or a loopback, private-network
// or unspecified IP address. Any other host, which could be AWS behind a
// proxy, keeps the SDK's credential chain as it is.
func WithEndpoint(url string) func(*dynamodb.Options) {
	return func(o *dynamodb.Options) {
		if url != "" {
			o.BaseEndpoint = &url
		}
		if o.BaseEndpoint == nil || *o.BaseEndpoint == "" {
			return
		}
		if o.Region == "" {
			o.Region = endpointRegion
		}
		if isLocalEndpoint(*o.BaseEndpoint) && !hasCredentials(o.Credentials) {
			// Placeholders: local engines accept any credentials.
			o.Credentials = credentials.NewStaticCredentialsProvider("local", "local", "")
		}
	}
}

// WithEndpointFromEnv returns a client option that applies WithEndpoint with
// the value of $DYNAMODB_ENDPOINT, so the same binary talks to a local
// engine on a laptop and to AWS in Lambda, where the variable is unset and
// the option changes nothing. The SDK's own setting,
// AWS_ENDPOINT_URL_DYNAMODB, works too, with the same local defaults.
func WithEndpointFromEnv() func(*dynamodb.Options) {
	return WithEndpoint(os.Getenv(EndpointEnv))
}

// hasCredentials reports whether p is a provider other than the SDK's
// last resort, the EC2 instance role.
func hasCredentials(p aws.CredentialsProvider) bool {
	return p != nil && !aws.IsCredentialsProvider(p, (*ec2rolecreds.Provider)(nil))
}

// isLocalEndpoint reports whether endpoint's host is one that cannot be AWS:
// see WithEndpoint for the rule.
func isLocalEndpoint(endpoint string) bool {
	if !strings.Contains(endpoint, "://") {
		// No scheme, as in localhost:8000: the SDK cannot send to it and
		// says so, naming it, once it has credentials. Judged by its host,
		// a local one gets placeholders rather than the instance-metadata
		// service, whose failure would be the only error shown.
		endpoint = "//" + endpoint
	}
	u, err := url.Parse(endpoint)
	if err != nil {
		return false
	}
	host := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	if host == "" {
		return false
	}
	if ip := net.ParseIP(host); ip != nil {
		return ip.IsLoopback() || ip.IsPrivate() || ip.IsUnspecified()
	}
	return host == "localhost" || strings.HasSuffix(host, ".localhost") ||
		host == "host.docker.internal" || !strings.Contains(host, ".")
}
