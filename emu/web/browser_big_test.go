//go:build !race

// Not under the race detector: ten thousand namespaces take ten times
// the memory and time there. .ci/run runs this test on its own.

package web

import (
	"bufio"
	"context"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/nsemu/nsemu/emu"
	"github.com/nsemu/nsemu/emu/emutest"
)

// pingLast pings the last namespace from the first.
func pingLast(t *testing.T, ctx context.Context, nss []*emu.Namespace, what string) {
	n := len(nss)
	last := netip.AddrFrom4([4]byte{10, byte((n - 1) >> 16), byte((n - 1) >> 8), byte(n - 1)})
	start := time.Now()
	r, err := nss[0].Ping(ctx, last, 10*time.Second)
	if err != nil {
		t.Errorf("ping ns0 → ns%d (%s): %v after %v", n-1, what, err, time.Since(start))
		return
	}
	t.Logf("ping ns0 → ns%d (%s): rtt %v", n-1, what, r.RTT)
}

// TestBrowserManyNamespaces: 10 000 namespaces on one bridge still draw
// (compactly), respond, and a broadcast to every port is sampled, not
// queued. NSEMU_MANY sets another count.
func TestBrowserManyNamespaces(t *testing.T) {
	node, nodePath := browserTools(t)
	n := 10000
	if s := os.Getenv("NSEMU_MANY"); s != "" {
		fmt.Sscan(s, &n)
	}
	if testing.Short() {
		n = 500
	}
	w, srv := view(t)
	start := time.Now()
	nss := manyOnABridge(t, w, n)
	t.Logf("%d namespaces built in %v", n, time.Since(start).Round(time.Millisecond))
	srv.topo.refresh()

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "testdata/e2e-big.cjs", srv.URL(), outDir(t), fmt.Sprint(n))
	cmd.Env = append(os.Environ(), "NODE_PATH="+nodePath)
	var errs strings.Builder // written by exec's goroutine until Wait
	cmd.Stderr = &errs
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stdout)
	var logs []string
	for sc.Scan() {
		line := sc.Text()
		logs = append(logs, line)
		if line == "drawn" {
			// The first ping floods its ARP request to every port: the
			// view may drop some of what follows. The second one, once
			// the view has caught up, must be seen.
			pingLast(t, ctx, nss, "flooding")
			// Every copy of the flood delivered and seen: its last lines
			// must not bury the second ping's in the page's timeline.
			emutest.WaitFor(t, "the flood to end and the view to catch up", func() bool {
				return w.Idle() && srv.hub.idle()
			})
			pingLast(t, ctx, nss, "again")
		}
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("the browser test failed: %v\n%s\n%s", err, strings.Join(logs, "\n"), errs.String())
	}
	t.Logf("browser: %s", strings.Join(logs, "; "))
}
