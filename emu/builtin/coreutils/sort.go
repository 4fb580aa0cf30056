package coreutils

import (
	"bytes"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/nsemu/nsemu/emu/builtin/internal/opts"
	"github.com/nsemu/nsemu/emu/builtin/internal/textio"
	"github.com/nsemu/nsemu/emu/shell"
)

// keyOpts are the ordering options of sort, global or of one key.
type keyOpts struct {
	blankStart, blankEnd                    bool // -b
	dict, fold, nonprint                    bool // -d -f -i
	numeric, general, human, month, version bool // -n -g -h -M -V
	random, reverse                         bool // -R -r
}

func (o keyOpts) empty() bool { return o == keyOpts{} }

// sortKey is one -k POS1[,POS2]: fields and characters count from 1;
// eField 0 is the end of the line, eChar 0 the end of field eField.
type sortKey struct {
	sField, sChar, eField, eChar int
	opts                         keyOpts
}

// sortReq is a sort command line.
type sortReq struct {
	global     keyOpts
	keys       []sortKey
	tab        int // the -t separator, or -1 for blank-to-non-blank
	unique     bool
	stable     bool
	check      int // 1: -c, 2: -C (quietly)
	output     string
	delim      byte
	files      []string
	sawOptions string // the ordering letters given, for the incompatibility message
}

func parseSort(args []string) (*sortReq, error) {
	r := &sortReq{tab: -1, delim: '\n'}
	set := &opts.Set{Prog: "sort", Opts: r.options()}
	files, err := parseOpts(set, 2, args)
	if err != nil {
		return nil, err
	}
	if err := checkCompatible(r.global); err != nil {
		return nil, err
	}
	for i := range r.keys {
		if r.keys[i].opts.empty() {
			r.keys[i].opts = r.global
		} else if err := checkCompatible(r.keys[i].opts); err != nil {
			return nil, err
		}
	}
	if r.check > 0 && len(files) > 1 {
		return nil, usage("sort", 2, "extra operand %s not allowed with -%c", q(files[1]), "cC"[r.check-1])
	}
	r.files = operands(files)
	return r, nil
}

// options is sort's option table.
func (r *sortReq) options() []opts.Opt {
	g := &r.global
	o := func(short byte, long string, b *bool) opts.Opt {
		return opts.Opt{Short: short, Long: long, Do: set(b)}
	}
	return []opts.Opt{
		{Short: 'b', Long: "ignore-leading-blanks", Do: func(string) error { g.blankStart, g.blankEnd = true, true; return nil }},
		o('d', "dictionary-order", &g.dict), o('f', "ignore-case", &g.fold), o('i', "ignore-nonprinting", &g.nonprint),
		o('n', "numeric-sort", &g.numeric), o('g', "general-numeric-sort", &g.general), o('h', "human-numeric-sort", &g.human),
		o('M', "month-sort", &g.month), o('V', "version-sort", &g.version), o('R', "random-sort", &g.random),
		o('r', "reverse", &g.reverse), o('s', "stable", &r.stable), o('u', "unique", &r.unique),
		{Long: "sort", Arg: opts.Required, Do: r.sortWord},
		{Short: 'k', Long: "key", Arg: opts.Required, Do: r.keyArg},
		{Short: 't', Long: "field-separator", Arg: opts.Required, Do: r.tabArg},
		{Short: 'o', Long: "output", Arg: opts.Required, Do: func(a string) error { r.output = a; return nil }},
		{Short: 'c', Arg: opts.None, Do: func(string) error { r.check = 1; return nil }},
		{Short: 'C', Do: func(string) error { r.check = 2; return nil }},
		{Long: "check", Arg: opts.Optional, Do: r.checkArg},
		{Short: 'z', Long: "zero-terminated", Do: func(string) error { r.delim = 0; return nil }},
		{Short: 'm', Long: "merge", Do: func(string) error { return nil }},
		{Short: 'S', Long: "buffer-size", Arg: opts.Required, Do: func(string) error { return nil }},
		{Short: 'T', Long: "temporary-directory", Arg: opts.Required, Do: func(string) error { return nil }},
		{Long: "parallel", Arg: opts.Required, Do: func(string) error { return nil }},
		{Long: "random-source", Arg: opts.Required, Do: func(string) error { return nil }},
	}
}

func (r *sortReq) sortWord(a string) error {
	g := &r.global
	for _, w := range []struct {
		name string
		b    *bool
	}{{"general-numeric", &g.general}, {"human-numeric", &g.human}, {"month", &g.month}, {"numeric", &g.numeric}, {"random", &g.random}, {"version", &g.version}} {
		if w.name == a {
			*w.b = true
			return nil
		}
	}
	return usage("sort", 2, "invalid argument %s for '--sort'", q(a))
}

func (r *sortReq) checkArg(a string) error {
	switch a {
	case "", "diagnose-first":
		r.check = 1
	case "quiet", "silent":
		r.check = 2
	default:
		return usage("sort", 2, "invalid argument %s for '--check'", q(a))
	}
	return nil
}

func (r *sortReq) tabArg(a string) error {
	switch {
	case a == "":
		return fail(2, "sort: empty tab")
	case a == `\0`:
		r.tab = 0
	case len(a) > 1:
		return fail(2, "sort: multi-character tab %s", q(a))
	default:
		r.tab = int(a[0])
	}
	return nil
}

// checkCompatible refuses two orderings in one key, in GNU's words.
func checkCompatible(o keyOpts) error {
	n := 0
	for _, b := range []bool{o.numeric, o.general, o.human, o.month, o.version, o.random} {
		if b {
			n++
		}
	}
	if n <= 1 && !((o.dict || o.nonprint) && n == 1 && !o.random) {
		return nil
	}
	letters := ""
	for _, l := range []struct {
		c byte
		b bool
	}{{'b', o.blankStart}, {'d', o.dict}, {'f', o.fold}, {'g', o.general}, {'h', o.human}, {'i', o.nonprint},
		{'M', o.month}, {'n', o.numeric}, {'R', o.random}, {'r', o.reverse}, {'V', o.version}} {
		if l.b {
			letters += string(l.c)
		}
	}
	return fail(2, "sort: options '-%s' are incompatible", letters)
}

// keyArg parses -k POS1[,POS2].
func (r *sortReq) keyArg(a string) error {
	var k sortKey
	s, err := keyPos(a, a, "invalid number at field start", &k.sField, &k.sChar)
	if err != nil {
		return err
	}
	if k.sField == 0 {
		return fail(2, "sort: field number is zero: invalid field specification %s", q(a))
	}
	if k.sChar == 0 && strings.Contains(a[:len(a)-len(s)], ".") {
		return fail(2, "sort: character offset is zero: invalid field specification %s", q(a))
	}
	s = keyLetters(s, &k.opts, true)
	if strings.HasPrefix(s, ",") {
		if s, err = keyPos(a, s[1:], "invalid number after ','", &k.eField, &k.eChar); err != nil {
			return err
		}
		if k.eField == 0 {
			return fail(2, "sort: field number is zero: invalid field specification %s", q(a))
		}
		s = keyLetters(s, &k.opts, false)
	}
	if s != "" {
		return fail(2, "sort: stray character in field spec: invalid field specification %s", q(a))
	}
	if k.sChar == 0 {
		k.sChar = 1
	}
	r.keys = append(r.keys, k)
	return nil
}

// keyPos reads FIELD[.CHAR] at the start of s.
func keyPos(spec, s, what string, field, char *int) (string, error) {
	n, rest, ok := leadingNumber(s)
	if !ok {
		return "", fail(2, "sort: %s: invalid count at start of %s", what, q(s))
	}
	*field = n
	if after, dot := strings.CutPrefix(rest, "."); dot {
		if *char, rest, ok = leadingNumber(after); !ok {
			return "", fail(2, "sort: invalid number after '.': invalid count at start of %s", q(after))
		}
	}
	return rest, nil
}

func leadingNumber(s string) (int, string, bool) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 {
		return 0, s, false
	}
	n, err := strconv.Atoi(s[:i])
	if err != nil {
		n = 1<<31 - 1
	}
	return n, s[i:], true
}

// keyLetters applies the ordering letters of a key (-k 2nr) and returns
// what follows them.
func keyLetters(s string, o *keyOpts, start bool) string {
	for s != "" {
		switch s[0] {
		case 'b':
			if start {
				o.blankStart = true
			} else {
				o.blankEnd = true
			}
		case 'd':
			o.dict = true
		case 'f':
			o.fold = true
		case 'g':
			o.general = true
		case 'h':
			o.human = true
		case 'i':
			o.nonprint = true
		case 'M':
			o.month = true
		case 'n':
			o.numeric = true
		case 'R':
			o.random = true
		case 'r':
			o.reverse = true
		case 'V':
			o.version = true
		default:
			return s
		}
		s = s[1:]
	}
	return s
}

func runSort(c *shell.Cmd) int {
	r, err := parseSort(c.Args[1:])
	if err != nil {
		return c.Exit(err)
	}
	lines, err := readAllLines(c, r.files, r.delim)
	if err != nil {
		return c.Exit(err)
	}
	s := newSorter(r)
	if r.check > 0 {
		return s.check(c, r, lines)
	}
	return c.Exit(writeSorted(c, r, s.sort(lines)))
}

// readAllLines reads every input's records, without their delimiters.
func readAllLines(c *shell.Cmd, files []string, delim byte) ([][]byte, error) {
	var all [][]byte
	for _, name := range files {
		f, err := input(c, name)
		if err != nil {
			if isDirErr(err) {
				return nil, fail(2, "sort: read failed: %s: Is a directory", name)
			}
			return nil, fail(2, "sort: cannot read: %s", shell.FileError(err))
		}
		data, err := io.ReadAll(f)
		f.Close()
		if err != nil {
			if c.Ctx.Err() != nil {
				return nil, fail(130, "")
			}
			return nil, fail(2, "sort: read failed: %s: %s", name, strerror(err))
		}
		if len(data) == 0 {
			continue
		}
		all = append(all, bytes.Split(bytes.TrimSuffix(data, []byte{delim}), []byte{delim})...)
	}
	return all, nil
}

// writeSorted writes the lines to standard output or the -o file.
func writeSorted(c *shell.Cmd, r *sortReq, lines [][]byte) error {
	var buf bytes.Buffer
	for _, l := range lines {
		buf.Write(l)
		buf.WriteByte(r.delim)
	}
	if r.output == "" {
		if _, err := c.Stdout.Write(buf.Bytes()); err != nil {
			return fail(textio.SigPipe, "")
		}
		return nil
	}
	f, err := c.OpenFile(r.output, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return fail(2, "sort: open failed: %s", shell.FileError(err))
	}
	_, err = f.Write(buf.Bytes())
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fail(2, "sort: write failed: %s: %s", r.output, strerror(err))
	}
	return nil
}

// check is -c and -C: is the input already in order?
func (s *sorter) check(c *shell.Cmd, r *sortReq, lines [][]byte) int {
	for i := 1; i < len(lines); i++ {
		cmp := s.compare(lines[i-1], lines[i])
		if cmp > 0 || r.unique && cmp == 0 {
			if r.check == 1 {
				c.Errorf("sort: %s:%d: disorder: %s", r.files[0], i+1, lines[i])
			}
			return 1
		}
	}
	return 0
}

// sort orders the lines, then drops the repeats of -u (lines whose keys
// are equal: the first stays).
func (s *sorter) sort(lines [][]byte) [][]byte {
	slices.SortStableFunc(lines, s.compare)
	if !s.unique {
		return lines
	}
	out := lines[:0]
	for i, l := range lines {
		if i == 0 || s.compareKeys(out[len(out)-1], l) != 0 {
			out = append(out, l)
		}
	}
	return out
}
