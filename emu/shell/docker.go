package shell

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"text/template"
	"time"

	"mvdan.cc/sh/v3/syntax"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/docker"
)

// The docker built-in: the docker CLI in front of the emulated engine of
// the namespace it runs in (package emu/docker). Messages, exit statuses
// and table layouts are the docker CLI's: daemon errors are "Error
// response from daemon: …" (exit 1; `docker run` says "docker: …" and
// exits 125), flag errors exit 125.

func init() {
	Register(&Builtin{
		Name:  "docker",
		Usage: "docker run|exec|ps|logs|stop|start|restart|kill|rm|inspect|port|pull|network ...",
		Help: `An emulated Docker engine in the current namespace (each namespace can run
its own: ip netns exec node2 docker ...). No images are pulled: nginx and httpd
run web servers on port 80; any other image runs its command with the built-in
commands, or idles (a shell) for docker exec.
  docker run [-d] [-it] [--rm] [--name N] [--network|--net bridge|host|none|container:C|NET]
             [-p [IP:]HOST:CONT[/udp]] [-P] [--ip ADDR] [--hostname H] [-e K=V] IMAGE [CMD...]
  docker exec [-it] C CMD...         docker ps [-a] [-q] [-l] [--filter name=|id=|network=|status=] [--format T]
  docker logs [-f] [-t] [--tail N] C  docker stop|start|restart|kill|rm [-f] C...
  docker inspect [-f T] C|NET...      docker port C
  docker network ls|create [--subnet CIDR] [--gateway IP] NAME|inspect|rm|connect [--ip A]|disconnect`,
		Run: runDocker,
	})
	docker.SetRunner(shellRunner{})
}

// shellRunner runs containers' commands with the built-ins.
type shellRunner struct{}

func (shellRunner) Runnable(name string) bool { return runnable(name) }

func (shellRunner) Run(ctx context.Context, ns *emu.Namespace, args, env []string, stdin io.Reader, stdout, stderr io.Writer) int {
	sh := &Shell{W: ns.World(), Stdin: stdin, Stdout: stdout, Stderr: stderr, NS: ns}
	args = withEnv(append([]string{docker.CmdName(args[0])}, args[1:]...), env)
	return sh.Exec(ctx, ns, args, stdin, stdout, stderr)
}

// withEnv gives shell text (sh -c TEXT) a container's environment: the
// built-ins read none, but $HOSTNAME and -e variables are the shell's.
func withEnv(args, env []string) []string {
	if len(args) < 3 || !docker.IsShell(args[:1]) || args[1] != "-c" || len(env) == 0 {
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

// runnable reports whether a command name would run in a namespace.
func runnable(name string) bool {
	if _, ok := Lookup(name); ok {
		return true
	}
	for _, f := range HostFilters {
		if f == name {
			return true
		}
	}
	for _, b := range shellBuiltins {
		if b == name {
			return true
		}
	}
	return false
}

type dockerCmd struct {
	c   *Cmd
	sub string // for "See 'docker SUB --help'."
}

// daemon prints a daemon error and returns 1.
func (d *dockerCmd) daemon(err error) int {
	if errors.Is(err, docker.ErrDaemonDown) {
		return d.c.Errorf("%v", err)
	}
	return d.c.Errorf("Error response from daemon: %v", err)
}

// usage prints a flag or argument error as the CLI does and returns 125.
func (d *dockerCmd) usage(err error) int {
	return d.c.Fail(125, "%v\nSee 'docker %s --help'.", err, d.sub)
}

func (d *dockerCmd) needArgs(n int, exact bool, usage, what string) int {
	word := "at least"
	if exact {
		word = "exactly"
	}
	plural := "s"
	if n == 1 {
		plural = ""
	}
	return d.c.Fail(1, "\"docker %s\" requires %s %d argument%s.\nSee 'docker %s --help'.\n\nUsage:  docker %s\n\n%s", d.sub, word, n, plural, d.sub, usage, what)
}

var dockerSubs = map[string]func(d *dockerCmd, e *docker.Engine, args []string) int{
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

var containerAliases = map[string]string{"ls": "ps", "list": "ps", "remove": "rm"}

func runDocker(c *Cmd) int {
	if c.NS.Hidden() {
		// Inside a container: images do not ship the docker CLI.
		return c.Fail(127, "nsemu: docker: command not found")
	}
	args := c.Args[1:]
	if len(args) == 0 || args[0] == "help" || args[0] == "--help" || args[0] == "-h" {
		b, _ := Lookup("docker")
		c.Printf("Usage:  docker [OPTIONS] COMMAND\n\n%s\n", b.Help)
		return 0
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
		return 0
	}
	f, ok := dockerSubs[sub]
	if !ok {
		return c.Fail(1, "docker: '%s' is not a docker command.\nSee 'docker --help'", sub)
	}

	e, err := docker.For(c.NS)
	if err != nil {
		return c.Errorf("%v", err)
	}
	return f(&dockerCmd{c: c, sub: sub}, e, args[1:])
}

// lookup finds a container, printing the daemon's error.
func (d *dockerCmd) lookup(e *docker.Engine, ref string) (*docker.Container, int) {
	ctr, err := e.Container(ref)
	if err != nil {
		return nil, d.daemon(err)
	}
	return ctr, 0
}

// ---- docker run / create ----

var runFlags = []dFlag{
	{"detach", 'd', false}, {"interactive", 'i', false}, {"tty", 't', false}, {"rm", 0, false},
	{"name", 0, true}, {"network", 0, true}, {"net", 0, true}, {"publish", 'p', true},
	{"publish-all", 'P', false}, {"ip", 0, true}, {"hostname", 'h', true}, {"env", 'e', true},
	// Accepted, with no effect on the emulation:
	{"privileged", 0, false}, {"cap-add", 0, true}, {"cap-drop", 0, true}, {"volume", 'v', true},
	{"restart", 0, true}, {"workdir", 'w', true}, {"user", 'u', true}, {"label", 'l', true},
	{"init", 0, false}, {"platform", 0, true}, {"pull", 0, true},
}

func (d *dockerCmd) runOptions(args []string) (docker.RunOptions, *dFlags, int) {
	var o docker.RunOptions
	f, err := parseDockerFlags(args, runFlags, false)
	if err != nil {
		return o, nil, d.usage(err)
	}
	if len(f.args) == 0 {
		return o, nil, d.c.Fail(125, "\"docker %s\" requires at least 1 argument.\nSee 'docker %s --help'.\n\nUsage:  docker %s [OPTIONS] IMAGE [COMMAND] [ARG...]\n\nCreate and run a new container from an image", d.sub, d.sub, d.sub)
	}
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
	if ip := f.get("ip"); ip != "" {
		a, err := netip.ParseAddr(ip)
		if err != nil || !a.Is4() {
			return o, nil, d.c.Fail(125, "docker: invalid argument %q for \"--ip\" flag: invalid string being converted to IP address: %s.\nSee 'docker %s --help'.", ip, ip, d.sub)
		}
		o.IP = a
	}
	for _, p := range f.all("publish") {
		b, err := docker.ParsePort(p)
		if err != nil {
			return o, nil, d.c.Fail(125, "docker: %v.\nSee 'docker %s --help'.", err, d.sub)
		}
		o.Ports = append(o.Ports, b)
	}
	if f.bool("publish-all") {
		if docker.ImageBase(o.Image) == "nginx" || docker.ImageBase(o.Image) == "httpd" {
			o.Ports = append(o.Ports, docker.PortBinding{ContainerPort: 80, Proto: "tcp"})
		}
	}
	if o.Network == "host" && len(o.Ports) > 0 {
		fmt.Fprintln(d.c.Stderr, "WARNING: Published ports are discarded when using host network mode")
		o.Ports = nil
	}
	return o, f, 0
}

// runFail prints a daemon error the way docker run does.
func (d *dockerCmd) runFail(err error) int {
	msg := err.Error()
	if errors.Is(err, docker.ErrDaemonDown) {
		return d.c.Fail(125, "docker: %s.\nSee 'docker %s --help'.", msg, d.sub)
	}
	status := 125
	if strings.Contains(msg, "executable file not found") {
		status = 127
	}
	return d.c.Fail(status, "docker: Error response from daemon: %s.\nSee 'docker %s --help'.", strings.TrimSuffix(msg, "."), d.sub)
}

func dockerCreate(d *dockerCmd, e *docker.Engine, args []string) int {
	o, _, st := d.runOptions(args)
	if st != 0 {
		return st
	}
	ctr, err := e.Create(o)
	if err != nil {
		return d.runFail(err)
	}
	d.c.Printf("%s\n", ctr.ID)
	return 0
}

func dockerRun(d *dockerCmd, e *docker.Engine, args []string) int {
	o, f, st := d.runOptions(args)
	if st != 0 {
		return st
	}
	detach := f.bool("detach")
	c := d.c
	var aio docker.AttachIO
	if !detach {
		// -t needs no terminal here: a script replays `docker run -it`.
		aio.Stdout, aio.Stderr = c.Stdout, c.Stderr
		if o.Interactive {
			aio.Stdin = c.Stdin
		}
		if o.Interactive && o.TTY && c.Sh.Interactive != nil && docker.IsShell(docker.Command(o.Image, o.Cmd)) {
			aio.Main = func(ctx context.Context, ns *emu.Namespace) int {
				return c.Sh.Interactive(&Cmd{Sh: c.Sh, NS: ns, Args: []string{"sh"}, Stdin: c.Stdin, Stdout: c.Stdout, Stderr: c.Stderr, Diag: c.Diag, Ctx: ctx})
			}
		}
	}
	ctr, err := e.Run(o, aio)
	if err != nil {
		// A container whose start failed stays created, as with Docker.
		return d.runFail(err)
	}
	if detach {
		c.Printf("%s\n", ctr.ID)
		return 0
	}
	code, err := e.Wait(c.Ctx, ctr)
	if err != nil {
		// Interrupted: docker run forwards the signal; the container stops.
		_ = e.Stop(ctr)
		code, _ = e.Wait(context.Background(), ctr)
	}
	return code
}

// ---- docker exec ----

var execFlags = []dFlag{
	{"interactive", 'i', false}, {"tty", 't', false}, {"detach", 'd', false}, {"env", 'e', true},
	{"user", 'u', true}, {"workdir", 'w', true}, {"privileged", 0, false},
}

func dockerExec(d *dockerCmd, e *docker.Engine, args []string) int {
	f, err := parseDockerFlags(args, execFlags, false)
	if err != nil {
		return d.usage(err)
	}
	if len(f.args) < 2 {
		return d.needArgs(2, false, "exec [OPTIONS] CONTAINER COMMAND [ARG...]", "Execute a command in a running container")
	}
	ctr, st := d.lookup(e, f.args[0])
	if ctr == nil {
		return st
	}
	c := d.c
	ctx, cancel, ns, err := e.ExecContext(c.Ctx, ctr)
	if err != nil {
		return d.daemon(err)
	}
	// Through a closure: docker exec -d hands cancel to its command.
	defer func() { cancel() }()
	cmd := append([]string{docker.CmdName(f.args[1])}, f.args[2:]...)
	if !runnable(cmd[0]) {
		return c.Fail(126, "OCI runtime exec failed: exec failed: unable to start container process: exec: %q: executable file not found in $PATH: unknown", f.args[1])
	}
	if docker.IsShell(cmd) {
		switch {
		case f.bool("interactive") && f.bool("tty") && c.Sh.Interactive != nil:
			return c.Sh.Interactive(&Cmd{Sh: c.Sh, NS: ns, Args: cmd, Stdin: c.Stdin, Stdout: c.Stdout, Stderr: c.Stderr, Diag: c.Diag, Ctx: ctx})
		case f.bool("interactive") && c.Stdin != nil:
			text, _ := io.ReadAll(c.Stdin)
			cmd = withEnv([]string{"sh", "-c", string(text)}, append(ctr.Env(), f.all("env")...))
			return c.Sh.Exec(ctx, ns, cmd, nil, c.Stdout, c.Stderr)
		}
		return 0
	}
	if f.bool("detach") {
		go func() {
			defer cancel()
			c.Sh.Exec(ctx, ns, cmd, nil, io.Discard, io.Discard)
		}()
		cancel = func() {}
		return 0
	}
	var stdin io.Reader
	if f.bool("interactive") {
		stdin = c.Stdin
	}
	cmd = withEnv(cmd, append(ctr.Env(), f.all("env")...))
	return c.Sh.Exec(ctx, ns, cmd, stdin, c.Stdout, c.Stderr)
}

// ---- docker ps ----

var psFlags = []dFlag{
	{"all", 'a', false}, {"quiet", 'q', false}, {"filter", 'f', true}, {"format", 0, true},
	{"no-trunc", 0, false}, {"latest", 'l', false}, {"last", 'n', true}, {"size", 's', false},
}

// psRow is a row of docker ps, with the fields its --format templates use.
type psRow struct {
	e       *docker.Engine
	c       *docker.Container
	j       docker.ContainerJSON
	noTrunc bool
}

func (r psRow) ID() string {
	if r.noTrunc {
		return r.c.ID
	}
	return r.c.ShortID()
}
func (r psRow) Image() string { return r.c.Image }
func (r psRow) Command() string {
	cmd := strings.Join(append([]string{r.j.Path}, r.j.Args...), " ")
	if !r.noTrunc {
		cmd = ellipsis(cmd, 20)
	}
	return strconv.Quote(cmd)
}
func (r psRow) created() time.Time { t, _ := time.Parse(time.RFC3339Nano, r.j.Created); return t }
func (r psRow) CreatedAt() string {
	return r.created().Format("2006-01-02 15:04:05 -0700 MST")
}
func (r psRow) RunningFor() string { return humanDuration(r.e.Now().Sub(r.created())) + " ago" }
func (r psRow) State() string      { return r.j.State.Status }
func (r psRow) Status() string {
	switch r.j.State.Status {
	case "running":
		t, _ := time.Parse(time.RFC3339Nano, r.j.State.StartedAt)
		return "Up " + humanDuration(r.e.Now().Sub(t))
	case "exited":
		t, _ := time.Parse(time.RFC3339Nano, r.j.State.FinishedAt)
		return fmt.Sprintf("Exited (%d) %s ago", r.j.State.ExitCode, humanDuration(r.e.Now().Sub(t)))
	}
	return "Created"
}
func (r psRow) Ports() string {
	var out []string
	keys := make([]string, 0, len(r.j.NetworkSettings.Ports))
	for k := range r.j.NetworkSettings.Ports {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		bs := r.j.NetworkSettings.Ports[k]
		if len(bs) == 0 {
			out = append(out, k)
		}
		for _, b := range bs {
			out = append(out, fmt.Sprintf("%s:%s->%s", b.HostIP, b.HostPort, k))
		}
	}
	return strings.Join(out, ", ")
}
func (r psRow) Names() string    { return r.c.Name }
func (r psRow) Networks() string { return strings.Join(r.e.ContainerNetworks(r.c), ",") }
func (r psRow) Size() string     { return "0B (virtual 0B)" }
func (r psRow) Labels() string   { return "" }
func (r psRow) Mounts() string   { return "" }

// psHeader is the header row of a table format.
type psHeader struct{}

func (psHeader) ID() string         { return "CONTAINER ID" }
func (psHeader) Image() string      { return "IMAGE" }
func (psHeader) Command() string    { return "COMMAND" }
func (psHeader) CreatedAt() string  { return "CREATED AT" }
func (psHeader) RunningFor() string { return "CREATED" }
func (psHeader) State() string      { return "STATE" }
func (psHeader) Status() string     { return "STATUS" }
func (psHeader) Ports() string      { return "PORTS" }
func (psHeader) Names() string      { return "NAMES" }
func (psHeader) Networks() string   { return "NETWORKS" }
func (psHeader) Size() string       { return "SIZE" }
func (psHeader) Labels() string     { return "LABELS" }
func (psHeader) Mounts() string     { return "MOUNTS" }

func ellipsis(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// humanDuration is go-units' HumanDuration, which docker ps uses.
func humanDuration(d time.Duration) string {
	if seconds := int(d.Seconds()); seconds < 1 {
		return "Less than a second"
	} else if seconds == 1 {
		return "1 second"
	} else if seconds < 60 {
		return fmt.Sprintf("%d seconds", seconds)
	} else if minutes := int(d.Minutes()); minutes == 1 {
		return "About a minute"
	} else if minutes < 60 {
		return fmt.Sprintf("%d minutes", minutes)
	} else if hours := int(d.Hours() + 0.5); hours == 1 {
		return "About an hour"
	} else if hours < 48 {
		return fmt.Sprintf("%d hours", hours)
	} else if hours < 24*7*2 {
		return fmt.Sprintf("%d days", hours/24)
	} else if hours < 24*30*2 {
		return fmt.Sprintf("%d weeks", hours/24/7)
	} else if hours < 24*365*2 {
		return fmt.Sprintf("%d months", hours/24/30)
	}
	return fmt.Sprintf("%d years", int(d.Hours())/24/365)
}

var templateFuncs = template.FuncMap{
	"json": func(v any) (string, error) {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			return "", err
		}
		return strings.TrimSuffix(b.String(), "\n"), nil
	},
	"join":  strings.Join,
	"lower": strings.ToLower,
	"upper": strings.ToUpper,
	"title": func(s string) string {
		if s == "" {
			return s
		}
		return strings.ToUpper(s[:1]) + s[1:]
	},
	"split": strings.Split,
	"pad": func(s string, l, r int) string {
		return strings.Repeat(" ", l) + s + strings.Repeat(" ", r)
	},
	"truncate": func(s string, n int) string {
		if len(s) > n {
			return s[:n]
		}
		return s
	},
	"println": func(a ...any) string { return fmt.Sprintln(a...) },
}

// parseFormat parses a --format template ("table ..." has a header row).
func parseFormat(format string) (tmpl *template.Template, table bool, err error) {
	if f, ok := strings.CutPrefix(format, "table"); ok {
		table = true
		format = strings.TrimLeft(f, " ")
	}
	format = strings.NewReplacer(`\t`, "\t", `\n`, "\n").Replace(format)
	tmpl, err = template.New("").Funcs(templateFuncs).Parse(format)
	if err != nil {
		return nil, false, fmt.Errorf("template parsing error: %v", err)
	}
	return tmpl, table, nil
}

// psFilter is one --filter KEY=VALUE.
type psFilter struct{ key, val string }

func dockerPs(d *dockerCmd, e *docker.Engine, args []string) int {
	f, err := parseDockerFlags(args, psFlags, true)
	if err != nil {
		return d.usage(err)
	}
	if len(f.args) > 0 {
		return d.c.Fail(1, "\"docker ps\" accepts no arguments.\nSee 'docker ps --help'.\n\nUsage:  docker ps [OPTIONS]\n\nList containers")
	}
	var filters []psFilter
	for _, x := range f.all("filter") {
		k, v, ok := strings.Cut(x, "=")
		if !ok {
			return d.c.Fail(1, "bad format of filter (expected name=value)")
		}
		switch k {
		case "name", "id", "network", "status", "ancestor", "exited":
		default:
			return d.c.Errorf("Error response from daemon: invalid filter '%s'", k)
		}
		filters = append(filters, psFilter{k, v})
	}
	all := f.bool("all") || len(filters) > 0 && hasStatusFilter(filters)
	ctrs := e.Containers(all)
	if f.bool("latest") && len(ctrs) > 0 {
		ctrs = e.Containers(true)[:1]
	}
	if n := f.get("last"); n != "" {
		k, err := strconv.Atoi(n)
		if err == nil && k >= 0 {
			ctrs = e.Containers(true)
			if k < len(ctrs) {
				ctrs = ctrs[:k]
			}
		}
	}
	var rows []psRow
	for _, ctr := range ctrs {
		r := psRow{e: e, c: ctr, j: e.Inspect(ctr), noTrunc: f.bool("no-trunc")}
		if matchPs(e, r, filters) {
			rows = append(rows, r)
		}
	}
	if f.bool("quiet") {
		for _, r := range rows {
			d.c.Printf("%s\n", r.ID())
		}
		return 0
	}
	format := f.get("format")
	if format == "" {
		format = "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}"
	}
	tmpl, table, err := parseFormat(format)
	if err != nil {
		return d.c.Errorf("%v", err)
	}
	items := make([]any, len(rows))
	for i, r := range rows {
		items[i] = r
	}
	return d.writeTable(tmpl, table, psHeader{}, items)
}

func hasStatusFilter(fs []psFilter) bool {
	for _, f := range fs {
		if f.key == "status" || f.key == "exited" {
			return true
		}
	}
	return false
}

func matchPs(e *docker.Engine, r psRow, fs []psFilter) bool {
	byKey := map[string][]string{}
	for _, f := range fs {
		byKey[f.key] = append(byKey[f.key], f.val)
	}
	for k, vals := range byKey {
		ok := false
		for _, v := range vals {
			switch k {
			case "name":
				re, err := regexp.Compile(v)
				ok = ok || (err == nil && re.MatchString("/"+r.c.Name)) || strings.Contains(r.c.Name, v)
			case "id":
				ok = ok || strings.HasPrefix(r.c.ID, v)
			case "status":
				ok = ok || r.j.State.Status == v
			case "exited":
				ok = ok || (r.j.State.Status == "exited" && fmt.Sprint(r.j.State.ExitCode) == v)
			case "ancestor":
				ok = ok || r.c.Image == v || docker.ImageBase(r.c.Image) == docker.ImageBase(v)
			case "network":
				for _, n := range e.ContainerNetworks(r.c) {
					net, err := e.Network(v)
					ok = ok || n == v || (err == nil && net.Name == n)
				}
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// writeTable executes a format for each item, aligned as the docker CLI
// aligns tables (tabwriter: min width 10, padding 3).
func (d *dockerCmd) writeTable(tmpl *template.Template, table bool, header any, items []any) int {
	var b bytes.Buffer
	if table {
		if err := tmpl.Execute(&b, header); err != nil {
			return d.c.Errorf("template: %v", err)
		}
		b.WriteByte('\n')
	}
	for _, it := range items {
		if err := tmpl.Execute(&b, it); err != nil {
			return d.c.Errorf("template: %v", err)
		}
		b.WriteByte('\n')
	}
	if !table {
		d.c.Stdout.Write(b.Bytes())
		return 0
	}
	tw := tabwriter.NewWriter(d.c.Stdout, 10, 1, 3, ' ', 0)
	tw.Write(b.Bytes())
	tw.Flush()
	return 0
}

// ---- docker logs ----

var logsFlags = []dFlag{{"follow", 'f', false}, {"timestamps", 't', false}, {"tail", 'n', true}, {"details", 0, false}, {"since", 0, true}}

func dockerLogs(d *dockerCmd, e *docker.Engine, args []string) int {
	f, err := parseDockerFlags(args, logsFlags, true)
	if err != nil {
		return d.usage(err)
	}
	if len(f.args) != 1 {
		return d.needArgs(1, true, "logs [OPTIONS] CONTAINER", "Fetch the logs of a container")
	}
	ctr, st := d.lookup(e, f.args[0])
	if ctr == nil {
		return st
	}
	lines := ctr.Logs()
	if t := f.get("tail"); t != "" && t != "all" {
		n, err := strconv.Atoi(t)
		if err == nil && n >= 0 && n < len(lines) {
			lines = lines[len(lines)-n:]
		}
	}
	printed := len(ctr.Logs())
	write := func(ls []docker.LogLine) {
		for _, l := range ls {
			w := d.c.Stdout
			if l.Stream == "stderr" {
				w = d.c.Stderr
			}
			if f.bool("timestamps") {
				fmt.Fprintf(w, "%s %s\n", l.Time.UTC().Format("2006-01-02T15:04:05.000000000Z"), l.Text)
			} else {
				fmt.Fprintf(w, "%s\n", l.Text)
			}
		}
	}
	write(lines)
	if !f.bool("follow") {
		return 0
	}
	for {
		changed, exited := ctr.LogsChanged(), ctr.Exited()
		all := ctr.Logs()
		if len(all) > printed {
			write(all[printed:])
			printed = len(all)
			continue
		}
		if exited == nil {
			return 0
		}
		select {
		case <-changed:
		case <-exited:
		case <-d.c.Ctx.Done():
			return 0
		}
	}
}

// ---- stop, start, restart, kill, rm ----

// eachContainer runs op on each named container, printing the name on
// success and the daemon's error otherwise.
func (d *dockerCmd) eachContainer(e *docker.Engine, refs []string, op func(*docker.Container) error) int {
	status := 0
	for _, ref := range refs {
		ctr, err := e.Container(ref)
		if err == nil {
			err = op(ctr)
		}
		if err != nil {
			d.daemon(err)
			status = 1
			continue
		}
		d.c.Printf("%s\n", ref)
	}
	return status
}

func simpleContainerCmd(flags []dFlag, usage, what string, op func(d *dockerCmd, e *docker.Engine, f *dFlags, c *docker.Container) error) func(*dockerCmd, *docker.Engine, []string) int {
	return func(d *dockerCmd, e *docker.Engine, args []string) int {
		f, err := parseDockerFlags(args, flags, true)
		if err != nil {
			return d.usage(err)
		}
		if len(f.args) == 0 {
			return d.needArgs(1, false, usage, what)
		}
		return d.eachContainer(e, f.args, func(c *docker.Container) error { return op(d, e, f, c) })
	}
}

var (
	dockerStop = simpleContainerCmd([]dFlag{{"time", 't', true}, {"signal", 's', true}}, "stop [OPTIONS] CONTAINER [CONTAINER...]", "Stop one or more running containers",
		func(_ *dockerCmd, e *docker.Engine, _ *dFlags, c *docker.Container) error { return e.Stop(c) })
	dockerKill = simpleContainerCmd([]dFlag{{"signal", 's', true}}, "kill [OPTIONS] CONTAINER [CONTAINER...]", "Kill one or more running containers",
		func(_ *dockerCmd, e *docker.Engine, _ *dFlags, c *docker.Container) error { return e.Kill(c) })
	dockerRestart = simpleContainerCmd([]dFlag{{"time", 't', true}, {"signal", 's', true}}, "restart [OPTIONS] CONTAINER [CONTAINER...]", "Restart one or more containers",
		func(_ *dockerCmd, e *docker.Engine, _ *dFlags, c *docker.Container) error { return e.Restart(c) })
	dockerStart = simpleContainerCmd([]dFlag{{"attach", 'a', false}, {"interactive", 'i', false}}, "start [OPTIONS] CONTAINER [CONTAINER...]", "Start one or more stopped containers",
		func(_ *dockerCmd, e *docker.Engine, _ *dFlags, c *docker.Container) error {
			return e.Start(c, docker.AttachIO{})
		})
	dockerRm = simpleContainerCmd([]dFlag{{"force", 'f', false}, {"volumes", 'v', false}, {"link", 'l', false}}, "rm [OPTIONS] CONTAINER [CONTAINER...]", "Remove one or more containers",
		func(_ *dockerCmd, e *docker.Engine, f *dFlags, c *docker.Container) error {
			return e.Remove(c, f.bool("force"))
		})
)

// ---- docker inspect ----

var inspectFlags = []dFlag{{"format", 'f', true}, {"type", 0, true}, {"size", 's', false}}

// toJSONValue turns a view into the generic JSON value docker's templates
// run on (so that {{.Id}} and {{.State.Pid}} read as with Docker).
func toJSONValue(v any) any {
	b, _ := json.Marshal(v)
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var out any
	_ = dec.Decode(&out)
	return out
}

func (d *dockerCmd) printJSON(vals []any) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "    ")
	if len(vals) == 0 {
		b.WriteString("[]\n")
	} else {
		_ = enc.Encode(vals)
	}
	d.c.Stdout.Write(b.Bytes())
}

// formatEach executes a --format template for each value, one line each.
func (d *dockerCmd) formatEach(format string, vals []any) int {
	tmpl, _, err := parseFormat(format)
	if err != nil {
		return d.c.Errorf("%v", err)
	}
	for _, v := range vals {
		var b bytes.Buffer
		if err := tmpl.Execute(&b, toJSONValue(v)); err != nil {
			return d.c.Errorf("template: %v", err)
		}
		b.WriteByte('\n')
		d.c.Stdout.Write(b.Bytes())
	}
	return 0
}

func dockerInspect(d *dockerCmd, e *docker.Engine, args []string) int {
	f, err := parseDockerFlags(args, inspectFlags, true)
	if err != nil {
		return d.usage(err)
	}
	if len(f.args) == 0 {
		return d.needArgs(1, false, "inspect [OPTIONS] NAME|ID [NAME|ID...]", "Return low-level information on Docker objects")
	}
	typ := f.get("type")
	var vals []any
	status := 0
	var errs []string
	for _, ref := range f.args {
		if typ == "" || typ == "container" {
			if c, err := e.Container(ref); err == nil {
				vals = append(vals, e.Inspect(c))
				continue
			}
		}
		if typ == "" || typ == "network" {
			if n, err := e.Network(ref); err == nil {
				vals = append(vals, e.InspectNetwork(n))
				continue
			}
		}
		errs = append(errs, fmt.Sprintf("Error: No such object: %s", ref))
		status = 1
	}
	if format := f.get("format"); format != "" {
		if st := d.formatEach(format, vals); st != 0 {
			return st
		}
	} else {
		d.printJSON(vals)
	}
	for _, m := range errs {
		fmt.Fprintln(d.c.Stderr, m)
	}
	return status
}

// ---- docker port, pull ----

func dockerPort(d *dockerCmd, e *docker.Engine, args []string) int {
	f, err := parseDockerFlags(args, nil, true)
	if err != nil {
		return d.usage(err)
	}
	if len(f.args) < 1 || len(f.args) > 2 {
		return d.needArgs(1, false, "port CONTAINER [PRIVATE_PORT[/PROTO]]", "List port mappings or a specific mapping for the container")
	}
	ctr, st := d.lookup(e, f.args[0])
	if ctr == nil {
		return st
	}
	found := false
	for _, b := range ctr.PublishedPorts() {
		key := fmt.Sprintf("%d/%s", b.ContainerPort, b.Proto)
		if len(f.args) == 2 {
			want := f.args[1]
			if !strings.Contains(want, "/") {
				want += "/tcp"
			}
			if want != key {
				continue
			}
			d.c.Printf("%s:%d\n", b.HostIPString(), b.HostPort)
		} else {
			d.c.Printf("%s -> %s:%d\n", key, b.HostIPString(), b.HostPort)
		}
		found = true
	}
	if len(f.args) == 2 && !found {
		return d.c.Errorf("Error: No public port '%s' published for %s", f.args[1], f.args[0])
	}
	return 0
}

func dockerPull(d *dockerCmd, _ *docker.Engine, args []string) int {
	f, err := parseDockerFlags(args, []dFlag{{"quiet", 'q', false}, {"all-tags", 'a', false}, {"platform", 0, true}}, true)
	if err != nil {
		return d.usage(err)
	}
	if len(f.args) != 1 {
		return d.needArgs(1, true, "pull [OPTIONS] NAME[:TAG|@DIGEST]", "Download an image from a registry")
	}
	ref := f.args[0]
	name, tag := ref, "latest"
	if i := strings.LastIndexByte(ref, ':'); i > strings.LastIndexByte(ref, '/') {
		name, tag = ref[:i], ref[i+1:]
	} else {
		d.c.Printf("Using default tag: latest\n")
	}
	full := name
	if !strings.Contains(name, "/") {
		full = "library/" + name
	}
	if !strings.Contains(strings.Split(full, "/")[0], ".") {
		full = "docker.io/" + full
	}
	d.c.Printf("%s: Pulling from %s\nDigest: sha256:%s\nStatus: Image is up to date for %s:%s\n%s:%s\n",
		tag, strings.TrimPrefix(full, "docker.io/"), docker.ImageID(ref), name, tag, full, tag)
	return 0
}

// ---- docker network ----

type netRow struct {
	n       *docker.Network
	noTrunc bool
}

func (r netRow) ID() string {
	if r.noTrunc {
		return r.n.ID
	}
	return r.n.ShortID()
}
func (r netRow) Name() string     { return r.n.Name }
func (r netRow) Driver() string   { return r.n.Driver }
func (r netRow) Scope() string    { return "local" }
func (r netRow) IPv6() string     { return "false" }
func (r netRow) Internal() string { return "false" }
func (r netRow) CreatedAt() string {
	return r.n.Created.Format("2006-01-02 15:04:05.999999999 -0700 MST")
}
func (r netRow) Labels() string { return "" }

type netHeader struct{}

func (netHeader) ID() string        { return "NETWORK ID" }
func (netHeader) Name() string      { return "NAME" }
func (netHeader) Driver() string    { return "DRIVER" }
func (netHeader) Scope() string     { return "SCOPE" }
func (netHeader) IPv6() string      { return "IPV6" }
func (netHeader) Internal() string  { return "INTERNAL" }
func (netHeader) CreatedAt() string { return "CREATED" }
func (netHeader) Labels() string    { return "LABELS" }

func dockerNetwork(d *dockerCmd, e *docker.Engine, args []string) int {
	if len(args) == 0 {
		d.c.Printf("\nUsage:  docker network COMMAND\n\nManage networks\n\nCommands:\n  connect     Connect a container to a network\n  create      Create a network\n  disconnect  Disconnect a container from a network\n  inspect     Display detailed information on one or more networks\n  ls          List networks\n  rm          Remove one or more networks\n")
		return 0
	}
	sub := args[0]
	d.sub = "network " + sub
	args = args[1:]
	switch sub {
	case "ls", "list":
		return networkLs(d, e, args)
	case "create":
		return networkCreate(d, e, args)
	case "inspect":
		return networkInspect(d, e, args)
	case "rm", "remove":
		f, err := parseDockerFlags(args, []dFlag{{"force", 'f', false}}, true)
		if err != nil {
			return d.usage(err)
		}
		if len(f.args) == 0 {
			return d.needArgs(1, false, "network rm NETWORK [NETWORK...]", "Remove one or more networks")
		}
		status := 0
		for _, ref := range f.args {
			if err := e.RemoveNetwork(ref); err != nil {
				d.daemon(err)
				status = 1
				continue
			}
			d.c.Printf("%s\n", ref)
		}
		return status
	case "connect":
		f, err := parseDockerFlags(args, []dFlag{{"ip", 0, true}, {"alias", 0, true}}, true)
		if err != nil {
			return d.usage(err)
		}
		if len(f.args) != 2 {
			return d.needArgs(2, true, "network connect [OPTIONS] NETWORK CONTAINER", "Connect a container to a network")
		}
		var ip netip.Addr
		if s := f.get("ip"); s != "" {
			a, err := netip.ParseAddr(s)
			if err != nil || !a.Is4() {
				return d.usage(fmt.Errorf("invalid argument %q for \"--ip\" flag: invalid string being converted to IP address: %s", s, s))
			}
			ip = a
		}
		if err := e.Connect(f.args[0], f.args[1], ip); err != nil {
			return d.daemon(err)
		}
		return 0
	case "disconnect":
		f, err := parseDockerFlags(args, []dFlag{{"force", 'f', false}}, true)
		if err != nil {
			return d.usage(err)
		}
		if len(f.args) != 2 {
			return d.needArgs(2, true, "network disconnect [OPTIONS] NETWORK CONTAINER", "Disconnect a container from a network")
		}
		if err := e.Disconnect(f.args[0], f.args[1]); err != nil {
			return d.daemon(err)
		}
		return 0
	}
	return d.c.Fail(1, "docker: 'network %s' is not a docker command.\nSee 'docker network --help'", sub)
}

func networkLs(d *dockerCmd, e *docker.Engine, args []string) int {
	f, err := parseDockerFlags(args, []dFlag{{"quiet", 'q', false}, {"format", 0, true}, {"no-trunc", 0, false}, {"filter", 'f', true}}, true)
	if err != nil {
		return d.usage(err)
	}
	var items []any
	for _, n := range e.Networks() {
		keep := true
		for _, flt := range f.all("filter") {
			k, v, _ := strings.Cut(flt, "=")
			switch k {
			case "name":
				keep = keep && strings.Contains(n.Name, v)
			case "driver":
				keep = keep && n.Driver == v
			case "id":
				keep = keep && strings.HasPrefix(n.ID, v)
			}
		}
		if keep {
			items = append(items, netRow{n: n, noTrunc: f.bool("no-trunc")})
		}
	}
	if f.bool("quiet") {
		for _, it := range items {
			d.c.Printf("%s\n", it.(netRow).ID())
		}
		return 0
	}
	format := f.get("format")
	if format == "" {
		format = "table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}"
	}
	tmpl, table, err := parseFormat(format)
	if err != nil {
		return d.c.Errorf("%v", err)
	}
	return d.writeTable(tmpl, table, netHeader{}, items)
}

func networkCreate(d *dockerCmd, e *docker.Engine, args []string) int {
	f, err := parseDockerFlags(args, []dFlag{{"subnet", 0, true}, {"gateway", 0, true}, {"driver", 'd', true},
		{"attachable", 0, false}, {"label", 0, true}, {"opt", 'o', true}}, true)
	if err != nil {
		return d.usage(err)
	}
	if len(f.args) != 1 {
		return d.needArgs(1, true, "network create [OPTIONS] NETWORK", "Create a network")
	}
	if len(f.all("subnet")) > 1 || len(f.all("gateway")) > 1 {
		return d.c.Errorf("Error response from daemon: nsemu emulates one subnet per network")
	}
	n, err := e.CreateNetwork(docker.NetworkOptions{Name: f.args[0], Driver: f.get("driver"), Subnet: f.get("subnet"), Gateway: f.get("gateway")})
	if err != nil {
		return d.daemon(err)
	}
	d.c.Printf("%s\n", n.ID)
	return 0
}

func networkInspect(d *dockerCmd, e *docker.Engine, args []string) int {
	f, err := parseDockerFlags(args, []dFlag{{"format", 'f', true}, {"verbose", 'v', false}}, true)
	if err != nil {
		return d.usage(err)
	}
	if len(f.args) == 0 {
		return d.needArgs(1, false, "network inspect [OPTIONS] NETWORK [NETWORK...]", "Display detailed information on one or more networks")
	}
	var vals []any
	var errs []error
	for _, ref := range f.args {
		n, err := e.Network(ref)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		vals = append(vals, e.InspectNetwork(n))
	}
	if format := f.get("format"); format != "" {
		if st := d.formatEach(format, vals); st != 0 {
			return st
		}
	} else {
		d.printJSON(vals)
	}
	for _, err := range errs {
		d.daemon(err)
	}
	if len(errs) > 0 {
		return 1
	}
	return 0
}
