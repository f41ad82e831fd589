package dynamodel

import (
	"strconv"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// requestScalars is how many string and how many number attribute values
// a request holds in itself.
const requestScalars = 4

// scalars hands out the string and number attribute values of one request
// from arrays inside the request, so that its key and its first few values
// cost no allocation of their own (they keep the request's allocation
// alive, which holds nothing else large). A nil *scalars, or one used up,
// allocates each value.
type scalars struct {
	s      [requestScalars]types.AttributeValueMemberS
	n      [requestScalars]types.AttributeValueMemberN
	ns, nn uint8
}

// str returns a string attribute value of v.
func (a *scalars) str(v string) types.AttributeValue {
	if a == nil || int(a.ns) == len(a.s) {
		return &types.AttributeValueMemberS{Value: v}
	}
	p := &a.s[a.ns]
	a.ns++
	p.Value = v
	return p
}

// num returns a number attribute value of v, a decimal's text.
func (a *scalars) num(v string) types.AttributeValue {
	if a == nil || int(a.nn) == len(a.n) {
		return &types.AttributeValueMemberN{Value: v}
	}
	p := &a.n[a.nn]
	a.nn++
	p.Value = v
	return p
}

// versionValue returns the number a version is compared with.
func (a *scalars) versionValue(v int64) types.AttributeValue {
	return a.num(strconv.FormatInt(v, 10))
}

// zeroNumber returns the number an increment or decrement starts from when
// the number is missing.
func (a *scalars) zeroNumber() types.AttributeValue { return a.num("0") }
