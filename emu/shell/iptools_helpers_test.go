package shell_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/shell"
)

// toolCase is one table case for ip, bridge and brctl: a setup script that
// must succeed, then one command line run as a script step.
type toolCase struct {
	name  string
	setup string
	cmd   string
	// out is the wanted standard output with MAC addresses written as
	// "MAC" (ifindexes are deterministic in a fresh world); when outRe is
	// set, it is a regexp the raw output must match instead.
	out   string
	outRe string
	// err is the wanted last line of standard error; "" means success.
	err    string
	status int
	// stderr is a substring standard error must contain (warnings).
	stderr string
	// sorted compares out's lines in any order (hash-ordered tables).
	sorted bool
}

func sortLines(s string) string {
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	sort.Strings(lines)
	return strings.Join(lines, "\n") + "\n"
}

var macRe = regexp.MustCompile(`([0-9a-f]{2}:){5}[0-9a-f]{2}`)

// normMACs writes every MAC but the all-zero and broadcast ones as "MAC",
// and bridge ids as 8000.BRIDGEID.
func normMACs(s string) string {
	s = macRe.ReplaceAllStringFunc(s, func(m string) string {
		if m == "00:00:00:00:00:00" || m == "ff:ff:ff:ff:ff:ff" {
			return m
		}
		return "MAC"
	})
	return regexp.MustCompile(`8000\.[0-9a-f]{12}`).ReplaceAllString(s, "8000.BRIDGEID")
}

// worldState describes everything ip, bridge and brctl can change, to
// check that a refused command changed nothing.
func worldState(w *emu.World) string {
	var b strings.Builder
	all := append([]*emu.Namespace{w.Host()}, w.Namespaces()...)
	sort.SliceStable(all[1:], func(i, j int) bool { return all[1+i].Name() < all[1+j].Name() })
	for _, n := range all {
		fmt.Fprintf(&b, "ns %s\n", n.Name())
		for _, d := range n.Links() {
			master := ""
			if d.Master() != nil {
				master = d.Master().Name()
			}
			fmt.Fprintf(&b, "  dev %d %s %v up=%v master=%s mtu=%d mac=%s addrs=%v\n",
				d.Index(), d.Name(), d.Kind, d.IsUp(), master, d.MTU(), d.MAC(), d.Addrs())
			if br := d.Bridge(); br != nil {
				fmt.Fprintf(&b, "    ports=%v ageing=%v\n", br.Ports(), br.Ageing())
				for _, e := range br.FDB() {
					if e.Local {
						fmt.Fprintf(&b, "    local %s %s\n", e.MAC, e.Port)
					}
				}
			}
		}
		for _, r := range n.Stack().Routes() {
			fmt.Fprintf(&b, "  route %+v\n", r)
		}
		for _, nb := range n.Stack().Neighbors() {
			fmt.Fprintf(&b, "  neigh %+v\n", nb)
		}
	}
	return b.String()
}

// runToolCase runs one case on a fresh world.
func runToolCase(t *testing.T, c toolCase) {
	t.Helper()
	w := emu.New(emu.Options{})
	defer w.Close()
	var out, errb bytes.Buffer
	sh := shell.New(w, nil, &out, &errb)
	ctx := context.Background()
	if c.setup != "" {
		if err := sh.RunScript(ctx, "setup.sh", strings.NewReader(c.setup), nil); err != nil {
			t.Fatalf("setup: %v\n%s", err, errb.String())
		}
	}
	before := worldState(w)
	out.Reset()
	errb.Reset()
	err := shell.New(w, nil, &out, &errb).RunScript(ctx, "test.sh", strings.NewReader(c.cmd+"\n"), nil)
	if c.err == "" {
		if err != nil {
			t.Fatalf("%s: %v\nstderr: %s", c.cmd, err, errb.String())
		}
	} else {
		var se *shell.ScriptError
		if !errors.As(err, &se) {
			t.Fatalf("%s: error %v, want status %d %q (stdout %q)", c.cmd, err, c.status, c.err, out.String())
		}
		if se.Msg != c.err || se.Status != c.status {
			t.Errorf("%s:\n got status %d %q\nwant status %d %q", c.cmd, se.Status, se.Msg, c.status, c.err)
		}
		if after := worldState(w); after != before {
			t.Errorf("%s failed but changed the world:\nbefore:\n%s\nafter:\n%s", c.cmd, before, after)
		}
	}
	if c.stderr != "" && !strings.Contains(errb.String(), c.stderr) {
		t.Errorf("%s: stderr %q, want it to contain %q", c.cmd, errb.String(), c.stderr)
	}
	switch {
	case c.outRe != "":
		if !regexp.MustCompile(c.outRe).MatchString(out.String()) {
			t.Errorf("%s: stdout\n%s\ndoes not match %s", c.cmd, out.String(), c.outRe)
		}
	case c.sorted:
		if got := sortLines(normMACs(out.String())); got != sortLines(c.out) {
			t.Errorf("%s: stdout (sorted)\n%s\nwant\n%s", c.cmd, got, sortLines(c.out))
		}
	default:
		if got := normMACs(out.String()); got != c.out {
			t.Errorf("%s: stdout\n%s\nwant\n%s", c.cmd, got, c.out)
		}
	}
}

func runToolCases(t *testing.T, cases []toolCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { runToolCase(t, c) })
	}
}

// Setups shared by the tables.
const (
	// setupPair: namespace ns1 holding eth0, whose peer veth0 is in the
	// host; both up with addresses.
	setupPair = `ip netns add ns1
ip link add veth0 type veth peer name eth0 netns ns1
ip addr add 10.0.0.1/24 dev veth0
ip link set veth0 up
ip netns exec ns1 ip addr add 10.0.0.2/24 dev eth0
ip netns exec ns1 ip link set eth0 up
`
	// setupSeed is seed 002's topology: ns1..ns3 on vbridge, which has
	// 192.168.28.5/24.
	setupSeed = `ip netns add ns1
ip netns add ns2
ip netns add ns3
ip link add vbridge type bridge
ip link set dev vbridge up
for i in 1 2 3; do
  ip link add veth-$i type veth peer name veth-$i-br
  ip link set veth-$i netns ns$i
  ip link set veth-$i-br master vbridge
  ip netns exec ns$i ip addr add 192.168.28.$i/24 dev veth-$i
  ip netns exec ns$i ip link set veth-$i up
  ip link set dev veth-$i-br up
done
ip addr add 192.168.28.5/24 dev vbridge
`
)
