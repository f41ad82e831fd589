package schema

import (
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// locate returns the line and column, from 1, of the field at path
// (Resources.T.Properties.KeySchema[0].KeyType) in data, a JSON or YAML
// document; when the document lacks it, of the deepest field on the way
// there (the object a missing field belongs in); 0, 0 when it has none of
// them. It parses data again, so it is for errors only.
func locate(data []byte, path string) (line, col int) {
	var root yaml.Node
	if path == "" || yaml.Unmarshal(data, &root) != nil {
		return 0, 0
	}
	n := &root
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		n = n.Content[0]
	}
	for rest := path; rest != ""; rest = strings.TrimPrefix(rest, ".") {
		for n.Kind == yaml.AliasNode && n.Alias != nil {
			n = n.Alias
		}
		if strings.HasPrefix(rest, "[") {
			end := strings.IndexByte(rest, ']')
			i, err := strconv.Atoi(rest[1:max(end, 1)])
			if end < 0 || err != nil || n.Kind != yaml.SequenceNode || i < 0 || i >= len(n.Content) {
				return line, col
			}
			n, rest = n.Content[i], rest[end+1:]
			line, col = n.Line, n.Column
			continue
		}
		if n.Kind != yaml.MappingNode {
			return line, col
		}
		key := mappingKey(n, rest)
		if key < 0 {
			return line, col
		}
		k := n.Content[key]
		line, col = k.Line, k.Column
		n, rest = n.Content[key+1], rest[len(k.Value):]
	}
	return line, col
}

// mappingKey returns the index in m.Content of the longest key that path
// starts with, followed by nothing, "." or "[", or -1. (Keys may hold
// dots.)
func mappingKey(m *yaml.Node, path string) int {
	best := -1
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := m.Content[i].Value
		if !strings.HasPrefix(path, k) || (len(path) > len(k) && path[len(k)] != '.' && path[len(k)] != '[') {
			continue
		}
		if best < 0 || len(k) > len(m.Content[best].Value) {
			best = i
		}
	}
	return best
}
