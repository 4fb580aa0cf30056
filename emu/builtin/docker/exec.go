package docker

import (
	"context"
	"io"

	"github.com/nsemu/nsemu/emu"
	engine "github.com/nsemu/nsemu/emu/docker"
	"github.com/nsemu/nsemu/emu/shell"
)

// execFlags are docker exec's flags.
var execFlags = []flagSpec{
	{"interactive", 'i', false}, {"tty", 't', false}, {"detach", 'd', false}, {"env", 'e', true},
	{"user", 'u', true}, {"workdir", 'w', true}, {"privileged", 0, false},
}

// execRequest is a parsed docker exec.
type execRequest struct {
	container string
	// given is the command as given; cmd is the command as the shell runs
	// it (/bin/sh is sh).
	given                    string
	cmd                      []string
	interactive, tty, detach bool
	env                      []string // -e KEY=VALUE
}

// parseExec parses docker exec's arguments.
func parseExec(sub string, args []string) (execRequest, error) {
	f, err := parseFlags(args, execFlags, false)
	if err != nil {
		return execRequest{}, usageErr(sub, err)
	}
	if len(f.args) < 2 {
		return execRequest{}, needArgs(sub, 2, false, "exec [OPTIONS] CONTAINER COMMAND [ARG...]", "Execute a command in a running container")
	}
	return execRequest{
		container:   f.args[0],
		given:       f.args[1],
		cmd:         append([]string{engine.CmdName(f.args[1])}, f.args[2:]...),
		interactive: f.bool("interactive"),
		tty:         f.bool("tty"),
		detach:      f.bool("detach"),
		env:         f.all("env"),
	}, nil
}

// execution is a docker exec under way: its context ends when the
// container stops.
type execution struct {
	c   *shell.Cmd
	ctx context.Context
	ns  *emu.Namespace
	env []string // the container's, then -e
}

func dockerExec(d *cli, e *engine.Engine, args []string) error {
	req, err := parseExec(d.sub, args)
	if err != nil {
		return err
	}
	ctr, err := d.container(e, req.container)
	if err != nil {
		return err
	}
	ctx, cancel, ns, err := e.ExecContext(d.c.Ctx, ctr)
	if err != nil {
		return daemonErr(err)
	}
	if !shell.Runnable(req.cmd[0]) {
		cancel()
		return shell.Failf(126, "OCI runtime exec failed: exec failed: unable to start container process: exec: %q: executable file not found in $PATH: unknown", req.given)
	}
	x := &execution{c: d.c, ctx: ctx, ns: ns, env: append(ctr.Env(), req.env...)}
	if req.detach && !engine.IsShell(req.cmd) {
		// The command outlives docker exec; it owns cancel.
		go func() {
			defer cancel()
			x.c.Sh.Exec(ctx, ns, req.cmd, nil, io.Discard, io.Discard)
		}()
		return nil
	}
	defer cancel()
	return exitStatus(x.run(req))
}

// run runs an attached command and returns its exit status.
func (x *execution) run(req execRequest) int {
	c := x.c
	if engine.IsShell(req.cmd) {
		return x.shell(req)
	}
	var stdin io.Reader
	if req.interactive {
		stdin = c.Stdin
	}
	return c.Sh.Exec(x.ctx, x.ns, withEnv(req.cmd, x.env), stdin, c.Stdout, c.Stderr)
}

// shell runs a shell: with -it in nsemu shell, an interactive sub-shell;
// with -i, the commands standard input holds; without, nothing (a shell
// without input ends at once).
func (x *execution) shell(req execRequest) int {
	c := x.c
	switch {
	case req.interactive && req.tty && c.Sh.Interactive != nil:
		return c.Sh.Interactive(&shell.Cmd{Sh: c.Sh, NS: x.ns, Args: req.cmd, Stdin: c.Stdin, Stdout: c.Stdout, Stderr: c.Stderr, Diag: c.Diag, Ctx: x.ctx})
	case req.interactive && c.Stdin != nil:
		text, _ := io.ReadAll(c.Stdin)
		return c.Sh.Exec(x.ctx, x.ns, withEnv([]string{"sh", "-c", string(text)}, x.env), nil, c.Stdout, c.Stderr)
	}
	return 0
}
