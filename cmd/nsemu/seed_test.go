package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// nsemuProcess runs nsemu (this test binary, as nsemu) as a process of its
// own in dir, and returns its exit status and its standard output and
// error interleaved as a terminal would show them.
func nsemuProcess(t *testing.T, dir string, args ...string) (int, []byte) {
	t.Helper()
	return nsemuProcessIn(t, dir, "", args...)
}

// nsemuProcessIn is nsemuProcess with stdin as standard input.
func nsemuProcessIn(t *testing.T, dir, stdin string, args ...string) (int, []byte) {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), asNsemu+"=1")
	cmd.Stdin = strings.NewReader(stdin)
	var out bytes.Buffer
	// One writer for both: the child gets one pipe, so the order of its
	// standard output and error lines is kept.
	cmd.Stdout, cmd.Stderr = &out, &out
	err = cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), out.Bytes()
	}
	if err != nil {
		t.Fatalf("running nsemu %v: %v", args, err)
	}
	return 0, out.Bytes()
}

// TestSeedRepeatsEveryScenario runs every scenario twice with the same
// --seed, each in a process of its own, with --explain and --pcap: the
// transcripts (narration, RTTs and docker ps ages included) and the pcapng
// files (timestamps included) must be the same byte for byte.
func TestSeedRepeatsEveryScenario(t *testing.T) {
	files, err := filepath.Glob("../../scenarios/[0-9]*.sh")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scenarios: %v", err)
	}
	for _, f := range files {
		abs, err := filepath.Abs(f)
		if err != nil {
			t.Fatal(err)
		}
		src, err := os.ReadFile(abs)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(src, []byte("\n# seed: no")) {
			t.Run(filepath.Base(f), func(t *testing.T) {
				t.Parallel()
				refusedUnderSeed(t, abs)
			})
			continue
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			var outs [2][]byte
			var pcaps [2][]byte
			for i := range outs {
				dir := t.TempDir()
				code, out := nsemuProcess(t, dir, "run", "--seed", "42", "--explain", "--pcap", "run.pcapng", abs)
				if code != 0 {
					t.Fatalf("run %d: exit %d:\n%s", i+1, code, out)
				}
				pcap, err := os.ReadFile(filepath.Join(dir, "run.pcapng"))
				if err != nil {
					t.Fatal(err)
				}
				outs[i], pcaps[i] = out, pcap
			}
			if !bytes.Equal(outs[0], outs[1]) {
				t.Errorf("the transcripts of two runs with --seed 42 differ:\n%s", firstDifference(outs[0], outs[1]))
			}
			if !bytes.Equal(pcaps[0], pcaps[1]) {
				t.Errorf("the pcapng files of two runs with --seed 42 differ (%d and %d bytes, first at byte %d)", len(pcaps[0]), len(pcaps[1]), firstByte(pcaps[0], pcaps[1]))
			}
			if len(pcaps[0]) < 1000 {
				t.Errorf("the capture has %d bytes: no frames?", len(pcaps[0]))
			}
		})
	}
}

// refusedUnderSeed checks that a scenario whose header says "# seed: no"
// fails under --seed with nsemu's reason, rather than running with
// figures that would mean nothing.
func refusedUnderSeed(t *testing.T, script string) {
	code, out := nsemuProcess(t, t.TempDir(), "run", "--seed", "42", script)
	if code == 0 || !bytes.Contains(out, []byte("cannot run under --seed")) {
		t.Errorf("%s (# seed: no) under --seed: exit %d, want a refusal saying why:\n%s", filepath.Base(script), code, out)
	}
}

// firstDifference shows the first line where a and b differ.
func firstDifference(a, b []byte) string {
	la, lb := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := 0; i < len(la) && i < len(lb); i++ {
		if la[i] != lb[i] {
			return "line " + strconv.Itoa(i+1) + ":\n- " + la[i] + "\n+ " + lb[i]
		}
	}
	return "one is a prefix of the other (" + strconv.Itoa(len(la)) + " and " + strconv.Itoa(len(lb)) + " lines)"
}

func firstByte(a, b []byte) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// macScript makes a veth pair between two namespaces, pings across it and
// shows both MACs.
const macScript = `ip netns add a
ip link add va type veth peer name vb netns a
ip addr add 10.9.0.1/24 dev va
ip link set va up
ip netns exec a ip addr add 10.9.0.2/24 dev vb
ip netns exec a ip link set vb up
ping -c 2 10.9.0.2
ip link show va
ip netns exec a ip link show vb
`

var macRe = regexp.MustCompile(`link/ether ([0-9a-f:]{17})`)

// macs runs macScript with args and returns the two MACs and the output.
func macs(t *testing.T, args ...string) ([]string, string) {
	t.Helper()
	// A process of its own: --seed sets GOMAXPROCS for the whole process.
	code, b := nsemuProcess(t, t.TempDir(), append(append([]string{"run"}, args...), writeScript(t, macScript))...)
	out := string(b)
	if code != 0 {
		t.Fatalf("nsemu run %v: exit %d\n%s", args, code, out)
	}
	var got []string
	for _, m := range macRe.FindAllStringSubmatch(out, -1) {
		got = append(got, m[1])
	}
	if len(got) != 2 {
		t.Fatalf("%d MACs in the output, want 2:\n%s", len(got), out)
	}
	return got, out
}

// TestSeedDecidesMACs: the same seed gives the same MACs (and the same
// transcript, with RTTs of the modelled latency); two seeds give different
// MACs; without --seed, MACs differ from run to run, as on Linux.
func TestSeedDecidesMACs(t *testing.T) {
	a1, out1 := macs(t, "--seed", "1")
	a2, out2 := macs(t, "--seed", "1")
	if out1 != out2 {
		t.Errorf("two runs with --seed 1 differ:\n%s\n---\n%s", out1, out2)
	}
	if strings.Join(a1, " ") != strings.Join(a2, " ") {
		t.Errorf("--seed 1 gave MACs %v, then %v", a1, a2)
	}
	// Two hops each way, 20 µs each: the second probe's round trip (the
	// first also waits for ARP: 80 µs).
	if !strings.Contains(out1, "icmp_seq=2 ttl=64 time=0.040 ms") {
		t.Errorf("the second probe's RTT is not the modelled 0.040 ms:\n%s", out1)
	}
	b, _ := macs(t, "--seed", "2")
	if a1[0] == b[0] || a1[1] == b[1] {
		t.Errorf("--seed 1 and --seed 2 gave the same MACs: %v, %v", a1, b)
	}
	r1, _ := macs(t)
	r2, _ := macs(t)
	if r1[0] == r2[0] || r1[1] == r2[1] {
		t.Errorf("two runs without --seed gave the same MACs: %v, %v", r1, r2)
	}
	for _, m := range append(append(a1, b...), r1...) {
		first, err := strconv.ParseUint(m[:2], 16, 8)
		if err != nil || first&1 != 0 || first&2 == 0 {
			t.Errorf("MAC %s is not a locally administered unicast address", m)
		}
	}
}

// TestSeedFlagConflicts: what cannot be reproduced is refused.
func TestSeedFlagConflicts(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "--seed", "1", "--realtime"}, "--seed and --realtime"},
		{[]string{"run", "--seed", "1", "--uplink", "host"}, "--seed and --uplink"},
		{[]string{"run", "--seed", "x"}, "invalid argument"},
		{[]string{"shell", "--seed", "1", "--uplink", "host"}, "--seed and --uplink"},
	} {
		args := c.args
		if args[0] == "run" {
			args = append(args, writeScript(t, "true\n"))
		}
		code, _, errs := nsemu(t, "", args...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("nsemu %v: exit %d, stderr %q; want 2 and %q", c.args, code, errs, c.want)
		}
	}
}

// TestSeedShellRepeats: nsemu shell --seed gives the same session for the
// same lines, on emulated time that stands still at the prompt (sleep 5
// and three probes a second apart make 7 s, whatever the typing took).
func TestSeedShellRepeats(t *testing.T) {
	lines := strings.ReplaceAll(macScript, "ping -c 2", "ping -c 3") + "sleep 5\ndate\nip netns exec a ping -c 1 10.9.0.1 &\nwait\n"
	var outs [2]string
	for i := range outs {
		code, out := nsemuProcessIn(t, t.TempDir(), lines, "shell", "--seed", "4")
		if code != 0 {
			t.Fatalf("shell %d: exit %d\n%s", i+1, code, out)
		}
		outs[i] = string(out)
	}
	if outs[0] != outs[1] {
		t.Errorf("two shells with --seed 4 differ:\n%s", firstDifference([]byte(outs[0]), []byte(outs[1])))
	}
	for _, want := range []string{"Thu Jan  1 00:00:07 UTC 2026", "icmp_seq=3 ttl=64 time=0.040 ms", "[1]+  Done"} {
		if !strings.Contains(outs[0], want) {
			t.Errorf("the session lacks %q:\n%s", want, outs[0])
		}
	}
}

// TestSeedPipeWriterWaits: on emulated time, a command parked on a full
// pipe waits, as its reader does for the clock: the run neither hangs nor
// loses a line.
func TestSeedPipeWriterWaits(t *testing.T) {
	script := writeScript(t, "seq 1 200000 | { sleep 1; wc -l; }\nping -c 2 127.0.0.1 | { sleep 3; grep -c ttl; }\n")
	code, out := nsemuProcess(t, t.TempDir(), "run", "--seed", "1", script)
	if code != 0 || string(out) != "200000\n2\n" {
		t.Fatalf("exit %d, output %q; want 0 and \"200000\\n2\\n\"", code, out)
	}
}
