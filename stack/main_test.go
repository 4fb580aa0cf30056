package stack

import (
	"fmt"
	"os"
	"testing"

	"go.uber.org/goleak"
	"gvisor.dev/gvisor/pkg/refs"
)

// TestMain runs the tests with gVisor's reference leak checker (a leaked
// PacketBuffer or buffer chunk panics) and a goroutine leak check. Every
// test closes its stacks and clock and waits for its veth ends' receive
// goroutines (see lab.close).
func TestMain(m *testing.M) {
	refs.SetLeakMode(refs.LeaksPanic)
	code := m.Run()
	// Goroutines first: a receive goroutine that is ending still releases
	// the frames it holds.
	if err := goleak.Find(); err != nil {
		fmt.Fprintf(os.Stderr, "goroutine leak: %v\n", err)
		code = 1
	}
	refs.DoLeakCheck()
	os.Exit(code)
}
