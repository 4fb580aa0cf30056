package shell_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/nsemu/nsemu/emu/shell"
)

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
			w := pair(t)
			defer w.Close()
			var out, errb bytes.Buffer
			sh := shell.New(w, nil, &out, &errb)
			if _, ok := shell.Lookup("ip"); !ok {
				t.Skip("ip built-in not registered yet")
			}
			err := sh.RunScript(context.Background(), "nc.sh", strings.NewReader(c.script), nil)
			if c.fail != "" {
				if err == nil || !strings.Contains(err.Error(), c.fail) {
					t.Fatalf("error %v, want %q (stderr %s)", err, c.fail, errb.String())
				}
				return
			}
			if err != nil {
				t.Fatalf("%v\nstderr: %s", err, errb.String())
			}
			if c.want != "" && out.String() != c.want {
				t.Fatalf("stdout %q, want %q", out.String(), c.want)
			}
		})
	}
}
