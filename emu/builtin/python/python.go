// Package python is `python3 -m http.server` (Python 3.11's, as Debian 12
// ships it): an emulated program serving a directory of the emulated file
// system over the namespace's stack, with Python's startup line, access
// log and pages. Any other python3 invocation says it is not emulated.
package python

import "github.com/nsemu/nsemu/emu/shell"

// Builtins returns python3 and python (the same program: tutorials type
// either).
func Builtins() []*shell.Builtin {
	help := `Python 3.11, only as a web server: python3 -m http.server.
  python3 -m http.server [--bind ADDR] [-d DIR] [PORT]
      serve DIR (default: the working directory) of the emulated files on
      PORT (8000) until Ctrl-C, logging each request on standard error.
Other modules, scripts and -c are not emulated.`
	return []*shell.Builtin{
		{Name: "python3", Group: shell.GroupPrograms, Usage: "python3 -m http.server [-b ADDR] [-d DIR] [PORT]", Help: help, Run: run},
		{Name: "python", Group: shell.GroupPrograms, Usage: "python -m http.server [-b ADDR] [-d DIR] [PORT]", Help: help, Run: run},
	}
}
