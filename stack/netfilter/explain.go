package netfilter

import (
	"fmt"

	"gvisor.dev/gvisor/pkg/tcpip/header"
	gstack "gvisor.dev/gvisor/pkg/tcpip/stack"

	"github.com/nsemu/nsemu/emu/trace"
)

// dropTarget wraps a DROP or REJECT target, a rule's or a chain's policy,
// to tell the trace which rule stopped a packet, in iptables -S's words:
// "drops 192.168.28.1 → 203.0.113.8: iptables -A FORWARD -d
// 203.0.113.8/32 -j DROP". It costs nothing while nobody watches.
type dropTarget struct {
	ts    *Tables
	inner gstack.Target
	// rule is the rule as iptables -S prints it, with -t TABLE unless
	// filter.
	rule string
	verb string
}

// explainDrop wraps target if it drops (see dropTarget); text is the
// rule's -S line, without its table.
func (ts *Tables) explainDrop(target gstack.Target, table, text string) gstack.Target {
	verb := ""
	switch target.(type) {
	case *gstack.DropTarget:
		verb = "drops"
	case *gstack.RejectIPv4Target:
		verb = "rejects"
	default:
		return target
	}
	if table != "filter" {
		text = "-t " + table + " " + text
	}
	return &dropTarget{ts: ts, inner: target, rule: "iptables " + text, verb: verb}
}

// explainRule wraps rule r's compiled target (see dropTarget).
func (ts *Tables) explainRule(gr gstack.Rule, table, chain string, r *Rule) gstack.Rule {
	gr.Target = ts.explainDrop(gr.Target, table, "-A "+chain+ruleSpec(*r, nil))
	return gr
}

// Action implements gstack.Target.Action.
func (d *dropTarget) Action(pkt *gstack.PacketBuffer, hook gstack.Hook, r *gstack.Route, ep gstack.AddressableEndpoint) (gstack.RuleVerdict, int) {
	if d.ts.host.Tracing() {
		if ip := header.IPv4(pkt.NetworkHeader().Slice()); len(ip) >= header.IPv4MinimumSize {
			src, dst := ip.SourceAddress(), ip.DestinationAddress()
			d.ts.host.Emit(trace.Event{Kind: trace.Dropped, Addr: dst.String(),
				Reason: fmt.Sprintf("%s %s → %s: %s", d.verb, src, dst, d.rule)})
		}
	}
	return d.inner.Action(pkt, hook, r, ep)
}
