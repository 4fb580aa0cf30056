package web

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nsemu/nsemu/emu/emutest"
)

// The browser test needs node, Debian's chromium and the playwright-core
// npm package (found through NODE_PATH: NSEMU_E2E_NODE_PATH, or
// ~/.cache/nsemu-e2e/node_modules where .ci/run installs it).
const chromiumPath = "/usr/bin/chromium"

// need skips the test for a missing tool, or fails it under NSEMU_CI=1.
func need(t *testing.T, what string) {
	t.Helper()
	msg := "the browser test needs " + what
	if os.Getenv("NSEMU_CI") == "1" {
		t.Fatal(msg + " (NSEMU_CI=1: missing tools fail)")
	}
	t.Skip(msg)
}

// browserTools returns node and the NODE_PATH that finds playwright-core.
func browserTools(t *testing.T) (node, nodePath string) {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		need(t, "node (apt-get install nodejs)")
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		need(t, chromiumPath+" (apt-get install chromium)")
	}
	nodePath = os.Getenv("NSEMU_E2E_NODE_PATH")
	if nodePath == "" {
		home, _ := os.UserHomeDir()
		nodePath = filepath.Join(home, ".cache", "nsemu-e2e", "node_modules")
	}
	cmd := exec.Command(node, "-e", "require.resolve('playwright-core')")
	cmd.Env = append(os.Environ(), "NODE_PATH="+nodePath)
	if out, err := cmd.CombinedOutput(); err != nil {
		need(t, "playwright-core in "+nodePath+" (npm install --prefix "+filepath.Dir(nodePath)+" playwright-core; or set NSEMU_E2E_NODE_PATH): "+strings.TrimSpace(string(out)))
	}
	return node, nodePath
}

// outDir is where a browser test leaves its screenshots and downloads:
// NSEMU_E2E_OUT when set (to look at them), else a temporary directory.
func outDir(t *testing.T) string {
	if d := os.Getenv("NSEMU_E2E_OUT"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

// TestBrowser drives the page in headless Chromium through seed 002's
// first ping (testdata/e2e.cjs says how), then opens the capture it
// downloaded with tshark. With -update it keeps the screenshot as
// testdata/screenshot.png.
func TestBrowser(t *testing.T) {
	node, nodePath := browserTools(t)
	tshark, err := exec.LookPath("tshark")
	if err != nil {
		need(t, "tshark (apt-get install tshark)")
	}
	src, err := os.ReadFile("../../scenarios/002-veth-bridge-nat.sh")
	if err != nil {
		t.Fatal(err)
	}
	w, srv := view(t, "002-veth-bridge-nat.sh")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st := srv.Stepper(ctx, cancel)
	sh := newShell(w)
	sh.OnCommand = st.BeforeCommand
	sh.Stepper = st
	done := make(chan error, 1)
	go func() { done <- sh.RunScript(ctx, "002-veth-bridge-nat.sh", bytes.NewReader(src), nil) }()

	out := outDir(t)
	bctx, bcancel := context.WithTimeout(ctx, 3*time.Minute)
	defer bcancel()
	cmd := exec.CommandContext(bctx, node, "testdata/e2e.cjs", srv.URL(), out)
	cmd.Env = append(os.Environ(), "NODE_PATH="+nodePath)
	logs, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the browser test failed: %v\n%s", err, logs)
	}
	t.Logf("browser: %s", strings.TrimSpace(string(logs)))
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("the scenario failed: %v", err)
		}
	case <-time.After(emutest.Deadline):
		t.Fatal("the scenario did not end after Continue")
	}

	pcap := filepath.Join(out, "capture.pcapng")
	summary, err := exec.Command(tshark, "-r", pcap, "-n", "-Y", "arp || icmp", "-T", "fields", "-e", "frame.interface_name", "-e", "_ws.col.Info").CombinedOutput()
	if err != nil {
		t.Fatalf("tshark -r %s: %v\n%s", pcap, err, summary)
	}
	for _, want := range []string{
		"ns1/veth-1\tWho has 192.168.28.2? Tell 192.168.28.1",
		"host/veth-1-br\t192.168.28.2 is at",
		"ns1/veth-1\tEcho (ping) request",
		"upstream/eth0\tEcho (ping) reply",
	} {
		if !strings.Contains(string(summary), want) {
			t.Errorf("tshark does not show %q in the downloaded capture:\n%.3000s", want, summary)
		}
	}
	if *emutest.Update {
		shot, err := os.ReadFile(filepath.Join(out, "screenshot.png"))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile("testdata/screenshot.png", shot, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
