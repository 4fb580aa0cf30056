package iproute2

import (
	"fmt"
	"strings"

	"github.com/nsemu/nsemu/stack"
)

// Routing table names, as iproute2 reads them from /etc/iproute2/rt_tables
// ("ID NAME" lines; # starts a comment). A script may add its own
// (`echo "100 isp2" >> /etc/iproute2/rt_tables`).

// rtTablesPath is the file iproute2 names tables from.
const rtTablesPath = "/etc/iproute2/rt_tables"

// rtTables maps table names to numbers and back.
type rtTables struct {
	byName map[string]uint32
	byID   map[uint32]string
}

// builtinTables are the names iproute2 knows without rt_tables.
func builtinTables() rtTables {
	t := rtTables{byName: map[string]uint32{}, byID: map[uint32]string{}}
	for id, name := range map[uint32]string{0: "unspec", stack.TableDefault: "default", stack.TableMain: "main", stack.TableLocal: "local"} {
		t.add(id, name)
	}
	return t
}

func (t rtTables) add(id uint32, name string) {
	t.byName[name] = id
	if _, ok := t.byID[id]; !ok {
		t.byID[id] = name
	}
}

// parseRTTables reads rt_tables over the built-in names: a line's first
// word is the number (decimal or 0x hex), its second the name; lines that
// do not read so are skipped, as iproute2 skips them.
func parseRTTables(data []byte) rtTables {
	t := builtinTables()
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 2 || strings.HasPrefix(f[1], "#") {
			continue
		}
		if id, ok := parseUint32(f[0]); ok {
			t.add(uint32(id), f[1])
		}
	}
	return t
}

// id reads a table as iproute2's rtnl_rttable_a2n: a name, or a number.
func (t rtTables) id(s string) (uint32, bool) {
	if id, ok := t.byName[s]; ok {
		return id, true
	}
	n, ok := parseUint32(s)
	return uint32(n), ok
}

// name is how iproute2 prints a table: its name, or its number.
func (t rtTables) name(id uint32) string {
	if n, ok := t.byID[id]; ok {
		return n
	}
	return fmt.Sprint(id)
}
