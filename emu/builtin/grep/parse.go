package grep

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/nsemu/nsemu/emu/builtin/internal/opts"
)

// request is one grep command line.
type request struct {
	prog     string
	patterns []string // from -e and the first operand, split at newlines
	patFiles []string // -f FILE, read when the search starts
	havePat  bool     // -e or -f given: no operand is the pattern
	matcher  byte     // 'G' (BRE), 'E', 'F', 'P'

	ignoreCase, invert, word, wholeLine bool
	count, filesWith, filesWithout      bool
	onlyMatching, quiet, noMessages     bool
	withName                            int // 1: -H, -1: -h, 0: by the number of files
	lineNumber, byteOffset, nullName    bool
	maxCount                            int64 // -1: no limit
	after, before                       int
	context                             bool // a context option was given: groups are separated by --
	label                               string
	nullData, text, skipBinary          bool
	recursive, deref, skipDirs          bool
	groupSep                            *string // nil: no separator
	include, exclude, excludeDir        []string
	files                               []string
}

func newRequest(prog string) *request {
	sep := "--"
	r := &request{prog: prog, matcher: 'G', maxCount: -1, label: "(standard input)", groupSep: &sep}
	switch prog {
	case "egrep":
		r.matcher = 'E'
	case "fgrep":
		r.matcher = 'F'
	}
	return r
}

// usageError is grep's answer to a bad command line (status 2).
func usageError(prog, msg string) error {
	if msg != "" {
		msg += "\n"
	}
	return &parseError{msg + "Usage: " + prog + " [OPTION]... PATTERNS [FILE]...\nTry '" + prog + " --help' for more information."}
}

type parseError struct{ msg string }

func (e *parseError) Error() string { return e.msg }

// parse reads grep's command line (without the command name).
func parse(prog string, args []string) (*request, error) {
	r := newRequest(prog)
	set := &opts.Set{Prog: prog, Opts: r.options(), Number: r.contextDigits()}
	operands, err := set.Parse(args)
	if err == errHelp || err == errVersion {
		return nil, err
	}
	if err != nil {
		if oe, ok := err.(*opts.Error); ok {
			return nil, usageError(prog, oe.Msg)
		}
		return nil, &parseError{err.Error()}
	}
	if !r.havePat {
		if len(operands) == 0 {
			return nil, usageError(prog, "")
		}
		r.addPatterns(operands[0])
		operands = operands[1:]
	}
	r.files = operands
	return r, nil
}

// addPatterns adds the lines of p, each a pattern.
func (r *request) addPatterns(p string) {
	r.patterns = append(r.patterns, strings.Split(p, "\n")...)
}

func (r *request) setMatcher(m byte) func(string) error {
	return func(string) error {
		if r.matcher != 'G' && r.matcher != m {
			return fmt.Errorf("%s: conflicting matchers specified", r.prog)
		}
		r.matcher = m
		return nil
	}
}

func flag(b *bool, v bool) func(string) error {
	return func(string) error { *b = v; return nil }
}

// options is grep's option table.
func (r *request) options() []opts.Opt {
	return []opts.Opt{
		{Short: 'E', Long: "extended-regexp", Do: r.setMatcher('E')},
		{Short: 'F', Long: "fixed-strings", Do: r.setMatcher('F')},
		{Short: 'G', Long: "basic-regexp", Do: r.setMatcher('G')},
		{Short: 'P', Long: "perl-regexp", Do: r.setMatcher('P')},
		{Short: 'e', Long: "regexp", Arg: opts.Required, Do: func(a string) error { r.havePat = true; r.addPatterns(a); return nil }},
		{Short: 'f', Long: "file", Arg: opts.Required, Do: func(a string) error { r.havePat = true; r.patFiles = append(r.patFiles, a); return nil }},
		{Short: 'i', Long: "ignore-case", Do: flag(&r.ignoreCase, true)},
		{Short: 'y', Do: flag(&r.ignoreCase, true)},
		{Long: "no-ignore-case", Do: flag(&r.ignoreCase, false)},
		{Short: 'v', Long: "invert-match", Do: flag(&r.invert, true)},
		{Short: 'w', Long: "word-regexp", Do: flag(&r.word, true)},
		{Short: 'x', Long: "line-regexp", Do: flag(&r.wholeLine, true)},
		{Short: 'c', Long: "count", Do: flag(&r.count, true)},
		{Long: "color", Arg: opts.Optional, Do: r.color},
		{Long: "colour", Arg: opts.Optional, Do: r.color},
		{Short: 'L', Long: "files-without-match", Do: func(string) error { r.filesWithout, r.filesWith = true, false; return nil }},
		{Short: 'l', Long: "files-with-matches", Do: func(string) error { r.filesWith, r.filesWithout = true, false; return nil }},
		{Short: 'm', Long: "max-count", Arg: opts.Required, Do: r.maxCountArg},
		{Short: 'o', Long: "only-matching", Do: flag(&r.onlyMatching, true)},
		{Short: 'q', Long: "quiet", Do: flag(&r.quiet, true)},
		{Long: "silent", Do: flag(&r.quiet, true)},
		{Short: 's', Long: "no-messages", Do: flag(&r.noMessages, true)},
		{Short: 'b', Long: "byte-offset", Do: flag(&r.byteOffset, true)},
		{Short: 'H', Long: "with-filename", Do: func(string) error { r.withName = 1; return nil }},
		{Short: 'h', Long: "no-filename", Do: func(string) error { r.withName = -1; return nil }},
		{Long: "label", Arg: opts.Required, Do: func(a string) error { r.label = a; return nil }},
		{Short: 'n', Long: "line-number", Do: flag(&r.lineNumber, true)},
		{Long: "no-line-number", Do: flag(&r.lineNumber, false)},
		{Short: 'Z', Long: "null", Do: flag(&r.nullName, true)},
		{Short: 'z', Long: "null-data", Do: flag(&r.nullData, true)},
		{Short: 'A', Long: "after-context", Arg: opts.Required, Do: r.contextArg(&r.after)},
		{Short: 'B', Long: "before-context", Arg: opts.Required, Do: r.contextArg(&r.before)},
		{Short: 'C', Long: "context", Arg: opts.Required, Do: r.contextArg(&r.after, &r.before)},
		{Short: 'a', Long: "text", Do: flag(&r.text, true)},
		{Short: 'I', Do: flag(&r.skipBinary, true)},
		{Long: "binary-files", Arg: opts.Required, Do: r.binaryFiles},
		{Short: 'r', Long: "recursive", Do: func(string) error { r.recursive = true; return nil }},
		{Short: 'R', Long: "dereference-recursive", Do: func(string) error { r.recursive, r.deref = true, true; return nil }},
		{Long: "include", Arg: opts.Required, Do: func(a string) error { r.include = append(r.include, a); return nil }},
		{Long: "exclude", Arg: opts.Required, Do: func(a string) error { r.exclude = append(r.exclude, a); return nil }},
		{Long: "exclude-dir", Arg: opts.Required, Do: func(a string) error { r.excludeDir = append(r.excludeDir, a); return nil }},
		{Long: "line-buffered", Do: func(string) error { return nil }},
		{Short: 'U', Long: "binary", Do: func(string) error { return nil }},
		{Long: "group-separator", Arg: opts.Required, Do: func(a string) error { r.groupSep = &a; return nil }},
		{Long: "no-group-separator", Do: func(string) error { r.groupSep = nil; return nil }},
		{Short: 'd', Long: "directories", Arg: opts.Required, Do: r.directories},
		{Short: 'D', Long: "devices", Arg: opts.Required, Do: func(string) error { return nil }},
		{Short: 'T', Long: "initial-tab", Do: func(string) error { return nil }},
		{Short: 'V', Long: "version", Do: func(string) error { return errVersion }},
		{Long: "help", Do: func(string) error { return errHelp }},
	}
}

// color accepts --color[=WHEN]: output is never a terminal here, and
// nsemu does not colour.
func (r *request) color(string) error { return nil }

func (r *request) directories(a string) error {
	switch a {
	case "read", "skip":
		r.skipDirs = a == "skip"
	case "recurse":
		r.recursive = true
	default:
		return fmt.Errorf("%s: invalid argument '%s' for '--directories'\nValid arguments are:\n  - 'read'\n  - 'recurse'\n  - 'skip'\nUsage: %s [OPTION]... PATTERNS [FILE]...\nTry '%s --help' for more information.", r.prog, a, r.prog, r.prog)
	}
	return nil
}

// errHelp and errVersion end the parse: grep prints its help or version.
var (
	errHelp    = errors.New("help")
	errVersion = errors.New("version")
)

func (r *request) binaryFiles(a string) error {
	switch a {
	case "binary":
		r.text, r.skipBinary = false, false
	case "text":
		r.text = true
	case "without-match":
		r.skipBinary = true
	default:
		return fmt.Errorf("%s: unknown binary-files type", r.prog)
	}
	return nil
}

func (r *request) maxCountArg(a string) error {
	n, err := strconv.ParseInt(a, 10, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange && !strings.HasPrefix(a, "-") {
			r.maxCount = -1
			return nil
		}
		return fmt.Errorf("%s: invalid max count", r.prog)
	}
	if n < 0 {
		n = -1
	}
	r.maxCount = n
	return nil
}

// contextArg sets the -A/-B/-C lengths.
func (r *request) contextArg(dst ...*int) func(string) error {
	return func(a string) error {
		n, err := strconv.Atoi(a)
		if err != nil || n < 0 {
			if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange && !strings.HasPrefix(a, "-") {
				n = int(^uint(0) >> 2)
			} else {
				return fmt.Errorf("%s: %s: invalid context length argument", r.prog, a)
			}
		}
		for _, d := range dst {
			*d = n
		}
		r.context = true
		return nil
	}
}

// contextDigits takes -NUM, which is -C NUM.
func (r *request) contextDigits() func(string) error {
	set := r.contextArg(&r.after, &r.before)
	return set
}
