package stack

import (
	"context"
	"testing"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
)

// arpSock opens an ARP socket on st's eth0, closed when the test ends.
func arpSock(t *testing.T, st *Stack) *ARPSocket {
	t.Helper()
	s, err := st.OpenARP("eth0", nil)
	if err != nil {
		t.Fatalf("%s: OpenARP(eth0): %v", st.Name(), err)
	}
	t.Cleanup(s.Close)
	return s
}

// recvARP waits (in wall time: the lab's clock stands still) for the next
// frame the socket receives.
func recvARP(t *testing.T, s *ARPSocket) ARPFrame {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	f, ok, err := s.Recv(ctx, tcpip.MonotonicTime{})
	if err != nil || !ok {
		t.Fatalf("Recv: %+v, %v, %v", f, ok, err)
	}
	return f
}

// neighbour is st's eth0 entry for a, if any.
func neighbour(st *Stack, a string) (Neighbor, bool) {
	for _, n := range st.Neighbors() {
		if n.Addr == ip(a) {
			return n, true
		}
	}
	return Neighbor{}, false
}

// TestARPSocketProbe: a request sent whole through the socket is
// answered to the socket's MAC (unicast); the asker learns no entry
// (arp_accept 0), the asked learns the asker's.
func TestARPSocketProbe(t *testing.T) {
	l := newLab(t)
	d := l.duo()
	s := arpSock(t, d.a)
	req := ARPFrame{Op: header.ARPRequest, SHA: s.MAC(), SIP: ip("10.0.0.1"), THA: header.EthernetBroadcastAddress, TIP: ip("10.0.0.2")}
	if err := s.Send(req, header.EthernetBroadcastAddress); err != nil {
		t.Fatalf("Send: %v", err)
	}
	f := recvARP(t, s)
	if f.Op != header.ARPReply || f.SIP != ip("10.0.0.2") || f.SHA != d.eb.LinkAddress() || f.TIP != ip("10.0.0.1") || f.THA != s.MAC() || !f.Unicast {
		t.Errorf("answer %+v, want a unicast reply from 10.0.0.2 at %s", f, d.eb.LinkAddress())
	}
	if n, ok := neighbour(d.a, "10.0.0.2"); ok {
		t.Errorf("a learnt %+v from a reply it did not ask for by itself", n)
	}
	if n, ok := neighbour(d.b, "10.0.0.1"); !ok || n.MAC != s.MAC() || n.State != "STALE" {
		t.Errorf("b's entry for 10.0.0.1: %+v (%v), want STALE at %s", n, ok, s.MAC())
	}
}

// TestDuplicateAddressProbe: a probe from 0.0.0.0 for b's address is
// answered for 0.0.0.0, and b makes no entry for it.
func TestDuplicateAddressProbe(t *testing.T) {
	l := newLab(t)
	d := l.duo()
	s := arpSock(t, d.a)
	req := ARPFrame{Op: header.ARPRequest, SHA: s.MAC(), SIP: ip("0.0.0.0"), THA: header.EthernetBroadcastAddress, TIP: ip("10.0.0.2")}
	if err := s.Send(req, header.EthernetBroadcastAddress); err != nil {
		t.Fatalf("Send: %v", err)
	}
	f := recvARP(t, s)
	if f.Op != header.ARPReply || f.SIP != ip("10.0.0.2") || f.TIP != ip("0.0.0.0") || f.THA != s.MAC() {
		t.Errorf("answer %+v, want a reply from 10.0.0.2 for 0.0.0.0", f)
	}
	if got := d.b.Neighbors(); len(got) != 0 {
		t.Errorf("b's neighbours %+v, want none", got)
	}
}

// TestGratuitousARP: a gratuitous request or reply gives a known entry
// the new MAC (STALE, as neigh_update with override); an unknown address
// gets no entry.
func TestGratuitousARP(t *testing.T) {
	l := newLab(t)
	d := l.duo()
	l.mustPing(d.b, "10.0.0.1", PingOptions{})
	s := arpSock(t, d.a)
	for _, c := range []struct {
		op  header.ARPOp
		mac tcpip.LinkAddress
	}{{header.ARPRequest, "\x02\x00\x00\x00\x00\xaa"}, {header.ARPReply, "\x02\x00\x00\x00\x00\xbb"}} {
		g := ARPFrame{Op: c.op, SHA: c.mac, SIP: ip("10.0.0.1"), THA: header.EthernetBroadcastAddress, TIP: ip("10.0.0.1")}
		if err := s.Send(g, header.EthernetBroadcastAddress); err != nil {
			t.Fatalf("Send: %v", err)
		}
		l.quiet()
		if n, ok := neighbour(d.b, "10.0.0.1"); !ok || n.MAC != c.mac || n.State != "STALE" {
			t.Errorf("after a gratuitous %v: b's entry %+v (%v), want STALE at %s", c.op, n, ok, c.mac)
		}
	}
	g := ARPFrame{Op: header.ARPRequest, SHA: s.MAC(), SIP: ip("10.0.0.77"), THA: header.EthernetBroadcastAddress, TIP: ip("10.0.0.77")}
	if err := s.Send(g, header.EthernetBroadcastAddress); err != nil {
		t.Fatalf("Send: %v", err)
	}
	l.quiet()
	if n, ok := neighbour(d.b, "10.0.0.77"); ok {
		t.Errorf("b made an entry %+v for an unknown address", n)
	}
}

// TestPathMTU: a learnt path MTU lowers the device's for its destination
// only, and expires after 10 minutes.
func TestPathMTU(t *testing.T) {
	l := newLab(t)
	d := l.duo()
	d.a.LearnPMTU(ip("10.0.0.2"), 1400)
	for _, c := range []struct {
		dst  string
		want uint32
	}{{"10.0.0.2", 1400}, {"10.0.0.3", 1500}} {
		if got, err := d.a.PathMTU(ip(c.dst)); err != nil || got != c.want {
			t.Errorf("PathMTU(%s) = %d, %v; want %d", c.dst, got, err, c.want)
		}
	}
	l.clk.Advance(pmtuExpires)
	if got, err := d.a.PathMTU(ip("10.0.0.2")); err != nil || got != 1500 {
		t.Errorf("PathMTU(10.0.0.2) after 600 s = %d, %v; want 1500", got, err)
	}
	if _, err := d.a.PathMTU(ip("192.0.2.1")); err == nil {
		t.Error("PathMTU(192.0.2.1) without a route: no error")
	}
}
