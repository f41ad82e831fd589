package dynamodel

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// A ReturnValue says which item Update gives back (UpdateOptions.Return):
// the item as stored after the update (the zero value, so the default), as
// it was before, only the attributes the update changed (before or after),
// or nothing.
//
//	old, err := users.Update(ctx, email, upd, func(o *dynamodel.UpdateOptions) { o.Return = dynamodel.ReturnAllOld })
type ReturnValue uint8

const (
	// ReturnAllNew gives back the whole item as stored after the update.
	ReturnAllNew ReturnValue = iota

	// ReturnNone gives back the zero T: DynamoDB sends no item back.
	ReturnNone

	// ReturnAllOld gives back the whole item as it was before the update,
	// or the zero T when the update created it (UpdateOptions.Upsert).
	ReturnAllOld

	// ReturnUpdatedOld gives back a partial T: the attributes the update
	// changed, as they were before it (those it created are missing); every
	// other field, the key's included, is zero.
	ReturnUpdatedOld

	// ReturnUpdatedNew gives back a partial T: the attributes the update
	// changed, as they are after it, with the version and timestamps the
	// model maintains; every other field, the key's included, is zero.
	ReturnUpdatedNew
)

// returnValues are the ReturnValues of UpdateItem, by ReturnValue.
var returnValues = [...]types.ReturnValue{
	ReturnAllNew:     types.ReturnValueAllNew,
	ReturnNone:       types.ReturnValueNone,
	ReturnAllOld:     types.ReturnValueAllOld,
	ReturnUpdatedOld: types.ReturnValueUpdatedOld,
	ReturnUpdatedNew: types.ReturnValueUpdatedNew,
}

// String returns DynamoDB's name for v, such as "ALL_NEW".
func (v ReturnValue) String() string {
	if int(v) < len(returnValues) {
		return string(returnValues[v])
	}
	return fmt.Sprintf("ReturnValue(%d)", uint8(v))
}

// sdk returns v as UpdateItem's ReturnValues, or an error wrapping
// ErrInvalidUpdate for a value that is none of the constants.
func (v ReturnValue) sdk() (types.ReturnValue, error) {
	if int(v) < len(returnValues) {
		return returnValues[v], nil
	}
	return "", fmt.Errorf("%w: Return is %v, not one of ReturnAllNew, ReturnNone, ReturnAllOld, ReturnUpdatedOld, ReturnUpdatedNew", ErrInvalidUpdate, v)
}
