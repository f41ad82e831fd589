package dynamodel

import (
	"fmt"
	"slices"
	"strings"
)

// hasProjection reports whether the read asks for some attributes only.
func (o *ReadOptions) hasProjection() bool {
	return len(o.Projection) > 0 || !o.RawProjection.IsZero()
}

// projection renders the projection expression of a read: the attributes
// always (the key attributes, for BatchGet), then the paths of Projection
// not among them, then RawProjection. Overlapping paths (a and a.b) are an
// error, as DynamoDB would reject them.
func (o *ReadOptions) projection(w *exprWriter, always ...string) (string, error) {
	paths := o.Projection
	if len(always) > 0 {
		paths = make([]string, 0, len(always)+len(o.Projection))
		for _, n := range always {
			paths = append(paths, Name(n))
		}
		for _, p := range o.Projection {
			if !slices.Contains(paths, p) {
				paths = append(paths, p)
			}
		}
	}
	if len(paths) > maxExpressionParts {
		return "", fmt.Errorf("%w: %d paths do not fit in DynamoDB's %d-byte projection expression", ErrInvalidQuery, len(paths), maxExpressionBytes)
	}
	for i, p := range paths {
		if err := checkPath(p); err != nil {
			return "", fmt.Errorf("%w: Projection: %w", ErrInvalidQuery, err)
		}
		for _, q := range paths[:i] {
			if pathsOverlap(p, q) {
				return "", fmt.Errorf("%w: Projection: %q and %q overlap", ErrInvalidQuery, q, p)
			}
		}
	}
	var b strings.Builder
	for i, p := range paths {
		if i > 0 {
			b.WriteString(", ")
		}
		if err := w.writePath(&b, p); err != nil {
			return "", fmt.Errorf("%w: Projection: %w", ErrInvalidQuery, err)
		}
	}
	if !o.RawProjection.IsZero() {
		raw, err := rawProjection(w, o.RawProjection)
		if err != nil {
			return "", fmt.Errorf("%w: RawProjection: %v", ErrInvalidQuery, err)
		}
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		b.WriteString(raw)
	}
	if err := checkExpression(ErrInvalidQuery, "ProjectionExpression", b.String()); err != nil {
		return "", err
	}
	if !o.RawProjection.IsZero() {
		if err := checkRenderedOverlap(w, b.String()); err != nil {
			return "", err
		}
	}
	return b.String(), nil
}

// projectionKeys are the attributes a projection of the repository's reads
// of index ("": the table) always has: for an entity's repository (or a
// table's), the table's key attributes and its EntityType attribute, by
// which it recognises an item's entity (without them, every item read
// would be of no entity), and the index's key attributes, which a
// Collection's cursor holds; none for others.
func (r *Repository[T]) projectionKeys(index string) []string {
	t := r.shared
	if t == nil {
		return nil
	}
	names := []string{t.hash}
	if t.rng != "" {
		names = append(names, t.rng)
	}
	if t.opts.EntityType != "" {
		names = append(names, t.opts.EntityType)
	}
	if ix, ok := t.indexKeys(index); ok && index != "" {
		for _, n := range []string{ix.PartitionKey, ix.SortKey} {
			if n != "" && !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
	}
	return names
}

// rawProjection renames a caller's projection expression into w.
func rawProjection(w *exprWriter, r Raw) (string, error) {
	if len(r.Values) > 0 {
		return "", fmt.Errorf("a projection takes no values")
	}
	src, err := prepareRaw(r)
	if err != nil {
		return "", err
	}
	return src.rename(w, r.Expr)
}
