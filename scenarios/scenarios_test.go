// Package scenarios holds the runnable tutorial scripts; its tests run every
// script in the emulator, and the ones marked "# kernel: yes" on the real
// Linux kernel too, inside a private network namespace, comparing the two
// step by step.
package scenarios

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"mvdan.cc/sh/v3/syntax"

	"github.com/nsemu/nsemu/emu"
	_ "github.com/nsemu/nsemu/emu/builtin" // every built-in command
	"github.com/nsemu/nsemu/emu/shell"
	"github.com/nsemu/nsemu/emu/teach"
)

// scripts are the tutorial scenarios; the bench-* scripts are
// benchmarks, which TestBenchScripts runs small.
func scripts(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("[0-9]*.sh")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scenarios found: %v", err)
	}
	return files
}

// TestScenarios runs every scenario in a fresh emulated world; each must
// succeed as `nsemu run` would.
func TestScenarios(t *testing.T) {
	for _, f := range scripts(t) {
		t.Run(f, func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			w := emu.New(emu.Options{})
			defer w.Close()
			var out bytes.Buffer
			sh := shell.New(w, nil, &out, &out)
			start := time.Now()
			err = sh.RunScript(context.Background(), f, bytes.NewReader(src), nil)
			t.Logf("%s: wall-clock %s, emulated %s", f, time.Since(start).Round(time.Millisecond), w.Clock().Elapsed().Round(time.Millisecond))
			if err != nil {
				t.Fatalf("%v\noutput:\n%s", err, out.String())
			}
		})
	}
}

// step is one top-level statement's result.
type step struct {
	n      int
	text   string
	status int
	output string
}

// instrument turns a script into one that runs every top-level statement,
// whatever the previous one did, and prints a marker with its exit status.
func instrument(t *testing.T, name string, src []byte) (string, []string) {
	t.Helper()
	f, err := syntax.NewParser().Parse(bytes.NewReader(src), name)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	var texts []string
	b.WriteString("exec 2>&1\n")
	for i, st := range f.Stmts {
		text := string(src[st.Pos().Offset():st.End().Offset()])
		texts = append(texts, text)
		fmt.Fprintf(&b, "%s\necho \"@@step %d $?\"\n", text, i)
	}
	return b.String(), texts
}

var marker = regexp.MustCompile(`(?m)^@@step (\d+) (\d+)$`)

func parseSteps(out string, texts []string) []step {
	var steps []step
	last := 0
	for _, m := range marker.FindAllStringSubmatchIndex(out, -1) {
		n, _ := strconv.Atoi(out[m[2]:m[3]])
		st, _ := strconv.Atoi(out[m[4]:m[5]])
		s := step{n: n, status: st, output: out[last:m[0]]}
		if n < len(texts) {
			s.text = texts[n]
		}
		steps = append(steps, s)
		last = m[1]
	}
	return steps
}

var (
	pingSummary = regexp.MustCompile(`(\d+) packets transmitted, (\d+) received(, \+\d+ errors)?`)
	// pingErrors are the lines iputils prints for a probe an error
	// answered ("From 192.168.28.1 icmp_seq=1 Destination Host
	// Unreachable").
	pingErrors = regexp.MustCompile(`(?m)^From \S+ icmp_seq=\d+ .*$`)
)

// kernelTools are what the kernel run needs.
var kernelTools = []string{"unshare", "bash", "ip", "iptables", "ping", "sysctl", "bridge", "route", "mount", "tc"}

// scenarioTools are the tools a scenario's "# kernel tools: A B" line says
// its kernel run needs beyond kernelTools (traceroute, nc, python3, curl).
func scenarioTools(src []byte) []string {
	for _, line := range strings.Split(string(src), "\n") {
		if rest, ok := strings.CutPrefix(line, "# kernel tools:"); ok {
			return strings.Fields(rest)
		}
	}
	return nil
}

func skipOrFail(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("NSEMU_CI") == "1" {
		t.Fatalf("NSEMU_CI=1 and the kernel comparison cannot run: %s", why)
	}
	t.Skipf("kernel comparison skipped: %s", why)
}

// TestKernelAgreement runs each "# kernel: yes" scenario on the real kernel,
// inside a private network and mount namespace (no real interface is
// touched, no frame leaves it), and checks that every step has the same
// exit status as in nsemu, that pings got the same number of replies and
// errors, and that they printed the same error lines ("From 192.168.28.1
// icmp_seq=1 Destination Host Unreachable").
func TestKernelAgreement(t *testing.T) {
	if os.Geteuid() != 0 {
		skipOrFail(t, "needs root (unshare --net)")
	}
	for _, tool := range kernelTools {
		if _, err := exec.LookPath(tool); err != nil {
			skipOrFail(t, tool+" is not installed (apt-get install iproute2 iptables iputils-ping net-tools util-linux)")
		}
	}
	for _, f := range scripts(t) {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(src, []byte("\n# kernel: yes")) {
			continue
		}
		t.Run(f, func(t *testing.T) {
			for _, tool := range scenarioTools(src) {
				if _, err := exec.LookPath(tool); err != nil {
					skipOrFail(t, tool+" is not installed (this scenario's \"# kernel tools:\" line names it)")
				}
			}
			text, texts := instrument(t, f, src)

			// The emulator.
			w := emu.New(emu.Options{})
			defer w.Close()
			// A background job (conntrack -E &, nc -l &) may still write
			// while the steps are read.
			var eout syncBuffer
			sh := shell.New(w, nil, &eout, &eout)
			start := time.Now()
			sh.RunString(context.Background(), w.Host(), text, nil, &eout, &eout)
			emuTime := time.Since(start)
			esteps := parseSteps(eout.String(), texts)

			// The kernel, in a private network namespace.
			dir := t.TempDir()
			script := filepath.Join(dir, "kernel.sh")
			wrapper := "set -e\nmkdir -p /run/netns\nmount -t tmpfs nsemu-netns /run/netns\nmount --make-private /run/netns\n" +
				privateRTTables + "set +e\n" +
				"export PATH=/usr/sbin:/usr/bin:/sbin:/bin\n" + text
			if err := os.WriteFile(script, []byte(wrapper), 0o644); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, "unshare", "--net", "--mount", "--propagation", "private", "bash", script)
			start = time.Now()
			kout, err := cmd.CombinedOutput()
			kernelTime := time.Since(start)
			if ctx.Err() != nil {
				t.Fatalf("kernel run timed out: %v\n%s", err, kout)
			}
			ksteps := parseSteps(string(kout), texts)
			t.Logf("%s: nsemu %s, kernel %s", f, emuTime.Round(time.Millisecond), kernelTime.Round(time.Millisecond))

			if len(ksteps) != len(texts) || len(esteps) != len(texts) {
				t.Fatalf("steps: %d statements, kernel reported %d, nsemu %d\nkernel output:\n%s\nnsemu output:\n%s", len(texts), len(ksteps), len(esteps), kout, eout.String())
			}
			for i := range texts {
				k, e := ksteps[i], esteps[i]
				if k.status != e.status {
					t.Errorf("step %d `%s`: kernel exit %d, nsemu exit %d\n  kernel: %s\n  nsemu:  %s", i+1, texts[i], k.status, e.status, oneLine(k.output), oneLine(e.output))
					continue
				}
				km, em := pingSummary.FindStringSubmatch(k.output), pingSummary.FindStringSubmatch(e.output)
				if (km == nil) != (em == nil) || (km != nil && (km[1] != em[1] || km[2] != em[2] || km[3] != em[3])) {
					t.Errorf("step %d `%s`: ping results differ\n  kernel: %s\n  nsemu:  %s", i+1, texts[i], oneLine(k.output), oneLine(e.output))
				}
				if ke, ee := pingErrors.FindAllString(k.output, -1), pingErrors.FindAllString(e.output, -1); strings.Join(ke, "\n") != strings.Join(ee, "\n") {
					t.Errorf("step %d `%s`: ping's error lines differ\n  kernel: %q\n  nsemu:  %q", i+1, texts[i], ke, ee)
				}
			}
		})
	}
}

// privateRTTables gives the kernel run a private /etc/iproute2, holding
// Debian's rt_tables, on a tmpfs of its own mount namespace: a tutorial
// that names a routing table (echo "100 isp2" >> /etc/iproute2/rt_tables)
// must not write the real machine's file.
const privateRTTables = "if [ -d /etc/iproute2 ]; then mount -t tmpfs nsemu-iproute2 /etc/iproute2; " +
	"printf '255\\tlocal\\n254\\tmain\\n253\\tdefault\\n0\\tunspec\\n' > /etc/iproute2/rt_tables; fi\n"

func oneLine(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return strings.ReplaceAll(s, "\n", " ⏎ ")
}

// TestScenariosTeach runs every scenario with --explain's narrator and
// --step's stepper attached (the stepper gets Enter three times, then c):
// each must narrate ARP, the bridged ones MAC learning, and the stepper
// must pause; the run must still succeed.
func TestScenariosTeach(t *testing.T) {
	for _, f := range scripts(t) {
		t.Run(f, func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			w := emu.New(emu.Options{})
			defer w.Close()
			var narration, out syncBuf
			cats, _ := teach.ParseCategories("")
			n := teach.NewWorldNarrator(w, &narration, cats)
			detachN := w.Bus().Attach(n)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			st := teach.NewStepper(w, &out, teach.LineKeys(strings.NewReader("\n\n\nc\n")), cancel)
			detachS := w.Bus().Attach(st)
			sh := shell.New(w, nil, &out, &out)
			sh.OnCommand = st.BeforeCommand
			sh.BeforeOutput(n.Flush)
			err = sh.RunScript(ctx, f, bytes.NewReader(src), nil)
			detachS()
			detachN()
			n.Close()
			if err != nil {
				t.Fatalf("%v\n%s", err, out.String())
			}
			text := narration.String()
			if !strings.Contains(text, "→ ARP who-has") {
				t.Errorf("no ARP narrated")
			}
			if bytes.Contains(src, []byte("type bridge")) || bytes.Contains(src, []byte("docker run")) {
				if !strings.Contains(text, " learns ") {
					t.Errorf("no MAC learning narrated")
				}
			}
			if c := strings.Count(out.String(), "▶ "); c < 3 {
				t.Errorf("the stepper paused %d times, want at least 3", c)
			}
		})
	}
}

// syncBuf is a goroutine-safe buffer.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// syncBuffer is a bytes.Buffer safe for concurrent writers and readers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
