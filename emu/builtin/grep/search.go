package grep

import (
	"io"
	"io/fs"

	"github.com/nsemu/nsemu/emu/builtin/internal/textio"
	"github.com/nsemu/nsemu/emu/vfs"
)

var errIsDir = vfs.ErrIsDir

// line is one input line with where it is.
type line struct {
	text   []byte // without its delimiter
	no     int64
	offset int64
}

// scan is the search of one file.
type scan struct {
	g        *grep
	name     string
	withName bool
	lines    *textio.Lines

	no, offset int64
	count      int64  // lines selected
	before     []line // held for -B
	afterLeft  int    // lines of -A still to print
	lastOut    int64  // the number of the last line printed, 0: none
	binary     bool
}

// search reads one file or stream and prints what the request asks.
func (g *grep) search(r io.Reader, name string, withName bool) error {
	delim := byte('\n')
	if g.r.nullData {
		delim = 0
	}
	s := &scan{g: g, name: name, withName: withName, lines: textio.NewLines(g.c.Ctx, r, delim, g.out)}
	err := s.run(delim)
	if err == errFileDone {
		err = nil
	}
	if err != nil {
		return err
	}
	s.summary()
	return nil
}

// errFileDone ends the search of one file (-l found a line, -m reached
// its count, a binary file matched).
var errFileDone = &stopFile{}

type stopFile struct{}

func (*stopFile) Error() string { return "file done" }

func (s *scan) run(delim byte) error {
	for {
		rec, err := s.lines.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return s.readError(err)
		}
		text, _ := textio.TrimDelim(rec, delim)
		s.no++
		l := line{text: text, no: s.no, offset: s.offset}
		s.offset += int64(len(rec))
		if !s.binary && delim == '\n' && !s.g.r.text && hasNUL(text) {
			s.binary = true
		}
		if err := s.line(l); err != nil {
			return err
		}
	}
}

// readError reports a failed read; the end of the run stops everything.
func (s *scan) readError(err error) error {
	if s.g.c.Ctx.Err() != nil {
		return errStop
	}
	if textio.IsWrite(err) {
		return errWrite
	}
	s.g.fileError(&fs.PathError{Op: "read", Path: s.name, Err: err})
	return errFileDone
}

// line handles one line: selected, context, or neither.
func (s *scan) line(l line) error {
	r := s.g.r
	if r.maxCount >= 0 && s.count >= r.maxCount {
		// Past -m: only the trailing context is left.
		if s.afterLeft == 0 || s.quietOutput() {
			return errFileDone
		}
		s.afterLeft--
		return s.print(l, '-')
	}
	if s.g.m.match(l.text) == r.invert {
		return s.context(l)
	}
	if s.binary && r.skipBinary {
		return errFileDone
	}
	s.count++
	s.g.matched = true
	switch {
	case r.quiet:
		return errStop
	case r.filesWith:
		s.g.out.WriteString(s.name + s.nameEnd())
		return errFileDone
	case r.filesWithout || r.count:
		return nil
	case s.binary:
		s.g.out.Flush()
		io.WriteString(s.g.c.Stderr, r.prog+": "+s.name+": binary file matches\n")
		return errFileDone
	}
	if err := s.flushBefore(); err != nil {
		return err
	}
	s.afterLeft = r.after
	return s.print(l, ':')
}

// quietOutput reports whether no line is printed (-q, -l, -L, -c).
func (s *scan) quietOutput() bool {
	r := s.g.r
	return r.quiet || r.filesWith || r.filesWithout || r.count
}

// context handles a line that is not selected.
func (s *scan) context(l line) error {
	r := s.g.r
	if s.afterLeft > 0 && !s.quietOutput() && !s.binary {
		s.afterLeft--
		return s.print(l, '-')
	}
	if r.before > 0 {
		if len(s.before) == r.before {
			s.before = append(s.before[:0], s.before[1:]...)
		}
		l.text = append([]byte(nil), l.text...)
		s.before = append(s.before, l)
	}
	return nil
}

// flushBefore prints the held -B lines.
func (s *scan) flushBefore() error {
	for _, b := range s.before {
		if err := s.print(b, '-'); err != nil {
			return err
		}
	}
	s.before = s.before[:0]
	return nil
}

// summary prints what -c and -L print once a file is read.
func (s *scan) summary() {
	r := s.g.r
	switch {
	case r.filesWith:
	case r.filesWithout:
		if s.count == 0 {
			s.g.out.WriteString(s.name + s.nameEnd())
		}
	case r.count && !r.quiet:
		if s.withName {
			s.g.out.WriteString(s.name + s.sep(':'))
		}
		s.g.out.WriteString(itoa(s.count) + "\n")
	}
}
