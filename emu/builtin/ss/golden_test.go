package ss_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/nsemu/nsemu/emu/builtin/builtintest"
	"github.com/nsemu/nsemu/emu/emutest"
)

// The scripts in testdata run one command per line, as typed at nsemu
// shell (builtintest.Transcript); testdata/record.sh recorded the same
// lines with the real ss, nc and python3 in a network namespace
// (NAME.real).

var (
	pidRe = regexp.MustCompile(`pid=\d+`)
	// ephRe: ports in the ephemeral range differ from run to run.
	ephRe = regexp.MustCompile(`\b(3[2-9]\d\d\d|[45]\d\d\d\d|60\d\d\d)\b`)
	inoRe = regexp.MustCompile(` ino:\d+ sk:[0-9a-f]+`)
	// cgroupRe: the recording machine has no cgroup2 mount; nsemu
	// emulates no cgroups.
	cgroupRe = regexp.MustCompile(` cgroup:\S+`)
	// The summary's first two lines count the machine's sockets, not the
	// namespace's, in the recording.
	totalRe = regexp.MustCompile(`(?m)^Total: \d+\nTCP: .*$`)
	// Lines of the recording machine's kernel and mounts, not of ss.
	machineRe = regexp.MustCompile(`(?m)^(RTNETLINK answers: Invalid argument|Failed to find cgroup2 mount)\n`)
)

// normalize replaces what differs between runs and machines; wide is
// true when a replacement may change a column's width (the trailing
// padding of the last column then differs).
func normalize(s string) (string, bool) {
	wide := pidRe.MatchString(s) || inoRe.MatchString(s)
	s = pidRe.ReplaceAllString(s, "pid=N")
	s = ephRe.ReplaceAllString(s, "EPHEM")
	s = inoRe.ReplaceAllString(s, " ino:N sk:N")
	s = cgroupRe.ReplaceAllString(s, "")
	s = totalRe.ReplaceAllString(s, "Total: N\nTCP: N")
	return machineRe.ReplaceAllString(s, ""), wide
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

// canon is a block's body for the comparison: its lines sorted (the
// kernel lists sockets in its hash tables' order, nsemu in the order they
// were made), trailing blanks trimmed where a normalized field changed a
// width.
func canon(body string, trim bool) string {
	lines := strings.Split(strings.TrimSuffix(body, "\n"), "\n")
	if trim {
		for i := range lines {
			lines[i] = strings.TrimRight(lines[i], " ")
		}
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

// compareReal compares nsemu's transcript with the recording, command by
// command, skipping commands marked "# nsemu:" (a difference on purpose:
// nsemu's shell prints a background job's number and pid).
func compareReal(t *testing.T, name, got, real string) {
	g, r := blocks(got), blocks(real)
	if len(g) != len(r) {
		t.Fatalf("%s: %d commands in nsemu's transcript, %d in the recording", name, len(g), len(r))
	}
	for i := range g {
		if g[i].cmd != r[i].cmd {
			t.Fatalf("%s: command %d is %q here and %q in the recording", name, i, g[i].cmd, r[i].cmd)
		}
		if strings.Contains(g[i].cmd, "# nsemu:") {
			continue
		}
		gb, gw := normalize(g[i].body)
		rb, rw := normalize(r[i].body)
		if canon(gb, gw || rw) != canon(rb, gw || rw) {
			t.Errorf("%s: %s\n--- nsemu:\n%s--- real:\n%s", name, g[i].cmd, g[i].body, r[i].body)
		}
	}
}

// TestSSGolden runs the scripts in testdata and compares the transcript
// with NAME.golden (rewritten by -update) and with the real ss's
// recording, NAME.real.
func TestSSGolden(t *testing.T) {
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
			got := builtintest.Transcript(t, string(src))
			norm, _ := normalize(got)
			emutest.Golden(t, name+".golden", norm)
			real, err := os.ReadFile(name + ".real")
			if err != nil {
				t.Fatalf("no recording of the real ss: %v (run testdata/record.sh as root)", err)
			}
			compareReal(t, filepath.Base(name), got, string(real))
		})
	}
}
