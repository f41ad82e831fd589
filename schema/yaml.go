package schema

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// decodeYAML decodes one YAML document into the values encoding/json
// gives with UseNumber (maps, slices, strings, json.Numbers, bools, nil),
// with CloudFormation's short-form intrinsic functions in their long form
// (!Ref X is {"Ref": "X"}, !GetAtt A.B is {"Fn::GetAtt": ["A", "B"]}, !Sub
// s is {"Fn::Sub": s}). It also returns the keys of the top-level mapping
// named orderOf, in document order. A key that appears twice in a mapping
// is an error, as in JSON files.
func decodeYAML(data []byte, orderOf string) (doc any, order []string, err error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, nil, err
	}
	if root.Kind == 0 {
		return nil, nil, errors.New("empty file")
	}
	top := &root
	if top.Kind == yaml.DocumentNode && len(top.Content) == 1 {
		top = top.Content[0]
	}
	if top.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(top.Content); i += 2 {
			if top.Content[i].Value == orderOf && top.Content[i+1].Kind == yaml.MappingNode {
				m := top.Content[i+1]
				for j := 0; j+1 < len(m.Content); j += 2 {
					order = append(order, m.Content[j].Value)
				}
			}
		}
	}
	c := &yamlConverter{budget: 4*len(data) + 1000}
	doc, err = c.value(top, "", 0)
	return doc, order, err
}

// maxYAMLDepth bounds nesting, aliases included.
const maxYAMLDepth = 100

// A yamlConverter converts nodes to values. Aliases are expanded, so it
// visits at most budget nodes: a few aliases may not grow a small document
// into a huge value.
type yamlConverter struct {
	budget int
}

// value converts a node; path names it in errors.
func (c *yamlConverter) value(n *yaml.Node, path string, depth int) (any, error) {
	if depth > maxYAMLDepth {
		return nil, fmt.Errorf("%s: nested more than %d deep", orTop(path), maxYAMLDepth)
	}
	if c.budget--; c.budget < 0 {
		return nil, fmt.Errorf("%s: aliases expand the document too much", orTop(path))
	}
	if tag := n.Tag; strings.HasPrefix(tag, "!") && !strings.HasPrefix(tag, "!!") {
		return c.intrinsic(n, path, depth)
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) != 1 {
			return nil, errors.New("want one YAML document")
		}
		return c.value(n.Content[0], path, depth+1)
	case yaml.AliasNode:
		return c.value(n.Alias, path, depth+1)
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for i, e := range n.Content {
			v, err := c.value(e, fmt.Sprintf("%s[%d]", path, i), depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.MappingNode:
		out := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode {
				return nil, fmt.Errorf("%s: line %d: want a plain key", orTop(path), k.Line)
			}
			p := joinPath(path, k.Value)
			if _, dup := out[k.Value]; dup {
				return nil, fmt.Errorf("field %s appears twice (line %d)", p, k.Line)
			}
			v, err := c.value(n.Content[i+1], p, depth+1)
			if err != nil {
				return nil, err
			}
			out[k.Value] = v
		}
		return out, nil
	}
	return yamlScalar(n)
}

// yamlScalar converts a scalar by its resolved tag.
func yamlScalar(n *yaml.Node) (any, error) {
	switch n.ShortTag() {
	case "!!null":
		return nil, nil
	case "!!bool":
		var b bool
		err := n.Decode(&b)
		return b, err
	case "!!int":
		var i int64
		if err := n.Decode(&i); err != nil {
			return n.Value, nil // too big for int64: left for the shape check
		}
		return json.Number(strconv.FormatInt(i, 10)), nil
	case "!!float":
		var f float64
		if err := n.Decode(&f); err != nil || f != f || f > 1e308 || f < -1e308 {
			return n.Value, nil // .inf, .nan: no JSON number
		}
		return json.Number(strconv.FormatFloat(f, 'g', -1, 64)), nil
	}
	return n.Value, nil // strings, timestamps (as written), binary
}

// intrinsic converts a node with a short-form intrinsic function tag to
// the long form.
func (c *yamlConverter) intrinsic(n *yaml.Node, path string, depth int) (any, error) {
	name := strings.TrimPrefix(n.Tag, "!")
	inner := *n
	inner.Tag = ""
	inner.Style &^= yaml.TaggedStyle
	v, err := c.value(&inner, path, depth+1)
	if err != nil {
		return nil, err
	}
	switch name {
	case "Ref", "Condition":
		return map[string]any{name: v}, nil
	case "GetAtt":
		if s, ok := v.(string); ok {
			resource, attr, _ := strings.Cut(s, ".")
			v = []any{resource, attr}
		}
	}
	return map[string]any{"Fn::" + name: v}, nil
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func orTop(path string) string {
	if path == "" {
		return "the document"
	}
	return path
}
