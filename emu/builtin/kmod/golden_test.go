package kmod_test

import (
	"regexp"
	"testing"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/builtin/builtintest"
)

// releaseRe is the module directory in a recording, which names the
// recording machine's kernel release.
var releaseRe = regexp.MustCompile(`/lib/modules/[^ \n]+`)

// TestGolden compares the transcripts of testdata's scripts with their
// golden files and with the real modprobe's and lsmod's (errors.real).
func TestGolden(t *testing.T) {
	norm := func(s string) string { return releaseRe.ReplaceAllString(s, "/lib/modules/"+emu.KernelRelease) }
	for _, name := range []string{"errors", "modules"} {
		t.Run(name, func(t *testing.T) {
			builtintest.GoldenReal(t, name, norm, "the recording machine's kernel has no loadable modules (see testdata/record.sh)")
		})
	}
}
