package stack

import (
	"testing"
)

// TestLoopbackAddressFromOutside: an address on lo answers packets that
// arrive on another device (Linux's weak host model), for ICMP and TCP,
// and the replies leave by the device the route names.
func TestLoopbackAddressFromOutside(t *testing.T) {
	l := newLab(t)
	d := l.duo()
	if err := d.b.SetUp("lo", true); err != nil {
		t.Fatal(err)
	}
	if err := d.b.AddAddress("lo", pfx("198.51.100.7/32")); err != nil {
		t.Fatal(err)
	}
	l.route(d.a, Route{Dst: pfx("198.51.100.7/32"), Gateway: ip("10.0.0.2")})
	rep := l.mustPing(d.a, "198.51.100.7", PingOptions{})
	if rep.From != ip("198.51.100.7") || rep.TTL != 64 {
		t.Errorf("reply %+v, want from 198.51.100.7 ttl 64", rep)
	}
	ln := listen(t, d.b, "0.0.0.0:80")
	if remote, local := exchange(t, d.a, "198.51.100.7:80", ln); remote.Addr() != ip("10.0.0.1") || local.Addr() != ip("10.0.0.1") {
		t.Errorf("server saw %s (client %s), want 10.0.0.1", remote, local)
	}
	// A connected route (no gateway): a asks who has 198.51.100.7 on the
	// link, and b answers for its lo address (arp_ignore 0).
	if err := d.a.DelRoute(Route{Dst: pfx("198.51.100.7/32")}); err != nil {
		t.Fatal(err)
	}
	l.route(d.a, Route{Dst: pfx("198.51.100.7/32"), Dev: "eth0"})
	l.mustPing(d.a, "198.51.100.7", PingOptions{})
}

// TestDefaultViaOwnAddress: a default route whose gateway is the
// namespace's own address makes every destination on-link (Linux gives
// the nexthop host scope and does not use it as a gateway): the namespace
// asks for each destination by ARP.
func TestDefaultViaOwnAddress(t *testing.T) {
	l := newLab(t)
	d := l.duo()
	if err := d.b.AddAddress("eth0", pfx("203.0.113.9/32")); err != nil {
		t.Fatal(err)
	}
	l.route(d.a, Route{Dst: pfx("0.0.0.0/0"), Gateway: ip("10.0.0.1")})
	r, err := d.a.RouteGet(ip("203.0.113.9"))
	if err != nil || r.Gateway.IsValid() || r.Dev != "eth0" || r.Src != ip("10.0.0.1") {
		t.Errorf("RouteGet(203.0.113.9) = %s, %v; want dev eth0 src 10.0.0.1, no gateway", fmtRoute(r), err)
	}
	found := false
	for _, x := range d.a.Routes() {
		if x.IsDefault() && x.Gateway == ip("10.0.0.1") && x.Dev == "eth0" {
			found = true
		}
	}
	if !found {
		t.Errorf("Routes() = %q, want default via 10.0.0.1 dev eth0", fmtRoutes(d.a.Routes()))
	}
	rep := l.mustPing(d.a, "203.0.113.9", PingOptions{})
	if rep.From != ip("203.0.113.9") {
		t.Errorf("reply %+v, want from 203.0.113.9", rep)
	}
}
