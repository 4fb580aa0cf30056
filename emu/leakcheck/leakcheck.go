// Package leakcheck is the TestMain of every nsemu package that handles
// packets: it runs the tests with gVisor's PacketBuffer leak checker
// (panicking on a leaked reference) and fails them when goroutines are
// left running. A Go test that embeds nsemu can use it too:
//
//	func TestMain(m *testing.M) { leakcheck.Main(m) }
package leakcheck

import (
	"flag"
	"fmt"
	"os"
	"testing"

	"go.uber.org/goleak"
	"gvisor.dev/gvisor/pkg/refs"
)

// Main runs m with the leak checks and exits. Benchmark runs (-test.bench)
// skip the PacketBuffer checker, whose bookkeeping would be measured.
func Main(m *testing.M) {
	flag.Parse()
	bench := false
	if f := flag.Lookup("test.bench"); f != nil && f.Value.String() != "" {
		bench = true
	}
	if !bench {
		refs.SetLeakMode(refs.LeaksPanic)
	}
	code := m.Run()
	if code == 0 {
		// Goroutines first: a receive loop that is ending still releases
		// the frames it holds.
		if err := goleak.Find(); err != nil {
			fmt.Fprintf(os.Stderr, "goroutine leak: %v\n", err)
			code = 1
		}
	}
	if !bench {
		refs.DoLeakCheck()
	}
	os.Exit(code)
}
