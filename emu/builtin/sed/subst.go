package sed

import (
	"strconv"
	"strings"
)

// The messages of the s and y commands.
const (
	errUntermS  = "unterminated `s' command"
	errUntermY  = "unterminated `y' command"
	errSOption  = "unknown option to `s'"
	errMultiP   = "multiple `p' options to `s' command"
	errMultiG   = "multiple `g' options to `s' command"
	errMultiN   = "multiple number options to `s' command"
	errZeroN    = "number option to `s' command may not be zero"
	errYLengths = "strings for `y' command are different lengths"
	errBadRef   = "invalid reference \\%d on `s' command's RHS"
)

// substitute reads s/RE/REPLACEMENT/FLAGS.
func (c *compiler) substitute(cmd *command) error {
	delim := c.get()
	if delim == eof || delim == '\n' || delim == '\\' {
		return c.errorf(errUntermS)
	}
	pat, ok := c.matchSlash(byte(delim), true)
	if !ok {
		return c.errorf(errUntermS)
	}
	rhs, ok := c.matchSlash(byte(delim), false)
	if !ok {
		return c.errorf(errUntermS)
	}
	s := &subst{repl: parseReplacement(rhs)}
	s.groups = maxGroup(s.repl)
	icase, multi, err := c.substFlags(s)
	if err != nil {
		return err
	}
	if s.re, err = c.regex(pat, icase, multi); err != nil {
		return err
	}
	if s.re.re != nil && s.groups > s.re.re.NumSubexp() {
		return c.errorf(errBadRef, s.groups)
	}
	cmd.s = s
	c.add(cmd)
	if s.wfile != "" {
		c.prog.wfiles = append(c.prog.wfiles, s.wfile)
	}
	return nil
}

// substFlags reads the flags of s: g, p, N, i/I, m/M, w FILE (e is
// refused).
func (c *compiler) substFlags(s *subst) (icase, multi bool, err error) {
	for {
		ch := c.get()
		switch {
		case ch == 'g':
			if s.global {
				return false, false, c.errorf(errMultiG)
			}
			s.global = true
		case ch == 'p':
			if s.print > 0 {
				return false, false, c.errorf(errMultiP)
			}
			s.print++
		case ch >= '0' && ch <= '9':
			if s.nth != 0 {
				return false, false, c.errorf(errMultiN)
			}
			c.unget(ch)
			n, _ := c.number()
			if n == 0 {
				return false, false, c.errorf(errZeroN)
			}
			s.nth = int(min(n, 1<<30))
		case ch == 'i' || ch == 'I':
			icase = true
		case ch == 'm' || ch == 'M':
			multi = true
		case ch == 'e':
			return false, false, c.errorf(errExecFlag)
		case ch == 'w':
			if c.req.sandbox {
				return false, false, c.errorf(errSandbox)
			}
			if s.wfile = c.filename(); s.wfile == "" {
				return false, false, c.errorf(errFilename)
			}
			return icase, multi, nil
		case ch == '}' || ch == '#':
			c.unget(ch)
			return icase, multi, nil
		case ch == eof || ch == '\n' || ch == ';':
			return icase, multi, nil
		case ch == ' ' || ch == '\t':
			return icase, multi, c.endOfCommand()
		default:
			return false, false, c.errorf(errSOption)
		}
	}
}

// parseReplacement splits the right side of s into text, groups (\N,
// &) and case conversions (\U \L \u \l \E).
func parseReplacement(rhs string) []replPart {
	var parts []replPart
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			parts = append(parts, replPart{lit: lit.String(), group: -1})
			lit.Reset()
		}
	}
	for i := 0; i < len(rhs); i++ {
		ch := rhs[i]
		switch {
		case ch == '&':
			flush()
			parts = append(parts, replPart{group: 0})
		case ch == '\\' && i+1 < len(rhs):
			i++
			e := rhs[i]
			switch {
			case e >= '0' && e <= '9':
				flush()
				parts = append(parts, replPart{group: int(e - '0')})
			case strings.IndexByte("ULulE", e) >= 0:
				flush()
				parts = append(parts, replPart{group: -1, conv: e})
			default:
				r, n := escape(rhs[i:])
				lit.WriteString(r)
				i += n - 1
			}
		default:
			lit.WriteByte(ch)
		}
	}
	flush()
	return parts
}

// maxGroup is the highest group a replacement uses.
func maxGroup(parts []replPart) int {
	n := 0
	for _, p := range parts {
		n = max(n, p.group)
	}
	return n
}

// escape reads the character after a backslash in replacement or y
// text: \n \t \a \f \v \r, \cX, \dNNN, \oNNN, \xHH; anything else is
// itself. It returns the text and how many bytes it read.
func escape(s string) (string, int) {
	if i := strings.IndexByte("ntafvr", s[0]); i >= 0 {
		return string("\n\t\a\f\v\r"[i]), 1
	}
	base, digits := 0, 0
	switch s[0] {
	case 'd':
		base, digits = 10, 3
	case 'o':
		base, digits = 8, 3
	case 'x':
		base, digits = 16, 2
	case 'c':
		if len(s) > 1 {
			return string(rune(strings.ToUpper(s[1:2])[0] ^ 0x40)), 2
		}
	}
	if base != 0 {
		n := 1
		for n <= digits && n < len(s) && strings.IndexByte("0123456789abcdefABCDEF"[:base+max(0, base-10)], s[n]) >= 0 {
			n++
		}
		if v, err := strconv.ParseUint(s[1:n], base, 8); err == nil && n > 1 {
			return string([]byte{byte(v)}), n
		}
	}
	return s[:1], 1
}

// translit reads y/SOURCE/DEST/.
func (c *compiler) translit(cmd *command) error {
	delim := c.get()
	if delim == eof || delim == '\n' || delim == '\\' {
		return c.errorf(errUntermY)
	}
	src, ok1 := c.matchSlash(byte(delim), false)
	dst, ok2 := "", false
	if ok1 {
		dst, ok2 = c.matchSlash(byte(delim), false)
	}
	if !ok1 || !ok2 {
		return c.errorf(errUntermY)
	}
	from, to := yText(src), yText(dst)
	if len(from) != len(to) {
		return c.errorf(errYLengths)
	}
	var table [256]byte
	for i := range table {
		table[i] = byte(i)
	}
	for i := range from {
		table[from[i]] = to[i]
	}
	cmd.y = &table
	c.add(cmd)
	return c.endOfCommand()
}

// yText processes the escapes of y's strings: \\ and \n (the delimiter
// was handled by matchSlash).
func yText(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
			if s[i] == '\\' {
				b.WriteByte('\\')
				continue
			}
			r, n := escape(s[i:])
			b.WriteString(r)
			i += n - 1
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
