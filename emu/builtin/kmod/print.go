package kmod

import (
	"fmt"
	"io"
	"strings"

	"github.com/nsemu/nsemu/emu"
)

// printModules prints lsmod's table: kmod's "%-19s %8lu  %d" and the
// users, comma-separated.
func printModules(w io.Writer, mods []emu.Module) {
	fmt.Fprintln(w, "Module                  Size  Used by")
	for _, m := range mods {
		fmt.Fprintf(w, "%-19s %8d  %d", m.Name, m.Size, len(m.UsedBy))
		if len(m.UsedBy) > 0 {
			fmt.Fprintf(w, " %s", strings.Join(m.UsedBy, ","))
		}
		fmt.Fprintln(w)
	}
}
