package conntrack_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/nsemu/nsemu/emu/builtin/builtintest"
)

// setupNAT: the host routes 10.0.0.0/24 (namespace a, 10.0.0.2) to
// 203.0.113.0/24 (namespace b, 203.0.113.2), masquerading it behind
// 203.0.113.1.
const setupNAT = `ip netns add a
ip netns add b
ip link add va type veth peer name vra
ip link set va netns a
ip link add vb type veth peer name vrb
ip link set vb netns b
ip -n a addr add 10.0.0.2/24 dev va
ip -n a link set va up
ip -n a route add default via 10.0.0.1
ip addr add 10.0.0.1/24 dev vra
ip link set vra up
ip addr add 203.0.113.1/24 dev vrb
ip link set vrb up
ip -n b addr add 203.0.113.2/24 dev vb
ip -n b link set vb up
sysctl -q -w net.ipv4.ip_forward=1
iptables -t nat -A POSTROUTING -s 10.0.0.0/24 -o vrb -j MASQUERADE
`

var (
	icmpIDRe = regexp.MustCompile(`\bid=\d+`)
	sportRe  = regexp.MustCompile(`\b(sport|dport)=\d{5}\b`)
)

func norm(s string) string {
	return sportRe.ReplaceAllString(icmpIDRe.ReplaceAllString(s, "id=ID"), "$1=PORT")
}

// TestEvents follows a ping, a refused TCP connection, the ping's entry
// expiring, and a deletion, with conntrack -E in the background: NEW at
// the first packet, UPDATE at the reply, DESTROY at once for a reset of a
// connection not yet assured, and at expiry (without a timeout) or
// deletion ([USERSPACE]).
func TestEvents(t *testing.T) {
	w := builtintest.World(t)
	out := builtintest.MustRun(t, w, nil, setupNAT+`
conntrack -E > /tmp/ev.txt 2> /tmp/ev.err &
sleep 1
ip netns exec a ping -c 1 203.0.113.2 > /dev/null
! ip netns exec a nc -z 203.0.113.2 9
conntrack -L -p tcp
sleep 31
conntrack -L
sleep 60
ip netns exec a ping -c 1 203.0.113.2 > /dev/null
conntrack -D -p icmp > /dev/null
kill %1
wait
cat /tmp/ev.txt /tmp/ev.err
`)
	want := `    [NEW] icmp     1 30 src=10.0.0.2 dst=203.0.113.2 type=8 code=0 id=ID [UNREPLIED] src=203.0.113.2 dst=203.0.113.1 type=0 code=0 id=ID
 [UPDATE] icmp     1 30 src=10.0.0.2 dst=203.0.113.2 type=8 code=0 id=ID src=203.0.113.2 dst=203.0.113.1 type=0 code=0 id=ID
    [NEW] tcp      6 120 SYN_SENT src=10.0.0.2 dst=203.0.113.2 sport=PORT dport=9 [UNREPLIED] src=203.0.113.2 dst=203.0.113.1 sport=9 dport=PORT
[DESTROY] tcp      6 120 CLOSE src=10.0.0.2 dst=203.0.113.2 sport=PORT dport=9 [UNREPLIED] src=203.0.113.2 dst=203.0.113.1 sport=9 dport=PORT
[DESTROY] icmp     1 src=10.0.0.2 dst=203.0.113.2 type=8 code=0 id=ID src=203.0.113.2 dst=203.0.113.1 type=0 code=0 id=ID
    [NEW] icmp     1 30 src=10.0.0.2 dst=203.0.113.2 type=8 code=0 id=ID [UNREPLIED] src=203.0.113.2 dst=203.0.113.1 type=0 code=0 id=ID
 [UPDATE] icmp     1 30 src=10.0.0.2 dst=203.0.113.2 type=8 code=0 id=ID src=203.0.113.2 dst=203.0.113.1 type=0 code=0 id=ID
`
	got := norm(out)
	if !strings.HasPrefix(got, want) {
		t.Fatalf("events:\n%s\nwant them to start with\n%s", got, want)
	}
	rest := strings.TrimPrefix(got, want)
	if !regexp.MustCompile(`^\[DESTROY\] icmp     1 (29|30) src=10.0.0.2 .* \[USERSPACE\] portid=\d+\nconntrack v1.4.7 \(conntrack-tools\): 8 flow events have been shown.\n$`).MatchString(rest) {
		t.Errorf("after the expiry: %q", rest)
	}
}

// TestDeleteRenews: a NATed flow's entry deleted, its next packet makes a
// new entry, masqueraded again; -G finds an entry by its tuple; -g with an
// address selects by DNAT. (The states and timeouts are the listener's
// business: nsemu's nc -lk closes its side at once, its standard input
// being empty.)
func TestDeleteRenews(t *testing.T) {
	w := builtintest.World(t)
	r := builtintest.Run(t, w, nil, setupNAT+`
ip netns exec b nc -lk 8080 > /dev/null &
sleep 1
(echo one; sleep 5; echo two; sleep 5) | ip netns exec a nc 203.0.113.2 8080 &
sleep 1
echo == list
conntrack -L -p tcp --dport 8080
port=$(conntrack -L -p tcp --dport 8080 2>/dev/null | sed 's/.*sport=\([0-9]*\) dport=8080 src.*/\1/')
echo == get
conntrack -G -p tcp -s 10.0.0.2 -d 203.0.113.2 --sport $port --dport 8080
echo == dnat
conntrack -L -g 203.0.113.2 -p tcp
echo == delete
conntrack -D -p tcp --sport $port > /dev/null
echo == after
conntrack -L -p tcp --dport 8080
sleep 5
echo == renewed
conntrack -L -p tcp --dport 8080
kill %1 %2
wait
`)
	if r.ScriptErr != nil {
		t.Fatalf("%v\n%s", r.ScriptErr, r.Err)
	}
	const est = "tcp      6 T S src=10.0.0.2 dst=203.0.113.2 sport=PORT dport=8080 src=203.0.113.2 dst=203.0.113.1 sport=8080 dport=PORT [ASSURED] mark=0 use=1\n"
	want := "== list\n" + est + "== get\n" + strings.Replace(est, "use=1", "use=2", 1) + "== dnat\n== delete\n== after\n== renewed\n"
	got := regexp.MustCompile(`(?m)^tcp      6 \d+ [A-Z_]+ `).ReplaceAllString(norm(r.Out), "tcp      6 T S ")
	// The client's next segment after the deletion makes a new entry,
	// picked up mid-stream (ESTABLISHED), masqueraded again.
	renewed := regexp.MustCompile(`tcp      6 T S src=10.0.0.2 dst=203.0.113.2 sport=PORT dport=8080 src=203.0.113.2 dst=203.0.113.1 sport=8080 dport=PORT .*mark=0 use=1\n$`)
	if !strings.HasPrefix(got, want) || !renewed.MatchString(strings.TrimPrefix(got, want)) {
		t.Errorf("got\n%s\nwant\n%s(and the renewed entry)", got, want)
	}
	if !strings.Contains(r.Err, "1 flow entries have been deleted.") {
		t.Errorf("stderr: %s", r.Err)
	}
}
