package emu

import (
	"context"
	"errors"
	"net/netip"
	"testing"
	"time"

	"github.com/nsemu/nsemu/emu/trace"
	"github.com/nsemu/nsemu/stack"
	"github.com/nsemu/nsemu/stack/netfilter"
)

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func pfx(s string) netip.Prefix { return netip.MustParsePrefix(s) }
func addr(s string) netip.Addr  { return netip.MustParseAddr(s) }

// buildSeed002 builds seed 002's topology: three namespaces on vbridge, and
// an upstream router namespace behind the host's ens33, owning 203.0.113.8.
func buildSeed002(t *testing.T, w *World) (ns [3]*Namespace, up *Namespace) {
	t.Helper()
	host := w.Host()
	for i := range ns {
		n, err := w.AddNamespace([]string{"ns1", "ns2", "ns3"}[i])
		must(t, err)
		ns[i] = n
	}
	_, err := host.AddBridge("vbridge")
	must(t, err)
	must(t, host.SetLinkUp("vbridge", true))
	for i, n := range ns {
		name := []string{"veth-1", "veth-2", "veth-3"}[i]
		_, _, err := host.AddVeth(name, name+"-br", nil)
		must(t, err)
		must(t, host.MoveLink(name, n))
		must(t, host.SetMaster(name+"-br", "vbridge"))
	}
	for i, n := range ns {
		name := []string{"veth-1", "veth-2", "veth-3"}[i]
		must(t, n.AddAddr(name, pfx([]string{"192.168.28.1/24", "192.168.28.2/24", "192.168.28.3/24"}[i])))
		must(t, n.SetLinkUp(name, true))
		must(t, host.SetLinkUp(name+"-br", true))
	}
	// The "internet": the host's ens33 on 192.168.17.0/24, whose gateway
	// 192.168.17.2 is a router that also owns 203.0.113.8.
	up, err = w.AddNamespace("upstream")
	must(t, err)
	_, _, err = host.AddVeth("ens33", "eth0", up)
	must(t, err)
	must(t, host.AddAddr("ens33", pfx("192.168.17.10/24")))
	must(t, host.SetLinkUp("ens33", true))
	must(t, host.Stack().AddRoute(stack.Route{Dst: pfx("0.0.0.0/0"), Gateway: addr("192.168.17.2"), Metric: 100}))
	must(t, up.AddAddr("eth0", pfx("192.168.17.2/24")))
	must(t, up.AddAddr("eth0", pfx("203.0.113.8/24")))
	must(t, up.SetLinkUp("eth0", true))
	must(t, up.SetLinkUp("lo", true))
	return ns, up
}

func ping(t *testing.T, n *Namespace, dst string) (stack.PingReply, error) {
	t.Helper()
	return n.Ping(context.Background(), addr(dst), 2*time.Second)
}

func TestSeed002(t *testing.T) {
	w := New(Options{})
	defer w.Close()
	defer w.Warp()() // the two expected timeouts cost no wall time
	rec := &trace.Recorder{}
	defer w.Bus().Attach(rec)()
	ns, up := buildSeed002(t, w)
	host := w.Host()

	// Step 2: namespace ⇄ namespace.
	for _, c := range []struct {
		from int
		to   string
	}{{0, "192.168.28.2"}, {0, "192.168.28.3"}, {1, "192.168.28.3"}, {2, "192.168.28.1"}, {2, "192.168.28.2"}} {
		r, err := ping(t, ns[c.from], c.to)
		if err != nil {
			t.Fatalf("ns%d ping %s: %v", c.from+1, c.to, err)
		}
		if r.TTL != 64 || r.From != addr(c.to) || r.Error != "" {
			t.Fatalf("ns%d ping %s: reply %+v, want TTL 64 from %s", c.from+1, c.to, r, c.to)
		}
	}
	if len(rec.Filter(trace.Learned)) < 3 || len(rec.Filter(trace.Flooded)) == 0 {
		t.Errorf("bridge events: learned %d, flooded %d", len(rec.Filter(trace.Learned)), len(rec.Filter(trace.Flooded)))
	}

	// Step 3: no route to the host yet.
	if _, err := ping(t, ns[0], "192.168.17.10"); !errors.Is(err, stack.ErrNetworkUnreachable) {
		t.Fatalf("ns1 ping host before routes: err %v, want Network is unreachable", err)
	}
	must(t, host.AddAddr("vbridge", pfx("192.168.28.5/24")))
	for _, dst := range []string{"192.168.28.1", "192.168.28.2", "192.168.28.3"} {
		if r, err := ping(t, host, dst); err != nil || r.TTL != 64 {
			t.Fatalf("host ping %s: %+v %v", dst, r, err)
		}
	}
	if _, err := ping(t, ns[0], "192.168.17.10"); !errors.Is(err, stack.ErrNetworkUnreachable) {
		t.Fatalf("ns1 ping host without default route: err %v, want Network is unreachable", err)
	}
	for _, n := range ns {
		must(t, n.Stack().AddRoute(stack.Route{Dst: pfx("0.0.0.0/0"), Gateway: addr("192.168.28.5")}))
	}
	if r, err := ping(t, ns[0], "192.168.17.10"); err != nil || r.TTL != 64 || r.From != addr("192.168.17.10") {
		t.Fatalf("ns1 ping host's ens33 address: %+v %v", r, err)
	}

	// Step 4: the outside. Forwarding off: no reply.
	if host.Stack().Forwarding() {
		t.Fatal("ip_forward is on in a new world")
	}
	if _, err := ping(t, ns[0], "203.0.113.8"); !errors.Is(err, stack.ErrTimeout) {
		t.Fatalf("forwarding off: err %v, want timeout", err)
	}
	// Forwarding on, no NAT: upstream has no route back.
	must(t, host.Stack().SetForwarding(true))
	if _, err := ping(t, ns[0], "203.0.113.8"); !errors.Is(err, stack.ErrTimeout) {
		t.Fatalf("forwarding on without NAT: err %v, want timeout", err)
	}
	// MASQUERADE: replies come back through the host, TTL 63.
	must(t, host.Stack().Netfilter().Append("nat", "POSTROUTING", netfilter.Rule{Src: pfx("192.168.28.0/24"), Target: "MASQUERADE"}))
	seen := &trace.Recorder{Frames: true}
	detach := w.Bus().Attach(seen)
	r, err := ping(t, ns[0], "203.0.113.8")
	detach()
	if err != nil || r.TTL != 63 || r.From != addr("203.0.113.8") {
		t.Fatalf("with MASQUERADE: %+v %v, want a reply with TTL 63", r, err)
	}
	// Upstream saw the host's address as the source.
	sawHost := false
	for _, e := range seen.Filter(trace.FrameReceived) {
		if e.NS == "upstream" && e.Dev == "eth0" && len(e.Frame) >= 34 && e.Frame[12] == 0x08 && e.Frame[13] == 0x00 {
			src := netip.AddrFrom4([4]byte(e.Frame[26:30]))
			if src != addr("192.168.17.10") && src.Is4() && e.Frame[23] == 1 {
				t.Errorf("upstream received ICMP from %s, want 192.168.17.10", src)
			}
			if src == addr("192.168.17.10") && e.Frame[23] == 1 {
				sawHost = true
			}
		}
	}
	if !sawHost {
		t.Error("upstream never received the echo request from 192.168.17.10")
	}
	rules, err := host.Stack().Netfilter().List("nat")
	must(t, err)
	for _, c := range rules {
		if c.Name == "POSTROUTING" && (len(c.Rules) != 1 || c.Rules[0].Packets == 0) {
			t.Errorf("MASQUERADE rule counters: %+v", c.Rules)
		}
	}
	_ = up
}
