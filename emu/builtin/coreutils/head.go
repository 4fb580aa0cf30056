package coreutils

import (
	"io"
	"strings"

	"github.com/nsemu/nsemu/emu/builtin/internal/opts"
	"github.com/nsemu/nsemu/emu/builtin/internal/textio"
	"github.com/nsemu/nsemu/emu/shell"
)

// headReq is a head or tail command line.
type headReq struct {
	prog    string
	n       int64
	bytes   bool // -c: count bytes, not lines
	allBut  bool // head -n -N: all but the last N
	fromTop bool // tail -n +N: from the Nth on
	headers int  // 1: -v, -1: -q, 0: when there are several files
	delim   byte
	follow  bool // tail -f
	retry   bool // tail -F
	poll    float64
	files   []string
}

// countArg parses head's and tail's -n and -c values.
func (r *headReq) countArg(isBytes bool) func(string) error {
	what := "lines"
	if isBytes {
		what = "bytes"
	}
	return func(a string) error {
		v := a
		r.allBut, r.fromTop = false, false
		switch {
		case r.prog == "head" && strings.HasPrefix(v, "-"):
			r.allBut, v = true, v[1:]
		case r.prog == "tail" && strings.HasPrefix(v, "+"):
			r.fromTop, v = true, v[1:]
		case r.prog == "tail" && strings.HasPrefix(v, "-"):
			v = v[1:]
		}
		n, ok := parseSize(v)
		if !ok {
			return fail(1, "%s: invalid number of %s: %s", r.prog, what, q(a))
		}
		r.n, r.bytes = n, isBytes
		return nil
	}
}

// parseHead reads head's command line.
func parseHead(args []string) (*headReq, error) {
	r := &headReq{prog: "head", n: 10, delim: '\n'}
	set := &opts.Set{Prog: "head", Opts: []opts.Opt{
		{Short: 'n', Long: "lines", Arg: opts.Required, Do: r.countArg(false)},
		{Short: 'c', Long: "bytes", Arg: opts.Required, Do: r.countArg(true)},
		{Short: 'q', Long: "quiet", Do: func(string) error { r.headers = -1; return nil }},
		{Long: "silent", Do: func(string) error { r.headers = -1; return nil }},
		{Short: 'v', Long: "verbose", Do: func(string) error { r.headers = 1; return nil }},
		{Short: 'z', Long: "zero-terminated", Do: func(string) error { r.delim = 0; return nil }},
	}, Number: r.countArg(false)}
	files, err := parseOpts(set, 1, args)
	if err != nil {
		return nil, err
	}
	r.files = operands(files)
	return r, nil
}

func runHead(c *shell.Cmd) int {
	r, err := parseHead(c.Args[1:])
	if err != nil {
		return c.Exit(err)
	}
	return eachHeaded(c, r, headOne)
}

// eachHeaded runs one of head's or tail's passes over every file, with
// the "==> NAME <==" headers between them.
func eachHeaded(c *shell.Cmd, r *headReq, one func(*shell.Cmd, *headReq, io.Reader, *textio.Out) error) int {
	out := textio.NewOut(c.Stdout)
	defer out.Flush()
	status := 0
	first := true
	for _, name := range r.files {
		f, err := input(c, name)
		if err != nil {
			out.Flush()
			status = headOpenError(c, r.prog, name, err)
			continue
		}
		if r.headers > 0 || r.headers == 0 && len(r.files) > 1 {
			printHeader(out, name, first)
			first = false
		}
		err = one(c, r, f, out)
		f.Close()
		switch {
		case textio.IsWrite(err):
			return textio.SigPipe
		case err != nil && c.Ctx.Err() != nil:
			return 130
		case err != nil:
			out.Flush()
			io.WriteString(c.Stderr, r.prog+": error reading "+q(name)+": "+strerror(err)+"\n")
			status = 1
		}
	}
	if out.Flush() != nil {
		return textio.SigPipe
	}
	return status
}

func headOpenError(c *shell.Cmd, prog, name string, err error) int {
	if isDirErr(err) {
		io.WriteString(c.Stderr, prog+": error reading "+q(name)+": Is a directory\n")
	} else {
		io.WriteString(c.Stderr, prog+": cannot open "+q(name)+" for reading: "+strerror(err)+"\n")
	}
	return 1
}

func printHeader(out *textio.Out, name string, first bool) {
	if name == "-" {
		name = "standard input"
	}
	if !first {
		out.WriteString("\n")
	}
	out.WriteString("==> " + name + " <==\n")
}

// headOne writes the head of one input.
func headOne(c *shell.Cmd, r *headReq, in io.Reader, out *textio.Out) error {
	lines := textio.NewLines(c.Ctx, in, r.delim, out)
	switch {
	case r.bytes && r.allBut:
		return keepLast(lines, r.n, out, true)
	case r.bytes:
		_, err := io.CopyN(out, lines.Reader(), r.n)
		if err == io.EOF {
			err = nil
		}
		return err
	case r.allBut:
		return keepLast(lines, r.n, out, false)
	}
	for i := int64(0); i < r.n; i++ {
		rec, err := lines.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if _, err := out.Write(rec); err != nil {
			return &textio.WriteError{Err: err}
		}
	}
	return nil
}

// keepLast writes all of the input but its last n lines (or bytes).
func keepLast(lines *textio.Lines, n int64, out *textio.Out, bytes bool) error {
	if bytes {
		data, err := io.ReadAll(lines.Reader())
		if int64(len(data)) > n {
			out.Write(data[:int64(len(data))-n])
		}
		return err
	}
	var held [][]byte
	for {
		rec, err := lines.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		held = append(held, rec)
		if int64(len(held)) > n {
			out.Write(held[0])
			held = held[1:]
		}
	}
}
