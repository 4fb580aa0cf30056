package shell

import (
	"slices"
	"strings"
	"sync"

	"mvdan.cc/sh/v3/interp"
)

// `type`, `command -v`, `command -V` and `which` would look for programs in
// the host's $PATH (the interpreter stats its directories): `command -v
// id` would show the host. Here they answer from what the emulated machine
// has: the shell's functions and built-ins, and the built-in commands,
// which live in /usr/bin.

// binDir is where the built-in commands are said to be.
const binDir = "/usr/bin/"

// funcNames records the names of the functions the shell's texts define
// (guard sees every definition), so that `type f` still shows a function.
type funcNames struct {
	mu    sync.Mutex
	names map[string]bool
}

func (f *funcNames) add(name string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.names == nil {
		f.names = map[string]bool{}
	}
	f.names[name] = true
}

func (f *funcNames) has(name string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.names[name]
}

// lookupCall rewrites a call of type, command -v/-V or which to
// nsemu-type, unless a name is a function (the interpreter's own `type`
// prints functions and looks nothing up then).
func (s *Shell) lookupCall(args []string) []string {
	mode, names := lookupMode(args)
	if mode == "" || slices.ContainsFunc(names, s.lim().funcs.has) {
		return args
	}
	return append([]string{"nsemu-type", mode}, names...)
}

// lookupMode tells which question a call asks: "type", "-v", "-V",
// "which"; "" for any other call.
func lookupMode(args []string) (string, []string) {
	switch args[0] {
	case "type":
		return "type", args[1:]
	case "which":
		return "which", args[1:]
	case "command":
		if len(args) > 2 && (args[1] == "-v" || args[1] == "-V") {
			return args[1], args[2:]
		}
	}
	return "", nil
}

// runType answers nsemu-type MODE NAME...: bash's words, its exit status
// (1 when a name is not found).
func runType(c *Cmd) int {
	mode, status := c.Args[1], 0
	for _, name := range c.Args[2:] {
		kind := commandKind(name)
		switch {
		case kind == "" && mode == "type":
			c.Errorf("bash: type: %s: not found", name)
			status = 1
		case kind == "":
			status = 1
		case mode == "-v" && kind == "builtin":
			c.Printf("%s\n", name)
		case mode == "-v" || mode == "which":
			if kind == "file" {
				c.Printf("%s%s\n", binDir, name)
			} else if mode == "which" {
				status = 1
			}
		case kind == "builtin":
			c.Printf("%s is a shell builtin\n", name)
		default:
			c.Printf("%s is %s%s\n", name, binDir, name)
		}
	}
	return status
}

// commandKind is "builtin" for the shell's own commands, "file" for a
// built-in command (a program of the emulated machine), "" for neither.
func commandKind(name string) string {
	switch {
	case strings.Contains(name, "/"):
		if b, ok := strings.CutPrefix(name, binDir); ok && commandKind(b) == "file" {
			return "file"
		}
		return ""
	case interp.IsBuiltin(name):
		return "builtin"
	case Runnable(name) && !strings.HasPrefix(name, "nsemu-"):
		return "file"
	}
	return ""
}
