// Command rawscan exports a table the way a program written against the
// raw SDK does: a Scan paginator, each item turned into the JSON form of
// DynamoDB's API by hand and written with encoding/json, one line of
// DynamoDB JSON ({"Item":{...}}) per item. It is the baseline of the
// export benchmark (BenchmarkExportCPU).
//
//	rawscan ENDPOINT TABLE > items.json
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: rawscan ENDPOINT TABLE")
		os.Exit(2)
	}
	client := dynamodb.New(dynamodb.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(os.Args[1]),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "local", SecretAccessKey: "local"}, nil
		}),
	})
	out := bufio.NewWriterSize(os.Stdout, 256<<10)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	p := dynamodb.NewScanPaginator(client, &dynamodb.ScanInput{TableName: aws.String(os.Args[2])})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		for _, item := range page.Items {
			if err := enc.Encode(map[string]any{"Item": toJSON(item)}); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
		}
	}
	if err := out.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// toJSON turns an item into the values encoding/json writes as DynamoDB
// JSON: {"S": "..."}, {"N": "..."}, {"B": base64}... ([]byte marshals as
// base64, as DynamoDB JSON wants it).
func toJSON(item map[string]types.AttributeValue) map[string]any {
	m := make(map[string]any, len(item))
	for k, v := range item {
		m[k] = value(v)
	}
	return m
}

func value(av types.AttributeValue) map[string]any {
	switch v := av.(type) {
	case *types.AttributeValueMemberS:
		return map[string]any{"S": v.Value}
	case *types.AttributeValueMemberN:
		return map[string]any{"N": v.Value}
	case *types.AttributeValueMemberB:
		return map[string]any{"B": v.Value}
	case *types.AttributeValueMemberBOOL:
		return map[string]any{"BOOL": v.Value}
	case *types.AttributeValueMemberNULL:
		return map[string]any{"NULL": v.Value}
	case *types.AttributeValueMemberSS:
		return map[string]any{"SS": v.Value}
	case *types.AttributeValueMemberNS:
		return map[string]any{"NS": v.Value}
	case *types.AttributeValueMemberBS:
		return map[string]any{"BS": v.Value}
	case *types.AttributeValueMemberL:
		l := make([]any, len(v.Value))
		for i, e := range v.Value {
			l[i] = value(e)
		}
		return map[string]any{"L": l}
	case *types.AttributeValueMemberM:
		return map[string]any{"M": toJSON(v.Value)}
	}
	panic(fmt.Sprintf("unknown attribute value %T", av))
}
