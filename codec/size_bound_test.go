package codec_test

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/codec"
)

// scalars is a struct SizeBound knows: strings, booleans, integers and
// times, some left out when zero, one behind an embedded pointer.
type scalars struct {
	S     string    `dynamodbav:"s"`
	Empty string    `dynamodbav:"empty,omitempty"`
	Null  string    `dynamodbav:"null,nullempty"`
	B     bool      `dynamodbav:"b"`
	I     int64     `dynamodbav:"i"`
	I8    int8      `dynamodbav:"i8,omitempty"`
	U     uint64    `dynamodbav:"u"`
	Text  int       `dynamodbav:"text,string"`
	At    time.Time `dynamodbav:"at"`
	Epoch time.Time `dynamodbav:"epoch,unixtime"`
	*Deeper
}

type Deeper struct { // behind an embedded pointer
	Deep string `dynamodbav:"deep"`
}

// TestSizeBoundIsAtLeastTheSize: for values at the edges of each kind,
// SizeBound is sure, allocates nothing, and is at least the size DynamoDB
// counts for what Encode returns.
func TestSizeBoundIsAtLeastTheSize(t *testing.T) {
	c := codec.For[scalars]()
	far := time.Unix(math.MaxInt64/2, 999999999).In(time.FixedZone("far", -23*3600-59*60))
	for _, v := range []scalars{
		{},
		{S: "x", B: true, I: math.MinInt64, I8: -128, U: math.MaxUint64, Text: math.MinInt, At: far, Epoch: far, Deeper: &Deeper{Deep: "d"}},
		{S: strings.Repeat("s", 1000), Null: "n", At: time.Unix(-1<<62, 1)},
	} {
		bound, ok := c.SizeBound(&v)
		require.True(t, ok)
		item, err := c.Encode(&v)
		require.NoError(t, err)
		assert.LessOrEqual(t, dynamodel.ItemSize(item), bound, "%+v", v)
		if !raceEnabled {
			assert.Zero(t, testing.AllocsPerRun(10, func() { c.SizeBound(&v) }))
		}
	}
}

// TestSizeBoundKnowsOnlyScalars: for a struct with anything else SizeBound
// is never sure, nor for a string that is not UTF-8.
func TestSizeBoundKnowsOnlyScalars(t *testing.T) {
	type withFloat struct{ F float64 }
	type withSlice struct{ L []string }
	type withMap struct{ M map[string]string }
	type withPointer struct{ P *string }
	type withBytes struct{ B []byte }
	notSure := func(ok bool) { t.Helper(); assert.False(t, ok) }
	_, ok := codec.For[withFloat]().SizeBound(&withFloat{})
	notSure(ok)
	_, ok = codec.For[withSlice]().SizeBound(&withSlice{})
	notSure(ok)
	_, ok = codec.For[withMap]().SizeBound(&withMap{})
	notSure(ok)
	_, ok = codec.For[withPointer]().SizeBound(&withPointer{})
	notSure(ok)
	_, ok = codec.For[withBytes]().SizeBound(&withBytes{})
	notSure(ok)
	_, ok = codec.For[selfMarshaled]().SizeBound(&selfMarshaled{})
	notSure(ok)
	_, ok = codec.New[Stamped](codec.SortableTimes("at")).SizeBound(&Stamped{})
	notSure(ok)
	_, ok = codec.For[scalars]().SizeBound(nil)
	notSure(ok)
	_, ok = codec.For[scalars]().SizeBound(&scalars{S: "x\xff"})
	notSure(ok) // DynamoDB takes only UTF-8
}

// selfMarshaled encodes itself.
type selfMarshaled struct{ S string }

func (selfMarshaled) MarshalDynamoDBItem() (map[string]types.AttributeValue, error) {
	return map[string]types.AttributeValue{}, nil
}
