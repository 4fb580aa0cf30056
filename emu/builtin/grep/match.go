package grep

import (
	"regexp"
	"strings"

	"github.com/nsemu/nsemu/emu/builtin/internal/posixre"
)

// matcher decides whether a line is selected and where its matches are.
// Every pattern becomes one alternative of a single regexp, matched
// leftmost-longest, as GNU grep matches a list of patterns.
type matcher struct {
	re *regexp.Regexp // nil: no pattern at all (an empty -f file) matches nothing
	// word is -w: a match must have no word character on either side.
	// first finds one from the line's start; next from inside the line,
	// given the character before as context.
	word        bool
	first, next *regexp.Regexp
}

// compile builds the matcher of a request; warnings are GNU's ("* at
// start of expression").
func compile(r *request) (*matcher, []string, error) {
	if len(r.patterns) == 0 {
		return &matcher{}, nil, nil
	}
	alts := make([]string, len(r.patterns))
	var warns []string
	for i, p := range r.patterns {
		expr, w, err := translate(p, r)
		if err != nil {
			return nil, warns, err
		}
		warns = append(warns, w...)
		alts[i] = "(?:" + expr + ")"
	}
	alt := strings.Join(alts, "|")
	m := &matcher{}
	var err error
	switch {
	case r.wholeLine:
		m.re, err = longest("^(?:" + alt + ")$")
	case r.word:
		m.word = true
		if m.first, err = longest(`(?:^|\W)(` + alt + `)(?:\W|$)`); err == nil {
			m.next, err = longest(`\W(` + alt + `)(?:\W|$)`)
		}
		m.re = m.first
	default:
		m.re, err = longest(alt)
	}
	return m, warns, err
}

// translate is one pattern in Go's syntax.
func translate(p string, r *request) (string, []string, error) {
	fold := ""
	if r.ignoreCase {
		fold = "(?i)"
	}
	switch r.matcher {
	case 'F':
		return fold + regexp.QuoteMeta(p), nil, nil
	case 'P':
		if _, err := regexp.Compile(p); err != nil {
			return "", nil, &posixre.Error{Msg: strings.TrimPrefix(err.Error(), "error parsing regexp: ")}
		}
		return fold + p, nil, nil
	}
	return posixre.Translate(p, posixre.Syntax{Extended: r.matcher == 'E', IgnoreCase: r.ignoreCase})
}

func longest(expr string) (*regexp.Regexp, error) {
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, &posixre.Error{Msg: "Regular expression too big"}
	}
	re.Longest()
	return re, nil
}

// match reports whether line has a match.
func (m *matcher) match(line []byte) bool {
	return m.re != nil && m.re.Match(line)
}

// all returns the non-empty matches of line, for -o.
func (m *matcher) all(line []byte) [][2]int {
	if m.re == nil {
		return nil
	}
	if !m.word {
		var out [][2]int
		for _, loc := range m.re.FindAllIndex(line, -1) {
			if loc[1] > loc[0] {
				out = append(out, [2]int{loc[0], loc[1]})
			}
		}
		return out
	}
	return m.words(line)
}

// words finds the -w matches one after the other: each search after the
// first starts one character before where the last match ended, so that
// character is the left context (next wants it to be no word character).
func (m *matcher) words(line []byte) [][2]int {
	var out [][2]int
	for pos := 0; pos <= len(line); {
		re, base := m.first, 0
		if pos > 0 {
			re, base = m.next, pos-1
		}
		loc := re.FindSubmatchIndex(line[base:])
		if loc == nil {
			return out
		}
		s, e := base+loc[2], base+loc[3]
		if e > s {
			out = append(out, [2]int{s, e})
		}
		pos = max(e, s+1)
	}
	return out
}
