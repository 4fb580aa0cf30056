package main

import (
	"os"
	"testing"

	"github.com/nsemu/nsemu/emu/leakcheck"
)

// asNsemu, in the environment, makes the test binary be nsemu itself: the
// uplink tests run it as another user, in network namespaces of their own.
const asNsemu = "NSEMU_TEST_BINARY_IS_NSEMU"

// TestMain runs the tests with the PacketBuffer and goroutine leak checks.
func TestMain(m *testing.M) {
	if os.Getenv(asNsemu) == "1" {
		os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	leakcheck.Main(m)
}
