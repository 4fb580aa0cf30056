package posixre

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// writeAtom writes something a quantifier may follow.
func (t *translator) writeAtom(s string) {
	t.atom = len(t.out)
	t.out = append(t.out, s...)
	t.atStart, t.anchorOK, t.quantLast = false, false, false
}

// quantifier applies * + ? or {m,n} to the last atom. With none, a BRE
// takes it literally and an ERE drops it with GNU grep's warning.
func (t *translator) quantifier(q string) error {
	return t.quantifierNamed(q, q)
}

func (t *translator) quantifierNamed(q, name string) error {
	switch {
	case t.atom < 0 && !t.syn.Extended:
		t.writeAtom(regexp.QuoteMeta(q))
		return nil
	case t.atom < 0:
		t.warns = append(t.warns, name+" at start of expression")
		return nil
	case t.quantLast:
		// a** is a*, but Go wants (?:a*)*.
		wrapped := append([]byte("(?:"), t.out[t.atom:]...)
		t.out = append(append(t.out[:t.atom], wrapped...), ')')
	}
	t.out = append(t.out, q...)
	t.quantLast, t.atStart, t.anchorOK = true, false, false
	return nil
}

// open starts a group.
func (t *translator) open() {
	t.groups = append(t.groups, len(t.out))
	t.out = append(t.out, '(')
	t.atom, t.atStart, t.anchorOK, t.quantLast = -1, true, true, false
}

// close ends the innermost group, which becomes the atom.
func (t *translator) close() {
	start := t.groups[len(t.groups)-1]
	t.groups = t.groups[:len(t.groups)-1]
	t.out = append(t.out, ')')
	t.atom, t.atStart, t.anchorOK, t.quantLast = start, false, false, false
}

// alternate writes |.
func (t *translator) alternate() {
	t.out = append(t.out, '|')
	t.atom, t.atStart, t.anchorOK, t.quantLast = -1, true, true, false
}

// caret is ^: an anchor in an ERE, and in a BRE at the start of an
// expression; elsewhere in a BRE, itself.
func (t *translator) caret() error {
	t.i++
	if !t.syn.Extended && !t.anchorOK {
		t.writeAtom(`\^`)
		return nil
	}
	t.out = append(t.out, '^')
	t.atom, t.atStart, t.anchorOK, t.quantLast = -1, true, false, false
	return nil
}

// dollar is $: an anchor in an ERE, and in a BRE at the end of an
// expression (before \) or \|); elsewhere in a BRE, itself.
func (t *translator) dollar() error {
	t.i++
	rest := t.src[t.i:]
	if !t.syn.Extended && rest != "" && !strings.HasPrefix(rest, `\)`) && !strings.HasPrefix(rest, `\|`) {
		t.writeAtom(`\$`)
		return nil
	}
	t.out = append(t.out, '$')
	t.atom, t.atStart, t.anchorOK, t.quantLast = -1, false, false, false
	return nil
}

// literal writes the character at t.i as itself.
func (t *translator) literal() error {
	r, n := utf8.DecodeRuneInString(t.src[t.i:])
	t.i += n
	t.writeAtom(quote(r))
	return nil
}

// quote is a character as a Go pattern matching only it.
func quote(r rune) string {
	switch {
	case r == utf8.RuneError:
		return `\x{fffd}`
	case r < ' ' || r == 0x7f:
		return `\x{` + strings.ToLower(string("0123456789ABCDEF"[r>>4])+string("0123456789ABCDEF"[r&15])) + `}`
	}
	return regexp.QuoteMeta(string(r))
}

// sedEscape is the character sed's \c stands for.
func sedEscape(c byte) rune {
	switch c {
	case 'n':
		return '\n'
	case 't':
		return '\t'
	case 'r':
		return '\r'
	case 'f':
		return '\f'
	case 'v':
		return '\v'
	case 'a':
		return '\a'
	}
	return rune(c)
}
