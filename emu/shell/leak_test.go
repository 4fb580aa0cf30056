package shell_test

import (
	"testing"

	_ "github.com/nsemu/nsemu/emu/builtin" // every built-in command

	"github.com/nsemu/nsemu/emu/leakcheck"
)

// TestMain runs the tests with the PacketBuffer and goroutine leak checks.
func TestMain(m *testing.M) { leakcheck.Main(m) }
