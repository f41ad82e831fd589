package codec

import (
	"cmp"
	"reflect"
	"slices"
	"sync"
)

// Field is one attribute of a struct type as attributevalue sees it: an
// exported field, or a field promoted from an embedded struct, that the
// `dynamodbav` tag does not ignore.
type Field struct {
	Name      string       // attribute name: the tag's name, else the Go field name
	GoName    string       // the Go field's own name
	Index     []int        // path for reflect.Value.FieldByIndex (may pass through embedded pointers)
	Type      reflect.Type // the field's type, with an unnamed pointer's element type taken
	FieldType reflect.Type // the field's declared type
	Tag       Tag          // the parsed `dynamodbav` tag
	StructTag reflect.StructTag
	named     bool // the name came from the tag
}

var fieldCache sync.Map // reflect.Type -> []Field

// Fields returns the attributes of struct type t, in field order, following
// Go's rules for promoted fields as encoding/json does (a tagged name wins a
// tie at the same depth; an unresolved tie hides the name). The result is
// cached and must not be modified.
func Fields(t reflect.Type) []Field {
	if f, ok := fieldCache.Load(t); ok {
		return f.([]Field)
	}
	f := visible(collect(t))
	actual, _ := fieldCache.LoadOrStore(t, f)
	return actual.([]Field)
}

// collect walks t and its embedded structs breadth first.
func collect(t reflect.Type) []Field {
	type queued struct {
		typ   reflect.Type
		index []int
	}
	var (
		out     []Field
		level   = []queued{{typ: t}}
		counts  = map[reflect.Type]int{}
		visited = map[reflect.Type]bool{}
	)
	for len(level) > 0 {
		var next []queued
		nextCounts := map[reflect.Type]int{}
		for _, q := range level {
			if visited[q.typ] {
				continue
			}
			visited[q.typ] = true
			for i := range q.typ.NumField() {
				sf := q.typ.Field(i)
				if !sf.IsExported() && !sf.Anonymous {
					continue
				}
				tag := ParseTag(sf.Tag)
				if tag.Ignore {
					continue
				}
				ft := sf.Type
				if ft.Name() == "" && ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				index := append(slices.Clip(q.index), i)
				if sf.Anonymous && tag.Name == "" && ft.Kind() == reflect.Struct {
					nextCounts[ft]++
					if nextCounts[ft] == 1 {
						next = append(next, queued{typ: ft, index: index})
					}
					continue
				}
				f := Field{
					Name:      sf.Name,
					GoName:    sf.Name,
					Index:     index,
					Type:      ft,
					FieldType: sf.Type,
					Tag:       tag,
					StructTag: sf.Tag,
				}
				if tag.Name != "" {
					f.Name, f.named = tag.Name, true
				}
				out = append(out, f)
				if counts[q.typ] > 1 {
					// The same struct embedded twice at one depth: a second
					// copy makes the name a tie, which hides it.
					out = append(out, f)
				}
			}
		}
		level, counts = next, nextCounts
	}
	return out
}

// visible keeps, for every name, the one field Go's promotion rules let
// through, and returns them in index order.
func visible(fields []Field) []Field {
	slices.SortStableFunc(fields, func(a, b Field) int {
		if c := cmp.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		if c := cmp.Compare(len(a.Index), len(b.Index)); c != 0 {
			return c
		}
		if a.named != b.named {
			if a.named {
				return -1
			}
			return 1
		}
		return slices.Compare(a.Index, b.Index)
	})
	out := fields[:0]
	for i := 0; i < len(fields); {
		j := i + 1
		for j < len(fields) && fields[j].Name == fields[i].Name {
			j++
		}
		if f, ok := dominant(fields[i:j]); ok {
			out = append(out, f)
		}
		i = j
	}
	slices.SortFunc(out, func(a, b Field) int { return slices.Compare(a.Index, b.Index) })
	return slices.Clip(out)
}

// dominant picks the field that wins among fields sharing one name, sorted
// shallowest first; ok is false for an unresolved tie.
func dominant(same []Field) (Field, bool) {
	depth := len(same[0].Index)
	tagged := -1
	for i, f := range same {
		if len(f.Index) > depth {
			same = same[:i]
			break
		}
		if f.named {
			if tagged >= 0 {
				return Field{}, false
			}
			tagged = i
		}
	}
	if tagged >= 0 {
		return same[tagged], true
	}
	if len(same) > 1 {
		return Field{}, false
	}
	return same[0], true
}
