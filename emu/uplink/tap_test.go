package uplink

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/checksum"
	"gvisor.dev/gvisor/pkg/tcpip/header"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/builtin/builtintest"
	"github.com/nsemu/nsemu/emu/emutest"
	"github.com/nsemu/nsemu/emu/trace"
)

// fakeTAP is a TAP device's two sides on a SOCK_SEQPACKET socket pair,
// which keeps frame boundaries as a TAP does: dev is what the uplink
// opens, peer the real kernel's side, which the test plays.
type fakeTAP struct {
	dev, peer *os.File
}

func newFakeTAP(t *testing.T) *fakeTAP {
	t.Helper()
	f, err := newFuzzTAP()
	if err != nil {
		t.Fatalf("socketpair: %v", err)
	}
	t.Cleanup(func() { f.peer.Close() })
	return f
}

// newFuzzTAP makes a fake TAP device; the caller closes its peer.
func newFuzzTAP() (*fakeTAP, error) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_SEQPACKET|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	for _, fd := range fds {
		if err := unix.SetNonblock(fd, true); err != nil {
			return nil, err
		}
	}
	return &fakeTAP{dev: os.NewFile(uintptr(fds[0]), "tap"), peer: os.NewFile(uintptr(fds[1]), "kernel")}, nil
}

// open is Options.openTAP.
func (f *fakeTAP) open(string) (io.ReadWriteCloser, bool, error) { return f.dev, false, nil }

func (f *fakeTAP) write(t *testing.T, frame []byte) {
	t.Helper()
	if _, err := f.peer.Write(frame); err != nil {
		t.Fatalf("writing to the TAP: %v", err)
	}
}

// next returns the next frame the uplink wrote that match accepts.
func (f *fakeTAP) next(t *testing.T, what string, match func([]byte) bool) []byte {
	t.Helper()
	buf := make([]byte, maxFrame)
	deadline := time.Now().Add(emutest.Deadline)
	for {
		f.peer.SetReadDeadline(deadline)
		n, err := f.peer.Read(buf)
		if err != nil {
			t.Fatalf("waiting for %s from eth0: %v", what, err)
		}
		if match(buf[:n]) {
			return append([]byte(nil), buf[:n]...)
		}
	}
}

// startTAP starts a TAP uplink on a fake device with eth0 192.0.2.2/24 up.
func startTAP(t *testing.T) (*emu.World, *Uplink, *fakeTAP, *syncBuffer) {
	t.Helper()
	w := builtintest.World(t)
	f := newFakeTAP(t)
	log := &syncBuffer{}
	u, err := Start(w, Spec{Mode: TAP, Device: "tap9"}, Options{Log: log, openTAP: f.open})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { u.Close() })
	builtintest.MustRun(t, w, nil, "ip addr add 192.0.2.2/24 dev eth0\nip link set eth0 up\n")
	return w, u, f, log
}

func isARP(op header.ARPOp) func([]byte) bool {
	return func(b []byte) bool {
		return header.Ethernet(b).Type() == header.ARPProtocolNumber && checkFrame(b, 1500) == DropNone && header.ARP(b[eth:]).Op() == op
	}
}

func isICMP(typ header.ICMPv4Type) func([]byte) bool {
	return func(b []byte) bool {
		return header.Ethernet(b).Type() == header.IPv4ProtocolNumber && checkFrame(b, 1500) == DropNone &&
			header.IPv4(b[eth:]).Protocol() == uint8(header.ICMPv4ProtocolNumber) && header.ICMPv4(b[eth+20:]).Type() == typ
	}
}

// TestTAPFrames plays the real kernel on the TAP: eth0 answers ARP and
// ping; garbage is dropped, counted and never answered.
func TestTAPFrames(t *testing.T) {
	w, u, f, _ := startTAP(t)
	var mu sync.Mutex
	var drops []string
	detach := w.Bus().Attach(trace.SinkFunc(func(e *trace.Event) {
		if e.Kind == trace.Dropped {
			mu.Lock()
			drops = append(drops, fmt.Sprintf("%s/%s: %s", e.NS, e.Dev, e.Reason))
			mu.Unlock()
		}
	}))
	defer detach()
	eth0, _ := w.Host().Link("eth0")
	mac := tcpip.LinkAddress(eth0.MAC())

	f.write(t, arpRequest(testSrcIP, testDstIP))
	reply := f.next(t, "an ARP reply", isARP(header.ARPReply))
	if got := tcpip.LinkAddress(header.ARP(reply[eth:]).HardwareAddressSender()); got != mac {
		t.Errorf("ARP reply says %s, eth0 is %s", got, mac)
	}

	garbage := [][]byte{
		make([]byte, 10),
		ethFrame(testSrcMAC, mac, header.IPv6ProtocolNumber, make([]byte, 40)),
		mutate(ipFrame(testSrcIP, testDstIP, header.ICMPv4ProtocolNumber, echoRequest(9, 1, "bad")), func(b []byte) { b[len(b)-1] ^= 1 }),
		ethFrame(testSrcMAC, mac, header.IPv4ProtocolNumber, make([]byte, 1600)),
	}
	for _, g := range garbage {
		f.write(t, g)
	}
	good := ipFrame(testSrcIP, testDstIP, header.ICMPv4ProtocolNumber, echoRequest(7, 1, "abcdefgh"))
	copy(good, mac) // to eth0's MAC
	f.write(t, good)
	// The good probe was sent last: its reply comes after the garbage was
	// handled, and no reply answers the bad one (id 9).
	r := f.next(t, "an echo reply", isICMP(header.ICMPv4EchoReply))
	if icmp := header.ICMPv4(r[eth+20:]); icmp.Ident() != 7 || string(icmp.Payload()) != "abcdefgh" {
		t.Errorf("echo reply id %d payload %q, want 7 %q", icmp.Ident(), icmp.Payload(), "abcdefgh")
	}
	want := map[Drop]uint64{DropRunt: 1, DropIPv6: 1, DropChecksum: 1, DropGiant: 1}
	emutest.WaitFor(t, "the drops to be counted", func() bool { return len(u.Dropped()) == len(want) })
	for d, n := range want {
		if got := u.Dropped()[d]; got != n {
			t.Errorf("dropped %v: %d, want %d (all: %v)", d, got, n, u.Dropped())
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(drops) != 4 || drops[2] != "host/eth0: from TAP tap9: bad transport checksum" {
		t.Errorf("drop events: %q", drops)
	}
}

// TestTAPPingOut: the emulated host pings the kernel's side; the test
// answers ARP and the echo request as the kernel would.
func TestTAPPingOut(t *testing.T) {
	w, _, f, _ := startTAP(t)
	done := make(chan string, 1)
	go func() { done <- builtintest.MustRun(t, w, nil, "ping -c 1 -W 5 192.0.2.1\n") }()

	req := f.next(t, "an ARP request", isARP(header.ARPRequest))
	a := header.ARP(req[eth:])
	eth0 := tcpip.LinkAddress(a.HardwareAddressSender())
	rep := arpRequest(testSrcIP, testDstIP)
	ra := header.ARP(rep[eth:])
	ra.SetOp(header.ARPReply)
	copy(ra.HardwareAddressTarget(), eth0)
	copy(ra.ProtocolAddressTarget(), a.ProtocolAddressSender())
	copy(rep, eth0)
	f.write(t, rep)

	echo := f.next(t, "an echo request", isICMP(header.ICMPv4Echo))
	ic := header.ICMPv4(echo[eth+20:])
	answer := echoRequest(ic.Ident(), ic.Sequence(), string(ic.Payload()))
	header.ICMPv4(answer).SetType(header.ICMPv4EchoReply)
	fr := ipFrame(testSrcIP, testDstIP, header.ICMPv4ProtocolNumber, answer)
	copy(fr, eth0)
	f.write(t, fr)
	select {
	case out := <-done:
		if !strings.Contains(out, "1 received") {
			t.Errorf("ping:\n%s", out)
		}
	case <-time.After(emutest.Deadline):
		t.Fatal("ping did not end")
	}
}

// TestTAPClose: closing the uplink releases the device and takes eth0's
// carrier.
func TestTAPClose(t *testing.T) {
	w, u, f, _ := startTAP(t)
	u.Close()
	f.peer.SetReadDeadline(time.Now().Add(emutest.Deadline))
	if _, err := f.peer.Read(make([]byte, 100)); !errors.Is(err, io.EOF) {
		t.Errorf("reading the kernel's side after Close: %v, want EOF (the device released)", err)
	}
	if out := builtintest.MustRun(t, w, nil, "ip link show eth0\n"); !strings.Contains(out, "NO-CARRIER") {
		t.Errorf("eth0 after Close:\n%s", out)
	}
	u.Close() // twice is fine
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// FuzzIngress sends arbitrary frames from the TAP into a configured eth0
// (addressed to eth0's MAC, so that they reach its stack): whatever
// arrives is dropped and counted, or handled, never a crash or a leak.
func FuzzIngress(f *testing.F) {
	for _, c := range frameCases {
		f.Add(c.frame, false)
		f.Add(c.frame, true)
	}
	w := emu.New(emu.Options{})
	defer w.Close()
	fake, err := newFuzzTAP()
	if err != nil {
		f.Fatal(err)
	}
	defer fake.peer.Close()
	u, err := Start(w, Spec{Mode: TAP, Device: "fuzz0"}, Options{openTAP: fake.open})
	if err != nil {
		f.Fatal(err)
	}
	defer u.Close()
	h := w.Host()
	if err := h.AddAddr("eth0", netip.MustParsePrefix("192.0.2.2/24")); err != nil {
		f.Fatal(err)
	}
	if err := h.SetLinkUp("eth0", true); err != nil {
		f.Fatal(err)
	}
	eth0, _ := h.Link("eth0")
	mac := eth0.MAC()
	f.Fuzz(func(t *testing.T, b []byte, fix bool) {
		b = append([]byte(nil), b...)
		if len(b) >= 6 {
			copy(b, mac)
		}
		if fix {
			fixChecksums(b)
		}
		u.tap.ingress(b)
	})
}

// fixChecksums makes an IPv4 frame's checksums right when its lengths let
// them be computed, so that fuzzed headers get past checkFrame to the
// stacks.
func fixChecksums(b []byte) {
	if len(b) < eth+header.IPv4MinimumSize || header.Ethernet(b).Type() != header.IPv4ProtocolNumber {
		return
	}
	ip := header.IPv4(b[eth:])
	ihl, total := int(ip.HeaderLength()), int(ip.TotalLength())
	if ihl < header.IPv4MinimumSize || total < ihl || total > len(ip) {
		return
	}
	ip.SetChecksum(0)
	ip.SetChecksum(^checksum.Checksum(ip[:ihl], 0))
	l4 := ip[ihl:total]
	off := map[tcpip.TransportProtocolNumber]int{header.TCPProtocolNumber: 16, header.UDPProtocolNumber: 6, header.ICMPv4ProtocolNumber: 2}
	o, ok := off[ip.TransportProtocol()]
	if !ok || len(l4) < o+2 {
		return
	}
	var sum uint16
	if ip.TransportProtocol() != header.ICMPv4ProtocolNumber {
		n := len(l4)
		if ip.TransportProtocol() == header.UDPProtocolNumber && len(l4) >= header.UDPMinimumSize {
			if ul := int(header.UDP(l4).Length()); ul >= header.UDPMinimumSize && ul <= len(l4) {
				n = ul
			}
		}
		l4 = l4[:n]
		sum = header.PseudoHeaderChecksum(ip.TransportProtocol(), ip.SourceAddress(), ip.DestinationAddress(), uint16(n))
	}
	l4[o], l4[o+1] = 0, 0
	binary.BigEndian.PutUint16(l4[o:], ^checksum.Checksum(l4, sum))
}
