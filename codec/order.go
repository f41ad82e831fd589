package codec

// The items of a page often list their attributes in one order. The wire
// decoder notes, for each of an item's first attributes, the name the
// item before had there (wireDecoder.order), and first compares the next
// name as written with it: one comparison instead of reading the name and
// looking it up. Any other text (another name, the name escaped, white
// space before the colon) is read and looked up as before. The names of
// attributes no field has are kept apart (unknown.go).

// predicted reads the name of an item's k-th attribute and its colon when
// they are, as written, names[i], the name the item before had there, and
// returns i.
func (d *wireDecoder) predicted(names []string, k int) (int, bool) {
	if k >= len(d.order) || d.order[k] <= 0 {
		return 0, false
	}
	i := int(d.order[k]) - 1
	return i, d.s.Literal(names[i])
}

// remember notes that an item's k-th attribute is names[i] (none for i <
// 0), for predicted to try on the next item.
func (d *wireDecoder) remember(names []string, k, i int) {
	if i >= 0 && names[i] == "" {
		i = -1
	}
	d.note(k, i+1)
}

// note sets what the item's k-th attribute is, for the next item: 1 + an
// index in the plan's names, -1 - an index in d.unknown, or 0 for neither.
func (d *wireDecoder) note(k, v int) {
	if k < len(d.order) {
		d.order[k] = int16(v)
	}
}

// quotedName returns name as JSON writes an object member's name and the
// colon after it, when no byte of it is one JSON may escape, else "".
func quotedName(name string) string {
	if !plainName(name) {
		return ""
	}
	return `"` + name + `":`
}

// plainName reports whether no byte of name is one JSON may escape.
func plainName[S string | []byte](name S) bool {
	for i := 0; i < len(name); i++ {
		if c := name[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}
