package dynamodel_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/dynamotest"
	"github.com/dynamodel/dynamodel/internal/enginetest"
)

func TestUserID(t *testing.T) {
	assert.Equal(t, "ada@example.com", dynamodel.User{Email: "ada@example.com"}.ID())
}

// updateUser is the seed's update_user with repository methods: the change
// set becomes an update, which Update applies.
func updateUser(ctx context.Context, users *dynamodel.Repository[dynamodel.User], email string, changes dynamodel.UserChanges) (dynamodel.User, error) {
	upd, err := dynamodel.PrepareUpdate(changes)
	if err != nil {
		return dynamodel.User{}, err
	}
	return users.Update(ctx, email, upd)
}

// mustExist makes deleting a missing item ErrNotFound.
func mustExist(o *dynamodel.DeleteOptions) { o.MustExist = true }

func TestUserFlowRejectsBadInputBeforeAnyCall(t *testing.T) {
	users, err := dynamodel.NewUserRepository(newStub(t))
	require.NoError(t, err)
	ctx := context.Background()
	_, _, err = users.Lookup(ctx, "")
	assert.ErrorIs(t, err, dynamodel.ErrInvalidKey)
	_, err = updateUser(ctx, users, "", dynamodel.UserChanges{LastName: dynamodel.Some("x")})
	assert.ErrorIs(t, err, dynamodel.ErrInvalidKey)
	_, err = updateUser(ctx, users, "a@example.com", dynamodel.UserChanges{})
	assert.ErrorIs(t, err, dynamodel.ErrEmptyUpdate)
	err = users.Delete(ctx, "", mustExist)
	assert.ErrorIs(t, err, dynamodel.ErrInvalidKey)
}

func TestUserFlowIntegration(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		users := repo[dynamodel.User](t, db, "User")

		_, found, err := users.Lookup(ctx, "ada@example.com")
		require.NoError(t, err)
		assert.False(t, found)

		_, err = users.Create(ctx, dynamodel.User{Email: "ada@example.com", FirstName: "Ada", LastName: "Byron"})
		require.NoError(t, err)
		u, found, err := users.Lookup(ctx, "ada@example.com")
		require.NoError(t, err)
		assert.True(t, found)
		assert.Equal(t, dynamodel.User{Email: "ada@example.com", FirstName: "Ada", LastName: "Byron"}, u)

		updated, err := updateUser(ctx, users, "ada@example.com", dynamodel.UserChanges{LastName: dynamodel.Some("Lovelace")})
		require.NoError(t, err)
		assert.Equal(t, dynamodel.User{Email: "ada@example.com", FirstName: "Ada", LastName: "Lovelace"}, updated)

		updated, err = updateUser(ctx, users, "ada@example.com", dynamodel.UserChanges{FirstName: dynamodel.Clear[string]()})
		require.NoError(t, err)
		assert.Equal(t, dynamodel.User{Email: "ada@example.com", LastName: "Lovelace"}, updated)

		_, err = updateUser(ctx, users, "nobody@example.com", dynamodel.UserChanges{LastName: dynamodel.Some("x")})
		require.ErrorIs(t, err, dynamodel.ErrNotFound)
		_, found, err = users.Lookup(ctx, "nobody@example.com")
		require.NoError(t, err)
		assert.False(t, found, "a failed update creates nothing")

		require.NoError(t, users.Delete(ctx, "ada@example.com", mustExist))
		err = users.Delete(ctx, "ada@example.com", mustExist)
		require.ErrorIs(t, err, dynamodel.ErrNotFound)
		_, found, err = users.Lookup(ctx, "ada@example.com")
		require.NoError(t, err)
		assert.False(t, found)
	})
}

// seedPython is the seed's model and get_user, as the post meant them (its
// get_id returned a missing field and init_user dropped last_name), plus a
// put of the item prepare_user describes, using boto3 as the seed does.
const seedPython = `
import json, os, sys
import boto3

client = boto3.client("dynamodb", endpoint_url=os.environ["ENDPOINT"], region_name="us-east-1",
                      aws_access_key_id="local", aws_secret_access_key="local")
table = os.environ["TABLE"]

class User:
    def __init__(self):
        self.email = None
        self.first_name = None
        self.last_name = None
    def get_id(self):
        return self.email
    def init_user(self, response):
        self.email = response["email"]["S"]
        if "first_name" in response:
            self.first_name = response["first_name"]["S"]
        if "last_name" in response:
            self.last_name = response["last_name"]["S"]
        return self

def get_user(email):
    response = client.get_item(Key={"email": {"S": email}}, TableName=table)
    if "Item" in response:
        return User().init_user(response["Item"])
    return None

def prepare_user(email, first_name=None, last_name=None):
    return {"email": email, "first_name": first_name, "last_name": last_name}

u = get_user(sys.argv[1])
print(json.dumps({"id": u.get_id(), "email": u.email, "first_name": u.first_name, "last_name": u.last_name}))
fields = prepare_user("grace@example.com", first_name="Grace", last_name="Hopper")
client.put_item(TableName=table, Item={k: {"S": v} for k, v in fields.items() if v is not None})
`

func TestUserItemsReadTheSameFromPython(t *testing.T) {
	python := enginetest.Python(t)
	eachEngine(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		users := repo[dynamodel.User](t, db, "User")
		_, err := users.Create(ctx, dynamodel.User{Email: "ada@example.com", FirstName: "Ada", LastName: "Lovelace"})
		require.NoError(t, err)

		cmd := exec.CommandContext(ctx, python, "-c", seedPython, "ada@example.com")
		cmd.Env = append(os.Environ(), "ENDPOINT="+db.Engine.Endpoint, "TABLE="+db.Table("User"))
		out, err := cmd.Output()
		require.NoError(t, err, "%s", exitStderr(err))
		var got map[string]string
		require.NoError(t, json.Unmarshal(out, &got))
		assert.Equal(t, map[string]string{"id": "ada@example.com", "email": "ada@example.com", "first_name": "Ada", "last_name": "Lovelace"}, got)

		grace, err := users.Get(ctx, "grace@example.com")
		require.NoError(t, err)
		assert.Equal(t, dynamodel.User{Email: "grace@example.com", FirstName: "Grace", LastName: "Hopper"}, grace)
	})
}

func exitStderr(err error) string {
	if ee, ok := err.(*exec.ExitError); ok {
		return string(ee.Stderr)
	}
	return ""
}
