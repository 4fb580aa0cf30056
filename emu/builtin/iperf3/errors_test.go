package iperf3_test

import (
	"strings"
	"testing"

	"github.com/nsemu/nsemu/emu/builtin/builtintest"
)

// TestErrors: bad input in iperf3 3.12's words and exit status.
func TestErrors(t *testing.T) {
	builtintest.RunCases(t, []builtintest.Case{
		{Name: "no role", Cmd: "iperf3", Err: "iperf3: parameter error - must either be a client (-c) or server (-s)", Status: 1,
			Stderr: "\n\nUsage: iperf3 [-s|-c host] [options]\n"},
		{Name: "bad option", Cmd: "iperf3 -x", Err: "iperf3: invalid option -- 'x'", Status: 1, Stderr: "'x'\nUsage: iperf3"},
		{Name: "both", Cmd: "iperf3 -s -c 10.0.0.2", Err: "iperf3: parameter error - cannot be both server and client", Status: 1},
		{Name: "port", Cmd: "iperf3 -s -p 0", Err: "iperf3: parameter error - port number must be between 1 and 65535 inclusive", Status: 1},
		{Name: "udp len", Cmd: "iperf3 -c 10.0.0.2 -u -l 70000", Err: "iperf3: parameter error - block size invalid (minimum = 16 bytes, maximum = 65507 bytes)", Status: 1},
		{Name: "not emulated", Cmd: "iperf3 -c 10.0.0.2 --bidir", Err: "nsemu: iperf3 --bidir: not emulated", Status: 1},
		{Name: "help", Cmd: "iperf3 -h", OutRe: `^Usage: iperf3 \[-s\|-c host\] \[options\]\n`},
		{Name: "version", Cmd: "iperf3 -v", Out: "iperf 3.12 (cJSON 1.7.15)\n"},
	})
}

// TestConnectErrors: a failed connection prints only iperf3's error.
func TestConnectErrors(t *testing.T) {
	for _, c := range []struct{ cmd, msg string }{
		{"iperf3 -c 10.0.0.2 -t 1", "iperf3: error - unable to connect to server: Connection refused"},
		{"iperf3 -c 192.0.2.1", "iperf3: error - unable to connect to server: Network is unreachable"},
	} {
		w := builtintest.World(t)
		builtintest.MustRun(t, w, nil, builtintest.SetupPair)
		r := builtintest.Run(t, w, nil, c.cmd+"\n")
		if r.ScriptErr == nil || r.ScriptErr.Msg != c.msg || r.Status != 1 || r.Out != "" {
			t.Errorf("%s: %v (status %d), stdout %q; want %q, status 1, no output", c.cmd, r.ScriptErr, r.Status, r.Out, c.msg)
		}
	}
}

// TestBusyServer: while a server runs a test, another client is told
// ACCESS_DENIED, as iperf3 says it; the first test completes.
func TestBusyServer(t *testing.T) {
	w := builtintest.World(t)
	builtintest.MustRun(t, w, nil, builtintest.SetupPair)
	out := builtintest.MustRun(t, w, nil, `ip netns exec ns1 iperf3 -s -1 > /dev/null &
sleep 0.1
iperf3 -c 10.0.0.2 -u -b 100k -t 5 > /tmp/first.txt &
sleep 1
! iperf3 -c 10.0.0.2 -t 1 2> /tmp/err.txt
echo status $?
wait
cat /tmp/err.txt /tmp/first.txt
`)
	if !strings.Contains(out, "iperf3: error - the server is busy running a test. try again later\n") {
		t.Errorf("the second client was not told the server is busy:\n%s", out)
	}
	if !strings.HasSuffix(out, "iperf Done.\n") {
		t.Errorf("the first test did not complete:\n%s", out)
	}
}

// TestDaemon: -D returns at once and serves test after test until the
// world ends; the output goes nowhere.
func TestDaemon(t *testing.T) {
	w := builtintest.World(t)
	builtintest.MustRun(t, w, nil, builtintest.SetupPair)
	out := builtintest.MustRun(t, w, nil, `ip netns exec ns1 iperf3 -s -D
iperf3 -c 10.0.0.2 -n 1M
iperf3 -c 10.0.0.2 -u -t 1 -R
`)
	if strings.Count(out, "iperf Done.\n") != 2 || strings.Contains(out, "Server listening") {
		t.Errorf("two tests against the daemon:\n%s", out)
	}
	r := builtintest.Run(t, w, nil, "ip netns exec ns1 iperf3 -s -1\n")
	if r.ScriptErr == nil || r.ScriptErr.Msg != "iperf3: error - unable to start listener for connections: Address already in use" {
		t.Errorf("a second server on the daemon's port: %v", r.ScriptErr)
	}
}
