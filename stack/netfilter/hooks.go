package netfilter

import (
	gstack "gvisor.dev/gvisor/pkg/tcpip/stack"

	"github.com/nsemu/nsemu/emu/trace"
)

// Host is what the tables need of the namespace they belong to, besides
// its gVisor stack.
type Host interface {
	// KernelLog appends a line to the namespace's kernel log (LOG and
	// TRACE lines).
	KernelLog(line string)
	// Tracing reports whether trace events have a listener; events are
	// built only then.
	Tracing() bool
	// Emit sends a trace event; the host stamps its time and namespace.
	Emit(ev trace.Event)
}

// Verdict is what a hook decides about a packet.
type Verdict int

// The verdicts of a hook.
const (
	// Continue hands the packet on to the user's chains.
	Continue Verdict = iota
	// Accept accepts the packet at this hook; the user's chain of the hook
	// does not see it.
	Accept
	// Drop drops the packet.
	Drop
)

// Hooks are the stack's own concerns that must run where netfilter runs
// (gVisor offers no other place on the forwarding path): the tables call
// them in front of the user's chains, whether the user touched iptables or
// not (see Tables.InstallForward and InstallPrerouting). Each may be nil.
// They run on the packet path, inside gVisor: they must not block, and a
// packet they are given is borrowed for the call.
type Hooks struct {
	// Hold runs first at FORWARD, for every packet (see the stack's
	// workaround for gVisor's forwarding use-after-free).
	Hold func(pkt *gstack.PacketBuffer, in string)
	// Forward runs at FORWARD next, before the user's FORWARD chain: the
	// route decision (Accept a packet that is in fact for this namespace,
	// Drop when forwarding is off). bridged is set when br_netfilter runs
	// the tables on a frame a bridge switches: not a routed packet.
	Forward func(pkt *gstack.PacketBuffer, in, out string, bridged bool) Verdict
	// Prerouting runs first at PREROUTING, before raw's chain, for every
	// packet arriving on device in. It may rewrite the IPv4 header in place
	// (the stack zeroes an expiring TTL there so that gVisor answers Time
	// Exceeded) and drop the packet (the kernel's source validation);
	// Accept is Continue there.
	Prerouting func(pkt *gstack.PacketBuffer, in string) Verdict
	// Output runs first at filter's OUTPUT, for every packet the
	// namespace sends by device out, before the user's OUTPUT chain: the
	// stack may drop it there (and send a copy by another route: policy
	// routing). Accept is Continue there.
	Output func(pkt *gstack.PacketBuffer, out string) Verdict
}

// forwardHook is the FORWARD hook rule's matcher: it matches what Forward
// accepts and hot-drops what it drops.
type forwardHook struct{ ts *Tables }

// Match implements gstack.Matcher.Match.
func (m *forwardHook) Match(_ gstack.Hook, pkt *gstack.PacketBuffer, in, out string) (matches, hotdrop bool) {
	h := &m.ts.hooks
	if h.Hold != nil {
		h.Hold(pkt, in)
	}
	if h.Forward == nil {
		return false, false
	}
	_, _, bridged := m.ts.physOf(pkt)
	v := h.Forward(pkt, in, out, bridged)
	return v == Accept, v == Drop
}

// preroutingHook is the PREROUTING hook rule's matcher; it never matches,
// and hot-drops what Prerouting drops.
type preroutingHook struct{ ts *Tables }

// Match implements gstack.Matcher.Match.
func (m *preroutingHook) Match(_ gstack.Hook, pkt *gstack.PacketBuffer, in, _ string) (bool, bool) {
	if f := m.ts.hooks.Prerouting; f != nil {
		return false, f(pkt, in) == Drop
	}
	return false, false
}

// outputHook is the OUTPUT hook rule's matcher; it never matches, and
// hot-drops what Output drops.
type outputHook struct{ ts *Tables }

// Match implements gstack.Matcher.Match.
func (m *outputHook) Match(_ gstack.Hook, pkt *gstack.PacketBuffer, _, out string) (bool, bool) {
	if f := m.ts.hooks.Output; f != nil {
		return false, f(pkt, out) == Drop
	}
	return false, false
}

// hookRules returns the stack's hook rules that go in front of built-in
// chain c of table t.
func (ts *Tables) hookRules(t *table, c *chain) []gstack.Rule {
	var m gstack.Matcher
	switch {
	case t.name == "filter" && c.hook == gstack.Forward:
		m = &forwardHook{ts}
	case t.name == "filter" && c.hook == gstack.Output:
		m = &outputHook{ts}
	case t.name == "mangle" && c.hook == gstack.Prerouting:
		m = &preroutingHook{ts}
	default:
		return nil
	}
	return []gstack.Rule{{Filter: gstack.EmptyFilter4(), Matchers: []gstack.Matcher{m}, Target: &gstack.AcceptTarget{NetworkProtocol: proto4}}}
}
