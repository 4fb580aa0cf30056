package stack

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nsemu/nsemu/stack/netfilter"
)

func chainStat(t *testing.T, st *Stack, tbl, ch string) netfilter.ChainStat {
	t.Helper()
	cs, err := st.Netfilter().List(tbl)
	if err != nil {
		t.Fatalf("Netfilter().List(%q): %v", tbl, err)
	}
	for _, c := range cs {
		if c.Name == ch {
			return c
		}
	}
	t.Fatalf("no chain %s in %s", ch, tbl)
	return netfilter.ChainStat{}
}

// counts returns the packet counters of a chain's rules, then of its
// policy (built-in chains).
func counts(t *testing.T, st *Stack, tbl, ch string) []uint64 {
	t.Helper()
	c := chainStat(t, st, tbl, ch)
	var out []uint64
	for _, r := range c.Rules {
		out = append(out, r.Packets)
	}
	if c.Policy != "" {
		out = append(out, c.Packets)
	}
	return out
}

func checkCounts(t *testing.T, st *Stack, tbl, ch string, want ...uint64) {
	t.Helper()
	if got := counts(t, st, tbl, ch); !slices.Equal(got, want) {
		t.Errorf("%s: %s %s counters %v, want %v", st.Name(), tbl, ch, got, want)
	}
}

func mustIPT(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func port(p uint16) *netfilter.PortMatch { return &netfilter.PortMatch{Lo: p, Hi: p} }

// dialBlocked dials and fails the test unless the connection is still not
// made once the lab is quiet (the SYN went nowhere); then it gives up.
func (l *lab) dialBlocked(st *Stack, dst string) {
	l.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	type res struct {
		c   net.Conn
		err error
	}
	done := make(chan res, 1)
	opened := st.Gstack().Stats().TCP.ActiveConnectionOpenings
	before := opened.Value()
	go func() {
		c, err := st.DialTCP(ctx, netip.MustParseAddrPort(dst))
		done <- res{c, err}
	}()
	// Wait for the SYN to be sent, then for it to go where it goes.
	for deadline := time.Now().Add(10 * time.Second); opened.Value() == before && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	l.quiet()
	cancel()
	r := <-done
	if r.err == nil {
		r.c.Close()
		l.t.Errorf("%s: connected to %s", st.Name(), dst)
	} else if !errors.Is(r.err, context.Canceled) {
		l.t.Errorf("%s: dial %s: %v, want no answer at all", st.Name(), dst, r.err)
	}
}

// TestIPTablesPolicyCounters: a DROP policy on INPUT blocks ping and counts
// the probe; an ACCEPT rule lets it through; RETURN from a built-in chain
// falls to the policy (and its counter); -Z zeroes.
func TestIPTablesPolicyCounters(t *testing.T) {
	l := newLab(t)
	d := l.duo()
	mustIPT(t, d.b.Netfilter().SetPolicy("filter", "INPUT", "DROP"))
	l.expectTimeout(d.a, "10.0.0.2")
	checkCounts(t, d.b, "filter", "INPUT", 1)
	checkCounts(t, d.b, "filter", "OUTPUT", 0)
	if c := chainStat(t, d.b, "filter", "INPUT"); c.Bytes != 84 {
		t.Errorf("INPUT policy counted %d bytes, want 84 (one 56-byte probe)", c.Bytes)
	}

	mustIPT(t, d.b.Netfilter().Append("filter", "INPUT", netfilter.Rule{Proto: "icmp", Target: "ACCEPT"}))
	l.mustPing(d.a, "10.0.0.2", PingOptions{})
	checkCounts(t, d.b, "filter", "INPUT", 1, 1)
	checkCounts(t, d.b, "filter", "OUTPUT", 1) // the reply
	if c := chainStat(t, d.b, "filter", "INPUT"); c.Rules[0].Bytes != 84 {
		t.Errorf("ACCEPT rule counted %d bytes, want 84", c.Rules[0].Bytes)
	}

	mustIPT(t, d.b.Netfilter().Insert("filter", "INPUT", 1, netfilter.Rule{Proto: "icmp", Target: "RETURN"}))
	l.expectTimeout(d.a, "10.0.0.2")
	checkCounts(t, d.b, "filter", "INPUT", 1, 1, 2)

	mustIPT(t, d.b.Netfilter().Zero("filter", "INPUT"))
	checkCounts(t, d.b, "filter", "INPUT", 0, 0, 0)
	checkCounts(t, d.b, "filter", "OUTPUT", 1)
	mustIPT(t, d.b.Netfilter().Zero("filter", ""))
	checkCounts(t, d.b, "filter", "OUTPUT", 0)

	// Policy back to ACCEPT, RETURN rule still first: ping passes.
	mustIPT(t, d.b.Netfilter().SetPolicy("filter", "INPUT", "ACCEPT"))
	l.mustPing(d.a, "10.0.0.2", PingOptions{})
	checkCounts(t, d.b, "filter", "INPUT", 1, 0, 1)
	// DROP on OUTPUT of the pinger.
	mustIPT(t, d.a.Netfilter().Append("filter", "OUTPUT", netfilter.Rule{Dst: pfx("10.0.0.2/32"), Proto: "icmp", Target: "DROP"}))
	rx := d.eb.Counters().RxPackets
	l.expectTimeout(d.a, "10.0.0.2")
	checkCounts(t, d.a, "filter", "OUTPUT", 1, 0)
	l.quiet()
	if got := d.eb.Counters().RxPackets - rx; got != 0 {
		t.Errorf("b received %d frames; OUTPUT DROP let the probe out", got)
	}
}

// TestIPTablesUserChains: jumps into user chains, RETURN back, nested
// chains, and a DROP at the end of a user chain.
func TestIPTablesUserChains(t *testing.T) {
	l := newLab(t)
	d := l.duo()
	b := d.b
	mustIPT(t, b.Netfilter().NewChain("filter", "CHK"))
	mustIPT(t, b.Netfilter().NewChain("filter", "INNER"))
	mustIPT(t, b.Netfilter().Append("filter", "CHK", netfilter.Rule{Src: pfx("10.0.0.1/32"), Target: "INNER"}))
	mustIPT(t, b.Netfilter().Append("filter", "CHK", netfilter.Rule{Target: "DROP"}))
	mustIPT(t, b.Netfilter().Append("filter", "INNER", netfilter.Rule{Proto: "tcp", Target: "DROP"}))
	mustIPT(t, b.Netfilter().Append("filter", "INNER", netfilter.Rule{Proto: "icmp", Target: "RETURN"}))
	mustIPT(t, b.Netfilter().Append("filter", "INNER", netfilter.Rule{Target: "DROP"}))
	mustIPT(t, b.Netfilter().Append("filter", "CHK", netfilter.Rule{Target: "DROP"}))
	// CHK: 1 -s 10.0.0.1 -j INNER, 2 -j DROP, 3 -j DROP.
	// INNER returns ICMP, so CHK's DROP applies: make CHK return first.
	mustIPT(t, b.Netfilter().DeleteNum("filter", "CHK", 2))
	mustIPT(t, b.Netfilter().Insert("filter", "CHK", 2, netfilter.Rule{Proto: "icmp", Target: "RETURN"}))
	mustIPT(t, b.Netfilter().Append("filter", "INPUT", netfilter.Rule{Proto: "icmp", Target: "CHK"}))
	mustIPT(t, b.Netfilter().Append("filter", "INPUT", netfilter.Rule{Proto: "icmp"}))

	l.mustPing(d.a, "10.0.0.2", PingOptions{})
	checkCounts(t, b, "filter", "INPUT", 1, 1, 1)
	checkCounts(t, b, "filter", "CHK", 1, 1, 0)
	checkCounts(t, b, "filter", "INNER", 0, 1, 0)
	if c := chainStat(t, b, "filter", "CHK"); c.References != 1 {
		t.Errorf("CHK has %d references, want 1", c.References)
	}
	if c := chainStat(t, b, "filter", "INNER"); c.References != 1 {
		t.Errorf("INNER has %d references, want 1", c.References)
	}

	// INNER now drops ICMP: the probe never gets back to INPUT.
	mustIPT(t, b.Netfilter().Insert("filter", "INNER", 1, netfilter.Rule{Proto: "icmp", Target: "DROP"}))
	l.expectTimeout(d.a, "10.0.0.2")
	checkCounts(t, b, "filter", "INPUT", 2, 1, 1)
	checkCounts(t, b, "filter", "CHK", 2, 1, 0)
	checkCounts(t, b, "filter", "INNER", 1, 0, 1, 0)

	// A source the jump does not match: CHK returns ICMP at rule 2.
	mustIPT(t, b.Netfilter().DeleteNum("filter", "CHK", 1))
	mustIPT(t, b.Netfilter().Insert("filter", "CHK", 1, netfilter.Rule{Src: pfx("10.0.0.9/32"), Target: "INNER"}))
	l.mustPing(d.a, "10.0.0.2", PingOptions{})
	checkCounts(t, b, "filter", "INPUT", 3, 2, 2)
	checkCounts(t, b, "filter", "CHK", 0, 2, 0)
	checkCounts(t, b, "filter", "INNER", 1, 0, 1, 0)
	if c := chainStat(t, b, "filter", "INNER"); c.References != 1 {
		t.Errorf("INNER has %d references, want 1", c.References)
	}
}

// TestIPTablesReject: REJECT answers with the ICMP error asked for (ping
// shows it) or a TCP reset.
func TestIPTablesReject(t *testing.T) {
	tests := []struct {
		with string
		want string
	}{
		{"", "Destination Port Unreachable"},
		{"icmp-port-unreachable", "Destination Port Unreachable"},
		{"icmp-net-unreachable", "Destination Net Unreachable"},
		{"icmp-host-unreachable", "Destination Host Unreachable"},
		{"icmp-net-prohibited", "Packet filtered"},
		{"icmp-host-prohibited", "Packet filtered"},
		{"icmp-admin-prohibited", "Packet filtered"},
	}
	l := newLab(t)
	d := l.duo()
	for _, tc := range tests {
		t.Run(tc.with, func(t *testing.T) {
			mustIPT(t, d.b.Netfilter().Flush("filter", ""))
			mustIPT(t, d.b.Netfilter().Append("filter", "INPUT", netfilter.Rule{Proto: "icmp", Target: "REJECT", RejectWith: tc.with}))
			rep, err := l.ping(d.a, "10.0.0.2", PingOptions{})
			if err != nil || rep.Error != tc.want || rep.From != ip("10.0.0.2") {
				t.Errorf("ping = %+v, %v; want %q from 10.0.0.2", rep, err, tc.want)
			}
			checkCounts(t, d.b, "filter", "INPUT", 1, 0)
		})
	}
	// Kinds that cannot be emulated, or that do not fit the rule, are
	// refused when the rule is added, as iptables does.
	mustIPT(t, d.b.Netfilter().Flush("filter", ""))
	for _, r := range []netfilter.Rule{
		{Proto: "icmp", Target: "REJECT", RejectWith: "icmp-bogus"},
		{Proto: "icmp", Target: "REJECT", RejectWith: "icmp-proto-unreachable"},
		{Proto: "tcp", NotProto: true, Target: "REJECT", RejectWith: "tcp-reset"},
		{Proto: "icmp", Target: "REJECT", RejectWith: "tcp-reset"},
		{Target: "REJECT", RejectWith: "tcp-reset"},
	} {
		if err := d.b.Netfilter().Append("filter", "INPUT", r); err == nil {
			t.Errorf("appending %q succeeded", ruleText(r)+" --reject-with "+r.RejectWith)
			mustIPT(t, d.b.Netfilter().Flush("filter", ""))
		}
	}
	l.mustPing(d.a, "10.0.0.2", PingOptions{})

	// TCP: a port-unreachable or a reset refuses the connection at once.
	listen(t, d.b, "0.0.0.0:80")
	for _, with := range []string{"", "tcp-reset"} {
		mustIPT(t, d.b.Netfilter().Flush("filter", ""))
		mustIPT(t, d.b.Netfilter().Append("filter", "INPUT", netfilter.Rule{Proto: "tcp", DPort: port(80), Target: "REJECT", RejectWith: with}))
		c, err := dial(d.a, "10.0.0.2:80", 10*time.Second)
		if err == nil {
			c.Close()
			t.Errorf("reject-with %q: connection accepted", with)
		} else if !strings.Contains(err.Error(), "refused") {
			t.Errorf("reject-with %q: %v, want connection refused", with, err)
		}
		// The policy counted the ping above (flushing keeps its counter).
		checkCounts(t, d.b, "filter", "INPUT", 1, 1)
	}
}

// TestIPTablesDport: -p tcp --dport matches TCP connections; a DROP stops
// the SYN (counted once: the manual clock fires no retransmission).
func TestIPTablesDport(t *testing.T) {
	tests := []struct {
		name    string
		rule    netfilter.Rule
		blocked []string // of ports 80, 81
	}{
		{"dport 80", netfilter.Rule{Proto: "tcp", DPort: port(80), Target: "DROP"}, []string{"80"}},
		{"dport range 79:80", netfilter.Rule{Proto: "tcp", DPort: &netfilter.PortMatch{Lo: 79, Hi: 80}, Target: "DROP"}, []string{"80"}},
		{"not dport 81", netfilter.Rule{Proto: "tcp", DPort: &netfilter.PortMatch{Lo: 81, Hi: 81, Not: true}, Target: "DROP"}, []string{"80"}},
		{"dport 80:81", netfilter.Rule{Proto: "tcp", DPort: &netfilter.PortMatch{Lo: 80, Hi: 81}, Target: "DROP"}, []string{"80", "81"}},
		{"udp dport 80", netfilter.Rule{Proto: "udp", DPort: port(80), Target: "DROP"}, nil},
		{"sport 80", netfilter.Rule{Proto: "tcp", SPort: port(80), Target: "DROP"}, nil},
		{"not tcp", netfilter.Rule{Proto: "tcp", NotProto: true, Target: "DROP"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := newLab(t)
			d := l.duo()
			lns := map[string]net.Listener{"80": listen(t, d.b, "0.0.0.0:80"), "81": listen(t, d.b, "0.0.0.0:81")}
			mustIPT(t, d.b.Netfilter().Append("filter", "INPUT", tc.rule))
			var want uint64
			for _, p := range []string{"80", "81"} {
				blocked := slices.Contains(tc.blocked, p)
				if blocked {
					l.dialBlocked(d.a, "10.0.0.2:"+p)
					want++
				} else {
					exchange(t, d.a, "10.0.0.2:"+p, lns[p])
				}
			}
			// Only the blocked SYNs (the policy counts the rest of the
			// traffic, some of which may still be in flight).
			if got := counts(t, d.b, "filter", "INPUT")[0]; got != want {
				t.Errorf("%q counted %d packets, want %d", ruleText(tc.rule), got, want)
			}
			// Deleting the rule unblocks.
			mustIPT(t, d.b.Netfilter().Delete("filter", "INPUT", tc.rule))
			for _, p := range tc.blocked {
				exchange(t, d.a, "10.0.0.2:"+p, lns[p])
			}
		})
	}
}

// TestIPTablesDNAT: port forwarding, as `-t nat -A PREROUTING -i eth0 -p
// tcp --dport 8080 -j DNAT --to-destination 10.0.2.2:80` on the router.
func TestIPTablesDNAT(t *testing.T) {
	l := newLab(t)
	n := l.trio(true)
	mustIPT(t, n.r.SetForwarding(true))
	dnat := netfilter.Rule{In: "eth0", Proto: "tcp", DPort: port(8080), Target: "DNAT", ToAddr: ip("10.0.2.2"), ToPort: 80}
	mustIPT(t, n.r.Netfilter().Append("nat", "PREROUTING", dnat))
	ln := listen(t, n.b, "0.0.0.0:80")
	remote, _ := exchange(t, n.a, "10.0.1.1:8080", ln)
	if remote.Addr() != ip("10.0.1.2") {
		t.Errorf("server saw the client as %s, want 10.0.1.2 (DNAT keeps the source)", remote)
	}
	// Two connections: the nat table sees only their first packets, and
	// DNAT ends the chain (the policy counts nothing).
	exchange(t, n.a, "10.0.1.1:8080", ln)
	checkCounts(t, n.r, "nat", "PREROUTING", 2, 0)
	// Other ports of the router are its own (nothing listens: refused).
	if c, err := dial(n.a, "10.0.1.1:8081", 10*time.Second); err == nil || !strings.Contains(err.Error(), "refused") {
		t.Errorf("dial 10.0.1.1:8081 = %v, %v; want connection refused", c, err)
		if c != nil {
			c.Close()
		}
	}
	// The rule matches -i eth0 only: from b's side the port is not
	// forwarded.
	if c, err := dial(n.b, "10.0.2.1:8080", 10*time.Second); err == nil || !strings.Contains(err.Error(), "refused") {
		t.Errorf("dial 10.0.2.1:8080 from b = %v, %v; want connection refused", c, err)
		if c != nil {
			c.Close()
		}
	}
	checkCounts(t, n.r, "nat", "PREROUTING", 2, 2)
}

// TestIPTablesSourceNAT: b has no route back to a's network, so a reaches
// it only through source NAT on the router.
func TestIPTablesSourceNAT(t *testing.T) {
	tests := []struct {
		name    string
		extra   string // address added to r's eth1
		rule    netfilter.Rule
		wantSrc string // as b sees a; "" when a cannot reach b
	}{
		{"no NAT", "", netfilter.Rule{}, ""},
		{"MASQUERADE -o eth1", "", netfilter.Rule{Out: "eth1", Target: "MASQUERADE"}, "10.0.2.1"},
		{"MASQUERADE ! -o eth0 (Docker's rule)", "", netfilter.Rule{Src: pfx("10.0.1.0/24"), Out: "eth0", NotOut: true, Target: "MASQUERADE"}, "10.0.2.1"},
		{"MASQUERADE picks the far address", "10.0.2.100/24", netfilter.Rule{Out: "eth1", Target: "MASQUERADE"}, "10.0.2.1"},
		{"SNAT --to-source", "10.0.2.100/24", netfilter.Rule{Out: "eth1", Target: "SNAT", ToAddr: ip("10.0.2.100")}, "10.0.2.100"},
		{"SNAT for another source only", "", netfilter.Rule{Src: pfx("10.0.9.0/24"), Out: "eth1", Target: "SNAT", ToAddr: ip("10.0.2.1")}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := newLab(t)
			n := l.trio(false)
			mustIPT(t, n.r.SetForwarding(true))
			if tc.extra != "" {
				mustIPT(t, n.r.AddAddress("eth1", pfx(tc.extra)))
			}
			if tc.rule.Target != "" {
				mustIPT(t, n.r.Netfilter().Append("nat", "POSTROUTING", tc.rule))
			}
			if tc.wantSrc == "" {
				l.expectTimeout(n.a, "10.0.2.2")
				if tc.rule.Target != "" {
					checkCounts(t, n.r, "nat", "POSTROUTING", 0, 1)
				}
				return
			}
			rep := l.mustPing(n.a, "10.0.2.2", PingOptions{})
			if rep.From != ip("10.0.2.2") || rep.TTL != 63 {
				t.Errorf("ping through NAT: %+v, want a reply from 10.0.2.2, TTL 63", rep)
			}
			ln := listen(t, n.b, "0.0.0.0:80")
			remote, local := exchange(t, n.a, "10.0.2.2:80", ln)
			if remote.Addr() != ip(tc.wantSrc) {
				t.Errorf("b saw the client as %s, want %s", remote, tc.wantSrc)
			}
			if local.Addr() != ip("10.0.1.2") {
				t.Errorf("client's local address %s, want 10.0.1.2", local)
			}
			// One ping, one TCP connection: two first packets.
			checkCounts(t, n.r, "nat", "POSTROUTING", 2, 0)
		})
	}
}

// TestIPTablesMatches counts, with target-less rules in the router's
// FORWARD chain, which of one ping's two forwarded packets (request
// 10.0.1.2 → 10.0.2.2 in eth0 out eth1, reply back) each match takes.
func TestIPTablesMatches(t *testing.T) {
	rules := []struct {
		r    netfilter.Rule
		want uint64
	}{
		{netfilter.Rule{}, 2},
		{netfilter.Rule{Src: pfx("10.0.1.2/32")}, 1},
		{netfilter.Rule{Src: pfx("10.0.1.2/32"), NotSrc: true}, 1},
		{netfilter.Rule{Src: pfx("10.0.0.0/16")}, 2},
		{netfilter.Rule{Src: pfx("10.0.0.0/16"), NotSrc: true}, 0},
		{netfilter.Rule{Dst: pfx("10.0.2.0/24")}, 1},
		{netfilter.Rule{Dst: pfx("10.0.2.0/24"), NotDst: true}, 1},
		{netfilter.Rule{Src: pfx("10.0.1.0/24"), NotSrc: true, Dst: pfx("10.0.1.2/32")}, 1},
		{netfilter.Rule{Src: pfx("10.0.1.0/24"), NotSrc: true, Dst: pfx("10.0.2.2/32"), NotDst: true}, 1},
		{netfilter.Rule{In: "eth0"}, 1},
		{netfilter.Rule{In: "eth0", NotIn: true}, 1},
		{netfilter.Rule{Out: "eth1"}, 1},
		{netfilter.Rule{Out: "eth1", NotOut: true}, 1},
		{netfilter.Rule{Out: "eth+"}, 2},
		{netfilter.Rule{Out: "eth+", NotOut: true}, 0},
		{netfilter.Rule{Out: "eth"}, 0},
		{netfilter.Rule{In: "eth0", Out: "eth1"}, 1},
		{netfilter.Rule{Proto: "icmp"}, 2},
		{netfilter.Rule{Proto: "icmp", NotProto: true}, 0},
		{netfilter.Rule{Proto: "tcp"}, 0},
		{netfilter.Rule{Proto: "udp", NotProto: true}, 2},
		{netfilter.Rule{Proto: "all"}, 2},
	}
	l := newLab(t)
	n := l.trio(true)
	mustIPT(t, n.r.SetForwarding(true))
	for _, r := range rules {
		mustIPT(t, n.r.Netfilter().Append("filter", "FORWARD", r.r))
	}
	l.mustPing(n.a, "10.0.2.2", PingOptions{})
	got := counts(t, n.r, "filter", "FORWARD")
	for i, r := range rules {
		if got[i] != r.want {
			t.Errorf("%q matched %d packets, want %d", ruleText(r.r), got[i], r.want)
		}
	}
	if p := got[len(got)-1]; p != 2 {
		t.Errorf("FORWARD policy counted %d, want 2", p)
	}

	// A DROP with an inverted source stops the reply only: b answers, a
	// times out.
	mustIPT(t, n.r.Netfilter().Flush("filter", "FORWARD"))
	mustIPT(t, n.r.Netfilter().Zero("filter", ""))
	mustIPT(t, n.r.Netfilter().Append("filter", "FORWARD", netfilter.Rule{Src: pfx("10.0.1.2/32"), NotSrc: true, Target: "DROP"}))
	mustIPT(t, n.b.Netfilter().Append("filter", "OUTPUT", netfilter.Rule{Proto: "icmp"}))
	l.expectTimeout(n.a, "10.0.2.2")
	checkCounts(t, n.r, "filter", "FORWARD", 1, 1)
	checkCounts(t, n.b, "filter", "OUTPUT", 1, 1)
}

// TestIPTablesMangle: rules in mangle count (and do not break anything
// else that gVisor checks the table for).
func TestIPTablesMangle(t *testing.T) {
	l := newLab(t)
	n := l.trio(true)
	mustIPT(t, n.r.SetForwarding(true))
	mustIPT(t, n.r.Netfilter().Append("mangle", "PREROUTING", netfilter.Rule{Proto: "icmp"}))
	mustIPT(t, n.a.Netfilter().Append("mangle", "OUTPUT", netfilter.Rule{Proto: "icmp"}))
	for i := 0; i < 2; i++ {
		l.mustPing(n.a, "10.0.2.2", PingOptions{})
	}
	l.mustPing(n.a, "10.0.1.1", PingOptions{})
	checkCounts(t, n.r, "mangle", "PREROUTING", 5, 5)
	checkCounts(t, n.a, "mangle", "OUTPUT", 3, 3)
	// TTL expiry still answered with the rules in place.
	if rep, err := l.ping(n.a, "10.0.2.2", PingOptions{TTL: 1}); err != nil || rep.Error != "Time to live exceeded" {
		t.Errorf("ping -t 1 = %+v, %v; want Time to live exceeded", rep, err)
	}
	checkCounts(t, n.r, "mangle", "PREROUTING", 6, 6)
}

// TestIPTablesLog: LOG writes a kernel log line and goes on.
func TestIPTablesLog(t *testing.T) {
	l := newLab(t)
	d := l.duo()
	mustIPT(t, d.b.Netfilter().Append("filter", "INPUT", netfilter.Rule{Proto: "icmp", Target: "LOG", LogPrefix: "IN: "}))
	mustIPT(t, d.b.Netfilter().Append("filter", "INPUT", netfilter.Rule{Proto: "icmp", Target: "DROP"}))
	l.expectTimeout(d.a, "10.0.0.2")
	checkCounts(t, d.b, "filter", "INPUT", 1, 1, 0)
	lines := d.b.KernelLog()
	if len(lines) != 1 {
		t.Fatalf("kernel log %v, want one line", lines)
	}
	for _, w := range []string{"IN: SRC=10.0.0.1 DST=10.0.0.2 LEN=84 ", "TTL=64", "PROTO=ICMP TYPE=8 CODE=0"} {
		if !strings.Contains(lines[0].Text, w) {
			t.Errorf("log line %q lacks %q", lines[0].Text, w)
		}
	}
}

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
	must(tr.r.Netfilter().SetPolicy("filter", "FORWARD", "DROP"))
	must(tr.r.Netfilter().Append("filter", "FORWARD", netfilter.Rule{Out: "eth0", CtState: "RELATED,ESTABLISHED", Target: "ACCEPT"}))
	must(tr.r.Netfilter().Append("filter", "FORWARD", netfilter.Rule{In: "eth0", Target: "ACCEPT"}))

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

	chains, err := tr.r.Netfilter().List("filter")
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
	must(tr.r.Netfilter().Append("filter", "INPUT", netfilter.Rule{Proto: "icmp", DstType: "LOCAL", Target: "DROP"}))
	must(tr.r.Netfilter().Append("filter", "FORWARD", netfilter.Rule{Proto: "icmp", DstType: "LOCAL", NotDstType: true}))
	l.mustPing(tr.a, "10.0.2.2", PingOptions{})
	l.expectTimeout(tr.a, "10.0.2.1")
	chains, err := tr.r.Netfilter().List("filter")
	must(err)
	for _, ch := range chains {
		if ch.Name == "FORWARD" && ch.Rules[0].Packets != 2 {
			t.Fatalf("! --dst-type LOCAL in FORWARD counted %d packets, want 2 (request and reply)", ch.Rules[0].Packets)
		}
	}
	if err := tr.r.Netfilter().Append("filter", "INPUT", netfilter.Rule{DstType: "BROADCAST"}); err == nil {
		t.Fatal("--dst-type BROADCAST was accepted: it is not emulated")
	}
	if err := tr.r.Netfilter().Append("filter", "INPUT", netfilter.Rule{CtState: "NEW,BOGUS"}); err == nil {
		t.Fatal("--ctstate BOGUS was accepted")
	}
}

// ruleText renders a rule as iptables -S does (after -A CHAIN).
func ruleText(r netfilter.Rule) string { return strings.Join(netfilter.RuleArgs(r, nil), " ") }
