package tracepath_test

import (
	"strings"
	"testing"

	"github.com/nsemu/nsemu/emu/builtin/builtintest"
)

// routed is a -- r -- b, the r--b link with MTU 1400.
const routed = `ip netns add a
ip netns add r
ip netns add b
ip link add a0 netns a type veth peer name r0 netns r
ip link add b0 netns b mtu 1400 type veth peer name r1 netns r mtu 1400
ip -n a addr add 10.0.1.2/24 dev a0
ip -n r addr add 10.0.1.1/24 dev r0
ip -n r addr add 10.0.2.1/24 dev r1
ip -n b addr add 10.0.2.2/24 dev b0
ip -n a link set a0 up
ip -n r link set r0 up
ip -n r link set r1 up
ip -n b link set b0 up
ip -n a route add default via 10.0.1.1
ip -n b route add default via 10.0.2.1
ip netns exec r sysctl -qw net.ipv4.ip_forward=1
`

// TestEmulatedTime: on purely emulated time each hop takes its modelled
// latency (20 µs a way; a first frame waits for ARP too), so the times
// are exact; a learnt path MTU expires after 10 minutes.
func TestEmulatedTime(t *testing.T) {
	w := builtintest.EmulatedWorld(t)
	builtintest.MustRun(t, w, nil, routed)
	first := " 1?: [LOCALHOST]                      pmtu 1500\n" +
		" 1:  10.0.1.1                                              0.080ms \n" +
		" 1:  10.0.1.1                                              0.040ms \n" +
		" 2:  10.0.1.1                                              0.040ms pmtu 1400\n" +
		" 2:  10.0.2.2                                              0.120ms reached\n" +
		"     Resume: pmtu 1400 hops 2 back 2 \n"
	again := " 1?: [LOCALHOST]                      pmtu 1400\n" +
		" 1:  10.0.1.1                                              0.040ms \n" +
		" 1:  10.0.1.1                                              0.040ms \n" +
		" 2:  10.0.2.2                                              0.080ms reached\n" +
		"     Resume: pmtu 1400 hops 2 back 2 \n"
	expired := strings.Replace(strings.Replace(first, "0.080ms", "0.040ms", 1), "0.120ms", "0.080ms", 1)
	for _, c := range []struct{ cmd, want string }{
		{"ip netns exec a tracepath -n 10.0.2.2", first},
		{"ip netns exec a tracepath -n 10.0.2.2", again},
		{"sleep 599; ip netns exec a tracepath -n 10.0.2.2", again},
		{"sleep 2; ip netns exec a tracepath -n 10.0.2.2", expired},
	} {
		if got := builtintest.MustRun(t, w, nil, c.cmd+"\n"); got != c.want {
			t.Errorf("%s:\n%s\nwant\n%s", c.cmd, got, c.want)
		}
	}
}

// TestTracepath: an unanswered neighbour's !H comes after 3 s, in the
// round it reaches (its moment is the end of tracepath's third round, a
// toss-up whether that round is over).
func TestTracepath(t *testing.T) {
	builtintest.RunCases(t, []builtintest.Case{
		{Name: "neighbour fails", Setup: routed, Cmd: "ip netns exec a tracepath -n -m 3 10.0.2.99",
			OutRe: `(?s)^ 1\?: \[LOCALHOST\] +pmtu 1500\n.* 2:  10\.0\.1\.1 +\d+\.\d{3}ms pmtu 1400\n( 2:  no reply\n)? 2:  10\.0\.1\.1 +3\d{3}\.\d{3}ms !H\n     Resume: pmtu 1400 \n$`},
	})
}
