package kmod_test

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/builtin/builtintest"
	"github.com/nsemu/nsemu/emu/emutest"
)

// releaseRe is the module directory in a recording, which names the
// recording machine's kernel release.
var releaseRe = regexp.MustCompile(`/lib/modules/[^ \n]+`)

// TestGolden runs the scripts in testdata line by line, as typed at nsemu
// shell, and compares the transcript with NAME.golden (rewritten by
// -update) and, where testdata/record.sh recorded the real tools,
// with NAME.real.
func TestGolden(t *testing.T) {
	for _, name := range []string{"errors", "modules"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join("testdata", name)
			src, err := os.ReadFile(path + ".sh")
			if err != nil {
				t.Fatal(err)
			}
			got := builtintest.Transcript(t, string(src))
			emutest.Golden(t, path+".golden", got)
			real, err := os.ReadFile(path + ".real")
			if os.IsNotExist(err) {
				t.Logf("%s: no recording: the recording machine's kernel has no loadable modules (see testdata/record.sh)", name)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := releaseRe.ReplaceAllString(string(real), "/lib/modules/"+emu.KernelRelease)
			if got != want {
				t.Errorf("%s: nsemu's transcript differs from the real tools':\n--- nsemu:\n%s--- real:\n%s", name, got, want)
			}
		})
	}
}
