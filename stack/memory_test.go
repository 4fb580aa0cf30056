package stack

import (
	"fmt"
	"runtime"
	"sync"
	"testing"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
)

// TestRuntimeRandSource checks the stacks' insecure random source: safe for
// concurrent use (run with -race), Int63 non-negative, not constant.
func TestRuntimeRandSource(t *testing.T) {
	var src runtimeRandSource
	var wg sync.WaitGroup
	seen := make([]map[int64]bool, 8)
	for g := range seen {
		seen[g] = map[int64]bool{}
		wg.Add(1)
		go func(m map[int64]bool) {
			defer wg.Done()
			for i := 0; i < 1000; i++ {
				v := src.Int63()
				if v < 0 {
					t.Errorf("Int63() = %d, want >= 0", v)
					return
				}
				m[v] = true
			}
		}(seen[g])
	}
	wg.Wait()
	for g, m := range seen {
		if len(m) < 990 {
			t.Errorf("goroutine %d: %d distinct values in 1000 draws", g, len(m))
		}
	}
}

// TestStacksShareIPv4Protocol checks that stacks made around the shared IPv4
// factory keep their own protocol state: a TTL set in one is not seen by
// another.
func TestStacksShareIPv4Protocol(t *testing.T) {
	clk := tcpip.NewStdClock()
	a, err := New(Config{Name: "a", Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := New(Config{Name: "b", Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ttl := tcpip.DefaultTTLOption(7)
	if err := a.Gstack().SetNetworkProtocolOption(ipv4.ProtocolNumber, &ttl); err != nil {
		t.Fatalf("setting TTL in a: %s", err)
	}
	var got tcpip.DefaultTTLOption
	if err := b.Gstack().NetworkProtocolOption(ipv4.ProtocolNumber, &got); err != nil {
		t.Fatalf("reading TTL in b: %s", err)
	}
	if got != 64 {
		t.Errorf("b's default TTL = %d, want 64 (a's change leaked)", got)
	}
}

// BenchmarkNewStack reports the heap and goroutines that one idle stack
// (loopback only) costs. gVisor's TCP starts one processor goroutine per
// GOMAXPROCS in every stack, so the figures grow with the machine.
func BenchmarkNewStack(b *testing.B) {
	for _, n := range []int{1000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			clk := tcpip.NewStdClock()
			for i := 0; i < b.N; i++ {
				runtime.GC()
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				g0 := runtime.NumGoroutine()
				sts := make([]*Stack, n)
				for j := range sts {
					st, err := New(Config{Name: fmt.Sprintf("ns%d", j), Clock: clk})
					if err != nil {
						b.Fatal(err)
					}
					sts[j] = st
				}
				runtime.GC()
				runtime.ReadMemStats(&after)
				g1 := runtime.NumGoroutine()
				for _, st := range sts {
					st.Close()
				}
				b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(n)/1024, "KiB/stack")
				b.ReportMetric(float64(g1-g0)/float64(n), "goroutines/stack")
			}
		})
	}
}
