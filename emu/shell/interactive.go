package shell

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync/atomic"

	"github.com/chzyer/readline"

	"github.com/nsemu/nsemu/emu"
)

// LineReader reads command lines; readline's Instance implements it, and so
// does PlainReader for non-terminal input.
type LineReader interface {
	Readline() (string, error)
	SetPrompt(string)
}

// PlainReader reads lines from any reader, echoing nothing.
type PlainReader struct {
	sc     *bufio.Scanner
	prompt string
	out    io.Writer
}

// NewPlainReader reads lines from r and writes prompts to out (nil: none).
func NewPlainReader(r io.Reader, out io.Writer) *PlainReader {
	return &PlainReader{sc: bufio.NewScanner(r), out: out}
}

// Readline implements LineReader.
func (p *PlainReader) Readline() (string, error) {
	if p.out != nil {
		io.WriteString(p.out, p.prompt)
	}
	if !p.sc.Scan() {
		if err := p.sc.Err(); err != nil {
			return "", err
		}
		return "", io.EOF
	}
	return p.sc.Text(), nil
}

// SetPrompt implements LineReader.
func (p *PlainReader) SetPrompt(s string) { p.prompt = s }

// Prompt is the prompt for commands running in ns.
func Prompt(ns *emu.Namespace) string {
	return fmt.Sprintf("nsemu[%s]# ", ns.Name())
}

// Interact runs an interactive session: one line at a time, until EOF or
// `exit`. An error never ends the session. Ctrl-C (SIGINT) interrupts the
// running command only.
func (s *Shell) Interact(ctx context.Context, lr LineReader) error {
	s.Interactive = func(c *Cmd) int {
		// `bash` or `sh` inside `ip netns exec NS`: a sub-shell there.
		sub := &Shell{W: s.W, Stdin: s.Stdin, Stdout: s.Stdout, Stderr: s.Stderr, NS: c.NS, Interactive: s.Interactive}
		err := sub.Interact(c.Ctx, lr)
		lr.SetPrompt(Prompt(s.ns()))
		if err != nil {
			return 1
		}
		return 0
	}
	for {
		s.ReportJobs(s.Stderr)
		lr.SetPrompt(Prompt(s.ns()))
		line, err := s.readLine(lr)
		if errors.Is(err, readline.ErrInterrupt) {
			continue
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		if s.runLineInterruptibly(ctx, line) {
			fmt.Fprintln(s.Stderr)
			continue // Ctrl-C ends the line, never the session
		}
		if s.Exited() {
			return nil
		}
	}
}

// readLine reads the next line. On purely emulated time the clock stands
// still meanwhile: what the world does must not depend on how long the
// learner takes to type (background jobs go on while a command runs).
func (s *Shell) readLine(lr LineReader) (string, error) {
	release := s.W.HoldTime()
	defer release()
	return lr.Readline()
}

// runLineInterruptibly runs a line, which Ctrl-C (SIGINT) interrupts; it
// reports whether it was interrupted. The line's context is not cancelled
// when it returns, so that the jobs it started in the background go on.
func (s *Shell) runLineInterruptibly(ctx context.Context, line string) (interrupted bool) {
	lctx, cancel := context.WithCancel(ctx)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	done := make(chan struct{})
	var hit atomic.Bool
	go func() {
		select {
		case <-sig:
			hit.Store(true)
			cancel()
		case <-done:
		}
	}()
	s.RunLine(lctx, line)
	signal.Stop(sig)
	close(done)
	return hit.Load()
}
