package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	js "github.com/dynamodel/dynamodel/internal/jsonshape"
)

// The resource types the loader reads from a template.
const (
	simpleTableType = "AWS::Serverless::SimpleTable"
	globalTableType = "AWS::DynamoDB::GlobalTable"
)

// isTemplate reports whether a decoded document is a CloudFormation or SAM
// template rather than a table definition.
func isTemplate(doc map[string]any) bool {
	if _, ok := doc["TableName"]; ok {
		return false
	}
	_, resources := doc["Resources"]
	_, version := doc["AWSTemplateFormatVersion"]
	_, transform := doc["Transform"]
	return resources || version || transform
}

// parseTemplate reads the tables of a template: each AWS::DynamoDB::Table
// resource, and each AWS::Serverless::SimpleTable translated as SAM does,
// in the order of the template. order is the order of the Resources keys.
func parseTemplate(file string, doc map[string]any, order []string) ([]*Table, error) {
	resources, ok := doc["Resources"].(map[string]any)
	if !ok {
		return nil, &Error{File: file, Path: "Resources", Msg: "want an object of resources, got " + js.Describe(doc["Resources"])}
	}
	if len(order) != len(resources) {
		order = slices.Sorted(mapKeys(resources))
	}
	simpleDefaults := map[string]any{}
	if g, ok := doc["Globals"].(map[string]any); ok {
		if d, ok := g["SimpleTable"].(map[string]any); ok {
			simpleDefaults = d
		}
	}
	var out []*Table
	for _, id := range order {
		r, ok := resources[id].(map[string]any)
		if !ok {
			continue // not a resource CloudFormation would take either
		}
		path := "Resources." + id
		var t *Table
		var err error
		switch r["Type"] {
		case TableResourceType:
			t, err = tableResource(file, id, r["Properties"])
		case simpleTableType:
			t, err = simpleTable(file, id, r["Properties"], simpleDefaults)
		case globalTableType:
			return nil, &Error{File: file, Path: path + ".Type", Msg: globalTableType + " is not supported: give each replica's table as an " + TableResourceType}
		default:
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, prev := range out {
			if prev.Name() == t.Name() {
				return nil, &Error{File: file, Path: path + ".Properties.TableName", Msg: fmt.Sprintf("table %q is also resource %s", t.Name(), prev.logicalID)}
			}
		}
		out = append(out, t)
	}
	if len(out) == 0 {
		return nil, &Error{File: file, Path: "Resources", Msg: "no " + TableResourceType + " or " + simpleTableType + " resources"}
	}
	return out, nil
}

func mapKeys(m map[string]any) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// How the loader treats each property of AWS::DynamoDB::Table when an
// intrinsic function gives it (or part of it).
const (
	needed    = iota // the table cannot be defined without it: an error
	unmanaged        // Apply and Diff leave the setting alone
	ignored          // the loader does not use it
)

// tableProperties lists the properties of AWS::DynamoDB::Table, with how
// each is treated and, for unmanaged ones, the setting (Difference path)
// Apply leaves alone.
var tableProperties = map[string]struct {
	use     int
	setting string
}{
	"TableName":                        {needed, ""},
	"AttributeDefinitions":             {needed, ""},
	"KeySchema":                        {needed, ""},
	"GlobalSecondaryIndexes":           {needed, ""},
	"LocalSecondaryIndexes":            {needed, ""},
	"BillingMode":                      {needed, ""},
	"ProvisionedThroughput":            {needed, ""},
	"OnDemandThroughput":               {unmanaged, "OnDemandThroughput"},
	"WarmThroughput":                   {unmanaged, "WarmThroughput"},
	"StreamSpecification":              {unmanaged, "StreamSpecification"},
	"SSESpecification":                 {unmanaged, "SSESpecification"},
	"Tags":                             {unmanaged, "Tags"},
	"TableClass":                       {unmanaged, "TableClass"},
	"DeletionProtectionEnabled":        {unmanaged, "DeletionProtectionEnabled"},
	"TimeToLiveSpecification":          {unmanaged, "TimeToLive"},
	"PointInTimeRecoverySpecification": {unmanaged, "PointInTimeRecovery"},
	"ResourcePolicy":                   {unmanaged, ""},
	"ContributorInsightsSpecification": {ignored, ""},
	"KinesisStreamSpecification":       {ignored, ""},
	"ImportSourceSpecification":        {ignored, ""},
}

// Index properties that may come from intrinsic functions: the index's
// setting is left alone.
var indexUnmanaged = map[string]bool{"OnDemandThroughput": true, "WarmThroughput": true, "ContributorInsightsSpecification": true}

// tableResource reads the properties of an AWS::DynamoDB::Table resource.
func tableResource(file, id string, props any) (*Table, error) {
	base := "Resources." + id + ".Properties"
	fail := func(path, msg string) (*Table, error) {
		if path != "" {
			path = "." + path
		}
		return nil, &Error{File: file, Path: base + path, Msg: msg}
	}
	p, ok := props.(map[string]any)
	if !ok {
		return fail("", "want an object of properties, got "+js.Describe(props))
	}
	if fn, at := findIntrinsic(p, ""); fn != "" && at == "" {
		return fail("", fn+" cannot be resolved, and the loader needs the properties")
	}
	t := &Table{Source: file + "#" + id, logicalID: id}
	in := map[string]any{}
	for _, name := range slices.Sorted(mapKeys(p)) {
		v := p[name]
		prop, known := tableProperties[name]
		if !known {
			return fail(name, "unknown property of "+TableResourceType)
		}
		if name == "GlobalSecondaryIndexes" {
			t.dropped = append(t.dropped, droppedIndexProperties(v)...)
		}
		if fn, at := findIntrinsic(v, name); fn != "" {
			if prop.use != needed {
				t.dropped = append(t.dropped, name)
			}
			switch {
			case prop.use == needed && name == "TableName":
				return fail(at, fn+" cannot be resolved, and the loader needs the table's name: give it as a string, or leave TableName out to name the table after its logical id")
			case prop.use == needed && name == "GlobalSecondaryIndexes":
				skip, err := indexIntrinsics(v)
				if err != "" {
					return fail(err, fn+" cannot be resolved, and the loader needs this value")
				}
				t.unmanaged = append(t.unmanaged, skip...)
			case prop.use == needed:
				return fail(at, fn+" cannot be resolved, and the loader needs this value")
			case prop.use == unmanaged:
				if prop.setting != "" {
					t.unmanaged = append(t.unmanaged, prop.setting)
				}
				continue
			}
		}
		if prop.use == ignored {
			t.dropped = append(t.dropped, name)
			continue
		}
		if err := translate(t, in, name, normalize(v, name)); err != nil {
			return fail(err.path, err.msg)
		}
	}
	if _, named := in["TableName"]; !named {
		in["TableName"] = id
	}
	data, err := json.Marshal(in)
	if err != nil {
		return fail("", err.Error())
	}
	if err := parseCreateTable(t, data); err != nil {
		if se, ok := err.(*Error); ok {
			se.File, se.Path = file, joinPath(base, cfnPath(se.Path))
		}
		return nil, err
	}
	return t, nil
}

// indexIntrinsics finds intrinsic functions in global secondary indexes.
// Those in an index's OnDemandThroughput, WarmThroughput or
// ContributorInsightsSpecification leave that setting alone (they are
// removed from v, and their Difference paths returned); any other is
// returned as the path of a value the loader needs.
func indexIntrinsics(v any) (unmanagedPaths []string, neededAt string) {
	list, ok := v.([]any)
	if !ok {
		return nil, "GlobalSecondaryIndexes"
	}
	for i, e := range list {
		ix, ok := e.(map[string]any)
		path := fmt.Sprintf("GlobalSecondaryIndexes[%d]", i)
		if !ok {
			return nil, path
		}
		if fn, at := findIntrinsic(ix, path); fn != "" && at == path {
			return nil, path // the whole index
		}
		name, _ := ix["IndexName"].(string)
		for _, k := range slices.Sorted(mapKeys(ix)) {
			fn, at := findIntrinsic(ix[k], path+"."+k)
			switch {
			case fn == "":
			case indexUnmanaged[k] && name != "":
				if k != "ContributorInsightsSpecification" {
					unmanagedPaths = append(unmanagedPaths, "GlobalSecondaryIndexes["+name+"]."+k)
				}
				delete(ix, k)
			default:
				return nil, at
			}
		}
	}
	return unmanagedPaths, ""
}

// droppedIndexProperties returns the paths of the index properties the
// loader leaves out of global secondary indexes v: each
// ContributorInsightsSpecification, and what intrinsic functions give of
// the ones it may leave alone (indexUnmanaged).
func droppedIndexProperties(v any) []string {
	list, _ := v.([]any)
	var out []string
	for i, e := range list {
		ix, _ := e.(map[string]any)
		for _, k := range slices.Sorted(mapKeys(ix)) {
			if fn, _ := findIntrinsic(ix[k], ""); k == "ContributorInsightsSpecification" || (indexUnmanaged[k] && fn != "") {
				out = append(out, fmt.Sprintf("GlobalSecondaryIndexes[%d].%s", i, k))
			}
		}
	}
	return out
}

// findIntrinsic returns the name of the first intrinsic function in v
// ("Ref", "Fn::Sub"...) and its path, or "".
func findIntrinsic(v any, path string) (name, at string) {
	switch x := v.(type) {
	case map[string]any:
		if len(x) == 1 {
			for k := range x {
				if k == "Ref" || k == "Condition" || strings.HasPrefix(k, "Fn::") {
					return k, path
				}
			}
		}
		for _, k := range slices.Sorted(mapKeys(x)) {
			if name, at := findIntrinsic(x[k], path+"."+k); name != "" {
				return name, at
			}
		}
	case []any:
		for i, e := range x {
			if name, at := findIntrinsic(e, fmt.Sprintf("%s[%d]", path, i)); name != "" {
				return name, at
			}
		}
	}
	return "", ""
}

// Property names whose values CloudFormation takes as strings as well as
// numbers or booleans ("5", "true").
var (
	numberProps = map[string]bool{
		"ReadCapacityUnits": true, "WriteCapacityUnits": true, "MaxReadRequestUnits": true, "MaxWriteRequestUnits": true,
		"ReadUnitsPerSecond": true, "WriteUnitsPerSecond": true, "RecoveryPeriodInDays": true,
	}
	boolProps = map[string]bool{
		"SSEEnabled": true, "Enabled": true, "PointInTimeRecoveryEnabled": true, "DeletionProtectionEnabled": true,
	}
)

// normalize turns the strings CloudFormation accepts for numbers and
// booleans into numbers and booleans; v's name is name.
func normalize(v any, name string) any {
	switch x := v.(type) {
	case string:
		if numberProps[name] && json.Valid([]byte(x)) && x != "" && (x[0] == '-' || (x[0] >= '0' && x[0] <= '9')) {
			return json.Number(x)
		}
		if boolProps[name] && (x == "true" || x == "false") {
			return x == "true"
		}
	case map[string]any:
		for k, e := range x {
			x[k] = normalize(e, k)
		}
	case []any:
		for i, e := range x {
			x[i] = normalize(e, name)
		}
	}
	return v
}

// A propertyError is a problem with one property, at a path relative to
// the properties.
type propertyError struct{ path, msg string }

// translate puts one CloudFormation property into the create-table input
// in (or, for what a create-table input cannot hold, into t).
func translate(t *Table, in map[string]any, name string, v any) *propertyError {
	switch name {
	case "StreamSpecification":
		s, ok := v.(map[string]any)
		if !ok {
			return &propertyError{name, "want an object, got " + js.Describe(v)}
		}
		view, ok := s["StreamViewType"]
		if !ok {
			return &propertyError{name + ".StreamViewType", "required field is missing"}
		}
		in[name] = map[string]any{"StreamEnabled": true, "StreamViewType": view}
	case "SSESpecification":
		s, ok := v.(map[string]any)
		if !ok {
			return &propertyError{name, "want an object, got " + js.Describe(v)}
		}
		out := map[string]any{}
		for _, k := range slices.Sorted(mapKeys(s)) { // sorted: the first unknown field reported is always the same
			e := s[k]
			switch k {
			case "SSEEnabled":
				out["Enabled"] = e
			case "SSEType", "KMSMasterKeyId":
				out[k] = e
			default:
				return &propertyError{name + "." + k, "unknown field"}
			}
		}
		if _, ok := s["SSEEnabled"]; !ok {
			return &propertyError{name + ".SSEEnabled", "required field is missing"}
		}
		in[name] = out
	case "TimeToLiveSpecification":
		s, ok := v.(map[string]any)
		enabled, okE := s["Enabled"].(bool)
		attr, okA := s["AttributeName"].(string)
		unknown, badAttr := unknownField(s, "Enabled", "AttributeName"), checkTimeToLiveAttribute(attr)
		switch {
		case !ok:
			return &propertyError{name, "want an object, got " + js.Describe(v)}
		case unknown != "":
			return &propertyError{name + "." + unknown, "unknown field"}
		case !okE:
			return &propertyError{name + ".Enabled", "want true or false, got " + js.Describe(s["Enabled"])}
		case enabled && (!okA || attr == ""):
			return &propertyError{name + ".AttributeName", "required when Enabled is true"}
		case badAttr != "":
			return &propertyError{name + ".AttributeName", badAttr}
		case !enabled:
			attr = ""
		}
		t.timeToLive = &attr
	case "PointInTimeRecoverySpecification":
		s, ok := v.(map[string]any)
		enabled, okE := s["PointInTimeRecoveryEnabled"].(bool)
		if f := unknownField(s, "PointInTimeRecoveryEnabled", "RecoveryPeriodInDays"); f != "" {
			return &propertyError{name + "." + f, "unknown field"}
		}
		if !ok || !okE {
			return &propertyError{name + ".PointInTimeRecoveryEnabled", "want true or false"}
		}
		if _, period := s["RecoveryPeriodInDays"]; period {
			t.dropped = append(t.dropped, name+".RecoveryPeriodInDays")
		}
		t.pitr = &enabled
	case "ResourcePolicy":
		s, ok := v.(map[string]any)
		doc, okD := s["PolicyDocument"]
		if !ok || !okD {
			return &propertyError{name + ".PolicyDocument", "required field is missing"}
		}
		if str, isString := doc.(string); isString {
			in[name] = str
			break
		}
		b, err := json.Marshal(doc)
		if err != nil {
			return &propertyError{name + ".PolicyDocument", err.Error()}
		}
		in[name] = string(b)
	case "GlobalSecondaryIndexes":
		if list, ok := v.([]any); ok {
			for _, e := range list {
				if ix, ok := e.(map[string]any); ok {
					delete(ix, "ContributorInsightsSpecification")
				}
			}
		}
		in[name] = v
	default:
		in[name] = v
	}
	return nil
}

// unknownField returns the first key of m, in sorted order, that is not
// one of known, or "".
func unknownField(m map[string]any, known ...string) string {
	for _, k := range slices.Sorted(mapKeys(m)) {
		if !slices.Contains(known, k) {
			return k
		}
	}
	return ""
}

// cfnPath turns a create-table input's field path into the
// CloudFormation property's.
func cfnPath(p string) string {
	if rest, ok := strings.CutPrefix(p, "SSESpecification.Enabled"); ok {
		return "SSESpecification.SSEEnabled" + rest
	}
	return p
}

// simpleTable translates an AWS::Serverless::SimpleTable as SAM does: a
// table with a hash key (PrimaryKey, by default id of type String), on
// demand unless it has ProvisionedThroughput; the Globals section's
// SimpleTable properties are its defaults.
func simpleTable(file, id string, props any, defaults map[string]any) (*Table, error) {
	base := "Resources." + id + ".Properties"
	p := map[string]any{}
	for k, v := range defaults {
		p[k] = v
	}
	if props != nil {
		given, ok := props.(map[string]any)
		if !ok {
			return nil, &Error{File: file, Path: base, Msg: "want an object of properties, got " + js.Describe(props)}
		}
		if fn, at := findIntrinsic(given, ""); fn != "" && at == "" {
			return nil, &Error{File: file, Path: base, Msg: fn + " cannot be resolved, and the loader needs the properties"}
		}
		for k, v := range given {
			p[k] = v
		}
	}
	key := map[string]any{"Name": "id", "Type": "String"}
	if pk, ok := p["PrimaryKey"]; ok {
		if fn, at := findIntrinsic(pk, "PrimaryKey"); fn != "" {
			return nil, &Error{File: file, Path: joinPath(base, at), Msg: fn + " cannot be resolved, and the loader needs this value"}
		}
		m, ok := pk.(map[string]any)
		if !ok {
			return nil, &Error{File: file, Path: base + ".PrimaryKey", Msg: "want an object, got " + js.Describe(pk)}
		}
		key = m
	}
	if name, ok := key["Name"].(string); !ok || name == "" {
		return nil, &Error{File: file, Path: base + ".PrimaryKey.Name", Msg: "want the key attribute's name, got " + js.Describe(key["Name"])}
	}
	types := map[string]string{"String": "S", "Number": "N", "Binary": "B"}
	typ, ok := key["Type"].(string)
	if !ok || types[typ] == "" {
		return nil, &Error{File: file, Path: base + ".PrimaryKey.Type", Msg: "want one of String, Number, Binary, got " + js.Describe(key["Type"])}
	}
	out := map[string]any{
		"AttributeDefinitions": []any{map[string]any{"AttributeName": key["Name"], "AttributeType": types[typ]}},
		"KeySchema":            []any{map[string]any{"AttributeName": key["Name"], "KeyType": "HASH"}},
	}
	for _, k := range slices.Sorted(mapKeys(p)) { // sorted: the first error reported is always the same
		v := p[k]
		switch k {
		case "PrimaryKey":
		case "TableName", "ProvisionedThroughput", "SSESpecification", "PointInTimeRecoverySpecification":
			out[k] = v
		case "Tags":
			tags, ok := v.(map[string]any)
			if !ok {
				if fn, _ := findIntrinsic(v, k); fn != "" {
					out[k] = v // left alone, as for a table
					continue
				}
				return nil, &Error{File: file, Path: base + ".Tags", Msg: "want an object of tags, got " + js.Describe(v)}
			}
			var list []any
			for _, tk := range slices.Sorted(mapKeys(tags)) {
				list = append(list, map[string]any{"Key": tk, "Value": tags[tk]})
			}
			out[k] = list
		default:
			return nil, &Error{File: file, Path: base + "." + k, Msg: "unknown property of " + simpleTableType}
		}
	}
	if _, ok := out["ProvisionedThroughput"]; !ok {
		out["BillingMode"] = "PAY_PER_REQUEST"
	}
	t, err := tableResource(file, id, out)
	if err != nil {
		return nil, err
	}
	t.Source = file + "#" + id
	return t, nil
}

// parseCreateTable checks and decodes a create-table input into t.
func parseCreateTable(t *Table, data []byte) error {
	doc, err := decodeJSON(data)
	if err != nil {
		return &Error{Msg: err.Error()}
	}
	if p, msg := createTableShape.Check(doc, ""); msg != "" {
		return &Error{Path: p, Msg: msg}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&t.input); err != nil {
		return &Error{Msg: err.Error()}
	}
	if err := validate("", &t.input); err != nil {
		return err
	}
	return nil
}
