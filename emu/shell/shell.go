// Package shell runs nsemu's script language: POSIX shell (parsed and run
// by mvdan.cc/sh/v3) whose commands — ip, bridge, brctl, iptables, ping,
// sysctl, cat, ... — are built in and act on an emulated world.
//
// A script is run statement by statement with `set -e` semantics: a command
// that fails stops the run, and the error names the script, the line and the
// command (`demo.sh:12: ip link set veth9 up: Cannot find device "veth9"`).
// A statement written `! CMD` asserts that CMD fails. Commands run in the
// host's root namespace unless wrapped in `ip netns exec NS ...`. Every
// command is a built-in (the text tools too: grep, sed, awk... run in
// process); no host program ever runs, and the files a script sees are the
// emulated ones (files.go, emu/vfs): any other name is "command not
// found", or "not emulated" for a real tool nsemu does not have.
package shell

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/vfs"
)

// shellBuiltins are handled by the interpreter itself.
var shellBuiltins = []string{"echo", "printf", "true", "false", "test", "[", "exit", "set", "shift",
	"read", "export", "unset", "wait", "cd", "pwd", "break", "continue", "return", "eval", "type", "command", "local", "readonly", "trap"}

// Shell runs scripts and command lines against a world.
type Shell struct {
	W      *emu.World
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// NS is where commands run when not wrapped by `ip netns exec`; the host
	// namespace when nil.
	NS *emu.Namespace

	// Interactive, when set, opens an interactive sub-shell for `sh` or
	// `bash` without -c (nsemu shell sets it).
	Interactive func(c *Cmd) int
	// OnCommand, when set, is called before every command runs, with its
	// line and words (the step-through pauses there).
	OnCommand func(line int, args []string)
	// Stepper, when set, is what `step on|off` switches.
	Stepper interface {
		SetEnabled(bool)
		Enabled() bool
	}

	// Files is the emulated file system: the world's (vfs.For) unless set.
	Files      *vfs.System
	fsOnce     sync.Once
	limits     *limits
	limitsOnce sync.Once
	// lineMode: lines are typed (RunLine): jobs say `[N] PID` when started.
	lineMode atomic.Bool
	// sources holds guarded texts of files being sourced, by absolute
	// path (callHandler puts, OpenHandler takes).
	sources sync.Map
	// Dir is the working directory a new runner starts in; "" means the
	// process's working directory if it is shared, "/" otherwise.
	Dir string

	runner  *interp.Runner
	pending pendingErr
	// jobs counts built-ins running (foreground or in the background).
	jobs sync.WaitGroup
	// lastFail describes the last command that failed; guarded by
	// pending.mu (the commands of a pipeline fail concurrently).
	lastFail failure
}

type failure struct {
	line int
	cmd  string
	msg  string
}

// pendingErr holds the standard error of the last failing command until we
// know whether the script stops there (then it becomes the error line) or
// goes on (then it is printed as is).
type pendingErr struct {
	mu  sync.Mutex
	buf []byte
}

// New makes a shell on w. Output goes to stdout and stderr.
func New(w *emu.World, stdin io.Reader, stdout, stderr io.Writer) *Shell {
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	// Background commands write concurrently with foreground ones.
	out := &lockedWriter{w: stdout}
	errw := out
	if stderr != stdout {
		errw = &lockedWriter{w: stderr}
	}
	return &Shell{W: w, Stdin: stdin, Stdout: out, Stderr: errw}
}

// lockedWriter serialises writes to a writer that is not safe for
// concurrent use (a bytes.Buffer in tests).
type lockedWriter struct {
	mu     sync.Mutex
	w      io.Writer
	before atomic.Pointer[func()]
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	if f := l.before.Load(); f != nil {
		(*f)()
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// BeforeOutput sets a function called before every write of the shell's
// output (the narrator flushes its queued lines there).
func (s *Shell) BeforeOutput(f func()) {
	for _, w := range []io.Writer{s.Stdout, s.Stderr} {
		if lw, ok := w.(*lockedWriter); ok {
			lw.before.Store(&f)
		}
	}
}

func (s *Shell) ns() *emu.Namespace {
	if s.NS != nil {
		return s.NS
	}
	return s.W.Host()
}

// ScriptError is a failed step of a script.
type ScriptError struct {
	File string
	Line int
	Cmd  string
	Msg  string
	// Status is the exit status the run should end with.
	Status int
}

func (e *ScriptError) Error() string {
	if e.Cmd == "" {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s: %s", e.File, e.Line, e.Cmd, e.Msg)
}

func (s *Shell) newRunner(name string, args []string) (*interp.Runner, error) {
	params := append([]string{"-e", "--"}, args...)
	env := expand.ListEnviron("PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root", "USER=root", "HOSTNAME=nsemu", "NSEMU=1")
	dir := s.startDir()
	return interp.New(
		interp.StdIO(s.Stdin, s.Stdout, s.Stderr),
		interp.Params(params...),
		interp.Env(env),
		interp.ExecHandlers(s.execMiddleware),
		interp.CallHandler(s.callHandler),
		// Every path the interpreter touches is in the emulated file
		// system, never the host's (files.go).
		interp.OpenHandler(s.OpenHandler),
		interp.StatHandler(s.statHandler),
		interp.ReadDirHandler2(s.readDirHandler),
		interp.AccessHandler(s.accessHandler),
		func(r *interp.Runner) error { r.Dir = dir; return nil },
	)
}

// callHandler runs before every command: it refuses arguments no program
// could get, maps the interpreter's built-ins that nsemu replaces, and
// guards the texts the interpreter parses at run time (eval, source, trap:
// see Limits).
func (s *Shell) callHandler(ctx context.Context, args []string) ([]string, error) {
	if err := checkArgs(args); err != nil {
		return nil, err
	}
	// On purely emulated time a command starts once what the earlier ones
	// set off has finished (a background job's first words included), so
	// the transcript comes out in the same order on every run.
	s.W.Settle()
	switch args[0] {
	case forkCmd:
		if err := s.lim().fork(); err != nil {
			return nil, err
		}
		s.startJob(ctx, args)
		return []string{"true"}, nil
	case exitCmd:
		if len(args) == 3 {
			id, _ := strconv.Atoi(args[1])
			status, _ := strconv.Atoi(args[2])
			s.lim().jobs.finish(id, status)
		}
		return []string{"true"}, nil
	case "wait":
		if slices.ContainsFunc(args[1:], func(a string) bool { return strings.HasPrefix(a, "%") }) {
			return append([]string{waitCmd}, args[1:]...), nil
		}
	case "help", "jobs", "fg", "bg", "kill":
		// The interpreter's own are missing or do not know nsemu's jobs.
		return append([]string{"nsemu-" + args[0]}, args[1:]...), nil
	case "eval":
		text, err := s.reguard(strings.Join(args[1:], " "))
		if err != nil {
			return args, nil // the interpreter reports the syntax error
		}
		return []string{"eval", text}, nil
	case "source", ".":
		s.guardSource(ctx, args)
	case "trap":
		return s.guardTrap(args), nil
	case "type", "command", "which":
		return s.lookupCall(args), nil
	}
	return args, nil
}

// guardSource reads a file about to be sourced and keeps its guarded text
// for OpenHandler.
func (s *Shell) guardSource(ctx context.Context, args []string) {
	if len(args) < 2 {
		return
	}
	p := abs(interp.HandlerCtx(ctx).Dir, args[1])
	data, err := s.view(s.ns()).ReadFile(p)
	if err != nil {
		return // the interpreter's open reports it
	}
	if text, err := s.reguard(string(data)); err == nil {
		s.sources.Store(p, text)
	}
}

// guardTrap guards a trap's action text (trap [--] ACTION SIGNAL...).
func (s *Shell) guardTrap(args []string) []string {
	i := 1
	if i < len(args) && args[i] == "--" {
		i++
	}
	if len(args)-i < 2 || args[i] == "-" || strings.HasPrefix(args[i], "-") && i == 1 {
		return args
	}
	text, err := s.reguard(args[i])
	if err != nil {
		return args
	}
	out := append([]string(nil), args...)
	out[i] = text
	return out
}

func (s *Shell) execMiddleware(next interp.ExecHandlerFunc) interp.ExecHandlerFunc {
	return func(ctx context.Context, args []string) error {
		hc := interp.HandlerCtx(ctx)
		if j := s.lim().jobs.running(hc.Env.Get(jobVar).String()); j != nil {
			// A command of a background job: kill %N cancels it.
			jctx, stop := context.WithCancel(ctx)
			defer stop()
			defer context.AfterFunc(j.ctx, stop)()
			ctx = context.WithValue(jctx, pidKey{}, j.pid)
		}
		if s.OnCommand != nil {
			s.OnCommand(int(hc.Pos.Line()), args)
			// Interrupted while the step-through waited before it: the
			// command does not run.
			if runInterrupted(ctx) {
				return interp.NewExitStatus(uint8(stopStatus(ctx)))
			}
		}
		errBuf := &heldStderr{direct: hc.Stderr}
		s.jobs.Add(1)
		defer s.jobs.Done()
		status := s.Exec(withDir(ctx, hc.Dir), s.ns(), args, s.W.WatchReads(hc.Stdin), s.heldWriter(hc.Stdout), errBuf)
		s.flushPending()
		if status == 0 {
			hc.Stderr.Write(errBuf.Bytes())
			return nil
		}
		if hc.Stderr != s.Stderr {
			// Redirected (2>/dev/null, 2>&1 | grep ...): it goes where the
			// script sent it, now.
			hc.Stderr.Write(errBuf.Bytes())
		} else {
			// Hold the error text: it becomes the script's error line if
			// the run stops here.
			s.pending.mu.Lock()
			s.pending.buf = append(s.pending.buf[:0], errBuf.Bytes()...)
			s.pending.mu.Unlock()
		}
		msg := errBuf.cause
		if msg == "" {
			msg = causeLine(errBuf.String())
		}
		if msg == "" {
			msg = fmt.Sprintf("exit status %d", status)
		}
		s.setLastFail(failure{line: int(hc.Pos.Line()), cmd: echoLine(strings.Join(args, " ")), msg: msg})
		return interp.NewExitStatus(uint8(status))
	}
}

func (s *Shell) setLastFail(f failure) {
	s.pending.mu.Lock()
	defer s.pending.mu.Unlock()
	s.lastFail = f
}

func (s *Shell) getLastFail() failure {
	s.pending.mu.Lock()
	defer s.pending.mu.Unlock()
	return s.lastFail
}

// heldWriter wraps a command's output: while a write waits for a pipe's
// reader, the world is not idle, so Warp does not jump the clock past the
// command (ping -i 0.001 | grep would see seconds-long round trips).
//
// Not on purely emulated time: there the clock moves only when every
// goroutine waits, and a writer parked on a full pipe waits for a reader
// that may itself wait for the clock (seq … | { sleep 1; wc -l; }).
func (s *Shell) heldWriter(w io.Writer) io.Writer {
	if _, pipe := w.(*os.File); !pipe || s.W.EmulatedTime() {
		return w
	}
	return &heldWrite{w: w, world: s.W}
}

type heldWrite struct {
	w     io.Writer
	world *emu.World
}

func (h *heldWrite) Write(p []byte) (int, error) {
	release := h.world.Hold()
	defer release()
	return h.w.Write(p)
}

func (s *Shell) flushPending() {
	s.pending.mu.Lock()
	b := s.pending.buf
	s.pending.buf = nil
	s.pending.mu.Unlock()
	if len(b) > 0 {
		s.Stderr.Write(b)
	}
}

// takePending returns the held error text without the line the error
// line repeats: its last line when that is the cause. When hints follow
// the cause (`Try 'iptables -h' ...`), the text is printed whole, in the
// tool's order, and the error line repeats the cause after it.
func (s *Shell) takePending(cause string) string {
	s.pending.mu.Lock()
	b := string(s.pending.buf)
	s.pending.buf = nil
	s.pending.mu.Unlock()
	b = strings.TrimRight(b, "\n")
	if b == "" {
		return ""
	}
	i := strings.LastIndexByte(b, '\n')
	if b[i+1:] != cause {
		return b + "\n"
	}
	if i < 0 {
		return ""
	}
	return b[:i+1]
}

// causeLine is what a failed command's error line repeats: the last line
// of its standard error that says what went wrong, not a hint that
// follows it (`Try 'iptables -h' ...`, `See 'docker run --help'.`).
func causeLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if !isHint(lines[i]) {
			return lines[i]
		}
	}
	return lines[len(lines)-1]
}

// isHint reports whether an error line only points at help.
func isHint(l string) bool {
	l = strings.TrimSpace(l)
	for _, p := range []string{"Try `", "Try '", "See '", "Run '", "Usage:", "usage:"} {
		if strings.HasPrefix(l, p) {
			return true
		}
	}
	return l == ""
}

// Exec runs one command (a built-in, or one of the shell's own) in a
// namespace and returns its exit status.
func (s *Shell) Exec(ctx context.Context, ns *emu.Namespace, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		return 0
	}
	if b, ok := Lookup(args[0]); ok {
		c := &Cmd{Sh: s, NS: ns, Args: args, Stdin: stdin, Stdout: stdout, Stderr: stderr, Diag: stderr, Ctx: ctx, Dir: handlerDir(ctx)}
		if h, ok := stderr.(*heldStderr); ok {
			c.Diag = h.direct
		}
		return runBuiltin(b, c)
	}
	for _, sb := range shellBuiltins {
		if args[0] == sb {
			// Reached through `ip netns exec NS echo ...`: run it in a
			// sub-shell.
			return s.subshell(ctx, ns, args, stdin, stdout, stderr)
		}
	}
	fmt.Fprintln(stderr, notFound(args[0]))
	return 127
}

// Runnable reports whether Exec would run a command name: a built-in, or
// one of the interpreter's own built-ins. The Docker engine asks it which
// commands a container can run.
func Runnable(name string) bool {
	if _, ok := Lookup(name); ok {
		return true
	}
	for _, b := range shellBuiltins {
		if b == name {
			return true
		}
	}
	return false
}

// runBuiltin runs a built-in, turning a panic into an error: a bug in one
// command must not lose the world the learner has built.
func runBuiltin(b *Builtin, c *Cmd) (status int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(c.Stderr, "nsemu: %s: internal error: %v\n", b.Name, r)
			status = 70
		}
	}()
	return b.Run(c)
}

// sub makes a shell for text run from a command of s (sh -c, ip netns exec
// NS CMD): it shares s's file system and starts in the command's directory.
func (s *Shell) sub(ctx context.Context, ns *emu.Namespace, stdin io.Reader, stdout, stderr io.Writer) *Shell {
	sub := New(s.W, stdin, stdout, stderr)
	sub.NS, sub.OnCommand, sub.Stepper, sub.Interactive = ns, nil, s.Stepper, s.Interactive
	sub.Files, sub.Dir, sub.limits = s.fileSystem(), handlerDir(ctx), s.lim()
	return sub
}

// subshell runs a shell built-in (echo, test, ...) or `sh -c` text in
// namespace ns.
func (s *Shell) subshell(ctx context.Context, ns *emu.Namespace, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	sub := s.sub(ctx, ns, stdin, stdout, stderr)
	r, err := sub.newRunner("sh", nil)
	if err != nil {
		fmt.Fprintf(stderr, "nsemu: %v\n", err)
		return 2
	}
	var q []string
	for _, a := range args {
		qa, err := syntax.Quote(a, syntax.LangBash)
		if err != nil {
			fmt.Fprintf(stderr, "nsemu: %v\n", err)
			return 2
		}
		q = append(q, qa)
	}
	f, err := s.parse(strings.NewReader(strings.Join(q, " ")), "sh")
	if err != nil {
		fmt.Fprintf(stderr, "nsemu: %v\n", err)
		return 2
	}
	err = r.Run(ctx, f)
	sub.flushPending()
	if st, ok := interp.IsExitStatus(err); ok {
		return int(st)
	}
	if err != nil {
		fmt.Fprintf(stderr, "nsemu: %v\n", err)
		return 2
	}
	return 0
}

// RunString runs shell text in namespace ns (for `sh -c TEXT` and `ip netns
// exec NS sh -c TEXT`).
//
// params are sh -c's operands after the text: $0 (ARGV0) then $1...
func (s *Shell) RunString(ctx context.Context, ns *emu.Namespace, text string, stdin io.Reader, stdout, stderr io.Writer, params ...string) int {
	sub := s.sub(ctx, ns, stdin, stdout, stderr)
	argv0, args := "sh", []string(nil)
	if len(params) > 0 {
		argv0, args = params[0], params[1:]
	}
	r, err := sub.newRunner("sh", args)
	if err != nil {
		fmt.Fprintf(stderr, "sh: %v\n", err)
		return 2
	}
	r.Reset()
	f, err := s.parse(strings.NewReader(text), argv0)
	if err != nil {
		fmt.Fprintf(stderr, "sh: %v\n", err)
		return 2
	}
	// -c text is not run under -e, as in sh.
	_ = interp.Params("+e")(r)
	err = r.Run(ctx, f)
	sub.flushPending()
	if st, ok := interp.IsExitStatus(err); ok {
		return int(st)
	}
	if err != nil {
		fmt.Fprintf(stderr, "sh: %v\n", err)
		return 2
	}
	return 0
}

// RunScript parses and runs a script. It returns nil when every step
// behaved, or a *ScriptError naming the line and the command that did not.
// Commands still running in the background when the script ends (tcpdump
// ... &) are stopped, and waited for.
func (s *Shell) RunScript(ctx context.Context, name string, src io.Reader, args []string) error {
	ctx, cancel := withRunContext(ctx)
	s.lim().setAbort(cancel)
	err := s.runScript(ctx, name, src, args)
	s.exitTrap(ctx)
	cancel(nil)
	s.waitJobs(5 * time.Second)
	return err
}

// runKey keys the context a script or a line was run with (RunScript,
// RunLine), as their callers gave it.
type runKey struct{}

// withRunContext is the context a script or a line runs in: cancellable by
// the shell's limits, and remembering the caller's (runInterrupted).
func withRunContext(outer context.Context) (context.Context, context.CancelCauseFunc) {
	ctx, cancel := context.WithCancelCause(outer)
	return context.WithValue(ctx, runKey{}, outer), cancel
}

// runInterrupted reports whether the run ctx belongs to was interrupted.
// A hook woken by the caller's context ending (the step-through's pause
// on Ctrl-C) may return before the cancellation has come down to ctx: the
// Go runtime closes a parent's Done before it cancels the children. When
// the caller's context has ended, ctx's end is on its way: wait for it.
func runInterrupted(ctx context.Context) bool {
	if outer, ok := ctx.Value(runKey{}).(context.Context); ok && outer.Err() != nil {
		// Bounded all the same: a context that does not descend from
		// the run's (none is known) must not hang the command.
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
	return ctx.Err() != nil
}

// exitTrap runs the script's EXIT trap, if it set one and has not run it
// already (`exit` runs it): when the last line is done, or a line failed,
// or the run was interrupted, as bash does.
func (s *Shell) exitTrap(ctx context.Context) {
	r := s.runner
	if r == nil || r.Exited() {
		return
	}
	// The trap runs even when the run was interrupted: its context is
	// not the run's (runInterrupted must not wait for it to end).
	ctx = context.WithValue(context.WithoutCancel(ctx), runKey{}, nil)
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	// Running a whole (empty) file ends with the exit trap.
	_ = r.Run(ctx, &syntax.File{})
}

// waitJobs waits (up to limit) for the built-ins still running.
func (s *Shell) waitJobs(limit time.Duration) {
	done := make(chan struct{})
	go func() {
		s.jobs.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(limit):
	}
}

func (s *Shell) runScript(ctx context.Context, name string, src io.Reader, args []string) error {
	text, err := io.ReadAll(src)
	if err != nil {
		return err
	}
	f, err := s.parse(bytes.NewReader(text), name)
	if err != nil {
		return parseError(name, err)
	}
	r, err := s.newRunner(name, args)
	if err != nil {
		return err
	}
	s.runner = r
	defer s.reportFailedJobs(s.Stderr, name)
	for _, st := range f.Stmts {
		s.reportFailedJobs(s.Stderr, name)
		if err := ctx.Err(); err != nil {
			return &ScriptError{File: name, Line: int(st.Pos().Line()), Msg: stopCause(ctx), Status: stopStatus(ctx)}
		}
		s.setLastFail(failure{})
		var err error
		if st.Negated {
			// `! CMD`: run CMD without -e (a failure inside it is the
			// expected outcome, not a stop) and invert its status here.
			st.Negated = false
			_ = interp.Params("+e")(r)
			err = r.Run(ctx, st)
			_ = interp.Params("-e")(r)
			st.Negated = true
			if status, ok := interp.IsExitStatus(err); err == nil || (ok && status == 0) {
				err = interp.NewExitStatus(1)
			} else if ok {
				err = nil
			}
		} else {
			err = r.Run(ctx, st)
		}
		if ctx.Err() != nil {
			s.flushPending()
			return &ScriptError{File: name, Line: int(st.Pos().Line()), Cmd: stmtText(text, st), Msg: stopCause(ctx), Status: stopStatus(ctx)}
		}
		status, isStatus := interp.IsExitStatus(err)
		if err != nil && !isStatus {
			s.flushPending()
			return &ScriptError{File: name, Line: int(st.Pos().Line()), Cmd: stmtText(text, st), Msg: err.Error(), Status: 2}
		}
		if status == 0 {
			s.flushPending()
			if r.Exited() {
				return nil
			}
			continue
		}
		if st.Negated {
			s.flushPending()
			return &ScriptError{File: name, Line: int(st.Pos().Line()), Cmd: stmtText(text, st),
				Msg: "succeeded, but the script asserts (with !) that it fails", Status: 1}
		}
		last := s.getLastFail()
		if before := s.takePending(last.msg); before != "" {
			io.WriteString(s.Stderr, before)
		}
		e := &ScriptError{File: name, Line: int(st.Pos().Line()), Cmd: stmtText(text, st), Msg: fmt.Sprintf("exit status %d", status), Status: int(status)}
		if last.cmd != "" {
			e.Line, e.Cmd, e.Msg = last.line, last.cmd, last.msg
		}
		return e
	}
	return nil
}

// parseError is a script that does not parse (or that guard refuses).
func parseError(name string, err error) *ScriptError {
	var pe syntax.ParseError
	if errors.As(err, &pe) {
		return &ScriptError{File: name, Line: int(pe.Pos.Line()), Msg: "syntax error: " + pe.Text, Status: 2}
	}
	line := 1
	if msg, ok := strings.CutPrefix(err.Error(), "line "); ok {
		if n, rest, ok := strings.Cut(msg, ": "); ok {
			if v, convErr := strconv.Atoi(n); convErr == nil {
				line, err = v, errors.New(rest)
			}
		}
	}
	return &ScriptError{File: name, Line: line, Msg: err.Error(), Status: 2}
}

func stmtText(src []byte, st *syntax.Stmt) string {
	a, b := int(st.Pos().Offset()), int(st.End().Offset())
	if a < 0 || b > len(src) || a >= b {
		return ""
	}
	t := strings.TrimSpace(string(src[a:b]))
	if i := strings.IndexByte(t, '\n'); i >= 0 {
		t = t[:i] + " ..."
	}
	return echoLine(t)
}

// RunLine runs one line typed in the interactive shell, keeping variables
// and functions across lines. It returns the exit status; errors never end
// the session.
func (s *Shell) RunLine(ctx context.Context, line string) int {
	if s.runner == nil {
		r, err := s.newRunner("shell", nil)
		if err != nil {
			fmt.Fprintf(s.Stderr, "nsemu: %v\n", err)
			return 2
		}
		s.runner = r
	}
	s.lineMode.Store(true)
	s.ReportJobs(s.Stderr)
	// Typed lines never stop the session (a script run before, with
	// --init, left -e on).
	_ = interp.Params("+e")(s.runner)
	// A limit broken on this line stops what it started. The context is
	// not cancelled when the line returns: its background jobs (cmd &,
	// docker exec -d) go on.
	ctx, cancel := withRunContext(ctx)
	s.lim().setAbort(cancel)
	f, err := s.parse(strings.NewReader(line), "")
	if err != nil {
		fmt.Fprintf(s.Stderr, "nsemu: %v\n", err)
		return 2
	}
	status := 0
	for _, st := range f.Stmts {
		err := s.runner.Run(ctx, st)
		s.flushPending()
		if st, ok := interp.IsExitStatus(err); ok {
			status = int(st)
		} else if err != nil && ctx.Err() != nil {
			if cause := stopCause(ctx); cause != "interrupted" {
				fmt.Fprintf(s.Stderr, "nsemu: %s\n", cause)
			}
			return stopStatus(ctx)
		} else if err != nil {
			fmt.Fprintf(s.Stderr, "nsemu: %v\n", err)
			status = 2
		} else {
			status = 0
		}
		if s.runner.Exited() {
			break
		}
	}
	return status
}

// SetStdin changes the standard input of the commands run from now on.
func (s *Shell) SetStdin(in io.Reader) {
	s.Stdin = in
	if s.runner != nil {
		_ = interp.StdIO(in, s.Stdout, s.Stderr)(s.runner)
	}
}

// Exited reports whether the interactive shell ran `exit`.
func (s *Shell) Exited() bool { return s.runner != nil && s.runner.Exited() }
