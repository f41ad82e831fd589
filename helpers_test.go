package dynamodel_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/require"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/dynamotest"
	"github.com/dynamodel/dynamodel/internal/enginetest"
	"github.com/dynamodel/dynamodel/schema"
)

// Order is a test model with a composite key and every role.
type Order struct {
	Customer string    `dynamodbav:"customer" dynamodel:"hash"`
	ID       string    `dynamodbav:"id" dynamodel:"range"`
	Status   string    `dynamodbav:"status,omitempty"`
	Placed   string    `dynamodbav:"placed,omitempty"`
	Total    int       `dynamodbav:"total"`
	Tags     []string  `dynamodbav:"tags,stringset,omitempty"`
	Note     *string   `dynamodbav:"note,omitempty"`
	Version  int64     `dynamodbav:"version" dynamodel:"version"`
	Created  time.Time `dynamodbav:"created" dynamodel:"created"`
	Updated  time.Time `dynamodbav:"updated" dynamodel:"updated"`
	Expires  time.Time `dynamodbav:"expires,omitempty" dynamodel:"ttl"`
}

// Doc is a plain test model with awkward attribute names.
type Doc struct {
	ID     string            `dynamodbav:"id" dynamodel:"hash"`
	Name   string            `dynamodbav:"name"`       // a reserved word
	Status string            `dynamodbav:"status"`     // a reserved word
	Dashed string            `dynamodbav:"first-name"` // not a valid bare name
	Dotted string            `dynamodbav:"a.b"`        // a dot, taken literally
	Count  int               `dynamodbav:"count"`
	Labels map[string]string `dynamodbav:"labels,omitempty"`
	Blob   []byte            `dynamodbav:"blob,omitempty"`
}

// Note is a flat test model of the Docs table: scalars only and no role
// that changes an item as it is stored, so BatchWrite checks its puts
// without encoding them and encodes each as its request is sent.
type Note struct {
	ID    string `dynamodbav:"id" dynamodel:"hash"`
	Count int    `dynamodbav:"count"`
	Text  string `dynamodbav:"text,omitempty"`
	Seen  bool   `dynamodbav:"seen,omitempty"`
}

// Reading has a number hash key and a binary range key.
type Reading struct {
	Sensor int64   `dynamodbav:"sensor" dynamodel:"hash"`
	At     []byte  `dynamodbav:"at" dynamodel:"range"`
	Value  float64 `dynamodbav:"value"`
}

// fixedClock is a clock tests move by hand.
type fixedClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fixedClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fixedClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func newClock() *fixedClock {
	return &fixedClock{now: time.Date(2026, 11, 25, 9, 30, 0, 123456789, time.UTC)}
}

// eachEngine runs fn once per engine with the test tables created: User
// (the seed's file), Orders, Docs and Readings.
func eachEngine(t *testing.T, fn func(t *testing.T, db *dynamotest.DB)) {
	t.Helper()
	user, err := schema.Load("testdata/create-user.json")
	require.NoError(t, err)
	enginetest.Each(t, fn, dynamotest.WithSchemas(user), dynamotest.WithSchemaDir("testdata/tables"))
}

// repo makes a repository for db's copy of table.
func repo[T any](t *testing.T, db *dynamotest.DB, table string, optFns ...func(*dynamodel.Options)) *dynamodel.Repository[T] {
	t.Helper()
	r, err := dynamodel.NewRepository[T](db.Client, db.Table(table), optFns...)
	require.NoError(t, err)
	return r
}

// ctxT is a test's context. Its deadline only guards against a hung engine:
// it is no timing assertion, and under -race on a loaded 2-core machine the
// 10,000-item batch tests have taken 29.5 s against a 30 s bound.
func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// stub is an API whose every call fails the test unless a hook is set: the
// proof that bad input is rejected before any network call.
type stub struct {
	t        *testing.T
	get      func(*dynamodb.GetItemInput) (*dynamodb.GetItemOutput, error)
	put      func(*dynamodb.PutItemInput) (*dynamodb.PutItemOutput, error)
	update   func(*dynamodb.UpdateItemInput) (*dynamodb.UpdateItemOutput, error)
	del      func(*dynamodb.DeleteItemInput) (*dynamodb.DeleteItemOutput, error)
	query    func(*dynamodb.QueryInput) (*dynamodb.QueryOutput, error)
	scan     func(*dynamodb.ScanInput) (*dynamodb.ScanOutput, error)
	batchGet func(*dynamodb.BatchGetItemInput) (*dynamodb.BatchGetItemOutput, error)
	batchPut func(*dynamodb.BatchWriteItemInput) (*dynamodb.BatchWriteItemOutput, error)
	txGet    func(*dynamodb.TransactGetItemsInput) (*dynamodb.TransactGetItemsOutput, error)
	txWrite  func(*dynamodb.TransactWriteItemsInput) (*dynamodb.TransactWriteItemsOutput, error)

	mu    sync.Mutex
	calls []string
}

var _ dynamodel.API = (*stub)(nil)

func newStub(t *testing.T) *stub { return &stub{t: t} }

func call[In, Out any](s *stub, name string, hook func(In) (Out, error), in In) (Out, error) {
	s.mu.Lock()
	s.calls = append(s.calls, name)
	s.mu.Unlock()
	if hook == nil {
		s.t.Errorf("unexpected %s call", name)
		var zero Out
		return zero, fmt.Errorf("stub: unexpected %s", name)
	}
	return hook(in)
}

func (s *stub) Calls() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.calls...)
}

func (s *stub) GetItem(_ context.Context, in *dynamodb.GetItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	return call(s, "GetItem", s.get, in)
}
func (s *stub) PutItem(_ context.Context, in *dynamodb.PutItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	return call(s, "PutItem", s.put, in)
}
func (s *stub) UpdateItem(_ context.Context, in *dynamodb.UpdateItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	return call(s, "UpdateItem", s.update, in)
}
func (s *stub) DeleteItem(_ context.Context, in *dynamodb.DeleteItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error) {
	return call(s, "DeleteItem", s.del, in)
}
func (s *stub) Query(_ context.Context, in *dynamodb.QueryInput, _ ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	return call(s, "Query", s.query, in)
}
func (s *stub) Scan(_ context.Context, in *dynamodb.ScanInput, _ ...func(*dynamodb.Options)) (*dynamodb.ScanOutput, error) {
	return call(s, "Scan", s.scan, in)
}
func (s *stub) BatchGetItem(_ context.Context, in *dynamodb.BatchGetItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error) {
	return call(s, "BatchGetItem", s.batchGet, in)
}
func (s *stub) BatchWriteItem(_ context.Context, in *dynamodb.BatchWriteItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error) {
	return call(s, "BatchWriteItem", s.batchPut, in)
}
func (s *stub) TransactGetItems(_ context.Context, in *dynamodb.TransactGetItemsInput, _ ...func(*dynamodb.Options)) (*dynamodb.TransactGetItemsOutput, error) {
	return call(s, "TransactGetItems", s.txGet, in)
}
func (s *stub) TransactWriteItems(_ context.Context, in *dynamodb.TransactWriteItemsInput, _ ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	return call(s, "TransactWriteItems", s.txWrite, in)
}

// numberValue returns the number an attribute value holds, failing the test
// for any other type.
func numberValue(t *testing.T, av types.AttributeValue) string {
	t.Helper()
	n, ok := av.(*types.AttributeValueMemberN)
	require.True(t, ok, "want a number, got %T", av)
	return n.Value
}
