package scenarios

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/shell"
)

// BenchmarkNamespacesCLI runs bench-namespaces.sh, the namespace-scale
// loop, through the shell as `nsemu run` does: N namespaces each with a
// veth on one bridge, one command at a time, then a first-to-last ping. It
// reports the time and the heap per namespace. NSEMU_BENCH_N sets N
// (1 000 by default); NSEMU_BENCH_HEAPPROFILE=FILE writes the heap profile
// of the built world (-memprofile sees it only after it is closed).
func BenchmarkNamespacesCLI(b *testing.B) {
	n := 1000
	if s := os.Getenv("NSEMU_BENCH_N"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 1 {
			b.Fatalf("NSEMU_BENCH_N=%q: want a count", s)
		}
		n = v
	}
	src, err := os.ReadFile("bench-namespaces.sh")
	if err != nil {
		b.Fatal(err)
	}
	b.Run(fmt.Sprint(n), func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			benchNamespacesCLI(b, src, n)
		}
	})
}

func benchNamespacesCLI(b *testing.B, src []byte, n int) {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	w := emu.New(emu.Options{})
	defer w.Close()
	var out bytes.Buffer
	sh := shell.New(w, nil, &out, &out)
	err := sh.RunScript(context.Background(), "bench-namespaces.sh", bytes.NewReader(src), []string{strconv.Itoa(n)})
	el := time.Since(start)
	if err != nil {
		b.Fatalf("%v\noutput:\n%s", err, out.String())
	}
	goroutines := runtime.NumGoroutine()
	runtime.GC()
	runtime.ReadMemStats(&after)
	if p := os.Getenv("NSEMU_BENCH_HEAPPROFILE"); p != "" {
		writeHeapProfile(b, p)
	}
	b.ReportMetric(el.Seconds(), "s-total")
	b.ReportMetric(float64(el.Microseconds())/float64(n), "µs/ns")
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(n)/1024, "KiB/ns")
	b.ReportMetric(float64(after.StackInuse-before.StackInuse)/float64(n)/1024, "stack-KiB/ns")
	b.ReportMetric(float64(goroutines)/float64(n), "goroutines/ns")
	// Allocation is most of the CPU a namespace costs, and unlike time it
	// does not vary with the machine's load.
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(n), "allocs/ns")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(n)/1024, "alloc-KiB/ns")
}

// smokeArgs is a bench script's "# smoke: ARGS" line: the arguments that
// make it small enough for the test suite.
var smokeArgs = regexp.MustCompile(`(?m)^# smoke:(.*)$`)

// smokeWant is its "# smoke-want: TEXT" line: what the output of the small
// run must contain.
var smokeWant = regexp.MustCompile(`(?m)^# smoke-want:(.*)$`)

// TestBenchScripts runs every bench-* script with its smoke arguments (and
// checks its smoke-want text in the output): the
// benchmarks keep working, at a size the suite can afford (their figures
// come from full runs: README.md, "Performance").
func TestBenchScripts(t *testing.T) {
	files, err := filepath.Glob("bench-*.sh")
	if err != nil || len(files) == 0 {
		t.Fatalf("no bench scripts found: %v", err)
	}
	for _, f := range files {
		t.Run(f, func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			m := smokeArgs.FindSubmatch(src)
			if m == nil {
				t.Fatalf("%s has no \"# smoke: ARGS\" line", f)
			}
			w := emu.New(emu.Options{})
			defer w.Close()
			var out bytes.Buffer
			sh := shell.New(w, nil, &out, &out)
			if err := sh.RunScript(context.Background(), f, bytes.NewReader(src), strings.Fields(string(m[1]))); err != nil {
				t.Fatalf("%v\noutput:\n%s", err, out.String())
			}
			want := smokeWant.FindSubmatch(src)
			if want == nil {
				t.Fatalf("%s has no \"# smoke-want: TEXT\" line", f)
			}
			if w := strings.TrimSpace(string(want[1])); !strings.Contains(out.String(), w) {
				t.Errorf("the output has no %q:\n%s", w, out.String())
			}
		})
	}
}

// TestBenchScriptsOnKernel runs every bench-* script's smoke on the real
// kernel through kernel-run.sh, as the README's performance section does
// for the kernel's figures, and checks the same smoke-want text: the
// kernel's column stays reproducible.
func TestBenchScriptsOnKernel(t *testing.T) {
	if os.Geteuid() != 0 {
		skipOrFail(t, "needs root (unshare --net)")
	}
	for _, tool := range []string{"unshare", "bash", "ip", "ping", "iperf3", "ethtool"} {
		if _, err := exec.LookPath(tool); err != nil {
			skipOrFail(t, tool+" is not installed")
		}
	}
	files, err := filepath.Glob("bench-*.sh")
	if err != nil || len(files) == 0 {
		t.Fatalf("no bench scripts found: %v", err)
	}
	for _, f := range files {
		t.Run(f, func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			args, want := smokeArgs.FindSubmatch(src), smokeWant.FindSubmatch(src)
			if args == nil || want == nil {
				t.Fatalf("%s has no \"# smoke:\" or \"# smoke-want:\" line", f)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, "sh", append([]string{"kernel-run.sh", f}, strings.Fields(string(args[1]))...)...)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("kernel run: %v\n%s", err, out)
			}
			if w := strings.TrimSpace(string(want[1])); !strings.Contains(string(out), w) {
				t.Errorf("the kernel's output has no %q:\n%s", w, out)
			}
		})
	}
}

func writeHeapProfile(b *testing.B, path string) {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if err := pprof.WriteHeapProfile(f); err != nil {
		b.Fatal(err)
	}
}
