package kmod

import (
	"strings"
	"testing"

	"github.com/nsemu/nsemu/emu/builtin/internal/parsetest"
)

var parseCases = []parsetest.Case[Request]{
	{Args: "br_netfilter", Want: Request{Modules: []string{"br_netfilter"}}},
	{Args: "veth a=1 b", Want: Request{Modules: []string{"veth"}, Params: []string{"a=1", "b"}}},
	{Args: "-a overlay veth", Want: Request{All: true, Modules: []string{"overlay", "veth"}}},
	{Args: "-rq bridge stp", Want: Request{Remove: true, Quiet: true, Modules: []string{"bridge", "stp"}}},
	{Args: "--remove --dry-run x", Want: Request{Remove: true, DryRun: true, Modules: []string{"x"}}},
	{Args: "--version", Want: Request{Version: true}},
	{Args: "-b -n 8021q", Want: Request{DryRun: true, Modules: []string{"8021q"}}},
	{Args: "", Err: "modprobe: ERROR: missing parameters. See -h."},
	{Args: "-r", Err: "modprobe: ERROR: missing parameters. See -h."},
	{Args: "-z x", Err: "modprobe: invalid option -- 'z'"},
	{Args: "--foo x", Err: "modprobe: unrecognized option '--foo'"},
	{Args: "-v veth", Err: "nsemu: modprobe -v: not emulated"},
}

func TestParse(t *testing.T) { parsetest.Run(t, Parse, parseCases, nil) }

// FuzzParse: no command line panics the parser; what it accepts names a
// module (or asks for the version), and parameters only follow one.
func FuzzParse(f *testing.F) {
	parsetest.Seed(f, parseCases)
	f.Fuzz(func(t *testing.T, line string) {
		r, err := Parse(strings.Fields(line))
		if err != nil || r.Version {
			return
		}
		if len(r.Modules) == 0 || ((r.All || r.Remove) && len(r.Params) > 0) {
			t.Fatalf("Parse(%q) accepted %+v", line, r)
		}
	})
}
