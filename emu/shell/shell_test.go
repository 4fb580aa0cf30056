package shell_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/shell"
)

func runScript(t *testing.T, src string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	w := emu.New(emu.Options{})
	defer w.Close()
	var out, errb bytes.Buffer
	sh := shell.New(w, nil, &out, &errb)
	err = sh.RunScript(context.Background(), "test.sh", strings.NewReader(src), args)
	return out.String(), errb.String(), err
}

func TestScriptBasics(t *testing.T) {
	cases := []struct {
		name, src  string
		args       []string
		wantOut    string
		wantErr    string // substring of the ScriptError; "" means success
		wantStderr string
	}{
		{name: "echo and vars", src: "x=hello\necho $x $1\n", args: []string{"world"}, wantOut: "hello world\n"},
		{name: "unknown command", src: "echo a\nfrobnicate --now\necho b\n", wantOut: "a\n", wantErr: "test.sh:2: frobnicate --now: nsemu: frobnicate: command not found"},
		{name: "negated failure is fine", src: "! false\necho ok\n", wantOut: "ok\n"},
		{name: "negated success fails", src: "! true\necho no\n", wantErr: "test.sh:1: ! true: succeeded, but the script asserts"},
		{name: "if conditions may fail", src: "if false; then echo a; else echo b; fi\n", wantOut: "b\n"},
		{name: "loop body failure stops", src: "for i in 1 2; do\n  echo $i\n  nosuch\ndone\necho after\n", wantOut: "1\n", wantErr: "test.sh:3: nosuch"},
		{name: "syntax error", src: "if then fi\n", wantErr: "test.sh:1: syntax error"},
		{name: "pipe to host filter", src: "printf 'a\\nb\\nc\\n' | grep b\n", wantOut: "b\n"},
		{name: "host program refused", src: "curlx http://example\n", wantErr: "command not found"},
		{name: "sh -c", src: "sh -c 'echo in; false' || echo caught\n", wantOut: "in\ncaught\n"},
		{name: "sleep is instant", src: "sleep 30\necho woke\n", wantOut: "woke\n"},
		{name: "sleep bad", src: "sleep abc\n", wantErr: "invalid time interval"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, _, err := runScript(t, c.src, c.args...)
			if out != c.wantOut {
				t.Errorf("stdout %q, want %q", out, c.wantOut)
			}
			if c.wantErr == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			var se *shell.ScriptError
			if !errors.As(err, &se) {
				t.Fatalf("error %v (%T), want a ScriptError containing %q", err, err, c.wantErr)
			}
			if !strings.Contains(se.Error(), c.wantErr) {
				t.Fatalf("error %q, want it to contain %q", se.Error(), c.wantErr)
			}
		})
	}
}

func TestFailingCommandStderrFollowsRedirects(t *testing.T) {
	cases := []struct {
		src, wantOut, notStderr string
	}{
		{src: "ip link show nosuch 2>/dev/null || echo missing\n", wantOut: "missing\n", notStderr: "nosuch"},
		{src: "ip link show nosuch 2>&1 | grep -c 'does not exist'\n", wantOut: "1\n", notStderr: "nosuch"},
	}
	for _, c := range cases {
		out, errs, err := runScript(t, c.src)
		if err != nil {
			t.Fatalf("%q: %v", c.src, err)
		}
		if out != c.wantOut || strings.Contains(errs, c.notStderr) {
			t.Errorf("%q: stdout %q stderr %q", c.src, out, errs)
		}
	}
}

// TestRedirectsStayInTheEmulator: redirections to /proc or /sys reach the
// emulated world, never the host's files, and host filters read the
// emulated files too.
func TestRedirectsStayInTheEmulator(t *testing.T) {
	before, _ := os.ReadFile("/proc/sys/net/ipv4/ip_forward")
	out, errs, err := runScript(t, "echo 1 > /proc/sys/net/ipv4/ip_forward\nsysctl net.ipv4.ip_forward\ngrep -c 1 /proc/sys/net/ipv4/ip_forward\n! cat /var/log/nosuch.log\n")
	if err != nil {
		t.Fatalf("%v\n%s", err, errs)
	}
	if out != "net.ipv4.ip_forward = 1\n1\n" {
		t.Errorf("stdout %q", out)
	}
	after, _ := os.ReadFile("/proc/sys/net/ipv4/ip_forward")
	if string(before) != string(after) {
		t.Fatalf("the host's ip_forward changed from %q to %q", before, after)
	}
}

func TestNegatedPipelines(t *testing.T) {
	for _, c := range []struct {
		src, wantOut, wantErr string
	}{
		{src: "! false | grep -q x\necho ok\n", wantOut: "ok\n"},
		{src: "! echo a | grep -q a\necho no\n", wantErr: "test.sh:1: ! echo a | grep -q a: succeeded, but the script asserts"},
		{src: "! ip link show nosuch\necho ok\n", wantOut: "ok\n"},
	} {
		out, _, err := runScript(t, c.src, "x")
		if out != c.wantOut {
			t.Errorf("%q: stdout %q, want %q", c.src, out, c.wantOut)
		}
		if (err == nil) != (c.wantErr == "") || (err != nil && !strings.Contains(err.Error(), c.wantErr)) {
			t.Errorf("%q: error %v, want %q", c.src, err, c.wantErr)
		}
	}
}
