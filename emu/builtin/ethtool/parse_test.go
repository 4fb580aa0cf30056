package ethtool

import (
	"strings"
	"testing"

	"github.com/nsemu/nsemu/emu/builtin/internal/parsetest"
)

var parseCases = []parsetest.Case[Request]{
	{Args: "eth0", Want: Request{Mode: ModeSettings, Dev: "eth0"}},
	{Args: "-i eth0", Want: Request{Mode: ModeDriver, Dev: "eth0"}},
	{Args: "--driver eth0", Want: Request{Mode: ModeDriver, Dev: "eth0"}},
	{Args: "-k veth0", Want: Request{Mode: ModeFeatures, Dev: "veth0"}},
	{Args: "--show-offload veth0", Want: Request{Mode: ModeFeatures, Dev: "veth0"}},
	{Args: "-S veth0", Want: Request{Mode: ModeStats, Dev: "veth0"}},
	{Args: "-K veth0", Want: Request{Mode: ModeSetFeatures, Dev: "veth0"}},
	{Args: "-K veth0 tso off gso on", Want: Request{Mode: ModeSetFeatures, Dev: "veth0", Changes: []Change{{"tso", false}, {"gso", true}}}},
	{Args: "--offload veth0 rx off", Want: Request{Mode: ModeSetFeatures, Dev: "veth0", Changes: []Change{{"rx", false}}}},
	{Args: "--version", Want: Request{Mode: ModeVersion}},
	{Args: "", Err: "ethtool: bad command line argument(s)\nFor more information run ethtool -h"},
	{Args: "-k", Err: "ethtool: bad command line argument(s)\nFor more information run ethtool -h"},
	{Args: "-Z eth0", Err: "ethtool: bad command line argument(s)\nFor more information run ethtool -h"},
	{Args: "-k eth0 x", Err: "ethtool: unexpected parameter 'x'"},
	{Args: "-K eth0 tso", Err: "ethtool (-K): flag '(null)' for parameter '(null)' is not followed by 'on' or 'off'"},
	{Args: "-K eth0 tso yes", Err: "ethtool (-K): flag 'yes' for parameter '(null)' is not followed by 'on' or 'off'"},
	{Args: "-G eth0 rx 4096", Err: "nsemu: ethtool -G: not emulated"},
}

func TestParse(t *testing.T) { parsetest.Run(t, Parse, parseCases, nil) }

// TestExpand: legacy flags stand for their features; a feature name for
// itself; an unknown name is reported.
func TestExpand(t *testing.T) {
	want, bad := expand([]Change{{"tso", true}, {"rx-gro", false}, {"tx", false}})
	if bad != "" || len(want) != 4+1+5 || !want["tx-tcp-segmentation"] || want["rx-gro"] || want["tx-checksum-ip-generic"] {
		t.Errorf("expand: %v %q", want, bad)
	}
	if _, bad := expand([]Change{{"gso", true}, {"turbo", true}}); bad != "turbo" {
		t.Errorf("expand(turbo): unknown %q", bad)
	}
}

// FuzzParse: no command line panics the parser; an accepted one names a
// device (but --version), and -K's changes expand or name the unknown one.
func FuzzParse(f *testing.F) {
	parsetest.Seed(f, parseCases)
	f.Fuzz(func(t *testing.T, line string) {
		r, err := Parse(strings.Fields(line))
		if err != nil {
			return
		}
		if r.Dev == "" && r.Mode != ModeVersion {
			t.Fatalf("Parse(%q) accepted %+v", line, r)
		}
		want, bad := expand(r.Changes)
		if bad == "" && len(r.Changes) > 0 && len(want) == 0 {
			t.Fatalf("Parse(%q): changes %v expand to nothing", line, r.Changes)
		}
	})
}
