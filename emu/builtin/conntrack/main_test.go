package conntrack_test

import (
	"testing"

	"github.com/nsemu/nsemu/emu/leakcheck"
)

// TestMain runs the tests with the PacketBuffer and goroutine leak checks.
func TestMain(m *testing.M) { leakcheck.Main(m) }
