package sed

import (
	"fmt"
	"strings"
)

// arguments reads what follows a command's letter and adds the command.
func (c *compiler) arguments(cmd *command) error {
	if err := c.checkAddresses(cmd); err != nil {
		return err
	}
	switch cmd.name {
	case '{':
		c.blocks = append(c.blocks, len(c.prog.cmds))
		c.add(cmd)
		return nil
	case '}':
		return c.closeBlock(cmd)
	case '#':
		for ch := c.get(); ch != eof && ch != '\n'; ch = c.get() {
		}
		return nil
	case 'a', 'i', 'c':
		return c.text(cmd)
	case ':':
		return c.labelCmd(cmd)
	case 'b', 't', 'T':
		var err error
		cmd.label, err = c.label(true)
		c.add(cmd)
		return err
	case 'r', 'R', 'w', 'W':
		return c.fileCmd(cmd)
	case 'q', 'Q', 'l', 'L':
		return c.numberCmd(cmd)
	case 's':
		return c.substitute(cmd)
	case 'y':
		return c.translit(cmd)
	case 'e':
		return c.errorf(errExecCmd)
	case 'v':
		return c.version()
	case '=', 'd', 'D', 'g', 'G', 'h', 'H', 'n', 'N', 'p', 'P', 'x', 'z', 'F':
		c.add(cmd)
		return c.endOfCommand()
	}
	return c.errorf(errUnknownCmd, cmd.name)
}

// checkAddresses refuses addresses a command does not take.
func (c *compiler) checkAddresses(cmd *command) error {
	switch {
	case cmd.a1 == nil:
	case cmd.name == '#':
		return c.errorf(errComment)
	case cmd.name == ':' || cmd.name == '}':
		return c.errorf(errNoAddrs, string(cmd.name))
	case cmd.a2 != nil && (cmd.name == 'q' || cmd.name == 'Q'):
		return c.errorf(errOneAddr)
	}
	return nil
}

// closeBlock ends the innermost {.
func (c *compiler) closeBlock(cmd *command) error {
	if len(c.blocks) == 0 || cmd.negate {
		return c.errorf(errUnexpectedRB)
	}
	open := c.blocks[len(c.blocks)-1]
	c.blocks = c.blocks[:len(c.blocks)-1]
	c.prog.cmds[open].jump = len(c.prog.cmds)
	return c.endOfCommand()
}

// text reads the text of a, i and c: "a\" and lines (each ending in a
// backslash but the last), or GNU's one-liner "a text".
func (c *compiler) text(cmd *command) error {
	ch := c.skipSpace()
	if ch == eof || ch == '\n' {
		return c.errorf(errExpectedBS)
	}
	if ch == '\\' {
		ch = c.get()
		if ch == '\n' {
			ch = c.get()
		} else if ch != eof {
			// GNU's a\text: the text follows the backslash.
			c.unget(ch)
			ch = c.get()
		}
	} else if c.req.posix {
		return c.errorf(errExpectedBS)
	}
	if ch == eof {
		// "a\" ends the script: no text at all.
		c.add(cmd)
		return nil
	}
	var b strings.Builder
	for ; ch != eof && ch != '\n'; ch = c.get() {
		if ch == '\\' {
			ch = c.get()
			if ch == eof {
				break
			}
		}
		b.WriteByte(byte(ch))
	}
	cmd.text = b.String() + "\n"
	c.add(cmd)
	return nil
}

// labelCmd reads ":label".
func (c *compiler) labelCmd(cmd *command) error {
	label, err := c.label(false)
	if label == "" {
		return c.errorf(errColonLabel)
	}
	cmd.label = label
	c.add(cmd)
	return err
}

// label reads a label: after blanks, up to a semicolon, blank or
// newline (or, after b, t and T, a closing brace: b} ends a block); only
// a separator may follow it.
func (c *compiler) label(brace bool) (string, error) {
	ch := c.skipSpace()
	var b strings.Builder
	for ; ch != eof && ch != '\n' && ch != ';' && ch != ' ' && ch != '\t'; ch = c.get() {
		if ch == '}' && brace {
			c.unget(ch)
			break
		}
		b.WriteByte(byte(ch))
	}
	if ch == ' ' || ch == '\t' {
		return b.String(), c.endOfCommand()
	}
	return b.String(), nil
}

// fileCmd reads the file name of r, R, w and W: the rest of the line.
func (c *compiler) fileCmd(cmd *command) error {
	if c.req.sandbox {
		return c.errorf(errSandbox)
	}
	name := c.filename()
	if name == "" {
		return c.errorf(errFilename)
	}
	cmd.fname = name
	if cmd.name == 'w' || cmd.name == 'W' {
		c.prog.wfiles = append(c.prog.wfiles, name)
	}
	c.add(cmd)
	return nil
}

func (c *compiler) filename() string {
	ch := c.skipSpace()
	var b strings.Builder
	for ; ch != eof && ch != '\n'; ch = c.get() {
		b.WriteByte(byte(ch))
	}
	return b.String()
}

// numberCmd reads the optional number of q, Q (exit status) and l
// (line length).
func (c *compiler) numberCmd(cmd *command) error {
	c.unget(c.skipSpace())
	if n, ok := c.number(); ok {
		if cmd.name == 'l' || cmd.name == 'L' {
			cmd.width = int(min(n, 1<<30))
		} else {
			cmd.status = int(n & 0xff)
		}
	}
	if cmd.name == 'L' {
		cmd.name = 'l'
	}
	c.add(cmd)
	return c.endOfCommand()
}

// version is v [VERSION]: a script that needs a newer sed than 4.9 is
// refused.
func (c *compiler) version() error {
	v, err := c.label(false)
	if err != nil || v == "" {
		return err
	}
	var major, minor int
	fmt.Sscanf(v, "%d.%d", &major, &minor)
	if major > 4 || major == 4 && minor > 9 {
		return c.errorf("expected newer version of sed")
	}
	return nil
}
