package docker

import (
	"net"
	"net/netip"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/dns/dnsmessage"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/stack"
)

// The embedded DNS server: on user-defined networks, every container's
// namespace has a server at 127.0.0.11:53 that answers the names (and
// short IDs) of the containers sharing a network with it. Docker forwards
// other names to the host's resolvers, from the container's namespace:
// so does this one, to the name servers of the machine's resolv.conf but
// the loopback ones (an uplink gives it 10.0.2.3). Without any, other
// names get NXDOMAIN.

// DNSAddr is the embedded DNS server's address.
var DNSAddr = netip.MustParseAddrPort("127.0.0.11:53")

// DockerdPID is dockerd's process id, a stable emulated one: ss -p names
// dockerd as the owner of the embedded DNS server's socket.
const DockerdPID = 612

type dnsRecord struct {
	sb    *sandbox
	names []string // lower case
	ip    netip.Addr
}

// dnsAdd publishes a container's names on a network.
func (e *Engine) dnsAdd(n *Network, c *Container, ep *Endpoint) {
	e.dnsMu.Lock()
	defer e.dnsMu.Unlock()
	names := []string{strings.ToLower(c.Name), c.ID[:12]}
	if c.hostname != "" && c.hostname != c.ID[:12] {
		names = append(names, strings.ToLower(c.hostname))
	}
	e.dnsNames[n] = append(e.dnsNames[n], dnsRecord{sb: c.sb, names: names, ip: ep.IP})
}

// dnsRemove withdraws a container's names from a network.
func (e *Engine) dnsRemove(n *Network, c *Container) {
	e.dnsMu.Lock()
	defer e.dnsMu.Unlock()
	rs := e.dnsNames[n]
	kept := rs[:0]
	for _, r := range rs {
		if r.sb != c.sb || c.sb == nil {
			kept = append(kept, r)
		}
	}
	if len(kept) == 0 {
		delete(e.dnsNames, n)
	} else {
		e.dnsNames[n] = kept
	}
}

// dnsLookup answers a name for the containers of sandbox sb: the records
// of the networks sb is on; "NAME.NETWORK" names one network. ok is false
// when the name is unknown.
func (e *Engine) dnsLookup(sb *sandbox, name string) ([]netip.Addr, bool) {
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	e.dnsMu.RLock()
	defer e.dnsMu.RUnlock()
	var out []netip.Addr
	found := false
	for n, rs := range e.dnsNames {
		on := false
		for _, r := range rs {
			on = on || r.sb == sb
		}
		if !on {
			continue
		}
		for _, r := range rs {
			for _, nm := range r.names {
				if nm == name || nm+"."+strings.ToLower(n.Name) == name {
					found = true
					out = append(out, r.ip)
				}
			}
		}
	}
	return out, found
}

// dnsServer is one namespace's embedded DNS server.
type dnsServer struct {
	ns   *emu.Namespace
	pc   net.PacketConn
	done chan struct{}
	// stop ends the forwarded queries; fwd counts their goroutines.
	stop chan struct{}
	fwd  sync.WaitGroup
}

// forwardTimeout is how long a forwarded query waits for each upstream.
const forwardTimeout = 2 * time.Second

func startDNS(ns *emu.Namespace, lookup func(string) ([]netip.Addr, bool)) (*dnsServer, error) {
	pc, err := ns.ListenUDP(DNSAddr, stack.OwnedBy(stack.Owner{Name: "dockerd", PID: DockerdPID, FD: 30}))
	if err != nil {
		return nil, daemonErr("embedded DNS server: %v", err)
	}
	d := &dnsServer{ns: ns, pc: pc, done: make(chan struct{}), stop: make(chan struct{})}
	go d.serve(lookup)
	return d, nil
}

func (d *dnsServer) close() {
	d.pc.Close()
	<-d.done
	close(d.stop)
	d.fwd.Wait()
}

func (d *dnsServer) serve(lookup func(string) ([]netip.Addr, bool)) {
	defer close(d.done)
	buf := make([]byte, 1500)
	for {
		n, from, err := d.pc.ReadFrom(buf)
		if err != nil {
			return
		}
		if ups := upstreams(d.ns.World()); len(ups) > 0 && !known(buf[:n], lookup) {
			q := append([]byte(nil), buf[:n]...)
			d.fwd.Add(1)
			go d.forward(q, from, ups)
			continue
		}
		if resp := answer(buf[:n], lookup); resp != nil {
			d.pc.WriteTo(resp, from)
		}
	}
}

// upstreams are the name servers Docker forwards to: the machine's, but
// the loopback ones.
func upstreams(w *emu.World) []netip.AddrPort {
	conf, ok := w.ResolvConf()
	if !ok {
		return nil
	}
	var out []netip.AddrPort
	for _, line := range strings.Split(conf, "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || f[0] != "nameserver" {
			continue
		}
		if a, err := netip.ParseAddr(f[1]); err == nil && a.Is4() && !a.IsLoopback() {
			out = append(out, netip.AddrPortFrom(a, 53))
		}
	}
	return out
}

// known reports whether q is a query the embedded server answers itself:
// a container's name, or something that is not a query at all.
func known(q []byte, lookup func(string) ([]netip.Addr, bool)) bool {
	var p dnsmessage.Parser
	h, err := p.Start(q)
	if err != nil || h.Response {
		return true
	}
	qq, err := p.Question()
	if err != nil {
		return true
	}
	_, ok := lookup(qq.Name.String())
	return ok
}

// forward asks the upstreams, from the container's namespace, and relays
// the first answer; none answering is SERVFAIL.
func (d *dnsServer) forward(q []byte, to net.Addr, ups []netip.AddrPort) {
	defer d.fwd.Done()
	for _, up := range ups {
		if resp := d.ask(q, up); resp != nil {
			d.pc.WriteTo(resp, to)
			return
		}
	}
	if len(q) >= 12 {
		fail := append([]byte(nil), q...)
		fail[2] |= 0x80    // a response
		fail[3] = 0x80 | 2 // recursion available, SERVFAIL
		d.pc.WriteTo(fail, to)
	}
}

// ask sends q to one upstream and waits for its answer.
func (d *dnsServer) ask(q []byte, up netip.AddrPort) []byte {
	c, err := d.ns.DialUDP(up)
	if err != nil {
		return nil
	}
	defer c.Close()
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-d.stop:
			c.Close()
		case <-done:
		}
	}()
	c.SetDeadline(time.Now().Add(forwardTimeout))
	if _, err := c.Write(q); err != nil {
		return nil
	}
	buf := make([]byte, 65535)
	n, err := c.Read(buf)
	if err != nil || n < 12 || buf[0] != q[0] || buf[1] != q[1] {
		return nil
	}
	return buf[:n]
}

// answer builds the reply to one query; nil for what is not a query.
func answer(q []byte, lookup func(string) ([]netip.Addr, bool)) []byte {
	var p dnsmessage.Parser
	h, err := p.Start(q)
	if err != nil || h.Response {
		return nil
	}
	qs, err := p.AllQuestions()
	if err != nil || len(qs) != 1 {
		return nil
	}
	qq := qs[0]
	rh := dnsmessage.Header{ID: h.ID, Response: true, Authoritative: false, RecursionDesired: h.RecursionDesired, RecursionAvailable: true}
	addrs, ok := lookup(qq.Name.String())
	if !ok {
		rh.RCode = dnsmessage.RCodeNameError
	}
	b := dnsmessage.NewBuilder(nil, rh)
	b.EnableCompression()
	if b.StartQuestions() != nil || b.Question(qq) != nil || b.StartAnswers() != nil {
		return nil
	}
	if ok && qq.Type == dnsmessage.TypeA && qq.Class == dnsmessage.ClassINET {
		for _, a := range addrs {
			rr := dnsmessage.ResourceHeader{Name: qq.Name, Type: dnsmessage.TypeA, Class: dnsmessage.ClassINET, TTL: 600}
			if b.AResource(rr, dnsmessage.AResource{A: a.As4()}) != nil {
				return nil
			}
		}
	}
	out, err := b.Finish()
	if err != nil {
		return nil
	}
	return out
}
