package stack

import (
	"fmt"
	"net/netip"

	"gvisor.dev/gvisor/pkg/tcpip/header"
	gstack "gvisor.dev/gvisor/pkg/tcpip/stack"

	"github.com/nsemu/nsemu/emu/trace"
	"github.com/nsemu/nsemu/stack/netfilter"
)

// The kernel's checks of an arriving packet that gVisor does not make,
// run by the stack's PREROUTING hook: source validation (a packet from one
// of the namespace's own addresses is a martian unless accept_local;
// reverse-path filtering with rp_filter). gVisor drops a packet from the
// receiving device's own address itself; the hook is installed once a
// packet may come from an address of another device (two addressed
// devices) or rp_filter is on (installInputLocked).

// prerouting is the stack's PREROUTING hook: the TTL check of a packet to
// forward, then the kernel's source validation.
func (st *Stack) prerouting(pkt *gstack.PacketBuffer, in string) netfilter.Verdict {
	st.expireTTL(pkt)
	ip := header.IPv4(pkt.NetworkHeader().Slice())
	if len(ip) < header.IPv4MinimumSize {
		return netfilter.Continue
	}
	v := st.view.Load()
	n := v.nics[in]
	src, dst := netAddr(ip.SourceAddress()), netAddr(ip.DestinationAddress())
	if n == nil || n.loopback || src.IsUnspecified() || dst.IsMulticast() {
		return netfilter.Continue
	}
	if v.validSource(src, dst, n) {
		return netfilter.Continue
	}
	if st.bus.Enabled() {
		st.emit(trace.Event{Kind: trace.Dropped, Dev: in, Addr: dst.String(), Reason: sourceDropReason(v, n, src, dst)})
	}
	return netfilter.Drop
}

// sourceDropReason says why validSource refused a packet.
func sourceDropReason(v *view, n *nicView, src, dst netip.Addr) string {
	if v.local[src] != nil {
		return fmt.Sprintf("martian source %s (a local address; accept_local is 0): drops %s → %s", src, src, dst)
	}
	return fmt.Sprintf("rp_filter %d: no route back to %s through %s: drops %s → %s", n.conf.RPFilter, src, n.name, src, dst)
}

// installInputLocked installs the PREROUTING hook when the input checks
// have work: two addressed devices (a packet may come from the other's
// address) or rp_filter on a device. Once installed it stays: the mangle
// table keeps its hook rule in every later compilation.
func (st *Stack) installInputLocked() error {
	if st.inputOn || !(st.gvForwarding || st.needsInputChecksLocked()) {
		return nil
	}
	if err := st.nf.InstallPrerouting(); err != nil {
		return err
	}
	st.inputOn = true
	return nil
}

// localnetRefused reports whether a packet between 127/8 and device in
// (after a DNAT to 127.0.0.1, say) is a martian: route_localnet is off.
func localnetRefused(v *view, ip header.IPv4, in string) bool {
	src, dst := netAddr(ip.SourceAddress()), netAddr(ip.DestinationAddress())
	if !src.IsLoopback() && !dst.IsLoopback() {
		return false
	}
	n := v.nics[in]
	return n != nil && !n.loopback && n.conf.RouteLocalnet == 0
}
