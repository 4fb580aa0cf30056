package emu

import (
	"gvisor.dev/gvisor/pkg/tcpip/stack"

	l2switch "github.com/nsemu/nsemu/switch"
	"github.com/nsemu/nsemu/vethsim"
)

// brNetfilterKey is br_netfilter's switch: while it is 1 in a namespace,
// frames its bridges switch between two ports pass its iptables
// (IN=OUT=the bridge, PHYSIN/PHYSOUT the ports), so TRACE shows their path
// and FORWARD rules apply.
const brNetfilterKey = "net.bridge.bridge-nf-call-iptables"

// syncBridgeNetfilterLocked installs the br_netfilter hook on every bridge
// of n while the key is 1, and removes it otherwise: a bridge calls out of
// the switch only when the hook is there. n.w.topo must be held.
func (n *Namespace) syncBridgeNetfilterLocked() {
	for _, d := range n.Links() {
		if d.br != nil {
			n.setBridgeNetfilterLocked(d.br)
		}
	}
}

// setBridgeNetfilterLocked gives bridge br of n the hook, or takes it away,
// as n's br_netfilter key says. n.w.topo must be held, so that the key's
// writer syncs the bridge after this reads it.
func (n *Namespace) setBridgeNetfilterLocked(br *l2switch.Bridge) {
	if v, _ := n.Sysctl(brNetfilterKey); v != "1" {
		br.SetNetfilter(nil)
		return
	}
	br.SetNetfilter(func(pkt *stack.PacketBuffer, in, out *vethsim.End) bool {
		return n.st.BridgeNetfilter(pkt, br.Name(), in.Name(), out.Name())
	})
}
