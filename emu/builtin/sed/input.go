package sed

import (
	"fmt"
	"io"
	"strings"

	"github.com/nsemu/nsemu/emu/builtin/internal/textio"
	"github.com/nsemu/nsemu/emu/shell"
)

// source is one input file.
type source struct {
	name  string // "-" for standard input
	lines *textio.Lines
	close func()
	eof   bool
}

// line is a line read, and whether it ended with the delimiter.
type line struct {
	text  []byte
	delim bool
	src   *source
}

// inputs reads the input files one after the other, a line ahead when
// sed must know whether a line is the last ($).
type inputs struct {
	c      *shell.Cmd
	names  []string
	next   int // the next name to open
	delim  byte
	out    *textio.Out // flushed before waiting for input
	cur    *source     // the file the last line came from
	ahead  *line
	failed bool // a file could not be read: exit status 2
	// fatal is a read error that ends sed (exit status 4).
	fatal error
}

func newInputs(c *shell.Cmd, names []string, delim byte, out *textio.Out) *inputs {
	if len(names) == 0 {
		names = []string{"-"}
	}
	return &inputs{c: c, names: names, delim: delim, out: out}
}

// read returns the next line, from this file or the next ones.
func (in *inputs) read() (line, bool) {
	if in.ahead != nil {
		l := *in.ahead
		in.ahead, in.cur = nil, l.src
		return l, true
	}
	for {
		if in.cur != nil && !in.cur.eof {
			if l, ok := in.readFrom(in.cur); ok {
				return l, true
			}
		}
		src, ok := in.open()
		if !ok {
			return line{}, false
		}
		in.cur = src
	}
}

// readFrom reads a line of src; false at its end.
func (in *inputs) readFrom(src *source) (line, bool) {
	rec, err := src.lines.Next()
	if err != nil {
		if err != io.EOF {
			in.readError(src.name, err)
		}
		src.eof = true
		src.close()
		return line{}, false
	}
	text, delim := textio.TrimDelim(rec, in.delim)
	return line{text: text, delim: delim, src: src}, true
}

func (in *inputs) readError(name string, err error) {
	if in.fatal == nil && !textio.IsWrite(err) && in.c.Ctx.Err() == nil {
		in.fatal = fmt.Errorf("sed: read error on %s: %s", name, strerror(err))
	}
	if in.fatal == nil {
		in.fatal = err
	}
}

// open opens the next file that can be read; false when none is left.
func (in *inputs) open() (*source, bool) {
	for in.next < len(in.names) && in.fatal == nil {
		name := in.names[in.next]
		in.next++
		if name == "-" {
			r := in.c.Stdin
			if r == nil {
				r = strings.NewReader("")
			}
			return &source{name: name, lines: textio.NewLines(in.c.Ctx, r, in.delim, in.out), close: func() {}}, true
		}
		f, err := in.c.Open(name)
		if err != nil {
			io.WriteString(in.c.Stderr, "sed: can't read "+shell.FileError(err)+"\n")
			in.failed = true
			continue
		}
		if fi, err := f.Stat(); err == nil && fi.IsDir() {
			f.Close()
			in.fatal = fmt.Errorf("sed: read error on %s: Is a directory", name)
			return nil, false
		}
		return &source{name: name, lines: textio.NewLines(in.c.Ctx, f, in.delim, in.out), close: func() { f.Close() }}, true
	}
	return nil, false
}

// last reports whether the line read last is the last one: of its file
// (sameFile, for -s and -i), or of all the input.
func (in *inputs) last(sameFile bool) bool {
	if in.ahead != nil {
		return sameFile && in.ahead.src != in.cur
	}
	if in.cur != nil && !in.cur.eof {
		if l, ok := in.readFrom(in.cur); ok {
			in.ahead = &l
			return false
		}
	}
	if sameFile {
		return true
	}
	for {
		src, ok := in.open()
		if !ok {
			return true
		}
		if l, ok := in.readFrom(src); ok {
			in.ahead = &l
			return false
		}
	}
}

// fileName is the name of the file being read, as F prints it.
func (in *inputs) fileName() string {
	if in.cur == nil {
		return "-"
	}
	return in.cur.name
}
