package capture_test

import (
	"context"
	"crypto/sha256"
	"io"
	"math/rand"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/dns/dnsmessage"

	"github.com/nsemu/nsemu/capture"
	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/trace"
)

// world builds ns1 and ns2 (10.0.0.1, .2) on a host bridge br0, with a
// capture of every tap point attached.
func world(tb testing.TB, pcap string) (*emu.World, *emu.Namespace, *emu.Namespace, func() error) {
	tb.Helper()
	w := emu.New(emu.Options{})
	closeCap := func() error { return nil }
	if pcap != "" {
		f, err := os.Create(pcap)
		if err != nil {
			tb.Fatal(err)
		}
		pw, err := capture.NewWriter(f, "test")
		if err != nil {
			tb.Fatal(err)
		}
		sink := capture.NewSink(pw, nil)
		detach := w.Bus().Attach(sink)
		closeCap = func() error { detach(); sink.Close(); return pw.Close() }
	}
	chk := func(err error) {
		tb.Helper()
		if err != nil {
			tb.Fatal(err)
		}
	}
	host := w.Host()
	_, err := host.AddBridge("br0")
	chk(err)
	chk(host.SetLinkUp("br0", true))
	var ns [2]*emu.Namespace
	for i := range ns {
		n, err := w.AddNamespace([]string{"ns1", "ns2"}[i])
		chk(err)
		port := []string{"v1-br", "v2-br"}[i]
		_, _, err = host.AddVeth(port, "eth0", n)
		chk(err)
		chk(host.SetMaster(port, "br0"))
		chk(host.SetLinkUp(port, true))
		chk(n.AddAddr("eth0", netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 0, 0, byte(i + 1)}), 24)))
		chk(n.SetLinkUp("eth0", true))
		ns[i] = n
	}
	return w, ns[0], ns[1], closeCap
}

// TestCaptureWithTshark captures ARP, ICMP, TCP and DNS between two
// namespaces and checks, with tshark, that Wireshark sees named interfaces,
// the decision comments, and decodes all four.
func TestCaptureWithTshark(t *testing.T) {
	tshark, err := exec.LookPath("tshark")
	if err != nil {
		if os.Getenv("NSEMU_CI") == "1" {
			t.Fatal("NSEMU_CI=1 but tshark is not installed")
		}
		t.Skip("tshark not installed (apt-get install tshark)")
	}
	pcap := filepath.Join(t.TempDir(), "c.pcapng")
	w, ns1, ns2, closeCap := world(t, pcap)
	defer w.Close()
	ctx := context.Background()
	if _, err := ns1.Ping(ctx, netip.MustParseAddr("10.0.0.2"), time.Second); err != nil {
		t.Fatal(err)
	}
	// TCP: a short exchange.
	l, err := ns2.ListenTCP(netip.MustParseAddrPort("0.0.0.0:80"))
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		c, err := l.Accept()
		if err == nil {
			io.Copy(c, c)
			c.Close()
		}
	}()
	c, err := ns1.DialTCP(ctx, netip.MustParseAddrPort("10.0.0.2:80"))
	if err != nil {
		t.Fatal(err)
	}
	c.Write([]byte("GET / HTTP/1.0\r\n\r\n"))
	buf := make([]byte, 64)
	c.Read(buf)
	c.Close()
	l.Close()
	// DNS: one query and its answer over UDP port 53.
	dnsExchange(t, ns1, ns2)
	if err := closeCap(); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tshark, "-r", pcap, "-T", "fields", "-E", "separator=|", "-e", "frame.interface_name", "-e", "frame.comment", "-e", "frame.protocols").CombinedOutput()
	if err != nil {
		t.Fatalf("tshark: %v\n%s", err, out)
	}
	text := string(out)
	for _, want := range []string{
		"ns1/eth0|", "host/v1-br|", "host/v2-br|", "ns2/eth0|",
		"br0: broadcast, flooded to br0, v2-br|eth:ethertype:arp",
		"ns1: route to 10.0.0.2: 10.0.0.0/24 dev eth0 (connected)|eth:ethertype:ip:icmp",
		"forwarded to v2-br|eth:ethertype:ip:tcp",
		"eth:ethertype:ip:udp:dns",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("tshark output lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("tshark:\n%s", text)
	}
}

func dnsExchange(t *testing.T, client, server *emu.Namespace) {
	t.Helper()
	pc, err := server.ListenUDP(netip.MustParseAddrPort("0.0.0.0:53"))
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	go func() {
		b := make([]byte, 512)
		n, from, err := pc.ReadFrom(b)
		if err != nil {
			return
		}
		var p dnsmessage.Parser
		h, err := p.Start(b[:n])
		if err != nil {
			return
		}
		q, _ := p.Question()
		bld := dnsmessage.NewBuilder(nil, dnsmessage.Header{ID: h.ID, Response: true, Authoritative: true})
		bld.StartQuestions()
		bld.Question(q)
		bld.StartAnswers()
		bld.AResource(dnsmessage.ResourceHeader{Name: q.Name, Class: dnsmessage.ClassINET, TTL: 60}, dnsmessage.AResource{A: [4]byte{10, 0, 0, 2}})
		msg, _ := bld.Finish()
		pc.WriteTo(msg, from)
	}()
	c, err := client.DialUDP(netip.MustParseAddrPort("10.0.0.2:53"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	bld := dnsmessage.NewBuilder(nil, dnsmessage.Header{ID: 42, RecursionDesired: true})
	bld.StartQuestions()
	bld.Question(dnsmessage.Question{Name: dnsmessage.MustNewName("web.example."), Type: dnsmessage.TypeA, Class: dnsmessage.ClassINET})
	q, _ := bld.Finish()
	c.Write(q)
	c.SetReadDeadline(time.Now().Add(2 * time.Second))
	b := make([]byte, 512)
	if _, err := c.Read(b); err != nil {
		t.Fatalf("DNS answer: %v", err)
	}
}

// BenchmarkCaptureOverhead is TCP throughput between two namespaces on a
// bridge with a pcapng capture of every tap point on and off.
func BenchmarkCaptureOverhead(b *testing.B) {
	for _, on := range []bool{false, true} {
		b.Run(map[bool]string{false: "pcap-off", true: "pcap-on"}[on], func(b *testing.B) {
			pcap := ""
			if on {
				pcap = filepath.Join(b.TempDir(), "b.pcapng")
			}
			w, ns1, ns2, closeCap := world(b, pcap)
			defer w.Close()
			defer closeCap()
			l, err := ns2.ListenTCP(netip.MustParseAddrPort("0.0.0.0:5001"))
			if err != nil {
				b.Fatal(err)
			}
			defer l.Close()
			done := make(chan int64, 1)
			go func() {
				c, err := l.Accept()
				if err != nil {
					done <- -1
					return
				}
				h := sha256.New()
				n, _ := io.Copy(h, c)
				c.Close()
				done <- n
			}()
			c, err := ns1.DialTCP(context.Background(), netip.MustParseAddrPort("10.0.0.2:5001"))
			if err != nil {
				b.Fatal(err)
			}
			chunk := make([]byte, 1<<20)
			rand.New(rand.NewSource(1)).Read(chunk)
			b.SetBytes(int64(len(chunk)))
			b.ResetTimer()
			start := time.Now()
			for i := 0; i < b.N; i++ {
				if _, err := c.Write(chunk); err != nil {
					b.Fatal(err)
				}
			}
			c.(interface{ CloseWrite() error }).CloseWrite()
			n := <-done
			el := time.Since(start)
			b.StopTimer()
			c.Close()
			b.ReportMetric(float64(n)*8/el.Seconds()/1e9, "Gbit/s")
		})
	}
}

// slowWriter blocks every write until released.
type slowWriter struct{ release chan struct{} }

func (s slowWriter) Write(p []byte) (int, error) { <-s.release; return len(p), nil }

// TestSinkOffTheDataPath checks that Emit never waits for the file: with a
// writer that blocks, frames queue up to MaxQueued and then are dropped
// and counted; Close writes what is queued.
func TestSinkOffTheDataPath(t *testing.T) {
	release := make(chan struct{})
	// The header waits in the Writer's buffer: nothing blocks yet.
	pw, err := capture.NewWriter(slowWriter{release}, "test")
	if err != nil {
		t.Fatal(err)
	}
	sink := capture.NewSink(pw, nil)
	frame := make([]byte, 1500)
	n := 2*capture.MaxQueued/len(frame) + 10
	for i := 0; i < n; i++ {
		sink.Emit(&trace.Event{Kind: trace.FrameSent, NS: "a", Dev: "eth0", Frame: frame})
	}
	if d := sink.Dropped(); d == 0 || d >= uint64(n) {
		t.Fatalf("dropped %d of %d frames with a blocked writer, want some", d, n)
	}
	close(release)
	sink.Close()
	if err := sink.Err(); err != nil {
		t.Fatal(err)
	}
}
