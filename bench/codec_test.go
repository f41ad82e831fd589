package bench

import (
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/guregu/dynamo/v2"

	"github.com/dynamodel/dynamodel/codec"
)

// TestImplementationsAgree makes sure every benchmarked implementation
// produces the same item and value, so the comparisons are fair.
func TestImplementationsAgree(t *testing.T) {
	want := EncodeWideByHand(&SampleWide)
	got, err := codec.For[Wide]().Encode(&SampleWide)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("dynamodel encodes differently: %v\n%#v", err, got)
	}
	av, err := attributevalue.MarshalMap(&SampleWide)
	if err != nil || !reflect.DeepEqual(av, want) {
		t.Fatalf("attributevalue encodes differently: %v", err)
	}
	dec, err := codec.For[Wide]().Decode(want)
	hand, herr := DecodeWideByHand(want)
	if err != nil || herr != nil || !reflect.DeepEqual(dec, hand) || !reflect.DeepEqual(dec, SampleWide) {
		t.Fatalf("decoders disagree: %v %v\n%#v\n%#v", err, herr, dec, hand)
	}
	if !codec.For[Wide]().Fast() || !codec.For[User]().Fast() {
		t.Fatal("the benchmark types must use compiled plans")
	}
}

func BenchmarkEncodeUser(b *testing.B) {
	u := SampleUser
	b.Run("impl=handwritten", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sink = EncodeUserByHand(&u)
		}
	})
	b.Run("impl=dynamodel", func(b *testing.B) {
		c := codec.For[User]()
		b.ReportAllocs()
		for b.Loop() {
			var err error
			if sink, err = c.Encode(&u); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=attributevalue", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var err error
			if sink, err = attributevalue.MarshalMap(&u); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=guregu", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var err error
			if sink, err = dynamo.MarshalItem(&u); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// sdkItem copies an item the way the SDK's deserializer hands it over: every
// attribute name a fresh string. (Items built from string literals would let
// hand-written lookups with the same literals win on pointer equality, which
// real items never allow.)
func sdkItem(item map[string]types.AttributeValue) map[string]types.AttributeValue {
	out := make(map[string]types.AttributeValue, len(item))
	for k, v := range item {
		if m, ok := v.(*types.AttributeValueMemberM); ok {
			v = &types.AttributeValueMemberM{Value: sdkItem(m.Value)}
		}
		out[strings.Clone(k)] = v
	}
	return out
}

func BenchmarkDecodeUser(b *testing.B) {
	item := sdkItem(EncodeUserByHand(&SampleUser))
	b.Run("impl=handwritten", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			u, err := DecodeUserByHand(item)
			if err != nil {
				b.Fatal(err)
			}
			userSink = u
		}
	})
	b.Run("impl=dynamodel", func(b *testing.B) {
		c := codec.For[User]()
		b.ReportAllocs()
		for b.Loop() {
			u, err := c.Decode(item)
			if err != nil {
				b.Fatal(err)
			}
			userSink = u
		}
	})
	b.Run("impl=attributevalue", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var u User
			if err := attributevalue.UnmarshalMap(item, &u); err != nil {
				b.Fatal(err)
			}
			userSink = u
		}
	})
	b.Run("impl=guregu", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var u User
			if err := dynamo.UnmarshalItem(item, &u); err != nil {
				b.Fatal(err)
			}
			userSink = u
		}
	})
}

func BenchmarkEncodeWide(b *testing.B) {
	w := SampleWide
	b.Run("impl=handwritten", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sink = EncodeWideByHand(&w)
		}
	})
	b.Run("impl=dynamodel", func(b *testing.B) {
		c := codec.For[Wide]()
		b.ReportAllocs()
		for b.Loop() {
			var err error
			if sink, err = c.Encode(&w); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=attributevalue", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var err error
			if sink, err = attributevalue.MarshalMap(&w); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=guregu", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var err error
			if sink, err = dynamo.MarshalItem(&w); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkDecodeWide(b *testing.B) {
	item := sdkItem(EncodeWideByHand(&SampleWide))
	b.Run("impl=handwritten", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			w, err := DecodeWideByHand(item)
			if err != nil {
				b.Fatal(err)
			}
			wideSink = w
		}
	})
	b.Run("impl=dynamodel", func(b *testing.B) {
		c := codec.For[Wide]()
		b.ReportAllocs()
		for b.Loop() {
			w, err := c.Decode(item)
			if err != nil {
				b.Fatal(err)
			}
			wideSink = w
		}
	})
	b.Run("impl=attributevalue", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var w Wide
			if err := attributevalue.UnmarshalMap(item, &w); err != nil {
				b.Fatal(err)
			}
			wideSink = w
		}
	})
	b.Run("impl=guregu", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var w Wide
			if err := dynamo.UnmarshalItem(item, &w); err != nil {
				b.Fatal(err)
			}
			wideSink = w
		}
	})
}

// Results go to package variables, so they escape as they do in real use
// (an item is handed to the SDK; a value is returned to the caller).
var (
	sink     map[string]types.AttributeValue
	userSink User
	wideSink Wide
)
