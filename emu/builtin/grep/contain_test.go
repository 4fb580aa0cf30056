package grep_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nsemu/nsemu/emu/builtin/internal/texttest"
	"github.com/nsemu/nsemu/emu/vfs"
)

// TestRecursiveContained: grep -r / searches the emulated files and the
// shared directory only: a file of the real machine outside it is never
// read, and /etc/shadow does not exist.
func TestRecursiveContained(t *testing.T) {
	outside := t.TempDir()
	shared := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "key"), []byte("PRIVATE-outside\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(shared, "notes"), []byte("PRIVATE-shared\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	sh := texttest.Shell(t, &out, &errb, vfs.HostDir{Path: shared})
	for _, line := range []string{"echo PRIVATE-memory > /tmp/m", "grep -r PRIVATE / | sort", "grep -c PRIVATE " + filepath.Join(outside, "key"), "grep root /etc/shadow"} {
		sh.RunLine(context.Background(), line)
	}
	want := "/" + strings.TrimPrefix(filepath.Join(shared, "notes"), "/") + ":PRIVATE-shared\n/tmp/m:PRIVATE-memory\n"
	if got := out.String(); got != want {
		t.Errorf("stdout %q, want %q", got, want)
	}
	for _, e := range []string{"grep: " + filepath.Join(outside, "key") + ": No such file or directory", "grep: /etc/shadow: No such file or directory"} {
		if !strings.Contains(errb.String(), e) {
			t.Errorf("stderr %q, want %q", errb.String(), e)
		}
	}
}
