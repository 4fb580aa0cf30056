package sed

import (
	"fmt"
	"strings"

	"github.com/nsemu/nsemu/emu/shell"
)

// eof is what reader.get returns at the end of the script.
const eof = -1

// reader walks the script text (the pieces joined by newlines) as sed
// does, one character at a time, so errors name the same character.
type reader struct {
	src    string
	pos    int   // characters consumed
	starts []int // where each piece starts in src
	pieces []piece
}

func newReader(pieces []piece) *reader {
	r := &reader{pieces: pieces}
	var b strings.Builder
	for i, p := range pieces {
		if i > 0 {
			b.WriteByte('\n')
		}
		r.starts = append(r.starts, b.Len())
		b.WriteString(p.text)
	}
	r.src = b.String()
	return r
}

func (r *reader) get() int {
	if r.pos >= len(r.src) {
		return eof
	}
	r.pos++
	return int(r.src[r.pos-1])
}

func (r *reader) unget(c int) {
	if c != eof {
		r.pos--
	}
}

func (r *reader) peek() int {
	c := r.get()
	r.unget(c)
	return c
}

// skipSpace skips blanks (not newlines) and returns the next character.
func (r *reader) skipSpace() int {
	for {
		c := r.get()
		if c != ' ' && c != '\t' {
			return c
		}
	}
}

// errorf is a script error at the current character, in sed's words:
// "sed: -e expression #1, char 3: unterminated `s' command".
func (r *reader) errorf(format string, a ...any) error {
	return r.errorAt(r.pos, format, a...)
}

func (r *reader) errorAt(pos int, format string, a ...any) error {
	msg := fmt.Sprintf(format, a...)
	i := len(r.starts) - 1
	for i > 0 && r.starts[i] >= pos {
		i--
	}
	p, start := r.pieces[i], r.starts[i]
	if p.file != "" {
		line := 1 + strings.Count(r.src[start:max(start, pos-1)], "\n")
		return shell.Failf(1, "sed: file %s line %d: %s", p.file, line, msg)
	}
	return shell.Failf(1, "sed: -e expression #%d, char %d: %s", p.expr, max(0, pos-start), msg)
}

// The messages of sed's compiler.
const (
	errUnknownCmd   = "unknown command: `%c'"
	errMissingCmd   = "missing command"
	errExtraChars   = "extra characters after command"
	errUnexpectedRB = "unexpected `}'"
	errUnmatchedLB  = "unmatched `{'"
	errNoAddrs      = "%s doesn't want any addresses"
	errOneAddr      = "command only uses one address"
	errComment      = "comments don't accept any addresses"
	errExpectedBS   = "expected \\ after `a', `c' or `i'"
	errColonLabel   = "\":\" lacks a label"
	errFilename     = "missing filename in r/R/w/W commands"
	errAddrRegex    = "unterminated address regex"
	errZeroAddr     = "invalid usage of line address 0"
	errUnexpComma   = "unexpected `,'"
	errMultiBang    = "multiple `!'s"
	errSandbox      = "e/r/w commands disabled in sandbox mode"
	errExecCmd      = "e command is not supported in nsemu (it would run a program)"
	errExecFlag     = "the e flag of `s' is not supported in nsemu (it would run a program)"
)

// compiler turns the script into a program.
type compiler struct {
	*reader
	req    *request
	prog   *program
	blocks []int // the indexes of the open {
}

// compile compiles the request's script.
func compile(req *request) (*program, error) {
	c := &compiler{reader: newReader(req.pieces), req: req, prog: &program{}}
	c.prog.quiet = strings.HasPrefix(c.src, "#n\n") || c.src == "#n"
	for {
		done, err := c.command()
		if err != nil {
			return nil, err
		}
		if done {
			break
		}
	}
	if len(c.blocks) > 0 {
		return nil, c.errorAt(0, errUnmatchedLB)
	}
	return c.prog, c.resolveLabels()
}

// resolveLabels points b, t and T at their labels.
func (c *compiler) resolveLabels() error {
	labels := map[string]int{}
	for i, cmd := range c.prog.cmds {
		if cmd.name == ':' {
			if _, dup := labels[cmd.label]; dup {
				return shell.Failf(1, "sed: -e expression #1, char %d: duplicate label `%s'", cmd.pos, cmd.label)
			}
			labels[cmd.label] = i
		}
	}
	for _, cmd := range c.prog.cmds {
		if cmd.name != 'b' && cmd.name != 't' && cmd.name != 'T' {
			continue
		}
		if cmd.label == "" {
			cmd.jump = len(c.prog.cmds)
			continue
		}
		i, ok := labels[cmd.label]
		if !ok {
			return shell.Failf(4, "sed: can't find label for jump to `%s'", cmd.label)
		}
		cmd.jump = i
	}
	return nil
}

// command compiles the next command; done at the end of the script.
func (c *compiler) command() (done bool, err error) {
	ch := c.get()
	for ch == ' ' || ch == '\t' || ch == '\n' || ch == ';' {
		ch = c.get()
	}
	if ch == eof {
		return true, nil
	}
	c.unget(ch)
	cmd := &command{width: -1}
	if err := c.addresses(cmd); err != nil {
		return false, err
	}
	ch = c.skipSpace()
	for ch == '!' {
		if cmd.negate {
			return false, c.errorf(errMultiBang)
		}
		cmd.negate = true
		ch = c.skipSpace()
	}
	if ch == eof || ch == '\n' {
		return false, c.errorf(errMissingCmd)
	}
	cmd.name, cmd.pos = byte(ch), c.pos
	if cmd.a1 != nil && cmd.a1.kind == addrZero && (cmd.a2 == nil || cmd.a2.kind != addrRegex) {
		return false, c.errorf(errZeroAddr)
	}
	return false, c.arguments(cmd)
}

// endOfCommand checks that nothing but a separator follows a command.
func (c *compiler) endOfCommand() error {
	ch := c.skipSpace()
	switch ch {
	case eof, '\n', ';':
		return nil
	case '}', '#':
		c.unget(ch)
		return nil
	}
	return c.errorf(errExtraChars)
}

// add appends a compiled command.
func (c *compiler) add(cmd *command) {
	c.prog.cmds = append(c.prog.cmds, cmd)
}
