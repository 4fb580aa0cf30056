package stack

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"

	"gvisor.dev/gvisor/pkg/buffer"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	gstack "gvisor.dev/gvisor/pkg/tcpip/stack"

	"github.com/nsemu/nsemu/emu/trace"
)

// iptables errors, in iptables' words.
var (
	ErrNoChain       = errors.New("iptables: No chain/target/match by that name.")
	ErrBadRule       = errors.New("iptables: Bad rule (does a matching rule exist in that chain?).")
	ErrChainExists   = errors.New("iptables: Chain already exists.")
	ErrChainNotEmpty = errors.New("iptables: Directory not empty.")
	ErrChainInUse    = errors.New("iptables: Too many links.")
	ErrBadBuiltin    = errors.New("iptables: Bad built-in chain name.")
	ErrIndex         = errors.New("iptables: Index of insertion too big.")
	ErrInvalid       = errors.New("iptables: Invalid argument. Run `dmesg' for more information.")
)

// TableError is returned for a table that does not exist.
type TableError struct{ Table string }

func (e *TableError) Error() string {
	return fmt.Sprintf("iptables v1.8.9 (legacy): can't initialize iptables table `%s': Table does not exist (do you need to insmod?)", e.Table)
}

// PortMatch matches a TCP or UDP port range.
type PortMatch struct {
	Lo, Hi uint16
	Not    bool
}

func (p *PortMatch) matches(port uint16) bool {
	return (port >= p.Lo && port <= p.Hi) != p.Not
}

// Rule is one iptables rule. Zero fields match anything.
type Rule struct {
	Src, Dst       netip.Prefix
	NotSrc, NotDst bool
	// Proto is "tcp", "udp", "icmp" or "" (all).
	Proto    string
	NotProto bool
	// In and Out are interface names; a trailing '+' matches a prefix.
	In, Out       string
	NotIn, NotOut bool
	SPort, DPort  *PortMatch
	// Target is ACCEPT, DROP, REJECT, RETURN, MASQUERADE, SNAT, DNAT, LOG
	// or a user chain's name.
	Target string
	// ToAddr and ToPort are SNAT's --to-source and DNAT's --to-destination
	// (ToPort 0 keeps the port).
	ToAddr netip.Addr
	ToPort uint16
	// LogPrefix is LOG's --log-prefix.
	LogPrefix string
	// RejectWith is REJECT's --reject-with (default icmp-port-unreachable).
	RejectWith string
	// CtState is conntrack's --ctstate (state's --state): states joined by
	// commas, among INVALID NEW RELATED ESTABLISHED UNTRACKED; "" matches
	// every packet. DstType is addrtype's --dst-type: LOCAL, or "". See
	// iptables_ext.go.
	CtState    string
	NotCtState bool
	DstType    string
	NotDstType bool

	counters *Counter
}

// Counter counts packets and bytes.
type Counter struct{ packets, bytes atomic.Uint64 }

// Packets returns the packet count.
func (c *Counter) Packets() uint64 { return c.packets.Load() }

// Bytes returns the byte count.
func (c *Counter) Bytes() uint64 { return c.bytes.Load() }

func (c *Counter) zero() { c.packets.Store(0); c.bytes.Store(0) }

// Equal reports whether two rules have the same matches and target (what
// `iptables -D` with a rule specification compares).
func (r Rule) Equal(o Rule) bool {
	r.counters, o.counters = nil, nil
	pe := func(a, b *PortMatch) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
	sp, dp := pe(r.SPort, o.SPort), pe(r.DPort, o.DPort)
	r.SPort, o.SPort, r.DPort, o.DPort = nil, nil, nil, nil
	return sp && dp && r == o
}

// RuleStat is a rule with its counters, as `iptables -L -v` shows it.
type RuleStat struct {
	Rule
	Packets, Bytes uint64
}

// ChainStat is a chain with its counters.
type ChainStat struct {
	Name string
	// Policy is set for built-in chains.
	Policy         string
	Packets, Bytes uint64
	Rules          []RuleStat
	// References counts the rules that jump to a user chain.
	References int
}

type chain struct {
	name    string
	builtin bool
	hook    gstack.Hook
	policy  string
	pol     *Counter
	rules   []*Rule
}

type table struct {
	name   string
	id     gstack.TableID
	chains []*chain
}

func (t *table) chain(name string) *chain {
	for _, c := range t.chains {
		if c.name == name {
			return c
		}
	}
	return nil
}

type iptables struct {
	st     *Stack
	mu     sync.Mutex
	tables map[string]*table
}

var builtinTargets = map[string]bool{
	"ACCEPT": true, "DROP": true, "REJECT": true, "RETURN": true,
	"MASQUERADE": true, "SNAT": true, "DNAT": true, "LOG": true,
	"TRACE": true, "NOTRACK": true,
}

func newIPTables(st *Stack) *iptables {
	mk := func(name string, id gstack.TableID, hooks ...gstack.Hook) *table {
		t := &table{name: name, id: id}
		for _, h := range hooks {
			t.chains = append(t.chains, &chain{name: hookName(h), builtin: true, hook: h, policy: "ACCEPT", pol: &Counter{}})
		}
		return t
	}
	return &iptables{st: st, tables: map[string]*table{
		"filter": mk("filter", gstack.FilterID, gstack.Input, gstack.Forward, gstack.Output),
		"nat":    mk("nat", gstack.NATID, gstack.Prerouting, gstack.Input, gstack.Output, gstack.Postrouting),
		"mangle": mk("mangle", gstack.MangleID, gstack.Prerouting, gstack.Output),
		// gVisor has no raw table: raw's chains are compiled in front of
		// mangle's (which gVisor runs first at both hooks).
		"raw": mk("raw", gstack.MangleID, gstack.Prerouting, gstack.Output),
	}}
}

func hookName(h gstack.Hook) string {
	switch h {
	case gstack.Prerouting:
		return "PREROUTING"
	case gstack.Input:
		return "INPUT"
	case gstack.Forward:
		return "FORWARD"
	case gstack.Output:
		return "OUTPUT"
	case gstack.Postrouting:
		return "POSTROUTING"
	}
	return h.String()
}

func (ipt *iptables) lookup(tbl, ch string) (*table, *chain, error) {
	t := ipt.tables[tbl]
	if t == nil {
		return nil, nil, &TableError{Table: tbl}
	}
	if ch == "" {
		return t, nil, nil
	}
	c := t.chain(ch)
	if c == nil {
		return t, nil, ErrNoChain
	}
	return t, c, nil
}

// IPTablesTables lists the tables.
func (st *Stack) IPTablesTables() []string { return []string{"filter", "nat", "mangle", "raw"} }

// IPTablesAppend appends a rule to a chain (`iptables -t T -A CHAIN ...`).
func (st *Stack) IPTablesAppend(tbl, ch string, r Rule) error {
	return st.IPTablesInsert(tbl, ch, -1, r)
}

// IPTablesInsert inserts a rule at 1-based position pos; pos < 0 appends.
func (st *Stack) IPTablesInsert(tbl, ch string, pos int, r Rule) error {
	return st.withChain(tbl, ch, func(ipt *iptables, t *table, c *chain) error {
		if err := ipt.checkTarget(t, r); err != nil {
			return err
		}
		if err := checkExtMatches(r); err != nil {
			return err
		}
		r.counters = &Counter{}
		rp := &r
		old := c.rules
		switch {
		case pos < 0:
			c.rules = append(append([]*Rule(nil), old...), rp)
		case pos == 0 || pos > len(old)+1:
			return ErrIndex
		default:
			c.rules = append(append(append([]*Rule(nil), old[:pos-1]...), rp), old[pos-1:]...)
		}
		if err := ipt.commit(t); err != nil {
			c.rules = old
			return err
		}
		return nil
	})
}

func (ipt *iptables) checkTarget(t *table, r Rule) error {
	if r.Target == "TRACE" || r.Target == "NOTRACK" {
		if t.name != "raw" {
			return ErrInvalid
		}
		return nil
	}
	if t.name == "raw" && r.Target != "" && !builtinTargets[r.Target] {
		return fmt.Errorf("nsemu: iptables: user chains in the raw table: not supported yet")
	}
	if builtinTargets[r.Target] {
		switch r.Target {
		case "MASQUERADE", "SNAT", "DNAT":
			if t.name != "nat" {
				return ErrInvalid
			}
		}
		if r.Target == "REJECT" && r.RejectWith == "tcp-reset" && (r.Proto != "tcp" || r.NotProto) {
			return ErrInvalid // the kernel: "TCP_RESET invalid for non-tcp"
		}
		if (r.Target == "SNAT" || r.Target == "DNAT") && !r.ToAddr.IsValid() {
			return fmt.Errorf("iptables v1.8.9 (legacy): %s: option \"--to-%s\" is required", r.Target, map[string]string{"SNAT": "source", "DNAT": "destination"}[r.Target])
		}
		return nil
	}
	if r.Target == "" {
		return nil
	}
	c := t.chain(r.Target)
	if c == nil || c.builtin {
		return fmt.Errorf("iptables v1.8.9 (legacy): Couldn't load target `%s':No such file or directory", r.Target)
	}
	return nil
}

// withChain runs f under the iptables lock on table tbl and its chain ch
// (ch "" for the table alone), or returns the lookup's error.
func (st *Stack) withChain(tbl, ch string, f func(ipt *iptables, t *table, c *chain) error) error {
	ipt := st.ipt
	ipt.mu.Lock()
	defer ipt.mu.Unlock()
	t, c, err := ipt.lookup(tbl, ch)
	if err != nil {
		return err
	}
	return f(ipt, t, c)
}

// IPTablesDelete deletes the first rule equal to r.
func (st *Stack) IPTablesDelete(tbl, ch string, r Rule) error {
	return st.withChain(tbl, ch, func(ipt *iptables, t *table, c *chain) error {
		for i, x := range c.rules {
			if x.Equal(r) {
				return ipt.deleteAt(t, c, i)
			}
		}
		return ErrBadRule
	})
}

// IPTablesDeleteNum deletes the rule at 1-based position n.
func (st *Stack) IPTablesDeleteNum(tbl, ch string, n int) error {
	return st.withChain(tbl, ch, func(ipt *iptables, t *table, c *chain) error {
		if n < 1 || n > len(c.rules) {
			return errors.New("iptables: Index of deletion too big.")
		}
		return ipt.deleteAt(t, c, n-1)
	})
}

func (ipt *iptables) deleteAt(t *table, c *chain, i int) error {
	old := c.rules
	c.rules = append(append([]*Rule(nil), old[:i]...), old[i+1:]...)
	if err := ipt.commit(t); err != nil {
		c.rules = old
		return err
	}
	return nil
}

// IPTablesFlush empties a chain, or every chain of the table when ch is "".
func (st *Stack) IPTablesFlush(tbl, ch string) error {
	return st.withChain(tbl, ch, func(ipt *iptables, t *table, c *chain) error {
		for _, x := range t.chains {
			if c == nil || x == c {
				x.rules = nil
			}
		}
		return ipt.commit(t)
	})
}

// IPTablesZero zeroes the counters of a chain (all chains when ch is "").
func (st *Stack) IPTablesZero(tbl, ch string) error {
	return st.withChain(tbl, ch, func(ipt *iptables, t *table, c *chain) error {
		for _, x := range t.chains {
			if c == nil || x == c {
				if x.pol != nil {
					x.pol.zero()
				}
				for _, r := range x.rules {
					r.counters.zero()
				}
			}
		}
		return nil
	})
}

// IPTablesNewChain creates a user chain.
func (st *Stack) IPTablesNewChain(tbl, ch string) error {
	return st.withChain(tbl, "", func(ipt *iptables, t *table, _ *chain) error {
		if t.chain(ch) != nil || builtinTargets[ch] {
			return ErrChainExists
		}
		if ch == "" || len(ch) > 28 || strings.ContainsAny(ch, " \t!") || strings.HasPrefix(ch, "-") {
			return fmt.Errorf("iptables v1.8.9 (legacy): Invalid chain name `%s'", ch)
		}
		t.chains = append(t.chains, &chain{name: ch})
		return nil
	})
}

// IPTablesDeleteChain deletes an empty, unreferenced user chain; with ch ""
// it deletes every user chain of the table.
func (st *Stack) IPTablesDeleteChain(tbl, ch string) error {
	return st.withChain(tbl, ch, func(ipt *iptables, t *table, c *chain) error {
		victims := []*chain{c}
		if c == nil {
			victims = nil
			for _, x := range t.chains {
				if !x.builtin {
					victims = append(victims, x)
				}
			}
		}
		for _, v := range victims {
			if v.builtin {
				return ErrInvalid
			}
			if len(v.rules) > 0 {
				return ErrChainNotEmpty
			}
			if ipt.references(t, v.name) > 0 {
				return ErrChainInUse
			}
		}
		kept := t.chains[:0]
		for _, x := range t.chains {
			del := false
			for _, v := range victims {
				if x == v {
					del = true
				}
			}
			if !del {
				kept = append(kept, x)
			}
		}
		t.chains = kept
		return ipt.commit(t)
	})
}

func (ipt *iptables) references(t *table, name string) int {
	n := 0
	for _, c := range t.chains {
		for _, r := range c.rules {
			if r.Target == name {
				n++
			}
		}
	}
	return n
}

// IPTablesPolicy sets a built-in chain's policy (ACCEPT or DROP).
func (st *Stack) IPTablesPolicy(tbl, ch, target string) error {
	return st.withChain(tbl, ch, func(ipt *iptables, t *table, c *chain) error {
		if !c.builtin {
			return ErrBadBuiltin
		}
		if target != "ACCEPT" && target != "DROP" {
			return ErrBadBuiltin
		}
		old := c.policy
		c.policy = target
		if err := ipt.commit(t); err != nil {
			c.policy = old
			return err
		}
		return nil
	})
}

// IPTablesList returns a table's chains with rules and counters, built-in
// chains first.
func (st *Stack) IPTablesList(tbl string) ([]ChainStat, error) {
	ipt := st.ipt
	ipt.mu.Lock()
	defer ipt.mu.Unlock()
	t, _, err := ipt.lookup(tbl, "")
	if err != nil {
		return nil, err
	}
	var out []ChainStat
	for _, c := range t.chains {
		cs := ChainStat{Name: c.name}
		if c.builtin {
			cs.Policy = c.policy
			cs.Packets, cs.Bytes = c.pol.Packets(), c.pol.Bytes()
		} else {
			cs.References = ipt.references(t, c.name)
		}
		for _, r := range c.rules {
			cs.Rules = append(cs.Rules, RuleStat{Rule: *r, Packets: r.counters.Packets(), Bytes: r.counters.Bytes()})
		}
		out = append(out, cs)
	}
	return out, nil
}

// recommit recompiles a table (after a change of the hidden rules).
func (ipt *iptables) recommit(name string) error {
	ipt.mu.Lock()
	defer ipt.mu.Unlock()
	return ipt.commit(ipt.tables[name])
}

// commit compiles a table into gVisor's form and installs it. Counters live
// in the rules, so they survive recompiles.
func (ipt *iptables) commit(t *table) error {
	st := ipt.st
	if t.name == "raw" {
		for _, c := range t.chains {
			for _, r := range c.rules {
				switch r.Target {
				case "", "TRACE", "NOTRACK", "ACCEPT", "DROP", "RETURN", "LOG":
				default:
					return ErrInvalid
				}
			}
		}
		on := ipt.hasTrace(t)
		st.traceOn.Store(on)
		if on {
			// Every table needs its trace sites installed (gVisor keeps
			// its own default tables until we replace them).
			for _, name := range []string{"nat", "filter"} {
				if err := ipt.commit(ipt.tables[name]); err != nil {
					return err
				}
			}
		}
		return ipt.commit(ipt.tables["mangle"])
	}
	// Validate target/hook combinations through jumps.
	reach := map[string]map[gstack.Hook]bool{}
	var walk func(c *chain, h gstack.Hook, depth int) error
	walk = func(c *chain, h gstack.Hook, depth int) error {
		if depth > 16 {
			return errors.New("iptables: Too many levels of symbolic links.")
		}
		if reach[c.name] == nil {
			reach[c.name] = map[gstack.Hook]bool{}
		}
		reach[c.name][h] = true
		for _, r := range c.rules {
			switch r.Target {
			case "DNAT":
				if h != gstack.Prerouting && h != gstack.Output {
					return ErrInvalid
				}
			case "SNAT", "MASQUERADE":
				if h != gstack.Postrouting && h != gstack.Input {
					return ErrInvalid
				}
			case "REJECT":
				if h != gstack.Input && h != gstack.Forward && h != gstack.Output {
					return ErrInvalid
				}
			}
			if !builtinTargets[r.Target] && r.Target != "" {
				if err := walk(t.chain(r.Target), h, depth+1); err != nil {
					return err
				}
			}
		}
		return nil
	}
	for _, c := range t.chains {
		if c.builtin {
			if err := walk(c, c.hook, 0); err != nil {
				return err
			}
		}
	}

	var g gstack.Table
	for i := range g.BuiltinChains {
		g.BuiltinChains[i] = gstack.HookUnset
		g.Underflows[i] = gstack.HookUnset
	}
	start := map[string]int{}
	// First pass: positions.
	n := 0
	for _, c := range t.chains {
		if t.name == "filter" && c.builtin && c.hook == gstack.Forward {
			n += 3 // hidden rules
		}
		if t.name == "mangle" && c.builtin && c.hook == gstack.Prerouting {
			n++ // hidden rule
		}
		if t.name == "mangle" && c.builtin {
			n += len(ipt.rawChain(c.hook).rules) + 1 // raw's rules and policy
		}
		start[c.name] = n
		n += len(c.rules) + 1 // + policy or RETURN
	}
	proto := ipv4.ProtocolNumber
	for _, c := range t.chains {
		if c.builtin {
			g.BuiltinChains[c.hook] = len(g.Rules)
		}
		if t.name == "mangle" && c.hook == gstack.Prerouting && c.builtin {
			// Hidden rule: see ttlExpiredMatcher.
			g.Rules = append(g.Rules, gstack.Rule{Filter: gstack.EmptyFilter4(), Matchers: []gstack.Matcher{&ttlExpiredMatcher{st}}, Target: &expireTarget{next: len(g.Rules) + 1}})
		}
		if t.name == "filter" && c.hook == gstack.Forward && c.builtin {
			// Hidden rules: local delivery through another device never
			// traverses FORWARD on Linux; ip_forward=0 drops the rest.
			g.Rules = append(g.Rules,
				gstack.Rule{Filter: gstack.EmptyFilter4(), Matchers: []gstack.Matcher{&holdMatcher{st}}, Target: &gstack.AcceptTarget{NetworkProtocol: proto}},
				gstack.Rule{Filter: gstack.EmptyFilter4(), Matchers: []gstack.Matcher{&localMatcher{st}}, Target: &gstack.AcceptTarget{NetworkProtocol: proto}},
				gstack.Rule{Filter: gstack.EmptyFilter4(), Matchers: []gstack.Matcher{&forwardOffMatcher{st}}, Target: &gstack.DropTarget{NetworkProtocol: proto}})
		}
		if t.name == "mangle" && c.builtin {
			raw := ipt.rawChain(c.hook)
			// raw's ACCEPT and its policy go on with mangle's rules.
			next := len(g.Rules) + len(raw.rules) + 1
			for i, r := range raw.rules {
				gr, err := ipt.compileRaw(raw, r, i, len(g.Rules), next)
				if err != nil {
					return err
				}
				g.Rules = append(g.Rules, gr)
			}
			var polTarget gstack.Target = &gstack.AcceptTarget{NetworkProtocol: proto}
			if raw.policy == "DROP" {
				polTarget = &gstack.DropTarget{NetworkProtocol: proto}
			} else {
				polTarget = &jumpTarget{to: next}
			}
			site := ipt.site("raw", raw.name, "policy", len(raw.rules)+1)
			g.Rules = append(g.Rules, gstack.Rule{Filter: gstack.EmptyFilter4(), Matchers: []gstack.Matcher{&policyMatcher{site}},
				Target: &policyTarget{c: raw.pol, inner: polTarget, tr: site}})
		}
		for i, r := range c.rules {
			gr, err := ipt.compileRule(t, r, len(g.Rules), start)
			if err != nil {
				return err
			}
			setSite(gr, ipt.site(t.name, c.name, "rule", i+1))
			g.Rules = append(g.Rules, gr)
		}
		if c.builtin {
			g.Underflows[c.hook] = len(g.Rules)
			var target gstack.Target = &gstack.AcceptTarget{NetworkProtocol: proto}
			if c.policy == "DROP" {
				target = &gstack.DropTarget{NetworkProtocol: proto}
			}
			site := ipt.site(t.name, c.name, "policy", len(c.rules)+1)
			g.Rules = append(g.Rules, gstack.Rule{Filter: gstack.EmptyFilter4(), Matchers: []gstack.Matcher{&policyMatcher{site}},
				Target: &policyTarget{c: c.pol, inner: target, tr: site}})
		} else {
			g.Rules = append(g.Rules, gstack.Rule{Filter: gstack.EmptyFilter4(), Matchers: []gstack.Matcher{&countMatcher{c: &Counter{}, tr: ipt.site(t.name, c.name, "return", len(c.rules)+1)}},
				Target: &gstack.ReturnTarget{NetworkProtocol: proto}})
		}
	}
	// gVisor runs a table at every hook it has the table for (mangle at
	// POSTROUTING too) and indexes BuiltinChains unchecked: hooks without a
	// chain here accept.
	accept := -1
	for h := range g.BuiltinChains {
		if g.BuiltinChains[h] == gstack.HookUnset {
			if accept < 0 {
				accept = len(g.Rules)
				g.Rules = append(g.Rules, gstack.Rule{Filter: gstack.EmptyFilter4(), Target: &gstack.AcceptTarget{NetworkProtocol: proto}})
			}
			g.BuiltinChains[h], g.Underflows[h] = accept, accept
		}
	}
	g.Rules = append(g.Rules, gstack.Rule{Filter: gstack.EmptyFilter4(), Target: &gstack.ErrorTarget{NetworkProtocol: proto}})
	st.s.IPTables().ForceReplaceTable(t.id, g, false)
	return nil
}

func maskAddr(p netip.Prefix) tcpip.Address {
	return tcpip.AddrFrom4Slice(prefixMask(p))
}

func (ipt *iptables) compileRule(t *table, r *Rule, idx int, start map[string]int) (gstack.Rule, error) {
	st := ipt.st
	proto := ipv4.ProtocolNumber
	f := gstack.EmptyFilter4()
	if r.Src.IsValid() {
		f.Src, f.SrcMask, f.SrcInvert = tcpAddr(r.Src.Masked().Addr()), maskAddr(r.Src), r.NotSrc
	}
	if r.Dst.IsValid() {
		f.Dst, f.DstMask, f.DstInvert = tcpAddr(r.Dst.Masked().Addr()), maskAddr(r.Dst), r.NotDst
	}
	if r.In != "" {
		f.InputInterface, f.InputInterfaceInvert = r.In, r.NotIn
		f.InputInterfaceMask = strings.TrimSuffix(r.In, "+")
	}
	if r.Out != "" {
		f.OutputInterface, f.OutputInterfaceInvert = r.Out, r.NotOut
		f.OutputInterfaceMask = strings.TrimSuffix(r.Out, "+")
	}
	var ms []gstack.Matcher
	if r.Proto != "" || r.SPort != nil || r.DPort != nil {
		ms = append(ms, &l4Matcher{proto: r.Proto, not: r.NotProto, sport: r.SPort, dport: r.DPort})
	}
	ms = append(ms, extMatchers(st, r)...)
	ms = append(ms, &countMatcher{c: r.counters})
	var target gstack.Target
	switch r.Target {
	case "", "LOG":
		// No target (or LOG): count and go on with the next rule.
		target = &logTarget{st: st, prefix: r.LogPrefix, next: idx + 1, log: r.Target == "LOG"}
	case "ACCEPT":
		target = &gstack.AcceptTarget{NetworkProtocol: proto}
	case "DROP":
		target = &gstack.DropTarget{NetworkProtocol: proto}
	case "RETURN":
		target = &gstack.ReturnTarget{NetworkProtocol: proto}
	case "REJECT":
		h, ok := st.s.NetworkProtocolInstance(proto).(gstack.RejectIPv4WithHandler)
		if !ok {
			return gstack.Rule{}, ErrInvalid
		}
		with, err := rejectWith(r.RejectWith)
		if err != nil {
			return gstack.Rule{}, err
		}
		target = &gstack.RejectIPv4Target{Handler: h, RejectWith: with}
	case "MASQUERADE":
		target = &natTarget{st: st, kind: "MASQUERADE", inner: &gstack.MasqueradeTarget{NetworkProtocol: proto}}
	case "SNAT":
		target = &natTarget{st: st, kind: "SNAT", inner: &gstack.SNATTarget{Addr: tcpAddr(r.ToAddr), Port: r.ToPort, NetworkProtocol: proto, ChangeAddress: true, ChangePort: r.ToPort != 0}}
	case "DNAT":
		target = &natTarget{st: st, kind: "DNAT", inner: &gstack.DNATTarget{Addr: tcpAddr(r.ToAddr), Port: r.ToPort, NetworkProtocol: proto, ChangeAddress: true, ChangePort: r.ToPort != 0}}
	default:
		s, ok := start[r.Target]
		if !ok {
			return gstack.Rule{}, ErrNoChain
		}
		target = &jumpTarget{to: s}
	}
	return gstack.Rule{Filter: f, Matchers: ms, Target: target}, nil
}

func rejectWith(s string) (gstack.RejectIPv4WithICMPType, error) {
	switch s {
	case "", "icmp-port-unreachable":
		return gstack.RejectIPv4WithICMPPortUnreachable, nil
	case "icmp-net-unreachable":
		return gstack.RejectIPv4WithICMPNetUnreachable, nil
	case "icmp-host-unreachable":
		return gstack.RejectIPv4WithICMPHostUnreachable, nil
	case "icmp-proto-unreachable":
		// gVisor panics on it (SendRejectionError does not handle it).
		return 0, fmt.Errorf("iptables: --reject-with %s is not emulated", s)
	case "icmp-net-prohibited":
		return gstack.RejectIPv4WithICMPNetProhibited, nil
	case "icmp-host-prohibited":
		return gstack.RejectIPv4WithICMPHostProhibited, nil
	case "icmp-admin-prohibited":
		return gstack.RejectIPv4WithICMPAdminProhibited, nil
	case "tcp-reset":
		return gstack.RejectIPv4WithTCPReset, nil
	}
	return 0, fmt.Errorf("iptables v1.8.9 (legacy): unknown reject type %q", s)
}

// ipLen is the IP datagram's length (what iptables counts).
func ipLen(pkt *gstack.PacketBuffer) uint64 {
	return uint64(len(pkt.NetworkHeader().Slice()) + len(pkt.TransportHeader().Slice()) + pkt.Data().Size())
}

type countMatcher struct {
	c  *Counter
	tr *traceSite
}

func (m *countMatcher) Match(_ gstack.Hook, pkt *gstack.PacketBuffer, in, out string) (bool, bool) {
	m.c.packets.Add(1)
	m.c.bytes.Add(ipLen(pkt))
	m.tr.log(pkt, in, out)
	return true, false
}

// l4Matcher matches -p and --sport/--dport.
type l4Matcher struct {
	proto        string
	not          bool
	sport, dport *PortMatch
}

func protoNumber(p string) (uint8, bool) {
	switch p {
	case "tcp":
		return uint8(header.TCPProtocolNumber), true
	case "udp":
		return uint8(header.UDPProtocolNumber), true
	case "icmp":
		return uint8(header.ICMPv4ProtocolNumber), true
	case "all", "":
		return 0, true
	}
	return 0, false
}

func (m *l4Matcher) Match(_ gstack.Hook, pkt *gstack.PacketBuffer, _, _ string) (bool, bool) {
	ip := header.IPv4(pkt.NetworkHeader().Slice())
	if len(ip) < header.IPv4MinimumSize {
		return false, false
	}
	if m.proto != "" && m.proto != "all" {
		want, _ := protoNumber(m.proto)
		if (ip.Protocol() == want) == m.not {
			return false, false
		}
	}
	if m.sport == nil && m.dport == nil {
		return true, false
	}
	if ip.FragmentOffset() != 0 {
		return false, false
	}
	th := pkt.TransportHeader().Slice()
	if len(th) < 4 {
		b, ok := pkt.Data().PullUp(4)
		if !ok {
			return false, true
		}
		th = b
	}
	sp := uint16(th[0])<<8 | uint16(th[1])
	dp := uint16(th[2])<<8 | uint16(th[3])
	if m.sport != nil && !m.sport.matches(sp) {
		return false, false
	}
	if m.dport != nil && !m.dport.matches(dp) {
		return false, false
	}
	return true, false
}

// holdMatcher works around a use after free in gVisor's IPv4 forwarding:
// forwardPacketWithRoute reads the TTL through a header slice taken before
// DeepCopyForForwarding, which can release that slice's chunk (to a pool
// another goroutine may reuse it from: a wrong TTL, a race report). It keeps
// a reference to the packet's bytes until the next packet that comes in
// through the same device reaches FORWARD (each device delivers one packet
// at a time), or until the device or the stack goes. It never matches.
type holdMatcher struct{ st *Stack }

func (m *holdMatcher) Match(_ gstack.Hook, pkt *gstack.PacketBuffer, in, _ string) (bool, bool) {
	b := gstack.BufferSince(pkt.NetworkHeader())
	m.st.holdMu.Lock()
	if m.st.held == nil {
		m.st.held = map[string]buffer.Buffer{}
	}
	old := m.st.held[in]
	if m.st.holdDone {
		old, b = b, buffer.Buffer{}
	} else {
		m.st.held[in] = b
	}
	m.st.holdMu.Unlock()
	old.Release()
	return false, false
}

// releaseHeld drops what holdMatcher keeps for device in, or for every
// device when in is "" (the stack is closed: it keeps nothing more).
func (st *Stack) releaseHeld(in string) {
	st.holdMu.Lock()
	if in == "" {
		st.holdDone = true // the stack is closed
	}
	var rel []buffer.Buffer
	for k, b := range st.held {
		if in == "" || k == in {
			rel = append(rel, b)
			delete(st.held, k)
		}
	}
	st.holdMu.Unlock()
	for _, b := range rel {
		b.Release()
	}
}

// localMatcher matches packets for one of the namespace's own addresses
// (gVisor sends them through FORWARD when they arrive on another device).
type localMatcher struct{ st *Stack }

func (m *localMatcher) Match(_ gstack.Hook, pkt *gstack.PacketBuffer, _, _ string) (bool, bool) {
	ip := header.IPv4(pkt.NetworkHeader().Slice())
	if len(ip) < header.IPv4MinimumSize {
		return false, false
	}
	return m.st.s.CheckLocalAddress(0, ipv4.ProtocolNumber, ip.DestinationAddress()) != 0, false
}

// forwardOffMatcher matches every packet while ip_forward is 0.
type forwardOffMatcher struct{ st *Stack }

func (m *forwardOffMatcher) Match(_ gstack.Hook, pkt *gstack.PacketBuffer, in, out string) (bool, bool) {
	if _, _, bridged := m.st.physOf(pkt); bridged {
		// br_netfilter: a switched frame, not a routed one; ip_forward
		// does not apply (and it is not a route decision).
		return false, false
	}
	if m.st.fwdOn.Load() {
		if m.st.bus.Enabled() {
			ip := header.IPv4(pkt.NetworkHeader().Slice())
			if len(ip) >= header.IPv4MinimumSize {
				m.st.emit(trace.Event{Kind: trace.RouteDecision, Dev: out, Addr: ip.DestinationAddress().String(),
					Reason: fmt.Sprintf("forwards %s → %s from %s out %s (TTL %d)", ip.SourceAddress(), ip.DestinationAddress(), in, out, ip.TTL())})
			}
		}
		return false, false
	}
	if m.st.bus.Enabled() {
		ip := header.IPv4(pkt.NetworkHeader().Slice())
		if len(ip) >= header.IPv4MinimumSize {
			m.st.emit(trace.Event{Kind: trace.Dropped, Dev: in, Addr: ip.DestinationAddress().String(),
				Reason: fmt.Sprintf("forwarding off: drops %s → %s", ip.SourceAddress(), ip.DestinationAddress())})
		}
	}
	return true, false
}

// ttlExpiredMatcher matches, while ip_forward is 1, a unicast packet for
// another host that arrives with TTL 1 or less: Linux drops it and answers
// Time Exceeded. gVisor checks only for TTL 0 and would forward it with
// TTL 0, so expireTarget zeroes its TTL before gVisor's forwarding sees it.
type ttlExpiredMatcher struct{ st *Stack }

func (m *ttlExpiredMatcher) Match(_ gstack.Hook, pkt *gstack.PacketBuffer, _, _ string) (bool, bool) {
	if !m.st.fwdOn.Load() {
		return false, false
	}
	ip := header.IPv4(pkt.NetworkHeader().Slice())
	if len(ip) < header.IPv4MinimumSize || ip.TTL() > 1 {
		return false, false
	}
	dst := ip.DestinationAddress()
	if dst == header.IPv4Broadcast || header.IsV4MulticastAddress(dst) {
		return false, false
	}
	return m.st.s.CheckLocalAddress(0, ipv4.ProtocolNumber, dst) == 0, false
}

// expireTarget sets a packet's TTL to 0 and goes on with the next rule.
type expireTarget struct{ next int }

func (e *expireTarget) Action(pkt *gstack.PacketBuffer, _ gstack.Hook, _ *gstack.Route, _ gstack.AddressableEndpoint) (gstack.RuleVerdict, int) {
	ip := header.IPv4(pkt.NetworkHeader().Slice())
	ip.SetTTL(0)
	ip.SetChecksum(0)
	ip.SetChecksum(^ip.CalculateChecksum())
	return gstack.RuleJump, e.next
}

// policyTarget is a built-in chain's policy. It counts packets itself:
// when a RETURN leaves a built-in chain, gVisor runs the underflow rule's
// target without its matchers (Linux counts the policy then too).
type policyTarget struct {
	c     *Counter
	inner gstack.Target
	tr    *traceSite
}

func (p *policyTarget) Action(pkt *gstack.PacketBuffer, hook gstack.Hook, r *gstack.Route, ep gstack.AddressableEndpoint) (gstack.RuleVerdict, int) {
	p.c.packets.Add(1)
	p.c.bytes.Add(ipLen(pkt))
	p.tr.logHook(pkt, hook, r)
	return p.inner.Action(pkt, hook, r, ep)
}

type jumpTarget struct{ to int }

func (j *jumpTarget) Action(*gstack.PacketBuffer, gstack.Hook, *gstack.Route, gstack.AddressableEndpoint) (gstack.RuleVerdict, int) {
	return gstack.RuleJump, j.to
}

// logTarget is LOG (a kernel log line, then the next rule) or a rule with
// no target (counters only).
type logTarget struct {
	st     *Stack
	prefix string
	next   int
	log    bool
}

func (l *logTarget) Action(pkt *gstack.PacketBuffer, hook gstack.Hook, _ *gstack.Route, _ gstack.AddressableEndpoint) (gstack.RuleVerdict, int) {
	if l.log {
		l.st.klog(l.prefix + packetSummary(pkt))
	}
	return gstack.RuleJump, l.next
}

// packetSummary renders a packet as the kernel's LOG target does.
func packetSummary(pkt *gstack.PacketBuffer) string {
	ip := header.IPv4(pkt.NetworkHeader().Slice())
	if len(ip) < header.IPv4MinimumSize {
		return ""
	}
	tos, _ := ip.TOS()
	s := fmt.Sprintf("SRC=%s DST=%s LEN=%d TOS=0x%02X TTL=%d ID=%d PROTO=", ip.SourceAddress(), ip.DestinationAddress(), ip.TotalLength(), tos, ip.TTL(), ip.ID())
	th := pkt.TransportHeader().Slice()
	switch tcpip.TransportProtocolNumber(ip.Protocol()) {
	case header.TCPProtocolNumber:
		s += "TCP"
		if len(th) >= header.TCPMinimumSize {
			t := header.TCP(th)
			s += fmt.Sprintf(" SPT=%d DPT=%d WINDOW=%d", t.SourcePort(), t.DestinationPort(), t.WindowSize())
		}
	case header.UDPProtocolNumber:
		s += "UDP"
		if len(th) >= header.UDPMinimumSize {
			u := header.UDP(th)
			s += fmt.Sprintf(" SPT=%d DPT=%d LEN=%d", u.SourcePort(), u.DestinationPort(), u.Length())
		}
	case header.ICMPv4ProtocolNumber:
		s += "ICMP"
		if len(th) >= 4 {
			s += fmt.Sprintf(" TYPE=%d CODE=%d", th[0], th[1])
		}
	default:
		s += fmt.Sprint(ip.Protocol())
	}
	return s
}

// natTarget wraps gVisor's NAT targets to report the rewrite.
type natTarget struct {
	st    *Stack
	kind  string
	inner gstack.Target
}

func (n *natTarget) Action(pkt *gstack.PacketBuffer, hook gstack.Hook, r *gstack.Route, ep gstack.AddressableEndpoint) (gstack.RuleVerdict, int) {
	ip := header.IPv4(pkt.NetworkHeader().Slice())
	if len(ip) < header.IPv4MinimumSize {
		return n.inner.Action(pkt, hook, r, ep)
	}
	src, dst := ip.SourceAddress(), ip.DestinationAddress()
	v, j := n.inner.Action(pkt, hook, r, ep)
	if !n.st.bus.Enabled() {
		return v, j
	}
	ip = header.IPv4(pkt.NetworkHeader().Slice())
	nsrc, ndst := ip.SourceAddress(), ip.DestinationAddress()
	var what string
	switch {
	case nsrc != src:
		what = fmt.Sprintf("%s %s → %s (source)", n.kind, src, nsrc)
	case ndst != dst:
		what = fmt.Sprintf("%s %s → %s (destination)", n.kind, dst, ndst)
	default:
		// gVisor rewrites at the end of the hook: report the mapping chosen.
		what = fmt.Sprintf("%s %s → %s", n.kind, src, dst)
		if n.kind == "MASQUERADE" && r != nil {
			what = fmt.Sprintf("MASQUERADE %s → %s", src, r.LocalAddress())
		}
	}
	// Addr is the packet's (new) destination: what a capture matches the
	// frame that carries it by.
	n.st.emit(trace.Event{Kind: trace.NATRewrite, Addr: ndst.String(), Reason: what})
	return v, j
}

// klog appends a line to the namespace's kernel log.
func (st *Stack) klog(line string) {
	st.klogMu.Lock()
	defer st.klogMu.Unlock()
	st.klogLines = append(st.klogLines, KernelLogLine{Time: st.clock.NowMonotonic(), Text: line})
	if len(st.klogLines) > 4096 {
		st.klogLines = st.klogLines[len(st.klogLines)-4096:]
	}
}

// KernelLogLine is a line of the emulated kernel log (dmesg).
type KernelLogLine struct {
	Time tcpip.MonotonicTime
	Text string
}

// KernelLog returns the namespace's kernel log.
func (st *Stack) KernelLog() []KernelLogLine {
	st.klogMu.Lock()
	defer st.klogMu.Unlock()
	return append([]KernelLogLine(nil), st.klogLines...)
}
