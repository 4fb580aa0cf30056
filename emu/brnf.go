package emu

import (
	"gvisor.dev/gvisor/pkg/tcpip/stack"

	l2switch "github.com/nsemu/nsemu/switch"
	"github.com/nsemu/nsemu/vethsim"
)

// bridgeNetfilter is the br_netfilter hook of a bridge in n: while n's
// net.bridge.bridge-nf-call-iptables is 1, frames the bridge switches
// between two ports pass n's iptables (IN=OUT=the bridge, PHYSIN/PHYSOUT
// the ports), so TRACE shows their path and FORWARD rules apply.
func (n *Namespace) bridgeNetfilter(br *l2switch.Bridge) l2switch.Netfilter {
	return func(pkt *stack.PacketBuffer, in, out *vethsim.End) bool {
		if v, err := n.Sysctl("net.bridge.bridge-nf-call-iptables"); err != nil || v != "1" {
			return true
		}
		return n.st.BridgeNetfilter(pkt, br.Name(), in.Name(), out.Name())
	}
}
