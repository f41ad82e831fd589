package dynamodel_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel"
)

type Base struct {
	Tenant string `dynamodbav:"tenant" dynamodel:"hash"`
}

type Embedding struct {
	Base
	Name string `dynamodbav:"name" dynamodel:"range"`
}

// UUID marshals itself as a string.
type UUID [16]byte

func (u UUID) MarshalDynamoDBAttributeValue() (types.AttributeValue, error) {
	return &types.AttributeValueMemberS{Value: "uuid"}, nil
}

func TestModelOf(t *testing.T) {
	m, err := dynamodel.ModelOf[Order]()
	require.NoError(t, err)
	assert.Equal(t, reflect.TypeFor[Order](), m.Type())
	assert.Equal(t, "customer", m.HashKey().Name)
	assert.Equal(t, "Customer", m.HashKey().Field)
	assert.Equal(t, types.ScalarAttributeTypeS, m.HashKey().KeyType)
	r, ok := m.RangeKey()
	require.True(t, ok)
	assert.Equal(t, "id", r.Name)
	for role, name := range map[dynamodel.Role]string{
		dynamodel.RoleVersion: "version", dynamodel.RoleCreated: "created",
		dynamodel.RoleUpdated: "updated", dynamodel.RoleTTL: "expires",
	} {
		a, ok := m.WithRole(role)
		require.True(t, ok, role)
		assert.Equal(t, name, a.Name, role)
	}
	assert.Len(t, m.Attributes(), 11)
	tags, ok := m.Attribute("tags")
	require.True(t, ok)
	assert.Equal(t, dynamodel.RoleNone, tags.Role)

	// The same model is returned every time.
	again, err := dynamodel.ModelOf[Order]()
	require.NoError(t, err)
	assert.Same(t, m, again)
}

func TestModelKeyTypes(t *testing.T) {
	type numberKey struct {
		N uint16 `dynamodbav:"n" dynamodel:"hash"`
	}
	type floatKey struct {
		F float64 `dynamodbav:"f" dynamodel:"hash"`
	}
	type stringNumberKey struct {
		N int `dynamodbav:"n,string" dynamodel:"hash"`
	}
	type bytesKey struct {
		B []byte `dynamodbav:"b" dynamodel:"hash"`
	}
	type timeKey struct {
		T time.Time `dynamodbav:"t" dynamodel:"hash"`
	}
	type unixKey struct {
		T time.Time `dynamodbav:"t,unixtime" dynamodel:"hash"`
	}
	type uuidKey struct {
		ID UUID `dynamodbav:"id" dynamodel:"hash"`
	}
	type unixTimeKey struct {
		T attributevalue.UnixTime `dynamodbav:"t" dynamodel:"hash"`
	}
	for _, tc := range []struct {
		model any
		want  types.ScalarAttributeType
	}{
		{numberKey{}, types.ScalarAttributeTypeN},
		{floatKey{}, types.ScalarAttributeTypeN},
		{stringNumberKey{}, types.ScalarAttributeTypeS},
		{bytesKey{}, types.ScalarAttributeTypeB},
		{timeKey{}, types.ScalarAttributeTypeS},
		{unixKey{}, types.ScalarAttributeTypeN},
		{uuidKey{}, types.ScalarAttributeTypeS},
		{unixTimeKey{}, types.ScalarAttributeTypeN},
		{Embedding{}, types.ScalarAttributeTypeS},
	} {
		m, err := modelOfValue(tc.model)
		require.NoError(t, err, "%T", tc.model)
		assert.Equal(t, tc.want, m.HashKey().KeyType, "%T", tc.model)
	}
}

func TestModelPromotedKey(t *testing.T) {
	m, err := dynamodel.ModelOf[Embedding]()
	require.NoError(t, err)
	assert.Equal(t, "tenant", m.HashKey().Name)
	r, _ := m.RangeKey()
	assert.Equal(t, "name", r.Name)
}

func TestModelInvalid(t *testing.T) {
	type noKey struct {
		Name string `dynamodbav:"name"`
	}
	type twoHashes struct {
		A string `dynamodel:"hash"`
		B string `dynamodel:"hash"`
	}
	type boolKey struct {
		B bool `dynamodel:"hash"`
	}
	type mapKey struct {
		M map[string]string `dynamodel:"hash"`
	}
	type structKey struct {
		S struct{ X int } `dynamodel:"hash"`
	}
	type listKey struct {
		L []string `dynamodel:"hash"`
	}
	type typo struct {
		A string `dynamodel:"hsah"`
	}
	type floatVersion struct {
		A string  `dynamodel:"hash"`
		V float64 `dynamodel:"version"`
	}
	type stringTTL struct {
		A string `dynamodel:"hash"`
		E string `dynamodel:"ttl"`
	}
	type intCreated struct {
		A string `dynamodel:"hash"`
		C int64  `dynamodel:"created"`
	}
	type ignoredKey struct {
		A string `dynamodbav:"-" dynamodel:"hash"`
	}
	for _, tc := range []struct {
		model any
		msg   string
	}{
		{noKey{}, "no hash key"},
		{twoHashes{}, `fields A and B both have role "hash"`},
		{boolKey{}, "a key must be a string, number or []byte, not bool"},
		{mapKey{}, "a key must be a string, number or []byte"},
		{structKey{}, "a key must be a string, number or []byte"},
		{listKey{}, "a key must be a string, number or []byte"},
		{typo{}, `unknown role "hsah"`},
		{floatVersion{}, "a version must be an integer type"},
		{stringTTL{}, "a TTL must be a time.Time or an integer"},
		{intCreated{}, "a timestamp must be a time.Time"},
		{ignoredKey{}, "no hash key"},
		{"not a struct", "a model must be a struct type"},
	} {
		_, err := modelOfValue(tc.model)
		require.ErrorIs(t, err, dynamodel.ErrInvalidModel, "%T", tc.model)
		assert.Contains(t, err.Error(), tc.msg, "%T", tc.model)
	}

	// NewRepository reports the same error, before any call.
	_, err := dynamodel.NewRepository[noKey](newStub(t), "Things")
	assert.ErrorIs(t, err, dynamodel.ErrInvalidModel)
}

func TestNewRepositoryChecksTableName(t *testing.T) {
	for _, name := range []string{"", "ab", "has space", "slash/", string(make([]byte, 256))} {
		_, err := dynamodel.NewRepository[Doc](newStub(t), name)
		assert.ErrorIs(t, err, dynamodel.ErrInvalidTable, "%q", name)
	}
	_, err := dynamodel.NewRepository[Doc](nil, "Docs")
	assert.Error(t, err)
	r, err := dynamodel.NewRepository[Doc](newStub(t), "my-table_1.v2")
	require.NoError(t, err)
	assert.Equal(t, "my-table_1.v2", r.Table())
}

// modelOfValue returns the model of v's type.
func modelOfValue(v any) (*dynamodel.Model, error) {
	return dynamodel.ModelOfType(reflect.TypeOf(v))
}
