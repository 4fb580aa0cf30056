package teach

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/nsemu/nsemu/emu"
	_ "github.com/nsemu/nsemu/emu/builtin" // every built-in command
	"github.com/nsemu/nsemu/emu/emutest"
	"github.com/nsemu/nsemu/emu/shell"
	"github.com/nsemu/nsemu/emu/trace"
)

const twoOnABridge = `ip netns add ns1
ip netns add ns2
ip link add br0 type bridge
ip link set br0 up
ip link add v1 type veth peer name v1-br
ip link add v2 type veth peer name v2-br
ip link set v1 netns ns1
ip link set v2 netns ns2
ip link set v1-br master br0
ip link set v2-br master br0
ip link set v1-br up
ip link set v2-br up
ip netns exec ns1 ip addr add 10.0.0.1/24 dev v1
ip netns exec ns2 ip addr add 10.0.0.2/24 dev v2
ip netns exec ns1 ip link set v1 up
ip netns exec ns2 ip link set v2 up
ip netns exec ns1 ping -c 1 10.0.0.2 > /dev/null
! ip netns exec ns1 ping -c 1 192.0.2.1
`

// failingPing pings an address nobody has on ns1's LAN: three ARP requests
// go unanswered, and ping reports both probes, as on Linux (lo is up: the
// kernel reports through it).
const failingPing = `ip netns add ns1
ip link add vbridge type bridge
ip link set vbridge up
ip link add veth-1 type veth peer name veth-1-br
ip link set veth-1 netns ns1
ip link set veth-1-br master vbridge
ip link set veth-1-br up
ip netns exec ns1 ip addr add 192.168.28.1/24 dev veth-1
ip netns exec ns1 ip link set veth-1 up
ip netns exec ns1 ip link set lo up
! ip netns exec ns1 ping -c 2 192.168.28.9
`

// runs is how many times each golden narration runs: every run must tell
// the same story.
const runs = 3

var (
	macRE = regexp.MustCompile(`([0-9a-f]{2}:){5}[0-9a-f]{2}`)
	// What varies from run to run in the programs' output, not in the
	// narration: ICMP ids, round-trip times.
	varying = []struct {
		re   *regexp.Regexp
		with string
	}{
		{regexp.MustCompile(` id \d+`), " id ID"},
		{regexp.MustCompile(`time=[0-9.]+ ms`), "time=T ms"},
		{regexp.MustCompile(`time \d+ms`), "time Tms"},
		{regexp.MustCompile(`= [0-9.]+/[0-9.]+/[0-9.]+/[0-9.]+ ms`), "= T ms"},
	}
	// timerLine marks what a neighbour's timers do (random reachable
	// times; probes that land before or after a program's timer by
	// microseconds): not part of the story a script tells.
	timerLine = regexp.MustCompile(`refresh|PROBE|not confirmed for a while`)
	// fdbLine is a line of bridge fdb show, in the order of random MACs.
	fdbLine = regexp.MustCompile(`^([0-9a-f]{2}:){5}[0-9a-f]{2} dev `)
)

// normalise names MACs MAC1, MAC2... in order of appearance (the broadcast
// address stays), and takes out what varies between runs by nature
// (varying, timerLine) and bridge fdb's lines, sorted by random MACs.
func normalise(s string) string {
	names := map[string]string{"ff:ff:ff:ff:ff:ff": "ff:ff:ff:ff:ff:ff"}
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if timerLine.MatchString(l) || fdbLine.MatchString(l) {
			continue
		}
		l = macRE.ReplaceAllStringFunc(l, func(m string) string {
			if n, ok := names[m]; ok {
				return n
			}
			n := fmt.Sprintf("MAC%d", len(names))
			names[m] = n
			return n
		})
		for _, v := range varying {
			l = v.re.ReplaceAllString(l, v.with)
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

// narrate runs script in a fresh world under a world narrator of every
// category, as nsemu run --explain does, and returns the transcript.
func narrate(t *testing.T, name, script string) string {
	t.Helper()
	w := emu.New(emu.Options{})
	defer w.Close()
	var out bytes.Buffer
	cats, err := ParseCategories("")
	if err != nil {
		t.Fatal(err)
	}
	n := NewWorldNarrator(w, &out, cats)
	detach := w.Bus().Attach(n)
	sh := shell.New(w, nil, &out, &out)
	sh.BeforeOutput(n.Flush)
	err = sh.RunScript(context.Background(), name, strings.NewReader(script), nil)
	detach()
	n.Close()
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	return out.String()
}

// goldenRuns narrates script runs times: the first must match the golden
// file, the others the first.
func goldenRuns(t *testing.T, golden, name, script string) {
	t.Helper()
	first := normalise(narrate(t, name, script))
	emutest.Golden(t, filepath.Join("testdata", golden), first)
	for i := 2; i <= runs; i++ {
		if got := normalise(narrate(t, name, script)); got != first {
			t.Errorf("run %d tells another story than run 1 (-run1 +run%d):\n%s", i, i, emutest.Diff(first, got))
		}
	}
}

func TestExplainGolden(t *testing.T) {
	goldenRuns(t, "explain.golden", "explain.sh", twoOnABridge)
}

// TestSeed002Golden narrates seed 002's walk-through: ARP, the bridge,
// every ping at every hop, a neighbour that never answers, no route,
// forwarding off, the upstream with no route back, MASQUERADE and
// conntrack.
func TestSeed002Golden(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "..", "scenarios", "002-veth-bridge-nat.sh"))
	if err != nil {
		t.Fatal(err)
	}
	goldenRuns(t, "seed002.golden", "002-veth-bridge-nat.sh", string(src))
}

// TestFailingPingGolden narrates a ping that ARP fails: three requests,
// the neighbour FAILED, then ping's "Destination Host Unreachable" lines.
func TestFailingPingGolden(t *testing.T) {
	goldenRuns(t, "failing-ping.golden", "failing-ping.sh", failingPing)
}

func TestParseCategories(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
		err  bool
	}{
		{"", Categories, false},
		{"all", Categories, false},
		{"arp,cam", []string{"arp", "cam"}, false},
		{"icmp,tcp,udp,dns", []string{"icmp", "tcp", "udp", "dns"}, false},
		{"arp,bogus", nil, true},
	} {
		got, err := ParseCategories(c.in)
		if (err != nil) != c.err {
			t.Errorf("%q: err %v", c.in, err)
			continue
		}
		if err == nil && len(got) != len(c.want) {
			t.Errorf("%q: %v, want %v", c.in, got, c.want)
		}
	}
}

func TestNarratorNeverBlocks(t *testing.T) {
	release := make(chan struct{})
	n := NewNarrator(blockingWriter{release}, map[string]bool{"drop": true})
	for i := 0; i < 3*maxQueued; i++ {
		n.Emit(&trace.Event{Kind: trace.Dropped, NS: "ns1", Reason: "test"})
	}
	if n.Dropped() == 0 {
		t.Error("a full queue did not drop")
	}
	close(release)
	n.Close()
}

// blockingWriter blocks until released, like a pipe nobody reads.
type blockingWriter struct{ release chan struct{} }

func (b blockingWriter) Write(p []byte) (int, error) {
	<-b.release
	return len(p), nil
}

// TestOnLine: a program that shows the lines its own way gets each with
// its category and the event it tells: the same lines as the transcript.
func TestOnLine(t *testing.T) {
	w := emu.New(emu.Options{})
	defer w.Close()
	var out bytes.Buffer
	cats, _ := ParseCategories("")
	n := NewWorldNarrator(w, &out, cats)
	var lines []Line
	n.OnLine = func(l Line) { lines = append(lines, l) }
	detach := w.Bus().Attach(n)
	sh := shell.New(w, nil, io.Discard, io.Discard)
	if err := sh.RunScript(context.Background(), "t.sh", strings.NewReader(twoOnABridge), nil); err != nil {
		t.Fatal(err)
	}
	detach()
	n.Close()
	var told []string
	request := false
	for _, l := range lines {
		told = append(told, fmt.Sprintf("%-14s %s\n", l.Subject, l.Text))
		if l.Seq == 0 {
			t.Errorf("line %q has no event", l.Text)
		}
		if l.Cat == "arp" && l.NS == "ns1" && strings.HasPrefix(l.Text, "→ ARP who-has 10.0.0.2") && l.Frame != 0 && !l.Time.IsZero() {
			request = true
		}
	}
	if got := strings.Join(told, ""); got != out.String() {
		t.Errorf("OnLine's lines differ from the transcript:\n%s", emutest.Diff(out.String(), got))
	}
	if !request {
		t.Errorf("no line for ns1's ARP request with its frame: %+v", lines)
	}
}
