package nc_test

import (
	"bytes"
	"context"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nsemu/nsemu/emu/builtin/builtintest"
	"github.com/nsemu/nsemu/emu/emutest"
	"github.com/nsemu/nsemu/emu/shell"
)

// TestNc connects from the host (10.0.0.1) to ns1 (10.0.0.2) of
// builtintest.SetupPair.
func TestNc(t *testing.T) {
	cases := []struct {
		name, script string
		want         string
		fail         string
	}{
		{name: "tcp echo to listener", script: "ip netns exec ns1 nc -l 8080 > /dev/stdout &\nsleep 0\nwhile ! nc -z 10.0.0.2 8080; do sleep 0.01; done\n", want: ""},
		{name: "send text", script: "ip netns exec ns1 sh -c 'nc -l -p 9000' &\nsleep 0.05\necho hello | nc 10.0.0.2 9000\nwait\n", want: "hello\n"},
		{name: "refused", script: "nc -z -v 10.0.0.2 81\n", fail: "Connection refused"},
		{name: "unreachable", script: "nc -v 192.0.2.1 80\n", fail: "Network is unreachable"},
		{name: "refused, silent", script: "! nc 10.0.0.2 81 2>&1 | grep .\n", want: ""},
		{name: "bad port", script: "nc 10.0.0.2 99999\n", fail: "nc: port number too large: 99999"},
		{name: "keep listening", script: "ip netns exec ns1 nc -lk 7000 > /tmp/k.out &\nwhile ! echo one | nc 10.0.0.2 7000; do sleep 0.01; done\necho two | nc 10.0.0.2 7000\nwhile ! grep -q two /tmp/k.out; do sleep 0.01; done\nkill %1\ncat /tmp/k.out\n", want: "one\ntwo\n"},
		{name: "crlf", script: "ip netns exec ns1 nc -l 7001 > /tmp/c.out &\nwhile ! printf 'a\\nb\\n' | nc -C 10.0.0.2 7001; do sleep 0.01; done\nwait\ntr '\\r' R < /tmp/c.out\n", want: "aR\nbR\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := builtintest.World(t)
			builtintest.MustRun(t, w, nil, builtintest.SetupPair)
			r := builtintest.Run(t, w, nil, c.script)
			if c.fail != "" {
				if r.ScriptErr == nil || !strings.Contains(r.ScriptErr.Error(), c.fail) {
					t.Fatalf("error %v, want %q (stderr %s)", r.ScriptErr, c.fail, r.Err)
				}
				return
			}
			if r.ScriptErr != nil {
				t.Fatalf("%v\nstderr: %s", r.ScriptErr, r.Err)
			}
			if c.want != "" && r.Out != c.want {
				t.Fatalf("stdout %q, want %q", r.Out, c.want)
			}
		})
	}
}

// TestNcListenEndsOnPeerClose runs `nc -l` with a standard input that never
// ends (a terminal): when the peer has sent its line and closed, nc ends,
// as OpenBSD nc does; it used to wait for its standard input forever.
func TestNcListenEndsOnPeerClose(t *testing.T) {
	w := builtintest.World(t)
	builtintest.MustRun(t, w, nil, builtintest.SetupPair)
	ns1, _ := w.Namespace("ns1")
	stdin, keepOpen := io.Pipe()
	defer keepOpen.Close()
	var out bytes.Buffer
	sh := shell.New(w, stdin, &out, &out)
	sh.NS = ns1
	done := make(chan error, 1)
	go func() {
		done <- sh.RunScript(context.Background(), "listen.sh", strings.NewReader("nc -l 5000\n"), nil)
	}()
	builtintest.MustRun(t, w, nil, "while ! echo hello | nc 10.0.0.2 5000; do sleep 0.05; done\n")
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("nc -l: %v\n%s", err, out.String())
		}
	case <-time.After(emutest.Deadline):
		t.Fatal("nc -l did not end when its peer closed (its standard input is still open)")
	}
	if !strings.Contains(out.String(), "hello") {
		t.Errorf("nc -l printed %q, want hello", out.String())
	}
}

// TestNcListenAgain listens on one port again and again: nc sets
// SO_REUSEADDR, so the last connection's TIME-WAIT does not keep the port.
func TestNcListenAgain(t *testing.T) {
	w := builtintest.World(t)
	builtintest.MustRun(t, w, nil, builtintest.SetupPair)
	builtintest.MustRun(t, w, nil, `for i in 1 2 3 4 5 6 7 8 9 10; do
  ip netns exec ns1 nc -l 5001 > /dev/null &
  while ! echo x | nc 10.0.0.2 5001; do sleep 0.01; done
  wait
done
`)
}

// TestNcQuit: with -q 5, a client whose peer never closes ends 5 seconds
// (emulated) after its standard input has; without, it would wait for the
// peer, whose standard input stays open for 1000 s.
func TestNcQuit(t *testing.T) {
	w := builtintest.World(t)
	builtintest.MustRun(t, w, nil, builtintest.SetupPair)
	out := builtintest.MustRun(t, w, nil, `sleep 1000 | ip netns exec ns1 nc -l 7002 > /dev/null &
a=$(date +%s%N)
until echo hi | nc -q 5 10.0.0.2 7002; do sleep 0.01; done
b=$(date +%s%N)
echo $(( (b - a) / 1000000 ))
kill %1
`)
	ms, err := strconv.Atoi(strings.TrimSpace(out))
	if err != nil || ms < 5000 || ms > 10000 {
		t.Errorf("nc -q 5 ended after %q ms, want 5000 and a little more", out)
	}
}
