package docker

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"sync"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/stack"
	"github.com/nsemu/nsemu/stack/netfilter"
)

// ParsePort parses a -p value as the docker CLI does:
// [[HOST_IP:]HOST_PORT:]CONTAINER_PORT[/PROTO]. Errors are the CLI's
// ("invalid containerPort: abc").
func ParsePort(spec string) (PortBinding, error) {
	b := PortBinding{Proto: "tcp"}
	rest := spec
	if i := strings.LastIndexByte(rest, '/'); i >= 0 {
		b.Proto = strings.ToLower(rest[i+1:])
		rest = rest[:i]
		if b.Proto != "tcp" && b.Proto != "udp" {
			if b.Proto == "sctp" {
				return b, fmt.Errorf("sctp port publishing is not emulated")
			}
			return b, fmt.Errorf("invalid proto: %s", b.Proto)
		}
	}
	parts := strings.Split(rest, ":")
	var hostIP, hostPort, ctrPort string
	switch len(parts) {
	case 1:
		ctrPort = parts[0]
	case 2:
		hostPort, ctrPort = parts[0], parts[1]
	case 3:
		hostIP, hostPort, ctrPort = parts[0], parts[1], parts[2]
	default:
		return b, fmt.Errorf("invalid port format for --publish: %s", spec)
	}
	cp, err := parsePortNum(ctrPort)
	if err != nil || cp == 0 {
		return b, fmt.Errorf("invalid containerPort: %s", ctrPort)
	}
	b.ContainerPort = cp
	if hostPort != "" {
		hp, err := parsePortNum(hostPort)
		if err != nil {
			return b, fmt.Errorf("invalid hostPort: %s", hostPort)
		}
		b.HostPort = hp
	}
	if hostIP != "" {
		a, err := netip.ParseAddr(strings.Trim(hostIP, "[]"))
		if err != nil || !a.Is4() {
			return b, fmt.Errorf("invalid IP address: %s", hostIP)
		}
		b.HostIPSet = true
		if !a.IsUnspecified() {
			b.HostIP = a
		}
	}
	return b, nil
}

func parsePortNum(s string) (uint16, error) {
	n, err := strconv.ParseUint(s, 10, 16)
	if err != nil {
		return 0, err
	}
	return uint16(n), nil
}

// HostIPString is the binding's host address as docker shows it.
func (b PortBinding) HostIPString() string {
	if !b.HostIP.IsValid() {
		return "0.0.0.0"
	}
	return b.HostIP.String()
}

// publishLocked publishes the container's ports on its first network:
// the userland proxy and Docker's rules. e.mu must be held.
func (e *Engine) publishLocked(c *Container) error {
	if len(c.opts.Ports) == 0 || len(c.endpoints) == 0 {
		return nil
	}
	ep := c.endpoints[0]
	for _, b := range c.opts.Ports {
		if err := e.publishOneLocked(c, ep, b); err != nil {
			e.unpublishLocked(c)
			return err
		}
	}
	return nil
}

// publishOneLocked publishes one port binding of c on endpoint ep. e.mu
// must be held.
func (e *Engine) publishOneLocked(c *Container, ep *Endpoint, b PortBinding) error {
	if b.HostPort == 0 {
		for p := 32768; p <= 60999; p++ {
			if e.ports[portKey{b.Proto, uint16(p)}] == nil {
				b.HostPort = uint16(p)
				break
			}
		}
	}
	key := portKey{b.Proto, b.HostPort}
	if other := e.ports[key]; other != nil {
		return daemonErr("driver failed programming external connectivity on endpoint %s (%s): Bind for %s:%d failed: port is already allocated", c.Name, ep.ID, b.HostIPString(), b.HostPort)
	}
	listen := netip.AddrPortFrom(netip.IPv4Unspecified(), b.HostPort)
	if b.HostIP.IsValid() {
		listen = netip.AddrPortFrom(b.HostIP, b.HostPort)
	}
	target := netip.AddrPortFrom(ep.IP, b.ContainerPort)
	e.proxies++
	own := stack.OwnedBy(stack.Owner{Name: "docker-proxy", PID: proxyPIDBase + e.proxies, FD: 4})
	px, err := startProxy(e.ns, b.Proto, listen, target, own)
	if err != nil {
		return daemonErr("driver failed programming external connectivity on endpoint %s (%s): Error starting userland proxy: listen %s4 %s: bind: address already in use", c.Name, ep.ID, b.Proto, listen)
	}
	br := ep.Net.Bridge
	dnat := netfilter.Rule{In: br, NotIn: true, Proto: b.Proto, DPort: pm(b.HostPort), Target: "DNAT", ToAddr: ep.IP, ToPort: b.ContainerPort}
	if b.HostIP.IsValid() {
		dnat.Dst = hostPrefix(b.HostIP)
	}
	rules := []netRule{
		{"filter", "DOCKER", 0, netfilter.Rule{Dst: hostPrefix(ep.IP), In: br, NotIn: true, Out: br, Proto: b.Proto, DPort: pm(b.ContainerPort), Target: "ACCEPT"}},
		{"nat", "POSTROUTING", 0, netfilter.Rule{Src: hostPrefix(ep.IP), Dst: hostPrefix(ep.IP), Proto: b.Proto, DPort: pm(b.ContainerPort), Target: "MASQUERADE"}},
		{"nat", "DOCKER", 0, dnat},
	}
	st := e.ns.Stack()
	for i, x := range rules {
		if err := st.Netfilter().Append(x.table, x.chain, x.r); err != nil {
			e.deleteRules(rules[:i])
			px.close()
			return daemonErr("driver failed programming external connectivity on endpoint %s (%s): %v", c.Name, ep.ID, err)
		}
	}
	unexpose, err := e.ns.World().Expose(e.ns, exposure(c, b, listen))
	if err != nil {
		e.deleteRules(rules)
		px.close()
		return daemonErr("driver failed programming external connectivity on endpoint %s (%s): Error starting userland proxy: %v", c.Name, ep.ID, err)
	}
	e.ports[key] = c
	c.published = append(c.published, &published{b: b, rules: rules, px: px, key: key, unexpose: unexpose})
	return nil
}

// exposure is binding b of c, whose userland proxy listens on listen, as
// it is to be offered on the real machine when the world has an uplink:
// on 127.0.0.1 unless -p named an address.
func exposure(c *Container, b PortBinding, listen netip.AddrPort) emu.Exposure {
	x := emu.Exposure{Proto: b.Proto, Listen: listen, Port: b.HostPort}
	if b.HostIPSet {
		x.Real = netip.IPv4Unspecified()
		if b.HostIP.IsValid() {
			x.Real = b.HostIP
		}
	}
	spec := fmt.Sprintf("%d:%d", b.HostPort, b.ContainerPort)
	if b.HostIPSet {
		spec = x.Real.String() + ":" + spec
	}
	if b.Proto != "tcp" {
		spec += "/" + b.Proto
	}
	x.Owner = fmt.Sprintf("docker run -p %s (%s)", spec, c.Name)
	return x
}

// unpublishLocked removes the container's published ports and stops their
// proxies, waiting for their goroutines (which never take e.mu). e.mu must
// be held.
func (e *Engine) unpublishLocked(c *Container) {
	for _, p := range c.published {
		p.unexpose()
		e.deleteRules(p.rules)
		p.px.close()
		if e.ports[p.key] == c {
			delete(e.ports, p.key)
		}
	}
	c.published = nil
}

// PublishedPorts returns the container's published ports with the host
// ports chosen.
func (c *Container) PublishedPorts() []PortBinding {
	c.e.mu.Lock()
	defer c.e.mu.Unlock()
	out := make([]PortBinding, len(c.published))
	for i, p := range c.published {
		out[i] = p.b
	}
	return out
}

// ---- the userland proxy (docker-proxy) ----

// proxy forwards connections (or datagrams) that reach the host's port to
// the container: it is how the host itself reaches 127.0.0.1:PORT, where
// no DNAT rule applies. Its goroutines never take the engine's lock.
type proxy struct {
	ns     *emu.Namespace
	target netip.AddrPort
	ctx    context.Context
	cancel context.CancelFunc
	l      net.Listener
	pc     net.PacketConn
	wg     sync.WaitGroup

	// mu guards conns. It is a leaf: close takes it under Engine.mu.
	mu    sync.Mutex
	conns map[io.Closer]bool
}

// proxyPIDBase numbers the docker-proxy processes ss -p shows (stable
// emulated pids, below the containers' and after dockerd's).
const proxyPIDBase = 800

// startProxy starts a docker-proxy listening on listen; own names it
// for ss -p.
func startProxy(ns *emu.Namespace, proto string, listen, target netip.AddrPort, own stack.SockOpt) (*proxy, error) {
	ctx, cancel := context.WithCancel(context.Background())
	p := &proxy{ns: ns, target: target, ctx: ctx, cancel: cancel, conns: map[io.Closer]bool{}}
	if proto == "udp" {
		pc, err := ns.ListenUDP(listen, own)
		if err != nil {
			cancel()
			return nil, err
		}
		p.pc = pc
		p.wg.Add(1)
		go p.serveUDP()
		return p, nil
	}
	l, err := ns.ListenTCP(listen, own)
	if err != nil {
		cancel()
		return nil, err
	}
	p.l = l
	p.wg.Add(1)
	go p.serveTCP()
	return p, nil
}

// track records a connection to close with the proxy; false when the
// proxy is closing.
func (p *proxy) track(c io.Closer) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.conns == nil {
		return false
	}
	p.conns[c] = true
	return true
}

func (p *proxy) untrack(c io.Closer) {
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
}

func (p *proxy) close() {
	p.cancel()
	if p.l != nil {
		p.l.Close()
	}
	if p.pc != nil {
		p.pc.Close()
	}
	p.mu.Lock()
	conns := p.conns
	p.conns = nil
	p.mu.Unlock()
	for c := range conns {
		c.Close()
	}
	p.wg.Wait()
}

func (p *proxy) serveTCP() {
	defer p.wg.Done()
	for {
		in, err := p.l.Accept()
		if err != nil {
			return
		}
		if !p.track(in) {
			in.Close()
			return
		}
		p.wg.Add(1)
		go p.pipe(in)
	}
}

func (p *proxy) pipe(in net.Conn) {
	defer p.wg.Done()
	defer func() {
		in.Close()
		p.untrack(in)
	}()
	out, err := p.ns.DialTCP(p.ctx, p.target)
	if err != nil {
		return
	}
	if !p.track(out) {
		out.Close()
		return
	}
	defer func() {
		out.Close()
		p.untrack(out)
	}()
	done := make(chan struct{})
	go func() {
		io.Copy(out, in)
		if cw, ok := out.(interface{ CloseWrite() error }); ok {
			cw.CloseWrite()
		}
		close(done)
	}()
	io.Copy(in, out)
	if cw, ok := in.(interface{ CloseWrite() error }); ok {
		cw.CloseWrite()
	}
	<-done
}

// serveUDP relays datagrams: one connected socket to the container per
// client address.
func (p *proxy) serveUDP() {
	defer p.wg.Done()
	peers := map[string]net.Conn{}
	buf := make([]byte, 65536)
	for {
		n, from, err := p.pc.ReadFrom(buf)
		if err != nil {
			return
		}
		c := peers[from.String()]
		if c == nil {
			c, err = p.ns.DialUDP(p.target)
			if err != nil {
				continue
			}
			if !p.track(c) {
				c.Close()
				return
			}
			peers[from.String()] = c
			p.wg.Add(1)
			go func(c net.Conn, to net.Addr) {
				defer p.wg.Done()
				b := make([]byte, 65536)
				for {
					n, err := c.Read(b)
					if err != nil {
						return // closed, or refused: the next datagram redials
					}
					if _, err := p.pc.WriteTo(b[:n], to); err != nil && p.ctx.Err() != nil {
						return
					}
				}
			}(c, from)
		}
		if _, err := c.Write(buf[:n]); err != nil {
			delete(peers, from.String())
			c.Close()
			p.untrack(c)
		}
	}
}
