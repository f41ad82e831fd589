package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

// template reads template.yaml as plain values, its short-form intrinsics
// (!Ref X, !GetAtt X.Y, !Sub s) in their long form ({"Ref": "X"}...).
func template(t *testing.T) map[string]any {
	t.Helper()
	data, err := os.ReadFile("template.yaml")
	require.NoError(t, err)
	var doc yaml.Node
	require.NoError(t, yaml.Unmarshal(data, &doc))
	v, ok := plain(t, doc.Content[0]).(map[string]any)
	require.True(t, ok, "template.yaml is not a mapping")
	return v
}

func plain(t *testing.T, n *yaml.Node) any {
	var v any
	switch n.Kind {
	case yaml.MappingNode:
		m := map[string]any{}
		for i := 0; i < len(n.Content); i += 2 {
			m[n.Content[i].Value] = plain(t, n.Content[i+1])
		}
		v = m
	case yaml.SequenceNode:
		l := []any{}
		for _, c := range n.Content {
			l = append(l, plain(t, c))
		}
		v = l
	case yaml.AliasNode:
		return plain(t, n.Alias)
	default:
		require.NoError(t, n.Decode(&v))
	}
	switch n.Tag {
	case "!Ref":
		return map[string]any{"Ref": v}
	case "!GetAtt":
		return map[string]any{"Fn::GetAtt": strings.SplitN(v.(string), ".", 2)}
	case "!Sub":
		return map[string]any{"Fn::Sub": v}
	}
	require.Falsef(t, strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!"), "template.yaml: %s at line %d: add it to plain", n.Tag, n.Line)
	return v
}

// at follows a path of keys and indexes through a plain value.
func at(t *testing.T, v any, path ...any) any {
	t.Helper()
	for i, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			require.True(t, ok, "template.yaml: %v is not a mapping", path[:i])
			v, ok = m[k]
			require.True(t, ok, "template.yaml: no %v", path[:i+1])
		case int:
			l, ok := v.([]any)
			require.True(t, ok && k < len(l), "template.yaml: no %v", path[:i+1])
			v = l[k]
		}
	}
	return v
}

// templateTableActions returns the DynamoDB operations the function's
// policy allows, checking that it allows them on the User table only and
// names each one (no wildcards).
func templateTableActions(t *testing.T) []string {
	t.Helper()
	tpl := template(t)
	var ops []string
	for _, policy := range at(t, tpl, "Resources", "UsersFunction", "Properties", "Policies").([]any) {
		for _, st := range at(t, policy, "Statement").([]any) {
			stmt := st.(map[string]any)
			actions, ok := stmt["Action"].([]any)
			if !ok {
				actions = []any{stmt["Action"]}
			}
			for _, a := range actions {
				op, isTable := strings.CutPrefix(a.(string), "dynamodb:")
				if !isTable {
					continue
				}
				require.NotContains(t, op, "*", "the policy names every action")
				require.Equal(t, map[string]any{"Fn::GetAtt": []string{"UserTable", "Arn"}}, stmt["Resource"],
					"dynamodb:%s is allowed on the User table only", op)
				assert.Equal(t, "Allow", stmt["Effect"])
				ops = append(ops, op)
			}
		}
	}
	slices.Sort(ops)
	return ops
}

// TestTemplateFunction: the function is the zip make lambda-zip builds, on
// provided.al2023 and arm64; the API's routes are the handler's, behind the
// JWT authorizer whose issuer and audience are the template's parameters;
// the cursor secret comes from Secrets Manager.
func TestTemplateFunction(t *testing.T) {
	tpl := template(t)
	fn := at(t, tpl, "Resources", "UsersFunction", "Properties")
	assert.Equal(t, "provided.al2023", at(t, fn, "Runtime"))
	assert.Equal(t, []any{"arm64"}, at(t, fn, "Architectures"))
	assert.Equal(t, "bootstrap", at(t, fn, "Handler"))
	zip := filepath.Join(".", at(t, fn, "CodeUri").(string))
	assert.Equal(t, filepath.Join("..", "..", "dist", "lambda.zip"), zip)
	makefile, err := os.ReadFile("../../Makefile")
	require.NoError(t, err)
	assert.Contains(t, string(makefile), "python3 -m zipfile -c lambda.zip bootstrap", "make lambda-zip writes dist/lambda.zip")

	env := at(t, fn, "Environment", "Variables")
	assert.Equal(t, map[string]any{"Ref": "CursorSecret"}, at(t, env, CursorSecretARNEnv))
	assert.Equal(t, "AWS::SecretsManager::Secret", at(t, tpl, "Resources", "CursorSecret", "Type"))
	assert.Equal(t, map[string]any{"Ref": "AdminGroup"}, at(t, env, "ADMIN_GROUP"))

	var routes []string
	for _, e := range at(t, fn, "Events").(map[string]any) {
		assert.Equal(t, "HttpApi", at(t, e, "Type"))
		assert.Equal(t, map[string]any{"Ref": "UsersApi"}, at(t, e, "Properties", "ApiId"))
		routes = append(routes, at(t, e, "Properties", "Method").(string)+" "+at(t, e, "Properties", "Path").(string))
	}
	slices.Sort(routes)
	assert.Equal(t, []string{"DELETE " + routeUser, "GET " + routeUsers, "GET " + routeUser, "PATCH " + routeUser, "POST " + routeUsers}, routes)

	auth := at(t, tpl, "Resources", "UsersApi", "Properties", "Auth")
	name := at(t, auth, "DefaultAuthorizer").(string)
	jwt := at(t, auth, "Authorizers", name, "JwtConfiguration")
	assert.Equal(t, map[string]any{"Ref": "JwtIssuer"}, at(t, jwt, "issuer"))
	assert.Equal(t, []any{map[string]any{"Ref": "JwtAudience"}}, at(t, jwt, "audience"))
}

// TestTemplateTable: the template's User table is testdata/create-user.json.
func TestTemplateTable(t *testing.T) {
	table := at(t, template(t), "Resources", "UserTable")
	data, err := os.ReadFile("../../testdata/create-user.json")
	require.NoError(t, err)
	var file map[string]any
	require.NoError(t, json.Unmarshal(data, &file))
	props := at(t, table, "Properties").(map[string]any)
	for _, name := range []string{"TableName", "KeySchema", "AttributeDefinitions", "ProvisionedThroughput"} {
		assert.Equal(t, normalize(t, file[name]), normalize(t, props[name]), name)
	}
	assert.Len(t, props, 4, "the file says nothing else")
}

// TestTemplateTableIsGenerated: the template's User table is what
// `dynamodel cloudformation` writes for testdata/create-user.json.
//
// TODO(lead): once `dynamodel cloudformation` (issue 15, "Infrastructure
// from the table files") is on main, this test runs instead of skipping;
// then call the schema package's generator directly instead of the
// command, and consider generating UserTable into template.yaml.
func TestTemplateTableIsGenerated(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command (-short)")
	}
	if _, err := os.Stat("../../cmd/dynamodel/cloudformation.go"); err != nil {
		t.Skip("TODO(lead): the command has no cloudformation subcommand yet")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	bin := filepath.Join(t.TempDir(), "dynamodel")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/dynamodel")
	build.Dir = "../.."
	out, err := build.CombinedOutput()
	require.NoError(t, err, "%s", out)
	usage, _ := exec.CommandContext(ctx, bin).CombinedOutput()
	if !strings.Contains(string(usage), "cloudformation") {
		t.Skip("TODO(lead): the command has no cloudformation subcommand yet")
	}
	cmd := exec.CommandContext(ctx, bin, "cloudformation", "-format", "json", "testdata/create-user.json")
	cmd.Dir = "../.."
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err = cmd.Output()
	require.NoError(t, err, "dynamodel cloudformation:\n%s", stderr.String())
	var generated map[string]any
	require.NoError(t, json.Unmarshal(out, &generated))
	assert.Equal(t, normalize(t, at(t, generated, "Resources", "UserTable")),
		normalize(t, at(t, template(t), "Resources", "UserTable")))
}

// normalize makes values from YAML and JSON comparable: numbers as
// float64, lists and maps of any.
func normalize(t *testing.T, v any) any {
	data, err := json.Marshal(v)
	require.NoError(t, err)
	var out any
	require.NoError(t, json.Unmarshal(data, &out))
	return out
}
