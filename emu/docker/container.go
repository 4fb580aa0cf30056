package docker

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/netip"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/stack"
)

// State is a container's state, in docker inspect's words.
type State string

// Container states.
const (
	StateCreated State = "created"
	StateRunning State = "running"
	StateExited  State = "exited"
)

type netMode int

const (
	modeBridge    netMode = iota // the default bridge or user networks
	modeHost                     // the engine's own namespace
	modeNone                     // lo only
	modeContainer                // another container's namespace
)

// PortBinding is one -p: [HostIP:]HostPort:ContainerPort[/Proto].
type PortBinding struct {
	// HostIP is where the port is published; invalid means 0.0.0.0.
	HostIP netip.Addr
	// HostIPSet records that -p named a host address, 0.0.0.0 included.
	// Inside the emulation -p 8080:80 and -p 0.0.0.0:8080:80 are the
	// same; on the real machine (through an uplink) the first listens on
	// 127.0.0.1 only, the second on every address.
	HostIPSet bool
	// HostPort 0 lets the engine pick one (32768–60999).
	HostPort      uint16
	ContainerPort uint16
	Proto         string // "tcp" or "udp"
}

// RunOptions are docker run's options.
type RunOptions struct {
	Name  string
	Image string
	// Cmd replaces the image's command when not empty.
	Cmd      []string
	Env      []string
	Hostname string
	// Network is --network: "" (the default bridge), bridge, host, none,
	// container:NAME|ID or a user network's name or ID.
	Network    string
	IP         netip.Addr
	Ports      []PortBinding
	AutoRemove bool
	// Interactive and TTY are -i and -t.
	Interactive, TTY bool
}

// AttachIO is what `docker run` without -d attaches to the container.
type AttachIO struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Main, when set, is the container's main process instead of the
	// image's (an interactive shell for -it).
	Main func(ctx context.Context, ns *emu.Namespace) int
}

// Endpoint is a container's attachment to a network: its interface and
// the host end of its veth pair.
type Endpoint struct {
	Net      *Network
	ID       string
	IfName   string // eth0, eth1, ...
	HostVeth string // vethXXXXXXX, on the network's bridge
	IP       netip.Addr
	MAC      net.HardwareAddr
}

type attachment struct {
	net *Network
	ip  netip.Addr
}

// published is a published port, its rules and its proxy.
type published struct {
	b     PortBinding
	rules []netRule
	px    *proxy
	key   portKey
	// unexpose ends the port's offer on the real machine (World.Expose).
	unexpose func()
}

type portKey struct {
	proto string
	port  uint16
}

// Container is a Docker container. Its fields are read under the engine's
// lock; use Inspect for a consistent view.
type Container struct {
	e       *Engine
	ID      string
	Name    string
	Image   string
	opts    RunOptions
	path    string
	args    []string
	created time.Time
	mode    netMode
	// netMode is HostConfig.NetworkMode as given ("default" when not).
	netMode  string
	shareRef string     // container: mode: the reference given
	share    *Container // container: mode: the container whose namespace it joins
	attach   []*attachment
	program  string // nginx, httpd, shell or command
	hostname string

	state      State
	pid        int
	exitCode   int
	startedAt  time.Time
	finishedAt time.Time
	errMsg     string
	stopping   bool
	killed     bool

	sb        *sandbox
	ns        *emu.Namespace
	endpoints []*Endpoint
	published []*published
	runCtx    context.Context
	cancel    context.CancelFunc
	exited    chan struct{}
	logs      *logBuffer
}

// sandbox is a container network namespace: its owner's, shared with the
// containers that join it (--network container:…). It is deleted when the
// last running container using it stops.
type sandbox struct {
	e     *Engine
	ns    *emu.Namespace
	id    string
	owner *Container
	users int
	dns   *dnsServer
}

var sandboxes sync.Map // *emu.Namespace → *sandbox

// IsRunning reports whether the container runs.
func (c *Container) IsRunning() bool {
	c.e.mu.Lock()
	defer c.e.mu.Unlock()
	return c.state == StateRunning
}

// Namespace returns the network namespace the container's processes run
// in, or nil when it does not run.
func (c *Container) Namespace() *emu.Namespace {
	c.e.mu.Lock()
	defer c.e.mu.Unlock()
	if c.state != StateRunning {
		return nil
	}
	return c.ns
}

// Endpoints returns the container's network attachments.
func (c *Container) Endpoints() []Endpoint {
	c.e.mu.Lock()
	defer c.e.mu.Unlock()
	out := make([]Endpoint, len(c.endpoints))
	for i, ep := range c.endpoints {
		out[i] = *ep
	}
	return out
}

// ShortID is the ID's first 12 characters.
func (c *Container) ShortID() string { return c.ID[:12] }

// endpointOn returns c's endpoint on network n, or nil. c.e.mu must be
// held.
func (c *Container) endpointOn(n *Network) *Endpoint {
	for _, ep := range c.endpoints {
		if ep.Net == n {
			return ep
		}
	}
	return nil
}

// dropAttach forgets that c is to be attached to n. c.e.mu must be held.
func (c *Container) dropAttach(n *Network) {
	for i, a := range c.attach {
		if a.net == n {
			c.attach = append(c.attach[:i:i], c.attach[i+1:]...)
			return
		}
	}
}

// ImageBase is an image reference's repository name without registry,
// namespace, tag or digest: "nginx" for docker.io/library/nginx:1.25.
func ImageBase(image string) string {
	s := image
	if i := strings.IndexByte(s, '@'); i >= 0 {
		s = s[:i]
	}
	if i := strings.LastIndexByte(s, ':'); i > strings.LastIndexByte(s, '/') {
		s = s[:i]
	}
	return path.Base(s)
}

// imageCmd is an image's entrypoint and default command.
func imageCmd(base string) (entry, cmd []string) {
	switch base {
	case "nginx":
		return []string{"/docker-entrypoint.sh"}, []string{"nginx", "-g", "daemon off;"}
	case "httpd":
		return nil, []string{"httpd-foreground"}
	case "busybox":
		return nil, []string{"sh"}
	case "ubuntu", "debian", "centos", "fedora":
		return nil, []string{"/bin/bash"}
	}
	return nil, []string{"/bin/sh"}
}

// IsShell reports whether a command is a shell alone (sh, bash,
// /bin/bash, ...): what a container idles in, or what opens a sub-shell.
func IsShell(cmd []string) bool {
	if len(cmd) != 1 {
		return false
	}
	switch path.Base(cmd[0]) {
	case "sh", "bash", "ash", "dash", "zsh":
		return true
	}
	return false
}

// Command is what a container of an image runs: cmd, or the image's
// default command.
func Command(image string, cmd []string) []string {
	if len(cmd) > 0 {
		return cmd
	}
	_, c := imageCmd(ImageBase(image))
	return c
}

// Create is docker create: it checks the options and records the
// container, which does not run yet.
func (e *Engine) Create(o RunOptions) (*Container, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.checkLocked(); err != nil {
		return nil, err
	}
	return e.createLocked(o)
}

// createLocked is Create; e.mu must be held.
func (e *Engine) createLocked(o RunOptions) (*Container, error) {
	c := &Container{e: e, ID: e.randHex(64), Image: o.Image, opts: o, created: e.now(), state: StateCreated, logs: newLogBuffer()}
	if o.Name != "" {
		if !validName.MatchString(o.Name) {
			return nil, daemonErr("Invalid container name (%s), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", o.Name)
		}
		c.Name = o.Name
	} else {
		c.Name = e.randomNameLocked()
	}
	for _, x := range e.containers {
		if x.Name == c.Name {
			return nil, daemonErr("Conflict. The container name \"/%s\" is already in use by container \"%s\". You have to remove (or rename) that container to be able to reuse that name", c.Name, x.ID)
		}
	}
	// The network mode.
	c.netMode = o.Network
	switch {
	case o.Network == "" || o.Network == "default" || o.Network == "bridge":
		if c.netMode == "" {
			c.netMode = "default"
		}
		c.mode = modeBridge
		c.attach = []*attachment{{net: e.networks[0], ip: o.IP}}
	case o.Network == "host":
		c.mode = modeHost
	case o.Network == "none":
		c.mode = modeNone
	case strings.HasPrefix(o.Network, "container:"):
		c.mode = modeContainer
		c.shareRef = strings.TrimPrefix(o.Network, "container:")
		t, err := e.containerLocked(c.shareRef)
		if err != nil {
			return nil, err
		}
		c.share = t
	default:
		n, err := e.networkLocked(o.Network)
		if err != nil {
			return nil, err
		}
		switch n.Driver {
		case "host":
			c.mode = modeHost
		case "null":
			c.mode = modeNone
		default:
			c.mode = modeBridge
			c.attach = []*attachment{{net: n, ip: o.IP}}
		}
	}
	if o.IP.IsValid() {
		if c.mode != modeBridge {
			return nil, daemonErr("user specified IP address is supported on user defined networks only")
		}
		if err := checkUserIP(c.attach[0].net, o.IP); err != nil {
			return nil, err
		}
	}
	if c.mode == modeContainer {
		if len(o.Ports) > 0 {
			return nil, daemonErr("conflicting options: port publishing and the container type network mode")
		}
		if o.Hostname != "" {
			return nil, daemonErr("conflicting options: hostname and the network mode")
		}
	}
	// The command.
	base := ImageBase(o.Image)
	entry, cmd := imageCmd(base)
	if len(o.Cmd) > 0 {
		cmd = o.Cmd
	}
	all := append(append([]string(nil), entry...), cmd...)
	c.path, c.args = all[0], all[1:]
	switch {
	case base == "nginx" && path.Base(cmd[0]) == "nginx":
		c.program = "nginx"
	case base == "httpd" && (cmd[0] == "httpd-foreground" || path.Base(cmd[0]) == "httpd"):
		c.program = "httpd"
	case IsShell(cmd):
		c.program = "shell"
	default:
		c.program = "command"
	}
	c.hostname = o.Hostname
	if c.hostname == "" {
		c.hostname = c.ID[:12]
		if c.mode == modeHost {
			c.hostname = HostHostname
		}
	}
	e.containers = append(e.containers, c)
	return c, nil
}

// HostHostname is the emulated machine's host name: what `hostname` says
// outside containers, and what --network=host containers get.
const HostHostname = "nsemu"

// Run is docker run: Create and Start. A container whose start fails is
// left created (as Docker leaves it), or removed with AutoRemove.
func (e *Engine) Run(o RunOptions, aio AttachIO) (*Container, error) {
	c, err := e.Create(o)
	if err != nil {
		return nil, err
	}
	if err := e.Start(c, aio); err != nil {
		if o.AutoRemove {
			_ = e.Remove(c, true)
		}
		return c, err
	}
	return c, nil
}

// Start starts a created or stopped container: its network, then its main
// process. On failure nothing of the network is left behind.
func (e *Engine) Start(c *Container, aio AttachIO) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.checkLocked(); err != nil {
		return err
	}
	if c.state == StateRunning {
		return nil
	}
	if err := e.setupNetworkLocked(c); err != nil {
		e.teardownLocked(c)
		c.errMsg = err.Error()
		return err
	}
	if c.program == "command" || (c.program == "shell" && aio.Main == nil && aio.Stdin != nil && c.opts.Interactive) {
		r := getRunner()
		name := c.command()[0]
		if r == nil || !r.Runnable(CmdName(name)) {
			e.teardownLocked(c)
			c.exitCode = 127
			err := daemonErr("failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: %q: executable file not found in $PATH: unknown", name)
			c.errMsg = err.Error()
			return err
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	c.runCtx, c.cancel = ctx, cancel
	c.exited = make(chan struct{})
	c.state, c.exitCode, c.errMsg = StateRunning, 0, ""
	c.stopping, c.killed = false, false
	c.pid = e.nextPid
	e.nextPid += 1 + int(e.randUint32()%40)
	c.startedAt = e.now()
	c.finishedAt = time.Time{}
	proc := e.processLocked(c, aio)
	exited := c.exited
	ready := make(chan struct{})
	var once sync.Once
	go func() {
		code := proc(ctx, func() { once.Do(func() { close(ready) }) })
		e.mu.Lock()
		e.finishLocked(c, code)
		e.mu.Unlock()
		cancel()
		close(exited)
	}()
	// Return once the program has started (nginx listens, its start-up
	// lines are in the log) or has ended, so that the next command sees
	// it as a person typing it would.
	e.mu.Unlock()
	select {
	case <-ready:
	case <-exited:
	}
	e.mu.Lock()
	return nil
}

// setupNetworkLocked gives the container its namespace and interfaces.
// e.mu must be held.
func (e *Engine) setupNetworkLocked(c *Container) error {
	switch c.mode {
	case modeHost:
		c.ns = e.ns
		return nil
	case modeContainer:
		t := c.share
		if t.state != StateRunning || t.removed() {
			return &Error{Msg: fmt.Sprintf("cannot join network of a non running container: %s", c.shareRef)}
		}
		if t.sb == nil {
			// t runs in the host's namespace.
			c.ns = t.ns
			return nil
		}
		c.sb = t.sb
		c.sb.users++
		c.ns = c.sb.ns
		c.hostname = t.hostname
		return nil
	}
	ns, err := e.w.NewHiddenNamespace(c.Name)
	if err != nil {
		return err
	}
	sb := &sandbox{e: e, ns: ns, id: e.randHex(64), owner: c, users: 1}
	sandboxes.Store(ns, sb)
	c.sb, c.ns = sb, ns
	if err := ns.SetLinkUp("lo", true); err != nil {
		return err
	}
	if c.mode == modeNone {
		return nil
	}
	for _, a := range c.attach {
		if err := e.joinLocked(c, a); err != nil {
			return err
		}
	}
	return e.publishLocked(c)
}

// removed reports whether c is no longer one of its engine's containers.
// c.e.mu must be held.
func (c *Container) removed() bool {
	for _, x := range c.e.containers {
		if x == c {
			return false
		}
	}
	return true
}

// joinLocked attaches a running container to a network: a veth pair from
// the network's bridge to ethN in its namespace, an address, a MAC derived
// from it, and (for the first interface) the default route. e.mu must be
// held.
func (e *Engine) joinLocked(c *Container, a *attachment) error {
	n, sb := a.net, c.sb
	ip, err := n.allocate(a.ip)
	if err != nil {
		return err
	}
	ifName := ""
	for i := 0; ; i++ {
		ifName = fmt.Sprintf("eth%d", i)
		if _, err := sb.ns.Link(ifName); err != nil {
			break
		}
	}
	var veth string
	for {
		veth = "veth" + e.randHex(7)
		if _, err := e.ns.Link(veth); err != nil {
			break
		}
	}
	if _, _, err := e.ns.AddVeth(veth, ifName, sb.ns); err != nil {
		n.release(ip)
		return daemonErr("failed to create endpoint %s on network %s: adding interface %s to bridge %s failed: %v", c.Name, n.Name, veth, n.Bridge, err)
	}
	ep := &Endpoint{Net: n, ID: e.randHex(64), IfName: ifName, HostVeth: veth, IP: ip, MAC: macFor(ip)}
	fail := func(err error) error {
		_ = e.ns.DelLink(veth)
		n.release(ip)
		return daemonErr("failed to set up container networking: %v", err)
	}
	defRoute := true
	for _, r := range sb.ns.Stack().Routes() {
		if r.IsDefault() {
			defRoute = false
		}
	}
	steps := []func() error{
		func() error { return sb.ns.SetMAC(ifName, ep.MAC) },
		func() error { return e.ns.SetMaster(veth, n.Bridge) },
		func() error { return e.ns.SetLinkUp(veth, true) },
		func() error { return sb.ns.AddAddr(ifName, netip.PrefixFrom(ip, n.Subnet.Bits())) },
		func() error { return sb.ns.SetLinkUp(ifName, true) },
		func() error {
			if !defRoute {
				return nil
			}
			return sb.ns.Stack().AddRoute(stack.Route{Dst: netip.MustParsePrefix("0.0.0.0/0"), Gateway: n.Gateway, Dev: ifName})
		},
	}
	for _, s := range steps {
		if err := s(); err != nil {
			return fail(err)
		}
	}
	c.endpoints = append(c.endpoints, ep)
	if !n.Default {
		if sb.dns == nil {
			d, err := startDNS(sb.ns, func(name string) ([]netip.Addr, bool) { return e.dnsLookup(sb, name) })
			if err != nil {
				return err
			}
			sb.dns = d
		}
		e.dnsAdd(n, c, ep)
	}
	return nil
}

// leaveLocked detaches a container from a network. e.mu must be held.
func (e *Engine) leaveLocked(c *Container, ep *Endpoint) {
	for i, x := range c.endpoints {
		if x == ep {
			c.endpoints = append(c.endpoints[:i:i], c.endpoints[i+1:]...)
		}
	}
	if len(c.endpoints) > 0 && ep == c.endpoints[0] {
		e.unpublishLocked(c)
	}
	e.dnsRemove(ep.Net, c)
	_ = e.ns.DelLink(ep.HostVeth)
	ep.Net.release(ep.IP)
	// The default route goes with the device; another interface takes it.
	if c.sb != nil && len(c.endpoints) > 0 {
		hasDefault := false
		for _, r := range c.sb.ns.Stack().Routes() {
			hasDefault = hasDefault || r.IsDefault()
		}
		if !hasDefault {
			first := c.endpoints[0]
			_ = c.sb.ns.Stack().AddRoute(stack.Route{Dst: netip.MustParsePrefix("0.0.0.0/0"), Gateway: first.Net.Gateway, Dev: first.IfName})
		}
	}
}

// teardownLocked undoes setupNetworkLocked, whatever part of it was done.
// e.mu must be held: deleting the container's namespace runs its destroy
// hooks under it (see Engine.mu).
func (e *Engine) teardownLocked(c *Container) {
	e.unpublishLocked(c)
	for len(c.endpoints) > 0 {
		e.leaveLocked(c, c.endpoints[len(c.endpoints)-1])
	}
	if sb := c.sb; sb != nil {
		sb.users--
		if sb.users <= 0 {
			if sb.dns != nil {
				sb.dns.close()
			}
			sandboxes.Delete(sb.ns)
			_ = e.w.DelHiddenNamespace(sb.ns)
		}
	}
	c.sb, c.ns = nil, nil
}

// finishLocked records a container's exit and releases its network. e.mu
// must be held.
func (e *Engine) finishLocked(c *Container, code int) {
	if c.killed {
		code = 137
	} else if c.stopping && (c.program == "shell" || c.program == "command") {
		// sh ignores SIGTERM as PID 1: docker stop kills it.
		code = 137
	}
	c.state, c.exitCode, c.finishedAt = StateExited, code, e.now()
	c.runCtx = nil
	e.teardownLocked(c)
	c.exited = nil
	if c.opts.AutoRemove {
		e.dropLocked(c)
	}
}

// dropLocked removes c from the engine's containers. e.mu must be held.
func (e *Engine) dropLocked(c *Container) {
	for i, x := range e.containers {
		if x == c {
			e.containers = append(e.containers[:i:i], e.containers[i+1:]...)
			return
		}
	}
}

// ExecContext returns a context for a command run in the container (docker
// exec): it ends when the container stops.
func (e *Engine) ExecContext(parent context.Context, c *Container) (context.Context, context.CancelFunc, *emu.Namespace, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.checkLocked(); err != nil {
		return nil, nil, nil, err
	}
	if c.state != StateRunning || c.runCtx == nil {
		return nil, nil, nil, daemonErr("Container %s is not running", c.ID)
	}
	ctx, cancel := context.WithCancel(parent)
	stop := context.AfterFunc(c.runCtx, cancel)
	return ctx, func() { stop(); cancel() }, c.ns, nil
}

// Wait waits until the container exits and returns its exit code; ctx
// ending stops waiting.
func (e *Engine) Wait(ctx context.Context, c *Container) (int, error) {
	e.mu.Lock()
	ch := c.exited
	e.mu.Unlock()
	if ch != nil {
		select {
		case <-ch:
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return c.exitCode, nil
}

// Stop is docker stop: the main process is asked to end and waited for.
func (e *Engine) Stop(c *Container) error {
	return e.stop(c, false)
}

// Kill is docker kill: as Stop, with exit code 137.
func (e *Engine) Kill(c *Container) error {
	return e.stop(c, true)
}

func (e *Engine) stop(c *Container, kill bool) error {
	e.mu.Lock()
	if c.state != StateRunning {
		e.mu.Unlock()
		if kill {
			return daemonErr("Cannot kill container: %s: Container %s is not running", c.Name, c.ID)
		}
		return nil
	}
	c.stopping = true
	c.killed = c.killed || kill
	cancel, ch := c.cancel, c.exited
	e.mu.Unlock()
	cancel()
	<-ch
	return nil
}

// Restart is docker restart.
func (e *Engine) Restart(c *Container) error {
	if err := e.Stop(c); err != nil {
		return err
	}
	return e.Start(c, AttachIO{})
}

// Remove is docker rm; force (-f) kills a running container first.
func (e *Engine) Remove(c *Container, force bool) error {
	e.mu.Lock()
	running := c.state == StateRunning
	e.mu.Unlock()
	if running {
		if !force {
			return daemonErr("You cannot remove a running container %s. Stop the container before attempting removal or force remove", c.ID)
		}
		if err := e.Kill(c); err != nil {
			return err
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if c.state == StateRunning {
		return daemonErr("You cannot remove a running container %s. Stop the container before attempting removal or force remove", c.ID)
	}
	e.dropLocked(c)
	return nil
}

// Logs returns the container's log lines.
func (c *Container) Logs() []LogLine { return c.logs.lines() }

// LogsChanged returns a channel closed when a line is added to the log.
func (c *Container) LogsChanged() <-chan struct{} { return c.logs.changed() }

// Exited returns a channel closed when the container's current run ends
// (nil when it does not run).
func (c *Container) Exited() <-chan struct{} {
	c.e.mu.Lock()
	defer c.e.mu.Unlock()
	return c.exited
}

var nameLeft = []string{"admiring", "adoring", "affectionate", "amazing", "awesome", "blissful", "bold", "brave",
	"charming", "clever", "cool", "dazzling", "eager", "elegant", "epic", "festive", "focused", "friendly",
	"funny", "gallant", "gifted", "happy", "hopeful", "jolly", "keen", "kind", "laughing", "loving", "lucid",
	"modest", "nice", "optimistic", "peaceful", "quirky", "relaxed", "serene", "sharp", "stoic", "sweet",
	"tender", "trusting", "upbeat", "vibrant", "wizardly", "youthful", "zealous"}

var nameRight = []string{"albattani", "babbage", "bardeen", "bohr", "cerf", "curie", "darwin", "dijkstra",
	"einstein", "euler", "feynman", "gauss", "hamilton", "hopper", "hypatia", "kepler", "knuth", "lamport",
	"liskov", "lovelace", "mccarthy", "newton", "noether", "pascal", "perlman", "ritchie", "shannon",
	"thompson", "torvalds", "turing", "wozniak"}

// randomNameLocked picks a free "adjective_scientist" name, as Docker
// does. e.mu must be held.
func (e *Engine) randomNameLocked() string {
	for {
		n := nameLeft[e.randUint32()%uint32(len(nameLeft))] + "_" + nameRight[e.randUint32()%uint32(len(nameRight))]
		taken := false
		for _, c := range e.containers {
			taken = taken || c.Name == n
		}
		if !taken {
			return n
		}
	}
}
