package sed

import (
	"bytes"
	"errors"
	"regexp"
	"strconv"

	"github.com/nsemu/nsemu/emu/shell"
)

// machine runs a program over the input: the pattern and hold spaces,
// the line number, what is queued for the end of the cycle, and the
// files w writes.
type machine struct {
	c    *shell.Cmd
	req  *request
	prog *program
	in   *inputs

	stdout  *output
	out     *output // where the pattern space goes: stdout, or the file -i edits
	files   *files
	editing *inPlace

	ps, hs  []byte
	chomped bool // the pattern space's last line ended with the delimiter
	lineNo  int64
	appendQ []queued
	tflag   bool
	lastRE  *regexp.Regexp
	delim   byte

	quit   bool
	status int
}

// queued is output for the end of the cycle: a's text, r's file, R's
// line.
type queued struct {
	text  string
	rfile string
	rline bool
}

// errNoRegex is a // before any pattern was used.
var errNoRegex = errors.New("sed: -e expression #1, char 0: no previous regular expression")

// run reads every line and runs the program on it.
func (m *machine) run() error {
	for !m.quit {
		l, ok := m.readLine()
		if !ok {
			break
		}
		m.ps, m.chomped = append(m.ps[:0], l.text...), l.delim
		m.tflag = false
		if err := m.cycle(); err != nil {
			return err
		}
	}
	return m.in.fatal
}

// readLine reads the next line, switching the -i output when a new file
// starts.
func (m *machine) readLine() (line, bool) {
	prev := m.in.cur
	l, ok := m.in.read()
	if ok {
		m.lineNo++
		if m.req.inPlace && l.src != prev {
			m.startInPlace(l.src.name)
		}
		if m.req.separate && l.src != prev {
			// -s and -i take each file on its own: lines count from 1.
			m.lineNo = 1
		}
	}
	return l, ok
}

// cycle runs the commands on the pattern space, then prints it (unless
// -n or d) and the queued output.
func (m *machine) cycle() error {
	for {
		restart, print, err := m.commands()
		if err != nil {
			return err
		}
		if print && !m.quiet() {
			m.out.pattern(m.ps, m.chomped, m.delim)
		}
		m.dumpAppend()
		if !restart || m.quit {
			return nil
		}
	}
}

func (m *machine) quiet() bool { return m.req.quiet || m.prog.quiet }

// commands runs the program once. restart is D's new cycle without
// reading; print is whether the cycle ends with the pattern space
// printed.
func (m *machine) commands() (restart, print bool, err error) {
	cmds := m.prog.cmds
	for pc := 0; pc < len(cmds); {
		cmd := cmds[pc]
		ok, err := m.selects(cmd)
		if err != nil {
			return false, false, err
		}
		if !ok {
			pc++
			if cmd.name == '{' {
				pc = cmd.jump
			}
			continue
		}
		next, flow, err := m.exec(cmd, pc)
		if err != nil || flow != flowNext {
			return flow == flowRestart, flow == flowEnd, err
		}
		pc = next
	}
	return false, true, nil
}

// flow is how a command ends: go on, end the cycle (printing, or not),
// or restart it (D).
type flow int

const (
	flowNext    flow = iota
	flowEnd          // end of the cycle, printing the pattern space
	flowDelete       // end of the cycle, without printing
	flowRestart      // D: a new cycle on what is left
)

// selects reports whether a command applies to the current line.
func (m *machine) selects(cmd *command) (bool, error) {
	if cmd.a1 == nil {
		return !cmd.negate, nil
	}
	ok, err := m.inAddresses(cmd)
	return ok != cmd.negate, err
}

// inAddresses matches one address, or tracks a range.
func (m *machine) inAddresses(cmd *command) (bool, error) {
	if cmd.a2 == nil {
		return m.matchOne(cmd.a1)
	}
	if cmd.inRange {
		end, err := m.rangeEnds(cmd)
		cmd.inRange = !end
		return true, err
	}
	if cmd.a1.kind == addrZero {
		if m.lineNo != 1 {
			return false, nil
		}
		end, err := m.matchOne(cmd.a2)
		cmd.inRange = !end
		return true, err
	}
	ok, err := m.matchOne(cmd.a1)
	if !ok || err != nil {
		return false, err
	}
	m.startRange(cmd)
	return true, nil
}

// startRange opens the range of a command whose first address matched.
func (m *machine) startRange(cmd *command) {
	a2 := cmd.a2
	switch a2.kind {
	case addrLine:
		cmd.inRange = a2.line > m.lineNo
	case addrPlus:
		cmd.rangeEnd = m.lineNo + a2.line
		cmd.inRange = a2.line > 0
	case addrMult:
		if a2.line > 0 && m.lineNo%a2.line != 0 {
			cmd.rangeEnd = (m.lineNo/a2.line + 1) * a2.line
			cmd.inRange = true
		}
	case addrLast:
		cmd.inRange = !m.in.last(m.req.separate)
	default:
		cmd.inRange = true
	}
}

// rangeEnds reports whether the current line closes a range.
func (m *machine) rangeEnds(cmd *command) (bool, error) {
	a2 := cmd.a2
	switch a2.kind {
	case addrLine:
		return m.lineNo >= a2.line, nil
	case addrPlus, addrMult:
		return m.lineNo >= cmd.rangeEnd, nil
	}
	return m.matchOne(a2)
}

// matchOne matches one address against the current line.
func (m *machine) matchOne(a *address) (bool, error) {
	switch a.kind {
	case addrLine:
		return m.lineNo == a.line, nil
	case addrLast:
		return m.in.last(m.req.separate), nil
	case addrStep:
		if a.step <= 0 {
			return m.lineNo == a.line, nil
		}
		return m.lineNo >= a.line && (m.lineNo-a.line)%a.step == 0, nil
	case addrRegex:
		re, err := m.regexp(a.re)
		if err != nil {
			return false, err
		}
		return re.Match(m.ps), nil
	}
	return false, nil
}

// regexp resolves // to the last pattern used.
func (m *machine) regexp(r *regex) (*regexp.Regexp, error) {
	if r.empty {
		if m.lastRE == nil {
			return nil, errNoRegex
		}
		return m.lastRE, nil
	}
	m.lastRE = r.re
	return r.re, nil
}

// lineNumber is the = command's text.
func (m *machine) lineNumber() string { return strconv.FormatInt(m.lineNo, 10) + "\n" }

// firstLine is the pattern space up to its first newline.
func (m *machine) firstLine() []byte {
	if i := bytes.IndexByte(m.ps, '\n'); i >= 0 {
		return m.ps[:i]
	}
	return m.ps
}
