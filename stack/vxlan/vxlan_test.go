package vxlan

import (
	"bytes"
	"net"
	"net/netip"
	"slices"
	"testing"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip/stack"

	"github.com/nsemu/nsemu/vethsim"
)

func TestParse(t *testing.T) {
	frame := bytes.Repeat([]byte{0xab}, 20)
	good := make([]byte, HeaderLen+len(frame))
	PutHeader(good, 0xabcdef)
	copy(good[HeaderLen:], frame)
	if !bytes.Equal(good[:HeaderLen], []byte{0x08, 0, 0, 0, 0xab, 0xcd, 0xef, 0}) {
		t.Fatalf("PutHeader(0xabcdef) = % x, want RFC 7348's 08 00 00 00 ab cd ef 00", good[:HeaderLen])
	}
	with := func(i int, b byte) []byte { x := slices.Clone(good); x[i] = b; return x }
	for _, c := range []struct {
		name string
		in   []byte
		vni  uint32
		drop Drop
	}{
		{"good", good, 0xabcdef, DropNone},
		{"short", good[:7], 0, DropShort},
		{"I flag clear", with(0, 0), 0, DropNoVNIFlag},
		{"another flag", with(0, 0x0c), 0, DropReserved},
		{"reserved byte after the VNI", with(7, 1), 0, DropReserved},
		{"reserved flags byte", with(2, 1), 0, DropReserved},
		{"inner frame too short", good[:HeaderLen+13], 0xabcdef, DropInnerShort},
	} {
		vni, inner, d := Parse(c.in)
		if d != c.drop || vni != c.vni {
			t.Errorf("%s: Parse = VNI %#x, %q; want %#x, %q", c.name, vni, d, c.vni, c.drop)
		}
		if d == DropNone && !bytes.Equal(inner, frame) {
			t.Errorf("%s: inner frame % x, want % x", c.name, inner, frame)
		}
	}
}

func mac(s string) net.HardwareAddr {
	m, err := net.ParseMAC(s)
	if err != nil {
		panic(err)
	}
	return m
}

func TestFDB(t *testing.T) {
	now := time.Unix(1000, 0)
	f := newFDB(time.Minute, func() time.Time { return now })
	a, b := netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("192.0.2.2")
	if got := f.Lookup(mac("02:00:00:00:00:01")); got != nil {
		t.Fatalf("empty FDB: Lookup = %v, want nil (the frame is dropped)", got)
	}
	if err := f.Update(OpAdd, zeroMAC, Remote{IP: a}); err != nil {
		t.Fatal(err)
	}
	if err := f.Update(OpAdd, zeroMAC, Remote{IP: b}); err != ErrExists {
		t.Errorf("second add of 00:00:00:00:00:00: %v, want %v", err, ErrExists)
	}
	if err := f.Update(OpAppend, zeroMAC, Remote{IP: b}); err != nil {
		t.Fatal(err)
	}
	if got := f.Lookup(mac("ff:ff:ff:ff:ff:ff")); !slices.Equal(got, []Remote{{IP: a}, {IP: b}}) {
		t.Errorf("broadcast floods to %v, want both remotes", got)
	}
	// Appending to a unicast entry is ignored, as Linux ignores it.
	_ = f.Update(OpAdd, mac("02:00:00:00:00:01"), Remote{IP: a})
	_ = f.Update(OpAppend, mac("02:00:00:00:00:01"), Remote{IP: b})
	if got := f.Lookup(mac("02:00:00:00:00:01")); !slices.Equal(got, []Remote{{IP: a}}) {
		t.Errorf("unicast entry after append: %v, want only %v", got, a)
	}
	// Learning: a new MAC, a move; a static entry does not move.
	f.Learn(mac("02:00:00:00:00:02"), a)
	f.Learn(mac("02:00:00:00:00:02"), b)
	f.Learn(mac("02:00:00:00:00:01"), b)
	f.Learn(mac("01:00:5e:00:00:01"), b) // multicast sources are not learned
	if got := f.Lookup(mac("02:00:00:00:00:02")); !slices.Equal(got, []Remote{{IP: b}}) {
		t.Errorf("learned entry after a move: %v, want %v", got, b)
	}
	if got := f.Lookup(mac("02:00:00:00:00:01")); !slices.Equal(got, []Remote{{IP: a}}) {
		t.Errorf("static entry after learning: %v, want %v unchanged", got, a)
	}
	if n := len(f.Entries()); n != 3 {
		t.Errorf("%d entries, want 3: %+v", n, f.Entries())
	}
	now = now.Add(time.Minute)
	if got := f.Lookup(mac("02:00:00:00:00:02")); !slices.Equal(got, []Remote{{IP: a}, {IP: b}}) {
		t.Errorf("after the ageing time the learned entry is gone, and the flood entry answers: %v", got)
	}
	if err := f.Delete(zeroMAC, &Remote{IP: a}); err != nil {
		t.Fatal(err)
	}
	if err := f.Delete(mac("02:00:00:00:00:09"), nil); err != ErrNotFound {
		t.Errorf("deleting a missing entry: %v, want %v", err, ErrNotFound)
	}
	if got := f.Entries(); len(got) != 2 || !slices.Equal(got[1].Remotes, []Remote{{IP: b}}) {
		t.Errorf("entries after deleting one flood remote: %+v", got)
	}
}

// FuzzDeliver feeds arbitrary datagram payloads to a socket with one
// device on VNI 42: nothing may panic or leak, and what is not a good
// frame for the device is counted as dropped.
func FuzzDeliver(f *testing.F) {
	good := make([]byte, HeaderLen+60)
	PutHeader(good, 42)
	f.Add(good)
	f.Add(good[:HeaderLen+10])
	f.Add([]byte{0x08, 0, 0, 0, 0, 0, 0x2b, 0})
	f.Add([]byte{})
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0x2a, 0, 1, 2, 3})
	f.Fuzz(func(t *testing.T, b []byte) {
		pair, err := vethsim.NewPair(vethsim.Config{Names: [2]string{"vx0", "vx0-wire"}, Internal: true})
		if err != nil {
			t.Fatal(err)
		}
		dev, wire := pair.Ends()
		var got int
		dev.SetReceiver(receiverFunc(func(pkt *stack.PacketBuffer) { got++; pkt.DecRef() }))
		dev.SetUp(true)
		wire.SetUp(true)
		s := &Socket{port: IANAPort, devs: map[uint32]*Device{}}
		d := &Device{cfg: Config{VNI: 42, Learning: true}, wire: wire, fdb: newFDB(0, time.Now)}
		d.up.Store(true)
		s.devs[42] = d
		s.Deliver(b, netip.MustParseAddr("192.0.2.1"), "eth0")
		var dropped uint64
		for _, n := range s.Dropped() {
			dropped += n
		}
		rx, _ := d.Drops()
		if got+int(dropped)+int(rx) != 1 {
			t.Fatalf("% x: %d delivered, %d dropped by the socket, %d by the device; want exactly one outcome", b, got, dropped, rx)
		}
	})
}

type receiverFunc func(pkt *stack.PacketBuffer)

func (f receiverFunc) Receive(_ *vethsim.End, pkt *stack.PacketBuffer) { f(pkt) }

func TestFlowPort(t *testing.T) {
	frame := func(src, dst byte, sport byte) []byte {
		f := make([]byte, 14+20+8)
		f[12], f[13] = 0x08, 0x00
		ip := f[14:]
		ip[0], ip[2], ip[3], ip[8], ip[9] = 0x45, 0, 28, 64, 17
		ip[12], ip[15], ip[16], ip[19] = 10, src, 10, dst
		ip[21] = sport
		return f
	}
	a, b := flowPort(frame(1, 2, 5)), flowPort(frame(1, 2, 6))
	for _, p := range []uint16{a, b, flowPort(make([]byte, 14))} {
		if p < srcPortMin || p > srcPortMax {
			t.Errorf("port %d outside %d-%d", p, srcPortMin, srcPortMax)
		}
	}
	if a != flowPort(frame(1, 2, 5)) {
		t.Errorf("one flow, two ports")
	}
	if a == b && a == flowPort(frame(1, 3, 5)) {
		t.Errorf("three flows on one port %d: the hash ignores the flow", a)
	}
}
