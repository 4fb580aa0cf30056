package docker

import (
	"testing"

	"github.com/nsemu/nsemu/emu/leakcheck"
)

// TestMain runs the tests with the PacketBuffer and goroutine leak checks:
// containers' programs, proxies and DNS servers must all stop with their
// container or their world.
func TestMain(m *testing.M) { leakcheck.Main(m) }
