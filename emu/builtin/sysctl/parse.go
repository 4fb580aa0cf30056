package sysctl

import (
	"regexp"
	"strings"

	"github.com/nsemu/nsemu/emu/shell"
)

// request is a parsed sysctl command line.
type request struct {
	flags
	// help and version: print that and stop (the options after them are
	// not read, as getopt's caller exits there).
	help, version bool
	// noArgs: sysctl ran without any argument.
	noArgs bool
	// vars are the variables, "KEY" or "KEY=VALUE", in order.
	vars []string
}

// flags are the options that shape each variable's reading or writing.
type flags struct {
	all, values, names, quiet, ignore, write, binary, dryRun, load bool
	pattern                                                        *regexp.Regexp
	loadFile                                                       string
}

// Kinds of option argument.
const (
	noArg = iota
	// optArg: long options take one only as --name=VALUE, short ones only
	// attached (-pFILE).
	optArg
	// needArg: --name=VALUE or --name VALUE, -rVALUE or -r VALUE.
	needArg
)

// option is one of sysctl's options: its long name or short letters, the
// kind of argument it takes, and what it does to the request.
type option struct {
	long    string
	letters string
	arg     int
	apply   func(r *request, v string) error
}

// on is an option without argument that sets something in the request.
func on(f func(r *request)) func(*request, string) error {
	return func(r *request, _ string) error { f(r); return nil }
}

// options lists sysctl's options. A long option's "=VALUE" is ignored
// unless it takes one.
var options = []option{
	{long: "all", letters: "aAX", apply: on(func(r *request) { r.all = true })},
	{long: "values", letters: "n", apply: on(func(r *request) { r.values = true })},
	{long: "names", letters: "N", apply: on(func(r *request) { r.names = true })},
	{long: "quiet", letters: "q", apply: on(func(r *request) { r.quiet = true })},
	{long: "ignore", letters: "e", apply: on(func(r *request) { r.ignore = true })},
	{long: "write", letters: "w", apply: on(func(r *request) { r.write = true })},
	{long: "binary", letters: "b", apply: on(func(r *request) { r.binary = true })},
	{long: "dry-run", apply: on(func(r *request) { r.dryRun = true })},
	{long: "deprecated", letters: "ox", apply: on(func(*request) {})},
	// --load names its file only with =FILE, and without it forgets one a
	// -pFILE before named; -p alone keeps it.
	{long: "load", arg: optArg, apply: func(r *request, v string) error {
		r.load, r.loadFile = true, v
		return nil
	}},
	{letters: "pf", arg: optArg, apply: func(r *request, v string) error {
		r.load = true
		if v != "" {
			r.loadFile = v
		}
		return nil
	}},
	{long: "system", apply: on(func(r *request) { r.load = true })},
	{long: "pattern", letters: "r", arg: needArg, apply: func(r *request, v string) error {
		re, err := regexp.Compile(v)
		if err != nil {
			return shell.Failf(status, "sysctl: unable to parse pattern: %s", v)
		}
		r.pattern = re
		return nil
	}},
	{long: "help", letters: "hd", apply: on(func(r *request) { r.help = true })},
	{long: "version", letters: "V", apply: on(func(r *request) { r.version = true })},
}

// parse parses sysctl's arguments (without the command name).
func parse(args []string) (request, error) {
	r := request{noArgs: len(args) == 0}
	for i := 0; i < len(args) && !r.help && !r.version; i++ {
		a := args[i]
		var err error
		switch {
		case !strings.HasPrefix(a, "-") || a == "-":
			r.vars = append(r.vars, a)
		case strings.HasPrefix(a, "--"):
			err = parseLong(&r, args, &i)
		default:
			err = parseShort(&r, args, &i)
		}
		if err != nil {
			return request{}, err
		}
	}
	return r, nil
}

// parseLong applies args[*i], a long option; one that needs an argument
// may take the next word, advancing *i.
func parseLong(r *request, args []string, i *int) error {
	a := args[*i]
	name, val, hasVal := strings.Cut(a[2:], "=")
	for _, o := range options {
		if o.long != name || name == "" {
			continue
		}
		switch {
		case o.arg == noArg:
			val = ""
		case o.arg == needArg && !hasVal:
			if *i+1 >= len(args) {
				return shell.Failf(status, "sysctl: option '--%s' requires an argument%s", name, tryHelp)
			}
			*i++
			val = args[*i]
		}
		return o.apply(r, val)
	}
	return shell.Failf(status, "sysctl: unrecognized option '%s'%s", a, tryHelp)
}

// parseShort applies args[*i], a cluster of short options (-qw, -rPATTERN);
// one that needs an argument may take the next word, advancing *i.
func parseShort(r *request, args []string, i *int) error {
	a := args[*i]
	for j := 1; j < len(a) && !r.help && !r.version; j++ {
		o, ok := letter(a[j])
		if !ok {
			return shell.Failf(status, "sysctl: invalid option -- '%c'%s", a[j], tryHelp)
		}
		val := ""
		if o.arg != noArg {
			val = a[j+1:]
			j = len(a)
		}
		if o.arg == needArg && val == "" {
			if *i+1 >= len(args) {
				return shell.Failf(status, "sysctl: option requires an argument -- '%c'%s", o.letters[0], tryHelp)
			}
			*i++
			val = args[*i]
		}
		if err := o.apply(r, val); err != nil {
			return err
		}
	}
	return nil
}

func letter(c byte) (option, bool) {
	for _, o := range options {
		if strings.IndexByte(o.letters, c) >= 0 {
			return o, true
		}
	}
	return option{}, false
}

// variable is one variable argument: read KEY, or write KEY=VALUE.
type variable struct {
	setting
	write bool
}

// parseVar parses a variable argument (net.ipv4.ip_forward=1 or
// net/ipv4/ip_forward) under f.
func parseVar(f flags, arg string) (variable, error) {
	name, value, write := strings.Cut(arg, "=")
	if f.write && !write {
		return variable{}, shell.Failf(status, "sysctl: \"%s\" must be of the form name=value", arg)
	}
	v := variable{setting: setting{key: key(name), value: value}, write: write}
	if v.key == "" || strings.ContainsAny(v.key, "*?[") {
		return variable{}, noSuchKey(v.key)
	}
	return v, nil
}

// key turns a sysctl argument (net.ipv4.ip_forward or
// net/ipv4/ip_forward) into the dotted key.
func key(s string) string {
	if strings.Contains(s, "/") {
		return strings.ReplaceAll(strings.Trim(s, "/"), "/", ".")
	}
	return s
}

// noSuchKey is the error for a key nsemu does not have, naming its file.
func noSuchKey(key string) error {
	return shell.Failf(status, "sysctl: cannot stat %s: No such file or directory", path(key))
}

func path(key string) string {
	return "/proc/sys/" + strings.ReplaceAll(key, ".", "/")
}
