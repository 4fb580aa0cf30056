package sed

import (
	"bytes"
)

// exec runs one selected command; next is the command to run after it.
func (m *machine) exec(cmd *command, pc int) (next int, f flow, err error) {
	next = pc + 1
	switch cmd.name {
	case '{', ':':
	case '=':
		m.out.text(m.lineNumber())
	case 'a':
		m.appendQ = append(m.appendQ, queued{text: cmd.text})
	case 'i':
		m.out.text(cmd.text)
	case 'c':
		if !cmd.inRange {
			m.out.text(cmd.text)
		}
		return next, flowDelete, nil
	case 'b':
		return cmd.jump, flowNext, nil
	case 't', 'T':
		if m.tflag == (cmd.name == 't') {
			next = cmd.jump
		}
		m.tflag = false
	case 'r':
		m.appendQ = append(m.appendQ, queued{rfile: cmd.fname})
	case 'R':
		m.appendQ = append(m.appendQ, queued{rfile: cmd.fname, rline: true})
	case 'w':
		err = m.files.write(cmd.fname, m.ps)
	case 'W':
		err = m.files.write(cmd.fname, m.firstLine())
	case 's':
		err = m.substitute(cmd.s)
	case 'y':
		for i, b := range m.ps {
			m.ps[i] = cmd.y[b]
		}
	default:
		return m.execSpace(cmd, next)
	}
	return next, flowNext, err
}

// execSpace runs the commands that work on the pattern and hold spaces,
// and those that end the cycle.
func (m *machine) execSpace(cmd *command, next int) (int, flow, error) {
	switch cmd.name {
	case 'd':
		return next, flowDelete, nil
	case 'D':
		i := bytes.IndexByte(m.ps, '\n')
		if i < 0 {
			return next, flowDelete, nil
		}
		m.ps = append(m.ps[:0], m.ps[i+1:]...)
		return next, flowRestart, nil
	case 'n', 'N':
		return m.nextLine(cmd.name == 'N', next)
	case 'q':
		m.quit, m.status = true, cmd.status
		return next, flowEnd, nil
	case 'Q':
		m.quit, m.status, m.appendQ = true, cmd.status, nil
		return next, flowDelete, nil
	case 'p':
		m.out.pattern(m.ps, true, m.delim)
	case 'P':
		m.out.pattern(m.firstLine(), true, m.delim)
	case 'l':
		width := cmd.width
		if width < 0 {
			width = m.req.lineWrap
		}
		m.out.text(escapeLine(m.ps, width))
	case 'F':
		m.out.text(m.in.fileName() + "\n")
	case 'z':
		m.ps = m.ps[:0]
	default:
		m.hold(cmd.name)
	}
	return next, flowNext, nil
}

// hold runs g, G, h, H and x.
func (m *machine) hold(name byte) {
	switch name {
	case 'g':
		m.ps = append(m.ps[:0], m.hs...)
	case 'G':
		m.ps = append(append(m.ps, '\n'), m.hs...)
	case 'h':
		m.hs = append(m.hs[:0], m.ps...)
	case 'H':
		m.hs = append(append(m.hs, '\n'), m.ps...)
	case 'x':
		m.ps, m.hs = m.hs, m.ps
	}
}

// nextLine is n (print, then replace the pattern space with the next
// line) and N (append the next line). Without a next line, sed prints
// the pattern space and ends, as GNU sed does.
func (m *machine) nextLine(appendTo bool, next int) (int, flow, error) {
	if m.in.last(m.req.separate) {
		m.quit = true
		return next, flowEnd, nil
	}
	if !appendTo && !m.quiet() {
		m.out.pattern(m.ps, m.chomped, m.delim)
	}
	m.dumpAppend()
	l, ok := m.readLine()
	if !ok {
		m.quit = true
		return next, flowDelete, m.in.fatal
	}
	if appendTo {
		m.ps = append(append(m.ps, m.delim), l.text...)
	} else {
		m.ps = append(m.ps[:0], l.text...)
	}
	m.chomped = l.delim
	return next, flowNext, nil
}

// dumpAppend writes what a, r and R queued.
func (m *machine) dumpAppend() {
	for _, q := range m.appendQ {
		switch {
		case q.rfile == "":
			m.out.text(q.text)
		case q.rline:
			if l, ok := m.files.readLine(q.rfile, m.delim); ok {
				m.out.pattern(l, true, m.delim)
			}
		default:
			m.out.raw(m.files.readAll(q.rfile))
		}
	}
	m.appendQ = m.appendQ[:0]
}
