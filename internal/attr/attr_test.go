package attr_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"

	"github.com/dynamodel/dynamodel/internal/attr"
)

func TestValidNumber(t *testing.T) {
	for _, s := range []string{"0", "-1", "+1.5", "1.", ".5", "1e5", "1E-130", "12345678901234567890123456789012345678", "0.000100e3",
		"9.9999999999999999999999999999999999999E+125", "-1e-130", "0.01e-128", "0e999", "0e-999"} {
		assert.True(t, attr.ValidNumber(s), s)
	}
	for _, s := range []string{"", "-", ".", "1..2", "1e", "1e+", "x", " 1", "1 ", "NaN", "Infinity", "0x10",
		"123456789012345678901234567890123456789", "1e126", "-10e125", "1e-131", "0.1e-130", "1e999999999999"} {
		assert.False(t, attr.ValidNumber(s), s)
	}
	n, ok := attr.ParseNumber("-00120.300e7") // 1.203e9
	assert.True(t, ok)
	assert.Equal(t, attr.Number{Digits: 4, Exp: 9}, n)
}

func TestTypeName(t *testing.T) {
	assert.Equal(t, "SS", attr.TypeName(&types.AttributeValueMemberSS{}))
	assert.Equal(t, "M", attr.TypeName(&types.AttributeValueMemberM{}))
	assert.Equal(t, "nothing", attr.TypeName(nil))
	assert.Equal(t, "*types.UnknownUnionMember", attr.TypeName(&types.UnknownUnionMember{}))
}
