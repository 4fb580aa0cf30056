package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/nsemu/nsemu/emu/emutest"
)

// Helpers for the tests that run nsemu as a real process: as an
// unprivileged user, in a network namespace the test made (the only
// places, with loopback, that tests send traffic to).

// needs skips the test when it cannot run here (root, a tool, a file
// given by its absolute path), saying why; under NSEMU_CI=1 that is a
// failure.
func needs(t *testing.T, root bool, tools ...string) {
	t.Helper()
	var why []string
	if root && os.Geteuid() != 0 {
		why = append(why, "root (a network namespace and a TAP device of its own)")
	}
	for _, tool := range tools {
		if strings.HasPrefix(tool, "/") {
			if _, err := os.Stat(tool); err != nil {
				why = append(why, tool)
			}
			continue
		}
		if _, err := exec.LookPath(tool); err != nil {
			why = append(why, tool)
		}
	}
	if len(why) == 0 {
		return
	}
	if os.Getenv("NSEMU_CI") == "1" {
		t.Fatalf("NSEMU_CI=1 and this test needs %s", strings.Join(why, ", "))
	}
	t.Skipf("needs %s", strings.Join(why, ", "))
}

// netns is a network namespace the test made, deleted when it ends.
type netns struct {
	name string
	f    *os.File
}

var netnsSeq atomic.Int64

func newNetns(t *testing.T) *netns {
	t.Helper()
	name := fmt.Sprintf("nsemu-uplink-%d-%d", os.Getpid(), netnsSeq.Add(1))
	sh(t, "ip", "netns", "add", name)
	t.Cleanup(func() { exec.Command("ip", "netns", "del", name).Run() })
	f, err := os.Open("/run/netns/" + name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	n := &netns{name: name, f: f}
	n.ip(t, "link", "set", "lo", "up")
	return n
}

// ip runs `ip -n NS args...`.
func (n *netns) ip(t *testing.T, args ...string) {
	t.Helper()
	sh(t, "ip", append([]string{"-n", n.name}, args...)...)
}

// exec runs a command inside the namespace and returns its output.
func (n *netns) exec(args ...string) (string, error) {
	out, err := exec.Command("ip", append([]string{"netns", "exec", n.name}, args...)...).CombinedOutput()
	return string(out), err
}

// do runs f on a thread that has entered the namespace: the sockets f
// opens are the namespace's. The thread is discarded afterwards.
func (n *netns) do(f func()) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread goes with the goroutine
		if err := unix.Setns(int(n.f.Fd()), unix.CLONE_NEWNET); err != nil {
			errc <- fmt.Errorf("setns %s: %w", n.name, err)
			return
		}
		f()
		errc <- nil
	}()
	return <-errc
}

func (n *netns) listen(t *testing.T, network, addr string) net.Listener {
	t.Helper()
	var l net.Listener
	var err error
	if derr := n.do(func() { l, err = net.Listen(network, addr) }); derr != nil {
		t.Fatal(derr)
	}
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// get fetches url from inside the namespace (n nil: from the test's own).
func (n *netns) get(url string) (string, error) {
	dial := func(ctx context.Context, network, addr string) (c net.Conn, err error) {
		var d net.Dialer
		if n == nil {
			return d.DialContext(ctx, network, addr)
		}
		if derr := n.do(func() { c, err = d.DialContext(ctx, network, addr) }); derr != nil {
			return nil, derr
		}
		return c, err
	}
	cl := &http.Client{Timeout: emutest.Deadline, Transport: &http.Transport{DialContext: dial, DisableKeepAlives: true}}
	resp, err := cl.Get(url)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}

// serve answers HTTP on l: "hello CLIENT-ADDRESS PATH".
func serve(t *testing.T, l net.Listener) {
	t.Helper()
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, _ := net.SplitHostPort(r.RemoteAddr)
		fmt.Fprintf(w, "hello %s %s\n", host, r.URL.Path)
	})}
	done := make(chan struct{})
	go func() { srv.Serve(l); close(done) }()
	t.Cleanup(func() { srv.Close(); <-done })
}

func sh(t *testing.T, name string, args ...string) {
	t.Helper()
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

// nobody is the unprivileged user the tests run nsemu as.
const nobody = "65534"

// workDir makes a directory that nobody can use, with this test binary
// in it (as nsemu) and the given files.
func workDir(t *testing.T, files map[string]string) (dir, bin string) {
	t.Helper()
	dir = t.TempDir()
	for d := dir; d != os.TempDir() && d != "/"; d = filepath.Dir(d) {
		os.Chmod(d, 0o755)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	bin = filepath.Join(dir, "nsemu")
	if err := os.WriteFile(bin, b, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir, bin
}

// proc is nsemu running as a process.
type proc struct {
	cmd      *exec.Cmd
	stdin    io.WriteCloser
	out, err syncBuffer
	done     chan struct{}
	code     int
}

// start runs argv (ending with nsemu's) in dir, with the test binary
// acting as nsemu.
func start(t *testing.T, dir string, argv ...string) *proc {
	t.Helper()
	p := &proc{cmd: exec.Command(argv[0], argv[1:]...), done: make(chan struct{})}
	p.cmd.Dir = dir
	p.cmd.Env = append(os.Environ(), asNsemu+"=1", "HOME="+dir)
	p.cmd.Stdout, p.cmd.Stderr = &p.out, &p.err
	var err error
	if p.stdin, err = p.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		p.cmd.Wait()
		p.code = p.cmd.ProcessState.ExitCode()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.done
	})
	return p
}

// waitOutput waits until stdout or stderr contains s, or the process
// ends.
func (p *proc) waitOutput(t *testing.T, s string) {
	t.Helper()
	emutest.WaitFor(t, fmt.Sprintf("nsemu to print %q", s), func() bool {
		select {
		case <-p.done:
			t.Fatalf("nsemu ended (status %d) before printing %q\nstdout:\n%s\nstderr:\n%s", p.code, s, p.out.String(), p.err.String())
		default:
		}
		return strings.Contains(p.out.String()+p.err.String(), s)
	})
}

// term sends SIGTERM and waits for the process to end with status 0.
func (p *proc) term(t *testing.T) {
	t.Helper()
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(emutest.Deadline):
		t.Fatalf("nsemu did not end on SIGTERM\nstderr:\n%s", p.err.String())
	}
	if p.code != 0 {
		t.Fatalf("nsemu ended with status %d after SIGTERM\nstdout:\n%s\nstderr:\n%s", p.code, p.out.String(), p.err.String())
	}
}

// runsAs checks that the process runs as user uid, without privileges.
func (p *proc) runsAs(t *testing.T, uid string) {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) == 5 && f[0] == "Uid:" && f[2] != uid:
			t.Errorf("nsemu runs as user %s, want %s: %s", f[2], uid, line)
		case len(f) == 2 && f[0] == "CapEff:" && f[1] != "0000000000000000":
			t.Errorf("nsemu has capabilities: %s", line)
		}
	}
}
