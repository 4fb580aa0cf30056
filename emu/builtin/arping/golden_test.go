package arping_test

import (
	"regexp"
	"testing"

	"github.com/nsemu/nsemu/emu/builtin/builtintest"
)

// msRe is an answer's time, which differs from run to run.
var msRe = regexp.MustCompile(`  \d+\.\d{3}ms\n`)

// TestGolden compares arping's transcript on a veth pair with its golden
// file and the real arping's (basic.real); times are written T.
func TestGolden(t *testing.T) {
	norm := func(s string) string { return msRe.ReplaceAllString(s, "  Tms\n") }
	builtintest.GoldenReal(t, "basic", norm, "run testdata/record.sh as root")
}
