package dynamodel_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// externalHandler is a Lambda handler in a module of its own, as a user
// writes one: it requires dynamodel like any module (here through a replace
// to this checkout) and keeps a Repository[User] across invocations.
const externalHandler = `package main

import (
	"context"
	"errors"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/dynamodel/dynamodel"
)

var users *dynamodel.Repository[dynamodel.User]

func handle(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	u, err := users.Get(ctx, req.PathParameters["email"])
	if errors.Is(err, dynamodel.ErrNotFound) {
		return events.APIGatewayV2HTTPResponse{StatusCode: 404}, nil
	}
	if err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	return events.APIGatewayV2HTTPResponse{StatusCode: 200, Body: u.FirstName + " " + u.LastName}, nil
}

func main() {
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		panic(err)
	}
	client := dynamodb.NewFromConfig(cfg, dynamodel.WithEndpointFromEnv())
	if users, err = dynamodel.NewUserRepository(client); err != nil {
		panic(err)
	}
	lambda.Start(handle)
}
`

func TestModuleBuildsFromAnotherModule(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a separate module (-short)")
	}
	root, err := filepath.Abs(".")
	require.NoError(t, err)
	dir := t.TempDir()
	gomod := "module example.com/userapi\n\ngo 1.24\n\n" +
		"require (\n\tgithub.com/dynamodel/dynamodel v0.0.0\n\tgithub.com/aws/aws-lambda-go v1.54.0\n)\n\n" +
		"replace github.com/dynamodel/dynamodel => " + root + "\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "main.go"), []byte(externalHandler), 0o644))
	for _, args := range [][]string{{"mod", "tidy"}, {"build", "-o", filepath.Join(dir, "bootstrap"), "."}} {
		cmd := exec.Command("go", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "go %v:\n%s", args, out)
	}
	_, err = os.Stat(filepath.Join(dir, "bootstrap"))
	require.NoError(t, err)
}
