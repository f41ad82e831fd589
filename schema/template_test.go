package schema_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel/dynamotest"
	"github.com/dynamodel/dynamodel/internal/enginetest"
	"github.com/dynamodel/dynamodel/schema"
)

// samTemplate has a function, a SimpleTable with defaults from Globals, and
// a table whose settings partly come from intrinsic functions.
const samTemplate = `AWSTemplateFormatVersion: 2010-09-09
Transform: AWS::Serverless-2016-10-31
Parameters:
  Env: {Type: String}
  KeyArn: {Type: String}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Globals:
  SimpleTable:
    SSESpecification:
      SSEEnabled: true
Resources:
  Sessions:
    Type: AWS::Serverless::SimpleTable
    Properties:
      PrimaryKey: {Name: token, Type: String}
      Tags: {env: !Ref Env}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: bootstrap
      Runtime: provided.al2023
      Environment:
        Variables: {TABLE: !Ref UsersTable}
  UsersTable:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: User
      AttributeDefinitions:
        - {AttributeName: email, AttributeType: S}
        - {AttributeName: team, AttributeType: S}
      KeySchema:
        - {AttributeName: email, KeyType: HASH}
      BillingMode: PAY_PER_REQUEST
      GlobalSecondaryIndexes:
        - IndexName: byTeam
          KeySchema: [{AttributeName: team, KeyType: HASH}]
          Projection: {ProjectionType: KEYS_ONLY}
          OnDemandThroughput: {MaxReadRequestUnits: !If [IsProd, 100, 10]}
          ContributorInsightsSpecification: {Enabled: true}
      SSESpecification:
        SSEEnabled: true
        SSEType: KMS
        KMSMasterKeyId: !Ref KeyArn
      DeletionProtectionEnabled: !If [IsProd, true, false]
      TimeToLiveSpecification: {AttributeName: expires, Enabled: "true"}
      PointInTimeRecoverySpecification: {PointInTimeRecoveryEnabled: true}
      ContributorInsightsSpecification: {Enabled: true}
      Tags:
        - {Key: team, Value: web}
  Counter:
    Type: AWS::Serverless::SimpleTable
    Properties:
      PrimaryKey: {Name: n, Type: Number}
      ProvisionedThroughput: {ReadCapacityUnits: "2", WriteCapacityUnits: 1}
`

func TestParseTemplate(t *testing.T) {
	tables, err := schema.ParseAll("template.yaml", []byte(samTemplate))
	require.NoError(t, err)
	require.Len(t, tables, 3)
	names := []string{tables[0].Name(), tables[1].Name(), tables[2].Name()}
	assert.Equal(t, []string{"Sessions", "User", "Counter"}, names, "in the template's order; a table without TableName is named after its logical id")
	assert.Equal(t, "template.yaml#UsersTable", tables[1].Source)
	assert.Equal(t, "UsersTable", tables[1].LogicalID())

	for i, want := range []string{
		// SAM's translation: on demand, SSE from Globals; the tags (from
		// !Ref) are left alone.
		`{"TableName": "Sessions", "AttributeDefinitions": [{"AttributeName": "token", "AttributeType": "S"}],
		  "KeySchema": [{"AttributeName": "token", "KeyType": "HASH"}], "BillingMode": "PAY_PER_REQUEST",
		  "SSESpecification": {"Enabled": true}}`,
		// Encryption (a !Ref key) and deletion protection (!If) are left
		// alone, as is the index's on-demand maximum.
		`{"TableName": "User",
		  "AttributeDefinitions": [{"AttributeName": "email", "AttributeType": "S"}, {"AttributeName": "team", "AttributeType": "S"}],
		  "KeySchema": [{"AttributeName": "email", "KeyType": "HASH"}], "BillingMode": "PAY_PER_REQUEST",
		  "GlobalSecondaryIndexes": [{"IndexName": "byTeam", "KeySchema": [{"AttributeName": "team", "KeyType": "HASH"}], "Projection": {"ProjectionType": "KEYS_ONLY"}}],
		  "Tags": [{"Key": "team", "Value": "web"}]}`,
		`{"TableName": "Counter", "AttributeDefinitions": [{"AttributeName": "n", "AttributeType": "N"}],
		  "KeySchema": [{"AttributeName": "n", "KeyType": "HASH"}], "ProvisionedThroughput": {"ReadCapacityUnits": 2, "WriteCapacityUnits": 1},
		  "SSESpecification": {"Enabled": true}}`,
	} {
		b, err := json.Marshal(tables[i])
		require.NoError(t, err)
		assert.JSONEq(t, want, string(b), tables[i].Name())
	}

	// A template written from tables that lack what the template gave
	// through intrinsic functions, or what the loader does not read, would
	// lose it: CloudFormation names it.
	for i, dropped := range []string{
		"Resources.Sessions.Properties: Tags: given by intrinsic functions",
		"Resources.UsersTable.Properties: ContributorInsightsSpecification, DeletionProtectionEnabled, " +
			"GlobalSecondaryIndexes[0].ContributorInsightsSpecification, GlobalSecondaryIndexes[0].OnDemandThroughput, SSESpecification: given by",
	} {
		_, err = schema.CloudFormation(tables[i : i+1])
		require.ErrorIs(t, err, schema.ErrInvalid)
		assert.Contains(t, err.Error(), dropped)
		_, err = tables[i].CloudFormation()
		assert.ErrorIs(t, err, schema.ErrInvalid)
	}

	// Time to live and point-in-time recovery stay with the table.
	_, err = schema.CloudFormation(tables[2:3])
	require.NoError(t, err, "a template that gave every property")
	users, err := schema.ParseAll("users.yaml", []byte(`Resources:
  UsersTable:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: User
      AttributeDefinitions: [{AttributeName: email, AttributeType: S}]
      KeySchema: [{AttributeName: email, KeyType: HASH}]
      BillingMode: PAY_PER_REQUEST
      TimeToLiveSpecification: {AttributeName: expires, Enabled: "true"}
      PointInTimeRecoverySpecification: {PointInTimeRecoveryEnabled: true}
`))
	require.NoError(t, err)
	tpl, err := schema.CloudFormation(users)
	require.NoError(t, err)
	out, err := tpl.YAML()
	require.NoError(t, err)
	period, err := schema.ParseAll("users.yaml", []byte(strings.Replace(string(out), "PointInTimeRecoveryEnabled: true", "PointInTimeRecoveryEnabled: true\n        RecoveryPeriodInDays: 7", 1)))
	require.NoError(t, err)
	_, err = schema.CloudFormation(period)
	assert.ErrorContains(t, err, "PointInTimeRecoverySpecification.RecoveryPeriodInDays: given by intrinsic functions, or not read by the loader", "the period is not kept")
	out, err = tpl.YAML()
	require.NoError(t, err)
	assert.Contains(t, string(out), "  UsersTable:\n")
	assert.Contains(t, string(out), "TimeToLiveSpecification:\n        AttributeName: expires\n        Enabled: true\n")
	assert.Contains(t, string(out), "PointInTimeRecoverySpecification:\n        PointInTimeRecoveryEnabled: true\n")

	// Load takes a template of one table; of several, it says to use LoadAll.
	_, err = schema.Parse("template.yaml", []byte(samTemplate))
	require.ErrorIs(t, err, schema.ErrInvalid)
	assert.EqualError(t, err, "dynamodel: schema template.yaml: Resources: the template defines 3 tables (Sessions, User, Counter): read it with LoadAll or ParseAll")
}

// TestParseTemplateJSON: a JSON template's tables come in its order, not
// sorted.
func TestParseTemplateJSON(t *testing.T) {
	doc := `{"Resources": {
		"Zebra": {"Type": "AWS::DynamoDB::Table", "Properties": {"TableName": "Zebra",
			"AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
			"KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
			"ProvisionedThroughput": {"ReadCapacityUnits": "1", "WriteCapacityUnits": 1},
			"Tags": [{"Key": "stack", "Value": {"Ref": "AWS::StackName"}}]}},
		"Queue": {"Type": "AWS::SQS::Queue"},
		"Apple": {"Type": "AWS::Serverless::SimpleTable"}}}`
	tables, err := schema.ParseAll("t.json", []byte(doc))
	require.NoError(t, err)
	require.Len(t, tables, 2)
	assert.Equal(t, "Zebra", tables[0].Name())
	assert.Equal(t, "Apple", tables[1].Name())
	id, typ := tables[1].HashKey()
	assert.Equal(t, "id S", id+" "+string(typ), "a SimpleTable's default key")
}

func TestParseTemplateErrors(t *testing.T) {
	table := func(props string) string {
		return "Resources:\n  T:\n    Type: AWS::DynamoDB::Table\n    Properties:\n" + props
	}
	const keys = `      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      BillingMode: PAY_PER_REQUEST
`
	for _, tc := range []struct {
		name, doc, path, msg string
	}{
		{"name from !Sub", table("      TableName: !Sub '${Env}-t'\n" + keys), "Resources.T.Properties.TableName",
			"Fn::Sub cannot be resolved, and the loader needs the table's name: give it as a string, or leave TableName out to name the table after its logical id"},
		{"key from !Ref", table("      TableName: Things\n      AttributeDefinitions: [{AttributeName: !Ref K, AttributeType: S}]\n      KeySchema: [{AttributeName: id, KeyType: HASH}]\n      BillingMode: PAY_PER_REQUEST\n"),
			"Resources.T.Properties.AttributeDefinitions[0].AttributeName", "Ref cannot be resolved, and the loader needs this value"},
		{"throughput from !If", table("      TableName: Things\n" + keys + "      ProvisionedThroughput: !If [C, {ReadCapacityUnits: 1, WriteCapacityUnits: 1}, !Ref AWS::NoValue]\n"),
			"Resources.T.Properties.ProvisionedThroughput", "Fn::If cannot be resolved, and the loader needs this value"},
		{"index key from !GetAtt", table("      TableName: Things\n" + keys + "      GlobalSecondaryIndexes: [{IndexName: ix1, KeySchema: [{AttributeName: !GetAtt X.Y, KeyType: HASH}], Projection: {ProjectionType: ALL}}]\n"),
			"Resources.T.Properties.GlobalSecondaryIndexes[0].KeySchema[0].AttributeName", "Fn::GetAtt cannot be resolved, and the loader needs this value"},
		{"time to live: unknown field", table("      TableName: Things\n" + keys + "      TimeToLiveSpecification: {Enabled: true, AttributeName: exp, Attribute: ttl}\n"),
			"Resources.T.Properties.TimeToLiveSpecification.Attribute", "unknown field"},
		{"time to live: long attribute", table("      TableName: Things\n" + keys + "      TimeToLiveSpecification: {Enabled: true, AttributeName: " + strings.Repeat("x", 256) + "}\n"),
			"Resources.T.Properties.TimeToLiveSpecification.AttributeName", "the time-to-live attribute is 256 bytes long, DynamoDB takes at most 255"},
		{"recovery: unknown field", table("      TableName: Things\n" + keys + "      PointInTimeRecoverySpecification: {PointInTimeRecoveryEnabled: true, Enable: false}\n"),
			"Resources.T.Properties.PointInTimeRecoverySpecification.Enable", "unknown field"},
		{"properties not an object", "Resources:\n  T:\n    Type: AWS::DynamoDB::Table\n    Properties: [1]\n",
			"Resources.T.Properties", "want an object of properties, got an array"},
		{"properties from !If", "Resources:\n  T:\n    Type: AWS::DynamoDB::Table\n    Properties: !If [C, {TableName: a}, {TableName: b}]\n",
			"Resources.T.Properties", "Fn::If cannot be resolved, and the loader needs the properties"},
		{"simple table properties from !If", "Resources:\n  S:\n    Type: AWS::Serverless::SimpleTable\n    Properties: !If [C, {TableName: a}, {TableName: b}]\n",
			"Resources.S.Properties", "Fn::If cannot be resolved, and the loader needs the properties"},
		{"simple table key without a name", "Resources:\n  S:\n    Type: AWS::Serverless::SimpleTable\n    Properties: {PrimaryKey: {Type: Number}}\n",
			"Resources.S.Properties.PrimaryKey.Name", "want the key attribute's name, got null"},
		{"two resources, one table", "Resources:\n  A:\n    Type: AWS::Serverless::SimpleTable\n    Properties: {TableName: Things}\n" +
			"  B:\n    Type: AWS::Serverless::SimpleTable\n    Properties: {TableName: Things}\n",
			"Resources.B.Properties.TableName", `table "Things" is also resource A`},
		{"index from !If", table("      TableName: Things\n" + keys + "      GlobalSecondaryIndexes:\n        - !If [C, {IndexName: ix1, KeySchema: [{AttributeName: id, KeyType: HASH}], Projection: {ProjectionType: ALL}}, !Ref AWS::NoValue]\n"),
			"Resources.T.Properties.GlobalSecondaryIndexes[0]", "Fn::If cannot be resolved, and the loader needs this value"},
		{"unknown property", table("      TableName: Things\n" + keys + "      BillingMod: PROVISIONED\n"),
			"Resources.T.Properties.BillingMod", "unknown property of AWS::DynamoDB::Table"},
		{"bad value", table("      TableName: Things\n" + keys + "      SSESpecification: {SSEEnabled: maybe}\n"),
			"Resources.T.Properties.SSESpecification.SSEEnabled", `want true or false, got "maybe"`},
		{"missing SSEEnabled", table("      TableName: Things\n" + keys + "      SSESpecification: {SSEType: KMS}\n"),
			"Resources.T.Properties.SSESpecification.SSEEnabled", "required field is missing"},
		{"rules", table("      TableName: Things\n      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]\n      KeySchema: [{AttributeName: id, KeyType: HASH}]\n"),
			"Resources.T.Properties.ProvisionedThroughput", "required with BillingMode PROVISIONED"},
		{"global table", "Resources:\n  G:\n    Type: AWS::DynamoDB::GlobalTable\n    Properties: {}\n",
			"Resources.G.Type", "AWS::DynamoDB::GlobalTable is not supported"},
		{"no tables", "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n", "Resources", "no AWS::DynamoDB::Table or AWS::Serverless::SimpleTable resources"},
		{"resources not a map", "AWSTemplateFormatVersion: '2010-09-09'\nResources: [1]\n", "Resources", "want an object of resources"},
		{"simple table key type", "Resources:\n  S:\n    Type: AWS::Serverless::SimpleTable\n    Properties: {PrimaryKey: {Name: k, Type: Text}}\n",
			"Resources.S.Properties.PrimaryKey.Type", `want one of String, Number, Binary, got "Text"`},
		{"duplicate key", "Resources:\n  T:\n    Type: AWS::DynamoDB::Table\n  T:\n    Type: AWS::DynamoDB::Table\n", "", "field Resources.T appears twice (line 4)"},
		{"invalid YAML", "Resources: [1\n", "", "invalid YAML: yaml: line 1: did not find expected ',' or ']'"},
		{"not a mapping", "- a\n- b\n", "", "want a YAML mapping"},
		{"two documents", "TableName: Things\n---\nTableName: Others\n", "", "line 2: a second YAML document: a file holds one"},
		{"two documents, the second broken", "TableName: Things\n---\n[1\n", "", "did not find expected"},
		{"merge of a scalar", "a: &a x\nTableName: {<<: *a}\n", "", "TableName.<<: line 2: a merge key (<<) takes a mapping or a list of mappings"},
		// Five aliases of a long list: the value is five times the file.
		{"aliases five times the file", "a: &a [" + strings.Repeat("1,", 50000) + "1]\nb: [*a, *a, *a, *a, *a]\n", "", "aliases expand the document too much"},
		{"alias bomb", "a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d]\n",
			"", "aliases expand the document too much"},
	} {
		_, err := schema.ParseAll("t.yaml", []byte(tc.doc))
		require.ErrorIs(t, err, schema.ErrInvalid, tc.name)
		var se *schema.Error
		require.ErrorAs(t, err, &se, tc.name)
		assert.Equal(t, "t.yaml", se.File, tc.name)
		assert.Equal(t, tc.path, se.Path, tc.name)
		assert.Contains(t, se.Msg, tc.msg, tc.name)
	}
}

// TestTemplateErrorsAreStable: a property with two unknown fields, and a
// SimpleTable with two unknown properties, are reported by the first name
// in sorted order on every parse, not by whichever a map gave first.
func TestTemplateErrorsAreStable(t *testing.T) {
	const keys = "      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]\n      KeySchema: [{AttributeName: id, KeyType: HASH}]\n      BillingMode: PAY_PER_REQUEST\n"
	for _, tc := range []struct{ doc, path string }{
		{"Resources:\n  T:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      TableName: Things\n" + keys +
			"      SSESpecification: {SSEEnabled: true, Zeta: 1, Beta: 2, Alpha: 3, Gamma: 4}\n", "Resources.T.Properties.SSESpecification.Alpha"},
		{"Resources:\n  S:\n    Type: AWS::Serverless::SimpleTable\n    Properties: {Zeta: 1, Beta: 2, Alpha: 3, Gamma: 4}\n", "Resources.S.Properties.Alpha"},
	} {
		for range 20 {
			_, err := schema.ParseAll("t.yaml", []byte(tc.doc))
			var se *schema.Error
			require.ErrorAs(t, err, &se)
			require.Equal(t, tc.path, se.Path)
		}
	}
}

// TestParseYAMLMergeKeys: merge keys (<<) add the keys a mapping does not
// set itself, as the AWS CLI and SAM read them: a template's tables may
// share their properties, a table file its definitions.
func TestParseYAMLMergeKeys(t *testing.T) {
	tables, err := schema.ParseAll("t.yaml", []byte(`Metadata:
  Keys: &keys
    AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
    KeySchema: [{AttributeName: id, KeyType: HASH}]
  Billing: &billing {BillingMode: PROVISIONED, TableName: Ignored}
Resources:
  A:
    Type: AWS::DynamoDB::Table
    Properties:
      <<: *keys
      TableName: Things
      BillingMode: PAY_PER_REQUEST
  B:
    Type: AWS::DynamoDB::Table
    Properties:
      <<: [{BillingMode: PAY_PER_REQUEST}, *billing, *keys]
      TableName: Others
`))
	require.NoError(t, err)
	require.Len(t, tables, 2)
	for i, name := range []string{"Things", "Others"} {
		assert.Equal(t, name, tables[i].Name())
		id, _ := tables[i].HashKey()
		assert.Equal(t, "id", id)
		b, err := json.Marshal(tables[i])
		require.NoError(t, err)
		assert.Contains(t, string(b), `"BillingMode":"PAY_PER_REQUEST"`, "the mapping's own key, then the first of a list, wins")
	}

	table, err := schema.Parse("t.yaml", []byte(`x: &attr {AttributeName: id, AttributeType: S}
TableName: Things
AttributeDefinitions: [{<<: *attr}]
KeySchema: [{AttributeName: id, KeyType: HASH}]
BillingMode: PAY_PER_REQUEST
`))
	require.Error(t, err, "a table file's keys are the create-table input's")
	assert.Nil(t, table)
	assert.Contains(t, err.Error(), "x: unknown field")
	table, err = schema.Parse("t.yaml", []byte(`TableName: Things
AttributeDefinitions: [{<<: {AttributeName: id}, AttributeType: S}]
KeySchema: [{AttributeName: id, KeyType: HASH}]
BillingMode: PAY_PER_REQUEST
`))
	require.NoError(t, err)
	id, typ := table.HashKey()
	assert.Equal(t, "id S", id+" "+string(typ))
}

// TestLoadDirReadsTemplates: LoadDir takes table files and templates, JSON
// and YAML, in name order, tables of a template in its order.
func TestLoadDirReadsTemplates(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644))
	}
	user, err := os.ReadFile("../testdata/create-user.json")
	require.NoError(t, err)
	write("a-user.json", string(user))
	write("b-app.yaml", strings.Replace(samTemplate, "TableName: User", "TableName: AppUser", 1))
	write("c-docs.yml", "TableName: Docs\nAttributeDefinitions: [{AttributeName: id, AttributeType: S}]\nKeySchema: [{AttributeName: id, KeyType: HASH}]\nBillingMode: PAY_PER_REQUEST\n")
	write("notes.txt", "not a table")
	tables, err := schema.LoadDir(dir)
	require.NoError(t, err)
	var names, sources []string
	for _, s := range tables {
		names = append(names, s.Name())
		sources = append(sources, filepath.Base(s.Source))
	}
	assert.Equal(t, []string{"User", "Sessions", "AppUser", "Counter", "Docs"}, names)
	assert.Equal(t, []string{"a-user.json", "b-app.yaml#Sessions", "b-app.yaml#UsersTable", "b-app.yaml#Counter", "c-docs.yml"}, sources)

	// A table in two files is an error naming both.
	write("b-app.yaml", samTemplate)
	_, err = schema.LoadDir(dir)
	require.ErrorIs(t, err, schema.ErrInvalid)
	assert.EqualError(t, err, "dynamodel: schema "+filepath.Join(dir, "b-app.yaml#UsersTable")+`: TableName: table "User" is also defined in a-user.json`)
}

// TestTemplateUnmanagedSettings: Apply and Diff leave alone what a template
// gives through intrinsic functions, and change the rest.
func TestTemplateUnmanagedSettings(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, db *dynamotest.DB) {
		ctx := ctxT(t)
		live, err := schema.Parse("live.json", []byte(`{"TableName": "Things",
			"AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
			"KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}], "BillingMode": "PAY_PER_REQUEST",
			"Tags": [{"Key": "team", "Value": "ops"}]}`))
		require.NoError(t, err)
		db.CreateTables([]*schema.Table{live}, false)

		tables, err := schema.ParseAll("template.yaml", []byte(`Resources:
  Things:
    Type: AWS::DynamoDB::Table
    Properties:
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      BillingMode: PAY_PER_REQUEST
      SSESpecification: {SSEEnabled: true, KMSMasterKeyId: !GetAtt Key.Arn}
      TableClass: !Ref Class
      Tags: [{Key: team, Value: !Ref Team}]
`))
		require.NoError(t, err)
		changes, err := schema.Diff(ctx, db.Client, tables, prefixed(db.Prefix))
		require.NoError(t, err)
		assert.Equal(t, schema.ActionUnchanged, changes[0].Action, changes[0].String())

		// The same template with literal tags: those are changed.
		tables, err = schema.ParseAll("template.yaml", []byte(`Resources:
  Things:
    Type: AWS::DynamoDB::Table
    Properties:
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      BillingMode: PAY_PER_REQUEST
      SSESpecification: {SSEEnabled: true, KMSMasterKeyId: !GetAtt Key.Arn}
      Tags: [{Key: owner, Value: web}]
`))
		require.NoError(t, err)
		changes, err = schema.Apply(ctx, db.Client, tables, prefixed(db.Prefix))
		require.NoError(t, err)
		assert.Equal(t, schema.ActionUpdate, changes[0].Action, changes[0].String())
		assert.Equal(t, []schema.Update{{Difference: schema.Difference{Path: "Tags", File: "owner=web", Live: "team=ops"}, Call: "TagResource, UntagResource"}}, changes[0].Updates)
	})
}
