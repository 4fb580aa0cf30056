package netfilter

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"strings"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	gstack "gvisor.dev/gvisor/pkg/tcpip/stack"

	"github.com/nsemu/nsemu/emu/trace"
)

// compileRule compiles rule r, placed at index idx; start gives the index
// of each user chain.
func (ts *Tables) compileRule(r *Rule, idx int, start map[string]int) (gstack.Rule, error) {
	target, err := ts.target(r, idx, start)
	if err != nil {
		return gstack.Rule{}, err
	}
	return gstack.Rule{Filter: headerFilter(r), Matchers: ts.matchers(r), Target: target}, nil
}

// headerFilter is the part of r gVisor matches itself: addresses and
// interfaces.
func headerFilter(r *Rule) gstack.IPHeaderFilter {
	f := gstack.EmptyFilter4()
	if r.Src.IsValid() {
		f.Src, f.SrcMask, f.SrcInvert = addr4(r.Src.Masked().Addr()), mask4(r.Src), r.NotSrc
	}
	if r.Dst.IsValid() {
		f.Dst, f.DstMask, f.DstInvert = addr4(r.Dst.Masked().Addr()), mask4(r.Dst), r.NotDst
	}
	if r.In != "" {
		f.InputInterface, f.InputInterfaceInvert = r.In, r.NotIn
		f.InputInterfaceMask = strings.TrimSuffix(r.In, "+")
	}
	if r.Out != "" {
		f.OutputInterface, f.OutputInterfaceInvert = r.Out, r.NotOut
		f.OutputInterfaceMask = strings.TrimSuffix(r.Out, "+")
	}
	return f
}

func addr4(a netip.Addr) tcpip.Address { return tcpip.AddrFrom4(a.As4()) }

func mask4(p netip.Prefix) tcpip.Address {
	var m [4]byte
	if p.Bits() > 0 {
		binary.BigEndian.PutUint32(m[:], ^uint32(0)<<(32-p.Bits()))
	}
	return tcpip.AddrFrom4(m)
}

// matchers are r's matches gVisor does not know, then its counter (which
// counts only packets every other match took).
func (ts *Tables) matchers(r *Rule) []gstack.Matcher {
	var ms []gstack.Matcher
	if r.Proto != "" || r.SPort != nil || r.DPort != nil {
		ms = append(ms, &l4Matcher{proto: r.Proto, not: r.NotProto, sport: r.SPort, dport: r.DPort})
	}
	ms = append(ms, ts.extMatchers(r)...)
	return append(ms, &countMatcher{c: r.counters})
}

// target compiles r's target; idx is r's index, for the targets that go on
// with the next rule.
func (ts *Tables) target(r *Rule, idx int, start map[string]int) (gstack.Target, error) {
	switch r.Target {
	case "", "LOG":
		// No target (or LOG): count and go on with the next rule.
		return &logTarget{ts: ts, prefix: r.LogPrefix, next: idx + 1, log: r.Target == "LOG"}, nil
	case "ACCEPT":
		return &gstack.AcceptTarget{NetworkProtocol: proto4}, nil
	case "DROP":
		return &gstack.DropTarget{NetworkProtocol: proto4}, nil
	case "RETURN":
		return &gstack.ReturnTarget{NetworkProtocol: proto4}, nil
	case "REJECT":
		return ts.rejectTarget(r)
	case "MASQUERADE", "SNAT", "DNAT":
		return ts.natTarget(r), nil
	}
	s, ok := start[r.Target]
	if !ok {
		return nil, ErrNoChain
	}
	return &jumpTarget{to: s}, nil
}

func (ts *Tables) rejectTarget(r *Rule) (gstack.Target, error) {
	h, ok := ts.s.NetworkProtocolInstance(proto4).(gstack.RejectIPv4WithHandler)
	if !ok {
		return nil, ErrInvalid
	}
	with, err := rejectWith(r.RejectWith)
	if err != nil {
		return nil, err
	}
	return &gstack.RejectIPv4Target{Handler: h, RejectWith: with}, nil
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

func (ts *Tables) natTarget(r *Rule) gstack.Target {
	var inner gstack.Target
	switch r.Target {
	case "MASQUERADE":
		inner = &gstack.MasqueradeTarget{NetworkProtocol: proto4}
	case "SNAT":
		inner = &gstack.SNATTarget{Addr: addr4(r.ToAddr), Port: r.ToPort, NetworkProtocol: proto4, ChangeAddress: true, ChangePort: r.ToPort != 0}
	case "DNAT":
		inner = &gstack.DNATTarget{Addr: addr4(r.ToAddr), Port: r.ToPort, NetworkProtocol: proto4, ChangeAddress: true, ChangePort: r.ToPort != 0}
	}
	return &natTarget{ts: ts, kind: r.Target, inner: inner}
}

// ipLen is the IP datagram's length (what iptables counts).
func ipLen(pkt *gstack.PacketBuffer) uint64 {
	return uint64(len(pkt.NetworkHeader().Slice()) + len(pkt.TransportHeader().Slice()) + pkt.Data().Size())
}

// countMatcher counts the packets that reach it (every other match of the
// rule took them) and writes their TRACE line.
type countMatcher struct {
	c  *Counter
	tr *traceSite
}

// Match implements gstack.Matcher.Match.
func (m *countMatcher) Match(_ gstack.Hook, pkt *gstack.PacketBuffer, in, out string) (bool, bool) {
	m.c.add(ipLen(pkt))
	m.tr.log(pkt, in, out)
	return true, false
}

// l4Matcher matches -p and --sport/--dport.
type l4Matcher struct {
	proto        string
	not          bool
	sport, dport *PortMatch
}

func protoNumber(p string) uint8 {
	switch p {
	case "tcp":
		return uint8(header.TCPProtocolNumber)
	case "udp":
		return uint8(header.UDPProtocolNumber)
	case "icmp":
		return uint8(header.ICMPv4ProtocolNumber)
	}
	return 0
}

// Match implements gstack.Matcher.Match.
func (m *l4Matcher) Match(_ gstack.Hook, pkt *gstack.PacketBuffer, _, _ string) (bool, bool) {
	ip := header.IPv4(pkt.NetworkHeader().Slice())
	if len(ip) < header.IPv4MinimumSize {
		return false, false
	}
	if m.proto != "" && m.proto != "all" && (ip.Protocol() == protoNumber(m.proto)) == m.not {
		return false, false
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
	sp := binary.BigEndian.Uint16(th[0:])
	dp := binary.BigEndian.Uint16(th[2:])
	return (m.sport == nil || m.sport.matches(sp)) && (m.dport == nil || m.dport.matches(dp)), false
}

// policyCounter is a built-in chain's policy. It counts packets itself:
// when a RETURN leaves a built-in chain, gVisor runs the underflow rule's
// target without its matchers (Linux counts the policy then too).
type policyCounter struct {
	c     *Counter
	inner gstack.Target
	tr    *traceSite
}

// Action implements gstack.Target.Action.
func (p *policyCounter) Action(pkt *gstack.PacketBuffer, hook gstack.Hook, r *gstack.Route, ep gstack.AddressableEndpoint) (gstack.RuleVerdict, int) {
	p.c.add(ipLen(pkt))
	p.tr.logHook(pkt, hook, r)
	return p.inner.Action(pkt, hook, r, ep)
}

// jumpTarget goes on at rule index to.
type jumpTarget struct{ to int }

// Action implements gstack.Target.Action.
func (j *jumpTarget) Action(*gstack.PacketBuffer, gstack.Hook, *gstack.Route, gstack.AddressableEndpoint) (gstack.RuleVerdict, int) {
	return gstack.RuleJump, j.to
}

// logTarget is LOG (a kernel log line, then the next rule) or a rule with
// no target (counters only).
type logTarget struct {
	ts     *Tables
	prefix string
	next   int
	log    bool
}

// Action implements gstack.Target.Action.
func (l *logTarget) Action(pkt *gstack.PacketBuffer, _ gstack.Hook, _ *gstack.Route, _ gstack.AddressableEndpoint) (gstack.RuleVerdict, int) {
	if l.log {
		l.ts.host.KernelLog(l.prefix + packetSummary(pkt))
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
	ts    *Tables
	kind  string
	inner gstack.Target
}

// Action implements gstack.Target.Action.
func (n *natTarget) Action(pkt *gstack.PacketBuffer, hook gstack.Hook, r *gstack.Route, ep gstack.AddressableEndpoint) (gstack.RuleVerdict, int) {
	ip := header.IPv4(pkt.NetworkHeader().Slice())
	if len(ip) < header.IPv4MinimumSize {
		return n.inner.Action(pkt, hook, r, ep)
	}
	src, dst := ip.SourceAddress(), ip.DestinationAddress()
	v, j := n.inner.Action(pkt, hook, r, ep)
	if !n.ts.host.Tracing() {
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
	case n.kind == "MASQUERADE" && r != nil:
		what = fmt.Sprintf("MASQUERADE %s → %s", src, r.LocalAddress())
	default:
		// gVisor rewrites at the end of the hook: report the mapping chosen.
		what = fmt.Sprintf("%s %s → %s", n.kind, src, dst)
	}
	// Addr is the packet's (new) destination: what a capture matches the
	// frame that carries it by.
	n.ts.host.Emit(trace.Event{Kind: trace.NATRewrite, Addr: ndst.String(), Reason: what})
	return v, j
}
