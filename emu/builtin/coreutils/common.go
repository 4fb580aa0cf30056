package coreutils

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strconv"
	"strings"
	"syscall"

	"github.com/nsemu/nsemu/emu/builtin/internal/opts"
	"github.com/nsemu/nsemu/emu/builtin/internal/textio"
	"github.com/nsemu/nsemu/emu/shell"
	"github.com/nsemu/nsemu/emu/vfs"
)

// usage is a bad command line in coreutils' words: the message, then
// "Try 'PROG --help' for more information.".
func usage(prog string, status int, format string, a ...any) *shell.ExitError {
	return shell.Failf(status, "%s: %s\nTry '%s --help' for more information.", prog, fmt.Sprintf(format, a...), prog)
}

// parseOpts applies a tool's options; getopt's errors get the usage line.
func parseOpts(set *opts.Set, status int, args []string) ([]string, error) {
	ops, err := set.Parse(args)
	var oe *opts.Error
	if errors.As(err, &oe) {
		return nil, shell.Failf(status, "%s\nTry '%s --help' for more information.", oe.Msg, set.Prog)
	}
	return ops, err
}

// fail is an error in a tool's words, with a status.
func fail(status int, format string, a ...any) *shell.ExitError {
	return shell.Failf(status, format, a...)
}

// q quotes a name as coreutils does in the C locale: 'name'.
func q(s string) string {
	if strings.ContainsRune(s, '\'') {
		return `"` + s + `"`
	}
	return "'" + s + "'"
}

// set is an option that sets a flag.
func set(b *bool) func(string) error {
	return func(string) error { *b = true; return nil }
}

// input opens an operand for reading: "-" is standard input (empty when
// there is none). Reading stops when the run ends.
func input(c *shell.Cmd, name string) (io.ReadCloser, error) {
	if name == "-" {
		if c.Stdin == nil {
			return io.NopCloser(strings.NewReader("")), nil
		}
		return io.NopCloser(textio.Reader(c.Ctx, c.Stdin, nil)), nil
	}
	f, err := c.Open(name)
	if err != nil {
		return nil, err
	}
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		f.Close()
		return nil, &fs.PathError{Op: "read", Path: name, Err: vfs.ErrIsDir}
	}
	return f, nil
}

// isDirErr reports whether err says a file is a directory.
func isDirErr(err error) bool { return errors.Is(err, syscall.EISDIR) }

// strerror is the C library's words for err. (vfs.Strerror says "File
// exists" for ENOTEMPTY, which syscall.Errno.Is counts as fs.ErrExist.)
func strerror(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) && errno == syscall.ENOTEMPTY {
		return "Directory not empty"
	}
	return vfs.Strerror(err)
}

// operands returns files, or "-" when there is none.
func operands(files []string) []string {
	if len(files) == 0 {
		return []string{"-"}
	}
	return files
}

// parseSize reads a count with coreutils' suffixes (b, K, KB, KiB, M,
// ...); ok is false for anything else.
func parseSize(s string) (int64, bool) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 {
		return 0, false
	}
	n, err := strconv.ParseInt(s[:i], 10, 64)
	if err != nil {
		return 1<<63 - 1, true
	}
	mult, ok := sizeSuffix(s[i:])
	if !ok {
		return 0, false
	}
	if mult > 1 && n > (1<<63-1)/mult {
		return 1<<63 - 1, true
	}
	return n * mult, true
}

func sizeSuffix(s string) (int64, bool) {
	if s == "" {
		return 1, true
	}
	if s == "b" {
		return 512, true
	}
	const units = "KMGTPEZY"
	i := strings.IndexByte(units, strings.ToUpper(s[:1])[0])
	if i < 0 {
		return 0, false
	}
	base := int64(1024)
	switch s[1:] {
	case "", "iB":
	case "B":
		base = 1000
	default:
		return 0, false
	}
	m := int64(1)
	for range i + 1 {
		if m > (1<<63-1)/base {
			return 1<<63 - 1, true
		}
		m *= base
	}
	return m, true
}
