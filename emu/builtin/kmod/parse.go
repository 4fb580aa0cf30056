package kmod

import (
	"errors"
	"fmt"

	"github.com/nsemu/nsemu/emu/builtin/internal/getopt"
)

// Request is a modprobe command line.
type Request struct {
	// Remove is -r: remove the modules instead of loading them.
	Remove bool
	// All is -a: every operand is a module (otherwise the first is, and
	// the rest are its parameters).
	All bool
	// Quiet is -q: say nothing of modules not found.
	Quiet bool
	// DryRun is -n: check, change nothing.
	DryRun bool
	// Version is --version / -V.
	Version bool
	// Modules are the modules named.
	Modules []string
	// Params are the module parameters after the module (without -a).
	Params []string
}

// errMissing is modprobe's error for a command line without a module.
var errMissing = errors.New("modprobe: ERROR: missing parameters. See -h.")

func flag(field func(*Request) *bool) func(*Request, string) error {
	return func(r *Request, _ string) error { *field(r) = true; return nil }
}

// options are modprobe's letters, and longOptions their long names.
var options = []getopt.Option[Request]{
	{Letter: 'r', Apply: flag(func(r *Request) *bool { return &r.Remove })},
	{Letter: 'a', Apply: flag(func(r *Request) *bool { return &r.All })},
	{Letter: 'q', Apply: flag(func(r *Request) *bool { return &r.Quiet })},
	{Letter: 'n', Apply: flag(func(r *Request) *bool { return &r.DryRun })},
	{Letter: 'V', Apply: flag(func(r *Request) *bool { return &r.Version })},
	{Letter: 'b'}, // --use-blacklist: nsemu has no blacklist
	{Letter: 'v', Apply: notEmulated("-v")},
	{Letter: 'f', Apply: notEmulated("-f")},
	{Letter: 'c', Apply: notEmulated("-c")},
	{Letter: 'D', Apply: notEmulated("-D")},
}

var longOptions = map[string]byte{
	"--remove": 'r', "--all": 'a', "--quiet": 'q', "--dry-run": 'n', "--show": 'n',
	"--version": 'V', "--use-blacklist": 'b', "--verbose": 'v', "--force": 'f',
	"--showconfig": 'c', "--show-depends": 'D',
}

func notEmulated(opt string) func(*Request, string) error {
	return func(*Request, string) error { return fmt.Errorf("nsemu: modprobe %s: not emulated", opt) }
}

var parser = getopt.Parser[Request]{
	Prog:    "modprobe",
	Options: options,
	Operand: func(r *Request, a string) error { r.Modules = append(r.Modules, a); return nil },
	Long: func(r *Request, a string) error {
		letter, ok := longOptions[a]
		if !ok {
			return fmt.Errorf("modprobe: unrecognized option '%s'", a)
		}
		for _, o := range options {
			if o.Letter == letter && o.Apply != nil {
				return o.Apply(r, "")
			}
		}
		return nil
	},
}

// Parse turns modprobe's arguments (without the command name) into a
// Request.
func Parse(args []string) (Request, error) {
	var r Request
	if err := parser.Parse(&r, args); err != nil {
		return Request{}, err
	}
	if r.Version {
		return r, nil
	}
	if len(r.Modules) == 0 {
		return Request{}, errMissing
	}
	if !r.All && !r.Remove {
		if len(r.Modules) > 1 {
			r.Params = r.Modules[1:]
		}
		r.Modules = r.Modules[:1]
	}
	return r, nil
}
