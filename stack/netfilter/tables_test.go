package netfilter

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"
)

func pfx(s string) netip.Prefix { return netip.MustParsePrefix(s) }

func ip(s string) netip.Addr { return netip.MustParseAddr(s) }

func port(p uint16) *PortMatch { return &PortMatch{Lo: p, Hi: p} }

// errAny stands, in a test's table, for any error where the exact one
// does not matter.
var errAny = errors.New("any error")

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
func dump(t *testing.T, ts *Tables, tbl string) []string {
	t.Helper()
	cs, err := ts.List(tbl)
	if err != nil {
		t.Fatalf("List(%q): %v", tbl, err)
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

// TestEditing edits chains step by step; each step's outcome and
// the whole filter and nat tables after it are checked. A refused change
// leaves everything as it was.
func TestEditing(t *testing.T) {
	ts := newTables(t, nil, Hooks{})
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
		{"append", func() error { return ts.Append("filter", "INPUT", drop1) }, nil,
			with("INPUT (policy ACCEPT)", "  -s 10.0.0.1/32 -j DROP", "FORWARD (policy ACCEPT)", "OUTPUT (policy ACCEPT)"), nil},
		{"append second", func() error { return ts.Append("filter", "INPUT", web) }, nil,
			with("INPUT (policy ACCEPT)", "  -s 10.0.0.1/32 -j DROP", "  -p tcp --dport 80:443 -j ACCEPT", "FORWARD (policy ACCEPT)", "OUTPUT (policy ACCEPT)"), nil},
		{"insert first", func() error { return ts.Insert("filter", "INPUT", 1, ssh) }, nil,
			with("INPUT (policy ACCEPT)", "  -p tcp --dport 22 -j ACCEPT", "  -s 10.0.0.1/32 -j DROP", "  -p tcp --dport 80:443 -j ACCEPT", "FORWARD (policy ACCEPT)", "OUTPUT (policy ACCEPT)"), nil},
		{"insert at len+1 appends", func() error { return ts.Insert("filter", "INPUT", 4, count) }, nil,
			with("INPUT (policy ACCEPT)", "  -p tcp --dport 22 -j ACCEPT", "  -s 10.0.0.1/32 -j DROP", "  -p tcp --dport 80:443 -j ACCEPT", "  -p icmp", "FORWARD (policy ACCEPT)", "OUTPUT (policy ACCEPT)"), nil},
		{"insert too far", func() error { return ts.Insert("filter", "INPUT", 6, count) }, ErrIndex,
			with("INPUT (policy ACCEPT)", "  -p tcp --dport 22 -j ACCEPT", "  -s 10.0.0.1/32 -j DROP", "  -p tcp --dport 80:443 -j ACCEPT", "  -p icmp", "FORWARD (policy ACCEPT)", "OUTPUT (policy ACCEPT)"), nil},
		{"insert at 0", func() error { return ts.Insert("filter", "INPUT", 0, count) }, ErrIndex,
			with("INPUT (policy ACCEPT)", "  -p tcp --dport 22 -j ACCEPT", "  -s 10.0.0.1/32 -j DROP", "  -p tcp --dport 80:443 -j ACCEPT", "  -p icmp", "FORWARD (policy ACCEPT)", "OUTPUT (policy ACCEPT)"), nil},
		{"delete by rule (a copy)", func() error {
			return ts.Delete("filter", "INPUT", Rule{Proto: "tcp", DPort: &PortMatch{Lo: 80, Hi: 443}, Target: "ACCEPT"})
		}, nil,
			with("INPUT (policy ACCEPT)", "  -p tcp --dport 22 -j ACCEPT", "  -s 10.0.0.1/32 -j DROP", "  -p icmp", "FORWARD (policy ACCEPT)", "OUTPUT (policy ACCEPT)"), nil},
		{"delete a rule that differs in a port", func() error {
			return ts.Delete("filter", "INPUT", Rule{Proto: "tcp", DPort: port(23), Target: "ACCEPT"})
		}, ErrBadRule,
			with("INPUT (policy ACCEPT)", "  -p tcp --dport 22 -j ACCEPT", "  -s 10.0.0.1/32 -j DROP", "  -p icmp", "FORWARD (policy ACCEPT)", "OUTPUT (policy ACCEPT)"), nil},
		{"delete a rule that differs in the target", func() error {
			return ts.Delete("filter", "INPUT", Rule{Src: pfx("10.0.0.1/32"), Target: "ACCEPT"})
		}, ErrBadRule,
			with("INPUT (policy ACCEPT)", "  -p tcp --dport 22 -j ACCEPT", "  -s 10.0.0.1/32 -j DROP", "  -p icmp", "FORWARD (policy ACCEPT)", "OUTPUT (policy ACCEPT)"), nil},
		{"delete by number", func() error { return ts.DeleteNum("filter", "INPUT", 2) }, nil,
			with("INPUT (policy ACCEPT)", "  -p tcp --dport 22 -j ACCEPT", "  -p icmp", "FORWARD (policy ACCEPT)", "OUTPUT (policy ACCEPT)"), nil},
		{"delete number 0", func() error { return ts.DeleteNum("filter", "INPUT", 0) }, errAny,
			with("INPUT (policy ACCEPT)", "  -p tcp --dport 22 -j ACCEPT", "  -p icmp", "FORWARD (policy ACCEPT)", "OUTPUT (policy ACCEPT)"), nil},
		{"delete number too big", func() error { return ts.DeleteNum("filter", "INPUT", 3) }, errAny,
			with("INPUT (policy ACCEPT)", "  -p tcp --dport 22 -j ACCEPT", "  -p icmp", "FORWARD (policy ACCEPT)", "OUTPUT (policy ACCEPT)"), nil},
		{"output rule", func() error { return ts.Append("filter", "OUTPUT", drop1) }, nil,
			with("INPUT (policy ACCEPT)", "  -p tcp --dport 22 -j ACCEPT", "  -p icmp", "FORWARD (policy ACCEPT)", "OUTPUT (policy ACCEPT)", "  -s 10.0.0.1/32 -j DROP"), nil},
		{"flush one chain", func() error { return ts.Flush("filter", "INPUT") }, nil,
			with("INPUT (policy ACCEPT)", "FORWARD (policy ACCEPT)", "OUTPUT (policy ACCEPT)", "  -s 10.0.0.1/32 -j DROP"), nil},
		{"policy", func() error { return ts.SetPolicy("filter", "FORWARD", "DROP") }, nil,
			with("INPUT (policy ACCEPT)", "FORWARD (policy DROP)", "OUTPUT (policy ACCEPT)", "  -s 10.0.0.1/32 -j DROP"), nil},
		{"policy REJECT", func() error { return ts.SetPolicy("filter", "FORWARD", "REJECT") }, ErrBadBuiltin,
			with("INPUT (policy ACCEPT)", "FORWARD (policy DROP)", "OUTPUT (policy ACCEPT)", "  -s 10.0.0.1/32 -j DROP"), nil},
		{"flush the table (policies stay)", func() error { return ts.Flush("filter", "") }, nil,
			with("INPUT (policy ACCEPT)", "FORWARD (policy DROP)", "OUTPUT (policy ACCEPT)"), nil},
		{"new chain", func() error { return ts.NewChain("filter", "CHK") }, nil,
			with("INPUT (policy ACCEPT)", "FORWARD (policy DROP)", "OUTPUT (policy ACCEPT)", "CHK (0 references)"), nil},
		{"new chain again", func() error { return ts.NewChain("filter", "CHK") }, ErrChainExists,
			with("INPUT (policy ACCEPT)", "FORWARD (policy DROP)", "OUTPUT (policy ACCEPT)", "CHK (0 references)"), nil},
		{"new chain named like a built-in chain", func() error { return ts.NewChain("filter", "INPUT") }, ErrChainExists,
			with("INPUT (policy ACCEPT)", "FORWARD (policy DROP)", "OUTPUT (policy ACCEPT)", "CHK (0 references)"), nil},
		{"new chain named like a target", func() error { return ts.NewChain("filter", "ACCEPT") }, ErrChainExists,
			with("INPUT (policy ACCEPT)", "FORWARD (policy DROP)", "OUTPUT (policy ACCEPT)", "CHK (0 references)"), nil},
		{"new chain with a space", func() error { return ts.NewChain("filter", "A B") }, errAny,
			with("INPUT (policy ACCEPT)", "FORWARD (policy DROP)", "OUTPUT (policy ACCEPT)", "CHK (0 references)"), nil},
		{"new chain name too long", func() error { return ts.NewChain("filter", strings.Repeat("C", 29)) }, errAny,
			with("INPUT (policy ACCEPT)", "FORWARD (policy DROP)", "OUTPUT (policy ACCEPT)", "CHK (0 references)"), nil},
		{"user chain policy", func() error { return ts.SetPolicy("filter", "CHK", "DROP") }, ErrBadBuiltin,
			with("INPUT (policy ACCEPT)", "FORWARD (policy DROP)", "OUTPUT (policy ACCEPT)", "CHK (0 references)"), nil},
		{"jump to it", func() error { return ts.Append("filter", "INPUT", Rule{Proto: "icmp", Target: "CHK"}) }, nil,
			with("INPUT (policy ACCEPT)", "  -p icmp -j CHK", "FORWARD (policy DROP)", "OUTPUT (policy ACCEPT)", "CHK (1 references)"), nil},
		{"jump to a missing chain", func() error { return ts.Append("filter", "INPUT", Rule{Target: "NOPE"}) }, errAny,
			with("INPUT (policy ACCEPT)", "  -p icmp -j CHK", "FORWARD (policy DROP)", "OUTPUT (policy ACCEPT)", "CHK (1 references)"), nil},
		{"jump to a built-in chain", func() error { return ts.Append("filter", "INPUT", Rule{Target: "OUTPUT"}) }, errAny,
			with("INPUT (policy ACCEPT)", "  -p icmp -j CHK", "FORWARD (policy DROP)", "OUTPUT (policy ACCEPT)", "CHK (1 references)"), nil},
		{"delete a referenced chain", func() error { return ts.DeleteChain("filter", "CHK") }, ErrChainInUse,
			with("INPUT (policy ACCEPT)", "  -p icmp -j CHK", "FORWARD (policy DROP)", "OUTPUT (policy ACCEPT)", "CHK (1 references)"), nil},
		{"rule in it", func() error { return ts.Append("filter", "CHK", Rule{Target: "RETURN"}) }, nil,
			with("INPUT (policy ACCEPT)", "  -p icmp -j CHK", "FORWARD (policy DROP)", "OUTPUT (policy ACCEPT)", "CHK (1 references)", "  -j RETURN"), nil},
		{"unreference it", func() error { return ts.DeleteNum("filter", "INPUT", 1) }, nil,
			with("INPUT (policy ACCEPT)", "FORWARD (policy DROP)", "OUTPUT (policy ACCEPT)", "CHK (0 references)", "  -j RETURN"), nil},
		{"delete a non-empty chain", func() error { return ts.DeleteChain("filter", "CHK") }, ErrChainNotEmpty,
			with("INPUT (policy ACCEPT)", "FORWARD (policy DROP)", "OUTPUT (policy ACCEPT)", "CHK (0 references)", "  -j RETURN"), nil},
		{"delete a built-in chain", func() error { return ts.DeleteChain("filter", "INPUT") }, errAny,
			with("INPUT (policy ACCEPT)", "FORWARD (policy DROP)", "OUTPUT (policy ACCEPT)", "CHK (0 references)", "  -j RETURN"), nil},
		{"flush it", func() error { return ts.Flush("filter", "CHK") }, nil,
			with("INPUT (policy ACCEPT)", "FORWARD (policy DROP)", "OUTPUT (policy ACCEPT)", "CHK (0 references)"), nil},
		{"second chain", func() error { return ts.NewChain("filter", "CHK2") }, nil,
			with("INPUT (policy ACCEPT)", "FORWARD (policy DROP)", "OUTPUT (policy ACCEPT)", "CHK (0 references)", "CHK2 (0 references)"), nil},
		{"delete one", func() error { return ts.DeleteChain("filter", "CHK") }, nil,
			with("INPUT (policy ACCEPT)", "FORWARD (policy DROP)", "OUTPUT (policy ACCEPT)", "CHK2 (0 references)"), nil},
		{"delete all user chains", func() error { return ts.DeleteChain("filter", "") }, nil,
			fEnd, nil},
		// nat
		{"DNAT in POSTROUTING", func() error {
			return ts.Append("nat", "POSTROUTING", Rule{Target: "DNAT", ToAddr: ip("10.0.0.2")})
		}, ErrInvalid, fEnd, nil},
		{"DNAT in filter", func() error {
			return ts.Append("filter", "INPUT", Rule{Target: "DNAT", ToAddr: ip("10.0.0.2")})
		}, ErrInvalid,
			fEnd, nil},
		{"MASQUERADE in PREROUTING", func() error { return ts.Append("nat", "PREROUTING", Rule{Target: "MASQUERADE"}) }, ErrInvalid,
			fEnd, nil},
		{"SNAT without --to-source", func() error { return ts.Append("nat", "POSTROUTING", Rule{Target: "SNAT"}) }, errAny,
			fEnd, nil},
		{"DNAT without --to-destination", func() error { return ts.Append("nat", "PREROUTING", Rule{Target: "DNAT"}) }, errAny,
			fEnd, nil},
		{"nat chain", func() error { return ts.NewChain("nat", "PF") }, nil,
			fEnd, with(append(natBase[:4:4], "PF (0 references)")...)},
		{"DNAT in it", func() error {
			return ts.Append("nat", "PF", Rule{Proto: "tcp", DPort: port(8080), Target: "DNAT", ToAddr: ip("10.0.0.2"), ToPort: 80})
		}, nil, fEnd, with(append(natBase[:4:4], "PF (0 references)", "  -p tcp --dport 8080 -j DNAT --to 10.0.0.2:80")...)},
		{"jump to it from POSTROUTING", func() error { return ts.Append("nat", "POSTROUTING", Rule{Target: "PF"}) }, ErrInvalid,
			fEnd, with(append(natBase[:4:4], "PF (0 references)", "  -p tcp --dport 8080 -j DNAT --to 10.0.0.2:80")...)},
		{"jump to it from PREROUTING", func() error { return ts.Append("nat", "PREROUTING", Rule{Target: "PF"}) }, nil,
			fEnd, with("PREROUTING (policy ACCEPT)", "  -j PF", "INPUT (policy ACCEPT)", "OUTPUT (policy ACCEPT)", "POSTROUTING (policy ACCEPT)",
				"PF (1 references)", "  -p tcp --dport 8080 -j DNAT --to 10.0.0.2:80")},
		{"MASQUERADE in the chain PREROUTING jumps to", func() error { return ts.Insert("nat", "PF", 1, Rule{Target: "MASQUERADE"}) }, ErrInvalid,
			fEnd, with("PREROUTING (policy ACCEPT)", "  -j PF", "INPUT (policy ACCEPT)", "OUTPUT (policy ACCEPT)", "POSTROUTING (policy ACCEPT)",
				"PF (1 references)", "  -p tcp --dport 8080 -j DNAT --to 10.0.0.2:80")},
		{"flush nat", func() error { return ts.Flush("nat", "") }, nil,
			fEnd, with(append(natBase[:4:4], "PF (0 references)")...)},
	}
	for _, s := range steps {
		err := s.op()
		if (err == nil) != (s.is == nil) || s.is != errAny && !errors.Is(err, s.is) {
			t.Fatalf("%s: err = %v, want %v", s.name, err, s.is)
		}
		if got := dump(t, ts, "filter"); !slices.Equal(got, s.filter) {
			t.Errorf("%s: filter\n%q\nwant\n%q", s.name, got, s.filter)
		}
		wantN := s.nat
		if wantN == nil {
			wantN = natBase
		}
		if got := dump(t, ts, "nat"); !slices.Equal(got, wantN) {
			t.Errorf("%s: nat\n%q\nwant\n%q", s.name, got, wantN)
		}
	}
}

// TestLookupErrors: unknown tables and chains, for every call.
func TestLookupErrors(t *testing.T) {
	ts := newTables(t, nil, Hooks{})
	ops := map[string]func(tbl, ch string) error{
		"append":       func(tbl, ch string) error { return ts.Append(tbl, ch, Rule{Target: "ACCEPT"}) },
		"insert":       func(tbl, ch string) error { return ts.Insert(tbl, ch, 1, Rule{Target: "ACCEPT"}) },
		"delete":       func(tbl, ch string) error { return ts.Delete(tbl, ch, Rule{Target: "ACCEPT"}) },
		"delete num":   func(tbl, ch string) error { return ts.DeleteNum(tbl, ch, 1) },
		"flush":        func(tbl, ch string) error { return ts.Flush(tbl, ch) },
		"zero":         func(tbl, ch string) error { return ts.Zero(tbl, ch) },
		"policy":       func(tbl, ch string) error { return ts.SetPolicy(tbl, ch, "DROP") },
		"delete chain": func(tbl, ch string) error { return ts.DeleteChain(tbl, ch) },
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
	if err := ts.NewChain("raw2", "X"); !errors.As(err, &te) {
		t.Errorf("new chain in a missing table: %v", err)
	}
	if _, err := ts.List("raw2"); !errors.As(err, &te) {
		t.Errorf("listing a missing table: %v", err)
	}
	for _, tbl := range ts.Names() {
		if _, err := ts.List(tbl); err != nil {
			t.Errorf("listing %s: %v", tbl, err)
		}
	}
}
