package sysctl

import (
	"fmt"
	"io"
)

// setting is a key and its value.
type setting struct{ key, value string }

// show prints settings as sysctl prints what it reads: "key = value", or
// names only (-N), values only (-n), without newlines (-b).
func show(w io.Writer, f flags, ss []setting) {
	for _, s := range ss {
		switch {
		case f.names:
			fmt.Fprintf(w, "%s\n", s.key)
		case f.values && f.binary:
			fmt.Fprintf(w, "%s", s.value)
		case f.values:
			fmt.Fprintf(w, "%s\n", s.value)
		case f.binary:
			fmt.Fprintf(w, "%s = %s", s.key, s.value)
		default:
			fmt.Fprintf(w, "%s = %s\n", s.key, s.value)
		}
	}
}

// echo prints a setting just written, as sysctl confirms a write (-q:
// nothing).
func echo(w io.Writer, f flags, s setting) {
	switch {
	case f.quiet:
	case f.values:
		fmt.Fprintf(w, "%s\n", s.value)
	case f.names:
		fmt.Fprintf(w, "%s\n", s.key)
	default:
		fmt.Fprintf(w, "%s = %s\n", s.key, s.value)
	}
}
