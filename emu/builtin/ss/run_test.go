package ss_test

import (
	"regexp"
	"testing"

	"github.com/nsemu/nsemu/emu/builtin/builtintest"
)

// TestRetransmitTimer: data that netem drops waits on the retransmit
// timer, which ss -o shows as timer:(on,TIME,0).
func TestRetransmitTimer(t *testing.T) {
	w := builtintest.World(t)
	out := builtintest.MustRun(t, w, nil, `ip netns add a
ip netns add b
ip link add va netns a type veth peer name vb netns b
ip -n a addr add 10.0.0.1/24 dev va
ip -n b addr add 10.0.0.2/24 dev vb
ip -n a link set va up
ip -n b link set vb up
tail -f /dev/null | ip netns exec b nc -l -p 9000 >/dev/null &
until [ "$(ip netns exec b ss -Htln | wc -l)" = 1 ]; do sleep 0.1; done
(until [ -f /tmp/go ]; do sleep 0.1; done; echo hello) | ip netns exec a nc -q 100 10.0.0.2 9000 &
until ip netns exec a ss -Htn state established | grep -q 9000; do sleep 0.1; done
ip netns exec a tc qdisc add dev va root netem loss 100%
touch /tmp/go
for i in $(seq 200); do ip netns exec a ss -Htno | grep -q timer: && break; sleep 0.1; done
ip netns exec a ss -tno
ip netns exec a tc qdisc del dev va root
kill %1 %2
rm /tmp/go
wait
`)
	re := regexp.MustCompile(`(?m)^State +Recv-Q Send-Q Local Address:Port +Peer Address:Port *Process *\n` +
		`\S+ +0 +\d+ +10\.0\.0\.1:\d+ +10\.0\.0\.2:9000 timer:\(on,(\d+min)?(\d+(sec|\.))?(\d{3}ms|\d+ms)?,0\)\n`)
	if !re.MatchString(out) {
		t.Errorf("ss -tno shows no retransmit timer:\n%s", out)
	}
}
