package bench

import (
	"fmt"
	"strings"
)

// Order is the read path's model: four strings, a decimal, an int and a
// list of two strings, as in issue 13's measurement.
type Order struct {
	Customer string   `dynamodbav:"customer" dynamodel:"hash"`
	ID       string   `dynamodbav:"id" dynamodel:"range"`
	Status   string   `dynamodbav:"status"`
	Address  string   `dynamodbav:"address"`
	Total    float64  `dynamodbav:"total"`
	Quantity int      `dynamodbav:"quantity"`
	Tags     []string `dynamodbav:"tags"`
}

// OrderItemsJSON returns n orders in DynamoDB's JSON, as a Query or Scan
// response's "Items" holds them (about 370 bytes each), starting at order
// first.
func OrderItemsJSON(first, n int) string {
	var b strings.Builder
	b.WriteByte('[')
	for i := first; i < first+n; i++ {
		if i > first {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"customer":{"S":"customer-%06d"},"id":{"S":"order-%010d-2026-11-25T09:30:00Z"},`+
			`"status":{"S":"SHIPPED"},"address":{"S":"%d Long Street, Flat %d, Springfield, Some County, 12345-%04d, United Kingdom of Somewhere"},`+
			`"total":{"N":"%d.%02d"},"quantity":{"N":"%d"},"tags":{"L":[{"S":"priority-customer-%d"},{"S":"warehouse-north-%d"}]}}`,
			i%500, i, i%997, i%31, i%10000, i%1000, i%100, 1+i%9, i%7, i%3)
	}
	b.WriteByte(']')
	return b.String()
}

// OrderPage returns a Query or Scan response body of n orders; more adds a
// LastEvaluatedKey.
func OrderPage(first, n int, more bool) []byte {
	body := fmt.Sprintf(`{"Count":%d,"Items":%s,"ScannedCount":%d`, n, OrderItemsJSON(first, n), n)
	if more {
		body += fmt.Sprintf(`,"LastEvaluatedKey":{"customer":{"S":"customer-%06d"},"id":{"S":"order-%010d-2026-11-25T09:30:00Z"}}`, (first+n-1)%500, first+n-1)
	}
	return []byte(body + "}")
}
