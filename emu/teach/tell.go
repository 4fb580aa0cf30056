package teach

import (
	"fmt"
	"net/netip"
	"sort"
	"strings"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/trace"
)

// story tells ordered events as lines, and remembers across batches what
// the lines depend on: the TCP connections whose data it summarises, and
// the ARP requests each neighbour got no answer to. The Narrator's wmu
// guards it.
type story struct {
	world *emu.World
	cats  map[string]bool
	dec   *decoder
	tcp   tcpStory
	// asks counts the ARP requests a namespace sent for an address since
	// the neighbour became INCOMPLETE ("ns1 192.168.28.9"); states are
	// the neighbours' last states, by the same key.
	asks   map[string]int
	states map[string]string
	// refreshing are the unicast ARP requests not answered yet, by
	// "asker target".
	refreshing map[string]bool
	// lastIn is the last IPv4 packet each namespace received, natTold
	// whether a NAT rewrite of it was told, routed whether the namespace
	// forwards it (see conntrackDst).
	lastIn          map[string]frameInfo
	natTold, routed map[string]bool
	// earlier keeps the frames of the last events told, by Seq, for
	// the bridge decisions of the next batch (a batch cut between a frame
	// and its bridge's decision).
	earlier map[uint64][]byte
	out     []string
	// onLine is the Narrator's OnLine; cur is the event being told, and
	// frame the one whose frame it describes, for it.
	onLine     func(Line)
	cur, frame *trace.Event
}

func newStory(world *emu.World, cats map[string]bool) *story {
	return &story{world: world, cats: cats, dec: newDecoder(),
		asks: map[string]int{}, states: map[string]string{}, refreshing: map[string]bool{},
		lastIn: map[string]frameInfo{}, natTold: map[string]bool{}, routed: map[string]bool{},
		earlier: map[uint64][]byte{}}
}

// describe decodes a frame and says what it answers that the frame alone
// does not: the reply to a unicast ARP refresh.
func (s *story) describe(frame []byte) frameInfo {
	fi := s.dec.decode(frame)
	switch {
	case fi.arpRefresh:
		s.refreshing[fi.src.String()+" "+fi.dst.String()] = true
	case fi.arpReply && s.refreshing[fi.dst.String()+" "+fi.src.String()]:
		fi.text += " (answers the refresh)"
	}
	return fi
}

// tell turns ordered events into lines.
func (s *story) tell(recs []*rec) []string {
	s.out = nil
	bySeq := make(map[uint64]*rec, len(recs))
	for _, r := range recs {
		bySeq[r.e.Seq] = r
	}
	for _, r := range recs {
		s.tellOne(r, bySeq)
	}
	s.remember(recs)
	return s.out
}

// remember keeps the frames of the batch's last frame events in earlier.
func (s *story) remember(recs []*rec) {
	const keep = 64
	clear(s.earlier)
	for i := len(recs) - 1; i >= 0 && len(s.earlier) < keep; i-- {
		if e := recs[i].e; e.Frame != nil {
			s.earlier[e.Seq] = e.Frame
		}
	}
}

// finish tells what is owed at the end: the data of open connections.
func (s *story) finish() []string {
	s.out = nil
	for _, l := range s.tcp.owed() {
		s.line("tcp", l.subject, l.text)
	}
	return s.out
}

func (s *story) line(cat, subject, text string) {
	if text != "" && s.cats[cat] {
		s.out = append(s.out, fmt.Sprintf("%-14s %s\n", subject, text))
		if s.onLine != nil {
			s.onLine(s.lineOf(cat, subject, text))
		}
	}
}

// lineOf is a line with the event it tells.
func (s *story) lineOf(cat, subject, text string) Line {
	l := Line{Cat: cat, Subject: subject, Text: text}
	if s.cur != nil {
		l.Seq, l.NS, l.Dev, l.Time = s.cur.Seq, s.cur.NS, s.cur.Dev, s.cur.Time
	}
	if s.frame != nil {
		l.Frame = s.frame.Seq
	}
	return l
}

func (s *story) tellOne(r *rec, bySeq map[uint64]*rec) {
	e := r.e
	s.cur, s.frame = e, nil
	defer func() { s.cur, s.frame = nil, nil }()
	switch e.Kind {
	case trace.Queued:
		if r.sent != nil {
			s.tellFrame(e, r.sent.e, "→")
		}
	case trace.FrameSent:
		if !r.quiet && !e.Bridged {
			s.tellFrame(e, e, "→")
		}
	case trace.FrameReceived:
		if !e.Bridged {
			fi := s.tellFrame(e, e, "←")
			s.replyRoute(e, fi)
			if fi.proto != 0 {
				s.lastIn[e.NS], s.natTold[e.NS], s.routed[e.NS] = fi, false, false
			}
		}
	case trace.NATRewrite:
		s.natTold[e.NS] = true
		s.line("nat", Subject(e), e.Reason)
	case trace.RouteDecision:
		s.conntrackDst(e)
		s.line("route", Subject(e), e.Reason)
	case trace.Forwarded, trace.Flooded:
		var frame []byte
		if c := bySeq[e.Cause]; c != nil {
			frame, s.frame = c.e.Frame, c.e
		} else if e.Cause != 0 {
			frame = s.earlier[e.Cause]
		}
		s.tellBridge(e, frame)
	case trace.NeighChanged:
		s.line("arp", Subject(e), s.neigh(e))
	default:
		cat, text := Explain(e)
		s.line(cat, Subject(e), text)
	}
}

// tellFrame tells a frame at a tap point: at (NS, Dev) is where, frame the
// event with its bytes. It returns what it decoded.
func (s *story) tellFrame(at, frame *trace.Event, arrow string) frameInfo {
	s.cur, s.frame = at, frame
	fi := s.describe(frame.Frame)
	if fi.cat == "" {
		return fi
	}
	if fi.arpReply && arrow == "←" {
		delete(s.refreshing, fi.dst.String()+" "+fi.src.String())
	}
	subject := Subject(at)
	if fi.seg != nil {
		tell, owed, note := s.tcp.verdict(fi.seg)
		for _, l := range owed {
			s.line("tcp", subject, l)
		}
		if !tell {
			return fi
		}
		if note != "" {
			fi.text = strings.TrimSuffix(fi.text, tcpNote(fi.seg)) + note
		}
	}
	if fi.arpAsk && arrow == "→" {
		s.asks[at.NS+" "+fi.dst.String()]++
	}
	if arrow == "→" {
		s.conntrackSrc(at, fi)
	}
	s.line(fi.cat, subject, arrow+" "+fi.text)
	return fi
}

// tellBridge tells a bridge's decision to forward or flood frame.
func (s *story) tellBridge(e *trace.Event, frame []byte) {
	what := ""
	if frame != nil {
		fi := s.describe(frame)
		if fi.seg != nil && !s.tcp.told(fi.seg) {
			return
		}
		what = fi.bridgeText()
	}
	if e.Kind == trace.Forwarded {
		s.line("cam", Subject(e), forwardText(e, what))
		return
	}
	s.line("cam", Subject(e), floodText(e, what))
}

// forwardText is a CAM hit: "CAM hit for MAC → forwards ICMP echo request
// … to veth-2-br".
func forwardText(e *trace.Event, what string) string {
	if what == "" {
		return fmt.Sprintf("CAM hit for %s → forwards to %s", e.MAC, e.Port)
	}
	return fmt.Sprintf("CAM hit for %s → forwards %s to %s", e.MAC, what, e.Port)
}

// floodText is a flood: of a broadcast, a multicast or after a CAM miss.
func floodText(e *trace.Event, what string) string {
	ports := "no other port"
	if len(e.Ports) > 0 {
		p := append([]string(nil), e.Ports...)
		sort.Strings(p)
		ports = strings.Join(p, ", ")
	}
	if what != "" {
		what = " (" + what + ")"
	}
	switch {
	case e.MAC == "ff:ff:ff:ff:ff:ff":
		return "floods the broadcast" + what + " to " + ports
	case isMulticast(e.MAC):
		return "floods the multicast" + what + " to " + ports
	}
	return fmt.Sprintf("CAM miss for %s → floods%s to %s", e.MAC, what, ports)
}

// neigh tells a neighbour change; a FAILED one says why, and what it
// costs.
func (s *story) neigh(e *trace.Event) string {
	k := e.NS + " " + e.Addr
	prev := s.states[k]
	s.states[k] = e.State
	if e.State == "DELETED" {
		delete(s.states, k)
	}
	switch {
	case e.State == "INCOMPLETE":
		s.asks[k] = 0
	case e.State == "FAILED":
		n := s.asks[k]
		delete(s.asks, k)
		return neighText(e, n)
	case e.State == "STALE" && prev == "REACHABLE":
		return neighText(e, 0) + " (not confirmed for a while: checked again at its next use)"
	case e.State == "DELAY":
		return neighText(e, 0) + " (in use again: a confirmation may come within 5 s)"
	case e.State == "PROBE":
		return neighText(e, 0) + " (no confirmation: asks again, unicast)"
	case e.State == "REACHABLE" && prev == "PROBE":
		return neighText(e, 0) + " (refreshed)"
	}
	return neighText(e, 0)
}

// neighText words a neighbour change; asks is the number of ARP requests
// a FAILED neighbour left unanswered, when known.
func neighText(e *trace.Event, asks int) string {
	if e.State == "FAILED" {
		why := "no answer to its ARP requests"
		switch {
		case asks == 1:
			why = "no answer to 1 ARP request"
		case asks > 1:
			why = fmt.Sprintf("no answer to %d ARP requests", asks)
		}
		return fmt.Sprintf("neighbour %s FAILED: %s; the packets waiting for it are dropped and their senders told \"Destination Host Unreachable\"", e.Addr, why)
	}
	if e.MAC != "" {
		return fmt.Sprintf("neighbour %s → %s %s", e.Addr, e.MAC, e.State)
	}
	if e.State == "INCOMPLETE" {
		return fmt.Sprintf("neighbour %s INCOMPLETE: packets for it wait while ARP asks who has it", e.Addr)
	}
	return fmt.Sprintf("neighbour %s %s", e.Addr, e.State)
}

// dropText words a drop: the emitter's reason, which names what it drops
// or else is the cause of dropping "the frame".
func dropText(e *trace.Event) string {
	if strings.Contains(e.Reason, "drops") || strings.Contains(e.Reason, "rejects") {
		return e.Reason
	}
	return "drops the frame: " + e.Reason
}

// replyRoute tells, after a namespace received a packet for one of its
// addresses that asks for an answer, that the answer is lost when the
// namespace has no route back to the sender — the point of seed 002's
// step 4: forwarding on, no NAT. The routes are read when the line is
// told, a moment after the packet came.
func (s *story) replyRoute(e *trace.Event, fi frameInfo) {
	if s.world == nil || !fi.request || !fi.src.IsValid() || fi.src.IsUnspecified() || !s.cats["route"] {
		return
	}
	ns, err := s.world.Namespace(e.NS)
	if err != nil || !owns(ns, fi.dst) || hasRoute(ns, fi.src) {
		return
	}
	text := fmt.Sprintf("%s has no route back to %s: the reply is lost", fi.dst, s.network(fi.src))
	if fi.src.IsPrivate() && !fi.dst.IsPrivate() {
		text += " — this is what MASQUERADE fixes"
	}
	s.line("route", e.NS, text)
}

// owns reports whether a is one of ns's addresses.
func owns(ns *emu.Namespace, a netip.Addr) bool {
	for _, n := range ns.Stack().NICs() {
		for _, p := range n.Addrs {
			if p.Addr() == a {
				return true
			}
		}
	}
	return false
}

// hasRoute reports whether ns has a route to a (the default one counts).
func hasRoute(ns *emu.Namespace, a netip.Addr) bool {
	for _, r := range ns.Stack().Routes() {
		if r.Dst.Contains(a) {
			return true
		}
	}
	return false
}

// network names the network of address a as the namespace that owns it
// configured it ("192.168.28.0/24"), or a itself.
func (s *story) network(a netip.Addr) string {
	all := append([]*emu.Namespace{s.world.Host()}, s.world.Namespaces()...)
	for _, ns := range all {
		for _, n := range ns.Stack().NICs() {
			for _, p := range n.Addrs {
				if p.Addr() == a {
					return p.Masked().String()
				}
			}
		}
	}
	return a.String()
}

func isMulticast(mac string) bool {
	return len(mac) >= 2 && strings.ContainsRune("13579bdf", rune(mac[1]))
}

// conntrackDst tells, at a namespace's decision to forward a packet, that
// its destination is not the one it came with while no NAT rule said so:
// conntrack rewrote it, as it does for the replies of a MASQUERADEd
// connection and the later packets of a DNATed one (the nat table sees
// only a connection's first packet).
func (s *story) conntrackDst(e *trace.Event) {
	in, ok := s.lastIn[e.NS]
	if !ok || !strings.HasPrefix(e.Reason, "forwards ") {
		return
	}
	s.routed[e.NS] = true
	if s.natTold[e.NS] || e.Addr == in.dst.String() {
		return
	}
	s.natTold[e.NS] = true
	s.line("nat", e.NS, fmt.Sprintf("conntrack rewrites the destination %s → %s (the NAT of this connection, remembered)", in.dst, e.Addr))
}

// conntrackSrc tells, as a namespace sends on a packet it received, that
// its source changed while no NAT rule said so (see conntrackDst).
func (s *story) conntrackSrc(at *trace.Event, fi frameInfo) {
	in, ok := s.lastIn[at.NS]
	if !ok || !s.routed[at.NS] || s.natTold[at.NS] || fi.proto == 0 || fi.proto != in.proto || fi.ipID != in.ipID || fi.src == in.src {
		return
	}
	s.natTold[at.NS] = true
	s.line("nat", at.NS, fmt.Sprintf("conntrack rewrites the source %s → %s (the NAT of this connection, remembered)", in.src, fi.src))
}
