package schema_test

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/dynamodel/dynamodel/internal/enginetest"
	"github.com/dynamodel/dynamodel/schema"
)

// tableFiles are every table file the project has, by directory.
func tableFiles(t *testing.T) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, pattern := range []string{"../testdata/*.json", "../testdata/tables/*.json", "../testdata/keytime/*.json", "testdata/guide/*.json"} {
		files, err := filepath.Glob(pattern)
		require.NoError(t, err)
		require.NotEmpty(t, files, pattern)
		out[filepath.Dir(pattern)] = append(out[filepath.Dir(pattern)], files...)
	}
	return out
}

// generic decodes YAML or JSON into plain values, for comparing documents.
func generic(t *testing.T, data []byte) any {
	t.Helper()
	var v any
	require.NoError(t, yaml.Unmarshal(data, &v))
	return v
}

// TestCloudFormationRoundTrip: every table file, written as a template (YAML
// and JSON) and read back, is the same table, with the same logical id; and
// the template of what was read back is the same template. So is a
// template of a whole directory, tables in order.
func TestCloudFormationRoundTrip(t *testing.T) {
	ttl := func(o *schema.Options) {
		o.TimeToLive = map[string]string{"User": "expires", "Docs": ""}
		o.PointInTimeRecovery = true
	}
	for dir, files := range tableFiles(t) {
		var tables []*schema.Table
		for _, f := range files {
			s, err := schema.Load(f)
			require.NoError(t, err, f)
			tables = append(tables, s)
		}
		for _, opts := range [][]func(*schema.Options){nil, {ttl}} {
			tpl, err := schema.CloudFormation(tables, opts...)
			require.NoError(t, err)
			y, err := tpl.YAML()
			require.NoError(t, err)
			j, err := tpl.JSON()
			require.NoError(t, err)
			assert.Equal(t, generic(t, y), generic(t, j), "the YAML and JSON templates say the same")

			for name, data := range map[string][]byte{"template.yaml": y, "template.json": j} {
				back, err := schema.ParseAll(name, data)
				require.NoError(t, err, "%s\n%s", dir, data)
				require.Len(t, back, len(tables))
				for i, s := range tables {
					want, err := json.Marshal(s)
					require.NoError(t, err)
					got, err := json.Marshal(back[i])
					require.NoError(t, err)
					assert.JSONEq(t, string(want), string(got), s.Source)
					assert.Equal(t, s.LogicalID(), back[i].LogicalID())
					assert.Equal(t, name+"#"+s.LogicalID(), back[i].Source)
				}
				// The table read back keeps its time to live and
				// recovery: its template, without options, is the same.
				again, err := schema.CloudFormation(back)
				require.NoError(t, err)
				y2, err := again.YAML()
				require.NoError(t, err)
				assert.Equal(t, string(y), string(y2))
			}
		}
	}
}

func TestCloudFormationProperties(t *testing.T) {
	music, err := schema.Load("testdata/guide/music.json")
	require.NoError(t, err)
	r, err := music.CloudFormation(func(o *schema.Options) {
		o.TablePrefix = "dev-"
		o.TimeToLive = map[string]string{"Music": "expires"}
	})
	require.NoError(t, err)
	assert.Equal(t, "MusicTable", r.LogicalID, "the logical id comes from the name without prefix")
	out, err := yaml.Marshal(r)
	require.NoError(t, err)
	assert.Equal(t, `Type: AWS::DynamoDB::Table
DeletionPolicy: Retain
UpdateReplacePolicy: Retain
Properties:
    TableName: dev-Music
    AttributeDefinitions:
        - AttributeName: Artist
          AttributeType: S
        - AttributeName: SongTitle
          AttributeType: S
        - AttributeName: AlbumTitle
          AttributeType: S
    KeySchema:
        - AttributeName: Artist
          KeyType: HASH
        - AttributeName: SongTitle
          KeyType: RANGE
    BillingMode: PAY_PER_REQUEST
    GlobalSecondaryIndexes:
        - IndexName: AlbumTitleIndex
          KeySchema:
            - AttributeName: AlbumTitle
              KeyType: HASH
          Projection:
            ProjectionType: INCLUDE
            NonKeyAttributes:
                - Genre
                - Year
    StreamSpecification:
        StreamViewType: NEW_AND_OLD_IMAGES
    TimeToLiveSpecification:
        AttributeName: expires
        Enabled: true
    Tags:
        - Key: owner
          Value: catalog
`, string(out))

	// Encryption, class, protection, capacity: CloudFormation's names.
	all, err := schema.Parse("all.json", []byte(`{
		"TableName": "all-settings.v2",
		"AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
		"KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
		"BillingMode": "PAY_PER_REQUEST",
		"OnDemandThroughput": {"MaxReadRequestUnits": 100},
		"WarmThroughput": {"ReadUnitsPerSecond": 13000, "WriteUnitsPerSecond": 5000},
		"SSESpecification": {"Enabled": true, "SSEType": "KMS", "KMSMasterKeyId": "alias/tables"},
		"TableClass": "STANDARD_INFREQUENT_ACCESS",
		"DeletionProtectionEnabled": true,
		"ResourcePolicy": "{\"Version\": \"2012-10-17\", \"Statement\": []}",
		"StreamSpecification": {"StreamEnabled": false}
	}`))
	require.NoError(t, err)
	r, err = all.CloudFormation(func(o *schema.Options) { o.PointInTimeRecovery = true })
	require.NoError(t, err)
	b, err := json.Marshal(r)
	require.NoError(t, err)
	assert.JSONEq(t, `{
		"Type": "AWS::DynamoDB::Table", "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain",
		"Properties": {
			"TableName": "all-settings.v2",
			"AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
			"KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
			"BillingMode": "PAY_PER_REQUEST",
			"OnDemandThroughput": {"MaxReadRequestUnits": 100},
			"WarmThroughput": {"ReadUnitsPerSecond": 13000, "WriteUnitsPerSecond": 5000},
			"SSESpecification": {"SSEEnabled": true, "SSEType": "KMS", "KMSMasterKeyId": "alias/tables"},
			"PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": true},
			"TableClass": "STANDARD_INFREQUENT_ACCESS",
			"DeletionProtectionEnabled": true,
			"ResourcePolicy": {"PolicyDocument": {"Version": "2012-10-17", "Statement": []}}
		}}`, string(b))
	assert.Equal(t, "AllSettingsV2Table", r.LogicalID)
}

func TestCloudFormationDependsOn(t *testing.T) {
	tables, err := schema.LoadDir("testdata/guide")
	require.NoError(t, err)
	tpl, err := schema.CloudFormation(tables)
	require.NoError(t, err)
	deps := map[string]string{}
	for _, r := range tpl.Resources {
		deps[r.LogicalID] = r.DependsOn
	}
	// Tables with secondary indexes, in file order, each after the last.
	assert.Equal(t, map[string]string{
		"ForumTable":          "",
		"GameScoresTable":     "",
		"MusicTable":          "GameScoresTable",
		"ProductCatalogTable": "",
		"ReplyTable":          "MusicTable",
		"ThreadTable":         "ReplyTable",
	}, deps)
}

func TestLogicalID(t *testing.T) {
	for name, want := range map[string]string{
		"User":           "UserTable",
		"game-scores":    "GameScoresTable",
		"game_scores.v2": "GameScoresV2Table",
		"orders2024":     "Orders2024Table",
		"2024-orders":    "Table2024Orders",
		"a.b-c_d":        "ABCDTable",
		"___":            "Table",
	} {
		s, err := schema.Parse("t.json", []byte(`{"TableName": "`+name+`", "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}], "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}], "BillingMode": "PAY_PER_REQUEST"}`))
		require.NoError(t, err, name)
		assert.Equal(t, want, s.LogicalID(), name)
	}
	long := make([]byte, 255)
	for i := range long {
		long[i] = 'a'
	}
	s, err := schema.Parse("t.json", []byte(`{"TableName": "`+string(long)+`", "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}], "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}], "BillingMode": "PAY_PER_REQUEST"}`))
	require.NoError(t, err)
	assert.Len(t, s.LogicalID(), 255)

	// Two tables with one logical id cannot share a template.
	a, err := schema.Parse("a.json", []byte(`{"TableName": "game-scores", "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}], "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}], "BillingMode": "PAY_PER_REQUEST"}`))
	require.NoError(t, err)
	b, err := schema.Parse("b.json", []byte(`{"TableName": "GameScores", "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}], "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}], "BillingMode": "PAY_PER_REQUEST"}`))
	require.NoError(t, err)
	_, err = schema.CloudFormation([]*schema.Table{a, b})
	require.ErrorIs(t, err, schema.ErrInvalid)
	assert.EqualError(t, err, "dynamodel: schema b.json: TableName: table game-scores and table GameScores have the same CloudFormation logical id GameScoresTable")
}

// TestCloudFormationYAMLReadsInPyYAML: the YAML template reads in PyYAML
// (YAML 1.1, the parser of cfn-lint, sam and aws cloudformation package)
// as the JSON template says, names that YAML 1.1 resolves to other types
// included: a plain = or << made PyYAML fail ("could not determine a
// constructor").
func TestCloudFormationYAMLReadsInPyYAML(t *testing.T) {
	python := enginetest.Python(t)
	table, err := schema.Parse("odd.json", []byte(`{"TableName": "Odd", "BillingMode": "PAY_PER_REQUEST",
		"AttributeDefinitions": [{"AttributeName": "=", "AttributeType": "S"}, {"AttributeName": "<<", "AttributeType": "S"}],
		"KeySchema": [{"AttributeName": "=", "KeyType": "HASH"}, {"AttributeName": "<<", "KeyType": "RANGE"}],
		"Tags": [{"Key": "yes", "Value": "on"}, {"Key": "1:20", "Value": "="}, {"Key": "2001-12-14", "Value": "0o17"}, {"Key": "~", "Value": "<<"}]}`))
	require.NoError(t, err)
	tpl, err := schema.CloudFormation([]*schema.Table{table})
	require.NoError(t, err)
	j, err := tpl.JSON()
	require.NoError(t, err)
	y, err := tpl.YAML()
	require.NoError(t, err)
	marshalled, err := yaml.Marshal(tpl)
	require.NoError(t, err)
	resource, err := yaml.Marshal(tpl.Resources[0])
	require.NoError(t, err)
	resourceJSON, err := json.Marshal(tpl.Resources[0])
	require.NoError(t, err)
	const load = `import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin)))`
	for want, data := range map[string][]byte{string(j): y, string(j) + " ": marshalled, string(resourceJSON): resource} {
		cmd := exec.Command(python, "-c", load)
		cmd.Stdin = bytes.NewReader(data)
		out, err := cmd.Output()
		require.NoError(t, err, "%s", data)
		assert.JSONEq(t, strings.TrimSpace(want), string(out))
	}
}
