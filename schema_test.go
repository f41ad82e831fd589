package dynamodel_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/schema"
)

func TestModelCheckSchema(t *testing.T) {
	user, err := schema.Load("testdata/create-user.json")
	require.NoError(t, err)
	orders, err := schema.Load("testdata/tables/orders.json")
	require.NoError(t, err)
	readings, err := schema.Load("testdata/tables/readings.json")
	require.NoError(t, err)

	users, err := dynamodel.NewUserRepository(newStub(t))
	require.NoError(t, err)
	require.NoError(t, users.CheckSchema(user))
	ordersRepo, err := dynamodel.NewRepository[Order](newStub(t), "Orders")
	require.NoError(t, err)
	require.NoError(t, ordersRepo.CheckSchema(orders))
	readingsRepo, err := dynamodel.NewRepository[Reading](newStub(t), "Readings")
	require.NoError(t, err)
	require.NoError(t, readingsRepo.CheckSchema(readings))

	err = users.CheckSchema(orders)
	require.ErrorIs(t, err, schema.ErrMismatch)
	assert.Contains(t, err.Error(), `hash key: the model has "email" (field Email), table Orders has "customer"`)
	assert.Contains(t, err.Error(), `table Orders has range key "id", which the model lacks`)

	err = ordersRepo.CheckSchema(readings)
	require.ErrorIs(t, err, schema.ErrMismatch)
	assert.Contains(t, err.Error(), `hash key: the model has "customer"`)

	// Same names, wrong types.
	type wrongTypes struct {
		Customer int    `dynamodbav:"customer" dynamodel:"hash"`
		ID       string `dynamodbav:"id" dynamodel:"range"`
		Total    string `dynamodbav:"total"`
		Status   bool   `dynamodbav:"status"`
	}
	m, err := dynamodel.ModelOf[wrongTypes]()
	require.NoError(t, err)
	err = m.CheckSchema(orders)
	require.ErrorIs(t, err, schema.ErrMismatch)
	assert.Contains(t, err.Error(), `hash key "customer": the model stores N (field Customer is int), table Orders defines S`)
	assert.Contains(t, err.Error(), `index key "total": the model stores S (field Total is string), table Orders defines N`)
	assert.Contains(t, err.Error(), `index key "status": field Status cannot be an index key`)
}

// TestCheckSchemaAgainstTemplate: a model is checked against the table of a
// CloudFormation template as against its file.
func TestCheckSchemaAgainstTemplate(t *testing.T) {
	orders, err := schema.Load("testdata/tables/orders.json")
	require.NoError(t, err)
	tpl, err := schema.CloudFormation([]*schema.Table{orders})
	require.NoError(t, err)
	out, err := tpl.YAML()
	require.NoError(t, err)
	fromTemplate, err := schema.Parse("template.yaml", out)
	require.NoError(t, err)
	ordersRepo, err := dynamodel.NewRepository[Order](newStub(t), "Orders")
	require.NoError(t, err)
	require.NoError(t, ordersRepo.CheckSchema(fromTemplate))

	sam, err := schema.Parse("template.yaml", []byte(`Transform: AWS::Serverless-2016-10-31
Resources:
  User:
    Type: AWS::Serverless::SimpleTable
    Properties:
      PrimaryKey: {Name: id, Type: String}
      Tags: {stack: !Ref AWS::StackName}
`))
	require.NoError(t, err)
	users, err := dynamodel.NewUserRepository(newStub(t))
	require.NoError(t, err)
	err = users.CheckSchema(sam)
	require.ErrorIs(t, err, schema.ErrMismatch)
	assert.Contains(t, err.Error(), `hash key: the model has "email" (field Email), table User has "id"`)
}
