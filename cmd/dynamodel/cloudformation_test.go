package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

func TestCloudFormation(t *testing.T) {
	// No engine: the command makes no call (the endpoint would refuse).
	code, stdout, stderr := cli(t, "cloudformation", "../../testdata/create-user.json", "-ttl", "User=expires", "-pitr", "-endpoint", "http://127.0.0.1:1")
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, `AWSTemplateFormatVersion: "2010-09-09"
Description: DynamoDB tables, written by dynamodel
Resources:
  UserTable:
    Type: AWS::DynamoDB::Table
    DeletionPolicy: Retain
    UpdateReplacePolicy: Retain
    Properties:
      TableName: User
      AttributeDefinitions:
        - AttributeName: email
          AttributeType: S
      KeySchema:
        - AttributeName: email
          KeyType: HASH
      ProvisionedThroughput:
        ReadCapacityUnits: 5
        WriteCapacityUnits: 5
      TimeToLiveSpecification:
        AttributeName: expires
        Enabled: true
      PointInTimeRecoverySpecification:
        PointInTimeRecoveryEnabled: true
`, stdout)

	// JSON says the same.
	code, js, stderr := cli(t, "cloudformation", "-format", "json", "-ttl", "User=expires", "-pitr", "../../testdata/create-user.json")
	require.Equal(t, 0, code, stderr)
	var fromYAML, fromJSON any
	require.NoError(t, yaml.Unmarshal([]byte(stdout), &fromYAML))
	require.NoError(t, json.Unmarshal([]byte(js), &fromJSON))
	assert.Equal(t, fromYAML, mustRoundTrip(t, fromJSON))

	// The template is a file the commands take.
	file := filepath.Join(t.TempDir(), "template.yaml")
	require.NoError(t, os.WriteFile(file, []byte(stdout), 0o644))
	code, again, stderr := cli(t, "cloudformation", file)
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, stdout, again)

	code, _, stderr = cli(t, "cloudformation", "-format", "xml", "../../testdata/create-user.json")
	assert.Equal(t, 2, code)
	assert.Equal(t, "dynamodel cloudformation: -format xml: want yaml or json\n", stderr)
}

// mustRoundTrip passes v through YAML, so numbers decode as YAML's.
func mustRoundTrip(t *testing.T, v any) any {
	t.Helper()
	b, err := yaml.Marshal(v)
	require.NoError(t, err)
	var out any
	require.NoError(t, yaml.Unmarshal(b, &out))
	return out
}
