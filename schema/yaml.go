package schema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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
// is an error, as in JSON files, and so is a second document (a file
// that holds one would have the rest ignored); merge keys (<<) are read.
func decodeYAML(data []byte, orderOf string) (doc any, order []string, err error) {
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&root); err != nil {
		if err == io.EOF {
			return nil, nil, errors.New("empty file")
		}
		return nil, nil, err
	}
	var next yaml.Node
	if err := dec.Decode(&next); err != io.EOF {
		if err != nil {
			return nil, nil, err
		}
		return nil, nil, fmt.Errorf("line %d: a second YAML document: a file holds one (a template, or one table)", next.Line)
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
	c := &yamlConverter{budget: len(data)/2 + 10000, scalars: map[*yaml.Node]any{}}
	doc, err = c.value(top, nil, 0)
	return doc, order, err
}

// maxYAMLDepth bounds nesting, aliases included.
const maxYAMLDepth = 100

// A yamlConverter converts nodes to values. Aliases are expanded, so it
// visits at most budget nodes (a node takes at least two bytes of a file
// without aliases, "1,"): a few aliases may not grow a small document into
// a huge value.
type yamlConverter struct {
	budget  int
	scalars map[*yaml.Node]any // scalars converted, for aliases to them
}

// A yamlPath is where a node stands, for errors: a key or index below its
// parent. It is rendered only when there is an error, so a node costs no
// string.
type yamlPath struct {
	parent *yamlPath
	key    string
	index  int // when key is ""
}

func (p *yamlPath) String() string {
	if p == nil {
		return ""
	}
	if p.key == "" {
		return fmt.Sprintf("%s[%d]", p.parent, p.index)
	}
	return joinPath(p.parent.String(), p.key)
}

// value converts a node; path names it in errors.
func (c *yamlConverter) value(n *yaml.Node, path *yamlPath, depth int) (any, error) {
	if depth > maxYAMLDepth {
		return nil, fmt.Errorf("%s: nested more than %d deep", orTop(path.String()), maxYAMLDepth)
	}
	if c.budget--; c.budget < 0 {
		return nil, fmt.Errorf("%s: aliases expand the document too much", orTop(path.String()))
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
			v, err := c.value(e, &yamlPath{parent: path, index: i}, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.MappingNode:
		return c.mapping(n, path, depth)
	}
	if v, done := c.scalars[n]; done {
		return v, nil
	}
	v, err := yamlScalar(n)
	c.scalars[n] = v
	return v, err
}

// mapping converts a mapping node. Merge keys (<<: *defaults, or a list of
// such) add the keys of the mappings they name that the mapping does not
// set itself, the first mapping of a list winning, as the AWS CLI and SAM
// read them.
func (c *yamlConverter) mapping(n *yaml.Node, path *yamlPath, depth int) (map[string]any, error) {
	out := make(map[string]any, len(n.Content)/2)
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			return nil, fmt.Errorf("%s: line %d: want a plain key", orTop(path.String()), k.Line)
		}
		if k.ShortTag() == "!!merge" {
			merges = append(merges, v)
			continue
		}
		if _, dup := out[k.Value]; dup {
			return nil, fmt.Errorf("field %s appears twice (line %d)", joinPath(path.String(), k.Value), k.Line)
		}
		e, err := c.value(v, &yamlPath{parent: path, key: k.Value}, depth+1)
		if err != nil {
			return nil, err
		}
		out[k.Value] = e
	}
	for _, m := range merges {
		v, err := c.value(m, &yamlPath{parent: path, key: "<<"}, depth+1)
		if err != nil {
			return nil, err
		}
		list, isList := v.([]any)
		if !isList {
			list = []any{v}
		}
		for _, e := range list {
			from, ok := e.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("%s: line %d: a merge key (<<) takes a mapping or a list of mappings", joinPath(path.String(), "<<"), m.Line)
			}
			for key, val := range from {
				if _, set := out[key]; !set {
					out[key] = val
				}
			}
		}
	}
	return out, nil
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
func (c *yamlConverter) intrinsic(n *yaml.Node, path *yamlPath, depth int) (any, error) {
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
