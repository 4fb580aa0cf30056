package main

import (
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	flag "github.com/spf13/pflag"

	"github.com/nsemu/nsemu/emu/emutest"
)

func TestWebArgs(t *testing.T) {
	script := writeScript(t, "true\n")
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.String("pcap", "", "")
	fs.Bool("stats", false, "")
	webFlag(fs, "")
	cases := []struct{ in, want string }{
		{"--web SCRIPT", "--web SCRIPT"},
		{"--web 8080 SCRIPT", "--web=8080 SCRIPT"},
		{"--web 127.0.0.1:9000 SCRIPT a:1", "--web=127.0.0.1:9000 SCRIPT a:1"},
		{"--web :9000 SCRIPT", "--web=:9000 SCRIPT"},
		{"--pcap 8080 --web SCRIPT", "--pcap 8080 --web SCRIPT"},
		{"--stats --web 1 SCRIPT", "--stats --web=1 SCRIPT"},
		{"SCRIPT --web 8080", "SCRIPT --web 8080"},
		{"--web=:1 SCRIPT", "--web=:1 SCRIPT"},
		{"-- --web 1", "-- --web 1"},
	}
	for _, c := range cases {
		in := strings.Fields(strings.ReplaceAll(c.in, "SCRIPT", script))
		got := strings.Join(webArgs(fs, in), " ")
		if want := strings.ReplaceAll(c.want, "SCRIPT", script); got != want {
			t.Errorf("webArgs(%q) = %q, want %q", c.in, got, want)
		}
	}
}

func TestCLIWebErrors(t *testing.T) {
	script := writeScript(t, "true\n")
	for _, c := range []struct {
		args []string
		err  string
	}{
		{[]string{"run", "--web", "--step", script}, "--step and --web"},
		{[]string{"run", "--web=nonsense", script}, `web view address "nonsense"`},
		{[]string{"shell", "--web", "x"}, `unexpected argument "x"`},
	} {
		code, _, errs := nsemu(t, "", c.args...)
		if code != 2 || !strings.Contains(errs, c.err) {
			t.Errorf("nsemu %v: exit %d, stderr %q; want 2 and %q", c.args, code, errs, c.err)
		}
	}
}

var urlRe = regexp.MustCompile(`web view at (http://127\.0\.0\.1:[0-9]+/)`)

// TestCLIWeb: nsemu run --web prints the page's address on loopback and
// waits before the first command until the page says continue.
func TestCLIWeb(t *testing.T) {
	script := writeScript(t, "ip netns add web1\necho ran\n")
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() { done <- run([]string{"run", "--web", script}, strings.NewReader(""), &out, &errb) }()
	emutest.WaitFor(t, "the URL", func() bool { return urlRe.MatchString(errb.String()) })
	url := urlRe.FindStringSubmatch(errb.String())[1]
	emutest.WaitFor(t, "the pause before line 1", func() bool {
		resp, err := http.Get(url + "api/step")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return strings.Contains(string(b), `"what":"line 1: ip netns add web1"`)
	})
	if strings.Contains(out.String(), "ran") {
		t.Fatalf("the script ran before the page said so")
	}
	resp, err := http.Post(url+"api/step", "application/json", strings.NewReader(`{"action":"continue"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	select {
	case code := <-done:
		if code != 0 || out.String() != "ran\n" {
			t.Fatalf("status %d, stdout %q, stderr %q", code, out.String(), errb.String())
		}
	case <-time.After(emutest.Deadline):
		t.Fatal("the script did not end after continue")
	}
}

// TestCLIWebInterrupted: SIGTERM while the script waits for the page
// ends nsemu run --web --keep.
func TestCLIWebInterrupted(t *testing.T) {
	script := writeScript(t, "ip netns add web1\n")
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() { done <- run([]string{"run", "--web", "--keep", script}, strings.NewReader(""), &out, &errb) }()
	emutest.WaitFor(t, "the URL", func() bool { return urlRe.MatchString(errb.String()) })
	syscall.Kill(os.Getpid(), syscall.SIGTERM)
	select {
	case code := <-done:
		if code == 0 {
			t.Errorf("status 0 after SIGTERM before the first command; stderr %q", errb.String())
		}
	case <-time.After(emutest.Deadline):
		t.Fatal("SIGTERM did not end nsemu run --web paused before its first command")
	}
}

// TestCLIShellWeb: nsemu shell --web serves the page while the shell
// reads commands.
func TestCLIShellWeb(t *testing.T) {
	code, out, errs := nsemu(t, "ip netns add s1\nip netns list\n", "shell", "--web")
	if code != 0 || !urlRe.MatchString(errs) || !strings.Contains(out, "s1") {
		t.Fatalf("exit %d\nstdout %q\nstderr %q", code, out, errs)
	}
}
