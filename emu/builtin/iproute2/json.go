package iproute2

import (
	"fmt"
	"strconv"
	"strings"
)

// ip -json and -pretty: iproute2's JSON, written as its json_writer
// writes it. Objects keep their fields in iproute2's order, so they are
// slices of fields, not maps.

// jsonField is one member of an object. A value is a string, an integer,
// a bool, nil (null), a jsonNumber, a jsonObject or a []any / []string
// array.
type jsonField struct {
	key string
	val any
}

// jsonObject is an object's members, in order.
type jsonObject []jsonField

// jsonNumber is a number already formatted (iproute2's "%.2f" timers).
type jsonNumber string

// jsonWriter is iproute2's json_writer: compact, or pretty (a member per
// line, four spaces per level, arrays of scalars on one line).
type jsonWriter struct {
	b      strings.Builder
	pretty bool
	depth  int
	sep    byte // ',' when the next member or element needs one
}

// eor prints the separator a member or element needs.
func (w *jsonWriter) eor() {
	if w.sep != 0 {
		w.b.WriteByte(w.sep)
	}
	w.sep = ','
}

// eol ends a line and indents the next, when pretty.
func (w *jsonWriter) eol() {
	if !w.pretty {
		return
	}
	w.b.WriteByte('\n')
	w.b.WriteString(strings.Repeat("    ", w.depth))
}

func (w *jsonWriter) begin(c byte) {
	w.eor()
	w.b.WriteByte(c)
	w.depth++
	w.sep = 0
}

func (w *jsonWriter) end(c byte) {
	w.depth--
	if w.sep != 0 {
		w.eol()
	}
	w.b.WriteByte(c)
	w.sep = ','
}

func (w *jsonWriter) object(o jsonObject) {
	w.begin('{')
	for _, f := range o {
		w.eor()
		w.eol()
		w.sep = 0
		w.str(f.key)
		w.b.WriteByte(':')
		if w.pretty {
			w.b.WriteByte(' ')
		}
		w.value(f.val)
	}
	w.end('}')
}

func (w *jsonWriter) array(vs []any) {
	w.begin('[')
	if w.pretty {
		w.b.WriteByte(' ')
	}
	for _, v := range vs {
		w.value(v)
	}
	if w.pretty && w.sep != 0 {
		w.b.WriteByte(' ')
	}
	w.sep = 0
	w.end(']')
}

// value writes a member's value or an array's element.
func (w *jsonWriter) value(v any) {
	switch v := v.(type) {
	case jsonObject:
		w.object(v)
		return
	case []jsonObject:
		vs := make([]any, len(v))
		for i := range v {
			vs[i] = v[i]
		}
		w.array(vs)
		return
	case []any:
		w.array(v)
		return
	case []string:
		vs := make([]any, len(v))
		for i := range v {
			vs[i] = v[i]
		}
		w.array(vs)
		return
	}
	w.eor()
	switch v := v.(type) {
	case nil:
		w.b.WriteString("null")
	case string:
		w.str(v)
	case bool:
		w.b.WriteString(strconv.FormatBool(v))
	case jsonNumber:
		w.b.WriteString(string(v))
	default:
		fmt.Fprint(&w.b, v)
	}
}

// str writes a string with json_writer's escapes.
func (w *jsonWriter) str(s string) {
	w.b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			w.b.WriteString(`\"`)
		case '\\':
			w.b.WriteString(`\\`)
		case '\n':
			w.b.WriteString(`\n`)
		case '\t':
			w.b.WriteString(`\t`)
		case '\r':
			w.b.WriteString(`\r`)
		case '\b':
			w.b.WriteString(`\b`)
		case '\f':
			w.b.WriteString(`\f`)
		default:
			if r < 0x20 {
				fmt.Fprintf(&w.b, `\u%04x`, r)
			} else {
				w.b.WriteRune(r)
			}
		}
	}
	w.b.WriteByte('"')
}

// formatJSON is a listing's array of objects, as ip prints it.
func formatJSON(objs []jsonObject, pretty bool) string {
	w := &jsonWriter{pretty: pretty}
	w.value(objs)
	return w.b.String() + "\n"
}

// printJSON prints a listing as ip -json (-pretty) does.
func (ip *ipCmd) printJSON(objs []jsonObject) error {
	ip.printf("%s", formatJSON(objs, ip.opts.pretty))
	return nil
}
