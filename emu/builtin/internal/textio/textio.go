// Package textio is the input and output plumbing the text tools share:
// reading lines of any length from a file or a pipe, stopping when the
// run ends, and buffered output that is flushed before the tool waits for
// more input (so `tail -f log | grep x` shows each line as it comes, as a
// real pipeline does, while a tool reading a file writes in big blocks).
package textio

import (
	"bufio"
	"context"
	"errors"
	"io"
)

// Out is a tool's buffered standard output.
type Out struct {
	*bufio.Writer
}

// NewOut buffers w; the caller flushes at the end.
func NewOut(w io.Writer) *Out { return &Out{bufio.NewWriterSize(w, 32<<10)} }

// Lines reads records ending in a delimiter ('\n', or NUL for -z).
type Lines struct {
	br    *bufio.Reader
	delim byte
}

// NewLines reads the records of r. Before each read that may wait, out
// (if not nil) is flushed; once ctx is done, reading stops with its error.
func NewLines(ctx context.Context, r io.Reader, delim byte, out *Out) *Lines {
	return &Lines{br: bufio.NewReaderSize(&pollReader{ctx: ctx, r: r, out: out}, 32<<10), delim: delim}
}

// Next returns the next record with its delimiter (the last record may
// have none), or io.EOF after the last. The slice is the caller's.
func (l *Lines) Next() ([]byte, error) {
	b, err := l.br.ReadBytes(l.delim)
	if len(b) > 0 && err == io.EOF {
		return b, nil
	}
	return b, err
}

// Reader returns the buffered input, for tools that read bytes (head -c).
func (l *Lines) Reader() *bufio.Reader { return l.br }

// pollReader flushes the output before reading and stops when the run
// ends.
type pollReader struct {
	ctx context.Context
	r   io.Reader
	out *Out
}

func (p *pollReader) Read(b []byte) (int, error) {
	if err := p.ctx.Err(); err != nil {
		return 0, err
	}
	if p.out != nil {
		if err := p.out.Flush(); err != nil {
			return 0, &WriteError{err}
		}
	}
	return p.r.Read(b)
}

// Reader is r stopping once ctx is done and flushing out before each
// read, for tools that read their input whole.
func Reader(ctx context.Context, r io.Reader, out *Out) io.Reader {
	return &pollReader{ctx: ctx, r: r, out: out}
}

// TrimDelim returns a record without its delimiter, and whether it had
// one.
func TrimDelim(rec []byte, delim byte) ([]byte, bool) {
	if n := len(rec); n > 0 && rec[n-1] == delim {
		return rec[:n-1], true
	}
	return rec, false
}

// WriteError is a failed write of the output, met while reading: the
// reader of a pipe went away (grep x | head -1). A real tool dies of
// SIGPIPE there, silently; a tool here stops with status SigPipe.
type WriteError struct{ Err error }

func (e *WriteError) Error() string { return e.Err.Error() }
func (e *WriteError) Unwrap() error { return e.Err }

// SigPipe is the status of a process killed by SIGPIPE, as the shell
// reports it.
const SigPipe = 141

// IsWrite reports whether err is a failed write of the output.
func IsWrite(err error) bool {
	var we *WriteError
	return errors.As(err, &we)
}
