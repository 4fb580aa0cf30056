package uplink

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sync"
	"syscall"
	"time"

	"github.com/nsemu/nsemu/emu"
)

// ports offers ports of the emulated host on the real machine: it is the
// world's emu.Exposer while the uplink runs. Each offer listens on the real
// machine (127.0.0.1 unless an address was asked for) and relays every
// connection, or every client's datagrams, to the port inside the
// emulated host, from the emulated host itself — as rootless Docker's port
// driver does, so `docker run -p` reaches its userland proxy and --publish
// reaches the host's own services.
type ports struct {
	host *emu.Namespace
	log  *logger

	// mu guards offers and closed; it is a leaf.
	mu     sync.Mutex
	offers map[*offer]struct{}
	closed bool
}

func newPorts(host *emu.Namespace, log *logger) *ports {
	return &ports{host: host, log: log, offers: map[*offer]struct{}{}}
}

// Expose implements emu.Exposer. Ports of other namespaces (a Docker
// engine run with `ip netns exec node2 docker`) are another machine's:
// they stay inside the emulation.
func (p *ports) Expose(ns *emu.Namespace, x emu.Exposure) (stop func(), err error) {
	if ns != p.host {
		return func() {}, nil
	}
	o := &offer{p: p, ns: ns, x: x, target: target(x.Listen)}
	o.ctx, o.cancel = context.WithCancel(context.Background())
	if err := o.listen(); err != nil {
		o.cancel()
		return nil, err
	}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		o.close()
		return func() {}, nil
	}
	p.offers[o] = struct{}{}
	p.mu.Unlock()
	o.serve()
	p.log.printf("%s/%s on the real machine → %s", o.addr, x.Proto, x.Owner)
	return o.stop, nil
}

// close ends every offer.
func (p *ports) close() {
	p.mu.Lock()
	p.closed = true
	offers := p.offers
	p.offers = nil
	p.mu.Unlock()
	for o := range offers {
		o.close()
	}
}

// target is where a relayed connection goes inside the emulated host:
// the address the port listens on, 127.0.0.1 for every address.
func target(listen netip.AddrPort) netip.AddrPort {
	if !listen.Addr().IsValid() || listen.Addr().IsUnspecified() {
		return netip.AddrPortFrom(netip.AddrFrom4([4]byte{127, 0, 0, 1}), listen.Port())
	}
	return listen
}

// offer is one port offered on the real machine.
type offer struct {
	p      *ports
	ns     *emu.Namespace
	x      emu.Exposure
	target netip.AddrPort
	addr   netip.AddrPort // where it listens on the real machine
	ctx    context.Context
	cancel context.CancelFunc
	l      net.Listener
	pc     net.PacketConn
	g      group
	once   sync.Once
}

var loopback4 = netip.AddrFrom4([4]byte{127, 0, 0, 1})

// listen opens the real socket. An address the real machine does not have
// (an emulated one, -p 172.17.0.1:8080:80) falls back to 127.0.0.1.
func (o *offer) listen() error {
	a := o.x.Real
	if !a.IsValid() {
		a = loopback4
	}
	port := o.x.Port
	if port == 0 {
		port = o.x.Listen.Port()
	}
	err := o.listenOn(netip.AddrPortFrom(a, port))
	if errors.Is(err, syscall.EADDRNOTAVAIL) && a != loopback4 {
		o.p.log.printf("%s is not an address of the real machine: %s listens on 127.0.0.1", a, o.x.Owner)
		err = o.listenOn(netip.AddrPortFrom(loopback4, port))
	}
	return err
}

func (o *offer) listenOn(ap netip.AddrPort) (err error) {
	if o.x.Proto == "udp" {
		o.pc, err = net.ListenPacket("udp4", ap.String())
	} else {
		o.l, err = net.Listen("tcp4", ap.String())
	}
	if err != nil {
		return listenError(err, ap)
	}
	o.addr = ap
	return nil
}

// listenError explains a refused real listen.
func listenError(err error, ap netip.AddrPort) error {
	switch {
	case errors.Is(err, syscall.EACCES):
		return fmt.Errorf("%v (on the real machine, ports below net.ipv4.ip_unprivileged_port_start, 1024 by default, need root or CAP_NET_BIND_SERVICE: publish a higher one, e.g. -p 8080:80)", err)
	case errors.Is(err, syscall.EADDRINUSE):
		return fmt.Errorf("%v (port %d of the real machine is taken)", err, ap.Port())
	}
	return err
}

// serve starts relaying.
func (o *offer) serve() {
	if o.pc != nil {
		o.g.spawn(o.serveUDP)
		return
	}
	o.g.spawn(o.serveTCP)
}

// stop ends the offer (the port was unpublished).
func (o *offer) stop() {
	o.p.mu.Lock()
	delete(o.p.offers, o)
	o.p.mu.Unlock()
	o.close()
}

func (o *offer) close() {
	o.once.Do(func() {
		o.cancel()
		if o.l != nil {
			o.l.Close()
		}
		if o.pc != nil {
			o.pc.Close()
		}
		o.g.close()
	})
}

func (o *offer) serveTCP() {
	for {
		in, err := o.l.Accept()
		if err != nil {
			if o.ctx.Err() == nil && isTemporary(err) {
				time.Sleep(10 * time.Millisecond)
				continue
			}
			return
		}
		if !o.g.add(in) {
			return
		}
		if !o.g.spawn(func() { o.relayTCP(in) }) {
			o.g.drop(in)
		}
	}
}

// relayTCP carries one real connection to the port inside the emulation.
func (o *offer) relayTCP(in net.Conn) {
	defer o.g.drop(in)
	out, err := o.ns.DialTCP(o.ctx, o.target)
	if err != nil {
		return // the real client sees the connection close
	}
	if !o.g.add(out) {
		return
	}
	defer o.g.drop(out)
	splice(in, out)
}

func isTemporary(err error) bool {
	return errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE) || errors.Is(err, syscall.ECONNABORTED)
}

// serveUDP relays datagrams: each real client gets a connected socket
// inside the emulated host, which ends after idleTimeout without traffic.
func (o *offer) serveUDP() {
	var mu sync.Mutex // guards peers; a leaf
	peers := map[string]net.Conn{}
	buf := make([]byte, 65535)
	for {
		n, from, err := o.pc.ReadFrom(buf)
		if err != nil {
			return
		}
		mu.Lock()
		c := peers[from.String()]
		mu.Unlock()
		if c == nil {
			if c = o.openPeer(from, func(c net.Conn) {
				mu.Lock()
				delete(peers, from.String())
				mu.Unlock()
			}); c == nil {
				continue
			}
			mu.Lock()
			peers[from.String()] = c
			mu.Unlock()
		}
		_, _ = c.Write(buf[:n])
	}
}

// openPeer opens the emulated socket of a new real client and relays
// what comes back to it; gone runs when the relay ends.
func (o *offer) openPeer(to net.Addr, gone func(net.Conn)) net.Conn {
	c, err := o.ns.DialUDP(o.target)
	if err != nil {
		return nil
	}
	if !o.g.add(c) {
		return nil
	}
	ok := o.g.spawn(func() {
		defer o.g.drop(c)
		defer gone(c)
		relayBack(c, o.pc, to)
	})
	if !ok {
		o.g.drop(c)
		return nil
	}
	return c
}

// relayBack copies datagrams from the emulated socket c to the real client
// to, until c has been quiet for idleTimeout or fails.
func relayBack(c net.Conn, pc net.PacketConn, to net.Addr) {
	b := make([]byte, 65535)
	for {
		_ = c.SetReadDeadline(time.Now().Add(idleTimeout))
		n, err := c.Read(b)
		if err != nil {
			return
		}
		if _, err := pc.WriteTo(b[:n], to); errors.Is(err, net.ErrClosed) {
			return
		}
	}
}
