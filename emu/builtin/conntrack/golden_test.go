package conntrack_test

import (
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/nsemu/nsemu/emu/builtin/builtintest"
)

// TestGolden compares conntrack's transcripts with the real conntrack's
// (testdata/*.real, recorded by testdata/record.sh in network namespaces).
func TestGolden(t *testing.T) {
	for _, name := range []string{"errors", "nat"} {
		t.Run(name, func(t *testing.T) {
			builtintest.GoldenReal(t, name, normalise, "run testdata/record.sh as root")
		})
	}
}

var (
	// entryRe is a listed entry, up to its timeout.
	entryRe = regexp.MustCompile(`(?m)^((?:ipv4 +2 )?(?:tcp|udp|icmp) +\d+ )\d+ `)
	// lineRe is a listed entry, its timeout normalised.
	lineRe = regexp.MustCompile(`^(ipv4 +2 )?(tcp|udp|icmp) +\d+ T `)
	// idRe is an ICMP echo identifier or an entry's id: random.
	idRe = regexp.MustCompile(`\bid=\d+`)
	// portRe is an ephemeral port (the real ones start at 32768, gVisor's
	// lower).
	portRe = regexp.MustCompile(`\b(sport|dport)=\d{5}\b`)
	// jobRe is the shell's line about a background job, which it prints
	// when it notices the job's end: at one prompt or the next.
	jobRe = regexp.MustCompile(`(?m)^\[\d+\]([+-]? +Done .*| \d+)\n`)
)

// normalise rewrites what differs from run to run: timeouts (seconds
// pass while the real tools run), identifiers, ephemeral ports, the
// shell's job lines; and sorts
// each listing, whose order is the kernel's hash table's.
func normalise(s string) string {
	s = jobRe.ReplaceAllString(s, "")
	s = entryRe.ReplaceAllString(s, "${1}T ")
	s = idRe.ReplaceAllString(s, "id=ID")
	s = portRe.ReplaceAllString(s, "$1=PORT")
	lines := strings.SplitAfter(s, "\n")
	for i := 0; i < len(lines); {
		j := i
		for j < len(lines) && lineRe.MatchString(lines[j]) {
			j++
		}
		sort.Strings(lines[i:j])
		i = j + 1
	}
	return strings.Join(lines, "")
}
