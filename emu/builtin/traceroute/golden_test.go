package traceroute_test

import (
	"regexp"
	"testing"

	"github.com/nsemu/nsemu/emu/builtin/builtintest"
)

// msRe is a probe's round trip time, which differs from run to run.
var msRe = regexp.MustCompile(`  \d+\.\d{3} ms`)

// TestGolden compares traceroute's transcript through an emulated router
// with its golden file and the real traceroute's (routers.real); times
// are written T.
func TestGolden(t *testing.T) {
	norm := func(s string) string { return msRe.ReplaceAllString(s, "  T ms") }
	builtintest.GoldenReal(t, "routers", norm, "run testdata/record.sh as root")
}

// TestGoldenTCP compares traceroute -T's transcript (SYNs to a closed port,
// an open one, through REJECT and DROP) with its golden file and the real
// traceroute's (tcp.real, recorded as root, which -T needs on Linux).
func TestGoldenTCP(t *testing.T) {
	norm := func(s string) string { return msRe.ReplaceAllString(s, "  T ms") }
	builtintest.GoldenReal(t, "tcp", norm, "run testdata/record.sh as root")
}
