package findutils

import (
	"bufio"
	"errors"
	"io"
	"strings"

	"github.com/nsemu/nsemu/emu/shell"
)

// readAll reads the input's arguments and runs the commands.
func (x *xargs) readAll(br *bufio.Reader) error {
	switch {
	case x.r.null:
		return x.readDelimited(br, 0)
	case x.r.delim != nil:
		return x.readDelimited(br, *x.r.delim)
	}
	return x.readWords(br)
}

// readDelimited takes each record up to delim as one argument, as it is
// (-0, -d).
func (x *xargs) readDelimited(br *bufio.Reader, delim byte) error {
	for {
		rec, err := br.ReadString(delim)
		if err != nil && err != io.EOF {
			return err
		}
		rec, had := strings.CutSuffix(rec, string(delim))
		if had || rec != "" {
			if x.r.eofStr != "" && rec == x.r.eofStr {
				return errEOF
			}
			if aerr := x.add(rec, true); aerr != nil {
				return aerr
			}
		}
		if err == io.EOF {
			return nil
		}
	}
}

// words is the state of the word splitter: blanks and newlines separate
// words, quotes and backslashes protect them; with -I, each line is one
// argument.
type words struct {
	word      strings.Builder
	inWord    bool
	quote     byte
	lastBlank bool // the line so far ends with a blank (-L: it goes on)
	lineArgs  bool
}

// readWords splits the input into words, as xargs does by default.
func (x *xargs) readWords(br *bufio.Reader) error {
	var w words
	for {
		b, err := br.ReadByte()
		if err != nil {
			if err != io.EOF {
				return err
			}
			if w.quote != 0 {
				return x.unmatched(w.quote)
			}
			if w.inWord {
				return x.emit(&w, true)
			}
			return nil
		}
		if err := x.wordByte(&w, b, br); err != nil {
			return err
		}
	}
}

// errEOF ends the input at -E's string.
var errEOF = errors.New("end of input")

// wordByte takes one byte of the input.
func (x *xargs) wordByte(w *words, b byte, br *bufio.Reader) error {
	switch {
	case w.quote != 0 && b == w.quote:
		w.quote = 0
	case w.quote != 0 && b == '\n':
		return x.unmatched(w.quote)
	case w.quote != 0:
		w.word.WriteByte(b)
	case b == '\'' || b == '"':
		w.quote, w.inWord = b, true
	case b == '\\':
		if next, err := br.ReadByte(); err == nil {
			w.word.WriteByte(next)
		}
		w.inWord = true
	case b == '\n':
		return x.endOfLine(w)
	case b == ' ' || b == '\t':
		if x.r.replace != "" {
			if w.inWord {
				w.word.WriteByte(b)
			}
			return nil
		}
		w.lastBlank = true
		if w.inWord {
			return x.emit(w, false)
		}
		return nil
	default:
		w.word.WriteByte(b)
		w.inWord = true
	}
	w.lastBlank = false
	return nil
}

// endOfLine ends an input line: its last word, and a line for -L (unless
// the line ends with a blank, which carries it on).
func (x *xargs) endOfLine(w *words) error {
	ends := !w.lastBlank
	w.lastBlank = false
	if w.inWord {
		return x.emit(w, ends)
	}
	if w.lineArgs && ends && x.r.replace == "" {
		w.lineArgs = false
		return x.endLine()
	}
	return nil
}

// emit hands the word read to the command line being built.
func (x *xargs) emit(w *words, endsLine bool) error {
	word := w.word.String()
	w.word.Reset()
	w.inWord = false
	w.lineArgs = !endsLine
	if x.r.eofStr != "" && word == x.r.eofStr {
		return errEOF
	}
	return x.add(word, endsLine)
}

// unmatched ends the input at a quote left open: the command runs with
// the arguments before it, then xargs fails.
func (x *xargs) unmatched(q byte) error {
	if err := x.flush(false); err != nil {
		return err
	}
	kind := "single"
	if q == '"' {
		kind = "double"
	}
	return shell.Failf(1, "xargs: unmatched %s quote; by default quotes are special to xargs unless you use the -0 option", kind)
}
