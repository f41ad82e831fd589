package dynamodel

import (
	"context"
	"fmt"
	"iter"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodel/dynamodel/internal/attr"
)

// A KeyCondition selects the items of one partition, and optionally a range
// of sort keys, for Query. On the table, attribute names come from the
// model; on an index, from the repository's schema (Options.Schema) or from
// PartitionAttr and SortAttr.
//
// Values are encoded as the model stores their attribute (a time key in
// codec.SortableTimeLayout unless tagged legacytime; see RoleTagKey), or,
// for an attribute the model lacks, as attributevalue encodes them. A sort
// condition on a time attribute also takes a string, used as it is: a
// prefix such as "2026-01-02" selects that UTC day.
//
//	dynamodel.Partition("c1")                                   // customer = "c1"
//	dynamodel.Partition("c1").SortBeginsWith("2026-")           // and id begins with "2026-"
//	dynamodel.PartitionAttr("status", "paid").SortAttr("placed").SortGreater("2026-11")
type KeyCondition struct {
	hashName  string
	hash      any
	hasHash   bool
	rangeName string
	op        string
	values    []any

	// An entity's condition (Entity.Partition): hash holds the values of
	// the partition template's fields, and sort values are rendered
	// through the sort template (see resolveKeyCondition).
	entity *entityKeys
	index  string
}

// Partition selects the items whose partition (hash) key is value.
func Partition(value any) KeyCondition { return KeyCondition{hash: value, hasHash: true} }

// PartitionAttr selects the items whose partition key attribute name is
// value, for an index the repository has no schema for.
func PartitionAttr(name string, value any) KeyCondition {
	return KeyCondition{hashName: name, hash: value, hasHash: true}
}

// SortAttr names the sort key attribute the Sort conditions apply to, for an
// index the repository has no schema for.
func (k KeyCondition) SortAttr(name string) KeyCondition { k.rangeName = name; return k }

func (k KeyCondition) sort(op string, values ...any) KeyCondition {
	k.op, k.values = op, values
	return k
}

// SortEqual keeps items whose sort key equals v. Like the other sort
// conditions, it takes a value of the sort key's type (a time.Time for a
// time key) or, for a time key, a string used as it is.
func (k KeyCondition) SortEqual(v any) KeyCondition { return k.sort("=", v) }

// SortLess keeps items whose sort key is below v.
func (k KeyCondition) SortLess(v any) KeyCondition { return k.sort("<", v) }

// SortLessOrEqual keeps items whose sort key is at most v.
func (k KeyCondition) SortLessOrEqual(v any) KeyCondition { return k.sort("<=", v) }

// SortGreater keeps items whose sort key is above v.
func (k KeyCondition) SortGreater(v any) KeyCondition { return k.sort(">", v) }

// SortGreaterOrEqual keeps items whose sort key is at least v.
func (k KeyCondition) SortGreaterOrEqual(v any) KeyCondition { return k.sort(">=", v) }

// SortBetween keeps items whose sort key is from lo to hi, both included:
// e.g. two time.Time values for a time key.
func (k KeyCondition) SortBetween(lo, hi any) KeyCondition { return k.sort("BETWEEN", lo, hi) }

// SortBeginsWith keeps items whose string or binary sort key starts with
// prefix. For a time key, a string prefix such as "2026-01" selects a UTC
// month (the key is stored in UTC, unless tagged legacytime); a time.Time
// is encoded whole.
func (k KeyCondition) SortBeginsWith(prefix any) KeyCondition {
	return k.sort("begins_with", prefix)
}

// QueryOptions are the options of Query, QueryPage and QueryCount: those
// every read has (ReadOptions), and the query's own.
type QueryOptions struct {
	ReadOptions
	// Index queries a global or local secondary index instead of the table.
	Index string
	// Filter drops items after they are read (they still count against
	// read capacity, PageSize and MaxEvaluated). It cannot name the key
	// attributes of the table or index queried (DynamoDB refuses it; the
	// key condition selects on them): that is ErrInvalidQuery, before any
	// call.
	Filter Condition
	// Limit stops after this many items returned (0: all). For QueryPage
	// it is the page size; QueryCount counts at most this many.
	Limit int
	// PageSize is how many items each request evaluates at most
	// (DynamoDB's Limit, which counts items before the filter); 0 lets
	// DynamoDB fill its pages, which end at 1 MB of items read, however
	// few of them pass the filter.
	PageSize int
	// MaxEvaluated bounds the items evaluated (read and paid for, before
	// the filter: DynamoDB's ScannedCount) summed over every request of the
	// call (0: no bound). Each request asks for at most what is left of it,
	// so the answered requests never pass the bound; a request may still
	// evaluate fewer, as DynamoDB ends a page at 1 MB. (A request the SDK
	// sends again after a lost answer or a timeout counts once, though
	// DynamoDB may have evaluated, and charged for, both.) When it stops a
	// read with items left, Query ends with an error wrapping
	// ErrMaxEvaluated after the items read, QueryCount returns the count so
	// far with that error, and QueryPage returns a shorter page (even an
	// empty one) whose Cursor resumes the read.
	MaxEvaluated int
	// Descending returns items in descending sort key order.
	Descending bool
	// Cursor resumes a read where a Page's Cursor left it. The query must
	// be the one that made it (same index, partition value, sort
	// condition, Descending, filter and projection), else the call fails
	// with ErrInvalidCursor.
	Cursor string
}

// Query returns the items kc selects, lazily: pages are read as the caller
// ranges over them, and reading stops when the caller stops.
//
//	for order, err := range orders.Query(ctx, dynamodel.Partition("c1")) {
//		if err != nil {
//			return err
//		}
//		...
//	}
func (r *Repository[T]) Query(ctx context.Context, kc KeyCondition, optFns ...func(*QueryOptions)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		opts := r.queryOptions(optFns)
		kc, err := r.resolveKeyCondition(kc, &opts)
		if err != nil {
			var zero T
			yield(zero, err)
			return
		}
		fetch, start, err := r.queryFetch(kc, opts, types.SelectAllAttributes)
		if err != nil {
			var zero T
			yield(zero, err)
			return
		}
		readAll(ctx, fetch, r.decode, start, bounds{opts.Limit, opts.PageSize, opts.MaxEvaluated}, opts.Capacity, r.opYield("Query", yield))
	}
}

// QueryPage returns one page of up to Limit items (one DynamoDB page when
// Limit is 0) and the cursor that resumes after it.
func (r *Repository[T]) QueryPage(ctx context.Context, kc KeyCondition, optFns ...func(*QueryOptions)) (Page[T], error) {
	opts := r.queryOptions(optFns)
	kc, err := r.resolveKeyCondition(kc, &opts)
	if err != nil {
		return Page[T]{}, err
	}
	fetch, start, err := r.queryFetch(kc, opts, types.SelectAllAttributes)
	if err != nil {
		return Page[T]{}, err
	}
	read, err := r.queryCursor(kc, opts)
	if err != nil {
		return Page[T]{}, r.opError("Query", nil, err)
	}
	items, next, skipped, err := readPage(ctx, fetch, r.decode, start, opts.Limit, opts.MaxEvaluated)
	opts.Capacity.skip(skipped)
	if err != nil {
		return Page[T]{}, r.readError("Query", err)
	}
	c, err := r.sealCursor("Query", read, next)
	return Page[T]{Items: items, Cursor: c, Skipped: skipped}, err
}

// QueryCount counts the items kc selects (after Filter), reading no items;
// with Limit, it stops counting at Limit. With MaxEvaluated it may stop
// early, returning the count so far and an error wrapping ErrMaxEvaluated.
// On any other error the count is 0, as ScanCount's is: pages counted
// before a request failed are not a count of anything.
func (r *Repository[T]) QueryCount(ctx context.Context, kc KeyCondition, optFns ...func(*QueryOptions)) (int, error) {
	opts := r.queryOptions(optFns)
	opts.Projection, opts.RawProjection = nil, Raw{} // a count reads no attributes, and a name left unused is an error
	kc, err := r.resolveKeyCondition(kc, &opts)
	if err != nil {
		return 0, err
	}
	in, err := r.queryInput(kc, opts)
	if err != nil {
		return 0, err
	}
	in.Select = types.SelectCount
	b := bounds{opts.Limit, opts.PageSize, opts.MaxEvaluated}
	total, evaluated := 0, 0
	for {
		in.Limit = int32Ptr(b.request(total, evaluated))
		out, err := r.client.Query(ctx, in, r.opts.ClientOptions...)
		if err != nil {
			return 0, r.opError("Query", nil, classify(err))
		}
		opts.Capacity.page(out.ConsumedCapacity, out.ScannedCount, out.Count)
		total += int(out.Count)
		evaluated += pageEvaluated(out.ScannedCount, out.Count, 0)
		if len(out.LastEvaluatedKey) == 0 || (b.limit > 0 && total >= b.limit) {
			return total, nil
		}
		if b.spent(evaluated) {
			return total, r.opError("Query", nil, maxEvaluatedError(evaluated))
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
}

func (r *Repository[T]) queryOptions(optFns []func(*QueryOptions)) QueryOptions {
	return collectOptions(QueryOptions{ReadOptions: r.readDefaults()}, optFns)
}

// queryFetch checks and renders a query and returns the page reader and the
// key to start from.
func (r *Repository[T]) queryFetch(kc KeyCondition, opts QueryOptions, sel types.Select) (fetchFunc, map[string]types.AttributeValue, error) {
	in, err := r.queryInput(kc, opts)
	if err != nil {
		return nil, nil, err
	}
	in.Select = sel
	switch {
	case in.ProjectionExpression != nil:
		in.Select = types.SelectSpecificAttributes
	case in.IndexName != nil && sel == types.SelectAllAttributes:
		// An index's items are what it projects (DynamoDB's default for
		// an index); ALL_ATTRIBUTES is refused by an index that does not
		// project them all, and would fetch a local index's items from
		// the table.
		in.Select = ""
	}
	capacity := opts.Capacity
	fetch := func(ctx context.Context, start map[string]types.AttributeValue, limit int32) (fetched, error) {
		page := *in
		page.ExclusiveStartKey = start
		page.Limit = int32Ptr(limit)
		sink := &pageSink[T]{keys: r.model.keys}
		callCtx, optFns := r.direct(ctx, sink)
		out, err := r.client.Query(callCtx, &page, optFns...)
		if err != nil {
			return fetched{}, r.opError("Query", nil, classify(err))
		}
		capacity.page(out.ConsumedCapacity, out.ScannedCount, out.Count)
		return sink.fetched(out.Items, out.LastEvaluatedKey, out.ScannedCount, out.Count), nil
	}
	return fetch, in.ExclusiveStartKey, nil
}

// queryInput renders a Query request, checking everything it can first.
func (r *Repository[T]) queryInput(kc KeyCondition, opts QueryOptions) (*dynamodb.QueryInput, error) {
	fail := func(err error) (*dynamodb.QueryInput, error) { return nil, r.opError("Query", nil, err) }
	if opts.Limit < 0 || opts.PageSize < 0 || opts.MaxEvaluated < 0 {
		return fail(fmt.Errorf("%w: negative Limit, PageSize or MaxEvaluated", ErrInvalidQuery))
	}
	hash, rng, err := r.keyAttributes(opts.Index, kc)
	if err != nil {
		return fail(err)
	}
	if err := r.checkConsistentIndex(opts.Index, hash.Name, opts.ConsistentRead); err != nil {
		return fail(err)
	}
	w := exprWriter{model: r.model}
	hv, err := encodeIndexKey(hash, kc.hash)
	if err != nil {
		return fail(err)
	}
	expr := w.name(hash.Name) + " = " + w.value(hv)
	if kc.op != "" {
		vals := make([]string, len(kc.values))
		var avs [2]types.AttributeValue // a sort condition has one value, or BETWEEN's two
		for i, v := range kc.values {
			av, err := encodeSortKey(rng, v)
			if err != nil {
				return fail(err)
			}
			vals[i], avs[i] = w.value(av), av
		}
		if err := checkSortCondition(rng.Name, kc.op, avs[:len(kc.values)]); err != nil {
			return fail(err)
		}
		n := w.name(rng.Name)
		switch kc.op {
		case "BETWEEN":
			expr += " AND " + n + " BETWEEN " + vals[0] + " AND " + vals[1]
		case "begins_with":
			expr += " AND begins_with(" + n + ", " + vals[0] + ")"
		default:
			expr += " AND " + n + " " + kc.op + " " + vals[0]
		}
	}
	if err := checkExpression(ErrInvalidQuery, "KeyConditionExpression", expr); err != nil {
		return fail(err)
	}
	in := &dynamodb.QueryInput{
		TableName:              &r.table,
		KeyConditionExpression: &expr,
		ScanIndexForward:       aws.Bool(!opts.Descending),
		ConsistentRead:         aws.Bool(opts.ConsistentRead),
		ReturnConsumedCapacity: opts.Capacity.mode(),
	}
	if opts.Index != "" {
		in.IndexName = &opts.Index
	}
	if err := r.readExpressions(&w, opts.Index, opts.Filter, &opts.ReadOptions, &in.FilterExpression, &in.ProjectionExpression); err != nil {
		return fail(err)
	}
	if err := r.checkReadPaths(&w, in.FilterExpression, in.ProjectionExpression, opts.Index, hash.Name, rng.Name); err != nil {
		return fail(err)
	}
	in.ExpressionAttributeNames = w.attributeNames()
	in.ExpressionAttributeValues = w.attributeValues()
	if opts.Cursor != "" {
		read, err := r.queryCursor(kc, opts)
		if err != nil {
			return fail(err)
		}
		if in.ExclusiveStartKey, err = r.openCursor(opts.Cursor, read); err != nil {
			return fail(err)
		}
	}
	return in, nil
}

// checkSortCondition checks a sort key condition's values as DynamoDB
// would: BETWEEN's bounds of one type and in order, begins_with of a
// string or a binary.
func checkSortCondition(name, op string, avs []types.AttributeValue) error {
	reason := ""
	switch op {
	case "BETWEEN":
		reason = boundsProblem(avs[0], avs[1])
	case "begins_with":
		if _, isNum := avs[0].(*types.AttributeValueMemberN); isNum {
			reason = "begins_with takes a string or a binary, not a number"
		}
	}
	if reason != "" {
		return fmt.Errorf("%w: sort key %q: %s", ErrInvalidQuery, name, reason)
	}
	return nil
}

// readExpressions renders a filter and a projection into a request of
// index ("": the table).
func (r *Repository[T]) readExpressions(w *exprWriter, index string, filter Condition, opts *ReadOptions, filterOut, projOut **string) error {
	f, err := filter.build(w)
	if err == nil {
		err = checkExpression(ErrInvalidCondition, "FilterExpression", f)
	}
	if err != nil {
		return err
	}
	if f != "" {
		*filterOut = &f
	}
	if opts.hasProjection() {
		p, err := opts.projection(w, r.projectionKeys(index)...)
		if err != nil {
			return err
		}
		*projOut = &p
	}
	return nil
}

// keyAttributes resolves the partition and sort key attributes a key
// condition applies to.
func (r *Repository[T]) keyAttributes(index string, kc KeyCondition) (hash, rng Attribute, err error) {
	if !kc.hasHash {
		return hash, rng, fmt.Errorf("%w: the key condition has no partition value (use dynamodel.Partition)", ErrInvalidQuery)
	}
	// The keys of the table or index, when known: a key condition naming
	// others would be refused ("Query condition missed key schema
	// element").
	var fileHash, fileRange string
	known := true
	switch {
	case index == "" && r.shared != nil:
		fileHash, fileRange = r.shared.hash, r.shared.rng
	case index == "":
		fileHash = r.model.HashKey().Name
		if a, ok := r.model.RangeKey(); ok {
			fileRange = a.Name
		}
	case r.opts.Schema != nil:
		t := r.opts.Schema
		if fileHash, fileRange, known = t.IndexKeys(index); !known {
			return hash, rng, fmt.Errorf("%w: table %s has no index %q in %s", ErrInvalidQuery, r.table, index, t.Source)
		}
	case r.shared != nil:
		ix, ok := r.shared.indexKeys(index)
		if !ok {
			return hash, rng, fmt.Errorf("%w: table %s has no index %q", ErrInvalidQuery, r.table, index)
		}
		fileHash, fileRange = ix.PartitionKey, ix.SortKey
	default:
		known = false
	}
	what := func() string {
		if index != "" {
			return "index " + index
		}
		return "table " + r.table
	}
	if known && kc.hashName != "" && kc.hashName != fileHash {
		return hash, rng, fmt.Errorf("%w: the partition key of %s is %q, not %q", ErrInvalidQuery, what(), fileHash, kc.hashName)
	}
	if known && kc.rangeName != "" && kc.rangeName != fileRange {
		if fileRange == "" {
			return hash, rng, fmt.Errorf("%w: %s has no sort key, so none named %q", ErrInvalidQuery, what(), kc.rangeName)
		}
		return hash, rng, fmt.Errorf("%w: the sort key of %s is %q, not %q", ErrInvalidQuery, what(), fileRange, kc.rangeName)
	}
	hashName := firstOf(kc.hashName, fileHash)
	rangeName := firstOf(kc.rangeName, fileRange)
	if hashName == "" {
		return hash, rng, fmt.Errorf("%w: the partition key of index %q is unknown: name it with PartitionAttr, or give the repository its schema (Options.Schema)", ErrInvalidQuery, index)
	}
	for _, n := range []string{hashName, rangeName} {
		if err := checkKeyName(n); n != "" && err != nil {
			return hash, rng, fmt.Errorf("%w: %w", ErrInvalidQuery, err)
		}
	}
	if hashName == rangeName {
		return hash, rng, fmt.Errorf("%w: %q is named as both the partition and the sort key", ErrInvalidQuery, hashName)
	}
	if kc.op != "" && rangeName == "" {
		return hash, rng, fmt.Errorf("%w: a sort key condition, but the sort key of %s is unknown: name it with SortAttr", ErrInvalidQuery, what())
	}
	return r.keyAttribute(hashName, RoleHash), r.keyAttribute(rangeName, RoleRange), nil
}

// keyAttribute describes an attribute used as a key: the model's attribute
// when it has one (so values convert as the field's do), else one whose
// type comes from the value.
func (r *Repository[T]) keyAttribute(name string, role Role) Attribute {
	a, ok := r.model.Attribute(name)
	if ok && a.KeyType == "" {
		if kt, err := keyType(a.field.Type, a.field.Tag); err == nil {
			a.KeyType = kt
		}
	}
	if !ok || a.KeyType == "" {
		return Attribute{Name: name, Role: role}
	}
	a.Role = role
	return a
}

// encodeIndexKey encodes a key condition value for attribute a.
func encodeIndexKey(a Attribute, v any) (types.AttributeValue, error) {
	if a.KeyType != "" {
		return encodeKeyValue(&a, v)
	}
	av, err := marshalValue(v)
	if err != nil {
		return nil, &InvalidKeyError{Attribute: a.Name, Reason: err.Error()}
	}
	switch av.(type) {
	case *types.AttributeValueMemberS:
		a.KeyType = types.ScalarAttributeTypeS
	case *types.AttributeValueMemberN:
		a.KeyType = types.ScalarAttributeTypeN
	case *types.AttributeValueMemberB:
		a.KeyType = types.ScalarAttributeTypeB
	default:
		return nil, &InvalidKeyError{Attribute: a.Name, Reason: fmt.Sprintf("a key value must be a string, number or binary, not %s", attr.TypeName(av))}
	}
	return av, checkKeyValue(&a, av)
}

// encodeSortKey encodes a sort key condition value as encodeIndexKey does,
// except that a string for a time attribute stored as a string is taken as
// it is: a prefix such as "2026-01-02", or a bound.
func encodeSortKey(a Attribute, v any) (types.AttributeValue, error) {
	if s, ok := v.(string); ok && a.field.Type == timeType && a.KeyType == types.ScalarAttributeTypeS {
		av := &types.AttributeValueMemberS{Value: s}
		return av, checkKeyValue(&a, av)
	}
	return encodeIndexKey(a, v)
}

func firstOf(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
