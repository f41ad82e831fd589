package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/dynamodel/dynamodel/schema"
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

// TestTemplateTable: the template's User table is the one of
// testdata/create-user.json, as dynamodel's schema loader reads both, and
// its resource is what `dynamodel cloudformation` writes for that file.
func TestTemplateTable(t *testing.T) {
	file, err := schema.Load("../../testdata/create-user.json")
	require.NoError(t, err)
	inTemplate, err := schema.Load("template.yaml")
	require.NoError(t, err)
	assert.Equal(t, file.CreateTableInput(), inTemplate.CreateTableInput())

	generated, err := file.CloudFormation()
	require.NoError(t, err)
	assert.Equal(t, "UserTable", generated.LogicalID)
	assert.Equal(t, normalize(t, generated), normalize(t, at(t, template(t), "Resources", generated.LogicalID)),
		"template.yaml's UserTable must be what dynamodel cloudformation testdata/create-user.json writes")
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
