package schema_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel/schema"
)

// obj and arr shorten the table documents below.
type (
	obj = map[string]any
	arr = []any
)

// composite returns a provisioned table with hash key pk and range key sk,
// plus attribute gk for index keys.
func composite() obj {
	return obj{
		"TableName": "Composite",
		"AttributeDefinitions": arr{
			obj{"AttributeName": "pk", "AttributeType": "S"},
			obj{"AttributeName": "sk", "AttributeType": "S"},
			obj{"AttributeName": "gk", "AttributeType": "N"},
		},
		"KeySchema":             arr{obj{"AttributeName": "pk", "KeyType": "HASH"}, obj{"AttributeName": "sk", "KeyType": "RANGE"}},
		"ProvisionedThroughput": throughput(),
		"GlobalSecondaryIndexes": arr{obj{
			"IndexName":             "byGk",
			"KeySchema":             arr{obj{"AttributeName": "gk", "KeyType": "HASH"}},
			"Projection":            obj{"ProjectionType": "ALL"},
			"ProvisionedThroughput": throughput(),
		}},
	}
}

func throughput() obj { return obj{"ReadCapacityUnits": 1, "WriteCapacityUnits": 1} }

func gsi(doc obj, i int) obj { return doc["GlobalSecondaryIndexes"].(arr)[i].(obj) }

func lsi(name string, keys ...string) obj {
	ks := arr{}
	for i, k := range keys {
		kt := "HASH"
		if i == 1 {
			kt = "RANGE"
		}
		ks = append(ks, obj{"AttributeName": k, "KeyType": kt})
	}
	return obj{"IndexName": name, "KeySchema": ks, "Projection": obj{"ProjectionType": "KEYS_ONLY"}}
}

func attrNames(prefix string, n int) arr {
	out := arr{}
	for i := range n {
		out = append(out, fmt.Sprintf("%s%d", prefix, i))
	}
	return out
}

// TestValidateEachConcern covers, per concern, the rules DynamoDB applies
// that the JSON shape cannot express: each case breaks one rule of a valid
// table and finds it named by its JSON path.
func TestValidateEachConcern(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(doc obj)
		path string
		msg  string
	}{
		{"attribute defined twice", func(d obj) {
			d["AttributeDefinitions"] = append(d["AttributeDefinitions"].(arr), obj{"AttributeName": "pk", "AttributeType": "N"})
		}, "AttributeDefinitions[3].AttributeName", `"pk" is defined twice`},
		{"range key is the hash key", func(d obj) {
			d["KeySchema"].(arr)[1].(obj)["AttributeName"] = "pk"
		}, "KeySchema[1].AttributeName", `"pk" is already the hash key`},
		{"on-demand limits on a provisioned table", func(d obj) {
			d["OnDemandThroughput"] = obj{"MaxReadRequestUnits": 10}
		}, "OnDemandThroughput", "only allowed with BillingMode PAY_PER_REQUEST"},
		{"too many local indexes", func(d obj) {
			var ix arr
			for i := range 6 {
				ix = append(ix, lsi(fmt.Sprintf("lsi%d", i), "pk", "gk"))
			}
			d["LocalSecondaryIndexes"] = ix
		}, "LocalSecondaryIndexes", "at most 5 local secondary indexes, got 6"},
		{"local index without range key", func(d obj) {
			d["LocalSecondaryIndexes"] = arr{lsi("byPk", "pk")}
		}, "LocalSecondaryIndexes[0].KeySchema", "a local secondary index needs a range key"},
		{"too many global indexes", func(d obj) {
			ix := d["GlobalSecondaryIndexes"].(arr)
			for len(ix) < 21 {
				ix = append(ix, ix[0])
			}
			d["GlobalSecondaryIndexes"] = ix
		}, "GlobalSecondaryIndexes", "at most 20 global secondary indexes, got 21"},
		{"global index without throughput", func(d obj) {
			delete(gsi(d, 0), "ProvisionedThroughput")
		}, "GlobalSecondaryIndexes[0].ProvisionedThroughput", "required with BillingMode PROVISIONED (the default)"},
		{"global index with on-demand limits", func(d obj) {
			gsi(d, 0)["OnDemandThroughput"] = obj{"MaxReadRequestUnits": 10}
		}, "GlobalSecondaryIndexes[0].OnDemandThroughput", "only allowed with BillingMode PAY_PER_REQUEST"},
		{"index name with a space", func(d obj) {
			gsi(d, 0)["IndexName"] = "by gk"
		}, "GlobalSecondaryIndexes[0].IndexName", `character ' ' not allowed`},
		{"projection without type", func(d obj) {
			gsi(d, 0)["Projection"] = obj{}
		}, "GlobalSecondaryIndexes[0].Projection.ProjectionType", "required field is missing"},
		{"projected attribute listed twice", func(d obj) {
			gsi(d, 0)["Projection"] = obj{"ProjectionType": "INCLUDE", "NonKeyAttributes": arr{"a", "b", "a"}}
		}, "GlobalSecondaryIndexes[0].Projection.NonKeyAttributes[2]", `"a" is listed twice`},
		{"too many projected attributes", func(d obj) {
			first := gsi(d, 0)
			first["Projection"] = obj{"ProjectionType": "INCLUDE", "NonKeyAttributes": attrNames("a", 60)}
			second := obj{}
			for k, v := range first {
				second[k] = v
			}
			second["IndexName"] = "byGk2"
			second["Projection"] = obj{"ProjectionType": "INCLUDE", "NonKeyAttributes": attrNames("b", 41)}
			d["GlobalSecondaryIndexes"] = arr{first, second}
		}, "GlobalSecondaryIndexes[1].Projection.NonKeyAttributes", "more than 100 projected attributes across the table's indexes"},
		{"stream view type on a disabled stream", func(d obj) {
			d["StreamSpecification"] = obj{"StreamEnabled": false, "StreamViewType": "NEW_IMAGE"}
		}, "StreamSpecification.StreamViewType", "only allowed when StreamEnabled is true"},
		{"KMS key without KMS", func(d obj) {
			d["SSESpecification"] = obj{"Enabled": true, "SSEType": "AES256", "KMSMasterKeyId": "alias/k"}
		}, "SSESpecification.KMSMasterKeyId", "only allowed with SSEType KMS"},
		{"too many tags", func(d obj) {
			var tags arr
			for i := range 51 {
				tags = append(tags, obj{"Key": fmt.Sprint("k", i), "Value": ""})
			}
			d["Tags"] = tags
		}, "Tags", "at most 50 tags, got 51"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := composite()
			valid, err := json.Marshal(doc)
			require.NoError(t, err)
			_, err = schema.Parse("good.json", valid)
			require.NoError(t, err, "the table before the edit is valid")

			tc.edit(doc)
			bad, err := json.Marshal(doc)
			require.NoError(t, err)
			se := schemaErr(t, string(bad))
			assert.Equal(t, tc.path, se.Path)
			assert.Contains(t, se.Msg, tc.msg)
		})
	}
}
