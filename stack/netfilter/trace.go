package netfilter

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	gstack "gvisor.dev/gvisor/pkg/tcpip/stack"
)

// iptables TRACE: `iptables -t raw -A PREROUTING|OUTPUT ... -j TRACE` marks
// packets; every rule, policy and user-chain return they then match logs a
// kernel-format line to the namespace's kernel log (dmesg):
//
//	TRACE: raw:PREROUTING:policy:2 IN=docker0 OUT= MAC=... SRC=172.17.0.2 DST=172.17.0.3 LEN=84 ... PROTO=ICMP TYPE=8 CODE=0 ID=7 SEQ=1
//
// A packet is known by its IPv4 source, destination, protocol and ID, so it
// stays marked through the copies gVisor makes while forwarding.

// flowKey identifies a traced packet.
type flowKey struct {
	src, dst tcpip.Address
	proto    uint8
	id       uint16
}

const maxTraced = 1024

func keyOf(pkt *gstack.PacketBuffer) (flowKey, bool) {
	ip := header.IPv4(pkt.NetworkHeader().Slice())
	if len(ip) < header.IPv4MinimumSize {
		return flowKey{}, false
	}
	return flowKey{src: ip.SourceAddress(), dst: ip.DestinationAddress(), proto: ip.Protocol(), id: ip.ID()}, true
}

// packetState is what the tables know about packets in flight, under its
// mu: the packets TRACE marked, the policies whose TRACE line a matcher
// wrote, and the bridge ports of frames in br_netfilter (bridge.go).
type packetState struct {
	traceOn atomic.Bool

	mu          sync.Mutex
	traced      map[flowKey]struct{}
	tracedOrder []flowKey
	// policyLogged: policies whose TRACE line the policy's matcher wrote.
	policyLogged map[*gstack.PacketBuffer]struct{}
	phys         map[*gstack.PacketBuffer][2]string
}

func (p *packetState) markTraced(pkt *gstack.PacketBuffer) {
	k, ok := keyOf(pkt)
	if !ok {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.traced == nil {
		p.traced = map[flowKey]struct{}{}
	}
	if _, dup := p.traced[k]; dup {
		return
	}
	if len(p.tracedOrder) >= maxTraced {
		delete(p.traced, p.tracedOrder[0])
		p.tracedOrder = p.tracedOrder[1:]
	}
	p.traced[k] = struct{}{}
	p.tracedOrder = append(p.tracedOrder, k)
}

func (p *packetState) isTraced(pkt *gstack.PacketBuffer) bool {
	if !p.traceOn.Load() {
		return false
	}
	k, ok := keyOf(pkt)
	if !ok {
		return false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	_, yes := p.traced[k]
	return yes
}

// setPolicyLogged records that pkt's policy TRACE line is written.
func (p *packetState) setPolicyLogged(pkt *gstack.PacketBuffer) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.policyLogged == nil {
		p.policyLogged = map[*gstack.PacketBuffer]struct{}{}
	}
	p.policyLogged[pkt] = struct{}{}
}

// takePolicyLogged reports (and forgets) whether pkt's policy TRACE line
// is written.
func (p *packetState) takePolicyLogged(pkt *gstack.PacketBuffer) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	_, done := p.policyLogged[pkt]
	delete(p.policyLogged, pkt)
	return done
}

// traceSite is where in the tables a rule sits, for TRACE lines.
type traceSite struct {
	ts                 *Tables
	table, chain, kind string
	num                int
}

func (ts *Tables) site(table, chain, kind string, num int) *traceSite {
	return &traceSite{ts: ts, table: table, chain: chain, kind: kind, num: num}
}

// setSite gives a compiled rule's counting matcher its trace site.
func setSite(r gstack.Rule, s *traceSite) {
	for _, m := range r.Matchers {
		if cm, ok := m.(*countMatcher); ok {
			cm.tr = s
		}
	}
}

// log writes the TRACE line for a matched rule if pkt is traced.
func (s *traceSite) log(pkt *gstack.PacketBuffer, in, out string) {
	if s == nil || !s.ts.pkt.isTraced(pkt) {
		return
	}
	line := kernelPacketLine(pkt, in, out)
	if pin, pout, ok := s.ts.physOf(pkt); ok {
		// br_netfilter: the bridge ports, after IN= OUT=.
		phys := "PHYSIN=" + pin + " "
		if out != "" {
			phys += "PHYSOUT=" + pout + " "
		}
		if i := strings.Index(line, " MAC="); i >= 0 {
			line = line[:i+1] + phys + line[i+1:]
		} else if i := strings.Index(line, " SRC="); i >= 0 {
			line = line[:i+1] + phys + line[i+1:]
		}
	}
	s.ts.host.KernelLog(fmt.Sprintf("TRACE: %s:%s:%s:%d %s", s.table, s.chain, s.kind, s.num, line))
}

// policyMatcher sits on a policy rule: when gVisor reaches the policy by
// walking the chain, it logs the TRACE line with the devices (which only
// matchers are given) and tells the policy target not to log it again.
type policyMatcher struct{ tr *traceSite }

// Match implements gstack.Matcher.Match.
func (m *policyMatcher) Match(_ gstack.Hook, pkt *gstack.PacketBuffer, in, out string) (bool, bool) {
	if m.tr.ts.pkt.isTraced(pkt) {
		m.tr.log(pkt, in, out)
		m.tr.ts.pkt.setPolicyLogged(pkt)
	}
	return true, false
}

// logHook is log for a policy reached by a RETURN, which gVisor runs as a
// bare target: the devices come from the packet and the route.
func (s *traceSite) logHook(pkt *gstack.PacketBuffer, hook gstack.Hook, r *gstack.Route) {
	if s == nil || !s.ts.pkt.isTraced(pkt) || s.ts.pkt.takePolicyLogged(pkt) {
		return
	}
	var in, out string
	switch hook {
	case gstack.Prerouting, gstack.Input, gstack.Forward:
		in = s.ts.s.FindNICNameFromID(pkt.NICID)
	}
	if r != nil {
		switch hook {
		case gstack.Output, gstack.Postrouting, gstack.Forward:
			out = s.ts.s.FindNICNameFromID(r.NICID())
		}
	}
	s.log(pkt, in, out)
}

// kernelPacketLine renders a packet as the kernel's nf_log does.
func kernelPacketLine(pkt *gstack.PacketBuffer, in, out string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "IN=%s OUT=%s ", in, out)
	if lh := pkt.LinkHeader().Slice(); in != "" && len(lh) >= header.EthernetMinimumSize {
		b.WriteString("MAC=")
		for i, c := range lh[:header.EthernetMinimumSize] {
			if i > 0 {
				b.WriteByte(':')
			}
			fmt.Fprintf(&b, "%02x", c)
		}
		b.WriteByte(' ')
	}
	ip := header.IPv4(pkt.NetworkHeader().Slice())
	if len(ip) < header.IPv4MinimumSize {
		return strings.TrimSpace(b.String())
	}
	tos, _ := ip.TOS()
	fmt.Fprintf(&b, "SRC=%s DST=%s LEN=%d TOS=0x%02X PREC=0x%02X TTL=%d ID=%d ", ip.SourceAddress(), ip.DestinationAddress(), ip.TotalLength(), tos&0x1f, tos&0xe0, ip.TTL(), ip.ID())
	if ip.Flags()&header.IPv4FlagDontFragment != 0 {
		b.WriteString("DF ")
	}
	th := pkt.TransportHeader().Slice()
	if len(th) == 0 {
		th, _ = pkt.Data().PullUp(min(pkt.Data().Size(), 20))
	}
	writeTransport(&b, ip.Protocol(), th)
	return b.String()
}

// tcpFlagNames are the TCP flags in the order nf_log prints them.
var tcpFlagNames = []struct {
	bit  header.TCPFlags
	name string
}{{header.TCPFlagUrg, "URG"}, {header.TCPFlagAck, "ACK"}, {header.TCPFlagPsh, "PSH"}, {header.TCPFlagRst, "RST"}, {header.TCPFlagSyn, "SYN"}, {header.TCPFlagFin, "FIN"}}

// writeTransport writes nf_log's PROTO= part: the protocol and the
// transport header th's fields.
func writeTransport(b *strings.Builder, proto uint8, th []byte) {
	switch tcpip.TransportProtocolNumber(proto) {
	case header.ICMPv4ProtocolNumber:
		b.WriteString("PROTO=ICMP")
		if len(th) >= header.ICMPv4MinimumSize {
			ic := header.ICMPv4(th)
			fmt.Fprintf(b, " TYPE=%d CODE=%d", ic.Type(), ic.Code())
			if ic.Type() == header.ICMPv4Echo || ic.Type() == header.ICMPv4EchoReply {
				fmt.Fprintf(b, " ID=%d SEQ=%d", ic.Ident(), ic.Sequence())
			}
		}
	case header.TCPProtocolNumber:
		b.WriteString("PROTO=TCP")
		if len(th) >= header.TCPMinimumSize {
			t := header.TCP(th)
			fmt.Fprintf(b, " SPT=%d DPT=%d SEQ=%d ACK=%d WINDOW=%d RES=0x00", t.SourcePort(), t.DestinationPort(), t.SequenceNumber(), t.AckNumber(), t.WindowSize())
			for _, f := range tcpFlagNames {
				if t.Flags()&f.bit != 0 {
					b.WriteString(" " + f.name)
				}
			}
			b.WriteString(" URGP=0")
		}
	case header.UDPProtocolNumber:
		b.WriteString("PROTO=UDP")
		if len(th) >= header.UDPMinimumSize {
			u := header.UDP(th)
			fmt.Fprintf(b, " SPT=%d DPT=%d LEN=%d", u.SourcePort(), u.DestinationPort(), u.Length())
		}
	default:
		fmt.Fprintf(b, "PROTO=%d", proto)
	}
}

// traceTarget is TRACE: it marks the packet and goes on.
type traceTarget struct {
	ts   *Tables
	next int
}

// Action implements gstack.Target.Action.
func (t *traceTarget) Action(pkt *gstack.PacketBuffer, _ gstack.Hook, _ *gstack.Route, _ gstack.AddressableEndpoint) (gstack.RuleVerdict, int) {
	t.ts.pkt.markTraced(pkt)
	return gstack.RuleJump, t.next
}

// compileRaw compiles rule i of a raw chain placed at index idx; next is
// where mangle's own rules start (raw's ACCEPT goes on there).
func (ts *Tables) compileRaw(c *chain, r *Rule, i, idx, next int) (gstack.Rule, error) {
	plain := *r
	plain.Target = ""
	gr, err := ts.compileRule(&plain, idx, nil)
	if err != nil {
		return gr, err
	}
	setSite(gr, ts.site("raw", c.name, "rule", i+1))
	switch r.Target {
	case "TRACE":
		gr.Target = &traceTarget{ts: ts, next: idx + 1}
	case "ACCEPT", "NOTRACK":
		gr.Target = &jumpTarget{to: next}
	case "RETURN":
		gr.Target = &jumpTarget{to: next - 1} // raw's policy
	case "DROP":
		gr.Target = &gstack.DropTarget{NetworkProtocol: proto4}
	case "LOG":
		gr.Target = &logTarget{ts: ts, prefix: r.LogPrefix, next: idx + 1, log: true}
	}
	return gr, nil
}
