package tc_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/nsemu/nsemu/emu/builtin/builtintest"
	"github.com/nsemu/nsemu/emu/emutest"
)

// The scripts in testdata run one command per line, as typed at nsemu
// shell (builtintest.Transcript); testdata/record.sh recorded the same
// lines with the real tc and kernel (NAME.real).

// recPrefix names the namespaces record.sh makes (${P} in the scripts).
const recPrefix = "nsemu-rec-tc-"

var (
	ifindexRe  = regexp.MustCompile(`(?m)^\d+: `)
	peerRe     = regexp.MustCompile(`@if\d+`)
	refcntRe   = regexp.MustCompile(`refcnt \d+`)
	autoHdlRe  = regexp.MustCompile(`qdisc (\S+) 8[0-9a-f]{3}:(\[8[0-9a-f]{3}0000\])?`)
	notRecoRe  = regexp.MustCompile(`^# not recorded: (.*)`)
	rawHdlNorm = "qdisc $1 8NNN:"
)

// normalize replaces what differs between runs and machines: MAC
// addresses, ifindexes, the handles the kernel picks (its counter is
// machine-wide, so a recording's first is not 8001:), and root qdiscs'
// reference counts (one per transmit queue plus one: Linux gives a veth a
// queue per CPU, nsemu one).
func normalize(s string) string {
	s = builtintest.NormMACs(s)
	s = ifindexRe.ReplaceAllString(s, "N: ")
	s = peerRe.ReplaceAllString(s, "@ifN")
	s = refcntRe.ReplaceAllString(s, "refcnt N")
	return autoHdlRe.ReplaceAllString(s, rawHdlNorm)
}

type block struct{ cmd, body string }

func blocks(s string) []block {
	var bs []block
	for _, l := range strings.SplitAfter(s, "\n") {
		if strings.HasPrefix(l, "$ ") || len(bs) == 0 {
			bs = append(bs, block{cmd: strings.TrimSuffix(l, "\n")})
			continue
		}
		bs[len(bs)-1].body += l
	}
	return bs
}

// compareReal compares nsemu's transcript with the recording, command by
// command, skipping commands marked "# nsemu:" (a difference on purpose).
func compareReal(t *testing.T, name, got, real string) {
	real = strings.ReplaceAll(real, recPrefix, "")
	g, r := blocks(got), blocks(normalize(real))
	if len(g) != len(r) {
		t.Fatalf("%s: %d commands in nsemu's transcript, %d in the recording", name, len(g), len(r))
	}
	for i := range g {
		if g[i].cmd != r[i].cmd {
			t.Fatalf("%s: command %d is %q here and %q in the recording", name, i, g[i].cmd, r[i].cmd)
		}
		if !strings.Contains(g[i].cmd, "# nsemu:") && g[i].body != r[i].body {
			t.Errorf("%s: %s\n--- nsemu:\n%s--- real:\n%s", name, g[i].cmd, g[i].body, r[i].body)
		}
	}
}

// TestTCGolden runs the scripts in testdata and compares the transcript
// with NAME.golden (rewritten by -update) and with the real tc's
// recording, NAME.real. A recording made where the kernel lacks a qdisc
// (netem, on a kernel without sch_netem) says so and holds nothing else:
// that comparison is left out with a log line saying why, and nsemu is
// checked against its golden file, which follows iproute2 6.1's printing
// code, and against netem's documented behaviour (tc_test.go).
func TestTCGolden(t *testing.T) {
	scripts, err := filepath.Glob("testdata/*.sh")
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range scripts {
		if filepath.Base(path) == "record.sh" {
			continue
		}
		name := strings.TrimSuffix(path, ".sh")
		t.Run(filepath.Base(name), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			// Purely emulated time: what ping prints about time is exact (on the
			// warped clock a loaded machine adds a millisecond: time 3001ms).
			got := normalize(builtintest.TranscriptIn(t, builtintest.EmulatedWorld(t), string(src)))
			emutest.Golden(t, name+".golden", got)
			real, err := os.ReadFile(name + ".real")
			if err != nil {
				t.Fatalf("no recording of the real tc: %v (run testdata/record.sh as root)", err)
			}
			if m := notRecoRe.FindStringSubmatch(string(real)); m != nil {
				t.Logf("%s.real: the kernel half is left out: %s", filepath.Base(name), m[1])
				return
			}
			compareReal(t, filepath.Base(name), got, string(real))
		})
	}
}
