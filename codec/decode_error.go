package codec

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// DecodeError is an item that cannot be decoded, with where in it the value
// to blame is. Its Err is attributevalue's error for that value, so
// errors.As still finds attributevalue's error types through it.
//
//	orders[3].total: unmarshal failed, cannot unmarshal string into Go value type int
type DecodeError struct {
	// Path is the value's document path in the item: attribute and map
	// key names joined by dots, list and set positions in brackets.
	Path string
	// Err is attributevalue's error for the value at Path.
	Err error
}

// Error returns the path and the error.
func (e *DecodeError) Error() string { return e.Path + ": " + e.Err.Error() }

// Unwrap returns attributevalue's error.
func (e *DecodeError) Unwrap() error { return e.Err }

// locate explains err, attributevalue's error decoding item into a T: it
// looks for the first value of the item, in attribute name and list
// position order, that fails to decode on its own (in an item holding only
// the branch down to it), going as deep as the failure goes. It returns a
// *DecodeError for that value, or err itself when no single value is to
// blame. It runs only after a failure, so it may be slow.
func locate[T any](item map[string]types.AttributeValue, err error) error {
	decode := func(m map[string]types.AttributeValue) (err error) {
		defer func() {
			if recover() != nil {
				err = nil // attributevalue panics on some values: not a finding
			}
		}()
		var v T
		return attributevalue.UnmarshalMap(m, &v)
	}
	var (
		path  strings.Builder
		cur   types.AttributeValue = &types.AttributeValueMemberM{Value: item}
		found error
		// branch rebuilds the item around a value at the current path.
		branch = func(av types.AttributeValue) map[string]types.AttributeValue {
			return av.(*types.AttributeValueMemberM).Value
		}
	)
	for {
		next := false
		for _, c := range children(cur) {
			outer := branch
			try := func(av types.AttributeValue) map[string]types.AttributeValue { return outer(c.wrap(av)) }
			if e := decode(try(c.av)); e != nil {
				if c.index < 0 {
					if path.Len() > 0 {
						path.WriteByte('.')
					}
					path.WriteString(c.name)
				} else {
					path.WriteString("[" + strconv.Itoa(c.index) + "]")
				}
				cur, found, branch, next = c.av, e, try, true
				break
			}
		}
		if !next {
			break
		}
	}
	if found == nil {
		return err
	}
	return &DecodeError{Path: path.String(), Err: found}
}

// child is one value inside a map, list or set: its name (a map key) or
// index (-1 for a map key), and how to wrap a value in a container of the
// same kind holding it alone, at the same place.
type child struct {
	name  string
	index int
	av    types.AttributeValue
	wrap  func(types.AttributeValue) types.AttributeValue
}

// children lists the values inside av, map keys in order.
func children(av types.AttributeValue) []child {
	var out []child
	switch v := av.(type) {
	case *types.AttributeValueMemberM:
		for _, k := range slices.Sorted(maps.Keys(v.Value)) {
			out = append(out, child{name: k, index: -1, av: v.Value[k], wrap: func(av types.AttributeValue) types.AttributeValue {
				return &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{k: av}}
			}})
		}
	case *types.AttributeValueMemberL:
		for i, e := range v.Value {
			out = append(out, child{index: i, av: e, wrap: func(av types.AttributeValue) types.AttributeValue {
				// NULLs before it keep its position (an array may be shorter).
				l := make([]types.AttributeValue, i+1)
				for j := range i {
					l[j] = &types.AttributeValueMemberNULL{Value: true}
				}
				l[i] = av
				return &types.AttributeValueMemberL{Value: l}
			}})
		}
	case *types.AttributeValueMemberSS:
		for i, s := range v.Value {
			out = append(out, child{index: i, av: &types.AttributeValueMemberS{Value: s}, wrap: func(av types.AttributeValue) types.AttributeValue {
				return &types.AttributeValueMemberSS{Value: []string{av.(*types.AttributeValueMemberS).Value}}
			}})
		}
	case *types.AttributeValueMemberNS:
		for i, n := range v.Value {
			out = append(out, child{index: i, av: &types.AttributeValueMemberN{Value: n}, wrap: func(av types.AttributeValue) types.AttributeValue {
				return &types.AttributeValueMemberNS{Value: []string{av.(*types.AttributeValueMemberN).Value}}
			}})
		}
	case *types.AttributeValueMemberBS:
		for i, b := range v.Value {
			out = append(out, child{index: i, av: &types.AttributeValueMemberB{Value: b}, wrap: func(av types.AttributeValue) types.AttributeValue {
				return &types.AttributeValueMemberBS{Value: [][]byte{av.(*types.AttributeValueMemberB).Value}}
			}})
		}
	}
	return out
}
