// Package grep is GNU grep (and egrep, fgrep) in process, over the
// emulated file system: basic, extended, fixed and Perl-like (Go syntax)
// patterns, the output options (-c -l -L -o -n -b -H -h -q), context with
// "--" between groups, -m, and -r over the emulated files only. Patterns
// are POSIX regular expressions translated to Go's (emu/builtin/internal/
// posixre); back-references are refused. The exit status is GNU's: 0 when
// a line is selected, 1 when none is, 2 on an error.
package grep

import "github.com/nsemu/nsemu/emu/shell"

// Builtins returns grep, egrep and fgrep.
func Builtins() []*shell.Builtin {
	var out []*shell.Builtin
	for _, name := range []string{"grep", "egrep", "fgrep"} {
		out = append(out, &shell.Builtin{
			Name:  name,
			Group: shell.GroupFiles,
			Usage: name + " [-EFGPivwxclLoqsnbhHrRz] [-e PATTERN]... [-f FILE] [-A|-B|-C NUM] [-m NUM] PATTERNS [FILE]...",
			Help: `Prints the lines of the FILEs (or standard input) that match PATTERNS, as GNU
grep does: basic regular expressions by default, -E extended, -F fixed
strings, -P Go's regexp syntax. It reads the emulated files (/proc, /sys,
/etc/hosts, what scripts wrote, the working directory), never the host's;
-r walks only those. Back-references (\1 in a pattern) are not supported.`,
			Run: run,
		})
	}
	return out
}
