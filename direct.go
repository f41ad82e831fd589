package dynamodel

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strconv"
	"sync"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/dynamodel/dynamodel/codec"
	"github.com/dynamodel/dynamodel/internal/wire"
)

// The direct read path: a Query or Scan response's items, and a GetItem
// response's item, are decoded from the response body straight into values
// of T, inside the SDK's middleware
// stack, so retries, signing, error handling and the CRC32 check of the
// body all still apply.
//
// directItems sits in the deserialize step right inside the SDK's operation
// deserializer (and outside its gzip decompression and CRC32 check). On a
// successful response it reads the whole body and closes it, which checks
// the CRC32 (an error the SDK itself only logs). Then the sink decodes the
// "Items" array (codec.AppendJSON) and the SDK's deserializer reads the rest
// of the body, with "Items" left empty (for GetItem, itemSink and "Item"
// likewise): so the output the SDK's client
// returns is a valid one, and its Count, LastEvaluatedKey and
// ConsumedCapacity are the SDK's own. When the sink does not take the body
// (anything codec.AppendJSON does not take), the SDK gets it whole, and the
// items are decoded from its output as before.
type directItems struct{}

// A directSink takes a response body, decodes the items it holds and
// returns the rest of the body for the SDK (ok false: the body is left
// to the SDK as it is).
type directSink interface {
	take(body []byte) (rest []byte, ok bool)
	// withParent returns the call's context: ctx, carrying the sink.
	withParent(ctx context.Context) context.Context
}

func (*directItems) ID() string { return "dynamodel:DirectItems" }

func (m *directItems) HandleDeserialize(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (
	out middleware.DeserializeOutput, md middleware.Metadata, err error,
) {
	out, md, err = next.HandleDeserialize(ctx, in)
	if err != nil {
		return out, md, err
	}
	resp, ok := out.RawResponse.(*smithyhttp.Response)
	if !ok || resp.Body == nil || resp.StatusCode < 200 || resp.StatusCode > 299 {
		return out, md, err
	}
	buf := bodyBuffers.Get().(*bytes.Buffer)
	body, err := readBody(resp, buf)
	if err != nil {
		if ce, ok := err.(*checksumError); ok {
			ce.read = isRead(awsmiddleware.GetOperationName(ctx))
		}
		return out, md, &smithy.DeserializationError{Err: err}
	}
	if sink, _ := ctx.Value(directKey{}).(directSink); sink != nil {
		if rest, ok := sink.take(body); ok {
			// The items share nothing with the body, and the SDK gets a
			// copy of the rest: the buffer can serve the next response.
			rest = bytes.Clone(rest)
			resp.Body, resp.ContentLength = io.NopCloser(bytes.NewReader(rest)), int64(len(rest))
			if buf.Cap() <= maxPooledBody {
				bodyBuffers.Put(buf)
			}
			return out, md, nil
		}
	}
	resp.Body, resp.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
	return out, md, nil
}

// bodyBuffers hold the bodies of responses the direct path took, for reuse.
var bodyBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledBody bounds the buffers kept for reuse (DynamoDB's pages are at
// most 1 MB of items; their JSON is larger).
const maxPooledBody = 4 << 20

// readBody reads the whole body and closes it. The SDK's CRC32 check
// reports a mismatch on close (and only logs it); here it is an error when
// the response has a checksum to check. The buffer is made ready for the
// length the response declares up to maxPooledBody only: a longer body
// grows it as its bytes arrive, so that a Content-Length no body follows
// costs no more than the bytes that came.
func readBody(resp *smithyhttp.Response, buf *bytes.Buffer) ([]byte, error) {
	buf.Reset()
	if n := resp.ContentLength; n > 0 {
		buf.Grow(int(min(n, maxPooledBody)) + bytes.MinRead)
	}
	_, rerr := buf.ReadFrom(resp.Body)
	cerr := resp.Body.Close()
	if rerr != nil {
		return nil, rerr
	}
	if cerr != nil && resp.Header.Get("X-Amz-Crc32") != "" {
		return nil, &checksumError{err: cerr}
	}
	return buf.Bytes(), nil
}

// checksumError is a response body whose CRC32 did not match the one the
// response declares: its bytes changed on the way. The SDK's retryer sends
// a read again (as other SDKs do on a CRC32 mismatch); a write, which was
// applied, is not sent again.
type checksumError struct {
	err  error
	read bool
}

func (e *checksumError) Error() string { return e.err.Error() }

func (e *checksumError) Unwrap() error { return e.err }

// RetryableError tells the SDK's retryer whether to retry.
func (e *checksumError) RetryableError() bool { return e.read }

// isRead reports whether op, an operation's name, only reads, so that
// sending it again changes nothing.
func isRead(op string) bool {
	switch op {
	case "GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems":
		return true
	}
	return false
}

// addDirectItems puts directItems in a read's stack, and outside the
// SDK's deserializer, deserializePanic. Without the SDK's deserializer (a
// stack of someone else's making) it does nothing, and the items come
// back the usual way.
func addDirectItems(o *dynamodb.Options) {
	o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
		if s.Deserialize.Insert(&directItems{}, "OperationDeserializer", middleware.After) == nil {
			_ = s.Deserialize.Insert(deserializePanic{}, "OperationDeserializer", middleware.Before)
		}
		return nil
	})
}

// deserializePanic turns a panic of the SDK's deserializer into a
// deserialization error: the SDK (service/dynamodb v1.74.0) panics on
// some malformed bodies, e.g. a BatchGetItem body with a stray "}" in a
// table's list of items.
type deserializePanic struct{}

func (deserializePanic) ID() string { return "dynamodel:DeserializePanic" }

func (deserializePanic) HandleDeserialize(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (
	out middleware.DeserializeOutput, md middleware.Metadata, err error,
) {
	defer func() {
		if p := recover(); p != nil {
			err = &smithy.DeserializationError{Err: fmt.Errorf("the SDK's deserializer panicked: %v", p)}
		}
	}()
	return next.HandleDeserialize(ctx, in)
}

// decodesDirect reports whether the repository's BatchGet, TransactGet
// reads and writes that return items decode them on the direct path: not
// when it decodes with the SDK, nor for an entity's repository (or a
// table's own), which decodes each item as an entity.
func (r *Repository[T]) decodesDirect() bool { return !r.opts.DecodeWithSDK && r.shared == nil }

// returned returns the context and client options of a write, and the
// sink of the item it returns (nil when the item, if any, comes back the
// SDK's way): rv is what the write asks for. A write that returns an item
// has the body's CRC32 checked on either path.
func (r *Repository[T]) returned(ctx context.Context, rv types.ReturnValue, clientOpts []func(*dynamodb.Options)) (context.Context, []func(*dynamodb.Options), *itemSink[T]) {
	if rv == types.ReturnValueNone || rv == "" {
		return ctx, clientOpts, nil
	}
	if !r.decodesDirect() {
		return ctx, r.reads, nil // directItems checks the CRC32 of the item
	}
	sink := &itemSink[T]{member: "Attributes"}
	return sink.withParent(ctx), r.reads, sink
}

// directKey is the context key of a call's directSink.
type directKey struct{}

// direct returns the context and client options of a read whose items go
// to sink: a context carrying the sink, and the client options that put
// directItems in the stack. When the repository decodes with the SDK,
// directItems finds no sink and only checks the CRC32.
func (r *Repository[T]) direct(ctx context.Context, sink directSink) (context.Context, []func(*dynamodb.Options)) {
	if r.opts.DecodeWithSDK || (r.model.keys != nil && !recognizes(sink)) {
		// An entity's items are read directly only by a sink that
		// recognises them (direct_entity.go).
		return ctx, r.reads
	}
	return sink.withParent(ctx), r.reads
}

// sinkContext makes a sink the call's context (so that carrying it costs
// nothing more than the sink), answering Value(directKey{}) with the sink.
type sinkContext struct {
	context.Context
	sink directSink
}

// Value returns the sink for directKey, else the call context's value.
func (c *sinkContext) Value(key any) any {
	if _, ok := key.(directKey); ok {
		return c.sink
	}
	return c.Context.Value(key)
}

// pageSink decodes the "Items" of a Query or Scan response into values of
// T. Its items are set only when it took the response, and are the last
// response's (a retried request's attempts each reset them).
type pageSink[T any] struct {
	sinkContext
	items []T
	took  bool

	keys    *entityKeys // an entity's: its items are recognised first (direct_entity.go)
	skipped int         // items of other entities passed over
	read    int         // items in the response, skipped ones too
}

func (p *pageSink[T]) withParent(ctx context.Context) context.Context {
	p.sinkContext = sinkContext{ctx, p}
	return &p.sinkContext
}

func (p *pageSink[T]) take(body []byte) ([]byte, bool) {
	p.items, p.took, p.skipped, p.read = nil, false, 0, 0
	rest, ok := splice(body, "Items", func(data []byte, count int) (int, bool) {
		var items []T
		var n int
		var ok bool
		if p.keys != nil {
			items, n, p.skipped, ok = appendEntityJSON(p.keys, make([]T, 0, count), data)
		} else {
			items, n, ok = codec.For[T]().AppendJSON(make([]T, 0, count), data)
		}
		p.read = len(items) + p.skipped
		if ok && len(items) > 0 { // an empty page stays nil, as the SDK's path leaves it
			p.items = items
		}
		return n, ok
	})
	if !ok {
		p.items = nil
		return nil, false
	}
	p.took = true
	return rest, true
}

// itemSink decodes the "Item" of a GetItem response into a T, or with
// member "Attributes", the item a write returned.
type itemSink[T any] struct {
	sinkContext
	member string // the response's member holding the item; "" is "Item"
	item   T
	found  bool // the response had an item
	empty  bool // an item without attributes ({})
	took   bool

	keys *entityKeys // an entity's: its item is recognised first (direct_entity.go)
}

func (p *itemSink[T]) withParent(ctx context.Context) context.Context {
	p.sinkContext = sinkContext{ctx, p}
	return &p.sinkContext
}

func (p *itemSink[T]) take(body []byte) ([]byte, bool) {
	var zero T
	p.item, p.found, p.empty, p.took = zero, false, false, false
	member := p.member
	if member == "" {
		member = "Item"
	}
	rest, ok := splice(body, member, func(data []byte, _ int) (int, bool) {
		s := wire.New(data)
		if !s.Skip() {
			return 0, false
		}
		var item T
		var ok bool
		if p.keys != nil {
			item, ok = decodeEntityJSON[T](p.keys, data[:s.Pos()])
		} else {
			item, ok = codec.For[T]().DecodeJSON(data[:s.Pos()])
		}
		e := wire.New(data)
		p.item, p.found, p.empty = item, ok, e.Byte('{') && e.Byte('}')
		return s.Pos(), ok
	})
	if !ok {
		p.item, p.found, p.empty = zero, false, false
		return nil, false
	}
	p.took = true
	return rest, true
}

// splice finds member name in a response body (a JSON object), has decode
// read its value (at the start of data; count is the response's Count when
// it came first, else 0), and returns the body with that value replaced by
// an empty one of its kind, in place, for the SDK to read. ok is false for
// a body it does not take: not an object, name twice, a value decode does
// not take, malformed JSON around it. A body without the member is taken
// as it is.
func splice(body []byte, name string, decode func(data []byte, count int) (int, bool)) (rest []byte, ok bool) {
	s := wire.New(body)
	if !s.Byte('{') {
		return nil, false
	}
	var scratch []byte
	start, end, count := -1, -1, 0
	if !s.Byte('}') {
		for {
			k, ok := s.Key(&scratch)
			if !ok {
				return nil, false
			}
			switch {
			case string(k) == name:
				if start >= 0 {
					return nil, false
				}
				s.Peek()
				start = s.Pos()
				n, ok := decode(body[start:], count)
				if !ok || n < 2 {
					return nil, false
				}
				end = start + n
				s.Advance(n)
			case string(k) == "Count" && start < 0:
				// DynamoDB sends the count first: room for the items.
				num, ok := s.Number()
				if !ok {
					return nil, false
				}
				if c, err := strconv.Atoi(string(num)); err == nil && c > 0 {
					count = min(c, len(body)/8)
				}
			default:
				if !s.Skip() {
					return nil, false
				}
			}
			if s.Byte(',') {
				continue
			}
			if !s.Byte('}') {
				return nil, false
			}
			break
		}
	}
	if !s.End() {
		return nil, false
	}
	if start < 0 {
		return body, true
	}
	// An empty value of the same kind: [] or {}.
	body[start+1] = body[end-1]
	n := copy(body[start+2:], body[end:])
	return body[:start+2+n], true
}

// fetched returns the page a response makes: its items from the sink when
// it took the response, else the SDK's.
func (p *pageSink[T]) fetched(items []map[string]types.AttributeValue, next map[string]types.AttributeValue, scanned, count int32) fetched {
	if !p.took || len(items) > 0 {
		return fetched{items: items, next: next, evaluated: pageEvaluated(scanned, count, len(items))}
	}
	return fetched{next: next, evaluated: pageEvaluated(scanned, count, p.read), decoded: p.items, skipped: p.skipped}
}
