package sed

import (
	"strconv"
	"strings"

	"github.com/nsemu/nsemu/emu/builtin/internal/posixre"
)

// addresses reads a command's addresses: none, ADDR, or ADDR1,ADDR2.
func (c *compiler) addresses(cmd *command) error {
	a1, err := c.address(false)
	if err != nil || a1 == nil {
		return err
	}
	cmd.a1 = a1
	ch := c.skipSpace()
	if ch != ',' {
		c.unget(ch)
		return nil
	}
	c.unget(c.skipSpace())
	a2, err := c.address(true)
	switch {
	case err != nil:
		return err
	case a2 == nil:
		return c.errorf(errUnexpComma)
	}
	cmd.a2 = a2
	return nil
}

// address reads one address, or returns nil if none starts here.
func (c *compiler) address(second bool) (*address, error) {
	ch := c.get()
	switch {
	case ch >= '0' && ch <= '9':
		c.unget(ch)
		return c.lineAddress()
	case ch == '$':
		return &address{kind: addrLast}, nil
	case ch == '/' || ch == '\\':
		return c.regexAddress(ch)
	case second && (ch == '+' || ch == '~'):
		n, ok := c.number()
		if !ok {
			return nil, c.errorf(errUnexpComma)
		}
		kind := addrPlus
		if ch == '~' {
			kind = addrMult
		}
		return &address{kind: kind, line: n}, nil
	}
	c.unget(ch)
	return nil, nil
}

// lineAddress reads N or first~step.
func (c *compiler) lineAddress() (*address, error) {
	n, _ := c.number()
	a := &address{kind: addrLine, line: n}
	if c.peek() == '~' {
		c.get()
		step, _ := c.number()
		a.kind, a.step = addrStep, step
		if step > 0 {
			return a, nil
		}
		a.kind = addrLine // first~0 is the line first
	}
	if n == 0 {
		a.kind = addrZero
	}
	return a, nil
}

// number reads decimal digits.
func (c *compiler) number() (int64, bool) {
	start := c.pos
	for {
		ch := c.get()
		if ch < '0' || ch > '9' {
			c.unget(ch)
			break
		}
	}
	if c.pos == start {
		return 0, false
	}
	n, err := strconv.ParseInt(c.src[start:c.pos], 10, 64)
	if err != nil {
		n = 1<<63 - 1
	}
	return n, true
}

// regexAddress reads /re/ or \cREc and its I and M flags.
func (c *compiler) regexAddress(ch int) (*address, error) {
	delim := ch
	if ch == '\\' {
		delim = c.get()
		if delim == eof || delim == '\n' {
			return nil, c.errorf(errAddrRegex)
		}
	}
	text, ok := c.matchSlash(byte(delim), true)
	if !ok {
		return nil, c.errorf(errAddrRegex)
	}
	var icase, multi bool
	for {
		ch := c.get()
		if ch == 'I' {
			icase = true
		} else if ch == 'M' {
			multi = true
		} else {
			c.unget(ch)
			break
		}
	}
	re, err := c.regex(text, icase, multi)
	if err != nil {
		return nil, err
	}
	return &address{kind: addrRegex, re: re}, nil
}

// matchSlash reads up to an unescaped delimiter, as sed's match_slash:
// "\delim" is the delimiter itself; in a pattern, other escapes stay for
// the regex compiler; a newline must be escaped. ok is false when the
// script ends first.
func (c *compiler) matchSlash(delim byte, pattern bool) (string, bool) {
	var b strings.Builder
	for {
		ch := c.get()
		switch {
		case ch == eof:
			return "", false
		case ch == '\n' && pattern:
			return "", false
		case ch == int(delim):
			return b.String(), true
		case ch == '\\':
			next := c.get()
			switch {
			case next == eof:
				return "", false
			case next == int(delim):
				b.WriteByte(delim)
			case next == '\n' && pattern:
				b.WriteString(`\n`)
			default:
				b.WriteByte('\\')
				b.WriteByte(byte(next))
			}
		default:
			b.WriteByte(byte(ch))
		}
	}
}

// regex compiles a pattern of the script ("" is the last one used).
func (c *compiler) regex(text string, icase, multi bool) (*regex, error) {
	if text == "" {
		return &regex{empty: true}, nil
	}
	re, _, err := posixre.Compile(text, posixre.Syntax{Extended: c.req.extended, IgnoreCase: icase, Sed: true, MultiLine: multi})
	if err != nil {
		return nil, c.errorf("%s", err.Error())
	}
	return &regex{re: re}, nil
}
