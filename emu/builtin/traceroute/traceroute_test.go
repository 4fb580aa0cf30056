package traceroute_test

import (
	"regexp"
	"testing"

	"github.com/nsemu/nsemu/emu/builtin/builtintest"
)

const routed = `ip netns add a
ip netns add r
ip netns add b
ip link add a0 netns a type veth peer name r0 netns r
ip link add b0 netns b type veth peer name r1 netns r
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

// TestTraceroute: names from /etc/hosts without -n (the address again
// for an address it does not name); a router that drops
// what it forwards still names itself, the hops after it are silent.
func TestTraceroute(t *testing.T) {
	builtintest.RunCases(t, []builtintest.Case{
		{Name: "names", Cmd: "traceroute 127.0.0.1",
			OutRe: `^traceroute to 127\.0\.0\.1 \(127\.0\.0\.1\), 30 hops max, 60 byte packets\n 1  localhost \(127\.0\.0\.1\)  \d+\.\d{3} ms  \d+\.\d{3} ms  \d+\.\d{3} ms\n$`},
		{Name: "unnamed", Setup: routed, Cmd: "ip netns exec a traceroute -q 1 10.0.2.2",
			OutRe: `^traceroute to 10\.0\.2\.2 \(10\.0\.2\.2\), 30 hops max, 60 byte packets\n 1  10\.0\.1\.1 \(10\.0\.1\.1\)  \d+\.\d{3} ms\n 2  10\.0\.2\.2 \(10\.0\.2\.2\)  \d+\.\d{3} ms\n$`},
		{Name: "silent", Setup: routed + "ip netns exec r iptables -A FORWARD -j DROP\n", Cmd: "ip netns exec a traceroute -n -m 3 -w 1 10.0.2.2",
			OutRe: `^traceroute to 10\.0\.2\.2 \(10\.0\.2\.2\), 3 hops max, 60 byte packets\n 1  10\.0\.1\.1  \d+\.\d{3} ms  \d+\.\d{3} ms  \d+\.\d{3} ms\n 2  \* \* \*\n 3  \* \* \*\n$`},
		{Name: "icmp silent", Setup: routed + "ip netns exec r iptables -A FORWARD -j DROP\n", Cmd: "ip netns exec a traceroute -I -n -m 2 -q 1 10.0.2.2",
			OutRe: `^traceroute to 10\.0\.2\.2 \(10\.0\.2\.2\), 2 hops max, 60 byte packets\n 1  10\.0\.1\.1  \d+\.\d{3} ms\n 2  \*\n$`},
		{Name: "no route", Cmd: "traceroute -n 192.0.2.1", Err: "connect: Network is unreachable", Status: 1,
			OutRe: regexp.QuoteMeta("traceroute to 192.0.2.1 (192.0.2.1), 30 hops max, 60 byte packets\n")},
		{Name: "usage", Cmd: "traceroute", Stderr: "  traceroute [ -46dFITnreAUDV ]"},
	})
}
