package stack

import (
	"net/netip"
	"testing"
	"time"
)

// TestCtState: with FORWARD's policy DROP, a router that accepts only
// packets from a's side and, towards a, only RELATED,ESTABLISHED ones (as
// Docker's FORWARD chain does for docker0) lets a's pings and connections
// to b through and their answers back, and nothing b starts.
func TestCtState(t *testing.T) {
	l := newLab(t)
	tr := l.trio(true)
	if err := tr.r.SetForwarding(true); err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(tr.r.IPTablesPolicy("filter", "FORWARD", "DROP"))
	must(tr.r.IPTablesAppend("filter", "FORWARD", Rule{Out: "eth0", CtState: "RELATED,ESTABLISHED", Target: "ACCEPT"}))
	must(tr.r.IPTablesAppend("filter", "FORWARD", Rule{In: "eth0", Target: "ACCEPT"}))

	l.mustPing(tr.a, "10.0.2.2", PingOptions{})
	l.expectTimeout(tr.b, "10.0.1.2")

	ln, err := tr.a.ListenTCP(netip.MustParseAddrPort("0.0.0.0:80"))
	must(err)
	defer ln.Close()
	l.dialBlocked(tr.b, "10.0.1.2:80")
	ln2, err := tr.b.ListenTCP(netip.MustParseAddrPort("0.0.0.0:80"))
	must(err)
	defer ln2.Close()
	go func() {
		c, err := ln2.Accept()
		if err == nil {
			c.Write([]byte("hi"))
			c.Close()
		}
	}()
	c, err := dial(tr.a, "10.0.2.2:80", 5*time.Second)
	must(err)
	buf := make([]byte, 2)
	if _, err := c.Read(buf); err != nil || string(buf) != "hi" {
		t.Fatalf("a read %q, %v through the established connection", buf, err)
	}
	c.Close()

	chains, err := tr.r.IPTablesList("filter")
	must(err)
	for _, ch := range chains {
		if ch.Name == "FORWARD" && ch.Rules[0].Packets == 0 {
			t.Fatalf("the ctstate rule matched no packet: %+v", ch.Rules[0])
		}
	}
}

// TestAddrTypeLocal: -m addrtype --dst-type LOCAL matches packets for the
// namespace's own addresses (and 127/8), ! LOCAL the others.
func TestAddrTypeLocal(t *testing.T) {
	l := newLab(t)
	tr := l.trio(true)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(tr.r.SetForwarding(true))
	// Pings for r itself are dropped at INPUT; the ones r forwards are not.
	must(tr.r.IPTablesAppend("filter", "INPUT", Rule{Proto: "icmp", DstType: "LOCAL", Target: "DROP"}))
	must(tr.r.IPTablesAppend("filter", "FORWARD", Rule{Proto: "icmp", DstType: "LOCAL", NotDstType: true}))
	l.mustPing(tr.a, "10.0.2.2", PingOptions{})
	l.expectTimeout(tr.a, "10.0.2.1")
	chains, err := tr.r.IPTablesList("filter")
	must(err)
	for _, ch := range chains {
		if ch.Name == "FORWARD" && ch.Rules[0].Packets != 2 {
			t.Fatalf("! --dst-type LOCAL in FORWARD counted %d packets, want 2 (request and reply)", ch.Rules[0].Packets)
		}
	}
	if err := tr.r.IPTablesAppend("filter", "INPUT", Rule{DstType: "BROADCAST"}); err == nil {
		t.Fatal("--dst-type BROADCAST was accepted: it is not emulated")
	}
	if err := tr.r.IPTablesAppend("filter", "INPUT", Rule{CtState: "NEW,BOGUS"}); err == nil {
		t.Fatal("--ctstate BOGUS was accepted")
	}
}

func TestCanonicalCtState(t *testing.T) {
	for in, want := range map[string]string{
		"ESTABLISHED,RELATED": "RELATED,ESTABLISHED",
		"new":                 "NEW",
		"NEW,NEW,INVALID":     "INVALID,NEW",
		"":                    "",
		"SNAT":                "",
	} {
		got, err := CanonicalCtState(in)
		if (err != nil) != (want == "") || got != want {
			t.Errorf("CanonicalCtState(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}
