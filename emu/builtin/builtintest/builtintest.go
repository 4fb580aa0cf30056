// Package builtintest runs scripts through the interpreter with every
// built-in command, for the tests of the tool packages: a fresh world per
// test, table cases that check a command's output, error and exit status
// (and that a refused command changed nothing), and line-by-line
// transcripts for golden files.
package builtintest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/nsemu/nsemu/emu"
	_ "github.com/nsemu/nsemu/emu/builtin" // every built-in command
	"github.com/nsemu/nsemu/emu/shell"
	"github.com/nsemu/nsemu/emu/vfs"
)

// World returns a fresh world, closed when the test ends.
func World(t testing.TB) *emu.World {
	t.Helper()
	w := emu.New(emu.Options{})
	t.Cleanup(w.Close)
	return w
}

// EmulatedWorld returns a fresh world on purely emulated time (nsemu
// --seed), closed when the test ends: what a command prints about time
// (ping's "time 3000ms", its "pipe 4") is then exact, where on the warped
// clock the wall time a loaded machine takes to run a program between two
// timers shows in the figures.
func EmulatedWorld(t testing.TB) *emu.World {
	t.Helper()
	w := emu.New(emu.Options{Seed: 1, EmulatedTime: true})
	t.Cleanup(w.Close)
	return w
}

// Result is what a script printed and how it ended.
type Result struct {
	Out, Err string
	// Status is the exit status the run ends with: 0, or the failing
	// step's.
	Status int
	// ScriptErr is the failed step, nil when the script succeeded.
	ScriptErr *shell.ScriptError
}

// Run runs src as a script in namespace ns of w (the host's when ns is
// nil). Err is the whole standard error, the failing command's last line
// included. An error that is not a failed step fails the test.
func Run(t testing.TB, w *emu.World, ns *emu.Namespace, src string) Result {
	t.Helper()
	var out, errb bytes.Buffer
	sh := shell.New(w, nil, &out, &errb)
	sh.NS = ns
	err := sh.RunScript(context.Background(), "t.sh", strings.NewReader(src), nil)
	r := Result{Out: out.String(), Err: errb.String()}
	switch {
	case errors.As(err, &r.ScriptErr):
		r.Status = r.ScriptErr.Status
		// The shell printed the failing command's standard error but for
		// the line its error line repeats, unless hints followed that line
		// (then it printed it whole).
		if !slices.Contains(strings.Split(r.Err, "\n"), r.ScriptErr.Msg) {
			r.Err += r.ScriptErr.Msg + "\n"
		}
	case err != nil:
		t.Fatal(err)
	}
	return r
}

// MustRun runs src in namespace ns of w and fails the test if a step
// fails. It returns the standard output.
func MustRun(t testing.TB, w *emu.World, ns *emu.Namespace, src string) string {
	t.Helper()
	r := Run(t, w, ns, src)
	if r.ScriptErr != nil {
		t.Fatalf("%v\nstderr:\n%s", r.ScriptErr, r.Err)
	}
	return r.Out
}

// Script runs src with arguments in a fresh world, as `nsemu run` would.
func Script(t testing.TB, src string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	w := emu.New(emu.Options{})
	defer w.Close()
	var out, errb bytes.Buffer
	err = shell.New(w, nil, &out, &errb).RunScript(context.Background(), "test.sh", strings.NewReader(src), args)
	return out.String(), errb.String(), err
}

// Transcript runs src line by line, as typed at nsemu shell, in a fresh
// world's host namespace. The transcript shows each line ("$ LINE"), what
// it printed on standard output and error, and its exit status
// ("[rc=N]"). Empty lines and comments are skipped.
func Transcript(t testing.TB, src string) string {
	t.Helper()
	w := World(t)
	// A background job writes to out from its own goroutine (its held
	// standard error when it ends), so every write goes through one lock.
	out := &syncBuffer{}
	sh := shell.New(w, nil, out, out)
	for _, line := range strings.Split(src, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fmt.Fprintf(out, "$ %s\n", line)
		st := sh.RunLine(context.Background(), line)
		fmt.Fprintf(out, "[rc=%d]\n", st)
	}
	return out.String()
}

// syncBuffer is a bytes.Buffer that several goroutines write.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// SortLines sorts the lines of s (to compare hash-ordered tables).
func SortLines(s string) string {
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	sort.Strings(lines)
	return strings.Join(lines, "\n") + "\n"
}

var (
	macRe      = regexp.MustCompile(`([0-9a-f]{2}:){5}[0-9a-f]{2}`)
	bridgeIDRe = regexp.MustCompile(`8000\.[0-9a-f]{12}`)
	// ip -d prints a bridge id's bytes without leading zeros.
	dBridgeIDRe = regexp.MustCompile(`8000\.[0-9a-f]{1,2}(:[0-9a-f]{1,2}){5}\b`)
)

// NormMACs writes every MAC but the all-zero and broadcast ones as "MAC",
// and bridge ids as 8000.BRIDGEID.
func NormMACs(s string) string {
	s = dBridgeIDRe.ReplaceAllString(s, "8000.MAC")
	s = macRe.ReplaceAllStringFunc(s, func(m string) string {
		if m == "00:00:00:00:00:00" || m == "ff:ff:ff:ff:ff:ff" {
			return m
		}
		return "MAC"
	})
	return bridgeIDRe.ReplaceAllString(s, "8000.BRIDGEID")
}

// Case is one table case of a command: a setup script that must succeed,
// then one command line run as a script step.
type Case struct {
	Name  string
	Setup string
	Cmd   string
	// Out is the wanted standard output with MAC addresses written as
	// "MAC" (ifindexes are deterministic in a fresh world); when OutRe is
	// set, it is a regexp the raw output must match instead.
	Out   string
	OutRe string
	// Err is the wanted last line of standard error; "" means success.
	Err    string
	Status int
	// Stderr is a substring standard error must contain (warnings).
	Stderr string
	// Sorted compares Out's lines in any order (hash-ordered tables).
	Sorted bool
}

// WorldState describes the devices, routes and neighbours of every
// namespace, to check that a refused command changed nothing.
func WorldState(w *emu.World) string {
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
			fmt.Fprintf(&b, "    %s\n", qdiscState(d))
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

// qdiscState is a device's root qdisc: kind, handle and parameters.
func qdiscState(d *emu.Device) string {
	q := d.Qdisc()
	netem, _ := json.Marshal(q.Netem)
	tbf, _ := json.Marshal(q.TBF)
	return fmt.Sprintf("qdisc %s %x: netem=%s tbf=%s", q.Kind, q.Handle>>16, netem, tbf)
}

// RunCase runs one case on a fresh world: a failing case must leave
// WorldState as the setup left it.
func RunCase(t *testing.T, c Case) {
	t.Helper()
	w := World(t)
	var out, errb bytes.Buffer
	sh := shell.New(w, nil, &out, &errb)
	ctx := context.Background()
	if c.Setup != "" {
		if err := sh.RunScript(ctx, "setup.sh", strings.NewReader(c.Setup), nil); err != nil {
			t.Fatalf("setup: %v\n%s", err, errb.String())
		}
	}
	before := WorldState(w)
	out.Reset()
	errb.Reset()
	err := shell.New(w, nil, &out, &errb).RunScript(ctx, "test.sh", strings.NewReader(c.Cmd+"\n"), nil)
	if c.Err == "" {
		if err != nil {
			t.Fatalf("%s: %v\nstderr: %s", c.Cmd, err, errb.String())
		}
	} else {
		var se *shell.ScriptError
		if !errors.As(err, &se) {
			t.Fatalf("%s: error %v, want status %d %q (stdout %q)", c.Cmd, err, c.Status, c.Err, out.String())
		}
		if se.Msg != c.Err || se.Status != c.Status {
			t.Errorf("%s:\n got status %d %q\nwant status %d %q", c.Cmd, se.Status, se.Msg, c.Status, c.Err)
		}
		if after := WorldState(w); after != before {
			t.Errorf("%s failed but changed the world:\nbefore:\n%s\nafter:\n%s", c.Cmd, before, after)
		}
	}
	if c.Stderr != "" && !strings.Contains(errb.String(), c.Stderr) {
		t.Errorf("%s: stderr %q, want it to contain %q", c.Cmd, errb.String(), c.Stderr)
	}
	switch {
	case c.OutRe != "":
		if !regexp.MustCompile(c.OutRe).MatchString(out.String()) {
			t.Errorf("%s: stdout\n%s\ndoes not match %s", c.Cmd, out.String(), c.OutRe)
		}
	case c.Sorted:
		if got := SortLines(NormMACs(out.String())); got != SortLines(c.Out) {
			t.Errorf("%s: stdout (sorted)\n%s\nwant\n%s", c.Cmd, got, SortLines(c.Out))
		}
	default:
		if got := NormMACs(out.String()); got != c.Out {
			t.Errorf("%s: stdout\n%s\nwant\n%s", c.Cmd, got, c.Out)
		}
	}
}

// RunCases runs each case as a subtest.
func RunCases(t *testing.T, cases []Case) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) { RunCase(t, c) })
	}
}

// Setups shared by the tables.
const (
	// SetupPair: namespace ns1 holding eth0, whose peer veth0 is in the
	// host; both up with addresses.
	SetupPair = `ip netns add ns1
ip link add veth0 type veth peer name eth0 netns ns1
ip addr add 10.0.0.1/24 dev veth0
ip link set veth0 up
ip netns exec ns1 ip addr add 10.0.0.2/24 dev eth0
ip netns exec ns1 ip link set eth0 up
`
	// SetupSeed is seed 002's topology: ns1..ns3 on vbridge, which has
	// 192.168.28.5/24.
	SetupSeed = `ip netns add ns1
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

// Share makes directories of the real machine visible to w's scripts at
// their own paths (as nsemu run --host-dir does), instead of the process's
// working directory. Call it before anything uses w's files.
func Share(t testing.TB, w *emu.World, dirs ...string) {
	t.Helper()
	var hds []vfs.HostDir
	for _, d := range dirs {
		hds = append(hds, vfs.HostDir{Path: d})
	}
	sys, err := vfs.New(hds...)
	if err != nil {
		t.Fatalf("vfs.New(%v): %v", hds, err)
	}
	if !vfs.Use(w, sys) {
		sys.Close()
		t.Fatal("builtintest.Share: the world has its files already")
	}
}
