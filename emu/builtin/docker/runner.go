package docker

import (
	"context"
	"fmt"
	"io"
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"github.com/nsemu/nsemu/emu"
	engine "github.com/nsemu/nsemu/emu/docker"
	"github.com/nsemu/nsemu/emu/shell"
)

// The engine runs a container's command (anything but its own nginx and
// httpd) through a Runner. This one runs it with the interpreter, in the
// container's namespace: the interpreter knows which commands exist
// (shell.Runnable) and runs them (Shell.Exec); what is Docker's here is the
// translation of a container's command and environment into a command line.
// It lives with the CLI, not in the interpreter, so that the interpreter
// knows nothing of Docker.

func init() { engine.SetRunner(runner{}) }

// runner implements engine.Runner with the interpreter.
type runner struct{}

var _ engine.Runner = runner{}

// Runnable implements engine.Runner.Runnable.
func (runner) Runnable(name string) bool { return shell.Runnable(name) }

// Run implements engine.Runner.Run. It blocks until the command ends.
func (runner) Run(ctx context.Context, ns *emu.Namespace, args, env []string, stdin io.Reader, stdout, stderr io.Writer) int {
	sh := &shell.Shell{W: ns.World(), Stdin: stdin, Stdout: stdout, Stderr: stderr, NS: ns}
	args = withEnv(append([]string{engine.CmdName(args[0])}, args[1:]...), env)
	return sh.Exec(ctx, ns, args, stdin, stdout, stderr)
}

// withEnv gives shell text (sh -c TEXT) a container's environment: the
// built-ins read none, but $HOSTNAME and -e variables are the shell's.
func withEnv(args, env []string) []string {
	if len(args) < 3 || !engine.IsShell(args[:1]) || args[1] != "-c" || len(env) == 0 {
		return args
	}
	var b strings.Builder
	for _, kv := range env {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" || strings.ContainsAny(k, " \t\n'\"$;=") {
			continue
		}
		q, err := syntax.Quote(v, syntax.LangBash)
		if err != nil {
			continue
		}
		fmt.Fprintf(&b, "export %s=%s\n", k, q)
	}
	return append([]string{args[0], "-c", b.String() + args[2]}, args[3:]...)
}
