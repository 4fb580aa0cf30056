package iproute2

import "strings"

// The command-line walker every parser here shares, and the keyword tables
// it walks.

// matches is iproute2's matches(): arg is a non-empty prefix of word.
func matches(arg, word string) bool {
	return arg != "" && strings.HasPrefix(word, arg)
}

// args walks a command line as iproute2's NEXT_ARG macros do.
type args struct {
	a []string
	i int
}

func (p *args) more() bool     { return p.i < len(p.a) }
func (p *args) cur() string    { return p.a[p.i] }
func (p *args) advance()       { p.i++ }
func (p *args) rest() []string { return p.a[p.i:] }

// word returns the current word and moves past it (an object or command
// word); ok is false when none is left.
func (p *args) word() (w string, ok bool) {
	if !p.more() {
		return "", false
	}
	p.i++
	return p.a[p.i-1], true
}

// peek returns the word after the current one, or "".
func (p *args) peek() string {
	if p.i+1 < len(p.a) {
		return p.a[p.i+1]
	}
	return ""
}

// after returns the current word, or the next one when the current one is
// kw (`to PREFIX`, `local ADDR`).
func (p *args) after(kw string) (string, error) {
	if v := p.cur(); v != kw {
		return v, nil
	}
	return p.next()
}

// next moves to the argument after the current keyword and returns it.
func (p *args) next() (string, error) {
	p.i++
	if p.i >= len(p.a) {
		return "", incomplete()
	}
	return p.a[p.i], nil
}

// keyword is one row of a command's keyword table: a word, the values
// that follow it, and what it does to the request R being parsed.
type keyword[R any] struct {
	name string
	// abbrev accepts any prefix of name (iproute2's matches()); otherwise
	// only the whole word does (strcmp).
	abbrev bool
	// args is how many values follow the keyword.
	args int
	// skip is a word that may stand before the first value and is
	// dropped (`via inet GW`, `mtu lock N`).
	skip string
	// rest: after its values the keyword takes every word left, and the
	// walk ends (`type TYPE ARGS...`).
	rest bool
	// apply records the keyword's values in the request; nil accepts
	// and ignores them.
	apply func(r R, v []string) error
}

// find returns the first row of table that w matches, as iproute2's
// if-else chains do: the table's order decides between abbreviations.
func find[R any](table []keyword[R], w string) *keyword[R] {
	for i := range table {
		k := &table[i]
		if w == k.name || (k.abbrev && matches(w, k.name)) {
			return k
		}
	}
	return nil
}

// take reads the keyword's values after the current word (the keyword).
func (k *keyword[R]) take(a *args) ([]string, error) {
	v := make([]string, 0, k.args)
	for i := 0; i < k.args; i++ {
		s, err := a.next()
		if err == nil && i == 0 && k.skip != "" && s == k.skip {
			s, err = a.next()
		}
		if err != nil {
			return nil, err
		}
		v = append(v, s)
	}
	if k.rest {
		v = append(v, a.a[a.i+1:]...)
		a.i = len(a.a) - 1
	}
	return v, nil
}

// walk parses the words left in a into r: a word a row of table matches
// takes its values and applies them; any other word goes to positional,
// which may take more words from a. The first error ends the walk.
func walk[R any](a *args, r R, table []keyword[R], positional func(R, *args) error) error {
	for ; a.more(); a.advance() {
		k := find(table, a.cur())
		if k == nil {
			if err := positional(r, a); err != nil {
				return err
			}
			continue
		}
		v, err := k.take(a)
		if err != nil {
			return err
		}
		if k.apply != nil {
			if err := k.apply(r, v); err != nil {
				return err
			}
		}
	}
	return nil
}

// ignored returns rows for words accepted and ignored, each taking n
// values; a name ending in "*" may be abbreviated.
func ignored[R any](n int, names ...string) []keyword[R] {
	rows := make([]keyword[R], len(names))
	for i, name := range names {
		abbrev := strings.HasSuffix(name, "*")
		rows[i] = keyword[R]{name: strings.TrimSuffix(name, "*"), abbrev: abbrev, args: n}
	}
	return rows
}

// fails returns a row whose word is refused with err, before its values.
func fails[R any](name string, err error) keyword[R] {
	return keyword[R]{name: name, apply: func(R, []string) error { return err }}
}
