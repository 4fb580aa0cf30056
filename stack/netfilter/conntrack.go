package netfilter

import (
	"fmt"
	"strings"

	"gvisor.dev/gvisor/pkg/tcpip/header"
	gstack "gvisor.dev/gvisor/pkg/tcpip/stack"
)

// The conntrack and addrtype matches, which Docker's rules use:
//
//	-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
//	-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
//
// A connection's state comes from gVisor's connection tracker, which every
// packet meets at PREROUTING or OUTPUT: a packet of the reply direction is
// ESTABLISHED (an ICMP error about a tracked connection RELATED), one of
// the original direction NEW until a reply was seen (for TCP, until the
// handshake completes), a packet the tracker does not follow INVALID.

// ctStates are conntrack's states in the order iptables prints them.
var ctStates = []string{"INVALID", "NEW", "RELATED", "ESTABLISHED", "UNTRACKED"}

// CanonicalCtState checks a --ctstate list and returns it as iptables
// prints it: each state once, in iptables' order ("ESTABLISHED,RELATED"
// is "RELATED,ESTABLISHED").
func CanonicalCtState(s string) (string, error) {
	set := map[string]bool{}
	for _, w := range strings.Split(s, ",") {
		w = strings.ToUpper(w)
		known := false
		for _, k := range ctStates {
			known = known || k == w
		}
		if !known {
			return "", fmt.Errorf("Bad ctstate %q", w)
		}
		set[w] = true
	}
	var out []string
	for _, k := range ctStates {
		if set[k] {
			out = append(out, k)
		}
	}
	return strings.Join(out, ","), nil
}

func checkExtMatches(r Rule) error {
	if r.CtState != "" {
		if _, err := CanonicalCtState(r.CtState); err != nil {
			return err
		}
	}
	if r.DstType != "" && r.DstType != "LOCAL" {
		return fmt.Errorf("addrtype --dst-type %s is not emulated (only LOCAL)", r.DstType)
	}
	return nil
}

// extMatchers compiles a rule's conntrack and addrtype matches.
func (ts *Tables) extMatchers(r *Rule) []gstack.Matcher {
	var ms []gstack.Matcher
	if r.DstType != "" {
		ms = append(ms, &addrTypeMatcher{s: ts.s, not: r.NotDstType})
	}
	if r.CtState != "" {
		m := &ctStateMatcher{not: r.NotCtState}
		for _, w := range strings.Split(strings.ToUpper(r.CtState), ",") {
			m.states |= ctBit(w)
		}
		ms = append(ms, m)
	}
	return ms
}

func ctBit(state string) uint8 {
	for i, k := range ctStates {
		if k == state {
			return 1 << i
		}
	}
	return 0
}

// ctStateMatcher is -m conntrack --ctstate.
type ctStateMatcher struct {
	states uint8
	not    bool
}

// Match implements gstack.Matcher.Match.
func (m *ctStateMatcher) Match(_ gstack.Hook, pkt *gstack.PacketBuffer, _, _ string) (bool, bool) {
	return (m.states&ctBit(packetCtState(pkt)) != 0) != m.not, false
}

// packetCtState names the conntrack state of a packet.
func packetCtState(pkt *gstack.PacketBuffer) string {
	if !pkt.IsConnTrackConfigured() {
		return "INVALID"
	}
	if isICMPError(pkt) {
		return "RELATED"
	}
	if pkt.IsReplyPacket() {
		return "ESTABLISHED"
	}
	var info gstack.ConnTrackInfo
	if !pkt.FillConnTrackInfo(gstack.ConnTrackInfoOpts{FillState: true}, &info) {
		return "INVALID"
	}
	switch info.State {
	case gstack.ConnTrackStateNew:
		return "NEW"
	case gstack.ConnTrackStateEstablished, gstack.ConnTrackStateEstablishedReply:
		return "ESTABLISHED"
	}
	return "INVALID"
}

func isICMPError(pkt *gstack.PacketBuffer) bool {
	ip := header.IPv4(pkt.NetworkHeader().Slice())
	if len(ip) < header.IPv4MinimumSize || ip.Protocol() != uint8(header.ICMPv4ProtocolNumber) {
		return false
	}
	th := pkt.TransportHeader().Slice()
	if len(th) < 1 {
		return false
	}
	switch header.ICMPv4Type(th[0]) {
	case header.ICMPv4DstUnreachable, header.ICMPv4TimeExceeded, header.ICMPv4ParamProblem, header.ICMPv4Redirect:
		return true
	}
	return false
}

// addrTypeMatcher is -m addrtype --dst-type LOCAL: the destination is one
// of the namespace's addresses, or in 127.0.0.0/8.
type addrTypeMatcher struct {
	s   *gstack.Stack
	not bool
}

// Match implements gstack.Matcher.Match.
func (m *addrTypeMatcher) Match(_ gstack.Hook, pkt *gstack.PacketBuffer, _, _ string) (bool, bool) {
	ip := header.IPv4(pkt.NetworkHeader().Slice())
	if len(ip) < header.IPv4MinimumSize {
		return false, false
	}
	dst := ip.DestinationAddress()
	local := dst.As4()[0] == 127 || m.s.CheckLocalAddress(0, proto4, dst) != 0
	return local != m.not, false
}

// ConnTrack is the namespace's connection tracker, the one NAT and
// --ctstate use, for conntrack(8). It tracks packets once the namespace
// has netfilter hooks installed (a rule, forwarding on, br_netfilter).
func (ts *Tables) ConnTrack() *gstack.ConnTrack { return ts.s.IPTables().ConnTrack() }
