// Package posixre translates POSIX regular expressions, basic (BRE, grep's
// and sed's default) and extended (ERE, grep -E, sed -E), with GNU's
// extensions (\+ \? \| in a BRE, \w \s \b \< \>, [[:digit:]] classes), into
// Go's regexp syntax, and compiles them with leftmost-longest matching as
// POSIX asks. Errors are in the words of GNU's regcomp ("Unmatched ( or
// \(", "Invalid range end"). Back-references (\1 in a pattern) have no
// equivalent in Go's linear-time engine and are refused with a clear
// error; they remain available in sed's replacement text.
package posixre

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Syntax selects the dialect of a pattern.
type Syntax struct {
	Extended   bool // ERE: ( ) { } + ? | are operators without a backslash
	IgnoreCase bool
	// Sed takes sed's escapes (\n newline, \t tab, also in brackets) and
	// lets . and [^...] match the newlines of a multi-line pattern space.
	Sed bool
	// MultiLine makes ^ and $ match around newlines (sed's M flag).
	MultiLine bool
}

// Error is a pattern that does not compile, in GNU's words.
type Error struct{ Msg string }

func (e *Error) Error() string { return e.Msg }

// The messages of GNU's regerror.
const (
	errParen     = `Unmatched ( or \(`
	errCloseP    = `Unmatched ) or \)`
	errBracket   = `Unmatched [, [^, [:, [., or [=`
	errBrace     = `Unmatched \{`
	errBraceBody = `Invalid content of \{\}`
	errClass     = `Invalid character class name`
	errRange     = `Invalid range end`
	errBackslash = `Trailing backslash`
	errTooBig    = `Regular expression too big`
	errCollate   = `Invalid collation character`
	// ErrBackref is the refusal of a back-reference.
	ErrBackref = `back-references (\N in a pattern) are not supported in nsemu`
)

// Compile translates pat and compiles it for leftmost-longest matching.
// Warnings are GNU grep's ("* at start of expression"), for the tool to
// print.
func Compile(pat string, s Syntax) (*regexp.Regexp, []string, error) {
	expr, warns, err := Translate(pat, s)
	if err != nil {
		return nil, warns, err
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		// Only size (nested repeats beyond Go's limit) fails here: the
		// translation is valid Go syntax.
		return nil, warns, &Error{Msg: errTooBig}
	}
	re.Longest()
	return re, warns, nil
}

// Translate returns pat in Go's regexp syntax.
func Translate(pat string, s Syntax) (string, []string, error) {
	t := &translator{src: pat, syn: s, atStart: true, anchorOK: true, atom: -1}
	if err := t.run(); err != nil {
		return "", t.warns, err
	}
	return t.flags() + string(t.out), t.warns, nil
}

func (t *translator) flags() string {
	f := ""
	if t.syn.IgnoreCase {
		f += "i"
	}
	if t.syn.Sed {
		f += "s"
	}
	if t.syn.MultiLine {
		f += "m"
	}
	if f == "" {
		return ""
	}
	return "(?" + f + ")"
}

// translator walks a pattern once, writing Go syntax.
type translator struct {
	src   string
	i     int
	syn   Syntax
	out   []byte
	warns []string

	// atStart: at the start of an expression (or after ^), where a
	// quantifier is literal (BRE) or dropped with a warning (ERE).
	atStart bool
	// anchorOK: where a BRE's ^ is an anchor (start, after \( or \|).
	anchorOK bool
	// atom is where the last quantifiable atom starts in out, or -1.
	atom int
	// quantLast: the last thing written was a quantifier (Go refuses
	// a** without a group around a*).
	quantLast bool
	groups    []int // out offsets of the open groups
}

func (t *translator) run() error {
	for t.i < len(t.src) {
		if err := t.step(); err != nil {
			return err
		}
	}
	if len(t.groups) > 0 {
		return &Error{Msg: errParen}
	}
	return nil
}

// step translates one element at t.i.
func (t *translator) step() error {
	c := t.src[t.i]
	switch {
	case c == '\\':
		return t.escape()
	case c == '[':
		return t.bracket()
	case c == '.':
		t.i++
		t.writeAtom(".")
		return nil
	case c == '*':
		t.i++
		return t.quantifier("*")
	case c == '^':
		return t.caret()
	case c == '$':
		return t.dollar()
	case t.syn.Extended:
		return t.ereOperator(c)
	}
	return t.literal()
}

// ereOperator handles ( ) | + ? { of an ERE.
func (t *translator) ereOperator(c byte) error {
	switch c {
	case '(':
		t.i++
		t.open()
		return nil
	case ')':
		if len(t.groups) == 0 {
			return t.literal() // GNU: a lone ) is itself
		}
		t.i++
		t.close()
		return nil
	case '|':
		t.i++
		t.alternate()
		return nil
	case '+', '?':
		t.i++
		return t.quantifier(string(c))
	case '{':
		q, n, ok, err := t.interval(t.i+1, "}")
		if err != nil || !ok {
			if err != nil {
				return err
			}
			return t.literal()
		}
		t.i = n
		return t.quantifierNamed(q, "{...}")
	}
	return t.literal()
}

// escape handles a backslash and what follows it.
func (t *translator) escape() error {
	if t.i+1 >= len(t.src) {
		return &Error{Msg: errBackslash}
	}
	c := t.src[t.i+1]
	t.i += 2
	if !t.syn.Extended {
		if done, err := t.breOperator(c); done || err != nil {
			return err
		}
	}
	switch {
	case c >= '1' && c <= '9':
		return &Error{Msg: ErrBackref}
	case strings.IndexByte("wWbB", c) >= 0:
		t.writeClass(`\`+string(c), c == 'w' || c == 'W')
	case c == 's':
		t.writeAtom(`[[:space:]]`)
	case c == 'S':
		t.writeAtom(`[^[:space:]]`)
	case c == '<':
		t.wordStart()
	case c == '>':
		t.writeClass(`\b`, false)
	case c == '`':
		t.writeClass(`\A`, false)
	case c == '\'':
		t.writeClass(`\z`, false)
	default:
		r := rune(c)
		if t.syn.Sed {
			r = sedEscape(c)
		}
		if c >= utf8.RuneSelf {
			t.i -= 1
			return t.literal()
		}
		t.writeAtom(quote(r))
	}
	return nil
}

// wordStart is \<: a boundary before a word character. Go has no
// lookahead, so it is exact when a word character must follow anyway
// (\<word, \<\w) and when a lone . follows (\<. is \b\w); before
// anything else it is \b, which also matches at a word's end.
func (t *translator) wordStart() {
	rest := t.src[t.i:]
	if strings.HasPrefix(rest, ".") && !t.quantified(1) {
		t.i++
		t.writeClass(`\b`, false)
		t.writeAtom(`\w`)
		return
	}
	t.writeClass(`\b`, false)
}

// quantified reports whether the atom of n bytes at t.i has a quantifier
// after it.
func (t *translator) quantified(n int) bool {
	rest := t.src[min(len(t.src), t.i+n):]
	if strings.HasPrefix(rest, "*") {
		return true
	}
	if t.syn.Extended {
		return rest != "" && strings.IndexByte("+?{", rest[0]) >= 0
	}
	return strings.HasPrefix(rest, `\{`) || strings.HasPrefix(rest, `\+`) || strings.HasPrefix(rest, `\?`)
}

// writeClass writes an escape: \w and \W match a character, the
// boundaries (\b, \A, ...) match none and take no quantifier.
func (t *translator) writeClass(s string, char bool) {
	if char {
		t.writeAtom(s)
		return
	}
	t.out = append(t.out, s...)
	t.atom, t.quantLast, t.atStart, t.anchorOK = -1, false, false, false
}

// breOperator handles \( \) \| \{ \+ \? of a BRE; done is false for
// other escapes.
func (t *translator) breOperator(c byte) (done bool, err error) {
	switch c {
	case '(':
		t.open()
	case ')':
		if len(t.groups) == 0 {
			return true, &Error{Msg: errCloseP}
		}
		t.close()
	case '|':
		t.alternate()
	case '+', '?':
		if t.atStart {
			t.writeAtom(quote(rune(c)))
			return true, nil
		}
		return true, t.quantifier(string(c))
	case '{':
		if t.atStart {
			t.writeAtom(`\{`)
			return true, nil
		}
		q, n, _, err := t.interval(t.i, `\}`)
		if err != nil {
			return true, err
		}
		t.i = n
		return true, t.quantifier(q)
	default:
		return false, nil
	}
	return true, nil
}

// interval parses "m}", "m,}", "m,n}" or ",n}" at i, closed by end; it
// returns the Go quantifier and where the pattern goes on. ok is false
// when the text is no interval: for an ERE, a literal {.
func (t *translator) interval(i int, end string) (q string, next int, ok bool, err error) {
	j := i
	for j < len(t.src) && isDigit(t.src[j]) {
		j++
	}
	lo, hi := t.src[i:j], ""
	comma := j < len(t.src) && t.src[j] == ','
	if comma {
		k := j + 1
		for k < len(t.src) && isDigit(t.src[k]) {
			k++
		}
		hi, j = t.src[j+1:k], k
	}
	switch {
	case t.syn.Extended && (j >= len(t.src) || !strings.HasPrefix(t.src[j:], end) || lo == "" && !comma):
		return "", 0, false, nil
	case j >= len(t.src):
		return "", 0, false, &Error{Msg: errBrace}
	case !strings.HasPrefix(t.src[j:], end) || lo == "" && !comma:
		return "", 0, false, &Error{Msg: errBraceBody}
	}
	q, err = repeat(lo, hi, comma)
	return q, j + len(end), err == nil, err
}

// repeat builds {lo,hi} for Go, within GNU's limits.
func repeat(lo, hi string, comma bool) (string, error) {
	if lo == "" {
		lo = "0"
	}
	min, err1 := strconv.Atoi(lo)
	max, err2 := strconv.Atoi(hi)
	if err1 != nil || min > 32767 || hi != "" && (err2 != nil || max > 32767) {
		return "", &Error{Msg: errTooBig}
	}
	if hi != "" && max < min {
		return "", &Error{Msg: errBraceBody}
	}
	if min > 1000 || max > 1000 {
		return "", &Error{Msg: errTooBig}
	}
	switch {
	case !comma:
		return "{" + lo + "}", nil
	case hi == "":
		return "{" + strconv.Itoa(min) + ",}", nil
	}
	return "{" + strconv.Itoa(min) + "," + hi + "}", nil
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }
