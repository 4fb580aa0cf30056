package coreutils

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/nsemu/nsemu/emu/builtin/internal/opts"
	"github.com/nsemu/nsemu/emu/builtin/internal/textio"
	"github.com/nsemu/nsemu/emu/shell"
)

type catFlags struct {
	number, numberNonBlank, ends, tabs, squeeze, nonprint bool
}

// parseCat reads cat's command line.
func parseCat(args []string) (catFlags, []string, error) {
	var f catFlags
	all := func(string) error { f.nonprint, f.ends, f.tabs = true, true, true; return nil }
	set := &opts.Set{Prog: "cat", Opts: []opts.Opt{
		{Short: 'n', Long: "number", Do: set(&f.number)},
		{Short: 'b', Long: "number-nonblank", Do: set(&f.numberNonBlank)},
		{Short: 'E', Long: "show-ends", Do: set(&f.ends)},
		{Short: 'T', Long: "show-tabs", Do: set(&f.tabs)},
		{Short: 's', Long: "squeeze-blank", Do: set(&f.squeeze)},
		{Short: 'v', Long: "show-nonprinting", Do: set(&f.nonprint)},
		{Short: 'A', Long: "show-all", Do: all},
		{Short: 'e', Do: func(string) error { f.nonprint, f.ends = true, true; return nil }},
		{Short: 't', Do: func(string) error { f.nonprint, f.tabs = true, true; return nil }},
		{Short: 'u', Do: func(string) error { return nil }},
		{Long: "help", Do: func(string) error { return errHelp }},
	}}
	files, err := parseOpts(set, 1, args)
	return f, operands(files), err
}

func runCat(c *shell.Cmd) int {
	f, files, err := parseCat(c.Args[1:])
	if err == errHelp {
		c.Printf("Usage: cat [OPTION]... [FILE]...\nConcatenate FILE(s) to standard output.\n")
		return 0
	}
	if err != nil {
		return c.Exit(err)
	}
	w := &catWriter{f: f, out: c.Stdout, bol: true}
	status := 0
	for _, name := range files {
		in, err := input(c, name)
		if err != nil {
			status = c.Errorf("cat: %s", shell.FileError(err))
			continue
		}
		_, err = io.Copy(w, in)
		in.Close()
		var we *catWriteError
		switch {
		case errors.As(err, &we):
			return textio.SigPipe
		case err != nil && c.Ctx.Err() != nil:
			return 130
		case err != nil:
			status = c.Errorf("cat: %s: %s", name, strerror(err))
		}
	}
	return status
}

// errHelp ends a parse for --help.
var errHelp = errors.New("help")

// catWriteError is a failed write of cat's output.
type catWriteError struct{ error }

// catWriter applies cat's options across files, as GNU cat does (line
// numbers carry on from one file to the next).
type catWriter struct {
	f      catFlags
	out    io.Writer
	line   int
	bol    bool
	blanks int
}

func (w *catWriter) Write(data []byte) (int, error) {
	f := w.f
	if !f.number && !f.numberNonBlank && !f.ends && !f.tabs && !f.squeeze && !f.nonprint {
		n, err := w.out.Write(data)
		if err != nil {
			err = &catWriteError{err}
		}
		return n, err
	}
	var b bytes.Buffer
	for _, ch := range data {
		if w.bol {
			if ch == '\n' {
				w.blanks++
				if f.squeeze && w.blanks > 1 {
					continue
				}
			} else {
				w.blanks = 0
			}
			if f.numberNonBlank && ch != '\n' || f.number && !f.numberNonBlank {
				w.line++
				fmt.Fprintf(&b, "%6d\t", w.line)
			}
			w.bol = false
		}
		switch {
		case ch == '\n':
			if f.ends {
				b.WriteByte('$')
			}
			b.WriteByte('\n')
			w.bol = true
		case ch == '\t' && f.tabs:
			b.WriteString("^I")
		case f.nonprint && ch != '\t' && (ch < 32 || ch == 127):
			b.WriteByte('^')
			b.WriteByte(ch ^ 0x40)
		case f.nonprint && ch >= 128:
			b.WriteString("M-")
			c := ch - 128
			switch {
			case c < 32 || c == 127:
				b.WriteByte('^')
				b.WriteByte(c ^ 0x40)
			default:
				b.WriteByte(c)
			}
		default:
			b.WriteByte(ch)
		}
	}
	if _, err := w.out.Write(b.Bytes()); err != nil {
		return 0, &catWriteError{err}
	}
	return len(data), nil
}
