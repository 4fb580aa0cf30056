package docker

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/nsemu/nsemu/emu"
	engine "github.com/nsemu/nsemu/emu/docker"
	"github.com/nsemu/nsemu/emu/shell"
)

// runFlags are docker run's and docker create's flags.
var runFlags = []flagSpec{
	{"detach", 'd', false}, {"interactive", 'i', false}, {"tty", 't', false}, {"rm", 0, false},
	{"name", 0, true}, {"network", 0, true}, {"net", 0, true}, {"publish", 'p', true},
	{"publish-all", 'P', false}, {"ip", 0, true}, {"hostname", 'h', true}, {"env", 'e', true},
	// Accepted, with no effect on the emulation:
	{"privileged", 0, false}, {"cap-add", 0, true}, {"cap-drop", 0, true}, {"volume", 'v', true},
	{"restart", 0, true}, {"workdir", 'w', true}, {"user", 'u', true}, {"label", 'l', true},
	{"init", 0, false}, {"platform", 0, true}, {"pull", 0, true},
}

// runRequest is a parsed docker run or docker create.
type runRequest struct {
	opts   engine.RunOptions
	detach bool
	// warning, when set, is printed before the container is made.
	warning string
}

// parseRun parses the arguments of docker sub (run or create).
func parseRun(sub string, args []string) (runRequest, error) {
	var r runRequest
	f, err := parseFlags(args, runFlags, false)
	if err != nil {
		return r, usageErr(sub, err)
	}
	if len(f.args) == 0 {
		return r, shell.Failf(125, "\"docker %s\" requires at least 1 argument.\nSee 'docker %s --help'.\n\nUsage:  docker %s [OPTIONS] IMAGE [COMMAND] [ARG...]\n\nCreate and run a new container from an image", sub, sub, sub)
	}
	o := &r.opts
	o.Image, o.Cmd = f.args[0], f.args[1:]
	o.Name = f.get("name")
	o.Network = f.get("network")
	if f.has("net") {
		o.Network = f.get("net")
	}
	o.Hostname = f.get("hostname")
	o.Env = f.all("env")
	o.AutoRemove = f.bool("rm")
	o.Interactive, o.TTY = f.bool("interactive"), f.bool("tty")
	r.detach = f.bool("detach")
	if o.IP, err = parseRunIP(sub, f.get("ip")); err != nil {
		return r, err
	}
	if o.Ports, err = parsePublish(sub, f); err != nil {
		return r, err
	}
	if o.Network == "host" && len(o.Ports) > 0 {
		r.warning = "WARNING: Published ports are discarded when using host network mode"
		o.Ports = nil
	}
	return r, nil
}

// parseRunIP parses --ip, "" for none.
func parseRunIP(sub, ip string) (netip.Addr, error) {
	if ip == "" {
		return netip.Addr{}, nil
	}
	a, err := netip.ParseAddr(ip)
	if err != nil || !a.Is4() {
		return netip.Addr{}, shell.Failf(125, "docker: invalid argument %q for \"--ip\" flag: invalid string being converted to IP address: %s.\nSee 'docker %s --help'.", ip, ip, sub)
	}
	return a, nil
}

// parsePublish parses -p and -P (which publishes the web servers' port 80).
func parsePublish(sub string, f *flags) ([]engine.PortBinding, error) {
	var ports []engine.PortBinding
	for _, p := range f.all("publish") {
		b, err := engine.ParsePort(p)
		if err != nil {
			return nil, shell.Failf(125, "docker: %v.\nSee 'docker %s --help'.", err, sub)
		}
		ports = append(ports, b)
	}
	image := engine.ImageBase(f.args[0])
	if f.bool("publish-all") && (image == "nginx" || image == "httpd") {
		ports = append(ports, engine.PortBinding{ContainerPort: 80, Proto: "tcp"})
	}
	return ports, nil
}

// runErr is a daemon error as docker run and create print it.
func runErr(sub string, err error) error {
	msg := err.Error()
	if errors.Is(err, engine.ErrDaemonDown) {
		return shell.Failf(125, "docker: %s.\nSee 'docker %s --help'.", msg, sub)
	}
	status := 125
	if strings.Contains(msg, "executable file not found") {
		status = 127
	}
	return shell.Failf(status, "docker: Error response from daemon: %s.\nSee 'docker %s --help'.", strings.TrimSuffix(msg, "."), sub)
}

func dockerCreate(d *cli, e *engine.Engine, args []string) error {
	req, err := parseRun(d.sub, args)
	if err != nil {
		return err
	}
	d.warn(req.warning)
	ctr, err := e.Create(req.opts)
	if err != nil {
		return runErr(d.sub, err)
	}
	d.c.Printf("%s\n", ctr.ID)
	return nil
}

func dockerRun(d *cli, e *engine.Engine, args []string) error {
	req, err := parseRun(d.sub, args)
	if err != nil {
		return err
	}
	d.warn(req.warning)
	ctr, err := e.Run(req.opts, d.attach(req))
	if err != nil {
		// A container whose start failed stays created, as with Docker.
		return runErr(d.sub, err)
	}
	if req.detach {
		d.c.Printf("%s\n", ctr.ID)
		return nil
	}
	code, err := e.Wait(d.c.Ctx, ctr)
	if err != nil {
		// Interrupted: docker run forwards the signal; the container stops.
		_ = e.Stop(ctr)
		code, _ = e.Wait(context.Background(), ctr)
	}
	return exitStatus(code)
}

// attach connects an attached container to the command's standard streams
// (none when detached). -t needs no terminal here: a script replays
// `docker run -it`; in nsemu shell, -it on a shell opens an interactive
// sub-shell as the container's main process.
func (d *cli) attach(req runRequest) engine.AttachIO {
	var aio engine.AttachIO
	if req.detach {
		return aio
	}
	c, o := d.c, req.opts
	aio.Stdout, aio.Stderr = c.Stdout, c.Stderr
	if o.Interactive {
		aio.Stdin = c.Stdin
	}
	if o.Interactive && o.TTY && c.Sh.Interactive != nil && engine.IsShell(engine.Command(o.Image, o.Cmd)) {
		aio.Main = func(ctx context.Context, ns *emu.Namespace) int {
			return c.Sh.Interactive(&shell.Cmd{Sh: c.Sh, NS: ns, Args: []string{"sh"}, Stdin: c.Stdin, Stdout: c.Stdout, Stderr: c.Stderr, Diag: c.Diag, Ctx: ctx})
		}
	}
	return aio
}

// warn prints a warning, if any, to standard error.
func (d *cli) warn(msg string) {
	if msg != "" {
		fmt.Fprintln(d.c.Stderr, msg)
	}
}
