package awk_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nsemu/nsemu/emu/builtin/internal/texttest"
)

// TestContained: awk runs no program and touches no file of the host:
// system(), command pipes, print > FILE and getline < FILE are refused
// with a clear error, and nothing is created.
func TestContained(t *testing.T) {
	host := filepath.Join(os.TempDir(), "nsemu-awk-test-z")
	os.Remove(host)
	const (
		noExec  = "awk: system() is not supported in nsemu (it would run a program)"
		noPipe  = `awk: command pipes ("cmd" | getline, print | "cmd") are not supported in nsemu (they would run a program)`
		noWrite = "awk: print > FILE is not supported in nsemu: print to standard output and redirect it (awk ... > FILE)"
		noRead  = "awk: getline < FILE is not supported in nsemu: name the file on the command line"
	)
	for _, c := range []struct{ cmd, err string }{
		{`awk 'BEGIN{system("id")}'`, noExec},
		{`awk 'BEGIN{"id" | getline x; print x}'`, noPipe},
		{`awk 'BEGIN{print "x" | "cat"}'`, noPipe},
		{`echo x | awk '{print > "` + host + `"}'`, noWrite},
		{`echo x | awk '{print >> "` + host + `"}'`, noWrite},
		{`awk 'BEGIN{print "x" > "/dev/stderr"}'`, noWrite},
		{`echo x | awk '{while((getline l < "/etc/shadow") > 0) print l}'`, noRead},
		{`awk 'BEGIN{getline l < "/etc/hostname"; print l}'`, noRead},
		{`awk '{print}' /etc/shadow`, "awk: cannot open /etc/shadow (No such file or directory)"},
	} {
		r := texttest.Run(t, c.cmd)
		if r.Status != 2 || !strings.Contains(r.Err, c.err) || strings.Contains(r.Out, "uid=") {
			t.Errorf("%s: status %d, stdout %q, stderr %q; want status 2 and %q", c.cmd, r.Status, r.Out, r.Err, c.err)
		}
	}
	if _, err := os.Stat(host); err == nil {
		os.Remove(host)
		t.Errorf("awk wrote %s on the host", host)
	}
	r := texttest.Run(t, `awk '{print FILENAME ": " $0}' /etc/hostname; awk 'BEGIN{for (k in ENVIRON) n++; print n+0}'`)
	if r.Out != "/etc/hostname: nsemu\n0\n" {
		t.Errorf("stdout %q, want the emulated /etc/hostname and an empty ENVIRON", r.Out)
	}
}

// TestLoopInterrupted: an endless awk loop ends when the run is
// interrupted.
func TestLoopInterrupted(t *testing.T) {
	var out, errb bytes.Buffer
	sh := texttest.Shell(t, &out, &errb)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	done := make(chan error)
	go func() {
		done <- sh.RunScript(ctx, "t.sh", strings.NewReader("awk 'BEGIN{while (1) n++}'\n"), nil)
	}()
	select {
	case err := <-done:
		if err == nil {
			t.Error("an endless awk loop ended successfully")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("awk did not stop when the run was interrupted")
	}
}
