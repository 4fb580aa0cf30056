package sed

import (
	"bytes"
	"unicode"
	"unicode/utf8"
)

// substitute runs an s command on the pattern space.
func (m *machine) substitute(s *subst) error {
	re, err := m.regexp(s.re)
	if err != nil {
		return err
	}
	nth := max(s.nth, 1)
	var out []byte
	last, count, done := 0, 0, false
	for _, loc := range re.FindAllSubmatchIndex(m.ps, -1) {
		count++
		if count < nth {
			continue
		}
		if done && !s.global {
			break
		}
		out = append(out, m.ps[last:loc[0]]...)
		out = appendReplacement(out, m.ps, loc, s.repl)
		last, done = loc[1], true
	}
	if !done {
		return nil
	}
	m.ps = append(out, m.ps[last:]...)
	m.tflag = true
	for range s.print {
		m.out.pattern(m.ps, true, m.delim)
	}
	if s.wfile != "" {
		return m.files.write(s.wfile, m.ps)
	}
	return nil
}

// appendReplacement writes one replacement: its text, the groups of the
// match (loc), and the case conversions.
func appendReplacement(out, ps []byte, loc []int, repl []replPart) []byte {
	var mode, once byte // \U or \L until \E; \u or \l for one character
	for _, p := range repl {
		var text []byte
		switch {
		case p.conv == 'U' || p.conv == 'L':
			mode, once = p.conv, 0
			continue
		case p.conv == 'E':
			mode, once = 0, 0
			continue
		case p.conv != 0:
			once = p.conv
			continue
		case p.group >= 0:
			if 2*p.group+1 < len(loc) && loc[2*p.group] >= 0 {
				text = ps[loc[2*p.group]:loc[2*p.group+1]]
			}
		default:
			text = []byte(p.lit)
		}
		if len(text) == 0 {
			continue
		}
		out = appendCase(out, text, mode, once)
		once = 0
	}
	return out
}

// appendCase writes text in the case asked: mode for all of it, once for
// its first character.
func appendCase(out, text []byte, mode, once byte) []byte {
	switch mode {
	case 'U':
		text = bytes.ToUpper(text)
	case 'L':
		text = bytes.ToLower(text)
	}
	if once == 0 {
		return append(out, text...)
	}
	r, n := utf8.DecodeRune(text)
	if once == 'u' {
		r = unicode.ToUpper(r)
	} else {
		r = unicode.ToLower(r)
	}
	return append(utf8.AppendRune(out, r), text[n:]...)
}
