package schema

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fuzzTemplate is a seed template with a SimpleTable and settings a
// create-table file cannot hold.
const fuzzTemplate = `AWSTemplateFormatVersion: 2010-09-09
Globals:
  SimpleTable: {SSESpecification: {SSEEnabled: true}}
Resources:
  Sessions:
    Type: AWS::Serverless::SimpleTable
    Properties: {PrimaryKey: {Name: token, Type: Binary}, Tags: {a: b}}
  T:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: Things
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}, {AttributeName: at, AttributeType: N}]
      KeySchema: [{AttributeName: id, KeyType: HASH}, {AttributeName: at, KeyType: RANGE}]
      LocalSecondaryIndexes: [{IndexName: byAt, KeySchema: [{AttributeName: id, KeyType: HASH}, {AttributeName: at, KeyType: RANGE}], Projection: {ProjectionType: KEYS_ONLY}}]
      ProvisionedThroughput: {ReadCapacityUnits: 1, WriteCapacityUnits: "2"}
      StreamSpecification: {StreamViewType: KEYS_ONLY}
      TimeToLiveSpecification: {AttributeName: exp, Enabled: true}
      PointInTimeRecoverySpecification: {PointInTimeRecoveryEnabled: false}
      DeletionProtectionEnabled: true
      ResourcePolicy: {PolicyDocument: {Version: "2012-10-17", Statement: []}}
`

// FuzzCloudFormation reads arbitrary bytes as table files and templates.
// It must never panic; every rejection must be an *Error. What it accepts
// must write out as a template (YAML and JSON) that reads back to tables
// that do not differ from the originals in any way Apply compares, and
// whose own template is the same one.
func FuzzCloudFormation(f *testing.F) {
	files, _ := filepath.Glob("testdata/guide/*.json")
	more, _ := filepath.Glob("../testdata/tables/*.json")
	for _, name := range append(append(files, more...), "../testdata/create-user.json") {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(fuzzTemplate))
	f.Add([]byte(strings.Replace(fuzzTemplate, "DeletionProtectionEnabled: true", "DeletionProtectionEnabled: !If [C, true, false]", 1)))
	f.Add([]byte(`{"Resources": {"B": {"Type": "AWS::Serverless::SimpleTable"}, "A": {"Type": "AWS::DynamoDB::Table", "Properties": {"AttributeDefinitions": [{"AttributeName": "k", "AttributeType": "B"}], "KeySchema": [{"AttributeName": "k", "KeyType": "HASH"}], "BillingMode": "PAY_PER_REQUEST", "SSESpecification": {"SSEEnabled": "false", "SSEType": "KMS"}}}}}`))
	f.Add([]byte("TableName: Docs\nAttributeDefinitions: [{AttributeName: id, AttributeType: S}]\nKeySchema: [{AttributeName: id, KeyType: HASH}]\nBillingMode: PAY_PER_REQUEST\nTags: [{Key: 'on', Value: '1e3'}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tables, err := ParseAll("fuzz", data)
		if err != nil {
			var se *Error
			if !errors.As(err, &se) || !errors.Is(err, ErrInvalid) {
				t.Fatalf("rejection is not a *schema.Error: %#v", err)
			}
			return
		}
		tpl, err := CloudFormation(tables)
		if err != nil {
			var se *Error
			if !errors.As(err, &se) {
				t.Fatalf("CloudFormation failed without an *Error: %#v", err)
			}
			return
		}
		y, err := tpl.YAML()
		if err != nil {
			t.Fatal(err)
		}
		j, err := tpl.JSON()
		if err != nil {
			t.Fatal(err)
		}
		for _, out := range [][]byte{y, j} {
			back, err := ParseAll("template", out)
			if err != nil {
				t.Fatalf("the template does not read back: %v\n%s", err, out)
			}
			if len(back) != len(tables) {
				t.Fatalf("%d tables became %d:\n%s", len(tables), len(back), out)
			}
			for i, orig := range tables {
				want, got := wantState(orig, Options{}), wantState(back[i], Options{})
				if diffs := compare(orig.Name(), want, got, Options{AddIndexes: true, DeleteIndexes: true}); len(diffs) > 0 {
					t.Fatalf("%s read back differs: %v\n%s", orig.Name(), diffs, out)
				}
				if back[i].LogicalID() != orig.LogicalID() {
					t.Fatalf("logical id %s became %s", orig.LogicalID(), back[i].LogicalID())
				}
			}
			again, err := CloudFormation(back)
			if err != nil {
				t.Fatal(err)
			}
			y2, err := again.YAML()
			if err != nil {
				t.Fatal(err)
			}
			if string(y2) != string(y) {
				t.Fatalf("the template changed on the way back:\n%s\n%s", y, y2)
			}
		}
	})
}
