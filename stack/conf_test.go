package stack

import (
	"errors"
	"net"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/nsemu/nsemu/stack/netfilter"
)

// setConf sets device dev's settings ("all" for all's).
func setConf(t *testing.T, st *Stack, dev string, c Conf) {
	t.Helper()
	var err error
	if dev == "all" {
		err = st.SetAllConf(c)
	} else {
		err = st.SetDevConf(dev, c, true)
	}
	if err != nil {
		t.Fatalf("%s: SetConf(%s, %+v): %v", st.Name(), dev, c, err)
	}
}

// udpArrives sends one datagram from a socket of from bound to src, to
// dst, and reports whether to's listener on dst got it.
func (l *lab) udpArrives(from *Stack, src string, to *Stack, dst string) bool {
	l.t.Helper()
	ln, err := to.ListenUDP(netip.MustParseAddrPort(dst))
	if err != nil {
		l.t.Fatalf("%s: ListenUDP(%s): %v", to.Name(), dst, err)
	}
	defer ln.Close()
	c, err := from.ListenUDP(netip.AddrPortFrom(ip(src), 0))
	if err != nil {
		l.t.Fatalf("%s: ListenUDP(%s): %v", from.Name(), src, err)
	}
	defer c.Close()
	if _, err := c.WriteTo([]byte("x"), net.UDPAddrFromAddrPort(netip.MustParseAddrPort(dst))); err != nil {
		l.t.Fatalf("%s: WriteTo(%s): %v", from.Name(), dst, err)
	}
	l.quiet()
	_ = ln.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	buf := make([]byte, 8)
	n, _, err := ln.ReadFrom(buf)
	return err == nil && n == 1
}

// TestRPFilter: a forwarding router checks the source of what arrives:
// strict (1) wants the route back through the receiving device, loose (2)
// a route back at all; off (0) takes anything; "all" counts with the
// device's (the larger applies).
func TestRPFilter(t *testing.T) {
	for _, tc := range []struct {
		name      string
		dev       string
		conf      Conf
		wrongWay  bool // a source r routes through eth1 arrives on eth0
		noRouteOK bool // a source r has no route to
	}{
		{"off", "eth0", Conf{}, true, true},
		{"strict", "eth0", Conf{RPFilter: 1}, false, false},
		{"strict via all", "all", Conf{RPFilter: 1}, false, false},
		{"loose", "eth0", Conf{RPFilter: 2}, true, false},
		{"other device", "eth1", Conf{RPFilter: 1}, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := newLab(t)
			n := l.trio(true)
			if err := n.r.SetForwarding(true); err != nil {
				t.Fatal(err)
			}
			for _, a := range []string{"10.0.2.99/32", "192.0.2.1/32"} {
				if err := n.a.AddAddress("eth0", pfx(a)); err != nil {
					t.Fatal(err)
				}
			}
			setConf(t, n.r, tc.dev, tc.conf)
			if !l.udpArrives(n.a, "10.0.1.2", n.b, "10.0.2.2:9") {
				t.Errorf("a datagram from a's own address was dropped")
			}
			if got := l.udpArrives(n.a, "10.0.2.99", n.b, "10.0.2.2:9"); got != tc.wrongWay {
				t.Errorf("from 10.0.2.99 (routed back through eth1): arrived %v, want %v", got, tc.wrongWay)
			}
			if got := l.udpArrives(n.a, "192.0.2.1", n.b, "10.0.2.2:9"); got != tc.noRouteOK {
				t.Errorf("from 192.0.2.1 (no route back): arrived %v, want %v", got, tc.noRouteOK)
			}
		})
	}
}

// TestAcceptLocal: a packet from one of the namespace's own addresses is a
// martian unless accept_local is set (ARP included: the sender's request
// goes unanswered too).
//
//	a(eth0 10.0.0.1) ── (eth0 10.0.0.2) b (eth1 10.0.1.2) ── (eth0 10.0.1.3 + 10.0.0.1/32) c
func TestAcceptLocal(t *testing.T) {
	for _, accept := range []bool{false, true} {
		l := newLab(t)
		a, b, c := l.stack("a"), l.stack("b"), l.stack("c")
		l.wire(a, "eth0", "10.0.0.1/24", b, "eth0", "10.0.0.2/24")
		l.wire(b, "eth1", "10.0.1.2/24", c, "eth0", "10.0.1.3/24")
		if err := c.AddAddress("eth0", pfx("10.0.0.2/32")); err != nil {
			t.Fatal(err)
		}
		if accept {
			setConf(t, b, "eth1", Conf{AcceptLocal: 1})
		}
		if got := l.udpArrives(c, "10.0.0.2", b, "10.0.1.2:9"); got != accept {
			t.Errorf("accept_local %v: a datagram from b's own 10.0.0.2 arrived %v", accept, got)
		}
	}
}

// TestProxyARP: a router with proxy_arp answers for the hosts it routes
// to through another device, while it forwards.
func TestProxyARP(t *testing.T) {
	l := newLab(t)
	n := l.trio(true)
	if err := n.a.DelRoute(Route{Dst: pfx("0.0.0.0/0")}); err != nil {
		t.Fatal(err)
	}
	// a believes 10.0.2.0/24 is on its link.
	l.route(n.a, Route{Dst: pfx("10.0.2.0/24"), Dev: "eth0"})
	l.expectTimeout(n.a, "10.0.2.2")
	setConf(t, n.r, "eth0", Conf{ProxyARP: 1})
	l.expectTimeout(n.a, "10.0.2.2") // not forwarding: no proxy
	if err := n.r.SetForwarding(true); err != nil {
		t.Fatal(err)
	}
	// a's entry for 10.0.2.2 is still failing from the probes above.
	must(t, n.a.FlushNeighbors(""))
	rep, err := l.pingAdvancing(n.a, "10.0.2.2", PingOptions{})
	if err != nil || rep.From != ip("10.0.2.2") || rep.TTL != 63 {
		t.Fatalf("ping 10.0.2.2 through the proxy: %+v, %v; want a reply with TTL 63", rep, err)
	}
	r0 := n.r0.LinkAddress()
	for _, nb := range n.a.Neighbors() {
		if nb.Addr == ip("10.0.2.2") && nb.MAC != r0 {
			t.Errorf("a's neighbour 10.0.2.2 is at %s, want r's eth0 %s", nb.MAC, r0)
		}
	}
}

// TestARPForLocalRoute: a route of type local (ip route add local PREFIX
// dev lo, the "AnyIP" idiom) makes every address of its prefix the
// namespace's own for ARP, as the kernel's route lookup in arp_process
// says; without it, nothing answers.
func TestARPForLocalRoute(t *testing.T) {
	l := newLab(t)
	d := l.duo()
	l.route(d.a, Route{Dst: pfx("10.0.9.0/24"), Dev: "eth0"})
	l.expectTimeout(d.a, "10.0.9.7")
	l.route(d.b, Route{Dst: pfx("10.0.9.0/24"), Dev: "lo", Type: "local"})
	must(t, d.a.FlushNeighbors(""))
	_, _ = l.pingAdvancing(d.a, "10.0.9.7", PingOptions{Timeout: time.Second})
	found := false
	for _, nb := range d.a.Neighbors() {
		if nb.Addr == ip("10.0.9.7") {
			found = nb.MAC == d.eb.LinkAddress()
		}
	}
	if !found {
		t.Errorf("a's neighbours %+v: want 10.0.9.7 at b's eth0 %s", d.a.Neighbors(), d.eb.LinkAddress())
	}
}

// TestARPIgnore: arp_ignore 0 answers for any local address, 1 only for
// the receiving device's, 2 only when the sender is in its subnet too, 8
// never.
func TestARPIgnore(t *testing.T) {
	for _, tc := range []struct {
		level          int32
		lo, own, other bool // answered: b's lo address, b's eth0 address asked from a's subnet, from another
	}{
		{0, true, true, true},
		{1, false, true, true},
		{2, false, true, false},
		{8, false, false, false},
	} {
		l := newLab(t)
		d := l.duo()
		_ = d.b.SetUp("lo", true)
		must(t, d.b.AddAddress("lo", pfx("198.51.100.7/32")))
		must(t, d.a.AddAddress("eth0", pfx("192.0.2.1/24")))
		l.route(d.a, Route{Dst: pfx("198.51.100.7/32"), Dev: "eth0"})
		setConf(t, d.b, "eth0", Conf{ARPIgnore: tc.level})
		if got := l.udpArrives(d.a, "10.0.0.1", d.b, "198.51.100.7:9"); got != tc.lo {
			t.Errorf("arp_ignore %d: lo's address answered %v, want %v", tc.level, got, tc.lo)
		}
		if got := l.udpArrives(d.a, "10.0.0.1", d.b, "10.0.0.2:9"); got != tc.own {
			t.Errorf("arp_ignore %d: eth0's address asked from its subnet answered %v, want %v", tc.level, got, tc.own)
		}
		must(t, d.a.FlushNeighbors(""))
		must(t, d.b.FlushNeighbors(""))
		// Asked from 192.0.2.1: a sends from it by a route that says so.
		l.route(d.a, Route{Dst: pfx("10.0.0.2/32"), Dev: "eth0", Src: ip("192.0.2.1")})
		if got := l.udpArrives(d.a, "192.0.2.1", d.b, "10.0.0.2:9"); got != tc.other {
			t.Errorf("arp_ignore %d: eth0's address asked from another subnet answered %v, want %v", tc.level, got, tc.other)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestARPAnnounce: the sender address of an ARP request: the packet's
// source (0, and 1 when it is in the target's subnet), the device's best
// address for the target (2). b learns the sender it is told.
func TestARPAnnounce(t *testing.T) {
	for _, tc := range []struct {
		level int32
		want  string
	}{{0, "10.0.0.5"}, {1, "10.0.0.5"}, {2, "10.0.0.1"}} {
		l := newLab(t)
		d := l.duo()
		must(t, d.a.AddAddress("eth0", pfx("10.0.0.5/24")))
		setConf(t, d.a, "eth0", Conf{ARPAnnounce: tc.level})
		if !l.udpArrives(d.a, "10.0.0.5", d.b, "10.0.0.2:9") {
			t.Fatalf("arp_announce %d: the datagram did not arrive", tc.level)
		}
		var got []string
		for _, n := range d.b.Neighbors() {
			got = append(got, n.Addr.String())
		}
		if !slices.Contains(got, tc.want) {
			t.Errorf("arp_announce %d: b's neighbours %q, want %s (the request's sender)", tc.level, got, tc.want)
		}
	}
}

// TestICMPEchoIgnoreAll: no echo request is answered, not even the
// namespace's own.
func TestICMPEchoIgnoreAll(t *testing.T) {
	l := newLab(t)
	d := l.duo()
	must(t, d.b.SetUp("lo", true))
	d.b.SetICMPEchoIgnoreAll(true)
	l.expectTimeout(d.a, "10.0.0.2")
	l.expectTimeout(d.b, "127.0.0.1")
	d.b.SetICMPEchoIgnoreAll(false)
	l.mustPing(d.a, "10.0.0.2", PingOptions{})
}

// TestLocalPortRange: an unbound socket's port comes from
// ip_local_port_range; a range the kernel refuses changes nothing.
func TestLocalPortRange(t *testing.T) {
	l := newLab(t)
	d := l.duo()
	if f, last := d.a.LocalPortRange(); f != 32768 || last != 60999 {
		t.Errorf("LocalPortRange() = %d %d, want 32768 60999 (Linux's)", f, last)
	}
	for _, bad := range [][2]uint16{{0, 10}, {2000, 1000}} {
		if err := d.a.SetLocalPortRange(bad[0], bad[1]); !errors.Is(err, ErrPortRange) {
			t.Errorf("SetLocalPortRange(%d, %d) = %v, want %v", bad[0], bad[1], err, ErrPortRange)
		}
	}
	must(t, d.a.SetLocalPortRange(40000, 40000))
	ln := listen(t, d.b, "0.0.0.0:80")
	if remote, _ := exchange(t, d.a, "10.0.0.2:80", ln); remote.Port() != 40000 {
		t.Errorf("the client's port is %d, want 40000", remote.Port())
	}
}

// TestRouteLocalnet: a DNAT to 127.0.0.1 of a connection from outside
// reaches a listener on 127.0.0.1 only with route_localnet.
func TestRouteLocalnet(t *testing.T) {
	for _, on := range []bool{false, true} {
		l := newLab(t)
		d := l.duo()
		must(t, d.b.SetUp("lo", true))
		must(t, d.b.Netfilter().Append("nat", "PREROUTING", netfilter.Rule{Proto: "tcp",
			DPort: &netfilter.PortMatch{Lo: 8080, Hi: 8080}, Target: "DNAT", ToAddr: ip("127.0.0.1"), ToPort: 80}))
		if on {
			setConf(t, d.b, "eth0", Conf{RouteLocalnet: 1})
		}
		ln := listen(t, d.b, "127.0.0.1:80")
		c, err := dial(d.a, "10.0.0.2:8080", 300*time.Millisecond)
		if c != nil {
			c.Close()
		}
		if (err == nil) != on {
			t.Errorf("route_localnet %v: dial through the DNAT to 127.0.0.1: %v", on, err)
		}
		ln.Close()
	}
}
