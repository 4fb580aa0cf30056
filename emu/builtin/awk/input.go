package awk

import (
	"io"
	"strings"

	"github.com/nsemu/nsemu/emu/builtin/internal/textio"
	"github.com/nsemu/nsemu/emu/shell"
	"github.com/nsemu/nsemu/emu/vfs"
)

// inputs serves the files named on the command line, one after the
// other, as GoAWK's standard input: each is a "-" in GoAWK's ARGV, and
// reading past its end moves to the next.
type inputs struct {
	c     *shell.Cmd
	out   *textio.Out // flushed before waiting for input
	args  []string    // GoAWK's ARGV: assignments as they are, files as "-"
	files []string    // the files, in order ("-" is standard input)

	i        int // the next file to open
	cur      io.ReadCloser
	curName  string
	ended    bool // cur is at its end: the next read opens the next file
	openErr  error
	openName string
}

func newInputs(c *shell.Cmd, operands []string, out *textio.Out) *inputs {
	in := &inputs{c: c, out: out}
	for _, a := range operands {
		if isAssignment(a) || a == "" {
			in.args = append(in.args, a)
			continue
		}
		in.args = append(in.args, "-")
		in.files = append(in.files, a)
	}
	return in
}

// named reports whether files are named (so FILENAME must be set).
func (in *inputs) named() bool { return len(in.files) > 0 }

// funcs are the Go functions the program may call.
func (in *inputs) funcs() map[string]any {
	return map[string]any{filenameFunc: func() string { return in.curName }}
}

// reader is GoAWK's standard input.
func (in *inputs) reader() io.Reader {
	if !in.named() {
		return in.stdin()
	}
	return in
}

func (in *inputs) stdin() io.Reader {
	if in.c.Stdin == nil {
		return strings.NewReader("")
	}
	return textio.Reader(in.c.Ctx, in.c.Stdin, in.out)
}

// Read implements io.Reader: the current file, then io.EOF once at its
// end; the read after that starts the next file.
func (in *inputs) Read(p []byte) (int, error) {
	if in.cur == nil || in.ended {
		if err := in.next(); err != nil {
			return 0, err
		}
	}
	n, err := in.cur.Read(p)
	if err == io.EOF {
		in.cur.Close()
		in.ended = true
	}
	return n, err
}

// next opens the next file.
func (in *inputs) next() error {
	if in.i >= len(in.files) {
		return io.EOF
	}
	name := in.files[in.i]
	in.i++
	in.curName, in.ended = name, false
	if name == "-" {
		in.cur = io.NopCloser(in.stdin())
		return nil
	}
	f, err := in.c.Open(name)
	if err == nil {
		if fi, serr := f.Stat(); serr == nil && fi.IsDir() {
			f.Close()
			err = vfs.ErrIsDir
		}
	}
	if err != nil {
		in.openErr, in.openName = err, name
		return err
	}
	in.cur = f
	return nil
}

func strerror(err error) string { return vfs.Strerror(err) }
