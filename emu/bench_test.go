package emu

import (
	"context"
	"fmt"
	"io"
	"net/netip"
	"runtime"
	"testing"
	"time"

	"github.com/nsemu/nsemu/stack"
)

// BenchmarkTCPThroughput streams TCP from ns1 to ns2 through a bridge, MTU
// 1500, and reports Gbit/s. With GSO (the default) segments of up to 64 KB
// cross the veths and the bridge whole; "mtu-frames" carries real frames.
func BenchmarkTCPThroughput(b *testing.B) {
	for _, gso := range []bool{true, false} {
		b.Run(map[bool]string{true: "gso", false: "mtu-frames"}[gso], func(b *testing.B) {
			w := New(Options{NoGSO: !gso})
			defer w.Close()
			a, c := twoOnBridge(b, w)
			benchTCP(b, a, c)
		})
	}
}

func benchTCP(b *testing.B, a, c *Namespace) { benchTCPTo(b, a, c, "192.168.28.2") }

// benchTCPTo streams TCP from a to c's address dst.
func benchTCPTo(b *testing.B, a, c *Namespace, dst string) {
	l, err := c.ListenTCP(netip.MustParseAddrPort("0.0.0.0:5001"))
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	got := make(chan int64, 1)
	go func() {
		s, err := l.Accept()
		if err != nil {
			got <- -1
			return
		}
		n, _ := io.Copy(io.Discard, s)
		s.Close()
		got <- n
	}()
	conn, err := a.DialTCP(context.Background(), netip.AddrPortFrom(netip.MustParseAddr(dst), 5001))
	if err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, 1<<20)
	b.SetBytes(int64(len(buf)))
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if _, err := conn.Write(buf); err != nil {
			b.Fatal(err)
		}
	}
	_ = conn.(netTCPConn).CloseWrite()
	n := <-got
	el := time.Since(start)
	b.StopTimer()
	conn.Close()
	if n != int64(b.N)*int64(len(buf)) {
		b.Fatalf("received %d bytes, sent %d", n, int64(b.N)*int64(len(buf)))
	}
	b.ReportMetric(float64(n)*8/el.Seconds()/1e9, "Gbit/s")
}

// BenchmarkPing measures the ICMP echo round trip between two namespaces on
// a bridge, in µs.
func BenchmarkPing(b *testing.B) {
	w := New(Options{})
	defer w.Close()
	a, _ := twoOnBridge(b, w)
	p, err := a.Stack().NewPinger(netip.MustParseAddr("192.168.28.2"), pingOpts())
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	if _, err := p.Ping(context.Background(), 0); err != nil { // ARP
		b.Fatal(err)
	}
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if _, err := p.Ping(context.Background(), uint16(i+1)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(time.Since(start).Microseconds())/float64(b.N), "µs")
}

// BenchmarkNamespaces creates N namespaces, each with a veth on one bridge
// and an address, then pings from the first to the last. It reports the
// time and heap bytes per namespace.
func BenchmarkNamespaces(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				benchNamespaces(b, n)
			}
		})
	}
}

func benchNamespaces(b *testing.B, n int) {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	w := New(Options{})
	defer w.Close()
	nss := bridgedNamespaces(b, w, n)
	built := time.Since(start)
	runtime.GC()
	runtime.ReadMemStats(&after)
	last := netip.AddrFrom4([4]byte{10, byte((n - 1) >> 16), byte((n - 1) >> 8), byte(n - 1)})
	r, err := nss[0].Ping(context.Background(), last, 5*time.Second)
	if err != nil {
		b.Fatalf("ping first → last: %v", err)
	}
	b.ReportMetric(built.Seconds(), "s-to-build")
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(n)/1024, "KiB/ns")
	b.ReportMetric(float64(r.RTT.Microseconds()), "µs-first-ping")
}

func pingOpts() stack.PingOptions { return stack.PingOptions{Timeout: 2 * time.Second} }

// bridgedNamespaces makes n namespaces, each with a veth whose other end is
// a port of the host's bridge br0, and 10.X.Y.Z/8 (the low bytes of i).
func bridgedNamespaces(b *testing.B, w *World, n int) []*Namespace {
	host := w.Host()
	if _, err := host.AddBridge("br0"); err != nil {
		b.Fatal(err)
	}
	if err := host.SetLinkUp("br0", true); err != nil {
		b.Fatal(err)
	}
	nss := make([]*Namespace, n)
	for i := 0; i < n; i++ {
		ns, err := w.AddNamespace(fmt.Sprintf("ns%d", i))
		if err != nil {
			b.Fatal(err)
		}
		nss[i] = ns
		br := fmt.Sprintf("v%d", i)
		if _, _, err := host.AddVeth(br, "eth0", ns); err != nil {
			b.Fatal(err)
		}
		if err := host.SetMaster(br, "br0"); err != nil {
			b.Fatal(err)
		}
		if err := host.SetLinkUp(br, true); err != nil {
			b.Fatal(err)
		}
		a := netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)})
		if err := ns.AddAddr("eth0", netip.PrefixFrom(a, 8)); err != nil {
			b.Fatal(err)
		}
		if err := ns.SetLinkUp("eth0", true); err != nil {
			b.Fatal(err)
		}
	}
	return nss
}

// BenchmarkFlood measures a broadcast's cost per bridge port: each
// iteration pings from the first of 5 000 namespaces on one bridge to one it
// has not resolved yet, whose ARP request the bridge floods to every port
// (what makes the first → last ping of scenarios/bench-namespaces.sh).
func BenchmarkFlood(b *testing.B) {
	const n = 5000
	w := New(Options{})
	defer w.Close()
	nss := bridgedNamespaces(b, w, n)
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		k := 1 + i%(n-1)
		dst := netip.AddrFrom4([4]byte{10, byte(k >> 16), byte(k >> 8), byte(k)})
		if i >= n-1 {
			b.StopTimer()
			_ = nss[0].Stack().FlushNeighbors("eth0") // resolved already: ask again
			b.StartTimer()
		}
		if _, err := nss[0].Ping(context.Background(), dst, 5*time.Second); err != nil {
			b.Fatalf("ping %s: %v", dst, err)
		}
	}
	b.ReportMetric(float64(time.Since(start).Nanoseconds())/float64(b.N)/n, "ns/port")
}
