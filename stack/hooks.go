package stack

import (
	"fmt"

	"gvisor.dev/gvisor/pkg/buffer"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	gstack "gvisor.dev/gvisor/pkg/tcpip/stack"

	"github.com/nsemu/nsemu/emu/trace"
	"github.com/nsemu/nsemu/stack/netfilter"
)

// The stack's own concerns on the forwarding path. gVisor offers no place
// there but its iptables, so the namespace's netfilter.Tables run these
// hooks in front of the user's chains:
//
//   - forward (FORWARD): Linux delivers a packet for one of its own
//     addresses that arrives on another device without traversing FORWARD,
//     and drops what it would route while ip_forward is 0. gVisor is a
//     strong-host stack, so a namespace with two addressed devices runs
//     with gVisor's forwarding on (see syncForwardingLocked), and this hook
//     makes the difference.
//   - hold (FORWARD, first): a workaround for a use after free in gVisor.
//   - expireTTL (PREROUTING): Linux's TTL check, which gVisor does late.

// hooks returns the stack's hooks for its tables.
func (st *Stack) hooks() netfilter.Hooks {
	return netfilter.Hooks{Hold: st.hold, Forward: st.forward, Prerouting: st.prerouting, Output: st.output}
}

// Netfilter returns the namespace's iptables.
func (st *Stack) Netfilter() *netfilter.Tables { return st.nf }

// forward is the route decision at FORWARD: accept a packet for one of the
// namespace's addresses (local delivery through another device) unless it
// is a 127/8 martian (route_localnet), drop the rest while ip_forward is
// 0, and send by the policy rules' route a packet they route elsewhere
// than gVisor did (divert.go), reporting each as a trace event.
func (st *Stack) forward(pkt *gstack.PacketBuffer, in, out string, bridged bool) netfilter.Verdict {
	ip := header.IPv4(pkt.NetworkHeader().Slice())
	valid := len(ip) >= header.IPv4MinimumSize
	v := st.view.Load()
	if valid && !bridged && localnetRefused(v, ip, in) {
		if st.bus.Enabled() {
			st.emit(trace.Event{Kind: trace.Dropped, Dev: in, Addr: ip.DestinationAddress().String(),
				Reason: fmt.Sprintf("martian %s → %s on %s (route_localnet is 0)", ip.SourceAddress(), ip.DestinationAddress(), in)})
		}
		return netfilter.Drop
	}
	if valid && st.s.CheckLocalAddress(0, ipv4.ProtocolNumber, ip.DestinationAddress()) != 0 {
		return netfilter.Accept
	}
	if bridged {
		// br_netfilter: a switched frame, not a routed one; ip_forward
		// does not apply (and it is not a route decision).
		return netfilter.Continue
	}
	on := st.fwdOn.Load()
	if on && valid && v.policy {
		if verdict, diverted := st.policyForward(v, pkt, ip, in, out); diverted {
			return verdict
		}
	}
	if valid && st.bus.Enabled() {
		st.emit(forwardEvent(ip, in, out, on))
	}
	if on {
		return netfilter.Continue
	}
	return netfilter.Drop
}

// forwardEvent is the trace event of forward's decision on ip.
func forwardEvent(ip header.IPv4, in, out string, on bool) trace.Event {
	src, dst := ip.SourceAddress(), ip.DestinationAddress()
	if on {
		return trace.Event{Kind: trace.RouteDecision, Dev: out, Addr: dst.String(),
			Reason: fmt.Sprintf("forwards %s → %s from %s out %s (TTL %d)", src, dst, in, out, ip.TTL())}
	}
	return trace.Event{Kind: trace.Dropped, Dev: in, Addr: dst.String(),
		Reason: fmt.Sprintf("drops %s → %s: net.ipv4.ip_forward is 0, so it does not route (it would go out %s)", src, dst, out)}
}

// expireTTL is Linux's TTL check on a packet to forward: while ip_forward
// is 1, a unicast packet for another host that arrives with TTL 1 or less
// is dropped with a Time Exceeded answer. gVisor checks only for TTL 0 and
// would forward it with TTL 0, so its TTL is zeroed here, before gVisor's
// forwarding sees it.
func (st *Stack) expireTTL(pkt *gstack.PacketBuffer) {
	if !st.fwdOn.Load() {
		return
	}
	ip := header.IPv4(pkt.NetworkHeader().Slice())
	if len(ip) < header.IPv4MinimumSize || ip.TTL() > 1 {
		return
	}
	dst := ip.DestinationAddress()
	if dst == header.IPv4Broadcast || header.IsV4MulticastAddress(dst) {
		return
	}
	if st.s.CheckLocalAddress(0, ipv4.ProtocolNumber, dst) != 0 {
		return
	}
	if st.bus.Enabled() {
		st.emit(ttlEvent(ip))
	}
	ip.SetTTL(0)
	ip.SetChecksum(0)
	ip.SetChecksum(^ip.CalculateChecksum())
}

// hold works around a use after free in gVisor's IPv4 forwarding:
// forwardPacketWithRoute reads the TTL through a header slice taken before
// DeepCopyForForwarding, which can release that slice's chunk (to a pool
// another goroutine may reuse it from: a wrong TTL, a race report). It keeps
// a reference to the packet's bytes until the next packet that comes in
// through the same device reaches FORWARD (each device delivers one packet
// at a time), or until the device or the stack goes.
func (st *Stack) hold(pkt *gstack.PacketBuffer, in string) {
	b := gstack.BufferSince(pkt.NetworkHeader())
	st.holdMu.Lock()
	if st.held == nil {
		st.held = map[string]buffer.Buffer{}
	}
	old := st.held[in]
	if st.holdDone {
		old, b = b, buffer.Buffer{}
	} else {
		st.held[in] = b
	}
	st.holdMu.Unlock()
	old.Release()
}

// releaseHeld drops what hold keeps for device in, or for every device
// when in is "" (the stack is closed: it keeps nothing more).
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

// nfHost is the stack as its tables' netfilter.Host.
type nfHost struct{ st *Stack }

// KernelLog implements netfilter.Host.KernelLog.
func (h nfHost) KernelLog(line string) { h.st.klog(line) }

// Tracing implements netfilter.Host.Tracing.
func (h nfHost) Tracing() bool { return h.st.bus.Enabled() }

// Emit implements netfilter.Host.Emit.
func (h nfHost) Emit(ev trace.Event) { h.st.emit(ev) }

// BridgeNetfilter runs the namespace's iptables on a frame one of its
// bridges switches from port physIn to port physOut (br_netfilter; see
// netfilter.Tables.Bridged) and reports whether the frame may go on. frame
// is borrowed for the call.
func (st *Stack) BridgeNetfilter(frame *gstack.PacketBuffer, bridge, physIn, physOut string) bool {
	return st.nf.Bridged(frame, bridge, physIn, physOut)
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
