package dynamodel_test

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/dynamotest"
)

// storedShopOrder is order c1/1 as a GetItem finds it.
func storedShopOrder() map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		"PK": s("CUSTOMER#c1"), "SK": s("ORDER#000001"),
		"customer": s("c1"), "number": n("1"), "status": s("open"),
		"placed": s("2026-03-01T13:00:00.000000000Z"), "total": n("10"), "version": n("1"),
	}
}

// With ReadIndexFields, an update that lacks index fields a read would
// give is still refused for bad input before any call, with the error it
// gets when nothing is read: a value an index key cannot hold, a bad
// value, path, condition or return choice, a value over the size limit.
func TestUpdateReadIndexFieldsChecksBeforeRead(t *testing.T) {
	readFields := func(o *dynamodel.UpdateOptions) { o.ReadIndexFields = true }
	year10000 := time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	for name, tc := range map[string]struct {
		upd      dynamodel.Update
		opt      func(*dynamodel.UpdateOptions)
		want     error
		keyAttr  string // for a *KeyFieldError: the key and field it names
		keyField string
	}{
		"separator":            {upd: dynamodel.Set("status", "a#b"), want: dynamodel.ErrInvalidKey, keyAttr: "GSI1PK", keyField: "status"},
		"separator if absent":  {upd: dynamodel.Update{}.SetIfMissing("status", "a#b"), want: dynamodel.ErrInvalidKey, keyAttr: "GSI1PK", keyField: "status"},
		"separator, 2nd index": {upd: dynamodel.Set("status", "s").Set("flag", "x#y"), want: dynamodel.ErrInvalidKey, keyAttr: "GSI2PK", keyField: "flag"},
		"year 10000":           {upd: dynamodel.Set("placed", year10000), want: dynamodel.ErrInvalidKey, keyAttr: "GSI1SK", keyField: "placed"},
		"nan in key":           {upd: dynamodel.Set("total", math.NaN()), want: dynamodel.ErrInvalidKey, keyAttr: "GSI2SK", keyField: "total"},
		"nan":                  {upd: dynamodel.Set("status", "s").Set("note", math.NaN()), want: dynamodel.ErrInvalidUpdate},
		"bad path":             {upd: dynamodel.Set("status", "s").Set("a..b", 1), want: dynamodel.ErrInvalidUpdate},
		"bad condition":        {upd: dynamodel.Set("status", "s"), opt: func(o *dynamodel.UpdateOptions) { o.Condition = dynamodel.Equal("", 1) }, want: dynamodel.ErrInvalidCondition},
		"too large":            {upd: dynamodel.Set("status", "s").Set("note", strings.Repeat("x", 500_000)), want: dynamodel.ErrInvalidUpdate},
		"bad return":           {upd: dynamodel.Set("status", "s"), opt: func(o *dynamodel.UpdateOptions) { o.Return = dynamodel.ReturnValue(99) }, want: dynamodel.ErrInvalidUpdate},
	} {
		t.Run(name, func(t *testing.T) {
			st := newStub(t)
			st.get = func(*dynamodb.GetItemInput) (*dynamodb.GetItemOutput, error) {
				return &dynamodb.GetItemOutput{Item: storedShopOrder()}, nil
			}
			sh := newShop(t, st, "single-table")
			opts := []func(*dynamodel.UpdateOptions){readFields}
			if tc.opt != nil {
				opts = append(opts, tc.opt)
			}
			for _, upsert := range []bool{false, true} {
				opts := append(opts, func(o *dynamodel.UpdateOptions) { o.Upsert = upsert })
				_, err := sh.orders.Update(ctxT(t), sh.orders.Key("c1", 1), tc.upd, opts...)
				require.ErrorIs(t, err, tc.want, "upsert %v", upsert)
				var ife *dynamodel.IndexFieldsError
				assert.False(t, errors.As(err, &ife), "upsert %v: %v", upsert, err)
				if tc.keyAttr != "" {
					var kfe *dynamodel.KeyFieldError
					require.True(t, errors.As(err, &kfe), "upsert %v: want a *KeyFieldError, got %v", upsert, err)
					assert.Equal(t, tc.keyAttr, kfe.Attribute)
					assert.Equal(t, tc.keyField, kfe.Field)
				}
				assert.Empty(t, st.Calls(), "upsert %v: bad input must be refused before any call", upsert)
			}
		})
	}
}

// The checks made before a read leave a good update as it was: it reads
// once and sends the update, with the index keys from the fields read.
func TestUpdateReadIndexFieldsGoodInputReads(t *testing.T) {
	st := newStub(t)
	st.get = func(*dynamodb.GetItemInput) (*dynamodb.GetItemOutput, error) {
		return &dynamodb.GetItemOutput{Item: storedShopOrder()}, nil
	}
	var sent *dynamodb.UpdateItemInput
	st.update = func(in *dynamodb.UpdateItemInput) (*dynamodb.UpdateItemOutput, error) {
		sent = in
		return &dynamodb.UpdateItemOutput{}, nil
	}
	sh := newShop(t, st, "single-table")
	_, err := sh.orders.Update(ctxT(t), sh.orders.Key("c1", 1), dynamodel.Set("status", "shipped"),
		func(o *dynamodel.UpdateOptions) { o.ReadIndexFields = true })
	require.NoError(t, err)
	assert.Equal(t, []string{"GetItem", "UpdateItem"}, st.Calls())
	require.NotNil(t, sent)
	values := map[string]string{}
	for _, v := range sent.ExpressionAttributeValues {
		if sv, ok := v.(*types.AttributeValueMemberS); ok {
			values[sv.Value] = ""
		}
	}
	assert.Contains(t, values, "STATUS#shipped")
	assert.Contains(t, values, "2026-03-01T13:00:00.000000000Z#c1#000001")
}

// namedThing has an index whose sort key is made from a string field.
type namedThing struct {
	ID   string `dynamodbav:"id"`
	Name string `dynamodbav:"name"`
}

// An update refuses, before any call, an index key it renders over
// DynamoDB's length limit for a key value (2,048 bytes for a partition
// key, 1,024 for a sort key) with the *InvalidKeyError a table key over
// it gets, and sends one at the limit.
func TestUpdateIndexKeyTooLong(t *testing.T) {
	st := newStub(t)
	sh := newShop(t, st, "single-table")
	tbl, err := dynamodel.NewTable(st, "single-table", func(o *dynamodel.TableOptions) {
		o.Indexes = []dynamodel.Index{{Name: "GSI1", PartitionKey: "GSI1PK", SortKey: "GSI1SK"}}
	})
	require.NoError(t, err)
	things, err := dynamodel.NewEntity[namedThing](tbl, "Thing", dynamodel.Keys("THING#{id}", "T"), dynamodel.IndexKeys("GSI1", "THINGS", "N#{name}"))
	require.NoError(t, err)
	ctx := ctxT(t)
	over := map[string]func(opts ...func(*dynamodel.UpdateOptions)) error{
		"GSI1PK": func(opts ...func(*dynamodel.UpdateOptions)) error {
			_, err := sh.customers.Update(ctx, sh.customers.Key("c1"), dynamodel.Set("email", strings.Repeat("e", 2048-len("EMAIL#")+1)), opts...)
			return err
		},
		"GSI1SK": func(opts ...func(*dynamodel.UpdateOptions)) error {
			_, err := things.Update(ctx, things.Key("t1"), dynamodel.Set("name", strings.Repeat("n", 1024-len("N#")+1)), opts...)
			return err
		},
	}
	upsert := func(o *dynamodel.UpdateOptions) { o.Upsert = true }
	for attr, update := range over {
		for _, err := range []error{update(), update(upsert)} {
			require.ErrorIs(t, err, dynamodel.ErrInvalidKey, attr)
			var ike *dynamodel.InvalidKeyError
			require.True(t, errors.As(err, &ike), "%s: want an *InvalidKeyError, got %v", attr, err)
			assert.Equal(t, attr, ike.Attribute)
		}
	}
	assert.Empty(t, st.Calls(), "an index key over the limit must be refused before any call")

	st.update = func(*dynamodb.UpdateItemInput) (*dynamodb.UpdateItemOutput, error) {
		return &dynamodb.UpdateItemOutput{}, nil
	}
	_, err = sh.customers.Update(ctx, sh.customers.Key("c1"), dynamodel.Set("email", strings.Repeat("e", 2048-len("EMAIL#"))))
	require.NoError(t, err, "a partition key at the limit")
	_, err = things.Update(ctx, things.Key("t1"), dynamodel.Set("name", strings.Repeat("n", 1024-len("N#"))))
	require.NoError(t, err, "a sort key at the limit")
	assert.Equal(t, []string{"UpdateItem", "UpdateItem"}, st.Calls())
}

// After an entity's update, the index keys stored are those a Put of the
// item as read back renders: a number field the item lacks (never set,
// removed, or set to NULL) is 0, as decoding gives it, and its index key
// is written; a string or pointer field it lacks leaves its index out.
func TestUpdateIndexKeysAsPutRendersThem(t *testing.T) {
	shopEngine(t, func(t *testing.T, db *dynamotest.DB, sh shop) {
		ctx := ctxT(t)
		flag := "f"
		o := order("c1", 1, "open", 3)
		o.Flag = &flag
		_, err := sh.orders.Create(ctx, o)
		require.NoError(t, err)
		read := func(o *dynamodel.UpdateOptions) { o.ReadIndexFields = true }
		upsert := func(o *dynamodel.UpdateOptions) { o.ReadIndexFields, o.Upsert = true, true }
		for _, step := range []struct {
			name    string
			key     dynamodel.EntityKey
			upd     dynamodel.Update
			opt     func(*dynamodel.UpdateOptions)
			indexed bool // whether the item is in GSI2 afterwards
		}{
			{"upsert new, no total", sh.orders.Key("c9", 9), dynamodel.Set("status", "new").Set("flag", "z"), upsert, true},
			{"upsert new, no flag", sh.orders.Key("c8", 8), dynamodel.Set("status", "new"), upsert, false},
			{"upsert existing, no total", sh.orders.Key("c9", 9), dynamodel.Set("flag", "y"), upsert, true},
			{"remove total", sh.orders.Key("c1", 1), dynamodel.Remove("total"), read, true},
			{"set total", sh.orders.Key("c1", 1), dynamodel.Set("total", 5.5), read, true},
			{"total to NULL", sh.orders.Key("c1", 1), dynamodel.Set("total", nil), read, true},
			{"remove flag", sh.orders.Key("c1", 1), dynamodel.Remove("flag"), read, false},
			{"flag back", sh.orders.Key("c1", 1), dynamodel.Set("flag", "g"), read, true},
		} {
			_, err := sh.orders.Update(ctx, step.key, step.upd, step.opt)
			require.NoError(t, err, step.name)
			back, err := sh.orders.Get(ctx, step.key, dynamodel.ConsistentRead)
			require.NoError(t, err, step.name)
			want, err := sh.orders.Encode(back)
			require.NoError(t, err, step.name)
			stored := rawShopItem(t, db, want["PK"].(*types.AttributeValueMemberS).Value, want["SK"].(*types.AttributeValueMemberS).Value)
			for _, a := range []string{"GSI1PK", "GSI1SK", "GSI2PK", "GSI2SK"} {
				assert.Equal(t, want[a], stored[a], "%s: %s stored is not what a Put of the item renders", step.name, a)
			}
			assert.Equal(t, step.indexed, stored["GSI2SK"] != nil, "%s: in GSI2", step.name)
		}
	})
}

// A value no index key can hold is refused, before any call, even when
// another field the update changes leaves the index empty, as a Put
// refuses it: the item could not be put back as it is stored.
func TestUpdateRefusesBadIndexValueBesideEmptyField(t *testing.T) {
	year10000 := time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	for name, upd := range map[string]dynamodel.Update{
		"separator, empty after":  dynamodel.Set("status", "a#b").Set("placed", time.Time{}),
		"year 10000, empty first": dynamodel.Set("status", "").Set("placed", year10000),
		"nan, flag removed":       dynamodel.Set("total", math.NaN()).Remove("flag"),
	} {
		st := newStub(t)
		sh := newShop(t, st, "single-table")
		for _, read := range []bool{false, true} {
			_, err := sh.orders.Update(ctxT(t), sh.orders.Key("c1", 1), upd, func(o *dynamodel.UpdateOptions) { o.ReadIndexFields = read })
			var kfe *dynamodel.KeyFieldError
			assert.True(t, errors.As(err, &kfe), "%s (read %v): want a *KeyFieldError, got %v", name, read, err)
		}
		assert.Empty(t, st.Calls(), name)
	}
}
