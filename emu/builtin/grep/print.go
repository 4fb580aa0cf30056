package grep

import "strconv"

// print writes one line: selected (sep ':') or context ('-'), with the
// group separator before a new group and the prefixes asked for; -o
// writes each match instead.
func (s *scan) print(l line, sep byte) error {
	g, r := s.g, s.g.r
	if r.context && g.outAny && (s.lastOut == 0 || l.no > s.lastOut+1) && r.groupSep != nil {
		g.out.WriteString(*r.groupSep + "\n")
	}
	g.outAny = true
	s.lastOut = l.no
	end := byte('\n')
	if r.nullData {
		end = 0
	}
	if r.onlyMatching {
		if sep == ':' && !r.invert {
			for _, m := range g.m.all(l.text) {
				s.prefix(l.no, l.offset+int64(m[0]), sep)
				g.out.Write(l.text[m[0]:m[1]])
				g.out.WriteByte(end)
			}
		}
		return nil
	}
	s.prefix(l.no, l.offset, sep)
	g.out.Write(l.text)
	return g.out.WriteByte(end)
}

// prefix writes the file name, line number and byte offset a line gets.
func (s *scan) prefix(no, offset int64, sep byte) {
	g, r := s.g, s.g.r
	if s.withName {
		g.out.WriteString(s.name + s.sep(sep))
	}
	if r.lineNumber {
		g.out.WriteString(itoa(no) + string(sep))
	}
	if r.byteOffset {
		g.out.WriteString(itoa(offset) + string(sep))
	}
}

// sep is what follows a file name: sep, or NUL with -Z.
func (s *scan) sep(sep byte) string {
	if s.g.r.nullName {
		return "\x00"
	}
	return string(sep)
}

// nameEnd ends a name printed by -l and -L.
func (s *scan) nameEnd() string {
	if s.g.r.nullName {
		return "\x00"
	}
	return "\n"
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
