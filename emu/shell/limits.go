package shell

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync/atomic"

	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// Limits keep a script from taking the machine down: a fork bomb
// (`f(){ f & f; }; f`) or a runaway recursion ends in seconds with an error
// in bash's words, with memory bounded.
//
// The interpreter has no hook for a function call's return or a background
// job's end, but it opens a statement's redirections before the statement
// and closes them after it, in the goroutine that runs it. So every text
// the shell runs is rewritten once parsed (guard): each function body gets
// a redirection of standard error to /dev/nsemu/frame/NAME, which passes
// through to the caller's standard error and counts the frame while it is
// open. Each background statement is preceded by a call of nsemu-fork,
// which takes a job slot in the spawning goroutine, before the job's
// goroutine exists (a fork bomb must be stopped before it forks), and gets
// standard input from /dev/nsemu/job, which is empty (a background job's
// standard input is /dev/null without job control, as in bash) and gives
// the slot back when the job ends. eval, source and trap texts go through
// guard too (callHandler).
const (
	// MaxFrames is how many shell function calls may be in progress at
	// once, in every job together (bash's FUNCNEST, but global).
	MaxFrames = 4096
	// MaxJobs is how many background jobs may run at once.
	MaxJobs = 512
	// maxEcho is how much of a script line an error message repeats.
	maxEcho = 200
)

// The paths of the counting redirections.
const (
	framePath = "/dev/nsemu/frame/"
	jobPath   = "/dev/nsemu/job"
	forkCmd   = "nsemu-fork"
)

// limits counts frames and jobs in progress; a Shell and its sub-shells
// share one.
type limits struct {
	frames, bgJobs atomic.Int64
	// funcs are the names of the functions the shell's texts define.
	funcs funcNames
	// jobs are the background jobs (jobs.go).
	jobs jobTable
	// abort stops the script (or the interactive line) being run, with the
	// limit it broke as the cause.
	abort atomic.Pointer[context.CancelCauseFunc]
}

// lim returns the shell's limits, made at first use (a Shell may be made
// without New).
func (s *Shell) lim() *limits {
	s.limitsOnce.Do(func() {
		if s.limits == nil {
			s.limits = &limits{}
		}
	})
	return s.limits
}

func (l *limits) setAbort(f context.CancelCauseFunc) { l.abort.Store(&f) }

// broke stops the run: a script that reaches a limit is not going to do
// anything useful, and its jobs would keep the machine busy.
func (l *limits) broke(err error) error {
	if f := l.abort.Load(); f != nil {
		(*f)(err)
	}
	return err
}

// stopStatus is the exit status of a run stopped early: 130 when
// interrupted (Ctrl-C), 2 when it broke a limit.
func stopStatus(ctx context.Context) int {
	if stopCause(ctx) == "interrupted" {
		return 130
	}
	return 2
}

// stopCause is why a run stopped early: a limit, or an interruption.
func stopCause(ctx context.Context) string {
	if err := context.Cause(ctx); err != nil && err != context.Canceled {
		return err.Error()
	}
	return "interrupted"
}

// errAgain is fork's failure when the jobs are too many.
var errAgain = errors.New("Resource temporarily unavailable")

// errNul refuses $'...\0...': bash would cut the word there without a
// word, and a program's argument cannot hold a NUL byte.
var errNul = errors.New("$'...' makes a NUL byte: an argument cannot hold one")

// makesNul reports whether the text of $'...' has an escape that makes a
// NUL byte (\0, \x00, \u0000, \U00000000, \c@).
func makesNul(v string) bool {
	for i := 0; i+1 < len(v); i++ {
		if v[i] != '\\' {
			continue
		}
		i++
		var digits string
		switch v[i] {
		case '0', '1', '2', '3', '4', '5', '6', '7':
			digits = leading(v[i:], "01234567", 3)
		case 'x':
			digits = leading(v[i+1:], "0123456789abcdefABCDEF", 2)
		case 'u':
			digits = leading(v[i+1:], "0123456789abcdefABCDEF", 4)
		case 'U':
			digits = leading(v[i+1:], "0123456789abcdefABCDEF", 8)
		case 'c':
			if i+1 < len(v) && v[i+1] == '@' {
				return true
			}
			continue
		default:
			continue
		}
		if digits != "" && strings.Trim(digits, "0") == "" {
			return true
		}
	}
	return false
}

// leading is the longest prefix of s, up to n bytes, made of set.
func leading(s, set string, n int) string {
	k := 0
	for k < len(s) && k < n && strings.IndexByte(set, s[k]) >= 0 {
		k++
	}
	return s[:k]
}

// errProcSubst is the refusal of <(...) and >(...): the interpreter would
// make a named pipe in the host's temporary directory.
var errProcSubst = errors.New("process substitution is not supported in nsemu")

// guard rewrites a parsed text in place (see Limits). It returns
// errProcSubst, with its position, for a process substitution.
func guard(f *syntax.File, funcs *funcNames, jobs *jobTable) error {
	var bad *syntax.ProcSubst
	var nulAt uint
	syntax.Walk(f, func(n syntax.Node) bool {
		forkGuard(n, jobs)
		switch n := n.(type) {
		case *syntax.FuncDecl:
			funcs.add(n.Name.Value)
			if n.Body != nil && !guarded(n.Body.Redirs, framePath) {
				n.Body.Redirs = append([]*syntax.Redirect{redirect(syntax.AppOut, "2", framePath+n.Name.Value)}, n.Body.Redirs...)
			}
		case *syntax.Stmt:
			if n.Background && !guarded(n.Redirs, jobPath) {
				n.Redirs = append([]*syntax.Redirect{redirect(syntax.RdrIn, "", jobPath)}, n.Redirs...)
			}
		case *syntax.ProcSubst:
			if bad == nil {
				bad = n
			}
		case *syntax.SglQuoted:
			if n.Dollar && makesNul(n.Value) && nulAt == 0 {
				nulAt = n.Pos().Line()
			}
		}
		return true
	})
	if bad != nil {
		return fmt.Errorf("line %d: %w", bad.Pos().Line(), errProcSubst)
	}
	if nulAt != 0 {
		return fmt.Errorf("line %d: %w", nulAt, errNul)
	}
	return nil
}

// forkGuard rewrites the background statements of the statement lists of
// node n into jobs (rewriteJob), each after its call of nsemu-fork.
func forkGuard(n syntax.Node, jobs *jobTable) {
	switch n := n.(type) {
	case *syntax.File:
		n.Stmts = withFork(n.Stmts, jobs)
	case *syntax.Subshell:
		n.Stmts = withFork(n.Stmts, jobs)
	case *syntax.Block:
		n.Stmts = withFork(n.Stmts, jobs)
	case *syntax.IfClause:
		n.Cond, n.Then = withFork(n.Cond, jobs), withFork(n.Then, jobs)
	case *syntax.WhileClause:
		n.Cond, n.Do = withFork(n.Cond, jobs), withFork(n.Do, jobs)
	case *syntax.ForClause:
		n.Do = withFork(n.Do, jobs)
	case *syntax.CmdSubst:
		n.Stmts = withFork(n.Stmts, jobs)
	case *syntax.CaseItem:
		n.Stmts = withFork(n.Stmts, jobs)
	}
}

func withFork(stmts []*syntax.Stmt, jobs *jobTable) []*syntax.Stmt {
	var out []*syntax.Stmt
	for i, st := range stmts {
		if !st.Background || (i > 0 && isFork(stmts[i-1])) {
			out = append(out, st)
			continue
		}
		out = append(out, rewriteJob(st, jobs), st)
	}
	return out
}

func isFork(st *syntax.Stmt) bool {
	c, ok := st.Cmd.(*syntax.CallExpr)
	return ok && len(c.Args) > 0 && c.Args[0].Lit() == forkCmd
}

func guarded(rs []*syntax.Redirect, prefix string) bool {
	for _, r := range rs {
		if r.Word != nil && strings.HasPrefix(r.Word.Lit(), prefix) {
			return true
		}
	}
	return false
}

func redirect(op syntax.RedirOperator, fd, target string) *syntax.Redirect {
	r := &syntax.Redirect{Op: op, Word: &syntax.Word{Parts: []syntax.WordPart{&syntax.Lit{Value: target}}}}
	if fd != "" {
		r.N = &syntax.Lit{Value: fd}
	}
	return r
}

// parse parses shell text and guards it.
func (s *Shell) parse(src io.Reader, name string) (*syntax.File, error) {
	f, err := syntax.NewParser(syntax.KeepComments(false)).Parse(src, name)
	if err != nil {
		return nil, err
	}
	if err := guard(f, &s.lim().funcs, &s.lim().jobs); err != nil {
		return nil, err
	}
	return f, nil
}

// reguard parses text that the interpreter will parse again at run time
// (eval's, trap's), guards it and prints it back.
func (s *Shell) reguard(text string) (string, error) {
	f, err := s.parse(strings.NewReader(text), "")
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	if err := syntax.NewPrinter().Print(&b, f); err != nil {
		return "", err
	}
	return b.String(), nil
}

// openCounted opens one of the counting files (ok false for other paths).
func (s *Shell) openCounted(hc interp.HandlerContext, p string) (io.ReadWriteCloser, bool, error) {
	lim := s.lim()
	switch {
	case p == jobPath:
		// nsemu-fork took the slot; the job gives it back at its end.
		return &counted{n: &lim.bgJobs}, true, nil
	case strings.HasPrefix(p, framePath):
		if lim.frames.Add(1) > MaxFrames {
			lim.frames.Add(-1)
			return nil, true, lim.broke(fmt.Errorf("%s: maximum function nesting level exceeded (%d)", strings.TrimPrefix(p, framePath), MaxFrames))
		}
		return &counted{n: &lim.frames, w: hc.Stderr}, true, nil
	}
	return nil, false, nil
}

// counted is a counting redirection: empty to read, passing writes on to
// w, and counted from its open to its close.
type counted struct {
	n      *atomic.Int64
	w      io.Writer
	closed atomic.Bool
}

func (c *counted) Read([]byte) (int, error) { return 0, io.EOF }

func (c *counted) Write(p []byte) (int, error) {
	if c.w == nil {
		return len(p), nil
	}
	return c.w.Write(p)
}

func (c *counted) Close() error {
	if c.closed.CompareAndSwap(false, true) {
		c.n.Add(-1)
	}
	return nil
}

// fork takes a job slot for the background statement that follows
// (nsemu-fork): past MaxJobs, the shell that tries stops, with bash's words.
func (l *limits) fork() error {
	if l.bgJobs.Add(1) > MaxJobs {
		l.bgJobs.Add(-1)
		return l.broke(fmt.Errorf("fork: retry: %w", errAgain))
	}
	return nil
}

// checkArgs refuses arguments the kernel could not pass to a program.
func checkArgs(args []string) error {
	for _, a := range args {
		if strings.IndexByte(a, 0) >= 0 {
			return fmt.Errorf("%s: an argument contains a NUL byte", args[0])
		}
	}
	return nil
}

// echoLine shortens a script line for an error message.
func echoLine(s string) string {
	if len(s) <= maxEcho {
		return s
	}
	cut := maxEcho
	for cut > 0 && s[cut]&0xC0 == 0x80 {
		cut-- // not inside a UTF-8 sequence
	}
	return s[:cut] + "..."
}
