package coreutils_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nsemu/nsemu/emu/builtin/internal/texttest"
)

// TestTailFollowEndsWithRun: tail -f in the background prints what is
// appended, and ends when the script does (issue 9: it never did).
func TestTailFollowEndsWithRun(t *testing.T) {
	var out, errb texttest.SyncBuffer
	sh := texttest.Shell(t, &out, &errb)
	src := "echo a > log\ntail -f log &\nsleep 0.3\necho b >> log\nsleep 0.5\n"
	start := time.Now()
	if err := sh.RunScript(context.Background(), "t.sh", strings.NewReader(src), nil); err != nil {
		t.Fatalf("RunScript: %v\n%s", err, errb.String())
	}
	if d := time.Since(start); d > 4*time.Second {
		t.Errorf("the script took %v: tail -f outlived it", d)
	}
	if got := out.String(); got != "a\nb\n" {
		t.Errorf("tail -f printed %q, want %q", got, "a\nb\n")
	}
}

// TestTailFollowInterrupted: a foreground tail -f returns when the run
// is interrupted (Ctrl-C cancels its context).
func TestTailFollowInterrupted(t *testing.T) {
	var out, errb texttest.SyncBuffer
	sh := texttest.Shell(t, &out, &errb)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		done <- sh.RunScript(ctx, "t.sh", strings.NewReader("echo a > log\ntail -f log\n"), nil)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for out.String() != "a\n" && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "interrupted") {
			t.Errorf("RunScript = %v, want an interrupted run", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("tail -f did not return after the run was cancelled")
	}
}

// TestEmulatedFiles: the tools read and write the emulated file system
// only: /proc and /etc/hosts are the emulated ones, /etc/shadow does not
// exist, and what sort -o, tee and cp write is nowhere on the host.
func TestEmulatedFiles(t *testing.T) {
	host := filepath.Join(os.TempDir(), "nsemu-coreutils-test-"+strings.ReplaceAll(t.Name(), "/", "-"))
	os.Remove(host)
	r := texttest.Run(t, `cut -d: -f1 /etc/shadow
echo b | sort -o `+host+`
echo c | tee `+host+`.tee
cp /etc/hosts `+host+`.cp
cat `+host+` `+host+`.tee `+host+`.cp | head -3
ls /proc/sys/net/ipv4 | grep -c ip_forward
wc -l < /proc/net/dev
`)
	want := "b\nc\n127.0.0.1\tlocalhost\n1\n3\n"
	if !strings.HasPrefix(r.Out, "c\n") || !strings.HasSuffix(r.Out, want) {
		t.Errorf("stdout %q, want \"c\\n\" then %q", r.Out, want)
	}
	if !strings.Contains(r.Err, "cut: /etc/shadow: No such file or directory") {
		t.Errorf("stderr %q, want cut's No such file", r.Err)
	}
	for _, f := range []string{host, host + ".tee", host + ".cp"} {
		if _, err := os.Stat(f); err == nil {
			os.Remove(f)
			t.Errorf("%s was written on the host", f)
		}
	}
}

// TestDateEmulatedClock: date reads the emulator's clock.
func TestDateEmulatedClock(t *testing.T) {
	r := texttest.Run(t, "a=$(date +%s); sleep 3600; b=$(date +%s); echo $((b - a))")
	if r.Out != "3600\n" && r.Out != "3601\n" {
		t.Errorf("an hour's sleep moved date by %q seconds, want 3600", r.Out)
	}
}

// TestReaderGoesAway: when the end of a pipeline has what it wants, the
// commands before it stop (as a real one dies of SIGPIPE) instead of
// producing their whole output for nobody.
func TestReaderGoesAway(t *testing.T) {
	done := make(chan texttest.Result)
	go func() {
		done <- texttest.Run(t, "seq 1 1000000000 | head -2; seq 1 1000000000 | sed p | grep -m1 7; seq 1 1000000000 | cut -c1 | tr 1 x | uniq | head -1")
	}()
	select {
	case r := <-done:
		if r.Out != "1\n2\n7\nx\n" {
			t.Errorf("stdout %q, want 1 2 7 x", r.Out)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("a pipeline went on after its reader left")
	}
}
