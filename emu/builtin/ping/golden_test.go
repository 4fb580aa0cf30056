package ping_test

import (
	"regexp"
	"testing"

	"github.com/nsemu/nsemu/emu/builtin/builtintest"
)

// bbTimeRe is a round trip time in busybox's lines, which differs from run
// to run.
var bbTimeRe = regexp.MustCompile(`\d+\.\d{3}( ms|/)`)

// TestBusyboxGolden compares busybox ping's transcript with its golden
// file and the real busybox's (busybox.real); times are written T.
func TestBusyboxGolden(t *testing.T) {
	norm := func(s string) string { return bbTimeRe.ReplaceAllString(s, "T$1") }
	builtintest.GoldenReal(t, "busybox", norm, "run testdata/record.sh as root")
}
