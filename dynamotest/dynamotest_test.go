package dynamotest_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/dynamotest"
)

const userTable = `{
    "TableName": "User",
    "KeySchema": [{ "AttributeName": "email", "KeyType": "HASH" }],
    "AttributeDefinitions": [{ "AttributeName": "email", "AttributeType": "S" }],
    "ProvisionedThroughput": { "ReadCapacityUnits": 5, "WriteCapacityUnits": 5 }
}`

func TestNewCreatesPrefixedTablesAndCleansUp(t *testing.T) {
	fsys := fstest.MapFS{"tables/user.json": {Data: []byte(userTable)}}
	var names []string
	t.Run("a test", func(t *testing.T) {
		db := dynamotest.New(t, dynamotest.WithSchemaFS(fsys, "tables"))
		other := dynamotest.New(t, dynamotest.WithSchemaFS(fsys, "tables"))
		require.NotEqual(t, db.Prefix, other.Prefix, "each DB has its own tables")
		assert.True(t, strings.HasSuffix(db.Table("User"), "-User"))
		users, err := dynamodel.NewRepository[dynamodel.User](db.Client, db.Table("User"))
		require.NoError(t, err)
		_, err = users.Create(context.Background(), dynamodel.User{Email: "a@example.com"})
		require.NoError(t, err)
		_, found, err := mustRepo(t, other).Lookup(context.Background(), "a@example.com")
		require.NoError(t, err)
		assert.False(t, found, "a DB never sees another's items")
		names = []string{db.Table("User"), other.Table("User")}
	})
	// The tables went with the test (or are going).
	client := dynamotest.New(t).Client
	for _, name := range names {
		out, err := client.DescribeTable(context.Background(), &dynamodb.DescribeTableInput{TableName: aws.String(name)})
		if err == nil {
			assert.Equal(t, types.TableStatusDeleting, out.Table.TableStatus, name)
		}
	}
}

func mustRepo(t *testing.T, db *dynamotest.DB) *dynamodel.Repository[dynamodel.User] {
	r, err := dynamodel.NewRepository[dynamodel.User](db.Client, db.Table("User"))
	require.NoError(t, err)
	return r
}

func TestEnginesEnv(t *testing.T) {
	t.Setenv(dynamotest.EnginesEnv, "a=http://127.0.0.1:1,b=http://127.0.0.1:2")
	engines := dynamotest.Engines(t)
	assert.Equal(t, []dynamotest.Engine{{Name: "a", Endpoint: "http://127.0.0.1:1"}, {Name: "b", Endpoint: "http://127.0.0.1:2"}}, engines)
	assert.Equal(t, "a at http://127.0.0.1:1", engines[0].String())
}

// TestANewUserFollowsTheReadme makes a module of its own, as a new user
// would with only the README: it requires dynamodel (here through a replace
// to this checkout), installs dynalite with npm, and runs a test that uses
// dynamotest, with no engine configured.
func TestANewUserFollowsTheReadme(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a separate module and installs dynalite (-short)")
	}
	for _, tool := range []string{"npm", "node", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	root, err := filepath.Abs("..")
	require.NoError(t, err)
	dir := t.TempDir()
	write := func(name, content string) {
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644))
	}
	write("go.mod", "module example.com/signup\n\ngo 1.24\n\nrequire github.com/dynamodel/dynamodel v0.0.0\n\nreplace github.com/dynamodel/dynamodel => "+root+"\n")
	write("tables/user.json", userTable)
	write("signup.go", `package signup

import (
	"context"

	"github.com/dynamodel/dynamodel"
)

// Signup stores a new user, refusing a taken email.
func Signup(ctx context.Context, users *dynamodel.Repository[dynamodel.User], email, first string) error {
	_, err := users.Create(ctx, dynamodel.User{Email: email, FirstName: first})
	return err
}
`)
	write("signup_test.go", `package signup

import (
	"context"
	"errors"
	"testing"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/dynamotest"
)

func TestSignup(t *testing.T) {
	t.Parallel()
	db := dynamotest.New(t, dynamotest.WithSchemaDir("tables"))
	users, err := dynamodel.NewRepository[dynamodel.User](db.Client, db.Table("User"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := Signup(ctx, users, "ada@example.com", "Ada"); err != nil {
		t.Fatal(err)
	}
	if err := Signup(ctx, users, "ada@example.com", "Ada"); !errors.Is(err, dynamodel.ErrAlreadyExists) {
		t.Fatalf("second signup: %v", err)
	}
}
`)
	run := func(name string, args ...string) {
		cmd := exec.Command(name, args...)
		cmd.Dir = dir
		env := []string{}
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, dynamotest.EnginesEnv+"=") && !strings.HasPrefix(kv, dynamodel.EndpointEnv+"=") && !strings.HasPrefix(kv, "DYNALITE_PATH=") {
				env = append(env, kv)
			}
		}
		cmd.Env = append(env, "GOFLAGS=-mod=mod", dynamotest.RequireEnv+"=1")
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s %v:\n%s", name, args, out)
	}
	run("npm", "install", "--save-dev", "--no-audit", "--no-fund", "dynalite@4.0.0") // the README's one install step
	run("go", "mod", "tidy")
	run("go", "test", "-count=1", "./...")
}
