package main

import (
	"regexp"
	"strings"
	"testing"
)

// TestRunConntrackNAT: `nsemu run` of a script that masquerades a
// namespace's ping through the host, then lists the host's conntrack
// table: the entry has the original tuple and the reply tuple rewritten
// to the host's address, the summary is on standard error.
func TestRunConntrackNAT(t *testing.T) {
	script := writeScript(t, `ip netns add lan
ip link add veth0 type veth peer name eth0 netns lan
ip addr add 10.0.0.1/24 dev veth0
ip link set veth0 up
ip -n lan addr add 10.0.0.2/24 dev eth0
ip -n lan link set eth0 up
ip -n lan route add default via 10.0.0.1
ip netns add wan
ip link add veth1 type veth peer name eth0 netns wan
ip addr add 203.0.113.1/24 dev veth1
ip link set veth1 up
ip -n wan addr add 203.0.113.2/24 dev eth0
ip -n wan link set eth0 up
sysctl -q -w net.ipv4.ip_forward=1
iptables -t nat -A POSTROUTING -s 10.0.0.0/24 -o veth1 -j MASQUERADE
ip netns exec lan ping -c 1 203.0.113.2 > /dev/null
conntrack -L
conntrack -C
`)
	code, out, errs := nsemu(t, "", "run", script)
	if code != 0 {
		t.Fatalf("nsemu run: exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
	entry := regexp.MustCompile(`^icmp     1 (29|30) src=10\.0\.0\.2 dst=203\.0\.113\.2 type=8 code=0 id=(\d+) src=203\.0\.113\.2 dst=203\.0\.113\.1 type=0 code=0 id=(\d+) mark=0 use=1\n1\n$`)
	m := entry.FindStringSubmatch(out)
	if m == nil || m[2] != m[3] {
		t.Errorf("stdout:\n%s\nwant the masqueraded ping's entry, then the count 1", out)
	}
	if !strings.Contains(errs, "conntrack v1.4.7 (conntrack-tools): 1 flow entries have been shown.\n") {
		t.Errorf("stderr: %q", errs)
	}
}
