package ss_test

import (
	"regexp"
	"testing"

	"github.com/nsemu/nsemu/emu"
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

// TestSynSentTimer: a SYN that netem drops is sent again on the
// handshake's backoff timer, which ss -o shows with its count of
// retransmissions.
func TestSynSentTimer(t *testing.T) {
	w := builtintest.World(t)
	out := builtintest.MustRun(t, w, nil, `ip netns add a
ip link add va netns a type veth peer name vb
ip -n a addr add 10.0.0.1/24 dev va
ip addr add 10.0.0.2/24 dev vb
ip -n a link set va up
ip link set vb up
ip -n a neigh add 10.0.0.2 lladdr 02:00:00:00:00:02 dev va
ip netns exec a tc qdisc add dev va root netem loss 100%
ip netns exec a nc 10.0.0.2 9000 &
for i in $(seq 200); do ip netns exec a ss -Htno | grep -q ',[1-9][0-9]*)' && break; sleep 0.1; done
ip netns exec a ss -tno
kill %1
wait
`)
	re := regexp.MustCompile(`(?m)^SYN-SENT 0 +1 +10\.0\.0\.1:\d+ +10\.0\.0\.2:9000 timer:\(on,(\d+(sec|\.))?(\d+ms)?,[1-9]\d*\)\n`)
	if !re.MatchString(out) {
		t.Errorf("ss -tno shows no SYN retransmit timer:\n%s", out)
	}
}

// TestTimeWait: the side that closed first waits in TIME-WAIT without a
// program, with its timer (timer:(timewait,59sec,0) on the kernel; which
// side closes first races there, so this is no recorded golden). The
// world runs in real time: on the warped clock, the clock may jump to the
// TIME-WAIT's end while the shell runs ss between two sleeps (a program
// between two steps looks idle to the warp), and the socket would be gone
// before it is listed.
func TestTimeWait(t *testing.T) {
	w := emu.New(emu.Options{Realtime: true})
	t.Cleanup(w.Close)
	out := builtintest.MustRun(t, w, nil, `ip link set lo up
python3 -m http.server 8000 >/dev/null 2>&1 &
until [ "$(ss -Htln | wc -l)" = 1 ]; do sleep 0.1; done
curl -s -o /dev/null http://127.0.0.1:8000/
until ss -Htan | grep -q TIME-WAIT; do sleep 0.1; done
ss -tanpo
kill %1
wait
`)
	// Both sides may close at once (then both wait in TIME-WAIT): the
	// listener and one TIME-WAIT line at least.
	re := regexp.MustCompile(`(?m)^LISTEN +0 +5 +0\.0\.0\.0:8000 +0\.0\.0\.0:\* +users:\(\("python3",pid=4001,fd=3\)\)\n` +
		`(.*\n)?TIME-WAIT 0 +0 +127\.0\.0\.1:\d+ +127\.0\.0\.1:\d+ +timer:\(timewait,[1-5]?\dsec,0\) *\n`)
	if !re.MatchString(out) {
		t.Errorf("ss -tanpo shows no TIME-WAIT socket with its timer:\n%s", out)
	}
}
