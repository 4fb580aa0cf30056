package awk

import (
	"strings"

	"github.com/benhoyt/goawk/lexer"

	"github.com/nsemu/nsemu/emu/shell"
)

// request is an awk command line.
type request struct {
	fs       *string  // -F
	vars     []string // -v: name, value pairs (escapes processed)
	progFile []string // -f files, read through the emulated file system
	program  string   // the program text, when no -f
	args     []string // the operands: files and var=value assignments
	version  bool
}

// usage is mawk's answer to a bad command line (status 2).
const usage = "usage: awk [-F value] [-v var=value] [--] 'program text' [file ...]\nusage: awk [-F value] [-v var=value] [-f program-file] [--] [file ...]"

// parse reads awk's command line: options come first (the program text,
// or the first operand after -f, ends them), as in every awk.
func parse(args []string) (*request, error) {
	r := &request{}
	i := 0
	for ; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			i++
			break
		}
		if len(a) < 2 || a[0] != '-' {
			break
		}
		used, err := r.option(a, args[i+1:])
		if err != nil {
			return nil, err
		}
		i += used
	}
	rest := args[i:]
	if r.version {
		return r, nil
	}
	if len(r.progFile) == 0 {
		if len(rest) == 0 {
			return nil, shell.Failf(2, "%s", usage)
		}
		r.program, rest = rest[0], rest[1:]
	}
	r.args = rest
	return r, nil
}

// option applies one option (-F:, -F :, -v x=1, -f FILE, -W version)
// and returns how many of the following arguments it used.
func (r *request) option(a string, rest []string) (int, error) {
	name, val := a[:2], a[2:]
	used := 0
	if strings.HasPrefix(a, "--") {
		if a == "--version" {
			r.version = true
			return 0, nil
		}
		return 0, shell.Failf(2, "awk: not an option: %s", a)
	}
	if val == "" && strings.Contains("Fvf W", name[1:]) {
		if len(rest) == 0 {
			return 0, shell.Failf(2, "awk: option %s lacks argument", a)
		}
		val, used = rest[0], 1
	}
	switch name {
	case "-F":
		r.fs = &val
	case "-v":
		return used, r.assign(val)
	case "-f":
		r.progFile = append(r.progFile, val)
	case "-W":
		r.version = strings.HasPrefix(val, "v")
	default:
		return 0, shell.Failf(2, "awk: not an option: %s", a)
	}
	return used, nil
}

// assign takes -v NAME=VALUE.
func (r *request) assign(v string) error {
	name, value, ok := strings.Cut(v, "=")
	if !ok || !validName(name) {
		return shell.Failf(2, "awk: improper assignment: -v %s", v)
	}
	if u, err := lexer.Unescape(value); err == nil {
		value = u
	}
	r.vars = append(r.vars, name, value)
	return nil
}

// validName reports whether s is an awk variable name.
func validName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return s != ""
}

// isAssignment reports whether an operand is a var=value assignment
// rather than a file.
func isAssignment(a string) bool {
	name, _, ok := strings.Cut(a, "=")
	return ok && validName(name)
}
