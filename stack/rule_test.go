package stack

import (
	"errors"
	"slices"
	"testing"

	"github.com/nsemu/nsemu/vethsim"
)

// quad is a router r with a LAN and two uplinks, each to a host that owns
// the same "internet" address 203.0.113.8 on lo:
//
//	a(eth0 10.0.1.2) ── (eth0 10.0.1.1) r (eth1 10.0.2.1) ── (eth0 10.0.2.2) u1
//	                                      (eth2 10.0.3.1) ── (eth0 10.0.3.2) u2
//
// r forwards; its main default route goes through u1.
type quad struct {
	a, r, u1, u2 *Stack
	e1, e2       *vethsim.End // u1's and u2's eth0
}

func (l *lab) quad() quad {
	q := quad{a: l.stack("a"), r: l.stack("r"), u1: l.stack("u1"), u2: l.stack("u2")}
	l.wire(q.a, "eth0", "10.0.1.2/24", q.r, "eth0", "10.0.1.1/24")
	_, q.e1 = l.wire(q.r, "eth1", "10.0.2.1/24", q.u1, "eth0", "10.0.2.2/24")
	_, q.e2 = l.wire(q.r, "eth2", "10.0.3.1/24", q.u2, "eth0", "10.0.3.2/24")
	l.route(q.a, Route{Dst: pfx("0.0.0.0/0"), Gateway: ip("10.0.1.1")})
	for _, u := range []*Stack{q.u1, q.u2} {
		must(l.t, u.SetUp("lo", true))
		must(l.t, u.AddAddress("lo", pfx("203.0.113.8/32")))
	}
	l.route(q.u1, Route{Dst: pfx("0.0.0.0/0"), Gateway: ip("10.0.2.1")})
	l.route(q.u2, Route{Dst: pfx("0.0.0.0/0"), Gateway: ip("10.0.3.1")})
	l.route(q.r, Route{Dst: pfx("0.0.0.0/0"), Gateway: ip("10.0.2.2")})
	must(l.t, q.r.SetForwarding(true))
	return q
}

// through pings 203.0.113.8 from a and checks which uplink the probe took.
func (q quad) through(l *lab, want *vethsim.End) {
	l.t.Helper()
	b1, b2 := q.e1.Counters().RxPackets, q.e2.Counters().RxPackets
	rep := l.mustPing(q.a, "203.0.113.8", PingOptions{})
	if rep.TTL != 63 {
		l.t.Errorf("reply TTL %d, want 63", rep.TTL)
	}
	l.quiet()
	d1, d2 := q.e1.Counters().RxPackets-b1, q.e2.Counters().RxPackets-b2
	if (want == q.e1) != (d1 > 0) || (want == q.e2) != (d2 > 0) {
		l.t.Errorf("u1 received %d frames, u2 %d; the probe should have gone through %s", d1, d2, want.Name())
	}
}

// TestPolicyRoutingForward: a rule sends the LAN's packets to the internet
// by table 100's default route (u2) instead of main's (u1); the rule gone,
// they go by main again.
func TestPolicyRoutingForward(t *testing.T) {
	l := newLab(t)
	q := l.quad()
	q.through(l, q.e1)
	l.route(q.r, Route{Dst: pfx("0.0.0.0/0"), Gateway: ip("10.0.3.2"), Table: 100})
	rule := Rule{From: pfx("10.0.1.0/24"), Table: 100, SuppressPrefixLength: -1}
	must(t, q.r.AddRule(rule, false))
	if got := q.r.Rules()[1]; got.Priority != 32765 || got.Table != 100 {
		t.Errorf("the new rule is %+v, want priority 32765 table 100, second", got)
	}
	q.through(l, q.e2)
	got, err := q.r.Lookup(Flow{Dst: ip("203.0.113.8"), Src: ip("10.0.1.2"), IIF: "eth0"})
	if err != nil || got.Dev != "eth2" || got.Gateway != ip("10.0.3.2") || got.Table != 100 {
		t.Errorf("r's input route = %s table %d, %v; want via 10.0.3.2 dev eth2 table 100", fmtRoute(got), got.Table, err)
	}
	// r's own packets do not come from 10.0.1.0/24: main.
	if got, err := q.r.RouteGet(ip("203.0.113.8")); err != nil || got.Dev != "eth1" {
		t.Errorf("r's own route = %s, %v; want dev eth1", fmtRoute(got), err)
	}
	must(t, q.r.DelRule(rule, false))
	q.through(l, q.e1)
}

// TestPolicyRoutingMainCannot: table 100 routes what main has no route
// for (no default route in main), and only for the LAN.
func TestPolicyRoutingMainCannot(t *testing.T) {
	l := newLab(t)
	q := l.quad()
	must(t, q.r.DelRoute(Route{Dst: pfx("0.0.0.0/0")}))
	l.route(q.r, Route{Dst: pfx("203.0.113.0/24"), Dev: "eth2", Table: 100})
	must(t, q.r.AddRule(Rule{IIF: "eth0", Table: 100, SuppressPrefixLength: -1}, false))
	// On-link in table 100: r asks u2 for 203.0.113.8, which answers for
	// its lo address.
	q.through(l, q.e2)
	if _, err := q.r.RouteGet(ip("203.0.113.8")); !errors.Is(err, ErrNetworkUnreachable) {
		t.Errorf("r's own route to 203.0.113.8: %v, want %v (iif eth0 does not match its own packets)", err, ErrNetworkUnreachable)
	}
}

// TestRuleActions: rules that refuse, jump and skip; throw routes; the
// local table first.
func TestRuleActions(t *testing.T) {
	l := newLab(t)
	d := l.duo()
	st := d.a
	l.route(st, Route{Dst: pfx("198.51.100.0/24"), Gateway: ip("10.0.0.2"), Table: 7})
	l.route(st, Route{Dst: pfx("198.51.100.128/25"), Type: "throw", Table: 7})
	l.route(st, Route{Dst: pfx("192.0.2.0/24"), Type: "prohibit", Table: 7})
	for _, r := range []struct {
		rule Rule
		prio uint32
	}{
		{Rule{To: pfx("203.0.113.1/32"), Action: RuleBlackhole}, 10},
		{Rule{To: pfx("203.0.113.2/32"), Action: RuleUnreachable}, 11},
		{Rule{To: pfx("203.0.113.3/32"), Action: RuleProhibit}, 12},
		{Rule{Action: RuleGoto, Goto: 30}, 13},
		{Rule{Table: 99}, 20}, // skipped by the goto
		{Rule{Action: RuleNop}, 30},
		{Rule{Table: 7}, 31},
	} {
		r.rule.Priority, r.rule.SuppressPrefixLength = r.prio, -1
		must(t, st.AddRule(r.rule, true))
	}
	for _, c := range []struct {
		dst  string
		dev  string
		err  error
		tbl  uint32
		kind string
	}{
		{"203.0.113.1", "", ErrInvalid, 0, "blackhole"},
		{"203.0.113.2", "", ErrNetworkUnreachable, 0, "unreachable"},
		{"203.0.113.3", "", ErrPermission, 0, "prohibit"},
		{"198.51.100.1", "eth0", nil, 7, ""},
		{"198.51.100.200", "", ErrNetworkUnreachable, 0, ""}, // thrown back to main, which has no route
		{"192.0.2.1", "", ErrPermission, 0, "prohibit"},
		{"10.0.0.1", "lo", nil, TableLocal, "local"},
	} {
		got, err := st.RouteGet(ip(c.dst))
		if !errors.Is(err, c.err) || (err == nil && (got.Dev != c.dev || got.Table != c.tbl)) || got.Type != c.kind {
			t.Errorf("RouteGet(%s) = %s table %d type %q, %v; want dev %q table %d type %q, %v", c.dst, fmtRoute(got), got.Table, got.Type, err, c.dev, c.tbl, c.kind, c.err)
		}
	}
	if err := st.DelRule(Rule{Table: 12345, SuppressPrefixLength: -1}, false); !errors.Is(err, ErrNoRule) {
		t.Errorf("DelRule(table 12345) = %v, want %v", err, ErrNoRule)
	}
	st.FlushRules()
	if got := st.Rules(); len(got) != 1 || got[0].Table != TableLocal {
		t.Errorf("after FlushRules: %+v, want the local rule alone", got)
	}
	if _, err := st.RouteGet(ip("198.51.100.1")); !errors.Is(err, ErrNetworkUnreachable) {
		t.Errorf("with no main rule, RouteGet = %v, want %v", err, ErrNetworkUnreachable)
	}
}

// TestPolicyRoutingOutput: the namespace's own packets follow the rules
// too: a rule sends r's traffic to 203.0.113.8 through table 100's
// gateway, another address of u1 on the same link as main's, which r then
// asks for by ARP.
func TestPolicyRoutingOutput(t *testing.T) {
	l := newLab(t)
	q := l.quad()
	must(t, q.u1.AddAddress("eth0", pfx("10.0.2.3/24")))
	l.route(q.r, Route{Dst: pfx("0.0.0.0/0"), Gateway: ip("10.0.2.3"), Table: 100})
	must(t, q.r.AddRule(Rule{To: pfx("203.0.113.8/32"), Table: 100, SuppressPrefixLength: -1}, false))
	rep := l.mustPing(q.r, "203.0.113.8", PingOptions{})
	if rep.TTL != 64 {
		t.Errorf("reply TTL %d, want 64", rep.TTL)
	}
	l.quiet()
	var seen []string
	for _, n := range q.r.Neighbors() {
		seen = append(seen, n.Addr.String())
	}
	if !slices.Contains(seen, "10.0.2.3") || slices.Contains(seen, "10.0.2.2") {
		t.Errorf("r's neighbours %q: the probe should have gone through 10.0.2.3 (table 100), not 10.0.2.2 (main)", seen)
	}
	// A rule that refuses: the namespace's own packet is dropped.
	must(t, q.r.AddRule(Rule{To: pfx("203.0.113.9/32"), Action: RuleBlackhole, SuppressPrefixLength: -1}, false))
	if _, err := q.r.RouteGet(ip("203.0.113.9")); !errors.Is(err, ErrInvalid) {
		t.Errorf("RouteGet(203.0.113.9) = %v, want %v", err, ErrInvalid)
	}
}
