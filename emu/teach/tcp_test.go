package teach

import (
	"net/netip"
	"strings"
	"testing"
)

// TestTCPStory: a connection with a bulk transfer is told by its
// handshake, its first data segment each way, one summary, and its close;
// every segment is decided once and told alike at each hop.
func TestTCPStory(t *testing.T) {
	c := netip.MustParseAddrPort("10.0.0.1:40000")
	s := netip.MustParseAddrPort("10.0.0.2:5201")
	up, down := flowKey{c, s}, flowKey{s, c}
	seg := func(f flowKey, flags string, seq uint32, n int) *segment {
		return &segment{flow: f, seq: seq, payload: n, syn: strings.Contains(flags, "S"),
			ack: strings.Contains(flags, "A"), fin: strings.Contains(flags, "F"), rst: strings.Contains(flags, "R")}
	}
	type step struct {
		s    *segment
		tell bool
		owed string
	}
	steps := []step{
		{seg(up, "S", 0, 0), true, ""},
		{seg(down, "SA", 0, 0), true, ""},
		{seg(up, "A", 1, 0), true, ""},        // completes the handshake
		{seg(up, "A", 1, 1448), true, ""},     // first data up
		{seg(up, "A", 1449, 1448), false, ""}, // bulk
		{seg(down, "A", 1, 0), false, ""},     // its ACK
		{seg(up, "A", 2897, 1448), false, ""},
		{seg(down, "A", 1, 2), true, ""}, // first data down
		{seg(up, "FA", 4345, 0), true, "… TCP 10.0.0.1:40000 → 10.0.0.2:5201: 2 more data segments (2.9 KB), not told one by one"},
		{seg(down, "A", 3, 0), true, ""}, // the ACK of the FIN
		{seg(down, "FA", 3, 0), true, ""},
		{seg(up, "A", 4346, 0), true, ""},
	}
	var st tcpStory
	for i, x := range steps {
		for hop := 0; hop < 3; hop++ {
			tell, owed, _ := st.verdict(x.s)
			if tell != x.tell {
				t.Errorf("step %d hop %d: told %v, want %v", i, hop, tell, x.tell)
			}
			want := x.owed
			if hop > 0 {
				want = "" // owed once, at the first hop
			}
			if got := strings.Join(owed, "; "); got != want {
				t.Errorf("step %d hop %d: owed %q, want %q", i, hop, got, want)
			}
			if st.told(x.s) != x.tell {
				t.Errorf("step %d hop %d: told() = %v, want %v", i, hop, !x.tell, x.tell)
			}
		}
	}
	if o := st.owed(); len(o) != 0 {
		t.Errorf("owed after the close: %v", o)
	}
}

// TestTCPOwedAtTheEnd: a transfer the run ends in the middle of is
// summarised at the end.
func TestTCPOwedAtTheEnd(t *testing.T) {
	f := flowKey{netip.MustParseAddrPort("10.0.0.1:1"), netip.MustParseAddrPort("10.0.0.2:2")}
	var st tcpStory
	for i := uint32(0); i < 5; i++ {
		st.verdict(&segment{flow: f, ack: true, seq: i * 100, payload: 100})
	}
	o := st.owed()
	if len(o) != 1 || !strings.Contains(o[0].text, "4 more data segments (400 bytes)") {
		t.Errorf("owed = %v, want 4 more data segments (400 bytes)", o)
	}
}

// TestTCPRefused: an RST that answers a SYN says the port is closed.
func TestTCPRefused(t *testing.T) {
	c, s := netip.MustParseAddrPort("10.0.0.1:40000"), netip.MustParseAddrPort("10.0.0.2:81")
	var st tcpStory
	st.verdict(&segment{flow: flowKey{c, s}, syn: true})
	for hop := 0; hop < 2; hop++ {
		_, _, note := st.verdict(&segment{flow: flowKey{s, c}, rst: true, ack: true, ackNum: 1})
		if note != " (connection refused: nothing listens on 10.0.0.2:81)" {
			t.Errorf("hop %d: note %q", hop, note)
		}
	}
}
