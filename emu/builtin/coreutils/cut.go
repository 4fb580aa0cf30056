package coreutils

import (
	"bytes"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/nsemu/nsemu/emu/builtin/internal/opts"
	"github.com/nsemu/nsemu/emu/builtin/internal/textio"
	"github.com/nsemu/nsemu/emu/shell"
)

// span is a range of a cut list, from 1; hi 0 is "to the end".
type span struct{ lo, hi int }

// cutReq is a cut command line.
type cutReq struct {
	mode       byte // 'b', 'c' or 'f'
	list       string
	spans      []span
	delim      byte
	delimSet   bool
	outDelim   *string
	onlyDelim  bool // -s
	complement bool
	lineDelim  byte
	files      []string
}

func parseCut(args []string) (*cutReq, error) {
	r := &cutReq{delim: '\t', lineDelim: '\n'}
	var err error
	list := func(mode byte) func(string) error {
		return func(a string) error {
			if r.mode != 0 {
				return usage("cut", 1, "only one list may be specified")
			}
			r.mode, r.list = mode, a
			return nil
		}
	}
	set := &opts.Set{Prog: "cut", Opts: []opts.Opt{
		{Short: 'b', Long: "bytes", Arg: opts.Required, Do: list('b')},
		{Short: 'c', Long: "characters", Arg: opts.Required, Do: list('c')},
		{Short: 'f', Long: "fields", Arg: opts.Required, Do: list('f')},
		{Short: 'd', Long: "delimiter", Arg: opts.Required, Do: r.delimArg},
		{Short: 's', Long: "only-delimited", Do: set(&r.onlyDelim)},
		{Long: "complement", Do: set(&r.complement)},
		{Long: "output-delimiter", Arg: opts.Required, Do: func(a string) error { r.outDelim = &a; return nil }},
		{Short: 'n', Do: func(string) error { return nil }},
		{Short: 'z', Long: "zero-terminated", Do: func(string) error { r.lineDelim = 0; return nil }},
	}}
	files, err := parseOpts(set, 1, args)
	if err != nil {
		return nil, err
	}
	if err := r.check(); err != nil {
		return nil, err
	}
	if r.spans, err = parseList(r.list, r.mode); err != nil {
		return nil, err
	}
	r.files = operands(files)
	return r, nil
}

func (r *cutReq) delimArg(a string) error {
	if len(a) > 1 {
		return usage("cut", 1, "the delimiter must be a single character")
	}
	r.delim, r.delimSet = 0, true
	if a != "" {
		r.delim = a[0]
	}
	return nil
}

// check refuses the combinations cut refuses.
func (r *cutReq) check() error {
	switch {
	case r.mode == 0:
		return usage("cut", 1, "you must specify a list of bytes, characters, or fields")
	case r.mode != 'f' && r.delimSet:
		return usage("cut", 1, "an input delimiter may be specified only when operating on fields")
	case r.mode != 'f' && r.onlyDelim:
		return usage("cut", 1, "suppressing non-delimited lines makes sense\n\tonly when operating on fields")
	}
	return nil
}

// parseList reads a cut list (1,3-5,7-,-2), sorted and merged.
func parseList(list string, mode byte) ([]span, error) {
	what := "fields"
	if mode != 'f' {
		what = "byte/character positions"
	}
	var spans []span
	for _, item := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
		s, err := parseSpan(item, what, mode)
		if err != nil {
			return nil, err
		}
		spans = append(spans, s)
	}
	if len(spans) == 0 || strings.Contains(list, ",,") || strings.HasPrefix(list, ",") {
		return nil, usage("cut", 1, "%s are numbered from 1", what)
	}
	return mergeSpans(spans), nil
}

func parseSpan(item, what string, mode byte) (span, error) {
	lo, hi, isRange := strings.Cut(item, "-")
	num := func(s string) (int, error) {
		n, err := strconv.Atoi(s)
		switch {
		case err != nil && isDigits(s):
			return 1<<31 - 1, nil
		case err != nil || strings.HasPrefix(s, "+"):
			kind := "field"
			if mode != 'f' {
				kind = "byte/character position"
			}
			if strings.Contains(s, "-") {
				return 0, usage("cut", 1, "invalid %s range", kind)
			}
			return 0, usage("cut", 1, "invalid %s value %s", kind, q(item))
		case n == 0:
			return 0, usage("cut", 1, "%s are numbered from 1", what)
		}
		return n, nil
	}
	if !isRange {
		n, err := num(lo)
		return span{n, n}, err
	}
	if lo == "" && hi == "" {
		return span{}, usage("cut", 1, "invalid range with no endpoint: -")
	}
	s := span{lo: 1}
	var err error
	if lo != "" {
		if s.lo, err = num(lo); err != nil {
			return s, err
		}
	}
	if hi != "" {
		if s.hi, err = num(hi); err != nil {
			return s, err
		}
		if s.hi < s.lo {
			return s, usage("cut", 1, "invalid decreasing range")
		}
	}
	return s, nil
}

// mergeSpans sorts spans and joins the overlapping ones.
func mergeSpans(spans []span) []span {
	sort.Slice(spans, func(i, j int) bool { return spans[i].lo < spans[j].lo })
	out := spans[:1]
	for _, s := range spans[1:] {
		last := &out[len(out)-1]
		if last.hi == 0 || s.lo <= last.hi+1 {
			if last.hi != 0 && (s.hi == 0 || s.hi > last.hi) {
				last.hi = s.hi
			}
			continue
		}
		out = append(out, s)
	}
	return out
}

// selected reports whether position i (from 1) is in the list.
func (r *cutReq) selected(i int) bool {
	in := false
	for _, s := range r.spans {
		if i >= s.lo && (s.hi == 0 || i <= s.hi) {
			in = true
			break
		}
	}
	return in != r.complement
}

func runCut(c *shell.Cmd) int {
	r, err := parseCut(c.Args[1:])
	if err != nil {
		return c.Exit(err)
	}
	out := textio.NewOut(c.Stdout)
	status := 0
	for _, name := range r.files {
		f, err := input(c, name)
		if err != nil {
			out.Flush()
			status = c.Errorf("cut: %s", shell.FileError(err))
			continue
		}
		err = r.cutAll(textio.NewLines(c.Ctx, f, r.lineDelim, out), out)
		f.Close()
		if textio.IsWrite(err) {
			return textio.SigPipe
		}
		if err != nil {
			status = c.Errorf("cut: %s: %s", name, strerror(err))
		}
	}
	if out.Flush() != nil {
		return textio.SigPipe
	}
	return status
}

func (r *cutReq) cutAll(lines *textio.Lines, out *textio.Out) error {
	for {
		rec, err := lines.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		line, _ := textio.TrimDelim(rec, r.lineDelim)
		if r.mode == 'f' {
			r.cutFields(line, out)
		} else {
			r.cutBytes(line, out)
		}
	}
}

// cutBytes is -b and -c (a character is a byte in the C locale).
func (r *cutReq) cutBytes(line []byte, out *textio.Out) {
	last := -2
	for i := range line {
		if !r.selected(i + 1) {
			continue
		}
		if r.outDelim != nil && last >= 0 && i != last+1 {
			out.WriteString(*r.outDelim)
		}
		out.WriteByte(line[i])
		last = i
	}
	out.WriteByte(r.lineDelim)
}

// cutFields is -f.
func (r *cutReq) cutFields(line []byte, out *textio.Out) {
	if bytes.IndexByte(line, r.delim) < 0 {
		if !r.onlyDelim {
			out.Write(line)
			out.WriteByte(r.lineDelim)
		}
		return
	}
	sep := string(r.delim)
	if r.outDelim != nil {
		sep = *r.outDelim
	}
	first := true
	for i, f := range bytes.Split(line, []byte{r.delim}) {
		if !r.selected(i + 1) {
			continue
		}
		if !first {
			out.WriteString(sep)
		}
		out.Write(f)
		first = false
	}
	out.WriteByte(r.lineDelim)
}
