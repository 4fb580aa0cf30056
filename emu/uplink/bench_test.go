package uplink

import (
	"io"
	"net"
	"net/netip"
	"testing"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/adapters/gonet"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/builtin/builtintest"
)

const benchChunk = 64 << 10

// benchSend writes b.N chunks to c, then waits until the sink has read
// them all.
func benchSend(b *testing.B, c net.Conn, drained <-chan int64) {
	b.Helper()
	buf := make([]byte, benchChunk)
	b.SetBytes(benchChunk)
	b.ResetTimer()
	for range b.N {
		if _, err := c.Write(buf); err != nil {
			b.Fatal(err)
		}
	}
	c.Close()
	if n := <-drained; n != int64(b.N)*benchChunk {
		b.Fatalf("the sink read %d bytes of %d", n, int64(b.N)*benchChunk)
	}
}

// sink reads one connection of l to its end and reports the bytes.
func sink(l net.Listener) <-chan int64 {
	out := make(chan int64, 1)
	go func() {
		c, err := l.Accept()
		if err != nil {
			out <- -1
			return
		}
		n, _ := io.Copy(io.Discard, c)
		c.Close()
		out <- n
	}()
	return out
}

// BenchmarkHostTCPOut: the emulated host sends to a real server through
// the host uplink (gateway stack, forwarder, host socket).
func BenchmarkHostTCPOut(b *testing.B) {
	w := emu.New(emu.Options{})
	defer w.Close()
	u, err := Start(w, Spec{Mode: Host}, Options{realDst: testRealDst})
	if err != nil {
		b.Fatal(err)
	}
	defer u.Close()
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	drained := sink(l)
	dst := netip.AddrPortFrom(netip.MustParseAddr("198.51.100.1"), uint16(l.Addr().(*net.TCPAddr).Port))
	c, err := w.Host().DialTCP(b.Context(), dst)
	if err != nil {
		b.Fatal(err)
	}
	benchSend(b, c, drained)
}

// BenchmarkPublishTCPIn: a real client sends to the emulated host through
// a published port.
func BenchmarkPublishTCPIn(b *testing.B) {
	w := emu.New(emu.Options{})
	defer w.Close()
	u, err := Start(w, Spec{Mode: Host}, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer u.Close()
	l, err := w.Host().ListenTCP(netip.MustParseAddrPort("0.0.0.0:9000"))
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	drained := sink(l)
	port := freePort(b, "tcp")
	if err := u.Publish(Publish{Proto: "tcp", RealPort: port, Port: 9000}); err != nil {
		b.Fatal(err)
	}
	c, err := net.Dial("tcp4", netip.AddrPortFrom(loopback4, port).String())
	if err != nil {
		b.Fatal(err)
	}
	benchSend(b, c, drained)
}

// BenchmarkTAPTCPOut: the emulated host sends through a TAP (a socket
// pair here) to a gVisor stack standing for the kernel.
func BenchmarkTAPTCPOut(b *testing.B) {
	w := emu.New(emu.Options{})
	defer w.Close()
	f, err := newFuzzTAP()
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { f.peer.Close() }) // after the kernel's stack (newKernel)
	u, err := Start(w, Spec{Mode: TAP, Device: "bench0"}, Options{openTAP: f.open})
	if err != nil {
		b.Fatal(err)
	}
	defer u.Close()
	builtintest.MustRun(b, w, nil, "ip addr add 192.0.2.2/24 dev eth0\nip link set eth0 up\n")
	k := newKernel(b, f)
	l, err := gonet.ListenTCP(k.s, tcpip.FullAddress{NIC: 1, Addr: testSrcIP, Port: 5001}, ipv4.ProtocolNumber)
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	drained := sink(l)
	c, err := w.Host().DialTCP(b.Context(), netip.MustParseAddrPort("192.0.2.1:5001"))
	if err != nil {
		b.Fatal(err)
	}
	benchSend(b, c, drained)
}
