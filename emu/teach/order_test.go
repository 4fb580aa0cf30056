package teach

import (
	"net"
	"strings"
	"testing"
	"time"

	"github.com/google/gopacket/layers"

	"github.com/nsemu/nsemu/emu/trace"
)

// flood builds the events of ns1 broadcasting an ARP request through
// bridge vbridge to ns2 and ns3, as they would arrive with the two
// receiving namespaces' goroutines in the order given (the race the
// narrator must hide). ns2 learns ns1 from the request.
func flood(t *testing.T, first, second string) []*trace.Event {
	t.Helper()
	f := frame(t, net.HardwareAddr{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, layers.EthernetTypeARP, &layers.ARP{
		AddrType: layers.LinkTypeEthernet, Protocol: layers.EthernetTypeIPv4, HwAddressSize: 6, ProtAddressSize: 4,
		Operation: layers.ARPRequest, SourceHwAddress: macA, SourceProtAddress: ipA, DstHwAddress: make([]byte, 6), DstProtAddress: ipB})
	h := trace.HashFrame(len(f), f)
	var evs []*trace.Event
	add := func(e trace.Event) uint64 {
		e.Seq = uint64(len(evs) + 1)
		e.Time = time.Unix(0, int64(e.Seq))
		evs = append(evs, &e)
		return e.Seq
	}
	add(trace.Event{Kind: trace.NeighChanged, NS: "ns1", Dev: "e1", Addr: "10.0.0.2", State: "INCOMPLETE"})
	add(trace.Event{Kind: trace.Queued, NS: "ns1", Dev: "e1", Len: len(f), Hash: h})
	sent := add(trace.Event{Kind: trace.FrameSent, NS: "ns1", Dev: "e1", Frame: f, Len: len(f), Sync: true})
	in := add(trace.Event{Kind: trace.FrameReceived, NS: "host", Dev: "p1", Frame: f, Len: len(f), Bridged: true, Sync: true, Cause: sent})
	add(trace.Event{Kind: trace.Learned, NS: "host", Dev: "vbridge", Port: "p1", MAC: macA.String(), Cause: in})
	add(trace.Event{Kind: trace.Flooded, NS: "host", Dev: "vbridge", Ports: []string{"p2", "p3"}, MAC: "ff:ff:ff:ff:ff:ff", Cause: in})
	branch := map[string]func(){
		"ns2": func() {
			s := add(trace.Event{Kind: trace.FrameSent, NS: "host", Dev: "p2", Frame: f, Len: len(f), Bridged: true, Sync: true})
			add(trace.Event{Kind: trace.FrameReceived, NS: "ns2", Dev: "e2", Frame: f, Len: len(f), Sync: true, Cause: s})
			add(trace.Event{Kind: trace.NeighChanged, NS: "ns2", Dev: "e2", Addr: "10.0.0.1", MAC: macA.String(), State: "STALE"})
		},
		"ns3": func() {
			s := add(trace.Event{Kind: trace.FrameSent, NS: "host", Dev: "p3", Frame: f, Len: len(f), Bridged: true, Sync: true})
			add(trace.Event{Kind: trace.FrameReceived, NS: "ns3", Dev: "e3", Frame: f, Len: len(f), Sync: true, Cause: s})
		},
	}
	branch[first]()
	branch[second]()
	return evs
}

func tellAll(evs []*trace.Event) string {
	var batch []*rec
	for _, e := range evs {
		r := &rec{e: e}
		if e.Frame != nil {
			r.hash = trace.HashFrame(e.Len, e.Frame)
		}
		batch = append(batch, r)
	}
	cats, _ := ParseCategories("")
	return strings.Join(newStory(nil, cats).tell(order(batch)), "")
}

// TestOrderHidesTheRace: whichever namespace's goroutine ran first, the
// flood is told the same way, in cause-and-effect order: the sending
// before the bridge, the bridge before the ports, each namespace's
// reaction after what it received.
func TestOrderHidesTheRace(t *testing.T) {
	a, b := tellAll(flood(t, "ns2", "ns3")), tellAll(flood(t, "ns3", "ns2"))
	if a != b {
		t.Fatalf("the order of goroutines shows (-ns2 first +ns3 first):\n%s\n----\n%s", a, b)
	}
	want := `ns1            neighbour 10.0.0.2 INCOMPLETE: packets for it wait while ARP asks who has it
ns1 e1         → ARP who-has 10.0.0.2 tell 10.0.0.1 (broadcast)
vbridge        learns 02:00:00:00:00:0a on p1 (new entry)
vbridge        floods the broadcast (ARP who-has 10.0.0.2 tell 10.0.0.1) to p2, p3
ns2 e2         ← ARP who-has 10.0.0.2 tell 10.0.0.1 (broadcast)
ns2            neighbour 10.0.0.1 → 02:00:00:00:00:0a STALE
ns3 e3         ← ARP who-has 10.0.0.2 tell 10.0.0.1 (broadcast)
`
	if a != want {
		t.Errorf("told:\n%s\nwant:\n%s", a, want)
	}
}

// TestOrderSendingMoment: a frame is told where its sender sent it (its
// Queued mark), before what the sender did afterwards, even when the other
// side took it later.
func TestOrderSendingMoment(t *testing.T) {
	evs := flood(t, "ns2", "ns3")
	// ns1 does something else after sending, before the bridge takes the
	// frame: move the mark-to-frame events behind a later ns1 event.
	late := &trace.Event{Kind: trace.RouteDecision, NS: "ns1", Reason: "route to 192.0.2.1: none → Network is unreachable"}
	evs = append(evs[:2], append([]*trace.Event{late}, evs[2:]...)...)
	for i, e := range evs {
		e.Seq = uint64(i + 1)
	}
	// Causes follow the renumbering: FrameReceived at p1 is caused by
	// the FrameSent now at index 3, and so on.
	fixCauses(evs)
	got := tellAll(evs)
	h, i, j := strings.Index(got, "INCOMPLETE"), strings.Index(got, "→ ARP who-has"), strings.Index(got, "Network is unreachable")
	if h < 0 || i < 0 || j < 0 || h > i || i > j {
		t.Errorf("the frame is not told at its sending moment (after INCOMPLETE, before the route):\n%s", got)
	}
}

// fixCauses recomputes Cause after a renumbering: a FrameReceived's is the
// FrameSent just before it; a bridge decision's the bridged FrameReceived
// before it.
func fixCauses(evs []*trace.Event) {
	var lastSent, lastPort uint64
	for _, e := range evs {
		switch {
		case e.Kind == trace.FrameSent:
			lastSent = e.Seq
		case e.Kind == trace.FrameReceived:
			e.Cause = lastSent
			if e.Bridged {
				lastPort = e.Seq
			}
		case isBridgeEvent(e):
			e.Cause = lastPort
		}
	}
}

// TestSplitAtGaps: a batch is cut where the emulated clock jumped (it ran
// ahead of the wall clock), not where both clocks ran (a goroutine waiting
// for a core).
func TestSplitAtGaps(t *testing.T) {
	at := func(virtual, wall int) *rec {
		ms := func(n int) time.Time { return time.Unix(0, 0).Add(time.Duration(n) * time.Millisecond) }
		return &rec{e: &trace.Event{Time: ms(virtual)}, wall: ms(wall), jumped: noJumps}
	}
	batch := []*rec{at(0, 0), at(1, 1), at(80, 80), at(1080, 81), at(1081, 82), at(2081, 83)}
	parts := splitAtGaps(batch)
	if len(parts) != 3 || len(parts[0]) != 3 || len(parts[1]) != 2 || len(parts[2]) != 1 {
		t.Errorf("splitAtGaps cut %v, want 3+2+1", parts)
	}
	// With a world's clock, its count of jumps decides, not the times: an
	// event stamped, then held up 5 ms before it was handed over, is no
	// cut.
	jumped := func(virtual, wall, jumps int) *rec {
		r := at(virtual, wall)
		r.jumped = time.Duration(jumps) * time.Millisecond
		return r
	}
	batch = []*rec{jumped(0, 5, 0), jumped(1, 1, 0), jumped(1001, 2, 1000), jumped(1002, 3, 1000)}
	parts = splitAtGaps(batch)
	if len(parts) != 2 || len(parts[0]) != 2 || len(parts[1]) != 2 {
		t.Errorf("splitAtGaps cut %v, want 2+2", parts)
	}
}
