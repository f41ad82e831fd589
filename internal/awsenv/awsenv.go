// Package awsenv builds the DynamoDB client dynamodel's examples and command
// use: the SDK's default configuration, pointed at a local endpoint when one
// is given.
package awsenv

import (
	"context"
	"os"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/dynamodel/dynamodel"
)

// Client returns a DynamoDB client from the SDK's default configuration
// (environment, shared files, the Lambda role). With an endpoint, it talks to
// that endpoint, and when no AWS credentials are in the environment it signs
// with placeholders, which local engines accept.
func Client(ctx context.Context, endpoint string, optFns ...func(*config.LoadOptions) error) (*dynamodb.Client, error) {
	if endpoint != "" && os.Getenv("AWS_ACCESS_KEY_ID") == "" && os.Getenv("AWS_PROFILE") == "" {
		optFns = append([]func(*config.LoadOptions) error{config.WithCredentialsProvider(
			credentials.NewStaticCredentialsProvider("local", "local", ""))}, optFns...)
	}
	cfg, err := config.LoadDefaultConfig(ctx, optFns...)
	if err != nil {
		return nil, err
	}
	return dynamodb.NewFromConfig(cfg, dynamodel.WithEndpoint(endpoint)), nil
}

// FromEnv is Client for the endpoint in $DYNAMODB_ENDPOINT (none when unset).
func FromEnv(ctx context.Context) (*dynamodb.Client, error) {
	return Client(ctx, os.Getenv(dynamodel.EndpointEnv))
}
