// Package awsenv builds the DynamoDB client dynamodel's command uses: the
// SDK's default configuration with the command's options, pointed at an
// endpoint when one is given. Code of your own does the same with
// config.LoadDefaultConfig and dynamodel.WithEndpoint, as the examples show.
package awsenv

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/dynamodel/dynamodel"
)

// Client returns a DynamoDB client from the SDK's default configuration
// (environment, shared files, the Lambda role) and optFns. With an
// endpoint, it talks to that endpoint, with the local defaults
// dynamodel.WithEndpoint gives (a region, and placeholder credentials for a
// local engine when none are configured).
func Client(ctx context.Context, endpoint string, optFns ...func(*config.LoadOptions) error) (*dynamodb.Client, error) {
	cfg, err := config.LoadDefaultConfig(ctx, optFns...)
	if err != nil {
		return nil, err
	}
	return dynamodb.NewFromConfig(cfg, dynamodel.WithEndpoint(endpoint)), nil
}
