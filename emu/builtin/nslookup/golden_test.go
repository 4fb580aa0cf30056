package nslookup_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/nsemu/nsemu/emu/builtin/builtintest"
	"github.com/nsemu/nsemu/emu/emutest"
	"github.com/nsemu/nsemu/emu/shell"
)

// setup: containers web (172.18.0.2) and db (172.18.0.3) and a busybox
// container c on a user-defined network, whose embedded DNS server
// answers their names.
const setup = `docker network create n
docker run -d --name web --network n nginx
docker run -d --name db --network n nginx
docker run -d --name c --network n busybox sleep 1000
`

// TestGolden runs testdata/busybox.sh's lines in the busybox container
// (docker exec c LINE) and compares the transcript with busybox.golden and
// with the real busybox's (busybox.real, recorded by testdata/record.sh
// against a server answering as the embedded one does).
func TestGolden(t *testing.T) {
	w := builtintest.World(t)
	builtintest.MustRun(t, w, nil, setup)
	src, err := os.ReadFile("testdata/busybox.sh")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	sh := shell.New(w, nil, &out, &out)
	for _, line := range strings.Split(strings.TrimSpace(string(src)), "\n") {
		fmt.Fprintf(&out, "$ %s\n", line)
		st := sh.RunLine(context.Background(), "docker exec c "+line)
		fmt.Fprintf(&out, "[rc=%d]\n", st)
	}
	got := out.String()
	emutest.Golden(t, "testdata/busybox.golden", got)
	real, err := os.ReadFile("testdata/busybox.real")
	if err != nil {
		t.Fatal(err)
	}
	if got != string(real) {
		t.Errorf("nsemu's transcript differs from the real busybox's:\n--- nsemu:\n%s--- real:\n%s", got, real)
	}
}

// TestOutsideBusybox: nslookup elsewhere is bind9's, not emulated; in an
// alpine container it is busybox's too.
func TestOutsideBusybox(t *testing.T) {
	w := builtintest.World(t)
	builtintest.MustRun(t, w, nil, setup+"docker run -d --name a --network n alpine sleep 1000\n")
	r := builtintest.Run(t, w, nil, "nslookup web")
	if r.Status != 1 || !strings.Contains(r.Err, "nsemu: nslookup: not emulated (busybox's is, in a busybox or alpine container)") {
		t.Errorf("host's nslookup: status %d, %q", r.Status, r.Err)
	}
	r = builtintest.Run(t, w, nil, "docker exec web nslookup db")
	if r.Status != 1 || !strings.Contains(r.Err, "not emulated") {
		t.Errorf("nginx's nslookup: status %d, %q", r.Status, r.Err)
	}
	out := builtintest.MustRun(t, w, nil, "docker exec a nslookup -type=a db")
	if want := "Server:\t\t127.0.0.11\nAddress:\t127.0.0.11:53\n\nNon-authoritative answer:\nName:\tdb\nAddress: 172.18.0.3\n\n"; out != want {
		t.Errorf("alpine's nslookup:\n%q\nwant\n%q", out, want)
	}
}
