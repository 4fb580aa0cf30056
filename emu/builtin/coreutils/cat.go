package coreutils

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/nsemu/nsemu/emu/shell"
)

type catFlags struct {
	number, numberNonBlank, ends, tabs, squeeze, nonprint bool
}

func runCat(c *shell.Cmd) int {
	var f catFlags
	var files []string
	opts := true
	for _, a := range c.Args[1:] {
		switch {
		case opts && a == "--":
			opts = false
		case opts && strings.HasPrefix(a, "--") && len(a) > 2:
			switch a {
			case "--number":
				f.number = true
			case "--number-nonblank":
				f.numberNonBlank = true
			case "--show-ends":
				f.ends = true
			case "--show-tabs":
				f.tabs = true
			case "--show-all":
				f.nonprint, f.ends, f.tabs = true, true, true
			case "--squeeze-blank":
				f.squeeze = true
			case "--show-nonprinting":
				f.nonprint = true
			case "--help":
				c.Printf("Usage: cat [OPTION]... [FILE]...\nConcatenate FILE(s) to standard output.\n")
				return 0
			default:
				return c.Fail(1, "cat: unrecognized option '%s'\nTry 'cat --help' for more information.", a)
			}
		case opts && strings.HasPrefix(a, "-") && len(a) > 1:
			for _, o := range a[1:] {
				switch o {
				case 'n':
					f.number = true
				case 'b':
					f.numberNonBlank = true
				case 'E':
					f.ends = true
				case 'T':
					f.tabs = true
				case 's':
					f.squeeze = true
				case 'v':
					f.nonprint = true
				case 'A':
					f.nonprint, f.ends, f.tabs = true, true, true
				case 'e':
					f.nonprint, f.ends = true, true
				case 't':
					f.nonprint, f.tabs = true, true
				case 'u':
				default:
					return c.Fail(1, "cat: invalid option -- '%c'\nTry 'cat --help' for more information.", o)
				}
			}
		default:
			files = append(files, a)
		}
	}
	if len(files) == 0 {
		files = []string{"-"}
	}
	w := &catWriter{f: f, out: c.Stdout, bol: true}
	status := 0
	for _, name := range files {
		var data []byte
		var err error
		if name == "-" {
			if c.Stdin == nil {
				continue
			}
			data, err = io.ReadAll(c.Stdin)
		} else {
			data, err = c.ReadFile(name)
		}
		if err != nil {
			fmt.Fprintf(c.Stderr, "cat: %s\n", shell.FileError(err))
			status = 1
			continue
		}
		if _, err := w.Write(data); err != nil {
			return 1
		}
	}
	return status
}

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
		return w.out.Write(data)
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
		return 0, err
	}
	return len(data), nil
}
