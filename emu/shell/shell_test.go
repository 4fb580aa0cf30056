package shell_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/builtin/builtintest"
	"github.com/nsemu/nsemu/emu/emutest"
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
		{name: "pipe to a text tool", src: "printf 'a\\nb\\nc\\n' | grep b\n", wantOut: "b\n"},
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

// TestAFailingStepIsSummedUpWithItsCause: a command that prints a usage
// text after its error (tc does) names the error as the cause; the run
// prints the text whole and sums the step up with the cause.
func TestAFailingStepIsSummedUpWithItsCause(t *testing.T) {
	_, errs, err := runScript(t, "ip link add va type veth peer name vb\ntc qdisc add dev va root netem bogus\n")
	var se *shell.ScriptError
	if !errors.As(err, &se) || se.Msg != `What is "bogus"?` {
		t.Fatalf("error %v, want the step summed up with its cause", err)
	}
	if !strings.Contains(errs, "What is \"bogus\"?\nUsage: ... netem") || !strings.HasSuffix(errs, "[packets MAX_PACKETS] [bytes MAX_BYTES]]\n") {
		t.Errorf("stderr %q, want the error and the usage whole", errs)
	}
}

// TestRedirectsStayInTheEmulator: redirections to /proc or /sys reach the
// emulated world, never the host's files, and the text tools read the
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

// lines is a shell.LineReader over fixed lines; hook runs before each is
// returned.
type lines struct {
	l    []string
	hook func(i int)
	i    int
}

func (l *lines) Readline() (string, error) {
	if l.i >= len(l.l) {
		return "", io.EOF
	}
	if l.hook != nil {
		l.hook(l.i)
	}
	l.i++
	return l.l[l.i-1], nil
}

func (l *lines) SetPrompt(string) {}

// TestInteractCtrlC interrupts an endless loop typed at the prompt with
// SIGINT: the loop ends, the session and the world go on.
func TestInteractCtrlC(t *testing.T) {
	w := builtintest.World(t)
	var out bytes.Buffer
	sh := shell.New(w, nil, &out, &out)
	lr := &lines{l: []string{
		"ip netns add keep",
		"while true; do sleep 1; done",
		"ip netns list; echo alive",
	}}
	lr.hook = func(i int) {
		if i != 1 {
			return
		}
		go func() {
			// The loop is running once the clock has moved.
			start := w.Clock().Now()
			emutest.WaitFor(t, "the loop to run", func() bool { return w.Clock().Now().Sub(start) >= 2*time.Second })
			syscall.Kill(os.Getpid(), syscall.SIGINT)
		}()
	}
	done := make(chan error, 1)
	go func() { done <- sh.Interact(context.Background(), lr) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Interact: %v", err)
		}
	case <-time.After(emutest.Deadline):
		t.Fatal("Ctrl-C did not end the loop")
	}
	if !strings.Contains(out.String(), "keep\nalive\n") {
		t.Errorf("after Ctrl-C the session lost its world or ended:\n%s", out.String())
	}
	if strings.Contains(out.String(), "context canceled") {
		t.Errorf("Ctrl-C printed an internal error:\n%s", out.String())
	}
}

// TestErrorCause checks that a failed step's error line carries the cause
// in the tool's words, not the hint printed after it.
func TestErrorCause(t *testing.T) {
	for src, want := range map[string]string{
		"iptables -t nat -A POSTROUTING -s 10.0.0.0/24 -j MASQ\n": "Couldn't load target `MASQ'",
		"sysctl -n\n":                 "sysctl: no variables specified",
		"docker run --frob busybox\n": "unknown flag: --frob",
	} {
		_, stderr, err := builtintest.Script(t, src)
		var se *shell.ScriptError
		if !errors.As(err, &se) || !strings.Contains(se.Msg, want) {
			t.Errorf("%s: error %v, want the cause %q", strings.TrimSpace(src), err, want)
		}
		if strings.Contains(se.Msg, "Try ") || strings.Contains(se.Msg, "See '") {
			t.Errorf("%s: the error line is a hint: %q (stderr %q)", strings.TrimSpace(src), se.Msg, stderr)
		}
	}
}

// TestHelpAndSudo checks help's grouped list, a tool nsemu does not have,
// and sudo in front of a tutorial's line.
func TestHelpAndSudo(t *testing.T) {
	out, _, err := builtintest.Script(t, "help\n")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"iproute2:\n", "  ip  ", "netfilter:\n", "  iptables ", "Docker:\n", "  ping "} {
		if !strings.Contains(out, want) {
			t.Errorf("help lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "nsemu-") {
		t.Errorf("help lists an internal command:\n%s", out)
	}
	_, _, err = builtintest.Script(t, "iw dev\n")
	var se *shell.ScriptError
	if !errors.As(err, &se) || se.Msg != "nsemu: iw: not emulated" || se.Status != 127 {
		t.Errorf("iw: %v, want status 127 nsemu: iw: not emulated", err)
	}
	out, _, err = builtintest.Script(t, "sudo ip netns add red\nsudo -E ip netns list\n")
	if err != nil || out != "red\n" {
		t.Errorf("sudo: %q, %v", out, err)
	}
}

// TestComplete checks completion by context.
func TestComplete(t *testing.T) {
	w := builtintest.World(t)
	builtintest.MustRun(t, w, nil, "ip netns add nsa\nip netns add nsb\nip link add br0 type bridge\nip link add veth0 type veth peer name eth0 netns nsa\n")
	c := &shell.Completer{Sh: shell.New(w, nil, io.Discard, io.Discard)}
	do := func(line string) []string {
		got, _ := c.Do([]rune(line), len([]rune(line)))
		var out []string
		for _, g := range got {
			out = append(out, strings.TrimSpace(line[strings.LastIndex(line, " ")+1:]+string(g)))
		}
		return out
	}
	for line, want := range map[string][]string{
		"ip netns exec n":                 {"nsa", "nsb"},
		"ip netns exec nsa ip l":          {"link"},
		"ip netns exec nsa ip link set e": {"eth0"},
		"ip link set veth0 master ":       {"br0"},
		"ip link set veth0 netns ns":      {"nsa", "nsb"},
		"pi":                              {"ping"},
	} {
		if got := do(line); !slices.Equal(got, want) {
			t.Errorf("complete %q = %q, want %q", line, got, want)
		}
	}
}

// TestShArgs checks sh -c TEXT ARGV0 ARGS... (xargs sh -c relies on it).
func TestShArgs(t *testing.T) {
	out, _, err := builtintest.Script(t, "sh -c 'echo $0 $1-$2' zero one two\necho a b | xargs sh -c 'echo [$0] [$1]'\n")
	if err != nil || out != "zero one-two\n[a] [b]\n" {
		t.Fatalf("got %q, %v", out, err)
	}
}

// TestJobs checks job control: jobs lists, kill %N ends a job (wait says
// 143), a failed job is reported with its line in a script, and typed
// lines announce a job with [N] PID and its end before the next prompt.
func TestJobs(t *testing.T) {
	out, stderr, err := builtintest.Script(t, "sleep 3 &\nsleep 1 &\njobs\nkill %1\nwait %1 || echo killed $?\nfalse &\nsleep 0.5\necho end\n")
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	want := "[1]-  Running                 sleep 3 &\n[2]+  Running                 sleep 1 &\nkilled 143\nend\n"
	if out != want {
		t.Errorf("stdout %q, want %q", out, want)
	}
	if !strings.Contains(stderr, "test.sh:6: background job [") || !strings.Contains(stderr, "Exit 1                  false") {
		t.Errorf("the failed job is not reported: %q", stderr)
	}
	if strings.Contains(stderr, "Terminated") {
		t.Errorf("a job the script killed is reported as failed: %q", stderr)
	}
	tr := builtintest.Transcript(t, "sleep 1 &\nsleep 2\necho next\n")
	for _, w := range []string{"[1] 4001\n", "[1]+  Done                    sleep 1\n"} {
		if !strings.Contains(tr, w) {
			t.Errorf("transcript lacks %q:\n%s", w, tr)
		}
	}
}

// TestNulArgument checks that a $'...' word making a NUL byte is an error
// naming its line, not an argument cut short, and that other escapes work.
func TestNulArgument(t *testing.T) {
	for src, bad := range map[string]bool{
		`echo $'a\0b'`: true, `echo $'a\x00b'`: true, `echo $'\u0000'`: true, `echo $'a\c@'`: true,
		`echo $'a\\0b'`: false, `echo $'a\x41b'`: false, `echo $'\101\n'`: false,
	} {
		_, _, err := builtintest.Script(t, "true\n"+src+"\n")
		var se *shell.ScriptError
		switch {
		case bad && (!errors.As(err, &se) || se.Line != 2 || !strings.Contains(se.Msg, "NUL byte")):
			t.Errorf("%s: error %v, want a NUL byte error on line 2", src, err)
		case !bad && err != nil:
			t.Errorf("%s: %v", src, err)
		}
	}
}
