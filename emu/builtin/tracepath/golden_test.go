package tracepath_test

import (
	"regexp"
	"testing"

	"github.com/nsemu/nsemu/emu/builtin/builtintest"
)

// msRe is a hop's time, which differs from run to run.
var msRe = regexp.MustCompile(` +\d+\.\d{3}ms `)

// TestGolden compares tracepath's transcript through an emulated router
// (a link of MTU 1400 behind it) with its golden file and the real
// tracepath's (path.real); times are written T.
func TestGolden(t *testing.T) {
	norm := func(s string) string { return msRe.ReplaceAllString(s, " Tms ") }
	builtintest.GoldenReal(t, "path", norm, "run testdata/record.sh as root")
}
