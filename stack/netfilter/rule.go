package netfilter

import (
	"errors"
	"fmt"
	"net/netip"
	"sync/atomic"
)

// Errors of the table store, in iptables' (libiptc's) words.
var (
	ErrNoChain         = errors.New("iptables: No chain/target/match by that name.")
	ErrBadRule         = errors.New("iptables: Bad rule (does a matching rule exist in that chain?).")
	ErrChainExists     = errors.New("iptables: Chain already exists.")
	ErrChainNotEmpty   = errors.New("iptables: Directory not empty.")
	ErrChainInUse      = errors.New("iptables: Too many links.")
	ErrBadBuiltin      = errors.New("iptables: Bad built-in chain name.")
	ErrIndex           = errors.New("iptables: Index of insertion too big.")
	ErrInvalid         = errors.New("iptables: Invalid argument. Run `dmesg' for more information.")
	ErrChainFileExists = errors.New("iptables: File exists.")
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

// full reports whether p is no condition: every port, not inverted.
func (p *PortMatch) full() bool { return p == nil || (p.Lo == 0 && p.Hi == 65535 && !p.Not) }

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
	// Target is ACCEPT, DROP, REJECT, RETURN, MASQUERADE, SNAT, DNAT, LOG,
	// TRACE, NOTRACK or a user chain's name.
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
	// conntrack.go.
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

func (c *Counter) add(bytes uint64) {
	c.packets.Add(1)
	c.bytes.Add(bytes)
}

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

// Canon puts a rule in the one form Parse produces, so rules compare equal
// when iptables would call them the same: a full, plain port range is no
// condition (the match itself stays, as SPort 0:65535 when no port is
// given), "any" addresses are the zero Prefix, "+" is any interface, REJECT
// names its ICMP type.
func (r Rule) Canon() Rule {
	r.SPort, r.DPort = canonPorts(r.SPort, r.DPort)
	if r.Src.IsValid() && r.Src.Bits() == 0 && !r.NotSrc {
		r.Src = netip.Prefix{}
	}
	if r.Dst.IsValid() && r.Dst.Bits() == 0 && !r.NotDst {
		r.Dst = netip.Prefix{}
	}
	r.NotSrc = r.NotSrc && r.Src.IsValid()
	r.NotDst = r.NotDst && r.Dst.IsValid()
	if r.Proto == "all" {
		r.Proto = ""
	}
	r.NotProto = r.NotProto && r.Proto != ""
	if r.In == "+" && !r.NotIn || r.In == "" {
		r.In, r.NotIn = "", false
	}
	if r.Out == "+" && !r.NotOut || r.Out == "" {
		r.Out, r.NotOut = "", false
	}
	if r.Target == "REJECT" && r.RejectWith == "" {
		r.RejectWith = "icmp-port-unreachable"
	}
	return r
}

// canonPorts is Canon for the port match: copies, a full range dropped
// unless it is all that is left of the match.
func canonPorts(sp, dp *PortMatch) (*PortMatch, *PortMatch) {
	if sp == nil && dp == nil {
		return nil, nil
	}
	s, d := !sp.full(), !dp.full()
	switch {
	case !s && !d:
		return &PortMatch{Lo: 0, Hi: 65535}, nil
	case !s:
		sp = nil
	case !d:
		dp = nil
	}
	return copyPorts(sp), copyPorts(dp)
}

func copyPorts(p *PortMatch) *PortMatch {
	if p == nil {
		return nil
	}
	c := *p
	return &c
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
