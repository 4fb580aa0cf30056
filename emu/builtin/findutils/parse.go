package findutils

import (
	"strconv"

	"github.com/nsemu/nsemu/emu/builtin/internal/opts"
	"github.com/nsemu/nsemu/emu/shell"
)

// xargsReq is an xargs command line.
type xargsReq struct {
	null      bool // -0
	delim     *byte
	maxArgs   int    // -n, 0: no limit
	maxLines  int    // -L, 0: no limit
	replace   string // -I
	noEmpty   bool   // -r
	verbose   bool   // -t
	eofStr    string // -E
	argFile   string // -a
	maxChars  int
	command   []string
	exitOnBig bool // -x
}

// usageErr is an xargs usage error: the message and the Try line.
func usageErr(format string, a ...any) error {
	return shell.Failf(1, "xargs: "+format+"\nTry 'xargs --help' for more information.", a...)
}

// parseXargs reads xargs' command line: options end at the command.
func parseXargs(args []string) (*xargsReq, error) {
	r := &xargsReq{maxChars: 128 * 1024}
	num := func(dst *int, opt string, min int) func(string) error {
		return func(a string) error {
			n, err := strconv.Atoi(a)
			switch {
			case err != nil:
				return usageErr("invalid number %q for -%s option", a, opt)
			case n < min:
				return usageErr("value %d for -%s option should be >= %d", n, opt, min)
			}
			*dst = n
			return nil
		}
	}
	set := &opts.Set{Prog: "xargs", InOrder: true, Opts: []opts.Opt{
		{Short: '0', Long: "null", Do: func(string) error { r.null = true; return nil }},
		{Short: 'd', Long: "delimiter", Arg: opts.Required, Do: r.delimArg},
		{Short: 'n', Long: "max-args", Arg: opts.Required, Do: num(&r.maxArgs, "n", 1)},
		{Short: 'L', Long: "max-lines", Arg: opts.Required, Do: num(&r.maxLines, "L", 1)},
		{Short: 'l', Arg: opts.Optional, Do: func(a string) error { r.maxLines = 1; return nil }},
		{Short: 'I', Arg: opts.Required, Do: func(a string) error { r.replace = a; return nil }},
		{Short: 'i', Long: "replace", Arg: opts.Optional, Do: r.replaceOpt},
		{Short: 'r', Long: "no-run-if-empty", Do: func(string) error { r.noEmpty = true; return nil }},
		{Short: 't', Long: "verbose", Do: func(string) error { r.verbose = true; return nil }},
		{Short: 'E', Arg: opts.Required, Do: func(a string) error { r.eofStr = a; return nil }},
		{Short: 'e', Long: "eof", Arg: opts.Optional, Do: func(a string) error { r.eofStr = a; return nil }},
		{Short: 'a', Long: "arg-file", Arg: opts.Required, Do: func(a string) error { r.argFile = a; return nil }},
		{Short: 's', Long: "max-chars", Arg: opts.Required, Do: num(&r.maxChars, "s", 1)},
		{Short: 'x', Long: "exit", Do: func(string) error { r.exitOnBig = true; return nil }},
		{Short: 'P', Long: "max-procs", Arg: opts.Required, Do: func(string) error { return nil }},
		{Short: 'p', Long: "interactive", Do: func(string) error {
			return shell.Failf(1, "xargs: -p is not supported in nsemu (there is no terminal to ask)")
		}},
		{Long: "process-slot-var", Arg: opts.Required, Do: func(string) error { return nil }},
	}}
	cmd, err := set.Parse(args)
	if oe, ok := err.(*opts.Error); ok {
		return nil, shell.Failf(1, "%s\nTry 'xargs --help' for more information.", oe.Msg)
	}
	if err != nil {
		return nil, err
	}
	if len(cmd) == 0 {
		cmd = []string{"echo"}
	}
	r.command = cmd
	return r, nil
}

func (r *xargsReq) replaceOpt(a string) error {
	if a == "" {
		a = "{}"
	}
	r.replace = a
	return nil
}

// delimArg takes -d: one character or an escape (\n, \t, \0, \x41, \101).
func (r *xargsReq) delimArg(a string) error {
	d, ok := delimiter(a)
	if !ok {
		return shell.Failf(1, "xargs: invalid input delimiter specification %s: the delimiter must be either a single character or an escape sequence starting with \\.", a)
	}
	r.delim = &d
	return nil
}

func delimiter(a string) (byte, bool) {
	switch {
	case len(a) == 1:
		return a[0], true
	case len(a) < 2 || a[0] != '\\':
		return 0, false
	}
	if i := indexByte("abfnrtv\\", a[1]); i >= 0 && len(a) == 2 {
		return "\a\b\f\n\r\t\v\\"[i], true
	}
	base, digits := 8, a[1:]
	if a[1] == 'x' {
		base, digits = 16, a[2:]
	}
	n, err := strconv.ParseUint(digits, base, 8)
	return byte(n), err == nil
}

func indexByte(s string, b byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == b {
			return i
		}
	}
	return -1
}
