// Package docker is an emulated Docker engine: containers, networks and
// their plumbing, done the way Docker does it, on the emulated world.
//
// Each namespace can run its own engine (For): the host's root namespace
// is the usual Docker host; `ip netns exec node2 docker ...` makes node2 a
// second one. An engine starts as a socket-activated dockerd does, at its
// first command: it creates the docker0 bridge (172.17.0.1/16, MAC
// 02:42:…), turns ip_forward on, sets net.bridge.bridge-nf-call-iptables,
// and installs Docker's iptables chains (DOCKER, DOCKER-USER, the two
// isolation chains, the MASQUERADE rule of each bridge network).
//
// A container on a bridge network gets a hidden network namespace (not in
// `ip netns`, as Docker keeps its own under /var/run/docker/netns), a veth
// pair — vethXXXXXXX on the bridge, eth0 inside —, the next free address
// of the network's subnet, a MAC derived from it (02:42:ac:11:00:02), a
// default route through the bridge and lo up. --network=none gives lo
// only, --network=host runs the container's processes in the engine's own
// namespace, --network=container:X shares X's namespace. Published ports
// (-p) become DNAT rules in nat's DOCKER chain and a userland proxy
// (docker-proxy) in the engine's namespace. Containers of user-defined
// networks resolve each other through an embedded DNS server at
// 127.0.0.11 in their own namespace.
//
// There are no images to pull and no file systems: an image name selects
// a program. nginx and httpd run web servers on port 80 (net/http over the
// namespace's sockets); any other image runs its command (a built-in
// command, through the Runner the docker CLI installs) or, for a shell, stays
// idle so that `docker exec` can run commands in it.
//
// Concurrency: an Engine's methods are safe for concurrent use. A
// container's main process runs in its own goroutine; Stop, Kill and
// Remove wait for it (and for every goroutine the container started) to
// end. Engines stop with their namespace (ip netns del, World.Close).
package docker

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/nsemu/nsemu/emu"
)

// Error is an error the daemon reports ("Error response from daemon: …"
// in the CLI's words). Status is the CLI's exit status for it.
type Error struct {
	Msg string
	// NotFound marks "No such container" and "not found" errors.
	NotFound bool
}

func (e *Error) Error() string { return e.Msg }

func daemonErr(format string, a ...any) error { return &Error{Msg: fmt.Sprintf(format, a...)} }

// NoSuchContainer is the daemon's error for an unknown container.
func NoSuchContainer(ref string) error {
	return &Error{Msg: "No such container: " + ref, NotFound: true}
}

// Runner runs built-in commands in a namespace, for containers whose
// command is not one of the emulated servers. The docker CLI
// (emu/builtin/docker) installs one (SetRunner).
type Runner interface {
	// Runnable reports whether a command name can run.
	Runnable(name string) bool
	// Run runs a command and returns its exit status. env is the
	// container's environment (KEY=VALUE), for shell text to read.
	Run(ctx context.Context, ns *emu.Namespace, args, env []string, stdin io.Reader, stdout, stderr io.Writer) int
}

// runnerMu guards runner. It is a leaf: Start reads the runner holding
// Engine.mu.
var (
	runnerMu sync.Mutex
	runner   Runner
)

// SetRunner installs the runner of container commands.
func SetRunner(r Runner) {
	runnerMu.Lock()
	runner = r
	runnerMu.Unlock()
}

func getRunner() Runner {
	runnerMu.Lock()
	defer runnerMu.Unlock()
	return runner
}

// Engine is one namespace's Docker daemon.
type Engine struct {
	ns     *emu.Namespace
	w      *emu.World
	cancel func() // unregisters the destroy hook

	// rngMu guards rng, the engine's random source (ids, names, veth
	// names, MACs, pids), drawn from the world's seed (emu.World.NewRand).
	// It is a leaf.
	rngMu sync.Mutex
	rng   *rand.Rand

	// mu guards the engine's state: closed, the containers and networks
	// and what the engine keeps in them (a Container's state, endpoints
	// and published ports, a Network's used addresses, a sandbox's users),
	// nextPid and ports.
	//
	// Lock order: mu is ordered above the world's locks (World.topo, then
	// World.mu or a Namespace.mu): the engine changes the topology and
	// the iptables of its namespace while holding it. It is ordered above
	// dnsMu, runnerMu and enginesMu, and above the lock of an engine
	// started inside one of its containers (`docker` run in a container's
	// namespace): deleting that namespace, under mu, closes that engine.
	//
	// Never wait for a container's main process while holding mu: the
	// process takes mu to record its exit (Start, stop). What is waited
	// for under mu never takes it: the userland proxies' goroutines, the
	// embedded DNS servers (they take only dnsMu), and the processes of
	// an engine started inside a container (they take only their own
	// engine's mu).
	mu         sync.Mutex
	closed     bool
	containers []*Container // creation order
	networks   []*Network   // bridge, host, none, then user networks in creation order
	nextPid    int
	// proxies counts the docker-proxy processes started (their pids).
	proxies int
	// ports are the host ports taken by published ports.
	ports map[portKey]*Container

	// dnsMu guards what the embedded DNS servers read (dnsNames), so that
	// they never wait for mu. It is written under mu (joinLocked,
	// leaveLocked) and read alone.
	dnsMu    sync.RWMutex
	dnsNames map[*Network][]dnsRecord
}

// enginesMu guards engines. For holds it across a new engine's start-up,
// which changes the world's topology: it is ordered above the world's
// locks. Close takes it after releasing Engine.mu.
var (
	enginesMu sync.Mutex
	engines   = map[*emu.Namespace]*Engine{}
)

// For returns the engine of namespace ns, starting it (docker0, ip_forward,
// iptables) at the first call.
func For(ns *emu.Namespace) (*Engine, error) {
	enginesMu.Lock()
	defer enginesMu.Unlock()
	if e, ok := engines[ns]; ok {
		return e, nil
	}
	e := &Engine{ns: ns, w: ns.World(), rng: ns.World().NewRand(), ports: map[portKey]*Container{}, dnsNames: map[*Network][]dnsRecord{}}
	e.nextPid = 1000 + int(e.randUint32()%2000)
	if err := e.start(); err != nil {
		return nil, err
	}
	e.cancel = ns.OnDestroy(e.Close)
	engines[ns] = e
	return e, nil
}

// Lookup returns the engine running in ns, if one was started.
func Lookup(ns *emu.Namespace) (*Engine, bool) {
	enginesMu.Lock()
	defer enginesMu.Unlock()
	e, ok := engines[ns]
	return e, ok
}

// Namespace returns the namespace the engine runs in.
func (e *Engine) Namespace() *emu.Namespace { return e.ns }

// start is dockerd's start-up: the predefined networks, docker0 and the
// iptables chains.
func (e *Engine) start() error {
	h := e.ns
	// A Docker host has lo up (the userland proxy answers on 127.0.0.1).
	if err := h.SetLinkUp("lo", true); err != nil {
		return err
	}
	bridge := &Network{ID: e.randHex(64), Name: "bridge", Driver: "bridge", Bridge: "docker0", Default: true,
		Subnet: netip.MustParsePrefix("172.17.0.0/16"), Gateway: netip.MustParseAddr("172.17.0.1"), Created: e.now(),
		used: map[netip.Addr]bool{}}
	e.networks = []*Network{
		bridge,
		{ID: e.randHex(64), Name: "host", Driver: "host", Created: e.now()},
		{ID: e.randHex(64), Name: "none", Driver: "null", Created: e.now()},
	}
	if err := h.Stack().SetForwarding(true); err != nil {
		return err
	}
	// Docker loads br_netfilter: bridged frames pass iptables too (the
	// FORWARD rule -i docker0 -o docker0 -j ACCEPT counts them).
	_ = h.SetSysctl("net.bridge.bridge-nf-call-iptables", "1")
	if err := e.installChains(); err != nil {
		return err
	}
	return e.setupBridge(bridge)
}

// Close stops every container and the engine: what happens to dockerd
// when its namespace goes. Later calls fail with "Cannot connect to the
// Docker daemon".
func (e *Engine) Close() {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return
	}
	cs := append([]*Container(nil), e.containers...)
	e.mu.Unlock()
	for _, c := range cs {
		_ = e.Kill(c)
	}
	e.mu.Lock()
	e.closed = true
	e.mu.Unlock()
	enginesMu.Lock()
	if engines[e.ns] == e {
		delete(engines, e.ns)
	}
	enginesMu.Unlock()
	if e.cancel != nil {
		e.cancel()
	}
}

// ErrDaemonDown is what the CLI says once the engine has stopped (its
// namespace was deleted).
var ErrDaemonDown = errors.New("Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?")

// checkLocked refuses requests once the engine has closed. e.mu must be
// held.
func (e *Engine) checkLocked() error {
	if e.closed {
		return ErrDaemonDown
	}
	return nil
}

// now is the emulated wall-clock time.
func (e *Engine) now() time.Time { return e.w.Clock().Now() }

// Now is the engine's idea of the current time (the emulator's clock), for
// "Up 5 seconds" and "2 minutes ago".
func (e *Engine) Now() time.Time { return e.now() }

// Container finds a container by name (with or without its leading "/"),
// full ID or unique ID prefix, as the daemon does.
func (e *Engine) Container(ref string) (*Container, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.checkLocked(); err != nil {
		return nil, err
	}
	return e.containerLocked(ref)
}

// containerLocked is Container; e.mu must be held.
func (e *Engine) containerLocked(ref string) (*Container, error) {
	if ref == "" {
		return nil, NoSuchContainer(ref)
	}
	name := strings.TrimPrefix(ref, "/")
	for _, c := range e.containers {
		if c.ID == ref || c.Name == name {
			return c, nil
		}
	}
	var found *Container
	for _, c := range e.containers {
		if strings.HasPrefix(c.ID, strings.ToLower(ref)) {
			if found != nil {
				return nil, daemonErr("Multiple IDs found with provided prefix: %s", ref)
			}
			found = c
		}
	}
	if found == nil {
		return nil, NoSuchContainer(ref)
	}
	return found, nil
}

// Containers lists the containers, newest first (as docker ps does); only
// the running ones unless all.
func (e *Engine) Containers(all bool) []*Container {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []*Container
	for i := len(e.containers) - 1; i >= 0; i-- {
		c := e.containers[i]
		if all || c.state == StateRunning {
			out = append(out, c)
		}
	}
	return out
}

// Network finds a network by name, full ID or unique ID prefix.
func (e *Engine) Network(ref string) (*Network, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.checkLocked(); err != nil {
		return nil, err
	}
	return e.networkLocked(ref)
}

// networkLocked is Network; e.mu must be held.
func (e *Engine) networkLocked(ref string) (*Network, error) {
	for _, n := range e.networks {
		if n.Name == ref || n.ID == ref {
			return n, nil
		}
	}
	var found *Network
	for _, n := range e.networks {
		if ref != "" && strings.HasPrefix(n.ID, ref) {
			if found != nil {
				return nil, daemonErr("network %s is ambiguous (%d matches found based on ID prefix)", ref, 2)
			}
			found = n
		}
	}
	if found == nil {
		return nil, &Error{Msg: fmt.Sprintf("network %s not found", ref), NotFound: true}
	}
	return found, nil
}

// Networks lists the networks by name (as docker network ls does).
func (e *Engine) Networks() []*Network {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := append([]*Network(nil), e.networks...)
	sortNetworks(out)
	return out
}

// macFor is Docker's MAC for a container address: 02:42 and the IPv4
// address.
func macFor(a netip.Addr) net.HardwareAddr {
	b := a.As4()
	return net.HardwareAddr{0x02, 0x42, b[0], b[1], b[2], b[3]}
}
