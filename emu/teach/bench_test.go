package teach

import (
	"context"
	"io"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/shell"
	"github.com/nsemu/nsemu/stack"
)

// BenchmarkNarratedPing measures an ICMP echo round trip between two
// namespaces on a bridge, as emu's BenchmarkPing does, with and without a
// narrator attached (writing to io.Discard): the cost narration adds to
// the data path (copying events into its queue) and to the machine (its
// goroutine ordering and decoding them).
func BenchmarkNarratedPing(b *testing.B) {
	for _, narrated := range []bool{false, true} {
		b.Run(map[bool]string{false: "quiet", true: "narrated"}[narrated], func(b *testing.B) {
			w := emu.New(emu.Options{Realtime: true})
			defer w.Close()
			setup := twoOnABridge[:strings.Index(twoOnABridge, "ip netns exec ns1 ping")]
			if err := shell.New(w, nil, io.Discard, io.Discard).RunScript(context.Background(), "setup.sh", strings.NewReader(setup), nil); err != nil {
				b.Fatal(err)
			}
			if narrated {
				cats, _ := ParseCategories("")
				n := NewWorldNarrator(w, io.Discard, cats)
				detach := w.Bus().Attach(n)
				defer func() { detach(); n.Close() }()
			}
			ns1, err := w.Namespace("ns1")
			if err != nil {
				b.Fatal(err)
			}
			p, err := ns1.Stack().NewPinger(netip.MustParseAddr("10.0.0.2"), stack.PingOptions{Timeout: 5 * time.Second})
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
		})
	}
}
