package iproute2_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/nsemu/nsemu/emu/builtin/builtintest"
	"github.com/nsemu/nsemu/emu/emutest"
)

// recPrefix names the namespaces testdata/record.sh makes; its
// private namespace ${recPrefix}host stands for nsemu's host namespace.
const recPrefix = "nsemu-rec-g-"

var (
	ifindexRe   = regexp.MustCompile(`(?m)^\d+: `)
	peerIndexRe = regexp.MustCompile(`@if\d+`)
	pingTimeRe  = regexp.MustCompile(`time=[0-9.]+ ms`)
	pingTotalRe = regexp.MustCompile(`, time \d+ms`)
	rttRe       = regexp.MustCompile(`rtt min/avg/max/mdev = \S+ ms`)
	statsRowRe  = regexp.MustCompile(`(?m)^ +\d+ +\d+ +\d+ +\d+ +\d+ +\d+ $`)
	loV6Re      = regexp.MustCompile(` ::1/128`)
	fe80Re      = regexp.MustCompile(` fe80::\S+`)
	// The bridge's timers run, and the JSON indexes are the namespace's
	// own on Linux (nsemu numbers devices across the world).
	timerRe     = regexp.MustCompile(`(_timer"?:?) +\d+\.\d+`)
	jsonIndexRe = regexp.MustCompile(`"(ifindex|link_index)": ?\d+`)
)

// normShape makes outputs comparable: MAC addresses, bridge ids,
// ifindexes, times and counters are replaced by placeholders.
func normShape(s string) string {
	s = builtintest.NormMACs(s)
	s = ifindexRe.ReplaceAllString(s, "N: ")
	s = peerIndexRe.ReplaceAllString(s, "@ifN")
	s = pingTimeRe.ReplaceAllString(s, "time=T ms")
	s = pingTotalRe.ReplaceAllString(s, ", time Tms")
	s = rttRe.ReplaceAllString(s, "rtt min/avg/max/mdev = T ms")
	s = timerRe.ReplaceAllString(s, "$1 T")
	s = jsonIndexRe.ReplaceAllString(s, `"$1":N`)
	return statsRowRe.ReplaceAllString(s, "    COUNTERS")
}

// realToNsemu removes from a real recording what nsemu does not emulate,
// on purpose: IPv6 (link-local addresses), and the name of the private
// namespace that stood for the host (nsemu's host has no name, so its
// peers see it as link-netnsid 0).
func realToNsemu(s string) string {
	s = strings.ReplaceAll(s, "link-netns "+recPrefix+"host", "link-netnsid 0")
	s = strings.ReplaceAll(s, recPrefix, "")
	lines := strings.Split(s, "\n")
	var out []string
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if strings.Contains(l, "inet6 ") {
			if !strings.Contains(l, "\\") && i+1 < len(lines) && strings.Contains(lines[i+1], "valid_lft") {
				i++
			}
			continue
		}
		out = append(out, loV6Re.ReplaceAllString(fe80Re.ReplaceAllString(l, ""), ""))
	}
	return strings.Join(out, "\n")
}

// runShapeScript runs testdata/prelude.sh and a script in a fresh
// world and returns its standard output.
func runShapeScript(t *testing.T, path string) string {
	t.Helper()
	prelude, err := os.ReadFile("testdata/prelude.sh")
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return builtintest.MustRun(t, builtintest.World(t), nil, "P=\n"+string(prelude)+string(src))
}

// TestIPToolsGolden runs the scripts in testdata on nsemu and compares the
// (normalised) output with NAME.golden (rewritten by -update), and with
// NAME.real, what iproute2 6.1, bridge-utils 1.7 and ping printed for the
// same script (recorded by record.sh as root), less what nsemu leaves out on
// purpose (IPv6).
func TestIPToolsGolden(t *testing.T) {
	scripts, err := filepath.Glob("testdata/*.sh")
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range scripts {
		switch filepath.Base(path) {
		case "prelude.sh", "record.sh":
			continue
		}
		name := strings.TrimSuffix(path, ".sh")
		t.Run(filepath.Base(name), func(t *testing.T) {
			got := normShape(runShapeScript(t, path))
			emutest.Golden(t, name+".golden", got)
			real, err := os.ReadFile(name + ".real")
			if err != nil {
				t.Logf("no recording of the real tools: %v", err)
				return
			}
			if want := normShape(realToNsemu(string(real))); got != want {
				t.Errorf("output differs from the real tools' (%s.real) (-real +nsemu):\n%s", name, emutest.Diff(want, got))
			}
		})
	}
}
