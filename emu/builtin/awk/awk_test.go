package awk_test

import (
	"testing"

	"github.com/nsemu/nsemu/emu/builtin/builtintest"
	"github.com/nsemu/nsemu/emu/builtin/internal/texttest"
)

// TestAgree compares awk with mawk 1.3.4, Debian's awk, on the lines of
// testdata/awk.sh (recorded in awk.real by testdata/record.sh).
func TestAgree(t *testing.T) { texttest.Agree(t, ".") }

// TestPipelines runs the pipelines tutorials use on the emulated
// network: the text tools read what ip, ping and friends print.
func TestPipelines(t *testing.T) {
	w := builtintest.World(t)
	builtintest.MustRun(t, w, nil, builtintest.SetupPair+"ip route add default via 10.0.0.2\n")
	for _, c := range []struct{ src, want string }{
		{"ip route | grep default | awk '{print $3}'", "10.0.0.2\n"},
		{"ip -o link | awk -F': ' '{print $2}' | sort | head -2", "lo\nveth0@if2\n"},
		{"ip -4 addr show veth0 | grep -o 'inet [0-9.]*' | cut -d' ' -f2", "10.0.0.1\n"},
		{"ip netns exec ns1 ip -o -4 addr show eth0 | wc -l", "1\n"},
		{"ip link | sed -n 's/^[0-9]*: \\([^:@]*\\).*/\\1/p' | xargs echo", "lo veth0\n"},
		{"ping -c 2 10.0.0.2 | tail -n 1 | cut -d/ -f1 | awk '{print $1}'", "rtt\n"},
		{"cat /proc/net/route | awk 'NR > 1 {print $1}' | sort -u | tr '\\n' ' '", "veth0 "},
	} {
		if got := builtintest.MustRun(t, w, nil, c.src); got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.src, got, c.want)
		}
	}
}
