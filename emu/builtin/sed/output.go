package sed

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/nsemu/nsemu/emu/builtin/internal/textio"
	"github.com/nsemu/nsemu/emu/shell"
)

// output is where sed writes: standard output, a file -i edits, a w
// file. Like sed, it ends a line left without its newline before
// writing more after it.
type output struct {
	w         io.Writer
	missingNL bool
	err       error
}

func (o *output) write(b []byte) {
	if o.err != nil || len(b) == 0 {
		return
	}
	if o.missingNL {
		if _, o.err = o.w.Write([]byte{'\n'}); o.err != nil {
			return
		}
	}
	_, o.err = o.w.Write(b)
	o.missingNL = false
}

// pattern writes a pattern space, with the delimiter if it had one.
func (o *output) pattern(ps []byte, delim bool, d byte) {
	o.write(ps)
	if delim {
		o.write([]byte{d})
	} else if len(ps) > 0 {
		o.missingNL = true
	}
}

// text writes text that ends with its own newline (a, i, c, =, l).
func (o *output) text(s string) { o.write([]byte(s)) }

// raw writes a file's contents as they are (r).
func (o *output) raw(b []byte) {
	o.write(b)
	if len(b) > 0 && b[len(b)-1] != '\n' {
		o.missingNL = true
	}
}

// files are the files w writes and r and R read, in the emulated file
// system; /dev/stdout and /dev/stderr are sed's own streams.
type files struct {
	c      *shell.Cmd
	stdout *output
	w      map[string]*output
	closer []io.Closer
	r      map[string]*bufio.Reader
}

// open creates (truncates) the w files, as sed does before reading.
func (f *files) open(names []string) error {
	f.w, f.r = map[string]*output{}, map[string]*bufio.Reader{}
	for _, name := range names {
		if _, ok := f.w[name]; ok {
			continue
		}
		switch name {
		case "/dev/stdout":
			f.w[name] = f.stdout
			continue
		case "/dev/stderr":
			f.w[name] = &output{w: f.c.Stderr}
			continue
		}
		file, err := f.c.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
		if err != nil {
			return shell.Failf(4, "sed: couldn't open file %s", shell.FileError(err))
		}
		f.closer = append(f.closer, file)
		f.w[name] = &output{w: file}
	}
	return nil
}

func (f *files) close() {
	for _, c := range f.closer {
		c.Close()
	}
}

// write writes a line to a w file.
func (f *files) write(name string, b []byte) error {
	o := f.w[name]
	o.write(b)
	o.write([]byte{'\n'})
	if o.err != nil && o != f.stdout {
		return shell.Failf(4, "sed: couldn't write to %s: %s", name, strerror(o.err))
	}
	return nil
}

// readAll is r's file; a file that cannot be read is nothing, as in sed.
func (f *files) readAll(name string) []byte {
	if name == "/dev/stdin" {
		if f.c.Stdin == nil {
			return nil
		}
		b, _ := io.ReadAll(textio.Reader(f.c.Ctx, f.c.Stdin, nil))
		return b
	}
	b, _ := f.c.ReadFile(name)
	return b
}

// readLine is R's next line of a file.
func (f *files) readLine(name string, delim byte) ([]byte, bool) {
	br, ok := f.r[name]
	if !ok {
		var r io.Reader = strings.NewReader("")
		if file, err := f.c.Open(name); err == nil {
			f.closer = append(f.closer, file)
			r = file
		}
		br = bufio.NewReader(r)
		f.r[name] = br
	}
	l, err := br.ReadBytes(delim)
	if len(l) == 0 && err != nil {
		return nil, false
	}
	return bytes.TrimSuffix(l, []byte{delim}), true
}

// escapeLine is the l command's view of a pattern space: escapes for
// what does not print, lines wrapped at width (0 or 1: never) with a
// backslash (0: never; 1: before every character, as sed does), and a
// $ at the end.
func escapeLine(ps []byte, width int) string {
	var b strings.Builder
	col := 0
	for _, c := range ps {
		e := escapeByte(c)
		if width > 0 && col+len(e) > width-1 {
			b.WriteString("\\\n")
			col = 0
		}
		b.WriteString(e)
		col += len(e)
	}
	b.WriteString("$\n")
	return b.String()
}

func escapeByte(c byte) string {
	switch {
	case c == '\\':
		return `\\`
	case c >= ' ' && c < 0x7f:
		return string(c)
	}
	if i := bytes.IndexByte([]byte("\a\b\f\n\r\t\v"), c); i >= 0 {
		return `\` + string("abfnrtv"[i])
	}
	return fmt.Sprintf(`\%03o`, c)
}
