package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/gopacket/pcapgo"
	"github.com/nsemu/nsemu/emu/emutest"
)

func nsemu(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func writeScript(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "demo.sh")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCLI(t *testing.T) {
	cases := []struct {
		name       string
		args       []string
		script     string // written to demo.sh and appended to args
		stdin      string
		code       int
		wantOut    string
		wantErr    string
		wantErrNot string
	}{
		{name: "no args", code: 2, wantErr: "Usage:"},
		{name: "help", args: []string{"--help"}, wantOut: "nsemu run [flags] SCRIPT"},
		{name: "run --help on standard output", args: []string{"run", "--help"}, wantOut: "Usage: nsemu run [flags] SCRIPT"},
		{name: "shell --help on standard output", args: []string{"shell", "--help"}, wantOut: "--init SCRIPT"},
		{name: "shell --init", args: []string{"shell", "--init", "/nonexistent.sh"}, stdin: "echo still\n", wantOut: "still\n", wantErr: "--init"},
		{name: "help builtin", args: []string{"help", "ping"}, wantOut: "ping [-c COUNT]"},
		{name: "help unknown", args: []string{"help", "frob"}, code: 2, wantErr: `no help for "frob": not a built-in command`},
		{name: "help not emulated", args: []string{"help", "iw"}, code: 2, wantErr: "iw: not emulated by nsemu"},
		{name: "help lists the built-ins", args: []string{"help"}, wantOut: "iproute2:\n  bridge"},
		{name: "version", args: []string{"version"}, wantOut: "nsemu "},
		{name: "unknown command", args: []string{"frob"}, code: 2, wantErr: `unknown command "frob"`},
		{name: "run ok with args", args: []string{"run"}, script: "echo hello $1\n", code: 0, wantOut: "hello world\n"},
		{name: "run failing step", args: []string{"run"}, script: "echo one\nsleep x\necho two\n", code: 1, wantOut: "one\n", wantErr: "demo.sh:2: sleep x: sleep: invalid time interval"},
		{name: "run negation", args: []string{"run"}, script: "! true\n", code: 1, wantErr: "demo.sh:1: ! true: succeeded"},
		{name: "run command not found", args: []string{"run"}, script: "frobnicate --now\n", code: 127, wantErr: "demo.sh:1: frobnicate --now: nsemu: frobnicate: command not found"},
		{name: "run missing file", args: []string{"run", "/nonexistent/x.sh"}, code: 2, wantErr: "no such file"},
		{name: "run no script", args: []string{"run"}, code: 2, wantErr: "Usage: nsemu run"},
		{name: "run bad flag", args: []string{"run", "--frob"}, code: 2, wantErr: "unknown flag: --frob"},
		{name: "run stats", args: []string{"run", "--stats"}, script: "sleep 5\n", code: 0, wantErr: "emulated 5"},
		{name: "shell keeps going after errors", args: []string{"shell"}, stdin: "nosuch\necho still here\nx=3\necho $x\nexit\necho after exit\n", code: 0, wantOut: "still here\n", wantErr: "nosuch: command not found"},
		{name: "shell variables persist", args: []string{"shell"}, stdin: "x=3\necho v=$x\n", code: 0, wantOut: "v=3\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := c.args
			if c.script != "" {
				args = append(append([]string(nil), args...), writeScript(t, c.script))
				if c.name == "run ok with args" {
					args = append(args, "world")
				}
			}
			code, out, errs := nsemu(t, c.stdin, args...)
			if code != c.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, c.code, out, errs)
			}
			if !strings.Contains(out, c.wantOut) {
				t.Errorf("stdout %q does not contain %q", out, c.wantOut)
			}
			if !strings.Contains(errs, c.wantErr) {
				t.Errorf("stderr %q does not contain %q", errs, c.wantErr)
			}
			if c.name == "shell keeps going after errors" && strings.Contains(out, "after exit") {
				t.Error("the shell ran a line after exit")
			}
		})
	}
}

const pingScript = `ip netns add ns1
ip netns add ns2
ip link add v1 type veth peer name v2 netns ns2
ip link set v1 netns ns1
ip netns exec ns1 ip addr add 10.0.0.1/24 dev v1
ip netns exec ns2 ip addr add 10.0.0.2/24 dev v2
ip netns exec ns1 ip link set v1 up
ip netns exec ns2 ip link set v2 up
ip netns exec ns1 ping -c 1 10.0.0.2
`

// pcapInterfaces reads a pcapng file back and returns its interface names
// and packet count.
func pcapInterfaces(t *testing.T, path string) (names []string, packets int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := pcapgo.NewNgReader(f, pcapgo.DefaultNgReaderOptions)
	if err != nil {
		t.Fatalf("%s is not a valid pcapng file: %v", path, err)
	}
	for {
		if _, _, err := r.ReadPacketData(); err != nil {
			break
		}
		packets++
	}
	for i := 0; i < r.NInterfaces(); i++ {
		in, _ := r.Interface(i)
		names = append(names, in.Name)
	}
	return names, packets
}

func TestCLIPcap(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name    string
		flags   []string
		script  string
		code    int
		ifaces  string
		packets int
	}{
		{name: "all tap points", script: pingScript, ifaces: "ns1/v1,ns2/v2", packets: 8},
		{name: "restricted", flags: []string{"--capture", "ns2/v2"}, script: pingScript, ifaces: "ns2/v2", packets: 4},
		{name: "valid after a failure", script: pingScript + "ip link set nosuch up\n", code: 1, ifaces: "ns1/v1,ns2/v2", packets: 8},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pcap := filepath.Join(dir, fmt.Sprintf("%d.pcapng", i))
			args := append(append([]string{"run", "--pcap", pcap}, c.flags...), writeScript(t, c.script))
			code, out, errs := nsemu(t, "", args...)
			if code != c.code {
				t.Fatalf("exit %d, want %d\n%s\n%s", code, c.code, out, errs)
			}
			names, n := pcapInterfaces(t, pcap)
			if strings.Join(names, ",") != c.ifaces || n < c.packets {
				t.Errorf("interfaces %v, %d packets; want %s, at least %d", names, n, c.ifaces, c.packets)
			}
		})
	}
	if code, _, errs := nsemu(t, "", "run", "--capture", "ns1/v1", writeScript(t, "true\n")); code != 2 || !strings.Contains(errs, "--capture needs --pcap") {
		t.Errorf("--capture without --pcap: exit %d, %s", code, errs)
	}
}

func TestCLIExplain(t *testing.T) {
	code, out, errs := nsemu(t, "", "run", "--explain=arp", writeScript(t, pingScript))
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	for _, want := range []string{"ns1 v1         → ARP who-has 10.0.0.2 tell 10.0.0.1 (broadcast)", "ns2 v2         → ARP reply 10.0.0.2 is-at ", "1 packets transmitted, 1 received"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if code, _, errs := nsemu(t, "", "run", "--explain=bogus", writeScript(t, "true\n")); code != 2 || !strings.Contains(errs, `unknown --explain category "bogus"`) {
		t.Errorf("--explain=bogus: exit %d, %s", code, errs)
	}
}

func TestCLIStep(t *testing.T) {
	// Keys: two Enters, then q.
	code, out, errs := nsemu(t, "\n\nq\n", "run", "--step", writeScript(t, pingScript))
	if code != 130 || !strings.Contains(errs, "interrupted") {
		t.Fatalf("exit %d (want 130, interrupted)\n%s\n%s", code, out, errs)
	}
	if c := strings.Count(out, "▶ "); c != 3 {
		t.Errorf("paused %d times, want 3:\n%s", c, out)
	}
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader at once.
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

// TestKeep runs a script with --keep: the world stays after the script
// until SIGTERM, then nsemu ends cleanly with status 0.
func TestKeep(t *testing.T) {
	script := writeScript(t, "ip netns add kept\necho ready\n")
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() { done <- run([]string{"run", "--keep", script}, strings.NewReader(""), &out, &errb) }()
	emutest.WaitFor(t, "the script to finish", func() bool { return strings.Contains(errb.String(), "keeps running") })
	select {
	case code := <-done:
		t.Fatalf("nsemu ended (status %d) after the script, with --keep", code)
	default:
	}
	syscall.Kill(os.Getpid(), syscall.SIGTERM)
	select {
	case code := <-done:
		if code != 0 || !strings.Contains(out.String(), "ready") {
			t.Fatalf("status %d, stdout %q, stderr %q", code, out.String(), errb.String())
		}
	case <-time.After(emutest.Deadline):
		t.Fatal("SIGTERM did not end nsemu run --keep")
	}
}

// TestShellRealTime checks that nsemu shell waits on wall-clock time (a
// learner's sleep 1 takes a second) unless --fast, and that run does not
// unless --realtime.
func TestShellRealTime(t *testing.T) {
	wall := func(args ...string) time.Duration {
		start := time.Now()
		stdin := ""
		if args[0] == "shell" {
			stdin = "sleep 0.4\n"
		} else {
			args = append(args, writeScript(t, "sleep 0.4\n"))
		}
		if code, _, errs := nsemu(t, stdin, args...); code != 0 {
			t.Fatalf("nsemu %v: status %d: %s", args, code, errs)
		}
		return time.Since(start)
	}
	if d := wall("shell"); d < 400*time.Millisecond {
		t.Errorf("nsemu shell: sleep 0.4 took %v of wall time", d)
	}
	if d := wall("run", "--realtime"); d < 400*time.Millisecond {
		t.Errorf("nsemu run --realtime: sleep 0.4 took %v of wall time", d)
	}
}

// TestPcapStdout streams the capture to standard output (--pcap -): a
// valid pcapng stream with the frames, and the transcript on standard
// error.
func TestPcapStdout(t *testing.T) {
	script := writeScript(t, "ip netns add a\nip netns add b\nip link add e type veth peer name e netns b\nip link set e netns a\nip -n a addr add 10.9.0.1/24 dev e\nip -n b addr add 10.9.0.2/24 dev e\nip -n a link set e up\nip -n b link set e up\nip netns exec a ping -c 1 10.9.0.2\n")
	code, out, errs := nsemu(t, "", "run", "--pcap", "-", script)
	if code != 0 {
		t.Fatalf("status %d: %s", code, errs)
	}
	if !strings.Contains(errs, "1 packets transmitted, 1 received") {
		t.Errorf("the transcript is not on standard error: %q", errs)
	}
	r, err := pcapgo.NewNgReader(strings.NewReader(out), pcapgo.DefaultNgReaderOptions)
	if err != nil {
		t.Fatalf("standard output is not pcapng: %v", err)
	}
	n := 0
	for {
		if _, _, err := r.ReadPacketData(); err != nil {
			break
		}
		n++
	}
	if n < 4 {
		t.Errorf("%d frames on standard output, want ARP and ICMP both ways", n)
	}
}

// TestCaptureUnknownTap names a tap point no device of the run has: the
// run says so, listing the known ones, and fails.
func TestCaptureUnknownTap(t *testing.T) {
	script := writeScript(t, "ip netns add ns1\nip link add v type veth peer name e netns ns1\n")
	pcap := filepath.Join(t.TempDir(), "x.pcapng")
	code, _, errs := nsemu(t, "", "run", "--pcap", pcap, "--capture", "host/nosuch", script)
	if code == 0 || !strings.Contains(errs, "no tap point host/nosuch") || !strings.Contains(errs, "ns1/e") {
		t.Fatalf("status %d, stderr %q", code, errs)
	}
}

// TestShellInit prepares a world with --init and types in it.
func TestShellInit(t *testing.T) {
	script := writeScript(t, "ip netns add prepared\nf() { echo from-init; }\n")
	// Standard input is a pipe, as when lines are piped to nsemu shell.
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		io.WriteString(pw, "ip netns list\nf\nfalse\necho after\n")
		pw.Close()
	}()
	var outb, errb bytes.Buffer
	code := run([]string{"shell", "--fast", "--init", script}, pr, &outb, &errb)
	out, errs := outb.String(), errb.String()
	if code != 0 || !strings.Contains(out, "prepared\n") || !strings.Contains(out, "from-init\n") || !strings.Contains(out, "after\n") {
		t.Fatalf("status %d, stdout %q, stderr %q", code, out, errs)
	}
}
