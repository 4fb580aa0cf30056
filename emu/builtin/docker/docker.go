// Package docker is the docker CLI: the docker command in front of the
// emulated engine of the namespace it runs in (package emu/docker, imported
// here as engine). Each subcommand family has a file of its own (run.go,
// exec.go, ps.go, logs.go, lifecycle.go, inspect.go, port.go, pull.go,
// network.go); each parses its flags with the table-driven parser of
// flags.go, acts on the engine, and prints in the CLI's shapes
// (format.go: --format templates and tables).
//
// Messages, exit statuses and table layouts are the docker CLI's: daemon
// errors are "Error response from daemon: …" (exit 1; `docker run` says
// "docker: …" and exits 125), flag errors exit 125.
//
// The package also runs containers' commands for the engine (runner.go):
// importing it installs that runner.
package docker

import (
	"errors"

	engine "github.com/nsemu/nsemu/emu/docker"
	"github.com/nsemu/nsemu/emu/shell"
)

const help = `An emulated Docker engine in the current namespace (each namespace can run
its own: ip netns exec node2 docker ...). No images are pulled: nginx and httpd
run web servers on port 80; any other image runs its command with the built-in
commands, or idles (a shell) for docker exec.
  docker run [-d] [-it] [--rm] [--name N] [--network|--net bridge|host|none|container:C|NET]
             [-p [IP:]HOST:CONT[/udp]] [-P] [--ip ADDR] [--hostname H] [-e K=V] IMAGE [CMD...]
  docker exec [-it] C CMD...         docker ps [-a] [-q] [-l] [--filter name=|id=|network=|status=] [--format T]
  docker logs [-f] [-t] [--tail N] C  docker stop|start|restart|kill|rm [-f] C...
  docker inspect [-f T] C|NET...      docker port C
  docker network ls|create [--subnet CIDR] [--gateway IP] NAME|inspect|rm|connect [--ip A]|disconnect`

// Builtins returns the docker command.
func Builtins() []*shell.Builtin {
	return []*shell.Builtin{{
		Group: shell.GroupDocker,
		Name:  "docker",
		Usage: "docker run|exec|ps|logs|stop|start|restart|kill|rm|inspect|port|pull|network ...",
		Help:  help,
		Run:   func(c *shell.Cmd) int { return c.Exit(run(c)) },
	}}
}

// cli is one docker command line being run.
type cli struct {
	c *shell.Cmd
	// sub is the subcommand, for "See 'docker SUB --help'." ("network ls"
	// for network's own).
	sub string
}

// subcommand runs one docker subcommand with its arguments.
type subcommand func(d *cli, e *engine.Engine, args []string) error

var subcommands = map[string]subcommand{
	"run":     dockerRun,
	"create":  dockerCreate,
	"exec":    dockerExec,
	"ps":      dockerPs,
	"logs":    dockerLogs,
	"stop":    dockerStop,
	"start":   dockerStart,
	"restart": dockerRestart,
	"kill":    dockerKill,
	"rm":      dockerRm,
	"inspect": dockerInspect,
	"port":    dockerPort,
	"pull":    dockerPull,
	"network": dockerNetwork,
}

// containerAliases are docker container's names for the subcommands.
var containerAliases = map[string]string{"ls": "ps", "list": "ps", "remove": "rm"}

func run(c *shell.Cmd) error {
	if c.NS.Hidden() {
		// Inside a container: images do not ship the docker CLI.
		return shell.Failf(127, "nsemu: docker: command not found")
	}
	args := c.Args[1:]
	if len(args) == 0 || args[0] == "help" || args[0] == "--help" || args[0] == "-h" {
		c.Printf("Usage:  docker [OPTIONS] COMMAND\n\n%s\n", help)
		return nil
	}
	sub := args[0]
	if sub == "container" && len(args) > 1 {
		args = args[1:]
		sub = args[0]
		if a, ok := containerAliases[sub]; ok {
			sub = a
		}
	}
	if sub == "--version" || sub == "version" {
		c.Printf("Docker version 27.3.1 (nsemu), build nsemu\n")
		return nil
	}
	f, ok := subcommands[sub]
	if !ok {
		return shell.Failf(1, "docker: '%s' is not a docker command.\nSee 'docker --help'", sub)
	}
	e, err := engine.For(c.NS)
	if err != nil {
		return err
	}
	return f(&cli{c: c, sub: sub}, e, args[1:])
}

// daemonErr is an error of the daemon as the CLI prints it (exit 1).
func daemonErr(err error) error {
	if errors.Is(err, engine.ErrDaemonDown) {
		return shell.Failf(1, "%v", err)
	}
	return shell.Failf(1, "Error response from daemon: %v", err)
}

// usageErr is a flag or argument error of docker sub (exit 125).
func usageErr(sub string, err error) error {
	return shell.Failf(125, "%v\nSee 'docker %s --help'.", err, sub)
}

// needArgs is the CLI's error for too few (or too many) arguments: at
// least n, or exactly n.
func needArgs(sub string, n int, exact bool, usage, what string) error {
	word := "at least"
	if exact {
		word = "exactly"
	}
	plural := "s"
	if n == 1 {
		plural = ""
	}
	return shell.Failf(1, "\"docker %s\" requires %s %d argument%s.\nSee 'docker %s --help'.\n\nUsage:  docker %s\n\n%s", sub, word, n, plural, sub, usage, what)
}

// exitStatus is a command's exit status as the error docker returns with.
func exitStatus(code int) error {
	if code == 0 {
		return nil
	}
	return &shell.ExitError{Status: code}
}

// flags parses the subcommand's arguments against spec; an error is the
// CLI's usage error.
func (d *cli) flags(args []string, spec []flagSpec, interspersed bool) (*flags, error) {
	f, err := parseFlags(args, spec, interspersed)
	if err != nil {
		return nil, usageErr(d.sub, err)
	}
	return f, nil
}

// container finds a container; an error is the daemon's.
func (d *cli) container(e *engine.Engine, ref string) (*engine.Container, error) {
	ctr, err := e.Container(ref)
	if err != nil {
		return nil, daemonErr(err)
	}
	return ctr, nil
}
