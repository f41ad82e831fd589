package schema

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// A check is one way a live table differs from its definition, with the
// calls that remove the difference, in order; none when Apply cannot (keys,
// local secondary indexes) or the options do not let it (index changes
// without AddIndexes or DeleteIndexes).
type check struct {
	Difference
	steps []step
}

// update is the check as the Update that makes it.
func (c check) update() Update {
	calls := make([]string, 0, len(c.steps))
	for _, s := range c.steps {
		if !slices.Contains(calls, s.call()) {
			calls = append(calls, s.call())
		}
	}
	return Update{Difference: c.Difference, Call: strings.Join(calls, ", ")}
}

// comparison builds the checks of one table, in the order Apply makes the
// changes: index deletions, billing mode, capacity, index additions, then
// the other settings. A setting changes in calls of its own, one change per
// call, as DynamoDB requires of index and stream changes.
type comparison struct {
	name       string // the live table's name
	want, live *state
	o          Options
	checks     []check
}

// compare lists how live differs from want, the table called name.
func compare(name string, want, live *state, o Options) []check {
	c := &comparison{name: name, want: want, live: live, o: o}
	c.add("KeySchema", renderKeys(want.in.KeySchema, want.in.AttributeDefinitions), renderKeys(live.in.KeySchema, live.in.AttributeDefinitions))
	wantLocal, wantGlobal := renderIndexes(&want.in)
	liveLocal, liveGlobal := renderIndexes(&live.in)
	for _, ix := range sortedUnion(wantLocal, liveLocal) {
		c.add("LocalSecondaryIndexes["+ix+"]", wantLocal[ix], liveLocal[ix])
	}
	for _, ix := range sortedUnion(wantGlobal, liveGlobal) {
		if _, kept := wantGlobal[ix]; !kept {
			c.deleteIndex(ix, liveGlobal[ix])
		}
	}
	c.billing()
	c.capacity()
	for _, ix := range sortedUnion(wantGlobal, liveGlobal) {
		if w, l := wantGlobal[ix], liveGlobal[ix]; w != "" && w != l {
			c.addIndex(ix, w, l)
		}
	}
	c.stream()
	c.encryption()
	c.add("TableClass", tableClass(want.in.TableClass), tableClass(live.in.TableClass),
		c.updateTable(func(in *dynamodb.UpdateTableInput) { in.TableClass = tableClassOf(want.in.TableClass) }))
	c.add("DeletionProtectionEnabled", onOff(aws.ToBool(want.in.DeletionProtectionEnabled)), onOff(aws.ToBool(live.in.DeletionProtectionEnabled)),
		c.updateTable(func(in *dynamodb.UpdateTableInput) {
			in.DeletionProtectionEnabled = aws.Bool(aws.ToBool(want.in.DeletionProtectionEnabled))
		}))
	c.timeToLive()
	if want.pitr != nil && live.pitr != nil {
		c.add("PointInTimeRecovery", onOff(*want.pitr), onOff(*live.pitr), step{pitr: &dynamodb.UpdateContinuousBackupsInput{
			TableName:                        &c.name,
			PointInTimeRecoverySpecification: &types.PointInTimeRecoverySpecification{PointInTimeRecoveryEnabled: want.pitr},
		}})
	}
	c.tags()
	return c.checks
}

// add records a check when file and live differ and the definition manages
// the setting at path.
func (c *comparison) add(path, file, live string, steps ...step) {
	if file == live || c.want.unmanaged[path] {
		return
	}
	c.checks = append(c.checks, check{Difference{Path: path, File: file, Live: live}, steps})
}

// updateTable is an UpdateTable step on the table, filled in by set.
func (c *comparison) updateTable(set func(in *dynamodb.UpdateTableInput)) step {
	in := &dynamodb.UpdateTableInput{TableName: &c.name}
	set(in)
	return step{table: in}
}

func (c *comparison) wantIndex(name string) *types.GlobalSecondaryIndex {
	for i, ix := range c.want.in.GlobalSecondaryIndexes {
		if aws.ToString(ix.IndexName) == name {
			return &c.want.in.GlobalSecondaryIndexes[i]
		}
	}
	return nil
}

func (c *comparison) liveIndex(name string) *types.GlobalSecondaryIndex {
	for i, ix := range c.live.in.GlobalSecondaryIndexes {
		if aws.ToString(ix.IndexName) == name {
			return &c.live.in.GlobalSecondaryIndexes[i]
		}
	}
	return nil
}

// deleteIndex checks a global secondary index the live table has and the
// definition lacks: Apply deletes it with Options.DeleteIndexes.
func (c *comparison) deleteIndex(ix, live string) {
	var steps []step
	if c.o.DeleteIndexes {
		steps = append(steps, c.dropIndex(ix))
	}
	c.add("GlobalSecondaryIndexes["+ix+"]", "", live, steps...)
}

// addIndex checks a global secondary index the live table lacks (live is
// ""), or has with other keys or projection: Apply makes it with
// Options.AddIndexes, deleting the old one first with DeleteIndexes.
func (c *comparison) addIndex(ix, want, live string) {
	var steps []step
	switch {
	case live == "" && c.o.AddIndexes:
		steps = []step{c.createIndex(ix)}
	case live != "" && c.o.AddIndexes && c.o.DeleteIndexes:
		steps = []step{c.dropIndex(ix), c.createIndex(ix)}
	}
	c.add("GlobalSecondaryIndexes["+ix+"]", want, live, steps...)
}

func (c *comparison) dropIndex(ix string) step {
	return c.updateTable(func(in *dynamodb.UpdateTableInput) {
		in.GlobalSecondaryIndexUpdates = []types.GlobalSecondaryIndexUpdate{{Delete: &types.DeleteGlobalSecondaryIndexAction{IndexName: aws.String(ix)}}}
	})
}

// createIndex makes the definition's index ix. The request carries the
// table's attribute definitions and the new index's: the service wants the
// new key attributes, and some engines replace the whole list.
func (c *comparison) createIndex(ix string) step {
	w := c.wantIndex(ix)
	defs := slices.Clone(c.live.in.AttributeDefinitions)
	for _, k := range w.KeySchema {
		name := aws.ToString(k.AttributeName)
		if !slices.ContainsFunc(defs, func(d types.AttributeDefinition) bool { return aws.ToString(d.AttributeName) == name }) {
			defs = append(defs, types.AttributeDefinition{AttributeName: k.AttributeName, AttributeType: attrType(c.want.in.AttributeDefinitions, name)})
		}
	}
	return c.updateTable(func(in *dynamodb.UpdateTableInput) {
		in.AttributeDefinitions = defs
		in.GlobalSecondaryIndexUpdates = []types.GlobalSecondaryIndexUpdate{{Create: &types.CreateGlobalSecondaryIndexAction{
			IndexName:             w.IndexName,
			KeySchema:             w.KeySchema,
			Projection:            w.Projection,
			ProvisionedThroughput: w.ProvisionedThroughput,
			OnDemandThroughput:    w.OnDemandThroughput,
			WarmThroughput:        w.WarmThroughput,
		}}}
	})
}

// billing checks the billing mode. Switching to provisioned capacity sets
// the table's and every index's throughput in the same call, as DynamoDB
// requires.
func (c *comparison) billing() {
	want := billingMode(c.want.in.BillingMode)
	c.add("BillingMode", want, billingMode(c.live.in.BillingMode), c.updateTable(func(in *dynamodb.UpdateTableInput) {
		in.BillingMode = types.BillingMode(want)
		if want != string(types.BillingModeProvisioned) {
			return
		}
		in.ProvisionedThroughput = c.want.in.ProvisionedThroughput
		for _, l := range c.live.in.GlobalSecondaryIndexes {
			if w := c.wantIndex(aws.ToString(l.IndexName)); w != nil && w.ProvisionedThroughput != nil {
				in.GlobalSecondaryIndexUpdates = append(in.GlobalSecondaryIndexUpdates, types.GlobalSecondaryIndexUpdate{Update: &types.UpdateGlobalSecondaryIndexAction{
					IndexName: l.IndexName, ProvisionedThroughput: w.ProvisionedThroughput,
				}})
			}
		}
	}))
}

// capacity checks the table's and its indexes' throughput, on-demand
// maximums and warm throughput, once the billing mode matches.
func (c *comparison) capacity() {
	if billingMode(c.want.in.BillingMode) != billingMode(c.live.in.BillingMode) {
		return // the billing mode's change sets them
	}
	onDemand := c.want.in.BillingMode == types.BillingModePayPerRequest
	w, l := &c.want.in, &c.live.in
	if onDemand {
		c.add("OnDemandThroughput", renderOnDemand(w.OnDemandThroughput), renderOnDemand(l.OnDemandThroughput),
			c.updateTable(func(in *dynamodb.UpdateTableInput) { in.OnDemandThroughput = onDemandRequest(w.OnDemandThroughput) }))
	} else {
		c.add("ProvisionedThroughput", renderThroughput(w.ProvisionedThroughput), renderThroughput(l.ProvisionedThroughput),
			c.updateTable(func(in *dynamodb.UpdateTableInput) { in.ProvisionedThroughput = w.ProvisionedThroughput }))
	}
	if file, live, ok := compareWarm(w.WarmThroughput, l.WarmThroughput); ok {
		c.add("WarmThroughput", file, live, c.updateTable(func(in *dynamodb.UpdateTableInput) { in.WarmThroughput = w.WarmThroughput }))
	}
	_, wantGlobal := renderIndexes(w)
	_, liveGlobal := renderIndexes(l)
	for _, ix := range w.GlobalSecondaryIndexes {
		name := aws.ToString(ix.IndexName)
		live := c.liveIndex(name)
		if live == nil || wantGlobal[name] != liveGlobal[name] {
			continue // set when the index is made
		}
		path := "GlobalSecondaryIndexes[" + name + "]."
		update := func(set func(u *types.UpdateGlobalSecondaryIndexAction)) step {
			return c.updateTable(func(in *dynamodb.UpdateTableInput) {
				u := &types.UpdateGlobalSecondaryIndexAction{IndexName: ix.IndexName}
				set(u)
				in.GlobalSecondaryIndexUpdates = []types.GlobalSecondaryIndexUpdate{{Update: u}}
			})
		}
		if onDemand {
			c.add(path+"OnDemandThroughput", renderOnDemand(ix.OnDemandThroughput), renderOnDemand(live.OnDemandThroughput),
				update(func(u *types.UpdateGlobalSecondaryIndexAction) {
					u.OnDemandThroughput = onDemandRequest(ix.OnDemandThroughput)
				}))
		} else {
			c.add(path+"ProvisionedThroughput", renderThroughput(ix.ProvisionedThroughput), renderThroughput(live.ProvisionedThroughput),
				update(func(u *types.UpdateGlobalSecondaryIndexAction) { u.ProvisionedThroughput = ix.ProvisionedThroughput }))
		}
		if file, lv, ok := compareWarm(ix.WarmThroughput, live.WarmThroughput); ok {
			c.add(path+"WarmThroughput", file, lv, update(func(u *types.UpdateGlobalSecondaryIndexAction) { u.WarmThroughput = ix.WarmThroughput }))
		}
	}
}

// stream checks the table's stream: a different view type is a new stream,
// so the old one is turned off first, in a call of its own.
func (c *comparison) stream() {
	want, live := streamView(c.want.in.StreamSpecification), streamView(c.live.in.StreamSpecification)
	var steps []step
	if live != "" {
		steps = append(steps, c.updateTable(func(in *dynamodb.UpdateTableInput) {
			in.StreamSpecification = &types.StreamSpecification{StreamEnabled: aws.Bool(false)}
		}))
	}
	if want != "" {
		steps = append(steps, c.updateTable(func(in *dynamodb.UpdateTableInput) {
			in.StreamSpecification = &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewType(want)}
		}))
	}
	c.add("StreamSpecification", orDisabled(want), orDisabled(live), steps...)
}

// encryption checks server-side encryption: an AWS owned key (the
// default), or a KMS key, AWS managed unless the file names one.
func (c *comparison) encryption() {
	want := c.want.in.SSESpecification
	key := sseKey(want)
	file, live := renderSSE(want, key), renderSSE(c.live.in.SSESpecification, key)
	c.add("SSESpecification", file, live, c.updateTable(func(in *dynamodb.UpdateTableInput) {
		if want == nil || !aws.ToBool(want.Enabled) {
			in.SSESpecification = &types.SSESpecification{Enabled: aws.Bool(false)}
			return
		}
		in.SSESpecification = &types.SSESpecification{Enabled: aws.Bool(true), SSEType: want.SSEType, KMSMasterKeyId: want.KMSMasterKeyId}
		if in.SSESpecification.SSEType == "" {
			in.SSESpecification.SSEType = types.SSETypeKms
		}
	}))
}

// timeToLive checks the time-to-live attribute when the definition or the
// options name one. Another attribute takes turning time to live off
// first.
func (c *comparison) timeToLive() {
	if c.want.ttl == nil || c.live.ttl == nil {
		return
	}
	want, live := *c.want.ttl, *c.live.ttl
	var steps []step
	switch {
	case live != "" && want != "":
		// Another attribute: DynamoDB refuses a second UpdateTimeToLive
		// on a table for an hour after the first, so turning time to
		// live off and on again would fail half-way and leave it off.
		// The difference is reported, not made.
	case live != "":
		steps = append(steps, step{ttl: &dynamodb.UpdateTimeToLiveInput{TableName: &c.name, TimeToLiveSpecification: &types.TimeToLiveSpecification{
			AttributeName: aws.String(live), Enabled: aws.Bool(false),
		}}})
	case want != "":
		steps = append(steps, step{ttl: &dynamodb.UpdateTimeToLiveInput{TableName: &c.name, TimeToLiveSpecification: &types.TimeToLiveSpecification{
			AttributeName: aws.String(want), Enabled: aws.Bool(true),
		}}})
	}
	c.add("TimeToLive", orDisabled(want), orDisabled(live), steps...)
}

// tags checks the table's tags: TagResource sets the missing and changed
// ones, UntagResource removes the others.
func (c *comparison) tags() {
	want, live := c.want.tags, c.live.tags
	var set []types.Tag
	var remove []string
	for _, k := range slices.Sorted(maps.Keys(want)) {
		if v, ok := live[k]; !ok || v != want[k] {
			set = append(set, types.Tag{Key: aws.String(k), Value: aws.String(want[k])})
		}
	}
	for _, k := range slices.Sorted(maps.Keys(live)) {
		if _, ok := want[k]; !ok {
			remove = append(remove, k)
		}
	}
	var steps []step
	if len(set) > 0 {
		steps = append(steps, step{tag: &dynamodb.TagResourceInput{ResourceArn: &c.live.arn, Tags: set}})
	}
	if len(remove) > 0 {
		steps = append(steps, step{untag: &dynamodb.UntagResourceInput{ResourceArn: &c.live.arn, TagKeys: remove}})
	}
	c.add("Tags", renderTags(want), renderTags(live), steps...)
}

// renderIndexes renders a table's local and global secondary indexes, by
// name.
func renderIndexes(in *dynamodb.CreateTableInput) (local, global map[string]string) {
	local, global = map[string]string{}, map[string]string{}
	for _, ix := range in.LocalSecondaryIndexes {
		local[aws.ToString(ix.IndexName)] = renderIndex(ix.KeySchema, ix.Projection, in.AttributeDefinitions)
	}
	for _, ix := range in.GlobalSecondaryIndexes {
		global[aws.ToString(ix.IndexName)] = renderIndex(ix.KeySchema, ix.Projection, in.AttributeDefinitions)
	}
	return local, global
}

func sortedUnion(a, b map[string]string) []string {
	var names []string
	for k := range a {
		names = append(names, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	return names
}

// renderKeys renders a key schema with attribute types: "email S HASH, at N RANGE".
func renderKeys(ks []types.KeySchemaElement, defs []types.AttributeDefinition) string {
	parts := make([]string, len(ks))
	for i, k := range ks {
		name := aws.ToString(k.AttributeName)
		parts[i] = fmt.Sprintf("%s %s %s", name, attrType(defs, name), k.KeyType)
	}
	return strings.Join(parts, ", ")
}

func attrType(defs []types.AttributeDefinition, name string) types.ScalarAttributeType {
	for _, d := range defs {
		if aws.ToString(d.AttributeName) == name {
			return d.AttributeType
		}
	}
	return ""
}

func renderIndex(ks []types.KeySchemaElement, p *types.Projection, defs []types.AttributeDefinition) string {
	s := renderKeys(ks, defs)
	if p == nil {
		return s
	}
	s += "; projection " + string(p.ProjectionType)
	if len(p.NonKeyAttributes) > 0 {
		attrs := slices.Clone(p.NonKeyAttributes)
		slices.Sort(attrs)
		s += " " + strings.Join(attrs, " ")
	}
	return s
}

func billingMode(m types.BillingMode) string {
	if m == "" {
		return string(types.BillingModeProvisioned)
	}
	return string(m)
}

func renderThroughput(p *types.ProvisionedThroughput) string {
	if p == nil {
		return ""
	}
	return fmt.Sprintf("read %d, write %d", aws.ToInt64(p.ReadCapacityUnits), aws.ToInt64(p.WriteCapacityUnits))
}

// renderOnDemand renders on-demand maximums; none (or -1) is no maximum.
func renderOnDemand(p *types.OnDemandThroughput) string {
	var r, w *int64
	if p != nil {
		r, w = p.MaxReadRequestUnits, p.MaxWriteRequestUnits
	}
	limit := func(v *int64) string {
		if v == nil || *v < 0 {
			return "no maximum"
		}
		return fmt.Sprint(*v)
	}
	return fmt.Sprintf("max read %s, max write %s", limit(r), limit(w))
}

// onDemandRequest is the UpdateTable form of p: -1 lifts a maximum.
func onDemandRequest(p *types.OnDemandThroughput) *types.OnDemandThroughput {
	out := &types.OnDemandThroughput{MaxReadRequestUnits: aws.Int64(-1), MaxWriteRequestUnits: aws.Int64(-1)}
	if p != nil && p.MaxReadRequestUnits != nil {
		out.MaxReadRequestUnits = p.MaxReadRequestUnits
	}
	if p != nil && p.MaxWriteRequestUnits != nil {
		out.MaxWriteRequestUnits = p.MaxWriteRequestUnits
	}
	return out
}

// compareWarm compares warm throughput when the definition asks for some:
// a table warmer than asked for (every table has some) matches. ok is false
// when there is nothing to compare.
func compareWarm(want, live *types.WarmThroughput) (file, table string, ok bool) {
	if want == nil || (want.ReadUnitsPerSecond == nil && want.WriteUnitsPerSecond == nil) {
		return "", "", false
	}
	if live == nil {
		live = &types.WarmThroughput{}
	}
	var f, l []string
	for _, x := range []struct {
		what       string
		want, live *int64
	}{{"read", want.ReadUnitsPerSecond, live.ReadUnitsPerSecond}, {"write", want.WriteUnitsPerSecond, live.WriteUnitsPerSecond}} {
		if x.want == nil {
			continue
		}
		f = append(f, fmt.Sprintf("%s %d/s", x.what, *x.want))
		if x.live != nil && *x.live >= *x.want {
			l = append(l, fmt.Sprintf("%s %d/s", x.what, *x.want)) // enough: render as asked
		} else {
			l = append(l, fmt.Sprintf("%s %d/s", x.what, aws.ToInt64(x.live)))
		}
	}
	return strings.Join(f, ", "), strings.Join(l, ", "), true
}

func streamView(s *types.StreamSpecification) string {
	if s == nil || !aws.ToBool(s.StreamEnabled) {
		return ""
	}
	return string(s.StreamViewType)
}

func orDisabled(s string) string {
	if s == "" {
		return "disabled"
	}
	return s
}

func onOff(b bool) string {
	if b {
		return "enabled"
	}
	return "disabled"
}

// sseKey is the KMS key a definition names, if any.
func sseKey(s *types.SSESpecification) string {
	if s == nil || !aws.ToBool(s.Enabled) {
		return ""
	}
	return aws.ToString(s.KMSMasterKeyId)
}

// renderSSE renders server-side encryption. A live table reports its key
// as an ARN; wantKey, the key the definition names (an id, ARN or alias),
// stands for it when it matches. Without a key named, any KMS key matches.
func renderSSE(s *types.SSESpecification, wantKey string) string {
	if s == nil || !aws.ToBool(s.Enabled) {
		return "AWS owned key"
	}
	typ := s.SSEType
	if typ == "" {
		typ = types.SSETypeKms
	}
	if typ != types.SSETypeKms {
		return string(typ)
	}
	key := aws.ToString(s.KMSMasterKeyId)
	switch {
	case key == "" || wantKey == "":
		return "KMS"
	case kmsKeyMatches(wantKey, key):
		return "KMS key " + wantKey
	}
	return "KMS key " + key
}

// kmsKeyMatches reports whether a key named by id, ARN or alias is the key
// with ARN arn. An alias cannot be resolved without KMS: it matches any key.
func kmsKeyMatches(name, arn string) bool {
	alias := strings.HasPrefix(name, "alias/") || (strings.HasPrefix(name, "arn:") && strings.Contains(name, ":alias/"))
	return name == arn || alias || strings.HasSuffix(arn, "/"+name)
}

func tableClass(c types.TableClass) string {
	if c == "" {
		return string(types.TableClassStandard)
	}
	return string(c)
}

func tableClassOf(c types.TableClass) types.TableClass {
	return types.TableClass(tableClass(c))
}

// renderTags renders tags sorted by key: "env=test, team=community".
func renderTags(tags map[string]string) string {
	if len(tags) == 0 {
		return "none"
	}
	parts := make([]string, 0, len(tags))
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		parts = append(parts, k+"="+tags[k])
	}
	return strings.Join(parts, ", ")
}
