package codec

import (
	"fmt"
	"reflect"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
)

// blameField names the field of struct v that fails to encode on its own,
// err being attributevalue's error of encoding v whole (which names no
// field): "field Labels (attribute "labels"): ..." wrapping err's cause.
// It returns err as it is when v is no struct or no one field fails alone.
// It runs only once encoding has failed.
func blameField(v reflect.Value, err error) error {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return err
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return err
	}
	for _, f := range Fields(v.Type()) {
		fv, ferr := v.FieldByIndexErr(f.Index)
		if ferr != nil || !fv.CanInterface() {
			continue
		}
		one := reflect.New(reflect.StructOf([]reflect.StructField{{Name: "V", Type: fv.Type(), Tag: f.StructTag}})).Elem()
		one.Field(0).Set(fv)
		if _, ferr := attributevalue.MarshalMap(one.Interface()); ferr != nil {
			return fmt.Errorf("field %s (attribute %q): %w", f.GoName, f.Name, ferr)
		}
	}
	return err
}
