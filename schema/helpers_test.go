package schema_test

import (
	"context"
	"testing"
	"time"

	"github.com/dynamodel/dynamodel/schema"
)

// validTable is the smallest table file there is.
const validTable = `{
  "TableName": "Things",
  "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
  "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
  "BillingMode": "PAY_PER_REQUEST"
}`

func prefixed(p string) func(*schema.Options) {
	return func(o *schema.Options) { o.TablePrefix = p }
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}
