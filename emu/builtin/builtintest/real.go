package builtintest

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/nsemu/nsemu/emu/emutest"
)

var jobLineRe = regexp.MustCompile(`(?m)^\[\d+\]([+-]? +(Done|Terminated|Exit \d+) .*| \d+)\n`)

// GoldenReal runs testdata/NAME.sh line by line (Transcript) and compares
// the transcript with testdata/NAME.golden (rewritten by -update) and, when
// it exists, with testdata/NAME.real, what the real tools printed for the
// same lines (recorded by the package's testdata/record.sh). norm, when not
// nil, rewrites in both what differs between runs and machines (dates, a
// kernel release) the same way. Without a recording, why says why, in the
// log.
func GoldenReal(t *testing.T, name string, norm func(string) string, why string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	src, err := os.ReadFile(path + ".sh")
	if err != nil {
		t.Fatal(err)
	}
	got := Transcript(t, string(src))
	if norm != nil {
		got = norm(got)
	}
	emutest.Golden(t, path+".golden", got)
	real, err := os.ReadFile(path + ".real")
	if os.IsNotExist(err) {
		t.Logf("%s: no recording of the real tools: %s", name, why)
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	want := string(real)
	if norm != nil {
		want = norm(want)
	}
	// nsemu shell announces a background job ("[1] 4001") and its end
	// ("[1]+  Done ...", also for a job of a `bash -c` line) as an
	// interactive bash does; the recording's bash -c does not.
	got = jobLineRe.ReplaceAllString(got, "")
	if got != want {
		t.Errorf("%s: nsemu's transcript differs from the real tools':\n--- nsemu:\n%s--- real:\n%s", name, got, want)
	}
}
