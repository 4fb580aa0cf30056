// Package texttest runs the text tools' tests: scripts in a fresh world
// whose file system shares nothing with the real machine (so a test never
// writes the package's directory), starting in /tmp/work; transcripts of
// scripts compared with what the real GNU tools printed for the same
// lines (NAME.real, recorded by testdata/record.sh beside them).
package texttest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/nsemu/nsemu/emu"
	_ "github.com/nsemu/nsemu/emu/builtin" // every built-in command
	"github.com/nsemu/nsemu/emu/emutest"
	"github.com/nsemu/nsemu/emu/shell"
	"github.com/nsemu/nsemu/emu/vfs"
)

// Dir is where the scripts start, in the emulated file system.
const Dir = "/tmp/work"

// Shell returns a shell on a fresh world with a file system of its own
// (no directory of the real machine but dirs), in Dir. Output goes to out
// and errw.
func Shell(t testing.TB, out, errw io.Writer, dirs ...vfs.HostDir) *shell.Shell {
	t.Helper()
	w := emu.New(emu.Options{})
	t.Cleanup(w.Close)
	sys, err := vfs.New(dirs...)
	if err != nil {
		t.Fatal(err)
	}
	if !vfs.Use(w, sys) {
		t.Fatal("vfs.Use: the new world has a file system already")
	}
	if err := sys.View(w.Host()).MkdirAll(Dir, 0o755); err != nil {
		t.Fatal(err)
	}
	sh := shell.New(w, nil, out, errw)
	sh.Dir = Dir
	return sh
}

// Result is how a script ended.
type Result struct {
	Out, Err string
	Status   int
}

// Run runs src as lines typed at the shell (an error does not stop it)
// and returns the last line's status.
func Run(t testing.TB, src string) Result {
	t.Helper()
	var out, errb bytes.Buffer
	sh := Shell(t, &out, &errb)
	st := 0
	for _, line := range lines(src) {
		st = sh.RunLine(context.Background(), line)
	}
	return Result{Out: out.String(), Err: errb.String(), Status: st}
}

// lines splits a script into its lines, without empty lines and
// comments. A line ending in a backslash goes on on the next.
func lines(src string) []string {
	var out []string
	cont := ""
	for _, l := range strings.Split(src, "\n") {
		if cont == "" && (strings.TrimSpace(l) == "" || strings.HasPrefix(l, "#")) {
			continue
		}
		if strings.HasSuffix(l, "\\") {
			cont += l + "\n"
			continue
		}
		out = append(out, cont+l)
		cont = ""
	}
	return out
}

// Transcript runs src line by line, as Run does, and shows each line
// ("$ LINE"), what it printed on standard output, then on standard
// error, and its status ("[rc=N]"): the shape record.sh writes.
func Transcript(t testing.TB, src string) string {
	t.Helper()
	var out, errb bytes.Buffer
	sh := Shell(t, &out, &errb)
	var b strings.Builder
	for _, line := range lines(src) {
		out.Reset()
		errb.Reset()
		st := sh.RunLine(context.Background(), line)
		fmt.Fprintf(&b, "$ %s\n%s%s[rc=%d]\n", line, out.String(), errb.String(), st)
	}
	return b.String()
}

// Agree runs every testdata/DIR/NAME.sh and compares its transcript with
// NAME.real, what the real tools printed.
func Agree(t *testing.T, dir string) {
	scripts, err := filepath.Glob(filepath.Join("testdata", dir, "*.sh"))
	if err != nil || len(scripts) == 0 {
		t.Fatalf("no scripts in testdata/%s: %v", dir, err)
	}
	for _, path := range scripts {
		if filepath.Base(path) == "record.sh" {
			continue
		}
		name := strings.TrimSuffix(filepath.Base(path), ".sh")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(strings.TrimSuffix(path, ".sh") + ".real")
			if err != nil {
				t.Fatalf("no recording of the real tools (run testdata/record.sh): %v", err)
			}
			if got := Transcript(t, string(src)); got != string(want) {
				t.Errorf("%s differs from the real tools (-real +nsemu):\n%s", path, compact(emutest.Diff(string(want), got)))
			}
		})
	}
}

// compact keeps the changed lines of a diff and the command lines above
// them.
func compact(diff string) string {
	var b strings.Builder
	cmd := ""
	for _, l := range strings.Split(diff, "\n") {
		if strings.HasPrefix(l, " $ ") {
			cmd = l
			continue
		}
		if strings.HasPrefix(l, "-") || strings.HasPrefix(l, "+") {
			if cmd != "" {
				b.WriteString(cmd + "\n")
				cmd = ""
			}
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}

// SyncBuffer is an output buffer a test may read while a shell writes
// it (a background command's output).
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write implements io.Writer.
func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns what was written so far.
func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
