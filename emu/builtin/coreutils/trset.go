package coreutils

import (
	"strconv"
	"strings"
)

// expand turns a tr set into its bytes: escapes (\n, \\, \NNN), ranges
// (a-z), classes ([:digit:]), equivalence classes ([=c=]) and, in SET2,
// repeats ([c*n], and [c*] which fills: see padSet2).
func (r *trReq) expand(s string, which int, translating bool) ([]byte, error) {
	var out []byte
	for i := 0; i < len(s); {
		if s[i] == '[' {
			b, n, ok, err := r.bracket(s[i:], which, translating, len(out))
			if err != nil {
				return nil, err
			}
			if ok {
				out = append(out, b...)
				i += n
				continue
			}
		}
		c, n := r.char(s[i:], i+1 == len(s))
		if i+n+1 < len(s) && s[i+n] == '-' {
			hi, m := r.char(s[i+n+1:], i+n+2 == len(s))
			if hi < c {
				return nil, fail(1, "tr: range-endpoints of %s are in reverse collating sequence order", q(s[i:i+n+1+m]))
			}
			for x := int(c); x <= int(hi); x++ {
				out = append(out, byte(x))
			}
			i += n + 1 + m
			continue
		}
		out = append(out, c)
		i += n
	}
	return out, nil
}

// char reads one character or escape; last is whether s is the end of
// the set (a lone backslash there is itself, with a warning).
func (r *trReq) char(s string, last bool) (byte, int) {
	if s[0] != '\\' {
		return s[0], 1
	}
	if len(s) == 1 {
		r.warnings = append(r.warnings, "an unescaped backslash at end of string is not portable")
		return '\\', 1
	}
	if s[1] >= '0' && s[1] <= '7' {
		v, n := octal(s[1:])
		return v, 1 + n
	}
	if i := strings.IndexByte("abfnrtv", s[1]); i >= 0 {
		return "\a\b\f\n\r\t\v"[i], 2
	}
	return s[1], 2
}

// bracket reads [:class:], [=c=] or [c*n] at the start of s; ok is false
// when s starts with a [ that is itself.
func (r *trReq) bracket(s string, which int, translating bool, at int) (out []byte, n int, ok bool, err error) {
	if len(s) >= 4 && (s[1] == ':' || s[1] == '=') {
		end := strings.Index(s[2:], string(s[1])+"]")
		switch {
		case end < 0 || s[1] == '=' && end != 1:
		case s[1] == '=':
			return []byte{s[2]}, 5, true, nil
		default:
			out, err = r.class(s[2:2+end], which, translating)
			return out, end + 4, true, err
		}
	}
	return r.repeat(s, which, at)
}

func (r *trReq) class(name string, which int, translating bool) ([]byte, error) {
	in, ok := trClasses[name]
	if !ok {
		return nil, fail(1, "tr: invalid character class %s", q(name))
	}
	if which == 2 && translating && name != "upper" && name != "lower" {
		return nil, fail(1, "tr: when translating, the only character classes that may appear in\nstring2 are 'upper' and 'lower'")
	}
	var out []byte
	for c := 0; c < 256; c++ {
		if in(byte(c)) {
			out = append(out, byte(c))
		}
	}
	return out, nil
}

// repeat reads [c*n] or [c*].
func (r *trReq) repeat(s string, which, at int) ([]byte, int, bool, error) {
	if len(s) < 2 {
		return nil, 0, false, nil
	}
	c, n := r.char(s[1:], false)
	rest := s[1+n:]
	if !strings.HasPrefix(rest, "*") {
		return nil, 0, false, nil
	}
	end := strings.IndexByte(rest, ']')
	if end < 0 {
		return nil, 0, false, nil
	}
	if which == 1 {
		return nil, 0, false, fail(1, "tr: the [c*] repeat construct may not appear in string1")
	}
	count := rest[1:end]
	total := 1 + n + end + 1
	if count == "" {
		r.fillAt, r.fillChar = at, c
		return nil, total, true, nil
	}
	base := 10
	if count[0] == '0' {
		base = 8
	}
	k, err := strconv.ParseUint(count, base, 31)
	if err != nil {
		return nil, 0, false, fail(1, "tr: invalid repeat count %s in [c*n] construct", q(count))
	}
	if k == 0 {
		r.fillAt, r.fillChar = at, c
		return nil, total, true, nil
	}
	return []byte(strings.Repeat(string(c), int(k))), total, true, nil
}
