package teach

import (
	"bytes"
	"context"
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

var macRE = regexp.MustCompile(`([0-9a-f]{2}:){5}[0-9a-f]{2}`)

// normalise replaces MACs by MAC1, MAC2... in order of appearance (the
// broadcast address stays) and drops the lines of the bridge's own
// interface, whose receive loop runs concurrently with the rest.
func normalise(s string) string {
	names := map[string]string{"ff:ff:ff:ff:ff:ff": "ff:ff:ff:ff:ff:ff"}
	s = macRE.ReplaceAllStringFunc(s, func(m string) string {
		if n, ok := names[m]; ok {
			return n
		}
		n := "MAC" + string(rune('0'+len(names)))
		names[m] = n
		return n
	})
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, "host br0 ") || strings.Contains(l, "DELAY") || strings.Contains(l, "PROBE") {
			continue
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

func TestExplainGolden(t *testing.T) {
	w := emu.New(emu.Options{})
	defer w.Close()
	var out bytes.Buffer
	cats, err := ParseCategories("")
	if err != nil {
		t.Fatal(err)
	}
	n := NewNarrator(&out, cats)
	detach := w.Bus().Attach(n)
	sh := shell.New(w, nil, &out, &out)
	sh.BeforeOutput(n.Flush)
	if err := sh.RunScript(context.Background(), "explain.sh", strings.NewReader(twoOnABridge), nil); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	detach()
	n.Close()
	emutest.Golden(t, filepath.Join("testdata", "explain.golden"), normalise(out.String()))
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
