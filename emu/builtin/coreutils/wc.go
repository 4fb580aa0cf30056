package coreutils

import (
	"io"
	"io/fs"
	"strconv"
	"strings"

	"github.com/nsemu/nsemu/emu/builtin/internal/opts"
	"github.com/nsemu/nsemu/emu/builtin/internal/textio"
	"github.com/nsemu/nsemu/emu/shell"
)

// wcReq is a wc command line: which counts, in the order lines, words,
// characters, bytes, maximum line length.
type wcReq struct {
	lines, words, chars, bytes, maxLen bool
	total                              string // --total: auto, always, only, never
	files                              []string
	implicit                           bool // no operand: standard input, unnamed
}

func parseWc(args []string) (*wcReq, error) {
	r := &wcReq{total: "auto"}
	set := &opts.Set{Prog: "wc", Opts: []opts.Opt{
		{Short: 'l', Long: "lines", Do: set(&r.lines)},
		{Short: 'w', Long: "words", Do: set(&r.words)},
		{Short: 'm', Long: "chars", Do: set(&r.chars)},
		{Short: 'c', Long: "bytes", Do: set(&r.bytes)},
		{Short: 'L', Long: "max-line-length", Do: set(&r.maxLen)},
		{Long: "total", Arg: opts.Required, Do: r.totalArg},
	}}
	files, err := parseOpts(set, 1, args)
	if err != nil {
		return nil, err
	}
	if !r.lines && !r.words && !r.chars && !r.bytes && !r.maxLen {
		r.lines, r.words, r.bytes = true, true, true
	}
	r.files, r.implicit = operands(files), len(files) == 0
	return r, nil
}

func (r *wcReq) totalArg(a string) error {
	switch a {
	case "auto", "always", "only", "never":
		r.total = a
		return nil
	}
	return usage("wc", 1, "invalid argument %s for '--total'\nValid arguments are:\n  - 'auto'\n  - 'always'\n  - 'only'\n  - 'never'", q(a))
}

// wcCounts is what wc counts in one input.
type wcCounts struct {
	lines, words, chars, bytes, maxLen int64
	name                               string
	failed                             bool
	size                               int64 // of a regular file; -1 for a pipe
}

func runWc(c *shell.Cmd) int {
	r, err := parseWc(c.Args[1:])
	if err != nil {
		return c.Exit(err)
	}
	var all []wcCounts
	status := 0
	for _, name := range r.files {
		n, err := wcFile(c, name)
		if err != nil {
			if c.Ctx.Err() != nil {
				return 130
			}
			c.Errorf("wc: %s", shell.FileError(err))
			status = 1
		}
		all = append(all, n)
	}
	out := textio.NewOut(c.Stdout)
	r.print(out, all)
	if out.Flush() != nil {
		return textio.SigPipe
	}
	return status
}

// wcFile counts one input.
func wcFile(c *shell.Cmd, name string) (wcCounts, error) {
	n := wcCounts{name: name, size: -1}
	f, err := input(c, name)
	if err != nil {
		n.failed = !isDirErr(err)
		return n, err
	}
	defer f.Close()
	n.size = regularSize(c, name, f)
	var buf [32 << 10]byte
	inWord := false
	var col int64
	for {
		k, err := f.Read(buf[:])
		n.count(buf[:k], &inWord, &col)
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, &fs.PathError{Op: "read", Path: name, Err: err}
		}
	}
}

// regularSize is the size of a regular file (standard input redirected
// from one included), or -1.
func regularSize(c *shell.Cmd, name string, f io.Reader) int64 {
	st, ok := f.(interface{ Stat() (fs.FileInfo, error) })
	if name == "-" {
		st, ok = c.Stdin.(interface{ Stat() (fs.FileInfo, error) })
	}
	if !ok {
		return -1
	}
	if fi, err := st.Stat(); err == nil && fi.Mode().IsRegular() {
		return fi.Size()
	}
	return -1
}

// count adds a block of input; words and the line length carry over.
func (n *wcCounts) count(b []byte, inWord *bool, col *int64) {
	n.bytes += int64(len(b))
	n.chars += int64(len(b)) // the C locale: a character is a byte
	for _, ch := range b {
		switch ch {
		case '\n':
			n.lines++
			n.maxLen = max(n.maxLen, *col)
			*col = 0
		case '\t':
			*col += 8 - *col%8
		case '\r', '\f':
			*col = 0
		default:
			if ch >= ' ' && ch < 0x7f {
				*col++
			}
		}
		space := ch == ' ' || ch >= '\t' && ch <= '\r'
		if !space && !*inWord {
			n.words++
		}
		*inWord = !space
	}
	n.maxLen = max(n.maxLen, *col)
}

// print writes the counts in GNU's columns: as wide as the total size of
// the regular files (7 at least when one is a pipe), or unpadded for one
// count of one input.
func (r *wcReq) print(out *textio.Out, all []wcCounts) {
	var tot wcCounts
	tot.name = "total"
	width := r.width(all)
	showTotal := r.total == "always" || r.total == "only" || r.total == "auto" && len(all) > 1
	for _, n := range all {
		tot.lines += n.lines
		tot.words += n.words
		tot.chars += n.chars
		tot.bytes += n.bytes
		tot.maxLen = max(tot.maxLen, n.maxLen)
		if !n.failed && r.total != "only" {
			r.line(out, n, width, true)
		}
	}
	if showTotal {
		r.line(out, tot, width, r.total != "only")
	}
}

func (r *wcReq) width(all []wcCounts) int {
	fields := 0
	for _, f := range []bool{r.lines, r.words, r.chars, r.bytes, r.maxLen} {
		if f {
			fields++
		}
	}
	if fields == 1 && len(all) == 1 || len(all) == 0 || all[0].failed {
		return 1
	}
	minimum, total := 1, int64(0)
	for _, n := range all {
		switch {
		case n.failed:
		case n.size >= 0:
			total += n.size
		default:
			minimum = 7
		}
	}
	return max(len(strconv.FormatInt(total, 10)), minimum)
}

func (r *wcReq) line(out *textio.Out, n wcCounts, width int, named bool) {
	var cols []string
	for _, f := range []struct {
		on bool
		v  int64
	}{{r.lines, n.lines}, {r.words, n.words}, {r.chars, n.chars}, {r.bytes, n.bytes}, {r.maxLen, n.maxLen}} {
		if f.on {
			s := strconv.FormatInt(f.v, 10)
			cols = append(cols, strings.Repeat(" ", max(0, width-len(s)))+s)
		}
	}
	s := strings.Join(cols, " ")
	if named && !r.implicit {
		s += " " + n.name
	}
	out.WriteString(s + "\n")
}
