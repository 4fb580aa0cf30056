package coreutils

import (
	"io"
	"os"
	"path"
	"strings"

	"github.com/nsemu/nsemu/emu/builtin/internal/opts"
	"github.com/nsemu/nsemu/emu/builtin/internal/textio"
	"github.com/nsemu/nsemu/emu/shell"
)

// runTee copies standard input to standard output and to each FILE of
// the emulated file system (-a appends).
func runTee(c *shell.Cmd) int {
	appendTo := false
	set := &opts.Set{Prog: "tee", Opts: []opts.Opt{
		{Short: 'a', Long: "append", Do: set(&appendTo)},
		{Short: 'i', Long: "ignore-interrupts", Do: func(string) error { return nil }},
		{Short: 'p', Long: "output-error", Arg: opts.Optional, Do: func(string) error { return nil }},
	}}
	files, err := parseOpts(set, 1, c.Args[1:])
	if err != nil {
		return c.Exit(err)
	}
	flag := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	if appendTo {
		flag = os.O_WRONLY | os.O_CREATE | os.O_APPEND
	}
	status := 0
	ws := []io.Writer{c.Stdout}
	for _, name := range files {
		if name == "-" {
			ws = append(ws, c.Stdout)
			continue
		}
		f, err := c.OpenFile(name, flag, 0o644)
		if err != nil {
			status = c.Errorf("tee: %s", shell.FileError(err))
			continue
		}
		defer f.Close()
		ws = append(ws, f)
	}
	if c.Stdin == nil {
		return status
	}
	if _, err := io.Copy(io.MultiWriter(ws...), textio.Reader(c.Ctx, c.Stdin, nil)); err != nil {
		if c.Ctx.Err() != nil {
			return 130
		}
		return textio.SigPipe
	}
	return status
}

// runBasename strips the directory (and a SUFFIX) from names.
func runBasename(c *shell.Cmd) int {
	var multiple, zero bool
	suffix := ""
	set := &opts.Set{Prog: "basename", Opts: []opts.Opt{
		{Short: 'a', Long: "multiple", Do: set(&multiple)},
		{Short: 's', Long: "suffix", Arg: opts.Required, Do: func(a string) error { suffix, multiple = a, true; return nil }},
		{Short: 'z', Long: "zero", Do: set(&zero)},
	}}
	names, err := parseOpts(set, 1, c.Args[1:])
	switch {
	case err != nil:
		return c.Exit(err)
	case len(names) == 0:
		return c.Exit(usage("basename", 1, "missing operand"))
	case !multiple && len(names) == 2:
		suffix, names = names[1], names[:1]
	case !multiple && len(names) > 2:
		return c.Exit(usage("basename", 1, "extra operand %s", q(names[2])))
	}
	for _, n := range names {
		c.Printf("%s%s", basename(n, suffix), lineEnd(zero))
	}
	return 0
}

// basename is the last component of name, without suffix (unless that
// is all of it).
func basename(name, suffix string) string {
	trimmed := strings.TrimRight(name, "/")
	if trimmed == "" {
		if name == "" {
			return ""
		}
		return "/"
	}
	b := path.Base(trimmed)
	if suffix != "" && b != suffix && strings.HasSuffix(b, suffix) {
		b = strings.TrimSuffix(b, suffix)
	}
	return b
}

// runDirname strips the last component from names.
func runDirname(c *shell.Cmd) int {
	zero := false
	set := &opts.Set{Prog: "dirname", Opts: []opts.Opt{{Short: 'z', Long: "zero", Do: set(&zero)}}}
	names, err := parseOpts(set, 1, c.Args[1:])
	switch {
	case err != nil:
		return c.Exit(err)
	case len(names) == 0:
		return c.Exit(usage("dirname", 1, "missing operand"))
	}
	for _, n := range names {
		c.Printf("%s%s", dirname(n), lineEnd(zero))
	}
	return 0
}

// dirname is name without its last component, as dirname(1) prints it.
func dirname(name string) string {
	trimmed := strings.TrimRight(name, "/")
	if trimmed == "" {
		if strings.HasPrefix(name, "/") {
			return "/"
		}
		return "."
	}
	i := strings.LastIndexByte(trimmed, '/')
	if i < 0 {
		return "."
	}
	d := strings.TrimRight(trimmed[:i], "/")
	if d == "" {
		return "/"
	}
	return d
}

func lineEnd(zero bool) string {
	if zero {
		return "\x00"
	}
	return "\n"
}
