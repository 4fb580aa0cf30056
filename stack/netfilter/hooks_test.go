package netfilter

import (
	"slices"
	"strings"
	"testing"

	"gvisor.dev/gvisor/pkg/buffer"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/header/parse"
	gstack "gvisor.dev/gvisor/pkg/tcpip/stack"
)

// echoRequest is an ICMP echo request from 10.0.1.2 to 10.0.2.2 with TTL
// ttl, behind an Ethernet header when frame is set.
func echoRequest(ttl uint8, frame bool) []byte {
	b := make([]byte, header.IPv4MinimumSize+header.ICMPv4MinimumSize)
	ip := header.IPv4(b)
	ip.Encode(&header.IPv4Fields{
		TotalLength: uint16(len(b)), TTL: ttl, Protocol: uint8(header.ICMPv4ProtocolNumber),
		SrcAddr: tcpip.AddrFrom4([4]byte{10, 0, 1, 2}), DstAddr: tcpip.AddrFrom4([4]byte{10, 0, 2, 2}),
	})
	ip.SetChecksum(^ip.CalculateChecksum())
	header.ICMPv4(b[header.IPv4MinimumSize:]).SetType(header.ICMPv4Echo)
	if !frame {
		return b
	}
	eth := make([]byte, header.EthernetMinimumSize)
	header.Ethernet(eth).Encode(&header.EthernetFields{SrcAddr: "\x02\x00\x00\x00\x00\x01", DstAddr: "\x02\x00\x00\x00\x00\x02", Type: header.IPv4ProtocolNumber})
	return append(eth, b...)
}

// ipPacket is b as gVisor's IPv4 layer hands it to iptables. The caller
// owns it.
func ipPacket(t *testing.T, b []byte) *gstack.PacketBuffer {
	t.Helper()
	pkt := gstack.NewPacketBuffer(gstack.PacketBufferOptions{Payload: buffer.MakeWithData(b)})
	pkt.NetworkProtocolNumber = header.IPv4ProtocolNumber
	if !parse.IPv4(pkt) {
		pkt.DecRef()
		t.Fatal("parse.IPv4 refused the packet")
	}
	parse.ICMPv4(pkt)
	return pkt
}

// hookCalls records what the hooks were called with.
type hookCalls struct {
	verdict Verdict
	hold    []string
	forward []string
	pre     int
	preIn   []string
	preDrop bool
	out     []string
}

func (h *hookCalls) hooks() Hooks {
	return Hooks{
		Hold: func(_ *gstack.PacketBuffer, in string) { h.hold = append(h.hold, in) },
		Forward: func(_ *gstack.PacketBuffer, in, out string, bridged bool) Verdict {
			kind := "routed"
			if bridged {
				kind = "bridged"
			}
			h.forward = append(h.forward, in+">"+out+" "+kind)
			return h.verdict
		},
		Prerouting: func(pkt *gstack.PacketBuffer, in string) Verdict {
			h.pre++
			h.preIn = append(h.preIn, in)
			header.IPv4(pkt.NetworkHeader().Slice()).SetTTL(0)
			if h.preDrop {
				return Drop
			}
			return Continue
		},
		Output: func(_ *gstack.PacketBuffer, out string) Verdict {
			h.out = append(h.out, out)
			if out == "drop0" {
				return Drop
			}
			return Continue
		},
	}
}

// TestForwardHook: the stack's Forward hook decides before the user's
// FORWARD chain, after Hold; the chain sees what it continues.
func TestForwardHook(t *testing.T) {
	tests := []struct {
		verdict  Verdict
		userDrop bool
		want     bool
		counted  uint64 // by the user's rule or, without one, the policy
	}{
		{Continue, false, true, 1},
		{Continue, true, false, 1},
		{Accept, true, true, 0},
		{Drop, false, false, 0},
	}
	for _, tc := range tests {
		calls := &hookCalls{verdict: tc.verdict}
		ts := newTables(t, nil, calls.hooks())
		if err := ts.InstallForward(); err != nil {
			t.Fatalf("InstallForward: %v", err)
		}
		if tc.userDrop {
			if err := ts.Append("filter", "FORWARD", Rule{Target: "DROP"}); err != nil {
				t.Fatalf("Append: %v", err)
			}
		}
		pkt := ipPacket(t, echoRequest(64, false))
		got := ts.s.IPTables().CheckForward(pkt, "eth0", "eth1")
		pkt.DecRef()
		if got != tc.want {
			t.Errorf("verdict %d, user DROP %v: CheckForward = %v, want %v", tc.verdict, tc.userDrop, got, tc.want)
		}
		if !slices.Equal(calls.hold, []string{"eth0"}) || !slices.Equal(calls.forward, []string{"eth0>eth1 routed"}) {
			t.Errorf("verdict %d: Hold got %q, Forward got %q; want each called once", tc.verdict, calls.hold, calls.forward)
		}
		cs, _ := ts.List("filter")
		n := cs[1].Packets
		if tc.userDrop {
			n = cs[1].Rules[0].Packets
		}
		if n != tc.counted {
			t.Errorf("verdict %d: FORWARD counted %d packets, want %d", tc.verdict, n, tc.counted)
		}
	}
}

// TestPreroutingHook: the Prerouting hook sees every packet first and may
// rewrite it; the packet then goes through raw's and mangle's chains.
func TestPreroutingHook(t *testing.T) {
	calls := &hookCalls{}
	ts := newTables(t, nil, calls.hooks())
	if err := ts.InstallPrerouting(); err != nil {
		t.Fatalf("InstallPrerouting: %v", err)
	}
	if err := ts.Append("raw", "PREROUTING", Rule{Proto: "icmp"}); err != nil {
		t.Fatalf("Append: %v", err)
	}
	pkt := ipPacket(t, echoRequest(1, false))
	defer pkt.DecRef()
	if !ts.s.IPTables().CheckPrerouting(pkt, nil, "eth0") {
		t.Fatal("CheckPrerouting dropped the packet")
	}
	if calls.pre != 1 || !slices.Equal(calls.preIn, []string{"eth0"}) {
		t.Errorf("Prerouting called %d times with %q, want once with eth0", calls.pre, calls.preIn)
	}
	if ttl := header.IPv4(pkt.NetworkHeader().Slice()).TTL(); ttl != 0 {
		t.Errorf("TTL %d after the hook, want 0", ttl)
	}
	if cs, _ := ts.List("raw"); cs[0].Rules[0].Packets != 1 {
		t.Errorf("raw PREROUTING's rule counted %d packets, want 1", cs[0].Rules[0].Packets)
	}
	// A packet the hook drops goes no further.
	calls.preDrop = true
	dropped := ipPacket(t, echoRequest(1, false))
	defer dropped.DecRef()
	if ts.s.IPTables().CheckPrerouting(dropped, nil, "eth1") {
		t.Error("CheckPrerouting let through a packet the hook dropped")
	}
	if cs, _ := ts.List("raw"); cs[0].Rules[0].Packets != 1 {
		t.Errorf("raw PREROUTING's rule counted %d packets after a drop, want 1", cs[0].Rules[0].Packets)
	}
}

// TestOutputHook: the Output hook sees the namespace's packets before the
// user's OUTPUT chain, and may drop them.
func TestOutputHook(t *testing.T) {
	calls := &hookCalls{}
	ts := newTables(t, nil, calls.hooks())
	if err := ts.InstallForward(); err != nil {
		t.Fatalf("InstallForward: %v", err)
	}
	if err := ts.Append("filter", "OUTPUT", Rule{Proto: "icmp"}); err != nil {
		t.Fatalf("Append: %v", err)
	}
	for _, c := range []struct {
		out  string
		want bool
	}{{"eth0", true}, {"drop0", false}} {
		pkt := ipPacket(t, echoRequest(64, false))
		got := ts.s.IPTables().CheckOutput(pkt, nil, c.out)
		pkt.DecRef()
		if got != c.want {
			t.Errorf("CheckOutput(%s) = %v, want %v", c.out, got, c.want)
		}
	}
	if !slices.Equal(calls.out, []string{"eth0", "drop0"}) {
		t.Errorf("Output got %q, want eth0 then drop0", calls.out)
	}
	if cs, _ := ts.List("filter"); cs[2].Rules[0].Packets != 1 {
		t.Errorf("OUTPUT's rule counted %d packets, want 1 (the dropped one never reached it)", cs[2].Rules[0].Packets)
	}
}

// TestBridgedHooks: br_netfilter runs the tables on a switched frame as
// routed from bridge to bridge, the Forward hook told it is bridged; a
// DROP stops it, and TRACE lines name the bridge ports.
func TestBridgedHooks(t *testing.T) {
	calls := &hookCalls{}
	host := &testHost{}
	ts := newTables(t, host, calls.hooks())
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(ts.Append("raw", "PREROUTING", Rule{Proto: "icmp", Target: "TRACE"}))
	frame := gstack.NewPacketBuffer(gstack.PacketBufferOptions{Payload: buffer.MakeWithData(echoRequest(64, true))})
	defer frame.DecRef()
	if !ts.Bridged(frame, "br0", "veth1", "veth2") {
		t.Error("Bridged dropped the frame with no DROP rule")
	}
	must(ts.Append("filter", "FORWARD", Rule{In: "br0", Out: "br0", Target: "DROP"}))
	if ts.Bridged(frame, "br0", "veth1", "veth2") {
		t.Error("Bridged let the frame through a FORWARD DROP")
	}
	if want := []string{"br0>br0 bridged", "br0>br0 bridged"}; !slices.Equal(calls.forward, want) {
		t.Errorf("Forward got %q, want %q", calls.forward, want)
	}
	traced := false
	for _, l := range host.lines() {
		traced = traced || strings.HasPrefix(l, "TRACE: filter:FORWARD:rule:1 IN=br0 OUT=br0 PHYSIN=veth1 PHYSOUT=veth2 MAC=")
	}
	if !traced {
		t.Errorf("no TRACE line for FORWARD's rule with the bridge ports in %q", host.lines())
	}
}
