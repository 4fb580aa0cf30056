package posixre

import (
	"strings"
	"unicode/utf8"
)

// classes are the POSIX character class names.
var classes = []string{"alpha", "digit", "alnum", "upper", "lower", "space", "blank", "punct", "print", "graph", "cntrl", "xdigit"}

// bracket translates a bracket expression at t.i: [abc], [^a-z],
// [[:digit:]], []a] (a first ] is itself), [a-] (so is a last -). A
// backslash is itself, but for sed's \n and \t.
func (t *translator) bracket() error {
	i := t.i + 1
	if err := t.misplacedClass(i); err != nil {
		return err
	}
	var b strings.Builder
	b.WriteByte('[')
	if i < len(t.src) && t.src[i] == '^' {
		b.WriteByte('^')
		i++
	}
	for first := true; ; first = false {
		if i >= len(t.src) {
			return &Error{Msg: errBracket}
		}
		if t.src[i] == ']' && !first {
			i++
			break
		}
		next, err := t.bracketItem(i, &b)
		if err != nil {
			return err
		}
		i = next
	}
	b.WriteByte(']')
	t.i = i
	t.writeAtom(b.String())
	return nil
}

// misplacedClass refuses [:space:] written without its outer brackets, as
// GNU grep does.
func (t *translator) misplacedClass(i int) error {
	if i >= len(t.src) || t.src[i] != ':' {
		return nil
	}
	end := strings.IndexByte(t.src[i+1:], ']')
	if end < 1 || t.src[i+end] != ':' {
		return nil
	}
	name := t.src[i : i+end+1]
	return &Error{Msg: "character class syntax is [[" + name + "]], not [" + name + "]"}
}

// bracketItem translates one character, range or class of a bracket
// expression at i and returns where the next starts.
func (t *translator) bracketItem(i int, b *strings.Builder) (int, error) {
	lo, class, i, err := t.bracketElem(i)
	if err != nil {
		return 0, err
	}
	isRange := i+1 < len(t.src) && t.src[i] == '-' && t.src[i+1] != ']'
	if class != "" {
		if isRange {
			return 0, &Error{Msg: errRange}
		}
		b.WriteString(class)
		return i, nil
	}
	if !isRange {
		b.WriteString(quoteInClass(lo))
		return i, nil
	}
	hi, class, i, err := t.bracketElem(i + 1)
	switch {
	case err != nil:
		return 0, err
	case class != "" || hi < lo:
		return 0, &Error{Msg: errRange}
	}
	b.WriteString(quoteInClass(lo) + "-" + quoteInClass(hi))
	return i, nil
}

// bracketElem reads a character ([.c.] and [=c=] included) or a class
// ([:digit:]) at i.
func (t *translator) bracketElem(i int) (r rune, class string, next int, err error) {
	s := t.src
	if i+1 < len(s) && s[i] == '[' && strings.IndexByte(":=.", s[i+1]) >= 0 {
		delim := s[i+1]
		end := strings.Index(s[i+2:], string(delim)+"]")
		if end < 0 {
			return 0, "", 0, &Error{Msg: errBracket}
		}
		name := s[i+2 : i+2+end]
		next = i + 2 + end + 2
		if delim == ':' {
			for _, c := range classes {
				if name == c {
					return 0, "[:" + name + ":]", next, nil
				}
			}
			return 0, "", 0, &Error{Msg: errClass}
		}
		r, n := utf8.DecodeRuneInString(name)
		if name == "" || n != len(name) {
			return 0, "", 0, &Error{Msg: errCollate}
		}
		return r, "", next, nil
	}
	if t.syn.Sed && s[i] == '\\' && i+1 < len(s) && strings.IndexByte("ntrfva\\", s[i+1]) >= 0 {
		return sedEscape(s[i+1]), "", i + 2, nil
	}
	r, n := utf8.DecodeRuneInString(s[i:])
	return r, "", i + n, nil
}

// quoteInClass is a character as written inside a Go class.
func quoteInClass(r rune) string {
	if r < utf8.RuneSelf && strings.ContainsRune(`\^-[]`, r) {
		return `\` + string(r)
	}
	return quote(r)
}
