package stack

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"
)

// fmtRule renders a rule in iptables' syntax (without -A CHAIN).
func fmtRule(r Rule) string {
	var b []string
	not := func(n bool) {
		if n {
			b = append(b, "!")
		}
	}
	if r.Src.IsValid() {
		not(r.NotSrc)
		b = append(b, "-s", r.Src.String())
	}
	if r.Dst.IsValid() {
		not(r.NotDst)
		b = append(b, "-d", r.Dst.String())
	}
	if r.In != "" {
		not(r.NotIn)
		b = append(b, "-i", r.In)
	}
	if r.Out != "" {
		not(r.NotOut)
		b = append(b, "-o", r.Out)
	}
	if r.Proto != "" {
		not(r.NotProto)
		b = append(b, "-p", r.Proto)
	}
	port := func(flag string, p *PortMatch) {
		if p == nil {
			return
		}
		not(p.Not)
		if p.Lo == p.Hi {
			b = append(b, flag, fmt.Sprint(p.Lo))
		} else {
			b = append(b, flag, fmt.Sprintf("%d:%d", p.Lo, p.Hi))
		}
	}
	port("--sport", r.SPort)
	port("--dport", r.DPort)
	if r.Target != "" {
		b = append(b, "-j", r.Target)
	}
	if r.ToAddr.IsValid() {
		to := r.ToAddr.String()
		if r.ToPort != 0 {
			to += fmt.Sprintf(":%d", r.ToPort)
		}
		b = append(b, "--to", to)
	}
	return strings.Join(b, " ")
}

// dump renders a table: "CHAIN (policy P)" or "CHAIN (N references)",
// then its rules.
func dump(t *testing.T, st *Stack, tbl string) []string {
	t.Helper()
	cs, err := st.IPTablesList(tbl)
	if err != nil {
		t.Fatalf("IPTablesList(%q): %v", tbl, err)
	}
	var out []string
	for _, c := range cs {
		if c.Policy != "" {
			out = append(out, fmt.Sprintf("%s (policy %s)", c.Name, c.Policy))
		} else {
			out = append(out, fmt.Sprintf("%s (%d references)", c.Name, c.References))
		}
		for _, r := range c.Rules {
			out = append(out, "  "+fmtRule(r.Rule))
		}
	}
	return out
}

func chainStat(t *testing.T, st *Stack, tbl, ch string) ChainStat {
	t.Helper()
	cs, err := st.IPTablesList(tbl)
	if err != nil {
		t.Fatalf("IPTablesList(%q): %v", tbl, err)
	}
	for _, c := range cs {
		if c.Name == ch {
			return c
		}
	}
	t.Fatalf("no chain %s in %s", ch, tbl)
	return ChainStat{}
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

func port(p uint16) *PortMatch { return &PortMatch{Lo: p, Hi: p} }

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

// TestIPTablesEditing edits chains step by step; each step's outcome and
// the whole filter and nat tables after it are checked. A refused change
// leaves everything as it was.
func TestIPTablesEditing(t *testing.T) {
	l := newLab(t)
	st := l.stack("ns")
	drop1 := Rule{Src: pfx("10.0.0.1/32"), Target: "DROP"}
	ssh := Rule{Proto: "tcp", DPort: port(22), Target: "ACCEPT"}
	web := Rule{Proto: "tcp", DPort: &PortMatch{Lo: 80, Hi: 443}, Target: "ACCEPT"}
	count := Rule{Proto: "icmp"}
	// fEnd is filter once the user chains are gone.
	fEnd := []string{"INPUT (policy ACCEPT)", "FORWARD (policy DROP)", "OUTPUT (policy ACCEPT)"}
	natBase := []string{"PREROUTING (policy ACCEPT)", "INPUT (policy ACCEPT)", "OUTPUT (policy ACCEPT)", "POSTROUTING (policy ACCEPT)"}
	with := func(lines ...string) []string { return lines }
	steps := []struct {
		name   string
		op     func() error
		is     error
		filter []string
		nat    []string // nil: natBase
	}{
		{"append", func() error { return st.IPTablesAppend("filter", "INPUT", drop1) }, nil,
			with("INPUT (policy ACCEPT)", "  -s 10.0.0.1/32 -j DROP", "FORWARD (policy ACCEPT)", "OUTPUT (policy ACCEPT)"), nil},
		{"append second", func() error { return st.IPTablesAppend("filter", "INPUT", web) }, nil,
			with("INPUT (policy ACCEPT)", "  -s 10.0.0.1/32 -j DROP", "  -p tcp --dport 80:443 -j ACCEPT", "FORWARD (policy ACCEPT)", "OUTPUT (policy ACCEPT)"), nil},
		{"insert first", func() error { return st.IPTablesInsert("filter", "INPUT", 1, ssh) }, nil,
			with("INPUT (policy ACCEPT)", "  -p tcp --dport 22 -j ACCEPT", "  -s 10.0.0.1/32 -j DROP", "  -p tcp --dport 80:443 -j ACCEPT", "FORWARD (policy ACCEPT)", "OUTPUT (policy ACCEPT)"), nil},
		{"insert at len+1 appends", func() error { return st.IPTablesInsert("filter", "INPUT", 4, count) }, nil,
			with("INPUT (policy ACCEPT)", "  -p tcp --dport 22 -j ACCEPT", "  -s 10.0.0.1/32 -j DROP", "  -p tcp --dport 80:443 -j ACCEPT", "  -p icmp", "FORWARD (policy ACCEPT)", "OUTPUT (policy ACCEPT)"), nil},
		{"insert too far", func() error { return st.IPTablesInsert("filter", "INPUT", 6, count) }, ErrIndex,
			with("INPUT (policy ACCEPT)", "  -p tcp --dport 22 -j ACCEPT", "  -s 10.0.0.1/32 -j DROP", "  -p tcp --dport 80:443 -j ACCEPT", "  -p icmp", "FORWARD (policy ACCEPT)", "OUTPUT (policy ACCEPT)"), nil},
		{"insert at 0", func() error { return st.IPTablesInsert("filter", "INPUT", 0, count) }, ErrIndex,
			with("INPUT (policy ACCEPT)", "  -p tcp --dport 22 -j ACCEPT", "  -s 10.0.0.1/32 -j DROP", "  -p tcp --dport 80:443 -j ACCEPT", "  -p icmp", "FORWARD (policy ACCEPT)", "OUTPUT (policy ACCEPT)"), nil},
		{"delete by rule (a copy)", func() error {
			return st.IPTablesDelete("filter", "INPUT", Rule{Proto: "tcp", DPort: &PortMatch{Lo: 80, Hi: 443}, Target: "ACCEPT"})
		}, nil,
			with("INPUT (policy ACCEPT)", "  -p tcp --dport 22 -j ACCEPT", "  -s 10.0.0.1/32 -j DROP", "  -p icmp", "FORWARD (policy ACCEPT)", "OUTPUT (policy ACCEPT)"), nil},
		{"delete a rule that differs in a port", func() error {
			return st.IPTablesDelete("filter", "INPUT", Rule{Proto: "tcp", DPort: port(23), Target: "ACCEPT"})
		}, ErrBadRule,
			with("INPUT (policy ACCEPT)", "  -p tcp --dport 22 -j ACCEPT", "  -s 10.0.0.1/32 -j DROP", "  -p icmp", "FORWARD (policy ACCEPT)", "OUTPUT (policy ACCEPT)"), nil},
		{"delete a rule that differs in the target", func() error {
			return st.IPTablesDelete("filter", "INPUT", Rule{Src: pfx("10.0.0.1/32"), Target: "ACCEPT"})
		}, ErrBadRule,
			with("INPUT (policy ACCEPT)", "  -p tcp --dport 22 -j ACCEPT", "  -s 10.0.0.1/32 -j DROP", "  -p icmp", "FORWARD (policy ACCEPT)", "OUTPUT (policy ACCEPT)"), nil},
		{"delete by number", func() error { return st.IPTablesDeleteNum("filter", "INPUT", 2) }, nil,
			with("INPUT (policy ACCEPT)", "  -p tcp --dport 22 -j ACCEPT", "  -p icmp", "FORWARD (policy ACCEPT)", "OUTPUT (policy ACCEPT)"), nil},
		{"delete number 0", func() error { return st.IPTablesDeleteNum("filter", "INPUT", 0) }, errAny,
			with("INPUT (policy ACCEPT)", "  -p tcp --dport 22 -j ACCEPT", "  -p icmp", "FORWARD (policy ACCEPT)", "OUTPUT (policy ACCEPT)"), nil},
		{"delete number too big", func() error { return st.IPTablesDeleteNum("filter", "INPUT", 3) }, errAny,
			with("INPUT (policy ACCEPT)", "  -p tcp --dport 22 -j ACCEPT", "  -p icmp", "FORWARD (policy ACCEPT)", "OUTPUT (policy ACCEPT)"), nil},
		{"output rule", func() error { return st.IPTablesAppend("filter", "OUTPUT", drop1) }, nil,
			with("INPUT (policy ACCEPT)", "  -p tcp --dport 22 -j ACCEPT", "  -p icmp", "FORWARD (policy ACCEPT)", "OUTPUT (policy ACCEPT)", "  -s 10.0.0.1/32 -j DROP"), nil},
		{"flush one chain", func() error { return st.IPTablesFlush("filter", "INPUT") }, nil,
			with("INPUT (policy ACCEPT)", "FORWARD (policy ACCEPT)", "OUTPUT (policy ACCEPT)", "  -s 10.0.0.1/32 -j DROP"), nil},
		{"policy", func() error { return st.IPTablesPolicy("filter", "FORWARD", "DROP") }, nil,
			with("INPUT (policy ACCEPT)", "FORWARD (policy DROP)", "OUTPUT (policy ACCEPT)", "  -s 10.0.0.1/32 -j DROP"), nil},
		{"policy REJECT", func() error { return st.IPTablesPolicy("filter", "FORWARD", "REJECT") }, ErrBadBuiltin,
			with("INPUT (policy ACCEPT)", "FORWARD (policy DROP)", "OUTPUT (policy ACCEPT)", "  -s 10.0.0.1/32 -j DROP"), nil},
		{"flush the table (policies stay)", func() error { return st.IPTablesFlush("filter", "") }, nil,
			with("INPUT (policy ACCEPT)", "FORWARD (policy DROP)", "OUTPUT (policy ACCEPT)"), nil},
		{"new chain", func() error { return st.IPTablesNewChain("filter", "CHK") }, nil,
			with("INPUT (policy ACCEPT)", "FORWARD (policy DROP)", "OUTPUT (policy ACCEPT)", "CHK (0 references)"), nil},
		{"new chain again", func() error { return st.IPTablesNewChain("filter", "CHK") }, ErrChainExists,
			with("INPUT (policy ACCEPT)", "FORWARD (policy DROP)", "OUTPUT (policy ACCEPT)", "CHK (0 references)"), nil},
		{"new chain named like a built-in chain", func() error { return st.IPTablesNewChain("filter", "INPUT") }, ErrChainExists,
			with("INPUT (policy ACCEPT)", "FORWARD (policy DROP)", "OUTPUT (policy ACCEPT)", "CHK (0 references)"), nil},
		{"new chain named like a target", func() error { return st.IPTablesNewChain("filter", "ACCEPT") }, ErrChainExists,
			with("INPUT (policy ACCEPT)", "FORWARD (policy DROP)", "OUTPUT (policy ACCEPT)", "CHK (0 references)"), nil},
		{"new chain with a space", func() error { return st.IPTablesNewChain("filter", "A B") }, errAny,
			with("INPUT (policy ACCEPT)", "FORWARD (policy DROP)", "OUTPUT (policy ACCEPT)", "CHK (0 references)"), nil},
		{"new chain name too long", func() error { return st.IPTablesNewChain("filter", strings.Repeat("C", 29)) }, errAny,
			with("INPUT (policy ACCEPT)", "FORWARD (policy DROP)", "OUTPUT (policy ACCEPT)", "CHK (0 references)"), nil},
		{"user chain policy", func() error { return st.IPTablesPolicy("filter", "CHK", "DROP") }, ErrBadBuiltin,
			with("INPUT (policy ACCEPT)", "FORWARD (policy DROP)", "OUTPUT (policy ACCEPT)", "CHK (0 references)"), nil},
		{"jump to it", func() error { return st.IPTablesAppend("filter", "INPUT", Rule{Proto: "icmp", Target: "CHK"}) }, nil,
			with("INPUT (policy ACCEPT)", "  -p icmp -j CHK", "FORWARD (policy DROP)", "OUTPUT (policy ACCEPT)", "CHK (1 references)"), nil},
		{"jump to a missing chain", func() error { return st.IPTablesAppend("filter", "INPUT", Rule{Target: "NOPE"}) }, errAny,
			with("INPUT (policy ACCEPT)", "  -p icmp -j CHK", "FORWARD (policy DROP)", "OUTPUT (policy ACCEPT)", "CHK (1 references)"), nil},
		{"jump to a built-in chain", func() error { return st.IPTablesAppend("filter", "INPUT", Rule{Target: "OUTPUT"}) }, errAny,
			with("INPUT (policy ACCEPT)", "  -p icmp -j CHK", "FORWARD (policy DROP)", "OUTPUT (policy ACCEPT)", "CHK (1 references)"), nil},
		{"delete a referenced chain", func() error { return st.IPTablesDeleteChain("filter", "CHK") }, ErrChainInUse,
			with("INPUT (policy ACCEPT)", "  -p icmp -j CHK", "FORWARD (policy DROP)", "OUTPUT (policy ACCEPT)", "CHK (1 references)"), nil},
		{"rule in it", func() error { return st.IPTablesAppend("filter", "CHK", Rule{Target: "RETURN"}) }, nil,
			with("INPUT (policy ACCEPT)", "  -p icmp -j CHK", "FORWARD (policy DROP)", "OUTPUT (policy ACCEPT)", "CHK (1 references)", "  -j RETURN"), nil},
		{"unreference it", func() error { return st.IPTablesDeleteNum("filter", "INPUT", 1) }, nil,
			with("INPUT (policy ACCEPT)", "FORWARD (policy DROP)", "OUTPUT (policy ACCEPT)", "CHK (0 references)", "  -j RETURN"), nil},
		{"delete a non-empty chain", func() error { return st.IPTablesDeleteChain("filter", "CHK") }, ErrChainNotEmpty,
			with("INPUT (policy ACCEPT)", "FORWARD (policy DROP)", "OUTPUT (policy ACCEPT)", "CHK (0 references)", "  -j RETURN"), nil},
		{"delete a built-in chain", func() error { return st.IPTablesDeleteChain("filter", "INPUT") }, errAny,
			with("INPUT (policy ACCEPT)", "FORWARD (policy DROP)", "OUTPUT (policy ACCEPT)", "CHK (0 references)", "  -j RETURN"), nil},
		{"flush it", func() error { return st.IPTablesFlush("filter", "CHK") }, nil,
			with("INPUT (policy ACCEPT)", "FORWARD (policy DROP)", "OUTPUT (policy ACCEPT)", "CHK (0 references)"), nil},
		{"second chain", func() error { return st.IPTablesNewChain("filter", "CHK2") }, nil,
			with("INPUT (policy ACCEPT)", "FORWARD (policy DROP)", "OUTPUT (policy ACCEPT)", "CHK (0 references)", "CHK2 (0 references)"), nil},
		{"delete one", func() error { return st.IPTablesDeleteChain("filter", "CHK") }, nil,
			with("INPUT (policy ACCEPT)", "FORWARD (policy DROP)", "OUTPUT (policy ACCEPT)", "CHK2 (0 references)"), nil},
		{"delete all user chains", func() error { return st.IPTablesDeleteChain("filter", "") }, nil,
			fEnd, nil},
		// nat
		{"DNAT in POSTROUTING", func() error {
			return st.IPTablesAppend("nat", "POSTROUTING", Rule{Target: "DNAT", ToAddr: ip("10.0.0.2")})
		}, ErrInvalid, fEnd, nil},
		{"DNAT in filter", func() error {
			return st.IPTablesAppend("filter", "INPUT", Rule{Target: "DNAT", ToAddr: ip("10.0.0.2")})
		}, ErrInvalid,
			fEnd, nil},
		{"MASQUERADE in PREROUTING", func() error { return st.IPTablesAppend("nat", "PREROUTING", Rule{Target: "MASQUERADE"}) }, ErrInvalid,
			fEnd, nil},
		{"SNAT without --to-source", func() error { return st.IPTablesAppend("nat", "POSTROUTING", Rule{Target: "SNAT"}) }, errAny,
			fEnd, nil},
		{"DNAT without --to-destination", func() error { return st.IPTablesAppend("nat", "PREROUTING", Rule{Target: "DNAT"}) }, errAny,
			fEnd, nil},
		{"nat chain", func() error { return st.IPTablesNewChain("nat", "PF") }, nil,
			fEnd, with(append(natBase[:4:4], "PF (0 references)")...)},
		{"DNAT in it", func() error {
			return st.IPTablesAppend("nat", "PF", Rule{Proto: "tcp", DPort: port(8080), Target: "DNAT", ToAddr: ip("10.0.0.2"), ToPort: 80})
		}, nil, fEnd, with(append(natBase[:4:4], "PF (0 references)", "  -p tcp --dport 8080 -j DNAT --to 10.0.0.2:80")...)},
		{"jump to it from POSTROUTING", func() error { return st.IPTablesAppend("nat", "POSTROUTING", Rule{Target: "PF"}) }, ErrInvalid,
			fEnd, with(append(natBase[:4:4], "PF (0 references)", "  -p tcp --dport 8080 -j DNAT --to 10.0.0.2:80")...)},
		{"jump to it from PREROUTING", func() error { return st.IPTablesAppend("nat", "PREROUTING", Rule{Target: "PF"}) }, nil,
			fEnd, with("PREROUTING (policy ACCEPT)", "  -j PF", "INPUT (policy ACCEPT)", "OUTPUT (policy ACCEPT)", "POSTROUTING (policy ACCEPT)",
				"PF (1 references)", "  -p tcp --dport 8080 -j DNAT --to 10.0.0.2:80")},
		{"MASQUERADE in the chain PREROUTING jumps to", func() error { return st.IPTablesInsert("nat", "PF", 1, Rule{Target: "MASQUERADE"}) }, ErrInvalid,
			fEnd, with("PREROUTING (policy ACCEPT)", "  -j PF", "INPUT (policy ACCEPT)", "OUTPUT (policy ACCEPT)", "POSTROUTING (policy ACCEPT)",
				"PF (1 references)", "  -p tcp --dport 8080 -j DNAT --to 10.0.0.2:80")},
		{"flush nat", func() error { return st.IPTablesFlush("nat", "") }, nil,
			fEnd, with(append(natBase[:4:4], "PF (0 references)")...)},
	}
	for _, s := range steps {
		err := s.op()
		if !isErr(err, s.is) {
			t.Fatalf("%s: err = %v, want %v", s.name, err, s.is)
		}
		if got := dump(t, st, "filter"); !slices.Equal(got, s.filter) {
			t.Errorf("%s: filter\n%q\nwant\n%q", s.name, got, s.filter)
		}
		wantN := s.nat
		if wantN == nil {
			wantN = natBase
		}
		if got := dump(t, st, "nat"); !slices.Equal(got, wantN) {
			t.Errorf("%s: nat\n%q\nwant\n%q", s.name, got, wantN)
		}
	}
}

// TestIPTablesLookupErrors: unknown tables and chains, for every call.
func TestIPTablesLookupErrors(t *testing.T) {
	l := newLab(t)
	st := l.stack("ns")
	ops := map[string]func(tbl, ch string) error{
		"append":       func(tbl, ch string) error { return st.IPTablesAppend(tbl, ch, Rule{Target: "ACCEPT"}) },
		"insert":       func(tbl, ch string) error { return st.IPTablesInsert(tbl, ch, 1, Rule{Target: "ACCEPT"}) },
		"delete":       func(tbl, ch string) error { return st.IPTablesDelete(tbl, ch, Rule{Target: "ACCEPT"}) },
		"delete num":   func(tbl, ch string) error { return st.IPTablesDeleteNum(tbl, ch, 1) },
		"flush":        func(tbl, ch string) error { return st.IPTablesFlush(tbl, ch) },
		"zero":         func(tbl, ch string) error { return st.IPTablesZero(tbl, ch) },
		"policy":       func(tbl, ch string) error { return st.IPTablesPolicy(tbl, ch, "DROP") },
		"delete chain": func(tbl, ch string) error { return st.IPTablesDeleteChain(tbl, ch) },
	}
	for name, op := range ops {
		if err := op("filter", "NOPE"); !errors.Is(err, ErrNoChain) {
			t.Errorf("%s on a missing chain: %v, want %v", name, err, ErrNoChain)
		}
		err := op("raw2", "INPUT")
		var te *TableError
		if !errors.As(err, &te) || te.Table != "raw2" || !strings.Contains(err.Error(), "`raw2'") {
			t.Errorf("%s on a missing table: %#v, want a *TableError naming raw2", name, err)
		}
	}
	var te *TableError
	if err := st.IPTablesNewChain("raw2", "X"); !errors.As(err, &te) {
		t.Errorf("new chain in a missing table: %v", err)
	}
	if _, err := st.IPTablesList("raw2"); !errors.As(err, &te) {
		t.Errorf("listing a missing table: %v", err)
	}
	for _, tbl := range st.IPTablesTables() {
		if _, err := st.IPTablesList(tbl); err != nil {
			t.Errorf("listing %s: %v", tbl, err)
		}
	}
}

// TestIPTablesPolicyCounters: a DROP policy on INPUT blocks ping and counts
// the probe; an ACCEPT rule lets it through; RETURN from a built-in chain
// falls to the policy (and its counter); -Z zeroes.
func TestIPTablesPolicyCounters(t *testing.T) {
	l := newLab(t)
	d := l.duo()
	mustIPT(t, d.b.IPTablesPolicy("filter", "INPUT", "DROP"))
	l.expectTimeout(d.a, "10.0.0.2")
	checkCounts(t, d.b, "filter", "INPUT", 1)
	checkCounts(t, d.b, "filter", "OUTPUT", 0)
	if c := chainStat(t, d.b, "filter", "INPUT"); c.Bytes != 84 {
		t.Errorf("INPUT policy counted %d bytes, want 84 (one 56-byte probe)", c.Bytes)
	}

	mustIPT(t, d.b.IPTablesAppend("filter", "INPUT", Rule{Proto: "icmp", Target: "ACCEPT"}))
	l.mustPing(d.a, "10.0.0.2", PingOptions{})
	checkCounts(t, d.b, "filter", "INPUT", 1, 1)
	checkCounts(t, d.b, "filter", "OUTPUT", 1) // the reply
	if c := chainStat(t, d.b, "filter", "INPUT"); c.Rules[0].Bytes != 84 {
		t.Errorf("ACCEPT rule counted %d bytes, want 84", c.Rules[0].Bytes)
	}

	mustIPT(t, d.b.IPTablesInsert("filter", "INPUT", 1, Rule{Proto: "icmp", Target: "RETURN"}))
	l.expectTimeout(d.a, "10.0.0.2")
	checkCounts(t, d.b, "filter", "INPUT", 1, 1, 2)

	mustIPT(t, d.b.IPTablesZero("filter", "INPUT"))
	checkCounts(t, d.b, "filter", "INPUT", 0, 0, 0)
	checkCounts(t, d.b, "filter", "OUTPUT", 1)
	mustIPT(t, d.b.IPTablesZero("filter", ""))
	checkCounts(t, d.b, "filter", "OUTPUT", 0)

	// Policy back to ACCEPT, RETURN rule still first: ping passes.
	mustIPT(t, d.b.IPTablesPolicy("filter", "INPUT", "ACCEPT"))
	l.mustPing(d.a, "10.0.0.2", PingOptions{})
	checkCounts(t, d.b, "filter", "INPUT", 1, 0, 1)
	// DROP on OUTPUT of the pinger.
	mustIPT(t, d.a.IPTablesAppend("filter", "OUTPUT", Rule{Dst: pfx("10.0.0.2/32"), Proto: "icmp", Target: "DROP"}))
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
	mustIPT(t, b.IPTablesNewChain("filter", "CHK"))
	mustIPT(t, b.IPTablesNewChain("filter", "INNER"))
	mustIPT(t, b.IPTablesAppend("filter", "CHK", Rule{Src: pfx("10.0.0.1/32"), Target: "INNER"}))
	mustIPT(t, b.IPTablesAppend("filter", "CHK", Rule{Target: "DROP"}))
	mustIPT(t, b.IPTablesAppend("filter", "INNER", Rule{Proto: "tcp", Target: "DROP"}))
	mustIPT(t, b.IPTablesAppend("filter", "INNER", Rule{Proto: "icmp", Target: "RETURN"}))
	mustIPT(t, b.IPTablesAppend("filter", "INNER", Rule{Target: "DROP"}))
	mustIPT(t, b.IPTablesAppend("filter", "CHK", Rule{Target: "DROP"}))
	// CHK: 1 -s 10.0.0.1 -j INNER, 2 -j DROP, 3 -j DROP.
	// INNER returns ICMP, so CHK's DROP applies: make CHK return first.
	mustIPT(t, b.IPTablesDeleteNum("filter", "CHK", 2))
	mustIPT(t, b.IPTablesInsert("filter", "CHK", 2, Rule{Proto: "icmp", Target: "RETURN"}))
	mustIPT(t, b.IPTablesAppend("filter", "INPUT", Rule{Proto: "icmp", Target: "CHK"}))
	mustIPT(t, b.IPTablesAppend("filter", "INPUT", Rule{Proto: "icmp"}))

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
	mustIPT(t, b.IPTablesInsert("filter", "INNER", 1, Rule{Proto: "icmp", Target: "DROP"}))
	l.expectTimeout(d.a, "10.0.0.2")
	checkCounts(t, b, "filter", "INPUT", 2, 1, 1)
	checkCounts(t, b, "filter", "CHK", 2, 1, 0)
	checkCounts(t, b, "filter", "INNER", 1, 0, 1, 0)

	// A source the jump does not match: CHK returns ICMP at rule 2.
	mustIPT(t, b.IPTablesDeleteNum("filter", "CHK", 1))
	mustIPT(t, b.IPTablesInsert("filter", "CHK", 1, Rule{Src: pfx("10.0.0.9/32"), Target: "INNER"}))
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
			mustIPT(t, d.b.IPTablesFlush("filter", ""))
			mustIPT(t, d.b.IPTablesAppend("filter", "INPUT", Rule{Proto: "icmp", Target: "REJECT", RejectWith: tc.with}))
			rep, err := l.ping(d.a, "10.0.0.2", PingOptions{})
			if err != nil || rep.Error != tc.want || rep.From != ip("10.0.0.2") {
				t.Errorf("ping = %+v, %v; want %q from 10.0.0.2", rep, err, tc.want)
			}
			checkCounts(t, d.b, "filter", "INPUT", 1, 0)
		})
	}
	// Kinds that cannot be emulated, or that do not fit the rule, are
	// refused when the rule is added, as iptables does.
	mustIPT(t, d.b.IPTablesFlush("filter", ""))
	for _, r := range []Rule{
		{Proto: "icmp", Target: "REJECT", RejectWith: "icmp-bogus"},
		{Proto: "icmp", Target: "REJECT", RejectWith: "icmp-proto-unreachable"},
		{Proto: "tcp", NotProto: true, Target: "REJECT", RejectWith: "tcp-reset"},
		{Proto: "icmp", Target: "REJECT", RejectWith: "tcp-reset"},
		{Target: "REJECT", RejectWith: "tcp-reset"},
	} {
		if err := d.b.IPTablesAppend("filter", "INPUT", r); err == nil {
			t.Errorf("appending %q succeeded", fmtRule(r)+" --reject-with "+r.RejectWith)
			mustIPT(t, d.b.IPTablesFlush("filter", ""))
		}
	}
	l.mustPing(d.a, "10.0.0.2", PingOptions{})

	// TCP: a port-unreachable or a reset refuses the connection at once.
	listen(t, d.b, "0.0.0.0:80")
	for _, with := range []string{"", "tcp-reset"} {
		mustIPT(t, d.b.IPTablesFlush("filter", ""))
		mustIPT(t, d.b.IPTablesAppend("filter", "INPUT", Rule{Proto: "tcp", DPort: port(80), Target: "REJECT", RejectWith: with}))
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
		rule    Rule
		blocked []string // of ports 80, 81
	}{
		{"dport 80", Rule{Proto: "tcp", DPort: port(80), Target: "DROP"}, []string{"80"}},
		{"dport range 79:80", Rule{Proto: "tcp", DPort: &PortMatch{Lo: 79, Hi: 80}, Target: "DROP"}, []string{"80"}},
		{"not dport 81", Rule{Proto: "tcp", DPort: &PortMatch{Lo: 81, Hi: 81, Not: true}, Target: "DROP"}, []string{"80"}},
		{"dport 80:81", Rule{Proto: "tcp", DPort: &PortMatch{Lo: 80, Hi: 81}, Target: "DROP"}, []string{"80", "81"}},
		{"udp dport 80", Rule{Proto: "udp", DPort: port(80), Target: "DROP"}, nil},
		{"sport 80", Rule{Proto: "tcp", SPort: port(80), Target: "DROP"}, nil},
		{"not tcp", Rule{Proto: "tcp", NotProto: true, Target: "DROP"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := newLab(t)
			d := l.duo()
			lns := map[string]net.Listener{"80": listen(t, d.b, "0.0.0.0:80"), "81": listen(t, d.b, "0.0.0.0:81")}
			mustIPT(t, d.b.IPTablesAppend("filter", "INPUT", tc.rule))
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
				t.Errorf("%q counted %d packets, want %d", fmtRule(tc.rule), got, want)
			}
			// Deleting the rule unblocks.
			mustIPT(t, d.b.IPTablesDelete("filter", "INPUT", tc.rule))
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
	dnat := Rule{In: "eth0", Proto: "tcp", DPort: port(8080), Target: "DNAT", ToAddr: ip("10.0.2.2"), ToPort: 80}
	mustIPT(t, n.r.IPTablesAppend("nat", "PREROUTING", dnat))
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
		rule    Rule
		wantSrc string // as b sees a; "" when a cannot reach b
	}{
		{"no NAT", "", Rule{}, ""},
		{"MASQUERADE -o eth1", "", Rule{Out: "eth1", Target: "MASQUERADE"}, "10.0.2.1"},
		{"MASQUERADE ! -o eth0 (Docker's rule)", "", Rule{Src: pfx("10.0.1.0/24"), Out: "eth0", NotOut: true, Target: "MASQUERADE"}, "10.0.2.1"},
		{"MASQUERADE picks the far address", "10.0.2.100/24", Rule{Out: "eth1", Target: "MASQUERADE"}, "10.0.2.1"},
		{"SNAT --to-source", "10.0.2.100/24", Rule{Out: "eth1", Target: "SNAT", ToAddr: ip("10.0.2.100")}, "10.0.2.100"},
		{"SNAT for another source only", "", Rule{Src: pfx("10.0.9.0/24"), Out: "eth1", Target: "SNAT", ToAddr: ip("10.0.2.1")}, ""},
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
				mustIPT(t, n.r.IPTablesAppend("nat", "POSTROUTING", tc.rule))
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
		r    Rule
		want uint64
	}{
		{Rule{}, 2},
		{Rule{Src: pfx("10.0.1.2/32")}, 1},
		{Rule{Src: pfx("10.0.1.2/32"), NotSrc: true}, 1},
		{Rule{Src: pfx("10.0.0.0/16")}, 2},
		{Rule{Src: pfx("10.0.0.0/16"), NotSrc: true}, 0},
		{Rule{Dst: pfx("10.0.2.0/24")}, 1},
		{Rule{Dst: pfx("10.0.2.0/24"), NotDst: true}, 1},
		{Rule{Src: pfx("10.0.1.0/24"), NotSrc: true, Dst: pfx("10.0.1.2/32")}, 1},
		{Rule{Src: pfx("10.0.1.0/24"), NotSrc: true, Dst: pfx("10.0.2.2/32"), NotDst: true}, 1},
		{Rule{In: "eth0"}, 1},
		{Rule{In: "eth0", NotIn: true}, 1},
		{Rule{Out: "eth1"}, 1},
		{Rule{Out: "eth1", NotOut: true}, 1},
		{Rule{Out: "eth+"}, 2},
		{Rule{Out: "eth+", NotOut: true}, 0},
		{Rule{Out: "eth"}, 0},
		{Rule{In: "eth0", Out: "eth1"}, 1},
		{Rule{Proto: "icmp"}, 2},
		{Rule{Proto: "icmp", NotProto: true}, 0},
		{Rule{Proto: "tcp"}, 0},
		{Rule{Proto: "udp", NotProto: true}, 2},
		{Rule{Proto: "all"}, 2},
	}
	l := newLab(t)
	n := l.trio(true)
	mustIPT(t, n.r.SetForwarding(true))
	for _, r := range rules {
		mustIPT(t, n.r.IPTablesAppend("filter", "FORWARD", r.r))
	}
	l.mustPing(n.a, "10.0.2.2", PingOptions{})
	got := counts(t, n.r, "filter", "FORWARD")
	for i, r := range rules {
		if got[i] != r.want {
			t.Errorf("%q matched %d packets, want %d", fmtRule(r.r), got[i], r.want)
		}
	}
	if p := got[len(got)-1]; p != 2 {
		t.Errorf("FORWARD policy counted %d, want 2", p)
	}

	// A DROP with an inverted source stops the reply only: b answers, a
	// times out.
	mustIPT(t, n.r.IPTablesFlush("filter", "FORWARD"))
	mustIPT(t, n.r.IPTablesZero("filter", ""))
	mustIPT(t, n.r.IPTablesAppend("filter", "FORWARD", Rule{Src: pfx("10.0.1.2/32"), NotSrc: true, Target: "DROP"}))
	mustIPT(t, n.b.IPTablesAppend("filter", "OUTPUT", Rule{Proto: "icmp"}))
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
	mustIPT(t, n.r.IPTablesAppend("mangle", "PREROUTING", Rule{Proto: "icmp"}))
	mustIPT(t, n.a.IPTablesAppend("mangle", "OUTPUT", Rule{Proto: "icmp"}))
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
	mustIPT(t, d.b.IPTablesAppend("filter", "INPUT", Rule{Proto: "icmp", Target: "LOG", LogPrefix: "IN: "}))
	mustIPT(t, d.b.IPTablesAppend("filter", "INPUT", Rule{Proto: "icmp", Target: "DROP"}))
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
