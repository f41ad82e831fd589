package bulk

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodel/dynamodel"
	"github.com/dynamodel/dynamodel/codec"
)

// maxExpression is DynamoDB's limit on the length of one expression.
const maxExpression = 4096

// apply decodes an item, runs the function on it and sends what it asks
// for. A failed condition comes back as the SDK's error; problems with the
// item as *itemError.
func (b *backfill[T]) apply(ctx context.Context, raw map[string]types.AttributeValue, c *Counts) (Action, error) {
	old, err := codec.For[T]().Decode(raw)
	if err != nil {
		return Keep, &itemError{fmt.Errorf("%w: decode: %v", dynamodel.ErrInvalidItem, err)}
	}
	item, action, err := b.fn(old)
	if err != nil {
		return action, &itemError{fmt.Errorf("the function failed: %w", err)}
	}
	switch action {
	case Keep:
		return Keep, nil
	case Rewrite:
		in, size, err := b.rewriteInput(raw, old, item)
		if err != nil {
			return action, &itemError{err}
		}
		return action, b.write(ctx, writeUnits(max(size, itemBytes(raw))), c, func() (*types.ConsumedCapacity, error) {
			out, err := b.client.UpdateItem(ctx, in, b.opts.ClientOptions...)
			if err != nil {
				return nil, err
			}
			return out.ConsumedCapacity, nil
		})
	case Delete:
		in, err := b.deleteInput(raw)
		if err != nil {
			return action, &itemError{err}
		}
		return action, b.write(ctx, writeUnits(itemBytes(raw)), c, func() (*types.ConsumedCapacity, error) {
			out, err := b.client.DeleteItem(ctx, in, b.opts.ClientOptions...)
			if err != nil {
				return nil, err
			}
			return out.ConsumedCapacity, nil
		})
	}
	return action, &itemError{fmt.Errorf("the function returned unknown %v", action)}
}

// rewriteInput renders a rewrite as an update: the model's attributes the
// function changed are set or removed, the run's marker set, and the
// repository adds the version increment and the timestamps. It is
// conditional on the version (or, unversioned, every attribute) read and
// on the item not carrying the marker. size estimates the item's size
// afterwards.
func (b *backfill[T]) rewriteInput(raw map[string]types.AttributeValue, old, item T) (*dynamodb.UpdateItemInput, int, error) {
	c := codec.For[T]()
	before, err := c.Encode(&old)
	if err != nil {
		return nil, 0, fmt.Errorf("%w: encode: %v", dynamodel.ErrInvalidItem, err)
	}
	after, err := c.Encode(&item)
	if err != nil {
		return nil, 0, fmt.Errorf("%w: encode: %v", dynamodel.ErrInvalidItem, err)
	}
	var upd dynamodel.Update
	for _, a := range b.attrs {
		was, had := before[a.Name]
		now, has := after[a.Name]
		same := had == has && (!had || reflect.DeepEqual(was, now))
		switch {
		case same:
		case a.Role == dynamodel.RoleHash || a.Role == dynamodel.RoleRange:
			return nil, 0, fmt.Errorf("the function changed key attribute %q: a backfill rewrites items in place", a.Name)
		case a.Role == dynamodel.RoleVersion:
			return nil, 0, fmt.Errorf("the function changed the version %q, which dynamodel maintains", a.Name)
		case has:
			upd = upd.Set(dynamodel.Name(a.Name), now)
		default:
			upd = upd.Remove(dynamodel.Name(a.Name))
		}
	}
	upd = upd.Set(dynamodel.Name(b.opts.Marker), b.marker)
	// The condition is that the item is as it was read: its version, or,
	// unversioned, every attribute. A rewrite by this run changes the
	// version (or the marker), so it also makes the write idempotent.
	var cond dynamodel.Condition
	version := int64(0)
	if b.version != "" {
		if version = rawVersion(raw, b.version); version == 0 {
			cond = noVersion(raw, b.version)
		}
	} else {
		cond = dynamodel.And(b.unchanged(raw)...)
	}
	in, err := b.repo.UpdateItemInput(old, upd, func(o *dynamodel.UpdateOptions) {
		o.Return = dynamodel.ReturnNone
		o.Version = version
		o.Condition = cond
	})
	if err != nil {
		if b.version == "" && errors.Is(err, dynamodel.ErrInvalidCondition) {
			// Every attribute's value, names quoted: only its length can be
			// wrong with it.
			err = fmt.Errorf("%w: %w", ErrConditionTooLong, err)
		}
		return nil, 0, err
	}
	if err := checkLength(in.ConditionExpression, in.UpdateExpression); err != nil {
		return nil, 0, err
	}
	in.ReturnConsumedCapacity = types.ReturnConsumedCapacityTotal
	merged := maps.Clone(raw)
	maps.Copy(merged, after)
	merged[b.opts.Marker] = sv(b.marker)
	return in, itemBytes(merged), nil
}

// unchanged returns, for an unversioned model, the conditions that every
// attribute read still has the value it was read with, and that the marker
// is still missing when it was.
func (b *backfill[T]) unchanged(raw map[string]types.AttributeValue) []dynamodel.Condition {
	names := slices.Sorted(maps.Keys(raw))
	conds := make([]dynamodel.Condition, 0, len(names)+1)
	for _, n := range names {
		conds = append(conds, dynamodel.Equal(dynamodel.Name(n), raw[n]))
	}
	if _, ok := raw[b.opts.Marker]; !ok {
		conds = append(conds, dynamodel.NotExists(dynamodel.Name(b.opts.Marker)))
	}
	return conds
}

// noVersion is the condition that an item read without a version (none
// stored, or 0) still has none.
func noVersion(raw map[string]types.AttributeValue, attr string) dynamodel.Condition {
	if _, ok := raw[attr]; ok {
		return dynamodel.Equal(dynamodel.Name(attr), 0)
	}
	return dynamodel.NotExists(dynamodel.Name(attr))
}

// deleteInput renders a delete conditional on the version read (or,
// unversioned, every attribute).
func (b *backfill[T]) deleteInput(raw map[string]types.AttributeValue) (*dynamodb.DeleteItemInput, error) {
	in := &dynamodb.DeleteItemInput{
		TableName:                           aws.String(b.repo.Table()),
		Key:                                 make(map[string]types.AttributeValue, len(b.keys)),
		ExpressionAttributeNames:            map[string]string{},
		ExpressionAttributeValues:           map[string]types.AttributeValue{},
		ReturnConsumedCapacity:              types.ReturnConsumedCapacityTotal,
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	}
	for _, k := range b.keys {
		in.Key[k.name] = raw[k.name]
	}
	var conds []string
	name := func(n string) string {
		p := "#a" + strconv.Itoa(len(in.ExpressionAttributeNames))
		in.ExpressionAttributeNames[p] = n
		return p
	}
	value := func(v types.AttributeValue) string {
		p := ":a" + strconv.Itoa(len(in.ExpressionAttributeValues))
		in.ExpressionAttributeValues[p] = v
		return p
	}
	switch _, stored := raw[b.version]; {
	case b.version == "":
		for _, n := range slices.Sorted(maps.Keys(raw)) {
			conds = append(conds, name(n)+" = "+value(raw[n]))
		}
		if _, ok := raw[b.opts.Marker]; !ok {
			conds = append(conds, "attribute_not_exists("+name(b.opts.Marker)+")")
		}
	case stored:
		conds = append(conds, name(b.version)+" = "+value(nv(rawVersion(raw, b.version))))
	default:
		conds = append(conds, "attribute_not_exists("+name(b.version)+")")
	}
	cond := strings.Join(conds, " AND ")
	in.ConditionExpression = &cond
	if err := checkLength(in.ConditionExpression); err != nil {
		return nil, err
	}
	return in, nil
}

// checkLength reports an expression over DynamoDB's limit.
func checkLength(exprs ...*string) error {
	for _, e := range exprs {
		if n := len(aws.ToString(e)); n > maxExpression {
			return fmt.Errorf("%w: an expression of %d bytes", ErrConditionTooLong, n)
		}
	}
	return nil
}

// rawVersion returns the version an item was read with; 0 when it has
// none.
func rawVersion(raw map[string]types.AttributeValue, attr string) int64 {
	n, ok := raw[attr].(*types.AttributeValueMemberN)
	if !ok {
		return 0
	}
	v, _ := strconv.ParseInt(n.Value, 10, 64)
	return v
}
