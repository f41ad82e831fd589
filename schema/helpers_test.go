package schema_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

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

// TestMain runs the tests and examples, then deletes the tables the
// examples made.
func TestMain(m *testing.M) {
	code := m.Run()
	if examples.client != nil {
		if err := deleteExampleTables(); err != nil {
			fmt.Fprintln(os.Stderr, "deleting the examples' tables:", err)
		}
	}
	os.Exit(code)
}

func deleteExampleTables() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var names []string
	p := dynamodb.NewListTablesPaginator(examples.client, &dynamodb.ListTablesInput{})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return err
		}
		for _, name := range out.TableNames {
			if strings.HasPrefix(name, examples.prefix) {
				names = append(names, name)
			}
		}
	}
	for _, name := range names {
		if _, err := examples.client.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: &name}); err != nil {
			return err
		}
	}
	return nil
}
