package shell

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/stack"
)

// The interface between the interpreter and the built-in commands. A tool
// lives in a package of its own under emu/builtin/ and hands its commands
// to Register (emu/builtin lists every tool, one line each); the
// interpreter finds them by name and runs them with a Cmd.

// Cmd is one invocation of a built-in command.
type Cmd struct {
	Sh     *Shell
	NS     *emu.Namespace
	Args   []string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Diag is standard error unbuffered, for progress messages of
	// long-running commands (tcpdump's "listening on ..."). Stderr itself is
	// held until the command ends, to become the error line if it fails.
	Diag io.Writer
	Ctx  context.Context
	// Dir is the working directory, absolute, in the emulated file system.
	Dir string
}

// heldStderr holds a command's standard error until it ends; direct is
// the real standard error.
type heldStderr struct {
	bytes.Buffer
	direct io.Writer
	// cause is the failing step's summary when the command named one
	// (ExitError.Cause); otherwise causeLine picks it from the text.
	cause string
}

// World returns the emulated world.
func (c *Cmd) World() *emu.World { return c.Sh.W }

// pidKey is the context key of the process id of a background job's
// commands.
type pidKey struct{}

// fgPID is the process id of commands run in the foreground: a stable
// emulated one, just below the jobs' (pidBase+1 on).
const fgPID = pidBase

// PID is the command's process id, as ss -p shows the sockets it holds:
// its job's (what `jobs -l` prints and `kill` takes), or fgPID for a
// command in the foreground.
func (c *Cmd) PID() int {
	if c.Ctx != nil {
		if pid, ok := c.Ctx.Value(pidKey{}).(int); ok {
			return pid
		}
	}
	return fgPID
}

// Owns names the command, as program name, the owner of a socket it opens
// on descriptor fd (ss -p shows users:(("name",pid=PID,fd=FD))).
func (c *Cmd) Owns(name string, fd int) stack.SockOpt {
	return stack.OwnedBy(stack.Owner{Name: name, PID: c.PID(), FD: fd})
}

// Printf writes to the command's standard output.
func (c *Cmd) Printf(format string, a ...any) { fmt.Fprintf(c.Stdout, format, a...) }

// Errorf writes a line to standard error and returns exit status 1.
func (c *Cmd) Errorf(format string, a ...any) int {
	msg := fmt.Sprintf(format, a...)
	if !strings.HasSuffix(msg, "\n") {
		msg += "\n"
	}
	io.WriteString(c.Stderr, msg)
	return 1
}

// Fail writes a line to standard error and returns status.
func (c *Cmd) Fail(status int, format string, a ...any) int {
	c.Errorf(format, a...)
	return status
}

// Exit writes err, if any, to standard error and returns the exit status:
// an *ExitError's own, 1 for any other error, 0 for nil. It is how a runner
// that returns errors ends: `return c.Exit(run(...))`.
func (c *Cmd) Exit(err error) int {
	if err == nil {
		return 0
	}
	var e *ExitError
	if !errors.As(err, &e) {
		e = &ExitError{Status: 1, Msg: err.Error()}
	}
	if e.Msg != "" {
		msg := e.Msg
		if !strings.HasSuffix(msg, "\n") {
			msg += "\n"
		}
		io.WriteString(c.Stderr, msg)
	}
	if h, ok := c.Stderr.(*heldStderr); ok && e.Cause != "" {
		h.cause = e.Cause
	}
	return e.Status
}

// Sleep waits d on the emulator clock, letting the clock jump ahead while
// the world is idle. It returns the context's error if interrupted.
func (c *Cmd) Sleep(d time.Duration) error {
	if d <= 0 {
		return nil
	}
	w := c.World()
	stop := w.Warp()
	defer stop()
	done := make(chan struct{})
	t := w.Clock().AfterFunc(d, func() { close(done) })
	defer t.Stop()
	select {
	case <-done:
		return nil
	case <-c.Ctx.Done():
		return c.Ctx.Err()
	}
}

// ExitError is a failed command: the text for standard error, in the real
// tool's words, and the exit status.
type ExitError struct {
	Status int
	Msg    string
	// Cause, when set, is the line a failing script step is summed up
	// with, for a Msg whose last line is not the cause (a usage text after
	// the error, as tc prints it). Msg is printed whole either way.
	Cause string
}

func (e *ExitError) Error() string { return e.Msg }

// Failf returns an *ExitError with status and a formatted message.
func Failf(status int, format string, a ...any) *ExitError {
	return &ExitError{Status: status, Msg: fmt.Sprintf(format, a...)}
}

// Builtin is a built-in command.
type Builtin struct {
	Name string
	// Group is the family `help` lists it under (GroupIproute2, ...).
	Group string
	// Usage is a one-line synopsis, for help.
	Usage string
	// Help is a longer description.
	Help string
	Run  func(c *Cmd) int
}

// The groups `help` lists the built-ins in, in this order.
const (
	GroupIproute2    = "iproute2"
	GroupBridge      = "bridge-utils"
	GroupNetTools    = "net-tools"
	GroupNetfilter   = "netfilter"
	GroupPrograms    = "programs"
	GroupDocker      = "Docker"
	GroupFiles       = "files and text"
	GroupNsemu       = "nsemu's own"
	GroupInterpreter = "shell"
)

var (
	registryMu sync.Mutex
	registry   = map[string]*Builtin{}
)

// Register adds built-in commands. It panics on a duplicate name, a
// programming error.
func Register(bs ...*Builtin) {
	registryMu.Lock()
	defer registryMu.Unlock()
	for _, b := range bs {
		if _, dup := registry[b.Name]; dup {
			panic("shell: duplicate builtin " + b.Name)
		}
		registry[b.Name] = b
	}
}

// Lookup returns a built-in by name.
func Lookup(name string) (*Builtin, bool) {
	registryMu.Lock()
	defer registryMu.Unlock()
	b, ok := registry[name]
	return b, ok
}

// Builtins lists the built-in commands by name.
func Builtins() []*Builtin {
	registryMu.Lock()
	defer registryMu.Unlock()
	out := make([]*Builtin, 0, len(registry))
	for _, b := range registry {
		out = append(out, b)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
