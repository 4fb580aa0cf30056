package netfilter

import (
	"sync"
	"testing"

	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	gstack "gvisor.dev/gvisor/pkg/tcpip/stack"

	"github.com/nsemu/nsemu/emu/leakcheck"
	"github.com/nsemu/nsemu/emu/trace"
)

// TestMain runs the tests with the PacketBuffer and goroutine leak checks.
func TestMain(m *testing.M) { leakcheck.Main(m) }

// testHost is a Host that keeps what it is given.
type testHost struct {
	mu     sync.Mutex
	log    []string
	events []trace.Event
}

func (h *testHost) KernelLog(line string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.log = append(h.log, line)
}

func (h *testHost) Tracing() bool { return true }

func (h *testHost) Emit(ev trace.Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.events = append(h.events, ev)
}

func (h *testHost) lines() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.log...)
}

// newTables returns the tables of a bare gVisor stack (IPv4 only), closed
// when the test ends; host nil is a fresh testHost.
func newTables(t *testing.T, host Host, hooks Hooks) *Tables {
	t.Helper()
	s := gstack.New(gstack.Options{NetworkProtocols: []gstack.NetworkProtocolFactory{ipv4.NewProtocol}})
	t.Cleanup(func() {
		s.Close()
		s.Wait()
		s.Destroy()
	})
	if host == nil {
		host = &testHost{}
	}
	return New(s, host, hooks)
}
