package nc_test

import (
	"strings"
	"testing"

	"github.com/nsemu/nsemu/emu/builtin/builtintest"
)

// setupPair is ns1 (10.0.0.1) and ns2 (10.0.0.2) joined by a veth pair
// named eth0 at both ends.
const setupPair = `ip netns add ns1
ip netns add ns2
ip -n ns1 link add eth0 type veth peer name eth0 netns ns2
ip -n ns1 addr add 10.0.0.1/24 dev eth0
ip -n ns2 addr add 10.0.0.2/24 dev eth0
ip -n ns1 link set eth0 up
ip -n ns2 link set eth0 up
`

func TestNc(t *testing.T) {
	cases := []struct {
		name, script string
		want         string
		fail         string
	}{
		{name: "tcp echo to listener", script: "ip netns exec ns2 nc -l 8080 > /dev/stdout &\nsleep 0\nwhile ! ip netns exec ns1 nc -z 10.0.0.2 8080; do sleep 0.01; done\n", want: ""},
		{name: "send text", script: "ip netns exec ns2 sh -c 'nc -l -p 9000' &\nsleep 0.05\necho hello | ip netns exec ns1 nc 10.0.0.2 9000\nwait\n", want: "hello\n"},
		{name: "refused", script: "ip netns exec ns1 nc -z -v 10.0.0.2 81\n", fail: "Connection refused"},
		{name: "unreachable", script: "ip netns exec ns1 nc 192.0.2.1 80\n", fail: "Network is unreachable"},
		{name: "bad port", script: "ip netns exec ns1 nc 10.0.0.2 99999\n", fail: "port number invalid"},
		{name: "udp", script: "ip netns exec ns2 nc -u -l -w 1 5353 &\nsleep 0.05\necho ping | ip netns exec ns1 nc -u -w 1 10.0.0.2 5353\nwait\n", want: "ping\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := builtintest.World(t)
			builtintest.MustRun(t, w, nil, setupPair)
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
