// Package findutils is GNU findutils' xargs, in process: it builds
// command lines from its input and runs them as built-in commands of the
// interpreter (c.Sh.Exec) — echo, sh -c, ip, grep... — never a program
// of the host: a command that is not built in is "No such file or
// directory" (127), as for a missing program.
package findutils

import (
	"bufio"
	"io"
	"strings"

	"github.com/nsemu/nsemu/emu/builtin/internal/textio"
	"github.com/nsemu/nsemu/emu/shell"
	"github.com/nsemu/nsemu/emu/vfs"
)

// Builtins returns xargs.
func Builtins() []*shell.Builtin {
	return []*shell.Builtin{{
		Name:  "xargs",
		Group: shell.GroupFiles,
		Usage: "xargs [-0rt] [-d DELIM] [-n N] [-L N] [-I REPL] [-a FILE] [COMMAND [ARG]...]",
		Help: `Runs COMMAND (echo by default) with the words read from standard input (or
-a FILE) as arguments, as GNU xargs does. COMMAND is one of nsemu's
built-in commands (sh -c included); xargs never runs a host program.`,
		Run: runXargs,
	}}
}

// programs are the interpreter's built-ins that are also programs on a
// real machine (coreutils' echo, printf...), which xargs can run there;
// cd, export and the like are not.
var programs = []string{"echo", "printf", "true", "false", "test", "[", "pwd", "kill"}

// runnable reports whether xargs can run a command name.
func runnable(name string) bool {
	if _, ok := shell.Lookup(name); ok {
		return true
	}
	for _, p := range programs {
		if p == name {
			return true
		}
	}
	return false
}

func runXargs(c *shell.Cmd) int {
	r, err := parseXargs(c.Args[1:])
	if err != nil {
		return c.Exit(err)
	}
	in, closeIn, err := xargsInput(c, r)
	if err != nil {
		return c.Exit(err)
	}
	defer closeIn()
	x := &xargs{c: c, r: r}
	x.run = x.exec
	err = x.readAll(bufio.NewReader(in))
	if err == nil || err == errEOF {
		err = x.flush(true)
	}
	if err != nil {
		return c.Exit(err)
	}
	return x.status
}

// xargsInput is where the words come from: -a FILE, or standard input.
func xargsInput(c *shell.Cmd, r *xargsReq) (io.Reader, func(), error) {
	if r.argFile != "" {
		f, err := c.Open(r.argFile)
		if err != nil {
			return nil, nil, shell.Failf(1, "xargs: Cannot open input file '%s': %s", r.argFile, vfs.Strerror(err))
		}
		return textio.Reader(c.Ctx, f, nil), func() { f.Close() }, nil
	}
	if c.Stdin == nil {
		return strings.NewReader(""), func() {}, nil
	}
	return textio.Reader(c.Ctx, c.Stdin, nil), func() {}, nil
}

// xargs is a run: the arguments gathered for the next command, and the
// exit status so far.
type xargs struct {
	c      *shell.Cmd
	r      *xargsReq
	run    func(argv []string) error // exec, but in the tests
	args   []string
	lines  int
	ran    bool
	status int
}

// add takes one argument (and, with -L, counts the line it ends).
func (x *xargs) add(arg string, endsLine bool) error {
	if x.r.replace != "" {
		x.ran = true
		return x.run(x.replaced(arg))
	}
	x.args = append(x.args, arg)
	if x.r.maxArgs > 0 && len(x.args) >= x.r.maxArgs {
		return x.flush(false)
	}
	if endsLine {
		return x.endLine()
	}
	return nil
}

// endLine counts an input line, for -L.
func (x *xargs) endLine() error {
	x.lines++
	if x.r.maxLines > 0 && x.lines >= x.r.maxLines {
		return x.flush(false)
	}
	return nil
}

// replaced is the command with -I's string replaced by arg.
func (x *xargs) replaced(arg string) []string {
	out := make([]string, len(x.r.command))
	for i, a := range x.r.command {
		out[i] = strings.ReplaceAll(a, x.r.replace, arg)
	}
	return out
}

// flush runs the command with the arguments gathered; at the end of the
// input it runs it once even without any (unless -r).
func (x *xargs) flush(atEnd bool) error {
	if len(x.args) == 0 && (!atEnd || x.ran || x.r.noEmpty || x.r.replace != "") {
		return nil
	}
	x.ran = true
	argv := append(append([]string(nil), x.r.command...), x.args...)
	x.args, x.lines = x.args[:0], 0
	return x.run(argv)
}

// exec runs one command line, as xargs maps its status: 123 when a
// command failed, stop at 255.
func (x *xargs) exec(argv []string) error {
	name := argv[0]
	if !runnable(name) {
		return shell.Failf(127, "xargs: %s: No such file or directory", name)
	}
	if x.r.verbose {
		io.WriteString(x.c.Diag, strings.Join(argv, " ")+"\n")
	}
	st := x.c.Sh.Exec(x.c.Ctx, x.c.NS, argv, strings.NewReader(""), x.c.Stdout, x.c.Stderr)
	switch {
	case x.c.Ctx.Err() != nil:
		return shell.Failf(130, "")
	case st == 255:
		return shell.Failf(124, "xargs: %s: exited with status 255; aborting", name)
	case st != 0:
		x.status = 123
	}
	return nil
}
