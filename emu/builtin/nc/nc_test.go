package nc_test

import (
	"strings"
	"testing"

	"github.com/nsemu/nsemu/emu/builtin/builtintest"
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
		{name: "unreachable", script: "nc 192.0.2.1 80\n", fail: "Network is unreachable"},
		{name: "bad port", script: "nc 10.0.0.2 99999\n", fail: "port number invalid"},
		{name: "udp", script: "ip netns exec ns1 nc -u -l -w 1 5353 &\nsleep 0.05\necho ping | nc -u -w 1 10.0.0.2 5353\nwait\n", want: "ping\n"},
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
